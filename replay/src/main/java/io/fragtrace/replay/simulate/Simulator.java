package io.fragtrace.replay.simulate;

import io.fragtrace.parser.CompactStatus;
import io.fragtrace.parser.EventType;
import io.fragtrace.parser.Field;
import io.fragtrace.parser.Gfp;
import io.fragtrace.parser.MigrateMode;
import io.fragtrace.parser.ParsedEvent;
import io.fragtrace.parser.TraceVisitor;
import io.fragtrace.parser.ZoneType;
import io.fragtrace.replay.compaction.CompactionContext;
import io.fragtrace.replay.compaction.CompactionRun;
import io.fragtrace.replay.compaction.Interval;
import io.fragtrace.replay.config.KernelConfig;
import io.fragtrace.replay.model.BuddyModel;
import io.fragtrace.replay.model.FragMetrics;
import io.fragtrace.replay.model.KernelSemantics;
import io.fragtrace.replay.model.Zone;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;

import static io.fragtrace.replay.model.KernelSemantics.MIGRATE_HIGHATOMIC;
import static io.fragtrace.replay.model.KernelSemantics.MIGRATE_ISOLATE;
import static io.fragtrace.replay.model.KernelSemantics.MIGRATE_MOVABLE;
import static io.fragtrace.replay.model.KernelSemantics.MIGRATE_PCPTYPES;
import static io.fragtrace.replay.model.KernelSemantics.MIGRATE_RECLAIMABLE;
import static io.fragtrace.replay.model.KernelSemantics.MIGRATE_UNMOVABLE;
import static io.fragtrace.replay.model.KernelSemantics.PAGE_ALLOC_COSTLY_ORDER;
import static io.fragtrace.replay.simulate.Watermarks.ALLOC_CMA;
import static io.fragtrace.replay.simulate.Watermarks.ALLOC_CPUSET;
import static io.fragtrace.replay.simulate.Watermarks.ALLOC_HARDER;
import static io.fragtrace.replay.simulate.Watermarks.ALLOC_HIGH;
import static io.fragtrace.replay.simulate.Watermarks.ALLOC_KSWAPD;
import static io.fragtrace.replay.simulate.Watermarks.ALLOC_NOFRAGMENT;
import static io.fragtrace.replay.simulate.Watermarks.ALLOC_NO_WATERMARKS;
import static io.fragtrace.replay.simulate.Watermarks.ALLOC_OOM;
import static io.fragtrace.replay.simulate.Watermarks.ALLOC_WMARK_LOW;
import static io.fragtrace.replay.simulate.Watermarks.ALLOC_WMARK_MASK;
import static io.fragtrace.replay.simulate.Watermarks.ALLOC_WMARK_MIN;
import static io.fragtrace.replay.simulate.Watermarks.WMARK_HIGH;
import static io.fragtrace.replay.simulate.Watermarks.WMARK_LOW;
import static io.fragtrace.replay.simulate.Watermarks.WMARK_MIN;

/**
 * Simulate mode: the trace's request stream served by the model's own allocator policy under a {@link KernelConfig}.
 * Each {@code mm_page_alloc} (order, gfp → migratetype and zone, CPU) is a request the model serves itself
 * (per-CPU lists, __rmqueue_smallest, __rmqueue_fallback with stealing, watermarks, direct compaction); each free is
 * matched to its allocation by the trace pfn (a trace pfn → model pfn map that compaction's migration updates).
 * kswapd is woken on watermark pressure but reclaims nothing: the trace's own frees bring memory back. kcompactd is
 * woken as kswapd goes to sleep and runs proactive compaction on its 500 ms timeout, in trace time. The trace's own
 * compaction, per-CPU, fallback and daemon events are not applied (they are the observed baseline elsewhere).
 * <p>
 * Every method names the kernel function it mirrors (6.1 unless noted; differences by version are noted and switched on
 * {@link KernelConfig#kernel()}). Daemon work runs at the event after the wake-up, atomically.
 */
public final class Simulator implements TraceVisitor {
    /** enum compact_priority (include/linux/compaction.h). */
    public static final int PRIO_SYNC_FULL = 0;
    public static final int PRIO_SYNC_LIGHT = 1;
    public static final int PRIO_ASYNC = 2;
    /** COMPACT_CLUSTER_MAX = SWAP_CLUSTER_MAX. */
    public static final int COMPACT_CLUSTER_MAX = 32;
    /** HPAGE_FRAG_CHECK_INTERVAL_MSEC (mm/compaction.c). */
    public static final long HPAGE_FRAG_CHECK_INTERVAL_NS = 500_000_000L;
    /** MAX_COMPACT_RETRIES (mm/page_alloc.c). */
    public static final int MAX_COMPACT_RETRIES = 16;
    /** Kernel zone indexes (enum zone_type, x86-64). */
    public static final int ZONE_DMA = 0;
    public static final int ZONE_DMA32 = 1;
    public static final int ZONE_NORMAL = 2;
    public static final int ZONE_MOVABLE = 3;
    public static final int MAX_NR_ZONES = 5;

    /** Page-identity values of {@link #t2m}. */
    private static final int UNMAPPED = -1;
    private static final int MODEL_FAILED = -2;
    /** m2t values at or below this mark orphans: slot = ORPHAN_BASE - value. */
    private static final int ORPHAN_BASE = -10;
    /** amt values: -1 free (buddy or pcp); 0..2 allocated with that migratetype; PINNED allocated, not movable. */
    private static final byte FREE = -1;
    private static final byte PINNED = 7;
    private static final byte COMPOUND_BIT = 0x10;

    /** /proc/kpageflags bits (include/uapi/linux/kernel-page-flags.h). */
    public static final int KPF_LRU = 5;
    public static final int KPF_BUDDY = 10;
    public static final int KPF_COMPOUND_HEAD = 15;
    public static final int KPF_COMPOUND_TAIL = 16;

    private static final int[][] FALLBACKS = {
            {MIGRATE_RECLAIMABLE, MIGRATE_MOVABLE},   // UNMOVABLE
            {MIGRATE_RECLAIMABLE, MIGRATE_UNMOVABLE}, // MOVABLE
            {MIGRATE_UNMOVABLE, MIGRATE_MOVABLE},     // RECLAIMABLE
    };

    /** Samples the model over time (same contract as the observed replay's sampler). */
    public interface Sampler {
        void sample(Simulator sim, long timeNs, String marker);
    }

    private final BuddyModel m;
    private final KernelSemantics ks;
    private final KernelConfig cfg;
    private final int nz;
    private final Zone[] zones;
    private final int[] kzone;
    private final int pb;
    private final long pbPages;
    private final int maxOrder;
    private final long base;
    private final int n;
    private final long startNs;

    /** The config kernel's semantics: every version switch of the policy (KernelSemantics, nowhere else). */
    private final KernelSemantics version;

    // watermarks
    final long[][] wmark;
    final long[] boost;
    private final boolean[] boostedFlag;
    private final long[][] lowmem;
    private final long[] reservedHighatomic;
    // pcp
    private int cpus;
    private int[][] pcpHigh;
    private int[][] pcpBatch;
    private long[][] pcpCount;
    private int[][] freeFactor;
    private final byte[] pcpMt;
    // compaction
    final Deferral[] defer;
    private final long[][] cachedMigrate;
    private final long[] cachedFree;
    private final boolean[] blockskipFlush;
    private final BitSet skip;
    private final int[] proactiveWmarks;
    // page identity
    private final int[] t2m;
    private final int[] m2t;
    private final byte[] amt;
    private final byte[] aord;
    // daemons
    private boolean kswapdAwake;
    private boolean kswapdRunPending;
    private int kswapdOrderReq;
    private int kswapdHighestReq = MAX_NR_ZONES;
    private int kswapdAllocOrder;
    private int kswapdReclaimOrder;
    private int kswapdHighest;
    private long kswapdBeginNs;
    /** Pages the model freed since kswapd woke: the stand-in for kswapd's nr_reclaimed. */
    private long freedSinceKswapdWake;
    private int kcompactdMaxOrder;
    private int kcompactdHighest = MAX_NR_ZONES - 1;
    private boolean kcompactdPending;
    private long nextProactiveNs = Long.MIN_VALUE;
    private KernelConfig.ThpDefrag thpDefrag;
    private KernelConfig.ThpMode thpEnabled;
    /** vm.min_free_kbytes as the model has it (for "auto": estimated from the start state's min watermarks). */
    private long minFreeKbytes;
    private final long[][] startWmark;
    private boolean honorWorkloadSysctls = true;
    // time, sampling, output
    private long nowNs = Long.MIN_VALUE;
    private long lastTimeNs = Long.MIN_VALUE;
    private long events;
    private Sampler sampler;
    private long sampleIntervalNs;
    private long nextSampleNs = Long.MIN_VALUE;
    private final SimStats stats = new SimStats();
    private final List<CompactionRun> runs = new ArrayList<>();
    private final List<Interval> kswapdIntervals = new ArrayList<>();
    private final List<Interval> kcompactdIntervals = new ArrayList<>();
    private int curPid;
    private ParsedEvent curEvent;
    /** pids inside a traced migrate_pages() (mm_migrate_pages_start .. mm_migrate_pages) of the kernel's own run. */
    private int[] migratingPids = new int[8];
    private int nMigrating;
    /** pids inside a traced compact_zone() (mm_compaction_begin .. end) of the kernel's own run. */
    private int[] compactingPids = new int[8];
    private int nCompacting;
    /** Model pages whose trace page the kernel migrated (untraced target pfn): slot → model rel, FIFO per order. */
    private int[] orphanSlots = new int[64];
    private int nOrphanSlots;
    private final java.util.ArrayDeque<Integer>[] orphans;
    private int curCpu;
    private int lastCompactResult;

    // memory regions (the memory-power-management patch set, section 3 of issue 4)
    private final boolean regionsOn;
    private final long regionPages;
    private final int nRegions;
    private final long[] regionUsed;
    private final long[] regionPresent;
    private int regionHint = -1;
    private boolean evacuationPending;
    private int evacuationRegion = -1;

    // scratch for compaction
    private int[] migrateList = new int[COMPACT_CLUSTER_MAX];
    private int nrMigrate;
    private int[] targets = new int[1024];
    private int targetHead;
    private int targetTail;
    private int[] callIsolated = new int[1024];
    private boolean canSteal;

