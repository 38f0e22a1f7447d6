package io.fragtrace.replay.simulate;

import io.fragtrace.parser.EventHandlers;
import io.fragtrace.parser.EventType;
import io.fragtrace.parser.Field;
import io.fragtrace.parser.Gfp;
import io.fragtrace.parser.ParsedEvent;
import io.fragtrace.parser.TraceVisitor;
import io.fragtrace.replay.compaction.CompactingTasks;
import io.fragtrace.replay.compaction.CompactionContext;
import io.fragtrace.replay.config.KernelConfig;
import io.fragtrace.replay.metrics.ReserveWatch;
import io.fragtrace.replay.model.BuddyModel;
import io.fragtrace.replay.model.KernelSemantics;
import io.fragtrace.replay.model.NonLruMovable;
import io.fragtrace.replay.model.UnmovableLru;
import io.fragtrace.replay.model.PageReporting;

import java.util.Arrays;

import static io.fragtrace.replay.simulate.Watermarks.WMARK_HIGH;

/**
 * Simulate mode: the trace's request stream served by the model's own allocator policy under a {@link KernelConfig}.
 * Each {@code mm_page_alloc} (order, gfp → migratetype and zone, CPU) is a request the model serves itself
 * (per-CPU lists, __rmqueue_smallest, __rmqueue_fallback with stealing, watermarks, direct compaction); each free is
 * matched to its allocation by the trace pfn (a trace pfn → model pfn map that compaction's migration updates).
 * kswapd is woken on watermark pressure but reclaims nothing: the trace's own frees bring memory back. kcompactd is
 * woken as kswapd goes to sleep and runs proactive compaction on its timeout (TimerWheel), in trace time. The trace's
 * own compaction, per-CPU, fallback and daemon events are not applied (they are the observed baseline elsewhere); its
 * kswapd and kcompactd events time the model's daemons (Simulator.kernelKswapd(), firstProactiveTimeout()).
 * <p>
 * Every method names the kernel function it mirrors (6.1 unless noted; differences by version are noted and switched on
 * {@link KernelConfig#kernel()}). Daemon work runs at the event after the wake-up; kswapd's whole, proactive and
 * compact_memory compaction passes through trace time at the capture's measured cost where they have one
 * (Kcompactd.setPassCost()), kcompactd_do_work()'s whole.
 */
public final class Simulator extends Regions implements TraceVisitor {
    /** Samples the model over time (same contract as the observed replay's sampler). */
    public interface Sampler {
        void sample(Simulator sim, long timeNs, String marker);
    }

    /**
     * @param model       the start state (ModelLoader.fromDump of the before dump), built with {@link #semantics}
     * @param cfg         the configuration
     * @param pcpCpus     per-zone per-CPU {high, batch} from the start state (BuddyDump "C" lines), for "auto"
     * @param kpageflags  {@link io.fragtrace.replay.snapshot.KpageFlags#lruSingleWords()} of the start state, or null
     * @param startNs     the start state's instant (events at or before it are already reflected)
     */
    public Simulator(BuddyModel model, KernelConfig cfg, int[][][] pcpCpus, long[] kpageflags, long startNs) {
        super(model, cfg, pcpCpus, kpageflags, startNs);
        freeBefore = new long[nz];
    }

    // ------------------------------------------------------------------ events

    @Override
    public void onEvent(ParsedEvent e) {
        long ts = e.timestampNs();
        // the sample grid counts from the trace's first event, as observed mode's (samples before the start state's
        // instant are the sampler's to drop)
        clock.advance(ts);
        boolean vmstatShown = tuned != null && decayDrainBegins(e);
        if (ts <= startNs) {
            if (vmstatShown) {
                vmstat.shownBeforeStart(ts);
            }
            kernelDaemonsBeforeStart(e);
            if (tuned != null) {
                preStartAllocFactor(e);
            }
            return;
        }
        nowNs = ts;
        lastTimeNs = ts;
        events++;
        if (manualPass != null && e.pid() == manualPid && e.cpu() >= 0) {
            manualCpu = e.cpu(); // the writer's task, as the trace shows it scheduled
        }
        advanceDaemons(ts); // the daemons' steps up to ts see the kernel's kswapd as the events before ts show it
        if (e.pid() == kernelKswapdPid) {
            kernelKswapdLastNs = ts;
            kernelKswapdCpu = e.cpu();
        }
        if (reporting != null) {
            reporting.advance(ts);
        }
        if (vmstatShown && vmstat.shown(e.cpu(), ts, cpus)) {
            decayPcpHigh(e.cpu());
        }
        handlers.onEvent(e);
    }

