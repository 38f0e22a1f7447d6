package io.fragtrace.replay;

import io.fragtrace.parser.Field;
import io.fragtrace.parser.TraceInput;
import io.fragtrace.parser.TraceInputException;
import io.fragtrace.parser.TraceParser;
import io.fragtrace.replay.model.BuddyModel;
import io.fragtrace.replay.model.KernelSemantics;
import io.fragtrace.replay.snapshot.BuddyDump;
import io.fragtrace.replay.snapshot.SnapshotClock;
import io.fragtrace.replay.snapshot.SnapshotException;
import io.fragtrace.replay.snapshot.ZoneInfo;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The model at the instant replay starts from, the best the input allows:
 * {@code buddydump} (the kernel's exact free lists, pcp lists and pageblock types, from before/buddydump.txt),
 * {@code kpageflags} (free blocks exact, typed from pagetypeinfo; see {@link InferredStart}),
 * {@code zoneinfo} (zones only: every page unknown until an event touches it), or
 * {@code x86-default} (a bare trace: x86-64 zones up to the highest pfn seen, every page unknown).
 * {@code fromNs[z]} is the instant zone z's state reflects: the replay skips the zone's events up to it.
 */
public record StartState(BuddyModel model, long[] fromNs, String kind, List<String> notes, List<String> problems,
                         ZoneInfo zoneInfo) {

    /**
     * The topology of a trace without snapshots: {@code memBytes} (x86-64 default zones up to that size) or
     * {@code zones}, a list {@code NAME:START-END} of pfn ranges (hex with 0x, or decimal), optionally {@code N/} node-
     * prefixed: {@code DMA:0x1-0x1000,DMA32:0x1000-0x100000,Normal:0x100000-0x440000}.
     */
    public record Topology(long memBytes, String zones) {
        public static final Topology INFERRED = new Topology(0, null);
    }

    /** Start states built in this JVM (each a whole model): tests check that a run builds one. */
    static final AtomicInteger BUILDS = new AtomicInteger();

    /** @param startAtNs the instant a kpageflags snapshot shows (null: the capture's marker, else the trace start) */
    public static StartState of(TraceInput input, KernelSemantics override, Long startAtNs)
            throws SnapshotException, TraceInputException {
        return of(input, override, startAtNs, Topology.INFERRED);
    }

    public static StartState of(TraceInput input, KernelSemantics override, Long startAtNs, Topology topology)
            throws SnapshotException, TraceInputException {
        BUILDS.incrementAndGet();
        Path bundle = input.bundle();
        Path before = bundle == null ? null : bundle.resolve("before");
        boolean flags = topology.memBytes() > 0 || topology.zones() != null;
        if (flags && before != null && Files.isDirectory(before)) {
            throw new TraceInputException(bundle + ": --mem/--zones are for a trace without snapshots; this bundle's "
                    + "before/ gives the zones");
        }
        ZoneInfo zoneInfo = before != null && Files.isRegularFile(before.resolve("zoneinfo"))
                ? ZoneInfo.load(before.resolve("zoneinfo")) : null;
        if (before != null && Files.isRegularFile(before.resolve("buddydump.txt"))) {
            BuddyDump dump = ModelLoader.loadDump(before);
            long end = 0;
            for (BuddyDump.Zone dz : dump.zones()) {
                end = Math.max(end, dz.start + dz.spanned);
            }
            HeapCheck.require(before.resolve("buddydump.txt").toString(), end);
            KernelSemantics ks = override != null
                    ? override.withPageblockOrder(dump.pageblockOrder()).withNrOrders(dump.nrOrders())
                    : ModelLoader.semanticsFor(bundle, dump);
            BuddyModel model = ModelLoader.fromDump(dump, ks, zoneInfo);
            long[] from = ModelLoader.lockInstants(model, dump, before);
            String clockNote = bundle == null ? null : SnapshotClock.of(bundle).note();
            return new StartState(model, from, "buddydump", clockNote == null ? List.of() : List.of(clockNote),
                    dump.problems().examples(), zoneInfo);
        }
        KernelSemantics ks = override != null ? override : ModelLoader.semanticsFor(bundle, null);
        if (before != null && InferredStart.possible(before)) {
            InferredStart inferred = InferredStart.load(before, ks);
            long at = startAtNs != null ? startAtNs : StartMarker.find(input, "read /proc/kpageflags");
            List<String> notes = new ArrayList<>(inferred.notes());
            notes.add(at == Long.MIN_VALUE ? "no 'read /proc/kpageflags' marker: every event applied to the start state"
                    : "start instant " + seconds(at) + " s");
            return new StartState(inferred.model(), filled(inferred.model(), at), "kpageflags", notes, List.of(), zoneInfo);
        }
        if (zoneInfo != null) {
            BuddyModel model = ModelLoader.fromZoneInfo(zoneInfo, ks);
            return new StartState(model, filled(model, Long.MIN_VALUE), "zoneinfo",
                    List.of("zones from before/zoneinfo; every page unknown until an event touches it"), List.of(),
                    zoneInfo);
        }
        if (topology.zones() != null) {
            TraceFacts facts = TraceFacts.scan(input);
            if (facts.pageblockOrder > 0 && override == null) {
                ks = ks.withPageblockOrder(facts.pageblockOrder);
            }
            List<io.fragtrace.replay.model.Zone> zones = parseZones(topology.zones());
            HeapCheck.require("--zones " + topology.zones(), zones.stream().mapToLong(z -> z.end).max().orElse(0));
            BuddyModel model = new BuddyModel(ks, zones, 64);
            model.markAllUnknown();
            return new StartState(model, filled(model, Long.MIN_VALUE), "zones-flag",
                    List.of("zones from --zones " + topology.zones() + "; every page unknown until an event touches it"),
                    List.of(), null);
        }
        TraceFacts facts = TraceFacts.scan(input);
        if (facts.pageblockOrder > 0 && override == null) {
            ks = ks.withPageblockOrder(facts.pageblockOrder); // printed by mm_page_alloc_extfrag
        }
        long endPfn = topology.memBytes() > 0 ? topology.memBytes() >> 12 : facts.highestPfn + 1;
        if (endPfn > MAX_DEFAULT_PFNS) {
            throw new TraceInputException(input.displayName() + ": the trace names pfn 0x" + Long.toHexString(endPfn - 1)
                    + ", beyond the " + (MAX_DEFAULT_PFNS >> 18) + " GiB the default zones can model; give a bundle "
                    + "folder with before/zoneinfo");
        }
        HeapCheck.require(input.displayName(), endPfn);
        BuddyModel model = ModelLoader.x86Default(endPfn, ks, 64);
        return new StartState(model, filled(model, Long.MIN_VALUE), "x86-default",
                List.of("no snapshots: x86-64 zones (DMA, DMA32, Normal) up to " + (topology.memBytes() > 0
                        ? "--mem" : "the highest pfn seen") + " (pfn 0x" + Long.toHexString(endPfn - 1)
                        + "); every page unknown until an event touches it"), List.of(), null);
    }

    /** --zones: NAME:START-END[,...], each optionally N/-prefixed for its node. */
    static List<io.fragtrace.replay.model.Zone> parseZones(String spec) throws TraceInputException {
        List<io.fragtrace.replay.model.Zone> zones = new ArrayList<>();
        for (String part : spec.split(",")) {
            String p = part.trim();
            try {
                int nid = 0;
                int slash = p.indexOf('/');
                if (slash > 0) {
                    nid = Integer.parseInt(p.substring(0, slash));
                    p = p.substring(slash + 1);
                }
                int colon = p.indexOf(':');
                int dash = p.indexOf('-', colon);
                String name = p.substring(0, colon);
                long start = Long.decode(p.substring(colon + 1, dash));
                long end = Long.decode(p.substring(dash + 1));
                if (name.isEmpty() || end <= start || start < 0 || end - start > MAX_DEFAULT_PFNS) {
                    throw new IllegalArgumentException();
                }
                io.fragtrace.replay.model.Zone z = new io.fragtrace.replay.model.Zone(zones.size(), nid, name, start,
                        end - start);
                z.present = z.spanned();
                z.managed = z.spanned();
                zones.add(z);
            } catch (RuntimeException e) {
                throw new TraceInputException("--zones: '" + part.trim() + "' is not NAME:START-END (pfns, e.g. "
                        + "DMA32:0x1000-0x100000, each at most " + (MAX_DEFAULT_PFNS >> 18) + " GiB)");
            }
        }
        return zones;
    }

    /** Largest default topology (pfns) built for a bare trace: 4 TiB of 4 KiB pages. */
    static final long MAX_DEFAULT_PFNS = 1L << 30;

    private static long[] filled(BuddyModel m, long v) {
        long[] a = new long[m.zoneCount()];
        Arrays.fill(a, v);
        return a;
    }

    /** What a trace without snapshots tells about the machine: its highest pfn, and pageblock_order (extfrag). */
    private static final class TraceFacts {
        long highestPfn;
        int pageblockOrder = -1;

        /** One extra parsing pass over the trace. */
        static TraceFacts scan(TraceInput input) throws TraceInputException {
            TraceFacts f = new TraceFacts();
            new TraceParser().parse(input, e -> {
                if (e.has(Field.PFN) && !e.isFailedAlloc() && e.pfn() > 0) {
                    long end = e.pfn() + (e.has(Field.ORDER) ? (1L << Math.min(e.order(), 20)) - 1 : 0);
                    f.highestPfn = Math.max(f.highestPfn, end);
                }
                if (f.pageblockOrder < 0 && e.has(Field.PAGEBLOCK_ORDER)) {
                    long o = e.get(Field.PAGEBLOCK_ORDER);
                    f.pageblockOrder = o > 0 && o < 20 ? (int) o : -1;
                }
            });
            if (f.highestPfn == 0) {
                throw new TraceInputException(input.displayName() + ": no page event in the trace to replay");
            }
            return f;
        }
    }

    private static String seconds(long ns) {
        return String.format("%d.%06d", ns / 1_000_000_000L, (ns % 1_000_000_000L) / 1000);
    }
}