    /**
     * @param model       the start state (ModelLoader.fromDump of the before dump), built with {@link #semantics}
     * @param cfg         the configuration
     * @param pcpCpus     per-zone per-CPU {high, batch} from the start state (BuddyDump "C" lines), for "auto"
     * @param kpageflags  /proc/kpageflags of the start state (one long per pfn from pfn 0), or null: decides which
     *                    allocated pages of the start state are movable (KPF_LRU, not compound); without it, pages in
     *                    MOVABLE pageblocks are taken as movable
     * @param startNs     the start state's instant (events at or before it are already reflected)
     */
    public Simulator(BuddyModel model, KernelConfig cfg, int[][][] pcpCpus, long[] kpageflags, long startNs) {
        this.m = model;
        this.ks = model.ks;
        this.cfg = cfg;
        this.nz = model.zoneCount();
        this.zones = model.zones().toArray(new Zone[0]);
        this.pb = model.pageblockOrder();
        this.pbPages = 1L << pb;
        this.maxOrder = model.nrOrders() - 1;
        this.base = model.basePfn();
        this.n = (int) (model.endPfn() - base);
        this.startNs = startNs;
        this.version = KernelSemantics.forKernel(cfg.kernel());
        this.thpDefrag = cfg.thpDefrag();
        this.thpEnabled = cfg.thpEnabled();
        kzone = new int[nz];
        for (int z = 0; z < nz; z++) {
            kzone[z] = kernelZoneIndex(zones[z].name);
        }
        // watermarks: __setup_per_zone_wmarks with the config's knobs, or the start state's for "auto"
        wmark = new long[nz][3];
        long[] managed = new long[nz];
        for (int z = 0; z < nz; z++) {
            managed[z] = zones[z].managed;
        }
        if (cfg.minFreeKbytes() < 0) {
            long sumMin = 0;
            for (int z = 0; z < nz; z++) {
                sumMin += zones[z].wmarkMin;
            }
            minFreeKbytes = sumMin << 2;
            for (int z = 0; z < nz; z++) {
                long min = zones[z].wmarkMin;
                long gap = Math.max(min >> 2, managed[z] * cfg.watermarkScaleFactor() / 10000);
                wmark[z][WMARK_MIN] = min;
                wmark[z][WMARK_LOW] = min + gap;
                wmark[z][WMARK_HIGH] = min + 2 * gap;
            }
        } else {
            minFreeKbytes = cfg.minFreeKbytes();
            long[][] w = Watermarks.setupPerZoneWmarks(cfg.minFreeKbytes(), cfg.watermarkScaleFactor(), managed);
            for (int z = 0; z < nz; z++) {
                wmark[z] = w[z];
            }
        }
        startWmark = new long[nz][];
        for (int z = 0; z < nz; z++) {
            startWmark[z] = wmark[z].clone();
        }
        if (cfg.minFreeKbytes() >= 0) {
            if (thpEnabled != KernelConfig.ThpMode.NEVER) {
                setRecommendedMinFreeKbytes();
            }
        } else if (minFreeKbytes < recommendedNow()) {
            // "auto": the start state's watermarks stand, and with them the THP state they show (khugepaged had
            // not raised min_free_kbytes, so THP was off); a workload write to transparent_hugepage/enabled raises it
            thpEnabled = KernelConfig.ThpMode.NEVER;
        }
        boost = new long[nz];
        boostedFlag = new boolean[nz];
        lowmem = new long[nz][MAX_NR_ZONES];
        reservedHighatomic = new long[nz];
        for (int z = 0; z < nz; z++) {
            long[] p = zones[z].lowmemReserve;
            for (int i = 0; i < MAX_NR_ZONES && i < p.length; i++) {
                lowmem[z][i] = p[i];
            }
            for (long pfn = zones[z].start & -pbPages; pfn < zones[z].end; pfn += pbPages) {
                if (model.pageblockMigratetype(Math.max(pfn, zones[z].start)) == MIGRATE_HIGHATOMIC) {
                    reservedHighatomic[z] += pbPages;
                }
            }
        }
        // pcp
        cpus = Math.max(model.maxCpus(), 1);
        pcpHigh = new int[nz][cpus];
        pcpBatch = new int[nz][cpus];
        pcpCount = new long[nz][cpus];
        freeFactor = new int[nz][cpus];
        for (int z = 0; z < nz; z++) {
            for (int c = 0; c < cpus; c++) {
                int[] hb = pcpCpus != null && z < pcpCpus.length && c < pcpCpus[z].length && pcpCpus[z][c] != null
                        ? pcpCpus[z][c] : new int[] {6 * 31, 31};
                int batch = cfg.pcpBatch() > 0 ? cfg.pcpBatch() : hb[1];
                int high = cfg.pcpHigh() >= 0 ? cfg.pcpHigh() : (!version.pcpHighOrders() ? 6 * batch : hb[0]);
                pcpHigh[z][c] = high;
                pcpBatch[z][c] = batch;
                pcpCount[z][c] = model.pcpCount(z, c);
            }
        }
        pcpMt = new byte[n];
        // compaction state
        defer = new Deferral[nz];
        cachedMigrate = new long[nz][2];
        cachedFree = new long[nz];
        blockskipFlush = new boolean[nz];
        for (int z = 0; z < nz; z++) {
            defer[z] = new Deferral();
            resetCachedPositions(z);
        }
        skip = new BitSet((int) (n >> pb) + 1);
        proactiveWmarks = Watermarks.fragmentationScoreWmarks(cfg.compactionProactiveness());
        // page identity: the start state's allocated pages keep their pfn
        t2m = new int[n];
        m2t = new int[n];
        amt = new byte[n];
        aord = new byte[n];
        Arrays.fill(t2m, UNMAPPED);
        Arrays.fill(m2t, -1);
        Arrays.fill(amt, FREE);
        Arrays.fill(aord, (byte) -1);
        @SuppressWarnings("unchecked")
        java.util.ArrayDeque<Integer>[] o = new java.util.ArrayDeque[maxOrder + 1];
        for (int i = 0; i <= maxOrder; i++) {
            o[i] = new java.util.ArrayDeque<>();
        }
        orphans = o;
        regionsOn = cfg.regions();
        regionPages = Math.max(1L << pb, cfg.regionSizeMb() << 8); // MiB → 4 KiB pages
        nRegions = (int) ((base + n + regionPages - 1) / regionPages);
        regionUsed = new long[nRegions];
        regionPresent = new long[nRegions];
        initStartState(kpageflags);
        for (int z = 0; z < nz; z++) {
            for (long pfn = zones[z].start; pfn < zones[z].end; pfn++) {
                regionPresent[(int) (pfn / regionPages)]++;
            }
        }
    }

    /** Kernel semantics for a config: its kernel's, with the dump's orders. */
    public static KernelSemantics semantics(KernelConfig cfg, int nrOrders, int pageblockOrder) {
        return KernelSemantics.forKernel(cfg.kernel()).withName("sim-" + cfg.kernel()).withNrOrders(nrOrders)
                .withPageblockOrder(pageblockOrder);
    }

    /** enum zone_type index of a zone name. */
    public static int kernelZoneIndex(String name) {
        return switch (name) {
            case "DMA" -> ZONE_DMA;
            case "DMA32" -> ZONE_DMA32;
            case "Normal" -> ZONE_NORMAL;
            case "Movable" -> ZONE_MOVABLE;
            default -> 4;
        };
    }

    private void initStartState(long[] kpf) {
        for (int z = 0; z < nz; z++) {
            Zone zone = zones[z];
            for (long pfn = zone.start; pfn < zone.end; ) {
                int r = (int) (pfn - base);
                int kind = m.kind(pfn);
                if (kind == BuddyModel.KIND_BUDDY) {
                    pfn += 1L << m.orderAt(pfn);
                    continue;
                }
                if (kind == BuddyModel.KIND_PCP) {
                    pcpMt[r] = (byte) m.listMigratetype(pfn);
                    pfn += 1L << m.orderAt(pfn);
                    continue;
                }
                byte mt;
                if (kpf != null && pfn < kpf.length) {
                    long f = kpf[(int) pfn];
                    boolean lru = (f & (1L << KPF_LRU)) != 0;
                    boolean compound = (f & ((1L << KPF_COMPOUND_HEAD) | (1L << KPF_COMPOUND_TAIL))) != 0;
                    mt = lru && !compound ? (byte) MIGRATE_MOVABLE : PINNED;
                } else {
                    mt = m.pageblockMigratetype(pfn) == MIGRATE_MOVABLE ? (byte) MIGRATE_MOVABLE : PINNED;
                }
                amt[r] = mt;
                aord[r] = 0;
                t2m[r] = r;
                m2t[r] = r;
                regionUsed[(int) (pfn / regionPages)]++;
                pfn++;
            }
        }
    }

    // ------------------------------------------------------------------ configuration of the run

    /** When true (default), the workload's own writes to THP defrag seen as trace markers apply (as at runtime). */
    public Simulator honorWorkloadSysctls(boolean on) {
        this.honorWorkloadSysctls = on;
        return this;
    }

    public void setSampler(Sampler s, long intervalNs) {
        this.sampler = s;
        this.sampleIntervalNs = intervalNs;
        if (nextSampleNs != Long.MIN_VALUE && lastTimeNs != Long.MIN_VALUE) {
            nextSampleNs = lastTimeNs + intervalNs;
        }
    }

    public BuddyModel model() {
        return m;
    }

    public SimStats stats() {
        return stats;
    }

    public List<CompactionRun> runs() {
        return runs;
    }

    public List<Interval> kswapdIntervals() {
        return kswapdIntervals;
    }

    public List<Interval> kcompactdIntervals() {
        return kcompactdIntervals;
    }

    /** The start state's instant: events at or before it are already reflected in it. */
    public long startNs() {
        return startNs;
    }

    public long lastTimeNs() {
        return lastTimeNs;
    }

    public long[] watermarks(int z) {
        return wmark[z].clone();
    }

    /** Model pages still held for kernel-migrated trace pages whose new pfn was not freed yet. */
    public int orphansPending() {
        int c = 0;
        for (var q : orphans) {
            c += q.size();
        }
        return c;
    }

    /** Pages the model holds allocated. */
    public long allocatedPages() {
        long c = 0;
        for (byte a : amt) {
            if (a != FREE) {
                c++;
            }
        }
        return c;
    }

    public KernelConfig.ThpDefrag thpDefrag() {
        return thpDefrag;
    }

    /** Ends the run: closes open daemon intervals and runs daemon work still pending. */
    public void finish() {
        runPendingDaemons();
        if (kswapdAwake) {
            kswapdIntervals.add(new Interval(zones[0].nid, kswapdBeginNs, -1, kswapdAllocOrder));
        }
    }

    // ------------------------------------------------------------------ events

    @Override
    public void onEvent(ParsedEvent e) {
        long ts = e.timestampNs();
        if (ts <= startNs) {
            return;
        }
        nowNs = ts;
        if (sampler != null) {
            if (sampleIntervalNs > 0) {
                if (nextSampleNs == Long.MIN_VALUE) {
                    nextSampleNs = ts + sampleIntervalNs;
                }
                while (ts >= nextSampleNs) {
                    sampler.sample(this, nextSampleNs, null);
                    nextSampleNs += sampleIntervalNs;
                }
            }
        }
        lastTimeNs = ts;
        events++;
        advanceDaemons(ts);
        EventType t = e.type();
        if (t == EventType.MM_PAGE_ALLOC) {
            alloc(e);
        } else if (t == EventType.MM_PAGE_FREE) {
            free(e, false);
        } else if (t == EventType.MM_PAGE_FREE_BATCHED) {
            free(e, true);
        } else if (t == EventType.MARKER) {
            marker(e);
        } else if (t == EventType.MM_MIGRATE_PAGES_START) {
            if (!contains(migratingPids, nMigrating, e.pid())) {
                if (nMigrating == migratingPids.length) {
                    migratingPids = Arrays.copyOf(migratingPids, nMigrating * 2);
                }
                migratingPids[nMigrating++] = e.pid();
            }
        } else if (t == EventType.MM_MIGRATE_PAGES) {
            nMigrating = remove(migratingPids, nMigrating, e.pid());
        } else if (t == EventType.MM_COMPACTION_BEGIN) {
            if (!contains(compactingPids, nCompacting, e.pid())) {
                if (nCompacting == compactingPids.length) {
                    compactingPids = Arrays.copyOf(compactingPids, nCompacting * 2);
                }
                compactingPids[nCompacting++] = e.pid();
            }
        } else if (t == EventType.MM_COMPACTION_END) {
            nCompacting = remove(compactingPids, nCompacting, e.pid());
        }
    }

    private void marker(ParsedEvent e) {
        String text = e.text();
        if (sampler != null) {
            sampler.sample(this, e.timestampNs(), text);
        }
        if (!honorWorkloadSysctls) {
            return;
        }
        int j = text.indexOf("transparent_hugepage/enabled = ");
        if (j >= 0) {
            String v = text.substring(j + "transparent_hugepage/enabled = ".length()).trim().split("\\s+")[0];
            KernelConfig.ThpMode before = thpEnabled;
            switch (v) {
                case "always" -> thpEnabled = KernelConfig.ThpMode.ALWAYS;
                case "madvise" -> thpEnabled = KernelConfig.ThpMode.MADVISE;
                case "never" -> thpEnabled = KernelConfig.ThpMode.NEVER;
                default -> {
                }
            }
            if (thpEnabled != before) {
                // start_stop_khugepaged() → set_recommended_min_free_kbytes() (mm/khugepaged.c)
                if (thpEnabled != KernelConfig.ThpMode.NEVER) {
                    setRecommendedMinFreeKbytes();
                } else if (cfg.minFreeKbytes() < 0) {
                    for (int z = 0; z < nz; z++) {
                        wmark[z] = startWmark[z].clone();
                    }
                }
            }
        }
        int i = text.indexOf("transparent_hugepage/defrag = ");
        if (i >= 0) {
            String v = text.substring(i + "transparent_hugepage/defrag = ".length()).trim().split("\\s+")[0];
            switch (v) {
                case "always" -> thpDefrag = KernelConfig.ThpDefrag.ALWAYS;
                case "defer" -> thpDefrag = KernelConfig.ThpDefrag.DEFER;
                case "defer+madvise" -> thpDefrag = KernelConfig.ThpDefrag.DEFER_MADVISE;
                case "madvise" -> thpDefrag = KernelConfig.ThpDefrag.MADVISE;
                case "never" -> thpDefrag = KernelConfig.ThpDefrag.NEVER;
                default -> {
                }
            }
        }
    }