    /** Per CPU, the task of its previous event and whether that event freed or drained pcp pages. */
    private int[] prevPid = new int[0];
    private boolean[] prevFreeOrDrain = new boolean[0];

    /**
     * Whether e begins a vmstat_update()'s decay drain (decay_pcp_high(), mm/page_alloc.c, 6.7+): a kworker's
     * mm_page_pcpu_drain that does not continue its own free (free_unref_page_commit()'s drain) or drain on that CPU.
     */
    boolean decayDrainBegins(ParsedEvent e) {
        int cpu = e.cpu();
        if (cpu < 0) {
            return false;
        }
        if (cpu >= prevPid.length) {
            prevPid = Arrays.copyOf(prevPid, cpu + 1);
            prevFreeOrDrain = Arrays.copyOf(prevFreeOrDrain, cpu + 1);
        }
        EventType t = e.type();
        boolean drain = t == EventType.MM_PAGE_PCPU_DRAIN;
        boolean begins = drain && !(prevFreeOrDrain[cpu] && prevPid[cpu] == e.pid()) && e.comm().startsWith("kworker");
        prevPid[cpu] = e.pid();
        prevFreeOrDrain[cpu] = drain || t == EventType.MM_PAGE_FREE || t == EventType.MM_PAGE_FREE_BATCHED;
        return begins;
    }

    /** Each event type: a request, a marker, or what the kernel's own compaction and daemons are doing. */
    private final EventHandlers handlers = new EventHandlers()
            .on(this::alloc, EventType.MM_PAGE_ALLOC)
            .on(e -> free(e, false), EventType.MM_PAGE_FREE)
            .on(e -> {
                kswapdReclaim(e);
                free(e, true);
            }, EventType.MM_PAGE_FREE_BATCHED)
            .on(this::marker, EventType.MARKER)
            .on(e -> {
                if (traced.passBegin(e.pid(), e.comm()) == CompactionContext.MANUAL) {
                    // neither direct nor kcompactd: a write to /proc/sys/vm/compact_memory (sysctl_compaction_handler)
                    // compacting this zone now; the model runs the same pass at the same instant
                    manualPid = e.pid();
                    manualCpu = Math.max(0, e.cpu());
                    compactMemoryZone(e.get(Field.ZONE_START));
                }
            }, EventType.MM_COMPACTION_BEGIN)
            .on(e -> {
                daemonCpu = Math.max(0, e.cpu());
                if (e.type() == EventType.MM_COMPACTION_KCOMPACTD_SLEEP && kcompactdPhaseNs == Long.MIN_VALUE) {
                    kernelKcompactdPhase(e.timestampNs());
                }
                traced.onEvent(e);
            }, EventType.MM_COMPACTION_KCOMPACTD_SLEEP, EventType.MM_COMPACTION_KCOMPACTD_WAKE)
            .on(e -> {
                kernelKswapdTask(e);
                kernelKswapd(e.type());
                if (e.type() == EventType.MM_VMSCAN_WAKEUP_KSWAPD) {
                    slowpathBegins(e);
                }
                traced.onEvent(e);
            }, EventType.MM_VMSCAN_WAKEUP_KSWAPD, EventType.MM_VMSCAN_KSWAPD_WAKE, EventType.MM_VMSCAN_KSWAPD_SLEEP)
            .otherwise(traced::onEvent);

    /**
     * The kernel's daemons before the start state: kcompactd's timer phase (its last mm_compaction_kcompactd_sleep)
     * and whether its kswapd is running when the simulation begins.
     */
    void kernelDaemonsBeforeStart(ParsedEvent e) {
        EventType t = e.type();
        if (t == EventType.MM_COMPACTION_KCOMPACTD_SLEEP) {
            kcompactdPhaseNs = e.timestampNs();
        } else if (t == EventType.MM_VMSCAN_WAKEUP_KSWAPD || t == EventType.MM_VMSCAN_KSWAPD_WAKE
                || t == EventType.MM_VMSCAN_KSWAPD_SLEEP) {
            kernelKswapdTask(e);
            kernelKswapd(t);
        }
    }

