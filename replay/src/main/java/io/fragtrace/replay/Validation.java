package io.fragtrace.replay;

import io.fragtrace.parser.EventLog;
import io.fragtrace.parser.ParseReport;
import io.fragtrace.parser.TraceInput;
import io.fragtrace.parser.TraceInputException;
import io.fragtrace.parser.TraceVisitor;
import io.fragtrace.parser.PipelinedParser;
import io.fragtrace.replay.model.BuddyModel;
import io.fragtrace.replay.model.FragMetrics;
import io.fragtrace.replay.model.KernelSemantics;
import io.fragtrace.replay.order.LockOrderSorter;
import io.fragtrace.replay.snapshot.BuddyDump;
import io.fragtrace.replay.snapshot.SnapshotException;
import io.fragtrace.replay.snapshot.ZoneInfo;
import io.fragtrace.replay.snapshot.ZoneTable;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static io.fragtrace.replay.model.KernelSemantics.MIGRATE_TYPES;

/**
 * Replays a bundle from the {@code before/} dump's L instant to the {@code after/} dump's L (per zone) and compares
 * the model with {@code after/}: free blocks, page states, buddyinfo, pageblock migratetypes, pcp counts, free-list
 * order, and the fragmentation / unusable indexes against the kernel's printed ones.
 */
public final class Validation {
    /** Examples of each kind of mismatch kept per zone (was the hidden -Dfragtrace.examples). */
    static final int MAX_EXAMPLES = 5;
    /** Per-zone comparison. */
    public static final class ZoneResult {
        public String zone;
        public long[] modelNrFree;
        public long[] kernelNrFree;
        public long pagesMismatched;
        public long buddyPagesMismatched;
        public long freeBlocksMissing;
        public long freeBlocksExtra;
        public long freeBlocksWrongMigratetype;
        public long pageblocksMismatched;
        public long pcpModel;
        public long pcpKernel;
        public long pcpCpusMismatched;
        /** Per-CPU lists whose content or order differs from the dump's P lines. */
        public long pcpListsDiffer;
        public long freeListsOrderDiffer;
        public int extfragMaxError;
        public int unusableMaxError;
        public int[] modelExtfrag;
        public int[] kernelExtfrag;
        public int[] modelUnusable;
        public int[] kernelUnusable;
        public final List<String> missingExamples = new ArrayList<>();
        public final List<String> extraExamples = new ArrayList<>();
        /** First pages whose state differs ("0x.. kernel free model pcp"). */
        public final List<String> pageExamples = new ArrayList<>();
        /** The pfns of the first pages whose state differs (for {@code validate --explain}). */
        public final List<Long> pagePfns = new ArrayList<>();
        /** First free lists whose order differs (first entries of both). */
        public final List<String> orderExamples = new ArrayList<>();
    }

    private static final String[] STATE = {"allocated", "free", "pcp"};

    /** Whole-bundle result. */
    public static final class Result {
        public String bundle;
        public String kernel;
        public final List<ZoneResult> zones = new ArrayList<>();
        public long eventsApplied;
        public long eventsSkipped;
        public Map<String, Long> consistency = new LinkedHashMap<>();
        /** The first examples of each consistency kind (trace time, line, what), as {@link #consistency} names them. */
        public Map<String, List<String>> consistencyExamples = new LinkedHashMap<>();
        public long pagesMismatched;
        public long buddyPagesMismatched;
        public long freeBlocksMissing;
        public long freeBlocksExtra;
        public long freeBlocksWrongMigratetype;
        public long pageblocksMismatched;
        public long buddyinfoCellsMismatched;
        public long pcpPagesModel;
        public long pcpPagesKernel;
        public long freeListsOrderDiffer;
        public long pcpListsDiffer;
        public int extfragIndexMaxError;
        public int unusableIndexMaxError;
        public long parseProblems;
        /** Malformed lines of the before/after dumps (counted, skipped), with the first examples. */
        /** Where the model started: buddydump, kpageflags, zoneinfo or x86-default (see StartState). */
        public String startState;
        /** What the start needed beyond its snapshot (e.g. a local-clock trace's instants moved: SnapshotClock). */
        public List<String> startNotes = List.of();
        public long snapshotProblems;
        public List<String> snapshotProblemExamples = new ArrayList<>();
        public double replaySeconds;
        /** With watched pfns: each one's history through the replay (see {@link PfnWatch}). */
        public final Map<Long, List<PfnWatch.Step>> explain = new LinkedHashMap<>();
        /** The start's instant given to {@link #run} (a kpageflags start: the one found), for {@link #explain}. */
        Long startAtNs;