    private void alloc(ParsedEvent e) {
        int order = e.order();
        if (order < 0 || order > maxOrder) {
            return;
        }
        boolean traceFailed = e.isFailedAlloc();
        long gfp = thpGfp(e.gfpBits(), order);
        curPid = e.pid();
        curCpu = Math.max(0, e.cpu());
        curEvent = e;
        stats.requests[order]++;
        if (traceFailed) {
            stats.traceFailed[order]++;
        }
        long mp = allocPages(order, gfp, curCpu, e);
        if (mp < 0) {
            stats.modelFailed[order]++;
            if (!traceFailed) {
                long tp = e.pfn();
                if (tp >= base && tp + (1L << order) <= base + n) {
                    int tr = (int) (tp - base);
                    for (int i = 0; i < 1 << order; i++) {
                        unmapTrace(tr + i);
                        t2m[tr + i] = MODEL_FAILED;
                    }
                }
            }
            return;
        }
        int mr = (int) (mp - base);
        stats.pagesAllocated += 1L << order;
        int reg = (int) (mp / regionPages);
        if (regionUsed[reg] == 0 && regionsOn) {
            // the alloc side of the handshake: the first allocation in a fresh region is noted
            regionHint = reg;
            stats.regionHints++;
        }
        regionUsed[reg] += 1L << order;
        byte mt = (byte) Gfp.migratetype(gfp);
        boolean compound = (gfp & Gfp.COMP) != 0 && order > 0;
        for (int i = 0; i < 1 << order; i++) {
            amt[mr + i] = (byte) (compound ? mt | COMPOUND_BIT : mt);
            aord[mr + i] = -1;
            m2t[mr + i] = -1;
        }
        aord[mr] = (byte) order;
        if (traceFailed) {
            stats.modelServedTraceFailed++;
            freeUnit(mr, order, curCpu);
            return;
        }
        long tp = e.pfn();
        if (tp < base || tp + (1L << order) > base + n) {
            return;
        }
        int tr = (int) (tp - base);
        for (int i = 0; i < 1 << order; i++) {
            unmapTrace(tr + i);
            t2m[tr + i] = mr + i;
            m2t[mr + i] = tr + i;
        }
    }

    /** Drops a stale mapping of a trace pfn (the trace re-allocated a page the model still maps). */
    private void unmapTrace(int tr) {
        int old = t2m[tr];
        if (old >= 0 && m2t[old] == tr) {
            m2t[old] = -1;
        }
        t2m[tr] = UNMAPPED;
    }

    private static boolean contains(int[] a, int n, int pid) {
        for (int i = 0; i < n; i++) {
            if (a[i] == pid) {
                return true;
            }
        }
        return false;
    }

    private static int remove(int[] a, int n, int pid) {
        for (int i = 0; i < n; i++) {
            if (a[i] == pid) {
                a[i] = a[--n];
                return n;
            }
        }
        return n;
    }

    private boolean migrating(int pid) {
        return contains(migratingPids, nMigrating, pid);
    }

    private void free(ParsedEvent e, boolean batched) {
        long tp = e.pfn();
        int order = e.has(Field.ORDER) ? e.order() : 0;
        if (tp < base || order < 0 || order > maxOrder || tp + (1L << order) > base + n) {
            return;
        }
        int tr = (int) (tp - base);
        int mr = t2m[tr];
        int cpu = Math.max(0, e.cpu());
        if (mr == MODEL_FAILED) {
            for (int i = 0; i < 1 << order; i++) {
                if (t2m[tr + i] == MODEL_FAILED) {
                    t2m[tr + i] = UNMAPPED;
                }
            }
            stats.freesOfModelFailed++;
            return;
        }
        if (mr < 0) {
            if (!batched && nCompacting > 0 && contains(compactingPids, nCompacting, e.pid())) {
                // release_freepages() of the kernel's own compaction: free pages it had isolated, never allocated
                stats.kernelReleasedFree++;
            } else if (!batched) {
                Integer slot = orphans[order].pollFirst();
                if (slot != null) {
                    // the new pfn of a page the kernel migrated (untraced migration target) is freed
                    int r = orphanSlots[slot];
                    m2t[r] = -1;
                    stats.frees++;
                    freeUnit(r, order, cpu);
                } else {
                    stats.freesUnmatched++;
                }
            }
            return;
        }
        if (nMigrating > 0 && !batched && aord[mr] == order && migrating(e.pid()) && contiguous(tr, mr, order)) {
            // the kernel migrated this page: its old pfn is freed, the page lives on at a pfn the trace does not
            // show until it is freed; the model keeps its own copy allocated (an orphan) until then
            if (nOrphanSlots == orphanSlots.length) {
                orphanSlots = Arrays.copyOf(orphanSlots, nOrphanSlots * 2);
            }
            int slot = nOrphanSlots++;
            orphanSlots[slot] = mr;
            for (int i = 0; i < 1 << order; i++) {
                t2m[tr + i] = UNMAPPED;
                m2t[mr + i] = -1;
            }
            m2t[mr] = ORPHAN_BASE - slot;
            orphans[order].addLast(slot);
            stats.kernelMigrated++;
            return;
        }
        stats.frees++;
        if (aord[mr] == order && contiguous(tr, mr, order)) {
            for (int i = 0; i < 1 << order; i++) {
                t2m[tr + i] = UNMAPPED;
                m2t[mr + i] = -1;
            }
            freeUnit(mr, order, cpu);
            return;
        }
        // a split page (split_page) or a start-state page the model moved page by page: free page by page
        for (int i = 0; i < 1 << order; i++) {
            int r = t2m[tr + i];
            if (r < 0) {
                continue;
            }
            t2m[tr + i] = UNMAPPED;
            m2t[r] = -1;
            aord[r] = 0;
            freeUnit(r, 0, cpu);
        }
    }

    private boolean contiguous(int tr, int mr, int order) {
        for (int i = 1; i < 1 << order; i++) {
            if (t2m[tr + i] != mr + i) {
                return false;
            }
        }
        return true;
    }

    /**
     * THP fault gfp under the configured defrag mode: vma_thp_gfp_mask() (mm/huge_memory.c, 6.1). A THP request is
     * order HPAGE_PMD_ORDER with __GFP_COMP | __GFP_NOMEMALLOC (GFP_TRANSHUGE_LIGHT); "madvised" is read from the
     * trace's own flags (direct reclaim without __GFP_NORETRY).
     */
    long thpGfp(long gfp, int order) {
        if (order != pb || (gfp & Gfp.COMP) == 0 || (gfp & Gfp.NOMEMALLOC) == 0 || (gfp & Gfp.MOVABLE) == 0) {
            return gfp;
        }
        boolean madvised = (gfp & Gfp.DIRECT_RECLAIM) != 0 && (gfp & Gfp.NORETRY) == 0;
        long light = gfp & ~(Gfp.RECLAIM | Gfp.NORETRY);
        return switch (thpDefrag) {
            case ALWAYS -> light | Gfp.DIRECT_RECLAIM | (madvised ? 0 : Gfp.NORETRY);
            case DEFER -> light | Gfp.KSWAPD_RECLAIM;
            case DEFER_MADVISE -> light | (madvised ? Gfp.DIRECT_RECLAIM : Gfp.KSWAPD_RECLAIM);
            case MADVISE -> light | (madvised ? Gfp.DIRECT_RECLAIM : 0);
            case NEVER -> light;
        };
    }

    /**
     * set_recommended_min_free_kbytes() (mm/khugepaged.c) then setup_per_zone_wmarks() (mm/page_alloc.c): with THP
     * enabled, min_free_kbytes rises to the THP recommendation and every zone's watermarks are recomputed.
     */
    private long recommendedNow() {
        int nrZones = 0;
        long freeBuffer = 0;
        for (int z = 0; z < nz; z++) {
            if (zones[z].present > 0 && kzone[z] <= ZONE_NORMAL) {
                nrZones++;
                freeBuffer += Math.max(0, zones[z].managed - wmark[z][WMARK_HIGH]);
            }
        }
        return Watermarks.recommendedMinFreeKbytes(0, pb, nrZones, freeBuffer);
    }

    void setRecommendedMinFreeKbytes() {
        int nrZones = 0;
        long freeBuffer = 0;
        long[] managed = new long[nz];
        for (int z = 0; z < nz; z++) {
            managed[z] = zones[z].managed;
            if (zones[z].present > 0 && kzone[z] <= ZONE_NORMAL) {
                nrZones++;
                freeBuffer += Math.max(0, zones[z].managed - wmark[z][WMARK_HIGH]);
            }
        }
        long rec = Watermarks.recommendedMinFreeKbytes(minFreeKbytes, pb, nrZones, freeBuffer);
        if (rec > minFreeKbytes) {
            minFreeKbytes = rec;
            long[][] w = Watermarks.setupPerZoneWmarks(minFreeKbytes, cfg.watermarkScaleFactor(), managed);
            for (int z = 0; z < nz; z++) {
                wmark[z] = w[z];
            }
        }
    }

    public long minFreeKbytes() {
        return minFreeKbytes;
    }

    // ------------------------------------------------------------------ allocation

    /** gfp_zone() (include/linux/gfp.h): the highest zone index the request may use. */
    static int gfpZone(long gfp) {
        if ((gfp & Gfp.DMA) != 0) {
            return ZONE_DMA;
        }
        if ((gfp & Gfp.DMA32) != 0) {
            return ZONE_DMA32;
        }
        if ((gfp & Gfp.MOVABLE) != 0 && (gfp & Gfp.HIGHMEM) != 0) {
            return ZONE_MOVABLE;
        }
        return ZONE_NORMAL;
    }

    /** The preferred zone: the highest populated model zone at or below highestKz; -1 if none. */
    private int preferredZone(int highestKz) {
        for (int z = nz - 1; z >= 0; z--) {
            if (kzone[z] <= highestKz && zones[z].managed > 0) {
                return z;
            }
        }
        return -1;
    }

    /** __alloc_pages() (mm/page_alloc.c): the fast path, then the slow path. Returns the model pfn or -1. */
    long allocPages(int order, long gfp, int cpu, ParsedEvent e) {
        int mt = Gfp.migratetype(gfp);
        int highestKz = gfpZone(gfp);
        int pref = preferredZone(highestKz);
        if (pref < 0) {
            return -1;
        }
        int flags = ALLOC_WMARK_LOW | allocFlagsNofragment(pref, gfp);
        long p = getPageFromFreelist(order, mt, flags, highestKz, cpu, gfp);
        if (p >= 0) {
            return p;
        }
        return allocPagesSlowpath(order, gfp, mt, highestKz, cpu);
    }

    /** alloc_flags_nofragment() (mm/page_alloc.c, 5.0+): ALLOC_KSWAPD from the gfp, ALLOC_NOFRAGMENT when the
     * preferred zone is Normal and DMA32 below it exists. */
    int allocFlagsNofragment(int pref, long gfp) {
        int flags = (gfp & Gfp.KSWAPD_RECLAIM) != 0 ? ALLOC_KSWAPD : 0;
        if (!version.allocNofragment()) {
            return flags;
        }
        if (kzone[pref] != ZONE_NORMAL) {
            return flags;
        }
        return flags | ALLOC_NOFRAGMENT;
    }

    /** gfp_to_alloc_flags() (mm/page_alloc.c, 6.1). */
    static int gfpToAllocFlags(long gfp) {
        int flags = ALLOC_WMARK_MIN | ALLOC_CPUSET;
        if ((gfp & Gfp.HIGH) != 0) {
            flags |= ALLOC_HIGH;
        }
        if ((gfp & Gfp.KSWAPD_RECLAIM) != 0) {
            flags |= ALLOC_KSWAPD;
        }
        if ((gfp & Gfp.ATOMIC) != 0) {
            if ((gfp & Gfp.NOMEMALLOC) == 0) {
                flags |= ALLOC_HARDER;
            }
            flags &= ~ALLOC_CPUSET;
        }
        if (Gfp.migratetype(gfp) == MIGRATE_MOVABLE) {
            flags |= ALLOC_CMA;
        }
        return flags;
    }