    /**
     * An allocating task's traced wakeup_kswapd(): its request (order, gfp) entered __alloc_pages_slowpath() now, before
     * the mm_page_alloc that serves it ({@link PageAlloc#allocPagesSlowpathBegins}); kswapd's own and rmqueue()'s
     * boosted-zone wake-ups (gfp 0) are not requests.
     */
    void slowpathBegins(ParsedEvent e) {
        int order = e.order();
        if (order >= 0 && order <= maxOrder && !Watermarks.kswapdTask(e.comm())) {
            allocPagesSlowpathBegins(e.pid(), order, thpGfp(e.gfpBits(), order));
        }
    }

    /**
     * The kernel's kswapd task is the one tracing mm_vmscan_kswapd_wake / _sleep (kswapd(), mm/vmscan.c); a traced
     * wakeup_kswapd() found it waiting on kswapd_wait and made it runnable.
     */
    void kernelKswapdTask(ParsedEvent e) {
        if (e.type() == EventType.MM_VMSCAN_WAKEUP_KSWAPD) {
            kernelKswapdWokenNs = e.timestampNs();
        } else {
            kernelKswapdPid = e.pid();
            kernelKswapdLastNs = e.timestampNs();
            kernelKswapdCpu = e.cpu();
        }
    }

    /**
     * The kernel's kswapd task as its own events show it (mm/vmscan.c): wakeup_kswapd() traces only a wake-up of a
     * kswapd waiting on kswapd_wait (runnable from then), kswapd() traces mm_vmscan_kswapd_wake before each
     * balance_pgdat() and kswapd_try_to_sleep() mm_vmscan_kswapd_sleep when it really sleeps. What the model's
     * kswapd follows as the stand-in for its priority loop ({@link Kswapd#kernelKswapdRunning}).
     */
    void kernelKswapd(EventType t) {
        if (t == EventType.MM_VMSCAN_KSWAPD_SLEEP) {
            kernelKswapdRound = false;
            kernelKswapdWoken = false;
            return;
        }
        if (t == EventType.MM_VMSCAN_KSWAPD_WAKE && kernelKswapdWoken) {
            kernelKswapdWoken = false; // the woken kswapd's round begins: the same run
            return;
        }
        if (t == EventType.MM_VMSCAN_WAKEUP_KSWAPD) {
            if (kernelKswapdRound) {
                return; // already runnable
            }
            kernelKswapdWoken = true;
        }
        kernelKswapdRound = true;
        kernelKswapdRounds++;
    }

    /**
     * The kernel's kswapd's reclaim: shrink_folio_list() counts each folio it frees in sc->nr_reclaimed and frees them
     * through free_unref_folios() (6.12; free_unref_page_list(), 6.1), which traces mm_page_free_batched after each
     * page's mm_page_free: the stand-in for the model kswapd's reclaim progress (balance_pgdat(), {@link Kswapd}).
     * kswapd's frees traced as mm_page_free alone (a few order-0 pages of unmovable blocks per round on the
     * fragment-thp samples) are not counted: on fragment-thp-1G-k6.12 the kernel's kswapd turned hopeless (16
     * kswapd_failures: wakeup_kswapd() no longer traced) after exactly 16 rounds, the first of which freed 10 such pages.
     */
    void kswapdReclaim(ParsedEvent e) {
        if (Watermarks.kswapdTask(e.comm())) {
            long pages = 1L << Math.max(0, e.has(Field.ORDER) ? e.order() : 0);
            kswapdFailures = 0; // shrink_node(): "On reclaim progress, reset the failure counter" (direct reclaim's
                                // progress resets it too; the trace does not tell direct reclaim's frees apart)
            kswapdReclaimed += pages;
            freedSinceKswapdWake += pages;
        }
    }

    /** Per CPU, the pre-start refill burst being read: its zone and length (mm_page_alloc_zone_locked lines). */
    private int[] burstZone;
    private int[] burstLen;