        /** The buddy state matches exactly: every free block (pfn, order, migratetype) and every pageblock. */
        public boolean exact() {
            return buddyPagesMismatched == 0 && freeBlocksMissing == 0 && freeBlocksExtra == 0
                    && pageblocksMismatched == 0 && buddyinfoCellsMismatched == 0;
        }
    }

    private Validation() {
    }

    /** Runs the whole validation of a bundle folder from its best start state (see {@link StartState}). */
    public static Result run(Path bundle, KernelSemantics override, boolean modelUntraced)
            throws SnapshotException, TraceInputException {
        return run(TraceInput.of(bundle.toString()), override, modelUntraced, null);
    }

    /**
     * Replays the bundle from its start state up to each zone's after/ L instant (the after dump reflects exactly
     * those events) and compares the model with after/buddydump.txt.
     */
    public static Result run(TraceInput input, KernelSemantics override, boolean modelUntraced, Long startAtNs)
            throws SnapshotException, TraceInputException {
        return run(input, override, modelUntraced, startAtNs, null);
    }

    /**
     * As {@link #run(TraceInput, KernelSemantics, boolean, Long)}, also keeping the trace's events, as parsed, in
     * {@code keep} ({@link EventLog#tee(long)}, about 50 bytes an event; null: not kept) for {@link #explain}.
     */
    public static Result run(TraceInput input, KernelSemantics override, boolean modelUntraced, Long startAtNs,
                             EventLog keep) throws SnapshotException, TraceInputException {
        Pending p = prepare(input, override, modelUntraced, startAtNs, new long[0], 0);
        TraceVisitor v = p.visitor();
        ParseReport pr = new PipelinedParser().parse(input, keep == null ? v : e -> {
            keep.record(e);
            v.onEvent(e);
        });
        Result r = p.finish(pr);
        r.startAtNs = "kpageflags".equals(r.startState) ? Long.valueOf(p.start.fromNs()[0]) : startAtNs;
        return r;
    }

    /**
     * The validation of {@code first} replayed again, recording the last {@code steps} events of each watched pfn's
     * history ({@link Result#explain}): from its kept events when they are all held (the trace is not read again),
     * else from the trace read a second time.
     */
    public static Result explain(TraceInput input, KernelSemantics override, boolean modelUntraced, Result first,
                                 EventLog kept, long[] watch, int steps) throws SnapshotException, TraceInputException {
        Pending p = prepare(input, override, modelUntraced, first.startAtNs, watch, steps);
        if (kept != null && kept.complete()) {
            kept.replay(p.visitor());
            return p.finish(null);
        }
        return p.finish(new PipelinedParser().parse(input, p.visitor()));
    }

    /**
     * The windowed replay of {@link #run}: {@link #visitor()} gets every event, {@link #finish} compares. ({@code
     * replay} checks its own model instead, zone by zone at the after/ instants: {@link FidelityAtInstant}.)
     */
    private static final class Pending {
        private final TraceInput input;
        private final BuddyDump after;
        private final Path afterDir;
        private final StartState start;
        private final ObservedReplay replay;
        private final LockOrderSorter sorter;
        private final PfnWatch watcher;
        private final long[] watch;
        private final long t0 = System.nanoTime();

        private Pending(TraceInput input, BuddyDump after, Path afterDir, StartState start, ObservedReplay replay,
                        long[] watch, int steps) {
            this.input = input;
            this.after = after;
            this.afterDir = afterDir;
            this.start = start;
            this.replay = replay;
            this.watch = watch;
            this.watcher = watch.length == 0 ? null : new PfnWatch(replay, watch, steps);
            this.sorter = new LockOrderSorter(replay, watcher == null ? replay : watcher,
                    LockOrderSorter.DEFAULT_WINDOW, LockOrderSorter.slackFor(input.bundle()));
        }

        /** Receives the trace's events in printed order (the lock order is recovered inside). */
        public TraceVisitor visitor() {
            return sorter;
        }

        /** Compares the model with after/ once the parse is done. */
        public Result finish(ParseReport pr) throws SnapshotException {
            sorter.finish();
            double secs = (System.nanoTime() - t0) / 1e9;
            BuddyModel model = start.model();
            Result r = compare(model, after, afterDir);
            r.bundle = input.bundle().toString();
            r.kernel = model.ks.name();
            r.startState = start.kind();
            r.startNotes = start.notes();
            r.eventsApplied = replay.eventsApplied();
            r.eventsSkipped = replay.eventsSkipped();
            r.consistency = replay.consistency().asMap();
            r.consistencyExamples = replay.consistency().examplesMap();
            r.parseProblems = pr == null ? 0 : pr.badLines();
            r.snapshotProblems = start.problems().size() + after.problems().count();
            r.snapshotProblemExamples.addAll(start.problems());
            r.snapshotProblemExamples.addAll(after.problems().examples());
            r.replaySeconds = secs;
            for (int i = 0; i < watch.length; i++) {
                r.explain.put(watch[i], watcher.history(i));
            }
            return r;
        }
    }