    /**
     * __alloc_pages_slowpath() (mm/page_alloc.c, 6.1), without reclaim: wake kswapd, retry at the min watermark,
     * async direct compaction for costly (or non-movable high-order) requests, then the retry loop with compaction at
     * rising priority (should_compact_retry). Non-costly requests that still fail are served with
     * ALLOC_NO_WATERMARKS as a stand-in for the reclaim the trace's frees show (counted).
     */
    private long allocPagesSlowpath(int order, long gfp, int mt, int highestKz, int cpu) {
        boolean canDirect = (gfp & Gfp.DIRECT_RECLAIM) != 0;
        boolean costly = order > PAGE_ALLOC_COSTLY_ORDER;
        int flags = gfpToAllocFlags(gfp);
        if ((flags & ALLOC_KSWAPD) != 0) {
            wakeAllKswapds(order, gfp, highestKz);
        }
        long p = getPageFromFreelist(order, mt, flags, highestKz, cpu, gfp);
        if (p >= 0) {
            return p;
        }
        int prio = PRIO_ASYNC;
        if (canDirect && (costly || (order > 0 && mt != MIGRATE_MOVABLE))) {
            p = allocPagesDirectCompact(order, gfp, flags, mt, highestKz, PRIO_ASYNC, cpu);
            if (p >= 0) {
                return p;
            }
            if (costly && (gfp & Gfp.NORETRY) != 0) {
                if (lastCompactResult == CompactStatus.SKIPPED.ordinal()
                        || lastCompactResult == CompactStatus.DEFERRED.ordinal()) {
                    return -1;
                }
                prio = PRIO_ASYNC;
            }
        }
        for (int retries = 0; retries <= MAX_COMPACT_RETRIES; retries++) {
            if ((flags & ALLOC_KSWAPD) != 0) {
                wakeAllKswapds(order, gfp, highestKz);
            }
            p = getPageFromFreelist(order, mt, flags, highestKz, cpu, gfp);
            if (p >= 0) {
                return p;
            }
            if (!canDirect) {
                return -1;
            }
            // __alloc_pages_direct_reclaim(): not modelled (the trace's frees are the reclaim)
            if (order > 0) {
                p = allocPagesDirectCompact(order, gfp, flags, mt, highestKz, prio, cpu);
                if (p >= 0) {
                    return p;
                }
            }
            if ((gfp & Gfp.NORETRY) != 0) {
                return -1;
            }
            if (costly && (gfp & Gfp.RETRY_MAYFAIL) == 0) {
                return -1;
            }
            // should_compact_retry(): raise the priority while compaction did not get there
            if (order > 0 && prio > PRIO_SYNC_FULL
                    && lastCompactResult != CompactStatus.SKIPPED.ordinal()) {
                prio--;
                continue;
            }
            if (!costly) {
                p = getPageFromFreelist(order, mt, flags | ALLOC_NO_WATERMARKS, highestKz, cpu, gfp);
                if (p >= 0) {
                    stats.reclaimStandIns++;
                }
                return p;
            }
            return -1;
        }
        return -1;
    }

    /**
     * get_page_from_freelist() (mm/page_alloc.c): the zonelist from the preferred zone down, zone_watermark_fast()
     * against the flags' watermark plus boost, then rmqueue(); without ALLOC_NOFRAGMENT on a second pass.
     */
    long getPageFromFreelist(int order, int mt, int flags, int highestKz, int cpu, long gfp) {
        while (true) {
            for (int z = nz - 1; z >= 0; z--) {
                if (kzone[z] > highestKz || zones[z].managed == 0) {
                    continue;
                }
                if ((flags & ALLOC_NO_WATERMARKS) == 0) {
                    long mark = wmark[z][flags & ALLOC_WMARK_MASK] + boost[z];
                    if (!zoneWatermarkFast(z, order, mark, highestKz, flags, gfp)) {
                        continue;
                    }
                }
                long p = rmqueue(z, order, mt, flags, cpu);
                if (p >= 0) {
                    return p;
                }
            }
            if ((flags & ALLOC_NOFRAGMENT) != 0) {
                flags &= ~ALLOC_NOFRAGMENT;
                continue;
            }
            return -1;
        }
    }

    /** zone_watermark_fast() (mm/page_alloc.c, 6.1). */
    boolean zoneWatermarkFast(int z, int order, long mark, int highestKz, int flags, long gfp) {
        long free = m.freePages(z);
        if (order == 0) {
            long reserved = ((flags & ALLOC_HARDER) == 0 ? reservedHighatomic[z] : 0);
            long usable = free - Math.min(free, reserved);
            if (usable > mark + lowmem[z][highestKz]) {
                return true;
            }
        }
        if (zoneWatermarkOk(z, order, mark, highestKz, flags, free)) {
            return true;
        }
        if (order == 0 && (gfp & Gfp.ATOMIC) != 0 && boost[z] > 0 && (flags & ALLOC_WMARK_MASK) == WMARK_MIN) {
            return zoneWatermarkOk(z, order, wmark[z][WMARK_MIN], highestKz, flags, free);
        }
        return false;
    }

    /**
     * __zone_watermark_ok() (mm/page_alloc.c, 4.4-6.12): the order-0 test of {@link Watermarks#order0Ok}, then for a
     * high-order request a free block of at least that order on a MIGRATE_PCPTYPES list (or HIGHATOMIC for
     * ALLOC_HARDER/ALLOC_OOM).
     */
    public boolean zoneWatermarkOk(int z, int order, long mark, int highestKz, int flags, long freePages) {
        if (!Watermarks.order0Ok(freePages, order, mark, lowmem[z][highestKz], flags, reservedHighatomic[z])) {
            return false;
        }
        if (order == 0) {
            return true;
        }
        boolean harder = (flags & (ALLOC_HARDER | ALLOC_OOM)) != 0;
        for (int o = order; o <= maxOrder; o++) {
            for (int mt = 0; mt < MIGRATE_PCPTYPES; mt++) {
                if (m.freeListLength(z, o, mt) > 0) {
                    return true;
                }
            }
            if (harder && m.freeListLength(z, o, MIGRATE_HIGHATOMIC) > 0) {
                return true;
            }
        }
        return false;
    }

    /** rmqueue() (mm/page_alloc.c, 6.1): per-CPU list for pcp_allowed_order(), else rmqueue_buddy(). */
    long rmqueue(int z, int order, int mt, int flags, int cpu) {
        long p = -1;
        if (ks.pcpAllowedOrder(order) && (version.pcpHighOrders() || order == 0)) {
            p = rmqueuePcplist(z, order, mt, flags, cpu);
        }
        if (p < 0) {
            // rmqueue_buddy()
            if (order > 0 && (flags & ALLOC_HARDER) != 0) {
                p = m.rmqueueSmallest(z, order, MIGRATE_HIGHATOMIC);
            }
            if (p < 0) {
                p = rmqueueMain(z, order, mt, flags);
            }
        }
        if (boostedFlag[z]) {
            boostedFlag[z] = false;
            wakeupKswapd(z, 0, 0, kzone[z]);
        }
        return p;
    }

    private void ensureCpu(int cpu) {
        if (cpu < cpus) {
            return;
        }
        int nc = cpu + 1;
        for (int z = 0; z < nz; z++) {
            int h = pcpHigh[z][0];
            int b = pcpBatch[z][0];
            pcpHigh[z] = Arrays.copyOf(pcpHigh[z], nc);
            pcpBatch[z] = Arrays.copyOf(pcpBatch[z], nc);
            pcpCount[z] = Arrays.copyOf(pcpCount[z], nc);
            freeFactor[z] = Arrays.copyOf(freeFactor[z], nc);
            for (int c = cpus; c < nc; c++) {
                pcpHigh[z][c] = h;
                pcpBatch[z][c] = b;
            }
        }
        cpus = nc;
    }

    /** rmqueue_pcplist() + __rmqueue_pcplist() (mm/page_alloc.c, 6.1): refill with rmqueue_bulk() when empty. */
    private long rmqueuePcplist(int z, int order, int mt, int flags, int cpu) {
        ensureCpu(cpu);
        int pindex = ks.orderToPindex(mt, order);
        freeFactor[z][cpu] >>= 1;
        long p = m.pcpHeadPfn(z, cpu, pindex);
        if (p < 0) {
            int batch = pcpBatch[z][cpu];
            if (version.pcpHighOrders() && batch > 1) {
                batch = Math.max(batch >> order, 2);
            }
            rmqueueBulk(z, order, batch, cpu, pindex, mt, flags);
            p = m.pcpHeadPfn(z, cpu, pindex);
            if (p < 0) {
                return -1;
            }
        }
        m.pcpDel(p);
        pcpCount[z][cpu] -= 1L << order;
        return p;
    }

    /** rmqueue_bulk() (mm/page_alloc.c, 6.1): up to count blocks from __rmqueue() to the tail of the pcp list. */
    private void rmqueueBulk(int z, int order, int count, int cpu, int pindex, int mt, int flags) {
        for (int i = 0; i < count; i++) {
            long p = rmqueueMain(z, order, mt, flags);
            if (p < 0) {
                break;
            }
            m.pcpAdd(z, cpu, p, order, pindex, true);
            pcpMt[(int) (p - base)] = (byte) mt;
            pcpCount[z][cpu] += 1L << order;
        }
        stats.pcpRefills++;
    }

    /** __rmqueue() (mm/page_alloc.c, 4.13-6.14): __rmqueue_smallest, else steal with __rmqueue_fallback and retry. */
    long rmqueueMain(int z, int order, int mt, int flags) {
        while (true) {
            long p = regionsOn ? rmqueueSmallestRegion(z, order, mt) : m.rmqueueSmallest(z, order, mt);
            if (p >= 0) {
                return p;
            }
            if (!version.retryAfterSteal()) {
                return rmqueueFallback44(z, order, mt);
            }
            if (!rmqueueFallback(z, order, mt, flags)) {
                return -1;
            }
        }
    }

    /**
     * find_suitable_fallback() (mm/page_alloc.c, 4.4-6.14): the first fallbacks[mt] list of this order that is not
     * empty; sets {@link #canSteal} from can_steal_fallback(). -1 if none (or none stealable when onlyStealable).
     */
    int findSuitableFallback(int z, int order, int mt, boolean onlyStealable) {
        canSteal = false;
        if (mt >= FALLBACKS.length || m.nrFree(z, order) == 0) {
            return -1;
        }
        for (int fb : FALLBACKS[mt]) {
            if (m.freeListLength(z, order, fb) == 0) {
                continue;
            }
            if (ks.canStealFallback(order, mt)) {
                canSteal = true;
            }
            if (!onlyStealable || canSteal) {
                return fb;
            }
        }
        return -1;
    }

    /**
     * __rmqueue_fallback() (mm/page_alloc.c, 4.13-6.14): search from the largest order down for a fallback list
     * (down to pageblock_order under ALLOC_NOFRAGMENT); a movable request that cannot steal the whole block takes
     * the smallest fallback page instead (find_smallest); steal_suitable_fallback() moves it to our list.
     */
    boolean rmqueueFallback(int z, int order, int startMt, int flags) {
        int minOrder = order;
        if ((flags & ALLOC_NOFRAGMENT) != 0) {
            minOrder = pb;
        }
        int co;
        int fb = -1;
        boolean found = false;
        for (co = maxOrder; co >= minOrder; co--) {
            fb = findSuitableFallback(z, co, startMt, false);
            if (fb == -1) {
                continue;
            }
            if (version.fallbackToSmallest() && !canSteal && startMt == MIGRATE_MOVABLE && co > order) {
                fb = -1;
                for (co = order; co <= maxOrder; co++) {
                    fb = findSuitableFallback(z, co, startMt, false);
                    if (fb != -1) {
                        break;
                    }
                }
            }
            found = fb != -1;
            break;
        }
        if (!found) {
            return false;
        }
        long p = m.freeListHeadPfn(z, co, fb);
        stealSuitableFallback(z, p, co, flags, startMt, canSteal);
        stats.fallbacks++;
        return true;
    }

