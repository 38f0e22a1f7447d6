package io.fragtrace.replay.simulate;

import io.fragtrace.parser.ParsedEvent;
import io.fragtrace.replay.compaction.CompactingTasks;
import io.fragtrace.replay.compaction.CompactionRun;
import io.fragtrace.replay.compaction.Interval;
import io.fragtrace.replay.config.KernelConfig;
import io.fragtrace.replay.metrics.ReserveWatch;
import io.fragtrace.replay.metrics.SampleClock;
import io.fragtrace.replay.model.BuddyModel;
import io.fragtrace.replay.model.Compaction;
import io.fragtrace.replay.model.KernelSemantics;
import io.fragtrace.replay.model.PageReporting;
import io.fragtrace.replay.model.Zone;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static io.fragtrace.replay.model.KernelSemantics.MIGRATE_HIGHATOMIC;
import static io.fragtrace.replay.model.KernelSemantics.MIGRATE_MOVABLE;
import static io.fragtrace.replay.model.KernelSemantics.MIGRATE_RECLAIMABLE;
import static io.fragtrace.replay.model.KernelSemantics.MIGRATE_UNMOVABLE;
import static io.fragtrace.replay.simulate.Watermarks.WMARK_HIGH;
import static io.fragtrace.replay.simulate.Watermarks.WMARK_LOW;
import static io.fragtrace.replay.simulate.Watermarks.WMARK_MIN;

/**
 * The simulator's state (zones, watermarks, per-CPU lists, deferral, cached scanner positions, skip bits, the
 * trace-to-model page map, daemons, regions) and its set-up from the start state; the kernel functions are in the
 * layers above it, one per kernel file: {@link PageFree}, {@link PageAlloc}, {@link CompactZone}, {@link Kcompactd},
 * {@link Kswapd}, {@link Regions}, and the driver {@link Simulator}.
 */
abstract class SimState {
    /** enum compact_priority (include/linux/compaction.h). */
    public static final int PRIO_SYNC_FULL = 0;
    public static final int PRIO_SYNC_LIGHT = 1;
    public static final int PRIO_ASYNC = 2;
    /** COMPACT_CLUSTER_MAX = SWAP_CLUSTER_MAX. */
    public static final int COMPACT_CLUSTER_MAX = Compaction.COMPACT_CLUSTER_MAX;
    /** SWAP_CLUSTER_MAX (include/linux/swap.h). */
    public static final int SWAP_CLUSTER_MAX = KernelSemantics.SWAP_CLUSTER_MAX;
    /** HPAGE_FRAG_CHECK_INTERVAL_MSEC (mm/compaction.c). */
    public static final long HPAGE_FRAG_CHECK_INTERVAL_MSEC = 500;
    /** MAX_COMPACT_RETRIES (mm/page_alloc.c). */
    public static final int MAX_COMPACT_RETRIES = 16;
    /** Kernel zone indexes (enum zone_type, x86-64). */
    public static final int ZONE_DMA = 0;
    public static final int ZONE_DMA32 = 1;
    public static final int ZONE_NORMAL = 2;
    public static final int ZONE_MOVABLE = 3;
    public static final int MAX_NR_ZONES = 5;

    /**
     * amt values: -1 free (buddy or pcp); 0..2 allocated with that migratetype, MIGRATE_MOVABLE also for an LRU page
     * allocated without __GFP_MOVABLE (PageLRU is what compaction reads); PINNED allocated, not movable.
     */
    static final byte FREE = -1;
    static final byte PINNED = 7;
    static final byte COMPOUND_BIT = 0x10;
    /** amt bit: a movable non-LRU page (zsmalloc, balloon; {@link io.fragtrace.replay.model.NonLruMovable}). */
    static final byte NONLRU_BIT = 0x20;

    static final int[][] FALLBACKS = {
            {MIGRATE_RECLAIMABLE, MIGRATE_MOVABLE},   // UNMOVABLE
            {MIGRATE_RECLAIMABLE, MIGRATE_UNMOVABLE}, // MOVABLE
            {MIGRATE_UNMOVABLE, MIGRATE_MOVABLE},     // RECLAIMABLE
    };

    final BuddyModel m;
    final KernelSemantics ks;
    final KernelConfig cfg;
    final int nz;
    final Zone[] zones;
    final int[] kzone;
    final int pb;
    final long pbPages;
    final int maxOrder;
    final long base;
    final int n;
    final long startNs;

    /** The config kernel's semantics: every version switch of the policy (KernelSemantics, nowhere else). */
    final KernelSemantics version;