    /** Loads after/ and the start state and sets up the windowed replay of {@link #run}, without parsing. */
    private static Pending prepare(TraceInput input, KernelSemantics override, boolean modelUntraced, Long startAtNs,
                                   long[] watch, int steps) throws SnapshotException, TraceInputException {
        Path afterDir = FidelityAtInstant.afterDir(input);
        BuddyDump after = ModelLoader.loadDump(afterDir);
        StartState start = StartState.of(input, override, startAtNs);
        BuddyModel model = start.model();
        long[] to = ModelLoader.lockInstants(model, after, afterDir);
        ObservedReplay replay = new ObservedReplay(model, start.fromNs(), to).modelUntracedPaths(modelUntraced);
        return new Pending(input, after, afterDir, start, replay, watch, steps);
    }

    /** Compares a model with a dump (and the printed indexes beside it, when present). */
    public static Result compare(BuddyModel model, BuddyDump after, Path afterDir) throws SnapshotException {
        return compare(model, after, index(afterDir, "extfrag_index"), index(afterDir, "unusable_index"), -1,
                new Result());
    }

    /** The kernel's printed index file of afterDir (extfrag_index, unusable_index), null when absent. */
    static ZoneTable index(Path afterDir, String name) throws SnapshotException {
        return afterDir != null && Files.isRegularFile(afterDir.resolve(name))
                ? ZoneTable.loadIndex(afterDir.resolve(name)) : null;
    }