    /**
     * __rmqueue_fallback() of 4.4-4.12: the largest fallback page, stolen (move_freepages_block, claim when half the
     * block moved) when can_steal, then split with expand() onto the requested type's list.
     */
    private long rmqueueFallback44(int z, int order, int startMt) {
        for (int co = maxOrder; co >= order; co--) {
            int fb = findSuitableFallback(z, co, startMt, false);
            if (fb == -1) {
                continue;
            }
            long p = m.freeListHeadPfn(z, co, fb);
            if (canSteal) {
                if (co >= pb) {
                    m.changePageblockRange(p, co, startMt);
                    stats.fallbacksChangedOwnership++;
                } else {
                    int moved = m.moveFreepagesBlock(z, p, startMt);
                    if (moved >= 1 << (pb - 1)) {
                        m.setPageblockMigratetype(p, startMt);
                        stats.fallbacksChangedOwnership++;
                    }
                }
            }
            m.delPageFromFreeList(p);
            m.expand(z, p, order, co, startMt);
            stats.fallbacks++;
            return p;
        }
        return -1;
    }

    /**
     * steal_suitable_fallback() (mm/page_alloc.c, 4.12-6.14): a block of pageblock order or more changes owner
     * whole; otherwise boost the watermark (5.0+), and when the whole block may be stolen move its free pages and
     * claim it if free + alike pages reach half a block (alike = movable pages for a movable request; for others, the
     * non-free non-movable pages of a MOVABLE block). Movable = allocated pages the model knows to be movable
     * (PageLRU stand-in).
     */
    void stealSuitableFallback(int z, long p, int co, int flags, int startMt, boolean wholeBlock) {
        int oldType = m.pageblockMigratetype(p);
        if (oldType == MIGRATE_HIGHATOMIC) {
            m.moveToFreeList(z, p, co, startMt);
            return;
        }
        if (co >= pb) {
            m.changePageblockRange(p, co, startMt);
            m.moveToFreeList(z, p, co, startMt);
            stats.fallbacksChangedOwnership++;
            return;
        }
        if (version.watermarkBoost()) {
            long nb = Watermarks.boostWatermark(boost[z], wmark[z][WMARK_HIGH], zones[z].managed,
                    cfg.watermarkBoostFactor(), pb);
            if (nb >= 0) {
                boost[z] = nb;
                stats.boosts++;
                if ((flags & ALLOC_KSWAPD) != 0) {
                    boostedFlag[z] = true;
                }
            }
        }
        if (!wholeBlock) {
            m.moveToFreeList(z, p, co, startMt);
            return;
        }
        int free = m.moveFreepagesBlock(z, p, startMt);
        if (free == 0) {
            m.moveToFreeList(z, p, co, startMt);
            return;
        }
        long movable = countMovable(p & -pbPages);
        long alike;
        if (!version.alikeSteal()) {
            alike = 0;
        } else if (startMt == MIGRATE_MOVABLE) {
            alike = movable;
        } else if (oldType == MIGRATE_MOVABLE) {
            alike = pbPages - (free + movable);
        } else {
            alike = 0;
        }
        if (free + alike >= 1L << (pb - 1)) {
            m.setPageblockMigratetype(p, startMt);
            stats.fallbacksChangedOwnership++;
        }
    }

    /** move_freepages()' num_movable: allocated pages of the block that are movable (PageLRU). */
    private long countMovable(long blockStart) {
        long c = 0;
        int r0 = (int) (blockStart - base);
        for (int r = r0; r < r0 + pbPages && r < n; r++) {
            if ((amt[r] & 0x0f) == MIGRATE_MOVABLE && amt[r] != FREE) {
                c++;
            }
        }
        return c;
    }

    // ------------------------------------------------------------------ free

    /** free_the_page() (mm/page_alloc.c): pcp for pcp_allowed_order(), else __free_pages_ok() → __free_one_page(). */
    void freeUnit(int r, int order, int cpu) {
        long pfn = base + r;
        stats.pagesFreed += 1L << order;
        freedSinceKswapdWake += 1L << order;
        regionUsed[(int) (pfn / regionPages)] -= 1L << order;
        if (regionsOn && regionHint >= 0 && !evacuationPending) {
            // the free side: hand the hint to the single evacuation worker when none is running (no re-trigger)
            evacuationRegion = regionHint;
            regionHint = -1;
            evacuationPending = true;
        }
        int z = m.zoneOf(pfn);
        for (int i = 0; i < 1 << order; i++) {
            amt[r + i] = FREE;
            aord[r + i] = -1;
        }
        if (z < 0) {
            return;
        }
        int mt = m.pageblockMigratetype(pfn);
        if (ks.pcpAllowedOrder(order) && (version.pcpHighOrders() || order == 0) && mt != MIGRATE_ISOLATE) {
            freeUnrefPageCommit(z, cpu, pfn, order, mt);
        } else {
            m.freeOnePage(z, pfn, order, mt, false);
        }
    }

    /** free_unref_page_commit() (mm/page_alloc.c, 6.1): to the head of the pcp list, drain when count >= high. */
    private void freeUnrefPageCommit(int z, int cpu, long pfn, int order, int mt) {
        ensureCpu(cpu);
        int listMt = mt >= MIGRATE_PCPTYPES ? MIGRATE_MOVABLE : mt;
        int pindex = ks.orderToPindex(listMt, order);
        m.pcpAdd(z, cpu, pfn, order, pindex, false);
        pcpMt[(int) (pfn - base)] = (byte) mt;
        pcpCount[z][cpu] += 1L << order;
        int batch = pcpBatch[z][cpu];
        if (!version.pcpHighOrders()) {
            if (pcpCount[z][cpu] >= pcpHigh[z][cpu]) {
                freePcppagesBulk(z, cpu, batch, pindex);
            }
            return;
        }
        boolean freeHigh = freeFactor[z][cpu] > 0 && order > 0 && order <= PAGE_ALLOC_COSTLY_ORDER;
        int high = nrPcpHigh(z, cpu, freeHigh);
        if (pcpCount[z][cpu] >= high) {
            freePcppagesBulk(z, cpu, nrPcpFree(z, cpu, high, batch, freeHigh), pindex);
        }
    }

    /** nr_pcp_high() (mm/page_alloc.c, 6.1): 0 for free_high; batch*4 while kswapd reclaims (ZONE_RECLAIM_ACTIVE). */
    private int nrPcpHigh(int z, int cpu, boolean freeHigh) {
        int high = pcpHigh[z][cpu];
        if (high == 0 || freeHigh) {
            return 0;
        }
        if (!kswapdAwake) {
            return high;
        }
        return Math.min(pcpBatch[z][cpu] << 2, high);
    }

    /** nr_pcp_free() (mm/page_alloc.c, 6.1): batch << free_factor, clamped to [batch, high - batch]. */
    private int nrPcpFree(int z, int cpu, int high, int batch, boolean freeHigh) {
        if (freeHigh) {
            return (int) pcpCount[z][cpu];
        }
        if (high < batch) {
            return 1;
        }
        int minNrFree = batch;
        int maxNrFree = high - batch;
        long b = (long) batch << freeFactor[z][cpu];
        if (b < maxNrFree) {
            freeFactor[z][cpu]++;
        }
        return (int) Math.max(minNrFree, Math.min(b, maxNrFree));
    }

    /**
     * free_pcppages_bulk() (mm/page_alloc.c, 6.1): round-robin over the pcp lists starting with pindex, each time
     * taking from the tail, to __free_one_page() with the page's pcp migratetype.
     */
    private void freePcppagesBulk(int z, int cpu, long count, int pindex) {
        count = Math.min(pcpCount[z][cpu], count);
        int nrPcp = ks.nrPcpLists();
        int minPindex = 0;
        int maxPindex = nrPcp - 1;
        pindex = pindex - 1;
        while (count > 0) {
            long p;
            int guard = 0;
            while (true) {
                if (++pindex > maxPindex) {
                    pindex = minPindex;
                }
                p = m.pcpTailPfn(z, cpu, pindex);
                if (p >= 0) {
                    break;
                }
                if (pindex == maxPindex) {
                    maxPindex--;
                }
                if (pindex == minPindex) {
                    minPindex++;
                }
                if (++guard > 4 * nrPcp || minPindex > maxPindex) {
                    pcpCount[z][cpu] = 0;
                    return;
                }
            }
            int order = ks.pindexToOrder(pindex);
            do {
                int mt = pcpMt[(int) (p - base)];
                m.pcpDel(p);
                count -= 1L << order;
                pcpCount[z][cpu] -= 1L << order;
                m.freeOnePage(z, p, order, mt, false);
                stats.pcpDrains++;
                p = m.pcpTailPfn(z, cpu, pindex);
            } while (count > 0 && p >= 0);
        }
    }

    /** drain_all_pages(zone) (mm/page_alloc.c): every CPU's pcp lists of the zone back to the buddy. */
    void drainAllPages(int z) {
        for (int c = 0; c < cpus; c++) {
            if (pcpCount[z][c] > 0) {
                freePcppagesBulk(z, c, pcpCount[z][c], 0);
            }
        }
    }

    // ------------------------------------------------------------------ kswapd

    /** wake_all_kswapds() (mm/page_alloc.c): one wakeup_kswapd() per node (the preferred zone's). */
    private void wakeAllKswapds(int order, long gfp, int highestKz) {
        int z = preferredZone(highestKz);
        if (z >= 0) {
            wakeupKswapd(z, gfp, order, highestKz);
        }
    }

    /**
     * wakeup_kswapd() (mm/vmscan.c, 6.1): raise kswapd_order / kswapd_highest_zoneidx; when kswapd sleeps and the
     * node is balanced (and not boosted), wake kcompactd instead for requests that cannot reclaim themselves.
     */
    void wakeupKswapd(int z, long gfp, int order, int highestKz) {
        if (kswapdHighestReq == MAX_NR_ZONES || kswapdHighestReq < highestKz) {
            kswapdHighestReq = highestKz;
        }
        if (kswapdOrderReq < order) {
            kswapdOrderReq = order;
        }
        if (kswapdAwake) {
            return;
        }
        if (pgdatBalanced(order, highestKz) && !pgdatWatermarkBoosted(highestKz)) {
            if ((gfp & Gfp.DIRECT_RECLAIM) == 0) {
                wakeupKcompactd(order, highestKz);
            }
            return;
        }
        stats.wakeupKswapd++;
        kswapdAwake = true;
        kswapdRunPending = true;
    }

    /** pgdat_balanced() (mm/vmscan.c): any zone up to highest meets the high watermark (plus boost) at order. */
    boolean pgdatBalanced(int order, int highestKz) {
        boolean any = false;
        for (int z = 0; z < nz; z++) {
            if (kzone[z] > highestKz || zones[z].managed == 0) {
                continue;
            }
            any = true;
            long mark = wmark[z][WMARK_HIGH] + boost[z];
            if (zoneWatermarkOk(z, order, mark, highestKz, 0, m.freePages(z))) {
                return true;
            }
        }
        return !any;
    }

    /** pgdat_watermark_boosted() (mm/vmscan.c). */
    private boolean pgdatWatermarkBoosted(int highestKz) {
        for (int z = 0; z < nz; z++) {
            if (kzone[z] <= highestKz && boost[z] > 0) {
                return true;
            }
        }
        return false;
    }