    /**
     * pcp->alloc_factor (6.7+) is not in the buddydump: the start state takes it from the trace before its instant,
     * as the kernel set it. An order-0 refill (rmqueue_bulk(), one mm_page_alloc_zone_locked line with percpu_refill
     * per page, in a row on its CPU) leaves it as nr_pcp_alloc() does ({@link PcpTuned#allocFactorAfterRefill}); a free
     * to a pcp list halves it (free_unref_page_commit(), 6.8+), which also keeps pcp->free_count and the
     * PCPF_PREV_FREE_HIGH_ORDER flag, and an allocation from the pcp list halves free_count (rmqueue_pcplist()).
     */
    void preStartAllocFactor(ParsedEvent e) {
        int cpu = e.cpu();
        if (cpu < 0 || cpu >= tuned[0].length) {
            return;
        }
        if (burstLen == null) {
            burstZone = new int[tuned[0].length];
            burstLen = new int[tuned[0].length];
        }
        EventType t = e.type();
        long pfn = e.has(Field.PFN) ? e.pfn() : -1;
        int z = pfn >= base && pfn < base + n ? m.zoneOf(pfn) : -1;
        if (t == EventType.MM_PAGE_ALLOC_ZONE_LOCKED && e.get(Field.PERCPU_REFILL) != 0 && e.order() == 0 && z >= 0) {
            if (burstLen[cpu] > 0 && burstZone[cpu] != z) {
                endRefillBurst(cpu);
            }
            burstZone[cpu] = z;
            burstLen[cpu]++;
            return;
        }
        endRefillBurst(cpu);
        int order = e.has(Field.ORDER) ? e.order() : 0;
        if (z < 0 || order < 0 || !m.ks.pcpAllowedOrder(order)) {
            return;
        }
        if (t == EventType.MM_PAGE_FREE || t == EventType.MM_PAGE_FREE_BATCHED) {
            tuned[z][cpu].commitFree(0, order); // free_unref_page_commit(): alloc_factor, free_count, flags
        } else if (t == EventType.MM_PAGE_ALLOC && !e.isFailedAlloc()) {
            tuned[z][cpu].freeCount >>= 1; // rmqueue_pcplist(): "on allocation, reduce the number ... batch freed"
        }
    }

    private void endRefillBurst(int cpu) {
        if (burstLen[cpu] > 0) {
            PcpTuned p = tuned[burstZone[cpu]][cpu];
            p.allocFactor = PcpTuned.allocFactorAfterRefill(burstLen[cpu], p.batch);
            burstLen[cpu] = 0;
        }
    }

    /** trace_marker lines: the workload's own sysctl and THP writes, applied as at runtime. */
    void marker(ParsedEvent e) {
        clock.marker(e.timestampNs(), e.text());
        workloadWrite(e.text());
    }

