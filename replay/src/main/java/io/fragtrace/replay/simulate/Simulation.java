package io.fragtrace.replay.simulate;

import io.fragtrace.replay.ModelLoader;
import io.fragtrace.replay.config.KernelConfig;
import io.fragtrace.replay.model.BuddyModel;
import io.fragtrace.replay.model.KernelSemantics;
import io.fragtrace.replay.snapshot.BuddyDump;
import io.fragtrace.replay.snapshot.KpageFlags;
import io.fragtrace.replay.snapshot.SnapshotException;
import io.fragtrace.replay.snapshot.ZoneInfo;
import io.fragtrace.replay.snapshot.ZoneTable;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/** Builds a {@link Simulator} for a bundle (start state = before/ snapshots) and compares its end with after/. */
public final class Simulation {
    private Simulation() {
    }

    /** The simulator over the bundle's before/ state under cfg. */
    public static Simulator forBundle(Path bundle, KernelConfig cfg) throws SnapshotException {
        return loadStart(bundle, cfg).newSimulator();
    }

    /** A bundle's start state, read once; {@link #newSimulator()} builds a fresh model from it each time. */
    public record Start(BuddyDump dump, ZoneInfo zoneInfo, long[] kpageflags, KernelConfig cfg, KernelSemantics ks) {
        // kpageflags: KpageFlags.lruSingleWords() of before/, or null
        public Simulator newSimulator() {
            BuddyModel model = ModelLoader.fromDump(dump, ks, zoneInfo);
            long startNs = Long.MIN_VALUE;
            for (int z = 0; z < model.zoneCount(); z++) {
                startNs = Math.max(startNs, dump.zone(model.zone(z).name).lockNs);
            }
            return new Simulator(model, cfg, pcpCpus(dump, model), kpageflags, startNs);
        }
    }

    /** Per zone of the model, per CPU: {pcp->high, pcp->batch} of the dump's "C" lines. */
    static int[][][] pcpCpus(BuddyDump dump, BuddyModel model) {
        int[][][] pcp = new int[model.zoneCount()][][];
        for (int z = 0; z < pcp.length; z++) {
            BuddyDump.Zone dz = dump.zone(model.zone(z).name);
            int maxCpu = 0;
            for (BuddyDump.Cpu c : dz.cpus) {
                maxCpu = Math.max(maxCpu, c.cpu() + 1);
            }
            pcp[z] = new int[maxCpu][];
            for (BuddyDump.Cpu c : dz.cpus) {
                pcp[z][c.cpu()] = new int[] {c.high(), c.batch()};
            }
        }
        return pcp;
    }

    /** Reads before/ (buddydump, zoneinfo, kpageflags) and checks the config's orders against the dump. */
    public static Start loadStart(Path bundle, KernelConfig cfg) throws SnapshotException {
        Path before = bundle.resolve("before");
        BuddyDump dump = ModelLoader.loadDump(before);
        if (dump.nrOrders() != cfg.maxOrder() + 1) {
            throw new SnapshotException("config " + cfg.name() + ": max_order=" + cfg.maxOrder()
                    + " but the start state has max order " + (dump.nrOrders() - 1));
        }
        if (dump.pageblockOrder() != cfg.pageblockOrder()) {
            throw new SnapshotException("config " + cfg.name() + ": pageblock_order=" + cfg.pageblockOrder()
                    + " but the start state has " + dump.pageblockOrder());
        }
        KernelSemantics ks = Simulator.semantics(cfg, dump.nrOrders(), dump.pageblockOrder());
        ZoneInfo zi = Files.isRegularFile(before.resolve("zoneinfo")) ? ZoneInfo.load(before.resolve("zoneinfo")) : null;
        KpageFlags kf = KpageFlags.loadIn(before);
        long[] lruSingle = kf == null || kf.pfns() == 0 ? null : kf.lruSingleWords();
        return new Start(dump, zi, lruSingle, cfg, ks);
    }

    /** /proc/buddyinfo: zone name → free blocks per order (node 0 order of zones; "Node N, zone NAME c0 c1 ..."). */
    public static Map<String, long[]> readBuddyinfo(Path file) throws IOException {
        // the snapshot reader's /proc/buddyinfo table (one parser of the format), rows by zone name
        Map<String, long[]> out = new LinkedHashMap<>();
        try {
            for (ZoneTable.Row r : ZoneTable.loadBuddyInfo(file).rows()) {
                out.put(r.zone(), r.values());
            }
        } catch (SnapshotException e) {
            throw new IOException(e.getMessage(), e);
        }
        return out;
    }

    /** End-state distance of a model zone to a kernel buddyinfo row. */
    public record Distance(String zone, long[] model, long[] kernel, long blocks, long pages) {
    }

    /** Σ|model − kernel| free blocks per order, and the same weighted by 2^order (pages), per zone. */
    public static Distance distance(BuddyModel m, int z, long[] kernel) {
        int orders = m.nrOrders();
        long[] model = new long[orders];
        long blocks = 0;
        long pages = 0;
        for (int o = 0; o < orders; o++) {
            model[o] = m.nrFree(z, o);
            long k = o < kernel.length ? kernel[o] : 0;
            long d = Math.abs(model[o] - k);
            blocks += d;
            pages += d << o;
        }
        return new Distance(m.zone(z).name, model, Arrays.copyOf(kernel, orders), blocks, pages);
    }
}