    /**
     * kswapd() / balance_pgdat() / kswapd_try_to_sleep() (mm/vmscan.c, 6.1) without reclaim: on its first run kswapd
     * takes the requested order; a boosted node has its boost cleared and kcompactd woken at pageblock_order (the end
     * of balance_pgdat); the reclaim order drops to 0 (kswapd_shrink_node() after compact_gap() pages, which the
     * trace's frees stand for); kswapd sleeps once the node is balanced at that order, resetting the compaction skip
     * hints and waking kcompactd for the allocation order.
     */
    private void runKswapd() {
        int nid = zones[0].nid;
        if (kswapdRunPending) {
            kswapdRunPending = false;
            kswapdAllocOrder = kswapdOrderReq;
            kswapdHighest = kswapdHighestReq == MAX_NR_ZONES ? MAX_NR_ZONES - 1 : kswapdHighestReq;
            kswapdOrderReq = 0;
            kswapdHighestReq = MAX_NR_ZONES;
            kswapdReclaimOrder = kswapdAllocOrder;
            kswapdBeginNs = nowNs;
            freedSinceKswapdWake = 0;
            stats.kswapdWakes++;
            if (pgdatWatermarkBoosted(kswapdHighest)) {
                for (int z = 0; z < nz; z++) {
                    if (kzone[z] <= kswapdHighest) {
                        boost[z] = 0;
                    }
                }
                wakeupKcompactd(pb, kswapdHighest);
            }
        }
        if (!pgdatBalanced(kswapdReclaimOrder, kswapdHighest)) {
            if (kswapdReclaimOrder == 0) {
                return;
            }
            if (freedSinceKswapdWake >= 2L << kswapdReclaimOrder) {
                // kswapd_shrink_node(): nr_reclaimed >= compact_gap(order) → reclaim at order 0, compaction's turn
                kswapdReclaimOrder = 0;
            } else if (pgdatBalanced(0, kswapdHighest)) {
                // balance_pgdat() gives up the high order without having reclaimed compact_gap(); kswapd() loops
                // with kswapd_order reset to 0 and kswapd_try_to_sleep(pgdat, 0, 0, ...) wakes no kcompactd
                kswapdReclaimOrder = 0;
                kswapdAllocOrder = 0;
            }
            if (!pgdatBalanced(kswapdReclaimOrder, kswapdHighest)) {
                return;
            }
        }
        // kswapd_try_to_sleep(): prepare_kswapd_sleep() is true
        for (int z = 0; z < nz; z++) {
            if (blockskipFlush[z]) {
                resetIsolationSuitable(z);
            }
        }
        kswapdAwake = false;
        stats.kswapdSleeps++;
        kswapdIntervals.add(new Interval(nid, kswapdBeginNs, nowNs, kswapdAllocOrder));
        wakeupKcompactd(kswapdAllocOrder, kswapdHighest);
    }

    // ------------------------------------------------------------------ kcompactd

    /**
     * wakeup_kcompactd() (mm/compaction.c, 4.6+): order 0 never; raise kcompactd_max_order, lower
     * kcompactd_highest_zoneidx; wake only a sleeping kcompactd and only when kcompactd_node_suitable().
     */
    void wakeupKcompactd(int order, int highestKz) {
        if (!cfg.kcompactd() || order == 0) {
            return;
        }
        if (kcompactdMaxOrder < order) {
            kcompactdMaxOrder = order;
        }
        if (kcompactdHighest > highestKz) {
            kcompactdHighest = highestKz;
        }
        if (kcompactdPending) {
            return;
        }
        if (!kcompactdNodeSuitable()) {
            return;
        }
        stats.wakeupKcompactd++;
        kcompactdPending = true;
    }

    /** kcompactd_node_suitable() (mm/compaction.c, 6.1). */
    private boolean kcompactdNodeSuitable() {
        for (int z = 0; z < nz; z++) {
            if (kzone[z] > kcompactdHighest || zones[z].present == 0) {
                continue;
            }
            if (compactionSuitable(z, kcompactdMaxOrder, 0, kcompactdHighest) == CompactStatus.CONTINUE) {
                return true;
            }
        }
        return false;
    }

    /** kcompactd_do_work() (mm/compaction.c, 6.1). */
    private void kcompactdDoWork() {
        stats.kcompactdWakes++;
        int order = kcompactdMaxOrder;
        int highest = kcompactdHighest;
        long begin = nowNs;
        for (int z = 0; z < nz; z++) {
            if (kzone[z] > highest || zones[z].present == 0) {
                continue;
            }
            if (defer[z].compactionDeferred(order)) {
                stats.deferred++;
                continue;
            }
            if (compactionSuitable(z, order, 0, highest) != CompactStatus.CONTINUE) {
                continue;
            }
            Cc cc = new Cc(z, order, MigrateMode.SYNC_LIGHT, MIGRATE_UNMOVABLE, 0, highest, CompactionContext.KCOMPACTD);
            CompactStatus st = compactZone(cc);
            if (st == CompactStatus.SUCCESS) {
                defer[z].compactionDeferReset(order, false);
                stats.deferReset++;
            } else if (st == CompactStatus.PARTIAL_SKIPPED || st == CompactStatus.COMPLETE) {
                drainAllPages(z);
                defer[z].deferCompaction(order);
                stats.deferCompaction++;
            }
        }
        if (kcompactdMaxOrder <= order) {
            kcompactdMaxOrder = 0;
        }
        if (kcompactdHighest >= highest) {
            kcompactdHighest = MAX_NR_ZONES - 1;
        }
        kcompactdIntervals.add(new Interval(zones[0].nid, begin, nowNs, order));
    }

    /** fragmentation_score_node() (mm/compaction.c) of the model now. */
    public long fragmentationScoreNode() {
        long[] present = new long[nz];
        long[][] nrFree = new long[nz][];
        for (int z = 0; z < nz; z++) {
            present[z] = zones[z].present;
            nrFree[z] = nrFree(z);
        }
        return FragMetrics.fragmentationScoreNode(present, nrFree);
    }

    private long[] nrFree(int z) {
        long[] a = new long[maxOrder + 1];
        for (int o = 0; o <= maxOrder; o++) {
            a[o] = m.nrFree(z, o);
        }
        return a;
    }

    /** should_proactive_compact_node() (mm/compaction.c, 5.9+). */
    boolean shouldProactiveCompactNode() {
        if (cfg.compactionProactiveness() == 0 || kswapdAwake) {
            return false;
        }
        return fragmentationScoreNode() > proactiveWmarks[1];
    }

    /**
     * kcompactd()'s timeout branch (mm/compaction.c, 5.9+): proactive_compact_node() when should_proactive_compact_node();
     * the next timeout is 500 ms, or 500 ms << COMPACT_MAX_DEFER_SHIFT when the score did not drop.
     */
    private long proactiveTimeout(long atNs) {
        stats.proactiveChecks++;
        long timeout = HPAGE_FRAG_CHECK_INTERVAL_NS;
        if (shouldProactiveCompactNode()) {
            long prev = fragmentationScoreNode();
            stats.proactiveRuns++;
            long begin = nowNs;
            nowNs = atNs;
            for (int z = 0; z < nz; z++) {
                if (zones[z].present == 0) {
                    continue;
                }
                Cc cc = new Cc(z, -1, MigrateMode.SYNC_LIGHT, MIGRATE_UNMOVABLE, 0, MAX_NR_ZONES - 1,
                        CompactionContext.PROACTIVE);
                cc.wholeZone = true;
                cc.ignoreSkipHint = true;
                cc.proactive = true;
                compactZone(cc);
            }
            nowNs = begin;
            kcompactdIntervals.add(new Interval(zones[0].nid, atNs, atNs, -1));
            if (fragmentationScoreNode() >= prev) {
                timeout = HPAGE_FRAG_CHECK_INTERVAL_NS << Deferral.COMPACT_MAX_DEFER_SHIFT;
            }
        }
        return timeout;
    }

    private void advanceDaemons(long ts) {
        runPendingDaemons();
        if (cfg.kcompactd() && cfg.compactionProactiveness() > 0) {
            if (nextProactiveNs == Long.MIN_VALUE) {
                nextProactiveNs = ts + HPAGE_FRAG_CHECK_INTERVAL_NS;
            }
            while (ts >= nextProactiveNs) {
                long at = nextProactiveNs;
                nextProactiveNs = at + proactiveTimeout(at);
            }
        }
        if (kswapdAwake && (events & 15) == 0) {
            runKswapd();
            if (kcompactdPending) {
                runPendingDaemons();
            }
        }
    }

    /**
     * __rmqueue_smallest() with region-sorted free lists ("Sorted-buddy", memory power management v2): the list head
     * is the block of the lowest-numbered region, so allocations fill regions in ascending order. Within a region the
     * kernel's list order is kept.
     */
    private long rmqueueSmallestRegion(int z, int order, int mt) {
        long lowest = zones[z].start / regionPages;
        for (int o = order; o <= maxOrder; o++) {
            long best = -1;
            long bestReg = Long.MAX_VALUE;
            for (long p = m.freeListHeadPfn(z, o, mt); p >= 0; p = m.listNextPfn(p)) {
                long reg = p / regionPages;
                if (reg < bestReg) {
                    best = p;
                    bestReg = reg;
                    if (reg == lowest) {
                        break;
                    }
                }
            }
            if (best >= 0) {
                m.delPageFromFreeList(best);
                m.expand(z, best, order, o, mt);
                return best;
            }
        }
        return -1;
    }

    /**
     * The evacuation worker (kmempowerd, memory power management v4): re-checks the hinted region's occupancy
     * (0 < used <= region_evacuate_max_used, not the lowest region) and migrates its movable pages into free pages
     * of lower regions ("allocate in increasing region order, compact in reverse order").
     */
    private void evacuateRegion(int reg) {
        if (reg <= 0 || reg >= nRegions || regionUsed[reg] == 0 || regionUsed[reg] > cfg.regionEvacuateMaxUsed()) {
            stats.evacuationsRejected++;
            return;
        }
        stats.evacuationsAttempted++;
        long start = Math.max(base, reg * regionPages);
        long end = Math.min(base + n, (reg + 1) * regionPages);
        for (long pfn = start; pfn < end; pfn++) {
            int r = (int) (pfn - base);
            byte a = amt[r];
            if (a == FREE || a == PINNED || (a & COMPOUND_BIT) != 0 || aord[r] != 0 || a != MIGRATE_MOVABLE
                    || m.kind(pfn) != BuddyModel.KIND_NONE) {
                continue;
            }
            int z = m.zoneOf(pfn);
            long dst = lowerFreePage(z, reg);
            if (dst < 0) {
                break;
            }
            int d = (int) (dst - base);
            amt[d] = amt[r];
            aord[d] = 0;
            int t = m2t[r];
            m2t[d] = t;
            if (t >= 0) {
                t2m[t] = d;
            } else if (t <= ORPHAN_BASE) {
                orphanSlots[ORPHAN_BASE - t] = d;
            }
            amt[r] = FREE;
            aord[r] = -1;
            m2t[r] = -1;
            regionUsed[reg]--;
            regionUsed[(int) (dst / regionPages)]++;
            m.freeOnePage(z, pfn, 0, m.pageblockMigratetype(pfn), false);
            stats.regionPagesMoved++;
        }
        if (regionUsed[reg] == 0) {
            stats.evacuationsSucceeded++;
        }
    }

    /** A free page of zone z below region reg, lowest first, taken off the free lists (-1 if none). */
    private long lowerFreePage(int z, int reg) {
        long end = Math.min(zones[z].end, reg * regionPages);
        for (long p = zones[z].start; p < end; ) {
            if (m.kind(p) == BuddyModel.KIND_BUDDY) {
                m.takeFromBuddy(z, p, 0, m.listMigratetype(p));
                return p;
            }
            p++;
        }
        return -1;
    }

    /** Regions of zone z (by start pfn) with no allocated page: candidates for a low-power state. */
    public long freeRegions(int z) {
        long c = 0;
        for (int r = 0; r < nRegions; r++) {
            long start = r * regionPages;
            if (start >= zones[z].start && start < zones[z].end && regionPresent[r] > 0 && regionUsed[r] == 0) {
                c++;
            }
        }
        return c;
    }

    /** Regions with no allocated page, over all zones. */
    public long freeRegions() {
        long c = 0;
        for (int r = 0; r < nRegions; r++) {
            if (regionPresent[r] > 0 && regionUsed[r] == 0) {
                c++;
            }
        }
        return c;
    }

    public int regionCount() {
        return nRegions;
    }

    public boolean regionsOn() {
        return regionsOn;
    }

    private void runPendingDaemons() {
        if (evacuationPending) {
            evacuationPending = false;
            evacuateRegion(evacuationRegion);
        }
        if (kswapdRunPending) {
            runKswapd();
        }
        if (kcompactdPending) {
            kcompactdPending = false;
            kcompactdDoWork();
            nextProactiveNs = nowNs + HPAGE_FRAG_CHECK_INTERVAL_NS;
        }
    }