    /** As {@link #compare(BuddyModel, BuddyDump, Path)} for zone onlyZone alone (-1: all), adding to res. */
    static Result compare(BuddyModel model, BuddyDump after, ZoneTable extfrag, ZoneTable unusable, int onlyZone,
                          Result res) {
        int nrOrders = model.nrOrders();
        for (int z = 0; z < model.zoneCount(); z++) {
            var zone = model.zone(z);
            BuddyDump.Zone dz = after.zone(zone.name);
            if (dz == null || (onlyZone >= 0 && z != onlyZone)) {
                continue;
            }
            ZoneResult zr = new ZoneResult();
            zr.zone = zone.name;
            int span = (int) (zone.end - zone.start);
            // page states: 0 allocated/other, 1 free in buddy, 2 on pcp; two bits a pfn, and the blocks in sorted
            // primitive arrays, so that the comparison's memory stays a small part of the model's (1 TiB zones)
            PageStates kState = new PageStates(span);
            PageStates mState = new PageStates(span);
            int nb = dz.blocks.size();
            long[] kBlocks = new long[nb]; // key << 4 | migratetype, sorted
            for (int i = 0; i < nb; i++) {
                BuddyDump.Block b = dz.blocks.get(i);
                kBlocks[i] = key(b.pfn(), b.order()) << 4 | (b.migratetype() & 15);
                kState.fill(b.pfn() - zone.start, 1L << b.order(), 1);
            }
            Arrays.sort(kBlocks);
            for (BuddyDump.PcpPage p : dz.pcp) {
                kState.fill(p.pfn() - zone.start, 1L << p.order(), 2);
            }
            // the dump's free lists in dump order, grouped by (order, migratetype): a counting sort
            int lists = nrOrders * MIGRATE_TYPES;
            int[] kListStart = new int[lists + 1];
            for (BuddyDump.Block b : dz.blocks) {
                int id = listId(b, nrOrders);
                if (id >= 0) {
                    kListStart[id + 1]++;
                }
            }
            for (int i = 0; i < lists; i++) {
                kListStart[i + 1] += kListStart[i];
            }
            long[] kListPfns = new long[kListStart[lists]];
            int[] fillAt = Arrays.copyOf(kListStart, lists);
            for (BuddyDump.Block b : dz.blocks) {
                int id = listId(b, nrOrders);
                if (id >= 0) {
                    kListPfns[fillAt[id]++] = b.pfn();
                }
            }
            long[] mBlocks = new long[64];
            int mCount = 0;
            zr.modelNrFree = new long[nrOrders];
            zr.kernelNrFree = new long[nrOrders];
            for (int o = 0; o < nrOrders; o++) {
                zr.modelNrFree[o] = model.nrFree(z, o);
                zr.kernelNrFree[o] = o < dz.nrFree.length ? dz.nrFree[o] : 0;
                if (zr.modelNrFree[o] != zr.kernelNrFree[o]) {
                    res.buddyinfoCellsMismatched++;
                }
                for (int mt = 0; mt < MIGRATE_TYPES; mt++) {
                    long[] list = model.freeList(z, o, mt);
                    for (long pfn : list) {
                        long k = key(pfn, o);
                        if (mCount == mBlocks.length) {
                            mBlocks = Arrays.copyOf(mBlocks, mCount * 2);
                        }
                        mBlocks[mCount++] = k;
                        mState.fill(pfn - zone.start, 1L << o, 1);
                        int at = find(kBlocks, k);
                        if (at < 0) {
                            zr.freeBlocksExtra++;
                            if (zr.extraExamples.size() < MAX_EXAMPLES) {
                                zr.extraExamples.add("0x" + Long.toHexString(pfn) + " order " + o + " mt " + mt);
                            }
                        } else if ((kBlocks[at] & 15) != mt) {
                            zr.freeBlocksWrongMigratetype++;
                        }
                    }
                    int id = o * MIGRATE_TYPES + mt;
                    int kFrom = kListStart[id];
                    int kLen = kListStart[id + 1] - kFrom;
                    if (kLen == list.length && sameSet(kListPfns, kFrom, list)) {
                        for (int i = 0; i < list.length; i++) {
                            if (kListPfns[kFrom + i] != list[i]) {
                                zr.freeListsOrderDiffer++;
                                if (zr.orderExamples.size() < 5) {
                                    StringBuilder sb = new StringBuilder("order " + o + " mt " + mt + ": kernel");
                                    for (int j = 0; j < Math.min(12, kLen); j++) {
                                        sb.append(" 0x").append(Long.toHexString(kListPfns[kFrom + j]));
                                    }
                                    sb.append(" model");
                                    for (int j = 0; j < Math.min(12, list.length); j++) {
                                        sb.append(" 0x").append(Long.toHexString(list[j]));
                                    }
                                    zr.orderExamples.add(sb.toString());
                                }
                                break;
                            }
                        }
                    }
                }
            }
            Arrays.sort(mBlocks, 0, mCount);
            for (BuddyDump.Block b : dz.blocks) {
                if (Arrays.binarySearch(mBlocks, 0, mCount, key(b.pfn(), b.order())) < 0) {
                    zr.freeBlocksMissing++;
                    if (zr.missingExamples.size() < MAX_EXAMPLES) {
                        zr.missingExamples.add("0x" + Long.toHexString(b.pfn()) + " order " + b.order() + " mt "
                                + b.migratetype());
                    }
                }
            }
            int pindexes = model.ks.nrPcpLists();
            for (int cpu = 0; cpu < model.maxCpus(); cpu++) {
                for (int p = 0; p < pindexes; p++) {
                    for (long pfn : model.pcpList(z, cpu, p)) {
                        if (zone.spans(pfn)) {
                            mState.fill(pfn - zone.start, 1L << model.ks.pindexToOrder(p), 2);
                        }
                    }
                }
            }
            for (long i = kState.nextDiffering(mState, 0); i >= 0; i = kState.nextDiffering(mState, i + 1)) {
                int ks = kState.get(i);
                int ms = mState.get(i);
                if (zr.pageExamples.size() < MAX_EXAMPLES) {
                    zr.pageExamples.add("0x" + Long.toHexString(zone.start + i) + " kernel " + STATE[ks]
                            + " model " + STATE[ms]);
                    zr.pagePfns.add(zone.start + i);
                }
                zr.pagesMismatched++;
                if ((ks == 1) != (ms == 1)) {
                    zr.buddyPagesMismatched++;
                }
            }
            // per-CPU lists in list order (P lines are grouped by cpu and pindex, head first)
            Map<Long, List<Long>> kPcp = new LinkedHashMap<>();
            for (BuddyDump.PcpPage p : dz.pcp) {
                kPcp.computeIfAbsent(((long) p.cpu() << 8) | p.pindex(), k -> new ArrayList<>()).add(p.pfn());
            }
            for (int cpu = 0; cpu < model.maxCpus(); cpu++) {
                for (int p = 0; p < pindexes; p++) {
                    long[] ml = model.pcpList(z, cpu, p);
                    List<Long> kl = kPcp.getOrDefault(((long) cpu << 8) | p, List.of());
                    boolean same = kl.size() == ml.length;
                    for (int i = 0; same && i < ml.length; i++) {
                        same = kl.get(i) == ml[i];
                    }
                    if (!same) {
                        zr.pcpListsDiffer++;
                    }
                }
            }
            zr.pcpModel = model.pcpPages(z);
            for (BuddyDump.Cpu c : dz.cpus) {
                zr.pcpKernel += c.count();
                if (model.pcpCount(z, c.cpu()) != c.count()) {
                    zr.pcpCpusMismatched++;
                }
            }
            // pageblocks of this zone
            for (int i = 0; i < after.pageblockCount(); i++) {
                long pfn = after.pageblockPfn(i);
                if ((zone.spans(pfn) || (pfn < zone.start && pfn + (1L << model.pageblockOrder()) > zone.start))
                        && model.pageblockMigratetype(pfn) != after.pageblockMigratetype(i)) {
                    zr.pageblocksMismatched++;
                }
            }
            zr.modelExtfrag = new int[nrOrders];
            zr.modelUnusable = new int[nrOrders];
            for (int o = 0; o < nrOrders; o++) {
                zr.modelExtfrag[o] = FragMetrics.fragmentationIndex(zr.modelNrFree, o);
                zr.modelUnusable[o] = FragMetrics.unusableFreeIndex(zr.modelNrFree, o);
            }
            zr.kernelExtfrag = row(extfrag, zone.name, nrOrders);
            zr.kernelUnusable = row(unusable, zone.name, nrOrders);
            for (int o = 0; o < nrOrders; o++) {
                if (zr.kernelExtfrag != null) {
                    zr.extfragMaxError = Math.max(zr.extfragMaxError, Math.abs(zr.kernelExtfrag[o] - zr.modelExtfrag[o]));
                }
                if (zr.kernelUnusable != null) {
                    zr.unusableMaxError = Math.max(zr.unusableMaxError,
                            Math.abs(zr.kernelUnusable[o] - zr.modelUnusable[o]));
                }
            }
            res.zones.add(zr);
            res.pagesMismatched += zr.pagesMismatched;
            res.buddyPagesMismatched += zr.buddyPagesMismatched;
            res.freeBlocksMissing += zr.freeBlocksMissing;
            res.freeBlocksExtra += zr.freeBlocksExtra;
            res.freeBlocksWrongMigratetype += zr.freeBlocksWrongMigratetype;
            res.pageblocksMismatched += zr.pageblocksMismatched;
            res.pcpPagesModel += zr.pcpModel;
            res.pcpPagesKernel += zr.pcpKernel;
            res.freeListsOrderDiffer += zr.freeListsOrderDiffer;
            res.pcpListsDiffer += zr.pcpListsDiffer;
            res.extfragIndexMaxError = Math.max(res.extfragIndexMaxError, zr.extfragMaxError);
            res.unusableIndexMaxError = Math.max(res.unusableIndexMaxError, zr.unusableMaxError);
        }
        return res;
    }