    // watermarks
    final long[][] wmark;
    final long[] boost;
    final boolean[] boostedFlag;
    final long[][] lowmem;
    final long[] reservedHighatomic;
    // pcp
    int cpus;
    int[][] pcpHigh;
    int[][] pcpBatch;
    long[][] pcpCount;
    int[][] freeFactor;
    /** 6.7+ pcp->high auto-tuning (KernelSemantics.pcpHighTuned and no configured pcp_high), else null. */
    PcpTuned[][] tuned;
    /** ZONE_BELOW_HIGH (6.7+): an allocation found the zone under its high watermark; cleared by a pcp drain. */
    boolean[] belowHigh;
    final byte[] pcpMt;
    // compaction
    final Deferral[] defer;
    /** The compaction model (mm/compaction.c) shared with observed mode: zone compaction state, scanners. */
    final Compaction cz;
    final int[] proactiveWmarks;
    /** vm.compaction_proactiveness as the model has it now (the workload may write it). */
    int proactiveness;
    // page identity
    /** The trace↔model page map. */
    final PfnMap map;
    final byte[] amt;
    final byte[] aord;
    // daemons
    boolean kswapdAwake;
    boolean kswapdRunPending;
    int kswapdOrderReq;
    int kswapdHighestReq = MAX_NR_ZONES;
    int kswapdAllocOrder;
    int kswapdReclaimOrder;
    /** kswapd()'s highest_zoneidx (MAX_NR_ZONES - 1 at its start). */
    int kswapdHighest = MAX_NR_ZONES - 1;
    long kswapdBeginNs;
    /** A kswapd round (from its mm_vmscan_kswapd_wake) not yet ended by the next round or the sleep. */
    boolean kswapdRoundOpen;
    /** Pages the kernel's kswapd freed (traced) since the model's kswapd woke: the stand-in for sc->nr_reclaimed. */
    long freedSinceKswapdWake;
    /** Frees traced from the kernel's kswapd task: its reclaim, which stands in for the model kswapd's progress. */
    long kswapdReclaimed;
    /** kswapdReclaimed at the model kswapd's previous balance_pgdat() check, -1 before the first. */
    long reclaimedAtKswapdCheck = -1;
    /** freedSinceKswapdWake at which balance_pgdat()'s current kswapd_shrink_node() iteration ends, -1 before one. */
    long kswapdIterationEnd = -1;
    /** kswapdReclaimed at the previous check within the iteration (no kswapd free since: it ran dry). */
    long reclaimedAtKswapdIteration;
    int kcompactdMaxOrder;
    int kcompactdHighest = MAX_NR_ZONES - 1;
    boolean kcompactdPending;
    long nextProactiveNs = Long.MIN_VALUE;
    /**
     * kcompactd()'s default_timeout, msecs_to_jiffies(HPAGE_FRAG_CHECK_INTERVAL_MSEC), and the deferred one (<<
     * COMPACT_MAX_DEFER_SHIFT), each as the timer wheel fires it at the config's HZ ({@link TimerWheel}).
     */
    final long proactiveTimeoutNs;
    final long proactiveDeferredNs;
    /**
     * The kernel's kcompactd's timer phase: its last traced mm_compaction_kcompactd_sleep before the start state, else
     * its first after it; MIN_VALUE before one is seen.
     */
    long kcompactdPhaseNs = Long.MIN_VALUE;
    /** The kernel's kswapd is runnable as the trace shows it: woken (mm_vmscan_wakeup_kswapd) or in its round. */
    boolean kernelKswapdRound;
    /** The kernel's kswapd woken and its round (mm_vmscan_kswapd_wake) not begun yet. */
    boolean kernelKswapdWoken;
    /** pgdat->kswapd_failures. */
    int kswapdFailures;
    /** The model's decisions, kept when asked ({@link #keepDecisions}); null: not kept. */
    DecisionLog decisions;
    /** The kernel's kswapd task (the pid of its mm_vmscan_kswapd_wake), -1 before one. */
    int kernelKswapdPid = -1;
    /** The CPU of the kernel's kswapd's last traced event, -1 before one. */
    int kernelKswapdCpu = -1;
    /** The instant of the kernel's kswapd's last traced event (before one: long before any instant, no overflow). */
    long kernelKswapdLastNs = Long.MIN_VALUE / 4;
    /** The instant of the last traced mm_vmscan_wakeup_kswapd (kswapd was waiting on kswapd_wait and is runnable). */
    long kernelKswapdWokenNs = Long.MIN_VALUE / 4;
    /** The kernel's kswapd runs traced so far (each wake-up, or round begun without one). */
    long kernelKswapdRounds;
    /** The kernel kswapd run the model kswapd's current round follows, -1 before its first check in one. */
    long kswapdFollowedRound = -1;
    /** pgdat->proactive_compact_trigger: a compaction_proactiveness write woke kcompactd, which has not run yet. */
    boolean proactiveTrigger;
    KernelConfig.ThpDefrag thpDefrag;
    KernelConfig.ThpMode thpEnabled;
    /** vm.min_free_kbytes as the model has it (for "auto": estimated from the start state's min watermarks). */
    long minFreeKbytes;
    final long[][] startWmark;