    // ------------------------------------------------------------------ compaction

    /** struct compact_control: what one compact_zone() pass works with. */
    final class Cc {
        final int z;
        final int order;
        final MigrateMode mode;
        final int migratetype;
        final int allocFlags;
        final int highestKz;
        final CompactionContext context;
        boolean wholeZone;
        boolean ignoreSkipHint;
        boolean ignoreBlockSuitable;
        boolean proactive;
        boolean direct;
        long migratePfn;
        long freePfn;
        long migrateScanned;
        long migrateIsolated;
        long freeScanned;
        long freeIsolated;
        long migrated;
        long failed;
        int finishedChecks;

        Cc(int z, int order, MigrateMode mode, int migratetype, int allocFlags, int highestKz,
           CompactionContext context) {
            this.z = z;
            this.order = order;
            this.mode = mode;
            this.migratetype = migratetype;
            this.allocFlags = allocFlags;
            this.highestKz = highestKz;
            this.context = context;
            this.direct = context == CompactionContext.DIRECT;
        }

        boolean async() {
            return mode == MigrateMode.ASYNC;
        }
    }

    /**
     * compaction_suitable() (mm/compaction.c, 4.4-6.3): SUCCESS when the order-N watermark already holds; SKIPPED
     * when the order-0 watermark (low for costly orders, else min, plus compact_gap = 2 << order) fails; for costly
     * orders NOT_SUITABLE_ZONE (reported as SKIPPED) when 0 <= fragmentation index <= extfrag_threshold; else
     * CONTINUE. 6.4+ moved the first test to compaction_suit_allocation_order() and (mm-HEAD) adds low - min for
     * costly orders; not modelled.
     */
    CompactStatus compactionSuitable(int z, int order, int allocFlags, int highestKz) {
        if (order < 0) {
            return CompactStatus.CONTINUE;
        }
        long free = m.freePages(z);
        long mark = wmark[z][allocFlags & ALLOC_WMARK_MASK] + boost[z];
        CompactStatus ret;
        if (zoneWatermarkOk(z, order, mark, highestKz, allocFlags, free)) {
            ret = CompactStatus.SUCCESS;
        } else {
            long w = order > PAGE_ALLOC_COSTLY_ORDER ? wmark[z][WMARK_LOW] + boost[z] : wmark[z][WMARK_MIN] + boost[z];
            w += 2L << order;
            if (!zoneWatermarkOk(z, 0, w, highestKz, ALLOC_CMA, free)) {
                ret = CompactStatus.SKIPPED;
            } else {
                ret = CompactStatus.CONTINUE;
            }
        }
        if (ret == CompactStatus.CONTINUE && order > PAGE_ALLOC_COSTLY_ORDER) {
            int fi = FragMetrics.fragmentationIndex(nrFree(z), order);
            if (fi >= 0 && fi <= cfg.extfragThreshold()) {
                ret = CompactStatus.NOT_SUITABLE_ZONE;
            }
        }
        stats.suitable[ret.ordinal()]++;
        return ret == CompactStatus.NOT_SUITABLE_ZONE ? CompactStatus.SKIPPED : ret;
    }

    /**
     * __alloc_pages_direct_compact() (mm/page_alloc.c): try_to_compact_pages(), then get_page_from_freelist(); on
     * success compaction_defer_reset(zone, order, true).
     */
    private long allocPagesDirectCompact(int order, long gfp, int flags, int mt, int highestKz, int prio, int cpu) {
        if (order == 0) {
            return -1;
        }
        CompactStatus rc = tryToCompactPages(order, gfp, flags, mt, highestKz, prio);
        lastCompactResult = rc.ordinal();
        if (rc == CompactStatus.SKIPPED) {
            return -1;
        }
        stats.compactStall++;
        long p = getPageFromFreelist(order, mt, flags & ~ALLOC_NO_WATERMARKS, highestKz, cpu, gfp);
        if (p >= 0) {
            int z = m.zoneOf(p);
            defer[z].compactionDeferReset(order, true);
            stats.deferReset++;
            stats.compactSuccess++;
            stats.directCompactionSucceededByOrder[order]++;
            return p;
        }
        stats.compactFail++;
        stats.directCompactionFailedByOrder[order]++;
        return -1;
    }

    /**
     * try_to_compact_pages() (mm/compaction.c, 6.1): each zone of the zonelist unless deferred (priorities above
     * MIN_COMPACT_PRIORITY), compact_zone_order(); stop at SUCCESS (compaction_defer_reset(zone, order, false)); a
     * non-async pass that ends COMPLETE or PARTIAL_SKIPPED defers the zone. Returns the highest result.
     */
    private CompactStatus tryToCompactPages(int order, long gfp, int flags, int mt, int highestKz, int prio) {
        CompactStatus rc = CompactStatus.SKIPPED;
        for (int z = nz - 1; z >= 0; z--) {
            if (kzone[z] > highestKz || zones[z].managed == 0) {
                continue;
            }
            if (prio > PRIO_SYNC_FULL && defer[z].compactionDeferred(order)) {
                stats.deferred++;
                rc = max(rc, CompactStatus.DEFERRED);
                continue;
            }
            // compact_zone_order()
            Cc cc = new Cc(z, order, prio == PRIO_ASYNC ? MigrateMode.ASYNC : MigrateMode.SYNC_LIGHT, mt, flags,
                    highestKz, CompactionContext.DIRECT);
            cc.wholeZone = prio == PRIO_SYNC_FULL;
            cc.ignoreSkipHint = prio == PRIO_SYNC_FULL;
            cc.ignoreBlockSuitable = prio == PRIO_SYNC_FULL;
            CompactStatus st = compactZone(cc);
            rc = max(rc, st);
            if (st == CompactStatus.SUCCESS) {
                defer[z].compactionDeferReset(order, false);
                stats.deferReset++;
                break;
            }
            if (prio != PRIO_ASYNC && (st == CompactStatus.COMPLETE || st == CompactStatus.PARTIAL_SKIPPED)) {
                defer[z].deferCompaction(order);
                stats.deferCompaction++;
            }
        }
        return rc;
    }

    private static CompactStatus max(CompactStatus a, CompactStatus b) {
        return a.ordinal() >= b.ordinal() ? a : b;
    }

    private long pageblockStart(long pfn) {
        return pfn & -pbPages;
    }

    /** reset_cached_positions() (mm/compaction.c). */
    private void resetCachedPositions(int z) {
        cachedMigrate[z][0] = zones[z].start;
        cachedMigrate[z][1] = zones[z].start;
        cachedFree[z] = pageblockStart(zones[z].end - 1);
    }

    /** __reset_isolation_suitable() (mm/compaction.c): clear the zone's skip bits and cached scanner positions. */
    void resetIsolationSuitable(int z) {
        blockskipFlush[z] = false;
        for (long pfn = pageblockStart(zones[z].start); pfn < zones[z].end; pfn += pbPages) {
            skip.clear(blockIndex(pfn));
        }
        resetCachedPositions(z);
    }

    private int blockIndex(long pfn) {
        return (int) ((pfn - base) >> pb);
    }

    /**
     * compact_zone() (mm/compaction.c, 6.1): compaction_suitable, the scanners' start (cached positions, or the zone
     * ends for whole-zone compaction; whole_zone also when the migrate scanner starts at the zone start), then
     * compact_finished() / isolate_migratepages() / migrate_pages() until a result. Untraced in this model: the fast
     * paths fast_find_migrateblock()/fast_isolate_freepages(), capture, and the free scanner stride; migrated-from
     * and unused target pages go straight back to the buddy (the kernel frees them to the pcp and drains).
     */
    CompactStatus compactZone(Cc cc) {
        int z = cc.z;
        Zone zone = zones[z];
        if (cc.order >= 0) {
            CompactStatus s = compactionSuitable(z, cc.order, cc.allocFlags, cc.highestKz);
            if (s == CompactStatus.SUCCESS || s == CompactStatus.SKIPPED) {
                return s;
            }
        }
        if (cc.order >= 0 && defer[z].compactionRestarting(cc.order)) {
            resetIsolationSuitable(z);
        }
        int sync = cc.async() ? 0 : 1;
        long startPfn = zone.start;
        long endPfn = zone.end;
        if (cc.wholeZone) {
            cc.migratePfn = startPfn;
            cc.freePfn = pageblockStart(endPfn - 1);
        } else {
            cc.migratePfn = cachedMigrate[z][sync];
            cc.freePfn = cachedFree[z];
            if (cc.freePfn < startPfn || cc.freePfn >= endPfn) {
                cc.freePfn = pageblockStart(endPfn - 1);
                cachedFree[z] = cc.freePfn;
            }
            if (cc.migratePfn < startPfn || cc.migratePfn >= endPfn) {
                cc.migratePfn = startPfn;
                cachedMigrate[z][0] = startPfn;
                cachedMigrate[z][1] = startPfn;
            }
            if (cc.migratePfn <= startPfn) {
                cc.wholeZone = true;
            }
        }
        long beginNs = nowNs;
        long migrateBegin = cc.migratePfn;
        long freeBegin = cc.freePfn;
        int fragAtBegin = cc.order >= 0 ? FragMetrics.fragmentationIndex(nrFree(z), cc.order) : Integer.MIN_VALUE;
        nrMigrate = 0;
        targetHead = 0;
        targetTail = 0;
        CompactStatus ret;
        while (true) {
            ret = compactFinished(cc);
            if (ret != CompactStatus.CONTINUE) {
                break;
            }
            if (!isolateMigratepages(cc)) {
                continue;
            }
            if (!migratePages(cc)) {
                if (!scannersMet(cc)) {
                    ret = CompactStatus.CONTENDED;
                    break;
                }
                if (cc.direct && cc.async() && cc.order > 0) {
                    long o = 1L << cc.order;
                    cc.migratePfn = ((cc.migratePfn - 1) & -o) + o;
                }
            }
        }
        // release_freepages(): unused targets back; the cached free pfn only goes back
        if (targetTail > targetHead) {
            long lowest = Long.MAX_VALUE;
            for (int i = targetHead; i < targetTail; i++) {
                long p = base + targets[i];
                lowest = Math.min(lowest, p);
                m.freeOnePage(z, p, 0, m.pageblockMigratetype(p), false);
            }
            long fp = pageblockStart(lowest);
            if (fp > cachedFree[z]) {
                cachedFree[z] = fp;
            }
            targetHead = targetTail = 0;
        }
        stats.passes[cc.context.ordinal()][ret.ordinal()]++;
        stats.migrateScanned += cc.migrateScanned;
        stats.freeScanned += cc.freeScanned;
        stats.migrated += cc.migrated;
        stats.migratedByContext[cc.context.ordinal()] += cc.migrated;
        stats.migrateFailed += cc.failed;
        stats.freeIsolated += cc.freeIsolated;
        if (runs.size() < 200_000) {
            runs.add(new CompactionRun(beginNs, nowNs, cc.direct ? curPid : -1,
                    cc.direct ? (curEvent == null ? "" : curEvent.comm()) : "kcompactd" + zone.nid, cc.direct ? curCpu : -1, cc.context, cc.order, zone.nid,
                    ZoneType.byName(zone.name), zone.start, zone.end, cc.mode, ret, migrateBegin, cc.migratePfn,
                    freeBegin, cc.freePfn, cc.migrateScanned, cc.migrateIsolated, cc.freeScanned, cc.freeIsolated,
                    0, 0, cc.migrated, cc.failed, cc.finishedChecks, ret, fragAtBegin));
        }
        return ret;
    }

    /** compact_scanners_met() (mm/compaction.c): the scanners are in the same pageblock or crossed. */
    private boolean scannersMet(Cc cc) {
        return (cc.freePfn >> pb) <= (cc.migratePfn >> pb);
    }