    /** A marker's write of a sysctl or THP setting ("set FILE = VALUE"), applied now; other markers change nothing. */
    void workloadWrite(String text) {
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
                    zonePcpUpdate();
                }
            }
        }
        int k = text.indexOf("compaction_proactiveness = ");
        if (k >= 0) {
            String v = text.substring(k + "compaction_proactiveness = ".length()).trim().split("\\s+")[0];
            try {
                compactionProactivenessSysctlHandler(Integer.parseInt(v));
            } catch (NumberFormatException ignored) {
                // proc_dointvec_minmax() rejects it: nothing changes
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

    /** Free pages per zone before the current allocation (what its watermark checks read). */
    private long[] freeBefore;

    /** mm_page_alloc: one request served by the model's __alloc_pages(); the trace pfn maps to the model's page. */
    void alloc(ParsedEvent e) {
        int order = e.order();
        if (order < 0 || order > maxOrder) {
            return;
        }
        traced.allocated(e.pid(), order);
        boolean traceFailed = e.isFailedAlloc();
        long gfp = thpGfp(e.gfpBits(), order);
        curPid = e.pid();
        curCpu = Math.max(0, e.cpu());
        curEvent = e;
        stats.requests[order]++;
        if (traceFailed) {
            stats.traceFailed[order]++;
        }
        for (int z = 0; z < nz; z++) {
            freeBefore[z] = m.freePages(z);
        }
        long mp = allocPages(order, gfp, curCpu, e);
        if (slowpathBegun.size() > 0) {
            slowpathBegun.remove(curPid);
        }
        if (mp >= 0) {
            int z = m.zoneOf(mp);
            reserves.allocation(z, freeBefore[z], order, gfp, e.timestampNs(), e);
        }
        if (mp < 0) {
            stats.modelFailed[order]++;
            reserves.refused(e);
            if (!traceFailed) {
                long tp = e.pfn();
                if (tp >= base && tp + (1L << order) <= base + n) {
                    int tr = (int) (tp - base);
                    for (int i = 0; i < 1 << order; i++) {
                        unmapTrace(tr + i);
                        map.t2m[tr + i] = PfnMap.MODEL_FAILED;
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
        if (NonLruMovable.kind(e.gfpBits(), order) != NonLruMovable.NONE) {
            mt |= NONLRU_BIT;
            stats.nonLruAllocated++;
        } else if (UnmovableLru.blockDeviceFolio(e.gfpBits(), order)) {
            // placed as MIGRATE_UNMOVABLE (above), yet on the LRU: compaction migrates it
            mt = (byte) KernelSemantics.MIGRATE_MOVABLE;
            stats.unmovableLruAllocated++;
        }
        for (int i = 0; i < 1 << order; i++) {
            amt[mr + i] = (byte) (compound ? mt | COMPOUND_BIT : mt);
            aord[mr + i] = -1;
            map.m2t[mr + i] = -1;
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
            map.t2m[tr + i] = mr + i;
            map.m2t[mr + i] = tr + i;
        }
    }

    /** Drops a stale mapping of a trace pfn (the trace re-allocated a page the model still maps). */
    void unmapTrace(int tr) {
        int old = map.t2m[tr];
        if (old >= 0 && map.m2t[old] == tr) {
            map.m2t[old] = -1;
        }
        map.t2m[tr] = PfnMap.UNMAPPED;
    }

    boolean migrating(int pid) {
        return traced.has(pid, CompactingTasks.MIGRATING);
    }

    /** mm_page_free / mm_page_free_batched: the model page mapped to the trace pfn is freed (free_unref_page()). */
    void free(ParsedEvent e, boolean batched) {
        reclaimFree = Watermarks.kswapdTask(e.comm());
        applyFree(e, batched);
        reclaimFree = false;
    }

    private void applyFree(ParsedEvent e, boolean batched) {
        long tp = e.pfn();
        int order = e.has(Field.ORDER) ? e.order() : 0;
        if (tp < base || order < 0 || order > maxOrder || tp + (1L << order) > base + n) {
            return;
        }
        int tr = (int) (tp - base);
        int mr = map.t2m[tr];
        int cpu = Math.max(0, e.cpu());
        if (mr == PfnMap.MODEL_FAILED) {
            for (int i = 0; i < 1 << order; i++) {
                if (map.t2m[tr + i] == PfnMap.MODEL_FAILED) {
                    map.t2m[tr + i] = PfnMap.UNMAPPED;
                }
            }
            stats.freesOfModelFailed++;
            return;
        }
        if (mr < 0) {
            if (!batched && traced.has(e.pid(), CompactingTasks.PASS)) {
                // release_freepages() of the kernel's own compaction: free pages it had isolated, never allocated
                stats.kernelReleasedFree++;
            } else if (!batched) {
                Integer slot = map.orphans[order].pollFirst();
                if (slot != null) {
                    // the new pfn of a page the kernel migrated (untraced migration target) is freed
                    int r = map.orphanSlots[slot];
                    map.m2t[r] = -1;
                    stats.frees++;
                    freeUnit(r, order, cpu);
                } else {
                    stats.freesUnmatched++;
                }
            }
            return;
        }
        if (!batched && aord[mr] == order && migrating(e.pid()) && contiguous(tr, mr, order)) {
            // the kernel migrated this page: its old pfn is freed, the page lives on at a pfn the trace does not
            // show until it is freed; the model keeps its own copy allocated (an orphan) until then
            if (map.nOrphanSlots == map.orphanSlots.length) {
                map.orphanSlots = Arrays.copyOf(map.orphanSlots, map.nOrphanSlots * 2);
            }
            int slot = map.nOrphanSlots++;
            map.orphanSlots[slot] = mr;
            for (int i = 0; i < 1 << order; i++) {
                map.t2m[tr + i] = PfnMap.UNMAPPED;
                map.m2t[mr + i] = -1;
            }
            map.m2t[mr] = PfnMap.ORPHAN_BASE - slot;
            map.orphans[order].addLast(slot);
            stats.kernelMigrated++;
            return;
        }
        stats.frees++;
        if (aord[mr] == order && contiguous(tr, mr, order)) {
            for (int i = 0; i < 1 << order; i++) {
                map.t2m[tr + i] = PfnMap.UNMAPPED;
                map.m2t[mr + i] = -1;
            }
            freeUnit(mr, order, cpu);
            return;
        }
        if (order > 0 && startStateBlock(tr, mr, order)) {
            // free_the_page(page, order) (mm/page_alloc.c) of an order-N page allocated before the capture: the start
            // state holds it as 2^N order-0 pages (kpageflags marks compound pages only), still in place; the kernel
            // frees it whole (the order-N pcp list, and 6.1's free_high drain for 0 < order <= costly)
            for (int i = 0; i < 1 << order; i++) {
                map.t2m[tr + i] = PfnMap.UNMAPPED;
                map.m2t[mr + i] = -1;
            }
            freeUnit(mr, order, cpu);
            return;
        }
        // a split page (split_page) or a start-state page the model moved page by page: free page by page
        for (int i = 0; i < 1 << order; i++) {
            int r = map.t2m[tr + i];
            if (r < 0) {
                continue;
            }
            map.t2m[tr + i] = PfnMap.UNMAPPED;
            map.m2t[r] = -1;
            aord[r] = 0;
            freeUnit(r, 0, cpu);
        }
    }

    /**
     * Whether a traced order-N free is of pages the model holds as 2^N allocated order-0 pages mapped in place to an
     * order-aligned model block (an order-N allocation from before the capture, whose order the start state lacks).
     */
    boolean startStateBlock(int tr, int mr, int order) {
        if (((base + mr) & ((1L << order) - 1)) != 0 || mr + (1 << order) > n) {
            return false;
        }
        for (int i = 0; i < 1 << order; i++) {
            if (aord[mr + i] != 0 || amt[mr + i] == FREE || map.t2m[tr + i] != mr + i) {
                return false;
            }
        }
        return true;
    }

    /** Whether a trace block and a model block map page by page (a compound page kept whole). */
    boolean contiguous(int tr, int mr, int order) {
        for (int i = 1; i < 1 << order; i++) {
            if (map.t2m[tr + i] != mr + i) {
                return false;
            }
        }
        return true;
    }

    /**
     * THP fault gfp under the configured defrag mode: vma_thp_gfp_mask() (mm/huge_memory.c, 6.1). A THP request is
     * order HPAGE_PMD_ORDER with __GFP_COMP | __GFP_NOMEMALLOC (GFP_TRANSHUGE_LIGHT); "madvised" is read from the
     * trace's own flags (direct reclaim without __GFP_NORETRY). alloc_pages_mpol() (mm/mempolicy.c; vma_alloc_folio()
     * in 6.1) tries the local node first with gfp | __GFP_THISNODE | __GFP_NORETRY: that __GFP_NORETRY is the
     * attempt's, not vma_thp_gfp_mask()'s, so a __GFP_THISNODE request with direct reclaim is madvised and keeps both
     * flags.
     */
    long thpGfp(long gfp, int order) {
        if (order != pb || (gfp & Gfp.COMP) == 0 || (gfp & Gfp.NOMEMALLOC) == 0 || (gfp & Gfp.MOVABLE) == 0) {
            return gfp;
        }
        boolean firstTry = (gfp & Gfp.THISNODE) != 0;
        boolean madvised = (gfp & Gfp.DIRECT_RECLAIM) != 0 && (firstTry || (gfp & Gfp.NORETRY) == 0);
        long light = gfp & ~(Gfp.RECLAIM | Gfp.NORETRY);
        long r = switch (thpDefrag) {
            case ALWAYS -> light | Gfp.DIRECT_RECLAIM | (madvised ? 0 : Gfp.NORETRY);
            case DEFER -> light | Gfp.KSWAPD_RECLAIM;
            case DEFER_MADVISE -> light | (madvised ? Gfp.DIRECT_RECLAIM : Gfp.KSWAPD_RECLAIM);
            case MADVISE -> light | (madvised ? Gfp.DIRECT_RECLAIM : 0);
            case NEVER -> light;
        };
        return firstTry ? r | Gfp.NORETRY : r;
    }

    /**
     * set_recommended_min_free_kbytes() (mm/khugepaged.c) then setup_per_zone_wmarks() (mm/page_alloc.c): with THP
     * enabled, min_free_kbytes rises to the THP recommendation and every zone's watermarks are recomputed.
     */
    long recommendedNow() {
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

    /** set_recommended_min_free_kbytes() (mm/khugepaged.c) when THP is switched on at runtime. */
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
            zonePcpUpdate(); // setup_per_zone_wmarks() → zone_pcp_update(zone, 0)
        }
    }

    /** movable_non_lru: compaction migrates zsmalloc and balloon pages. */
    public boolean movableNonLru() {
        return cfg.movableNonLru();
    }

    /** Free page reporting of this run, null when the config has it off. */
    public PageReporting reporting() {
        return reporting;
    }

    /** Allocations against the watermarks (below min/low/high, ALLOC_NO_WATERMARKS) of this run. */
    public ReserveWatch reserves() {
        return reserves;
    }

    public long minFreeKbytes() {
        return minFreeKbytes;
    }

    /** Each CPU's vmstat_update(), whose refresh_cpu_vm_stats() decays its pcp->high (6.7+). */
    private final VmstatClock vmstat = new VmstatClock();

    /**
     * The daemons' clock: pending kswapd/kcompactd work, kcompactd()'s proactive timeout (compaction.c), and
     * the daemon passes in progress, run up to this event's instant before it is applied.
     */
    void advanceDaemons(long ts) {
        advanceDaemonPasses(ts);
        runPendingDaemons();
        if (tuned != null) {
            // vmstat_update() → refresh_cpu_vm_stats(true) → decay_pcp_high(), every sysctl_stat_interval (mm/vmstat.c)
            for (int c; (c = vmstat.due(ts, cpus)) >= 0; ) {
                decayPcpHigh(c);
            }
        }
        while (true) {
            advanceDaemonPasses(ts);
            if (!cfg.kcompactd() || proactiveness <= 0 || kcompactdPass != null) {
                break;
            }
            if (nextProactiveNs == Long.MIN_VALUE) {
                nextProactiveNs = firstProactiveTimeout(ts);
            }
            if (ts < nextProactiveNs) {
                break;
            }
            kcompactdTimeout(nextProactiveNs);
        }
        if (kswapdAwake && (events & 15) == 0) {
            runKswapd();
            if (kcompactdPending) {
                runPendingDaemons();
                advanceDaemonPasses(ts);
            }
        }
    }

    /**
     * The first proactive timeout: the kernel's kcompactd's timer runs on from its last wait begun before the start
     * state (kcompactd() after a timeout begins its next wait at once, on the timer's bucket), else from the first
     * event until its first wait shows the phase ({@link #kernelKcompactdPhase}); the checks it made before the start
     * are in the start state.
     */
    long firstProactiveTimeout(long ts) {
        if (kcompactdPhaseNs == Long.MIN_VALUE) {
            return ts + proactiveTimeoutNs;
        }
        long next = kcompactdPhaseNs + proactiveTimeoutNs;
        while (next <= startNs) {
            next += proactiveTimeoutNs;
        }
        return next;
    }

    /**
     * The kernel's kcompactd's first traced wait where none came before the start state: its timer's phase. While the
     * model's kcompactd has done nothing but time out, its timer takes that phase (the next timeout one from now).
     */
    void kernelKcompactdPhase(long ts) {
        kcompactdPhaseNs = ts;
        if (stats.proactiveRuns == 0 && stats.kcompactdWakes == 0 && kcompactdPass == null && !kcompactdPending
                && !proactiveTrigger && nextProactiveNs != Long.MIN_VALUE && nextProactiveNs != Long.MAX_VALUE) {
            nextProactiveNs = ts + proactiveTimeoutNs;
        }
    }

    /**
     * Daemon work woken since the last event: evacuation, balance_pgdat() (run whole), kcompactd_do_work() (begun;
     * it runs through trace time). kcompactd in a pass takes a trigger or a wake when the pass ends.
     */
    void runPendingDaemons() {
        if (evacuationPending) {
            evacuationPending = false;
            evacuateRegion(evacuationRegion);
        }
        if (kswapdRunPending) {
            runKswapd();
        }
        if (kcompactdPass != null) {
            return;
        }
        if (proactiveTrigger) {
            proactiveTriggered(); // before the woken work, which kcompactd() takes on its next loop
        }
        if (kcompactdPending && kcompactdPass == null) {
            kcompactdDoWork();
        }
    }
}