    /**
     * A pageset of zone z as zone_set_pageset_high_and_batch(zone, 0) sets it (mm/page_alloc.c, 6.7+): high_min from
     * the low watermark, high_max from managed / 8, both split across the node's CPUs; pcp->high keeps its value (the
     * start state's) until the next nr_pcp_high()/nr_pcp_alloc() clamps it. PCPF_FREE_HIGH_BATCH
     * (zone_pcp_update_cacheinfo(): the CPU's data cache slice holds more than 3 * batch pages) is taken as set: the
     * captures' vCPUs report 512 KB of cache (128 pages, over 3 * batch for every batch up to 42).
     */
    PcpTuned newPcpTuned(int z, int c, int high) {
        int batch = pcpBatch[z][c];
        int hMin = PcpTuned.zoneHighsize(wmark[z][Watermarks.WMARK_LOW], zones[z].managed, batch, cpus, 0);
        int hMax = PcpTuned.zoneHighsize(wmark[z][Watermarks.WMARK_LOW], zones[z].managed, batch, cpus,
                PcpTuned.MIN_PERCPU_PAGELIST_HIGH_FRACTION);
        return new PcpTuned(high, hMin, hMax, batch, PcpTuned.PCPF_FREE_HIGH_BATCH);
    }
    boolean honorWorkloadSysctls = true;
    // time, sampling, output
    long nowNs = Long.MIN_VALUE;
    long lastTimeNs = Long.MIN_VALUE;
    long events;
    final SampleClock clock = new SampleClock();
    final SimStats stats = new SimStats();
    final List<CompactionRun> runs = new ArrayList<>();
    final List<Interval> kswapdIntervals = new ArrayList<>();
    final List<Interval> kcompactdIntervals = new ArrayList<>();
    /**
     * kcompactd()'s proactive checks (its timeout path, or a compaction_proactiveness write): {instant,
     * fragmentation_score_node() then, 1 when should_proactive_compact_node() held and proactive_compact_node() ran}.
     */
    final List<long[]> proactiveChecks = new ArrayList<>();
    int curPid;
    ParsedEvent curEvent;
    /** Free page reporting (mm/page_reporting.c) when the config has it, else null. */
    final PageReporting reporting;
    /** Allocations against the watermarks (PFMEMALLOC reserves). */
    final ReserveWatch reserves;
    /** The kernel's own compaction per task (compact_zone, migrate_pages, direct compaction), from the trace. */
    final CompactingTasks<Void> traced = new CompactingTasks<>();
    int curCpu;
    int lastCompactResult;

    // memory regions (the memory-power-management patch set, section 3 of issue 4)
    final boolean regionsOn;
    final long regionPages;
    final int nRegions;
    final long[] regionUsed;
    final long[] regionPresent;
    int regionHint = -1;
    boolean evacuationPending;
    int evacuationRegion = -1;

    // scratch for compaction
    long[] migrateList = new long[COMPACT_CLUSTER_MAX];
    int[] targets = new int[1024];
    int targetHead;
    int targetTail;
    boolean canSteal;