    /**
     * __compact_finished() (mm/compaction.c, 6.1): scanners met → COMPLETE (whole zone) or PARTIAL_SKIPPED; proactive
     * → PARTIAL_SKIPPED while kswapd runs, else CONTINUE while the zone's score is above the low mark; order -1 →
     * CONTINUE; finish the current pageblock; SUCCESS when a free page of the order sits on cc->migratetype's list or
     * a stealable fallback exists; else NO_SUITABLE_PAGE, which compact_finished() turns into CONTINUE.
     */
    CompactStatus compactFinished(Cc cc) {
        cc.finishedChecks++;
        int z = cc.z;
        if (scannersMet(cc)) {
            resetCachedPositions(z);
            if (cc.direct) {
                blockskipFlush[z] = true;
            }
            return cc.wholeZone ? CompactStatus.COMPLETE : CompactStatus.PARTIAL_SKIPPED;
        }
        if (cc.proactive) {
            if (kswapdAwake) {
                return CompactStatus.PARTIAL_SKIPPED;
            }
            int score = FragMetrics.fragmentationScoreZone(nrFree(z));
            return score > proactiveWmarks[0] ? CompactStatus.CONTINUE : CompactStatus.SUCCESS;
        }
        if (cc.order < 0) {
            return CompactStatus.CONTINUE;
        }
        if ((cc.migratePfn & (pbPages - 1)) != 0) {
            return CompactStatus.CONTINUE;
        }
        for (int o = cc.order; o <= maxOrder; o++) {
            if (m.freeListLength(z, o, cc.migratetype) > 0) {
                return CompactStatus.SUCCESS;
            }
            if (findSuitableFallback(z, o, cc.migratetype, true) != -1) {
                return CompactStatus.SUCCESS;
            }
        }
        return CompactStatus.CONTINUE;
    }

    /**
     * suitable_migration_source() (mm/compaction.c, 6.1): not a block headed by a pageblock-or-larger compound page;
     * async direct compaction only scans blocks of the request's migratetype (movable: MOVABLE or CMA).
     */
    private boolean suitableMigrationSource(Cc cc, long blockStart) {
        int r = (int) (blockStart - base);
        if (amt[r] != FREE && (amt[r] & COMPOUND_BIT) != 0 && aord[r] >= pb) {
            return false;
        }
        if (!cc.async() || !cc.direct) {
            return true;
        }
        int blockMt = m.pageblockMigratetype(blockStart);
        if (cc.migratetype == MIGRATE_MOVABLE) {
            return blockMt == MIGRATE_MOVABLE;
        }
        return blockMt == cc.migratetype;
    }

    /**
     * isolate_migratepages() (mm/compaction.c, 6.1, without fast_find_migrateblock()): from the migrate pfn, the next
     * pageblock below the free scanner that is not skip-marked and is a suitable source; isolate_migratepages_block()
     * on it; one block per call. Returns true when pages were isolated.
     */
    private boolean isolateMigratepages(Cc cc) {
        Zone zone = zones[cc.z];
        long low = cc.migratePfn;
        long blockStart = Math.max(pageblockStart(low), zone.start);
        long blockEnd = pageblockStart(low) + pbPages;
        for (; blockEnd <= cc.freePfn; low = blockEnd, blockStart = blockEnd, blockEnd += pbPages) {
            long end = Math.min(blockEnd, zone.end);
            if (!cc.ignoreSkipHint && skip.get(blockIndex(blockStart))) {
                continue;
            }
            if (!suitableMigrationSource(cc, blockStart)) {
                updateCachedMigrate(cc, blockEnd);
                continue;
            }
            low = isolateMigratepagesBlock(cc, low, end, blockStart);
            break;
        }
        cc.migratePfn = low;
        return nrMigrate > 0;
    }

    private void updateCachedMigrate(Cc cc, long pfn) {
        if (cc.wholeZone && cc.ignoreSkipHint) {
            return;
        }
        int z = cc.z;
        if (pfn > cachedMigrate[z][0]) {
            cachedMigrate[z][0] = pfn;
        }
        if (!cc.async() && pfn > cachedMigrate[z][1]) {
            cachedMigrate[z][1] = pfn;
        }
    }

    /**
     * isolate_migratepages_block() (mm/compaction.c, 6.1): free buddy blocks are stepped over; allocated order-0
     * movable pages are isolated, up to COMPACT_CLUSTER_MAX; anything else fails (compound pages stepped over whole).
     * Async direct compaction gives up an order-aligned chunk at its first failure (skip_on_failure) and puts back what
     * it isolated. A fully scanned block that yielded nothing is skip-marked. Version difference not modelled: since
     * 6.9 (skip_isolation_on_order()) compound pages smaller than cc->order (any order for order -1) are migrated too;
     * 6.1 skips every compound page, as the model does for all versions.
     */
    private long isolateMigratepagesBlock(Cc cc, long low, long end, long blockStart) {
        boolean skipOnFailure = cc.direct && cc.async() && cc.order > 0;
        long chunk = skipOnFailure ? 1L << cc.order : 0;
        long nextSkip = skipOnFailure ? ((low + chunk) & -chunk) : end;
        long pfn = low;
        boolean isolatedAny = false;
        for (; pfn < end; pfn++) {
            if (skipOnFailure && pfn >= nextSkip) {
                if (nrMigrate > 0) {
                    break;
                }
                nextSkip = (pfn + chunk) & -chunk;
            }
            cc.migrateScanned++;
            int r = (int) (pfn - base);
            int kind = m.kind(pfn);
            if (kind == BuddyModel.KIND_BUDDY) {
                pfn += (1L << m.orderAt(pfn)) - 1;
                continue;
            }
            byte a = amt[r];
            if (kind == BuddyModel.KIND_NONE && a != FREE && a != PINNED && (a & COMPOUND_BIT) == 0
                    && aord[r] == 0 && a == MIGRATE_MOVABLE) {
                migrateList[nrMigrate++] = r;
                cc.migrateIsolated++;
                isolatedAny = true;
                if (nrMigrate == COMPACT_CLUSTER_MAX) {
                    pfn++;
                    break;
                }
                continue;
            }
            if (kind == BuddyModel.KIND_NONE && a != FREE && aord[r] > 0) {
                pfn += (1L << aord[r]) - 1;
            }
            // isolate_fail
            if (!skipOnFailure) {
                continue;
            }
            if (nrMigrate > 0) {
                cc.migrateIsolated -= nrMigrate;
                nrMigrate = 0;
            }
            if (pfn < nextSkip) {
                pfn = nextSkip - 1;
                nextSkip += chunk;
            }
        }
        if (pfn > end) {
            pfn = end;
        }
        if (pfn >= end && !isolatedAny && low == blockStart) {
            skip.set(blockIndex(blockStart));
        }
        if (pfn >= end && nrMigrate == 0) {
            updateCachedMigrate(cc, pfn);
        }
        return pfn;
    }

    /**
     * migrate_pages() for compaction (mm/migrate.c): each isolated page gets a target from compaction_alloc(); the
     * page identity moves (trace pfn map, migratetype), the old page is freed. False when targets ran out (-ENOMEM).
     */
    private boolean migratePages(Cc cc) {
        for (int i = 0; i < nrMigrate; i++) {
            int src = migrateList[i];
            int dst = compactionAlloc(cc);
            if (dst < 0) {
                cc.failed += nrMigrate - i;
                nrMigrate = 0;
                return false;
            }
            amt[dst] = amt[src];
            aord[dst] = 0;
            int t = m2t[src];
            m2t[dst] = t;
            if (t >= 0) {
                t2m[t] = dst;
            } else if (t <= ORPHAN_BASE) {
                orphanSlots[ORPHAN_BASE - t] = dst;
            }
            amt[src] = FREE;
            aord[src] = -1;
            m2t[src] = -1;
            long sp = base + src;
            regionUsed[(int) (sp / regionPages)]--;
            regionUsed[(int) ((base + dst) / regionPages)]++;
            m.freeOnePage(cc.z, sp, 0, m.pageblockMigratetype(sp), false);
            cc.migrated++;
        }
        nrMigrate = 0;
        return true;
    }

    /** compaction_alloc() (mm/compaction.c, 6.1): the head of cc->freepages, isolate_freepages() when empty. */
    private int compactionAlloc(Cc cc) {
        if (targetHead == targetTail) {
            targetHead = targetTail = 0;
            isolateFreepages(cc);
            if (targetHead == targetTail) {
                return -1;
            }
        }
        return targets[targetHead++];
    }

    /**
     * suitable_migration_target() (mm/compaction.c, 6.1): not a block starting with a free page of pageblock order;
     * any block for ignore_block_suitable; else only MOVABLE (or CMA) blocks.
     */
    private boolean suitableMigrationTarget(Cc cc, long blockStart) {
        if (m.kind(blockStart) == BuddyModel.KIND_BUDDY && m.orderAt(blockStart) >= pb) {
            return false;
        }
        if (cc.ignoreBlockSuitable) {
            return true;
        }
        return m.pageblockMigratetype(blockStart) == MIGRATE_MOVABLE;
    }

    /**
     * isolate_freepages() (mm/compaction.c, 6.1, without fast_isolate_freepages() and without the stride): pageblock
     * by pageblock down from the free pfn while above the migrate scanner's block; split_map_pages() leaves the
     * targets in reverse isolation order.
     */
    private void isolateFreepages(Cc cc) {
        Zone zone = zones[cc.z];
        long isolateStart = cc.freePfn;
        long blockStart = pageblockStart(isolateStart);
        long blockEnd = Math.min(blockStart + pbPages, zone.end);
        long low = pageblockStart(cc.migratePfn) + pbPages;
        int need = nrMigrate;
        int got = 0;
        for (; blockStart >= low; blockEnd = blockStart, blockStart -= pbPages, isolateStart = blockStart) {
            if (!zone.spans(blockStart) || !zone.spans(blockEnd - 1)) {
                continue;
            }
            if (!suitableMigrationTarget(cc, blockStart)) {
                continue;
            }
            if (!cc.ignoreSkipHint && skip.get(blockIndex(blockStart))) {
                continue;
            }
            long[] res = isolateFreepagesBlock(cc, isolateStart, blockEnd, got, need);
            isolateStart = res[0];
            got = (int) res[1];
            if (isolateStart >= blockEnd) {
                skip.set(blockIndex(blockStart));
                if (!(cc.wholeZone && cc.ignoreSkipHint) && blockStart < cachedFree[cc.z]) {
                    cachedFree[cc.z] = blockStart;
                }
            }
            if (got >= need) {
                if (isolateStart >= blockEnd) {
                    isolateStart = blockStart - pbPages;
                }
                break;
            } else if (isolateStart < blockEnd) {
                break;
            }
        }
        cc.freePfn = isolateStart;
        // split_map_pages(): list_add of every page → reverse order
        if (targets.length < got) {
            targets = new int[Math.max(got, targets.length * 2)];
        }
        for (int i = 0; i < got; i++) {
            targets[i] = callIsolated[got - 1 - i];
        }
        targetHead = 0;
        targetTail = got;
    }

    /**
     * isolate_freepages_block() (mm/compaction.c, 6.1, not strict): every free buddy block from start is taken with
     * __isolate_free_page() (order-0 watermark: min + 2^order, else stop) until enough targets are isolated.
     * Returns {pfn reached, pages isolated so far}.
     */
    private long[] isolateFreepagesBlock(Cc cc, long start, long end, int got, int need) {
        long pfn = start;
        for (; pfn < end; pfn++) {
            cc.freeScanned++;
            if (m.kind(pfn) != BuddyModel.KIND_BUDDY) {
                int r = (int) (pfn - base);
                if (amt[r] != FREE && aord[r] > 0) {
                    pfn += (1L << aord[r]) - 1;
                }
                continue;
            }
            int k = m.orderAt(pfn);
            long mark = wmark[cc.z][WMARK_MIN] + (1L << k);
            if (!zoneWatermarkOk(cc.z, 0, mark, 0, ALLOC_CMA, m.freePages(cc.z))) {
                break;
            }
            m.isolateFreePage(pfn, k);
            if (callIsolated.length < got + (1 << k)) {
                callIsolated = Arrays.copyOf(callIsolated, Math.max(got + (1 << k), callIsolated.length * 2));
            }
            for (int i = 0; i < 1 << k; i++) {
                callIsolated[got++] = (int) (pfn - base) + i;
            }
            cc.freeIsolated += 1L << k;
            if (got >= need) {
                pfn += 1L << k;
                break;
            }
            pfn += (1L << k) - 1;
        }
        return new long[] {Math.min(pfn, end), got};
    }
}
