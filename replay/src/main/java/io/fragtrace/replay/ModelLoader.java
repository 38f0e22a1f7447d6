package io.fragtrace.replay;

import io.fragtrace.parser.TraceInput;
import io.fragtrace.replay.model.BuddyModel;
import io.fragtrace.replay.model.KernelSemantics;
import io.fragtrace.replay.model.Zone;
import io.fragtrace.replay.snapshot.BuddyDump;
import io.fragtrace.replay.snapshot.SnapshotClock;
import io.fragtrace.replay.snapshot.SnapshotException;
import io.fragtrace.replay.snapshot.ZoneInfo;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Builds a {@link BuddyModel} from a bundle's snapshots, and picks the {@link KernelSemantics}. */
public final class ModelLoader {
    private ModelLoader() {
    }

    /** Semantics for a bundle: buddydump {@code release=}, else guest/uname.txt, else 6.1; header orders applied. */
    public static KernelSemantics semanticsFor(Path bundle, BuddyDump dump) {
        String release = release(bundle, dump);
        KernelSemantics ks = KernelSemantics.forRelease(release);
        if (dump != null) {
            ks = ks.withPageblockOrder(dump.pageblockOrder()).withNrOrders(dump.nrOrders());
        }
        return ks;
    }

    /** The kernel release of a bundle: the 6.12 buddydump header's release=, else guest/uname.txt; null if neither. */
    public static String release(Path bundle, BuddyDump dump) {
        if (dump != null && dump.release() != null) {
            return dump.release();
        }
        return TraceInput.unameRelease(bundle);
    }

    /** The exact start state of a buddydump: free lists and pcp lists in list order, pageblock migratetypes. */
    public static BuddyModel fromDump(BuddyDump dump, KernelSemantics ks, ZoneInfo zoneInfo) {
        List<Zone> zones = new ArrayList<>();
        int maxCpu = 1;
        for (BuddyDump.Zone dz : dump.zones()) {
            Zone z = new Zone(zones.size(), dz.nid, dz.name, dz.start, dz.spanned);
            z.present = dz.present;
            z.managed = dz.managed;
            if (zoneInfo != null) {
                ZoneInfo.Zone zi = zoneInfo.zone(dz.name);
                if (zi != null) {
                    watermarks(z, zi);
                }
            }
            zones.add(z);
            for (BuddyDump.Cpu c : dz.cpus) {
                maxCpu = Math.max(maxCpu, c.cpu() + 1);
            }
            for (BuddyDump.PcpPage p : dz.pcp) {
                maxCpu = Math.max(maxCpu, p.cpu() + 1);
            }
        }
        BuddyModel m = new BuddyModel(ks, zones, maxCpu);
        for (int i = 0; i < dump.pageblockCount(); i++) {
            long pfn = dump.pageblockPfn(i);
            if (m.inRange(pfn)) {
                m.setPageblockMigratetype(pfn, dump.pageblockMigratetype(i));
            }
        }
        int zi = 0;
        for (BuddyDump.Zone dz : dump.zones()) {
            for (BuddyDump.Block b : dz.blocks) {
                m.addToFreeList(zi, b.pfn(), b.order(), b.migratetype(), true);
            }
            for (BuddyDump.PcpPage p : dz.pcp) {
                m.pcpAdd(zi, p.cpu(), p.pfn(), p.order(), p.pindex(), true);
            }
            zi++;
        }
        return m;
    }

    /** The zone's watermarks as zoneinfo prints them (min/low/high include the boost), boost and lowmem_reserve. */
    private static void watermarks(Zone z, ZoneInfo.Zone zi) {
        z.wmarkMin = zi.min;
        z.wmarkLow = zi.low;
        z.wmarkHigh = zi.high;
        z.boost = zi.boost;
        z.lowmemReserve = zi.protection;
    }

    /**
     * A start state without a dump: zones and watermarks from zoneinfo, every page unknown (not free) until an event
     * tells; {@link BuddyModel#unknownFraction()} says how much stayed unknown.
     */
    public static BuddyModel fromZoneInfo(ZoneInfo zoneInfo, KernelSemantics ks) {
        List<Zone> zones = new ArrayList<>();
        int maxCpu = 1;
        for (ZoneInfo.Zone zi : zoneInfo.zones()) {
            if (!zi.populated() || zi.startPfn < 0) {
                continue;
            }
            Zone z = new Zone(zones.size(), zi.nid, zi.name, zi.startPfn, zi.spanned);
            z.present = zi.present;
            z.managed = zi.managed;
            watermarks(z, zi);
            zones.add(z);
            maxCpu = Math.max(maxCpu, zi.pagesets.size());
        }
        BuddyModel m = new BuddyModel(ks, zones, maxCpu);
        m.markAllUnknown();
        return m;
    }

    /**
     * x86-64 default topology for a trace without snapshots ({@code --mem}, or the highest pfn seen + 1): one node,
     * ZONE_DMA [1, 4096) (16 MiB), ZONE_DMA32 up to 4 GiB (pfn 0x100000), ZONE_NORMAL above; every page unknown.
     */
    public static BuddyModel x86Default(long endPfn, KernelSemantics ks, int cpus) {
        List<Zone> zones = new ArrayList<>();
        long dmaEnd = Math.min(endPfn, 4096);
        if (dmaEnd > 1) {
            zones.add(new Zone(zones.size(), 0, "DMA", 1, dmaEnd - 1));
        }
        long dma32End = Math.min(endPfn, 0x100000);
        if (dma32End > 4096) {
            zones.add(new Zone(zones.size(), 0, "DMA32", 4096, dma32End - 4096));
        }
        if (endPfn > 0x100000) {
            zones.add(new Zone(zones.size(), 0, "Normal", 0x100000, endPfn - 0x100000));
        }
        for (Zone z : zones) {
            z.present = z.spanned();
            z.managed = z.spanned();
        }
        BuddyModel m = new BuddyModel(ks, zones, Math.max(1, cpus));
        m.markAllUnknown();
        return m;
    }

    /**
     * Each model zone's L instant in {@code dir}'s dump (as {@link #loadDump} put it in the trace's clock): the dump
     * shows the zone with every event up to it applied.
     */
    public static long[] lockInstants(BuddyModel model, BuddyDump dump, Path dir) throws SnapshotException {
        long[] at = new long[model.zoneCount()];
        for (int z = 0; z < at.length; z++) {
            BuddyDump.Zone dz = dump.zone(model.zone(z).name);
            if (dz == null || dz.lockNs == Long.MIN_VALUE) {
                throw new SnapshotException(dir.resolve("buddydump.txt") + ": zone " + model.zone(z).name
                        + " has no L line");
            }
            at[z] = dz.lockNs;
        }
        return at;
    }

    /**
     * Loads {@code dir/buddydump.txt}, failing with a one-line message; its L instants in the trace's clock (a
     * local-clock trace: {@link SnapshotClock}).
     */
    public static BuddyDump loadDump(Path dir) throws SnapshotException {
        if (!Files.isDirectory(dir)) {
            throw new SnapshotException(dir + ": missing (the bundle needs before/ and after/ snapshot folders)");
        }
        BuddyDump dump = BuddyDump.load(dir.resolve("buddydump.txt"));
        Path bundle = dir.toAbsolutePath().getParent();
        long shift = bundle == null ? 0 : SnapshotClock.of(bundle).ns();
        if (shift != 0) {
            for (BuddyDump.Zone z : dump.zones()) {
                if (z.lockNs != Long.MIN_VALUE) {
                    z.lockNs += shift;
                }
            }
        }
        return dump;
    }
}