    /**
     * @param model       the start state (ModelLoader.fromDump of the before dump), built with {@link #semantics}
     * @param cfg         the configuration
     * @param pcpCpus     per-zone per-CPU {high, batch} from the start state (BuddyDump "C" lines), for "auto"
     * @param kpageflags  {@link io.fragtrace.replay.snapshot.KpageFlags#lruSingleWords()} of the start state, or
     *                    null: decides which allocated pages of the start state are movable (KPF_LRU, not
     *                    compound); without it, pages in MOVABLE pageblocks are taken as movable
     * @param startNs     the start state's instant (events at or before it are already reflected)
     */
    SimState(BuddyModel model, KernelConfig cfg, int[][][] pcpCpus, long[] kpageflags, long startNs) {
        this.m = model;
        this.ks = model.ks;
        this.cfg = cfg;
        long jiffies = TimerWheel.msecsToJiffies(HPAGE_FRAG_CHECK_INTERVAL_MSEC, cfg.hz());
        this.proactiveTimeoutNs = TimerWheel.firesAfterNs(jiffies, cfg.hz());
        this.proactiveDeferredNs = TimerWheel.firesAfterNs(jiffies << Deferral.COMPACT_MAX_DEFER_SHIFT, cfg.hz());
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
        belowHigh = new boolean[nz];
        if (version.pcpHighTuned() && cfg.pcpHigh() < 0) {
            tuned = new PcpTuned[nz][cpus];
            for (int z = 0; z < nz; z++) {
                for (int c = 0; c < cpus; c++) {
                    tuned[z][c] = newPcpTuned(z, c, pcpHigh[z][c]);
                }
            }
        }
        pcpMt = new byte[n];
        // compaction state
        defer = new Deferral[nz];
        for (int z = 0; z < nz; z++) {
            defer[z] = new Deferral();
        }
        cz = new Compaction(model);
        proactiveness = cfg.compactionProactiveness();
        proactiveWmarks = Watermarks.fragmentationScoreWmarks(proactiveness);
        // page identity: the start state's allocated pages keep their pfn
        map = new PfnMap(n, maxOrder);
        amt = new byte[n];
        aord = new byte[n];
        Arrays.fill(amt, FREE);
        Arrays.fill(aord, (byte) -1);
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
        PageReporting.ZoneWatermarks zw = new PageReporting.ZoneWatermarks() {
            public long wmark(int z, int which) {
                return wmark[z][which];
            }

            public long boost(int z) {
                return boost[z];
            }

            public long reservedHighatomic(int z) {
                return reservedHighatomic[z];
            }
        };
        reserves = new ReserveWatch(model, zw);
        reporting = cfg.pageReporting() ? new PageReporting(model, zw, cfg.pageReportingOrder() < 0 ? pb
                : (int) cfg.pageReportingOrder(), cfg.pageReportingCapacity(),
                cfg.pageReportingDelayMs() * 1_000_000L, false) : null;
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

    void initStartState(long[] kpf) {
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
                if (kpf != null) {
                    boolean lruSingle = (pfn >>> 6) < kpf.length && (kpf[(int) (pfn >>> 6)] >>> pfn & 1) != 0;
                    mt = lruSingle ? (byte) MIGRATE_MOVABLE : PINNED;
                } else {
                    mt = m.pageblockMigratetype(pfn) == MIGRATE_MOVABLE ? (byte) MIGRATE_MOVABLE : PINNED;
                }
                amt[r] = mt;
                aord[r] = 0;
                map.t2m[r] = r;
                map.m2t[r] = r;
                regionUsed[(int) (pfn / regionPages)]++;
                pfn++;
            }
        }
    }

    // ------------------------------------------------------------------ configuration of the run

    /** When true (default), the workload's own writes to THP defrag seen as trace markers apply (as at runtime). */
    public Simulator honorWorkloadSysctls(boolean on) {
        this.honorWorkloadSysctls = on;
        return (Simulator) this;
    }

    /**
     * Samples through s every intervalNs of trace time and at each marker ({@link SampleClock}, as observed mode);
     * a new interval set from inside a sample counts from that sample's instant (the schedule is kept).
     */
    public void setSampler(Simulator.Sampler s, long intervalNs) {
        clock.set(s == null ? null : (t, marker) -> s.sample((Simulator) this, t, marker), intervalNs);
    }

    public BuddyModel model() {
        return m;
    }

    /** Keeps the model's daemon and compaction decisions from now on, the first cap of them. */
    public void keepDecisions(int cap) {
        decisions = new DecisionLog(cap);
    }

    /** The decisions kept, null unless asked for. */
    public DecisionLog decisions() {
        return decisions;
    }

    /** One decision at the model's instant; callers test decisions != null first, so no detail is built in vain. */
    void decide(String what, String detail) {
        decisions.add(nowNs, what, detail);
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

    /** fragmentation_score_wmark(false) (mm/compaction.c) under the compaction_proactiveness now in force. */
    public int proactiveWmarkHigh() {
        return proactiveWmarks[1];
    }

    /** kcompactd()'s proactive checks: {atNs, fragmentation_score_node(), ran (0/1)} each (calibrate shows them). */
    public List<long[]> proactiveChecks() {
        return proactiveChecks;
    }

    /** The start state's instant: events at or before it are already reflected in it. */
    public long startNs() {
        return startNs;
    }

    /** Started from the kernel's state at an instant ({@link KernelStateStart}), not from a before/ snapshot. */
    boolean fromKernelState;

    /** Whether the start state is the kernel's at an instant of the trace, the workload's writes before it applied. */
    public boolean fromKernelState() {
        return fromKernelState;
    }

    public long lastTimeNs() {
        return lastTimeNs;
    }

    public long[] watermarks(int z) {
        return wmark[z].clone();
    }

    /** Model pages still held for kernel-migrated trace pages whose new pfn was not freed yet. */
    public int orphansPending() {
        return map.orphansPending();
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
        advanceDaemonPasses(Long.MAX_VALUE); // daemon passes still running end as they would
        if (kswapdRoundOpen) {
            kswapdIntervals.add(new Interval(zones[0].nid, kswapdBeginNs, -1, kswapdAllocOrder));
        }
    }

    // ------------------------------------------------------------------ implemented by the layers above

    abstract void setRecommendedMinFreeKbytes();

    abstract long recommendedNow();

    abstract void runPendingDaemons();

    abstract void advanceDaemonPasses(long ts);
}