    private static int[] row(ZoneTable t, String zone, int n) {
        if (t == null || t.row(zone) == null) {
            return null;
        }
        long[] v = t.row(zone).values();
        int[] out = new int[n];
        for (int i = 0; i < n && i < v.length; i++) {
            out[i] = (int) v[i];
        }
        return out;
    }

    /** The dump block's free list, order * MIGRATE_TYPES + migratetype, or -1 for one the model has no list of. */
    private static int listId(BuddyDump.Block b, int nrOrders) {
        return b.order() >= 0 && b.order() < nrOrders && b.migratetype() >= 0 && b.migratetype() < MIGRATE_TYPES
                ? b.order() * MIGRATE_TYPES + b.migratetype() : -1;
    }

    /** Index in sorted (key << 4 | migratetype) of key, or -1. */
    private static int find(long[] sorted, long key) {
        int at = Arrays.binarySearch(sorted, key << 4);
        if (at < 0) {
            at = -at - 1;
        }
        return at < sorted.length && sorted[at] >>> 4 == key ? at : -1;
    }

    /** Whether every pfn of m is in k[from, from + m.length) (the kernel's list as a set, as before). */
    private static boolean sameSet(long[] k, int from, long[] m) {
        long[] a = Arrays.copyOfRange(k, from, from + m.length);
        Arrays.sort(a);
        for (long p : m) {
            if (Arrays.binarySearch(a, p) < 0) {
                return false;
            }
        }
        return true;
    }

    private static long key(long pfn, int order) {
        return (pfn << 4) | order;
    }

    private static void fill(byte[] a, long from, long len, byte v) {
        long end = Math.min(a.length, from + len);
        for (long i = Math.max(0, from); i < end; i++) {
            a[(int) i] = v;
        }
    }
}
