package io.fragtrace.replay.simulate;

import io.fragtrace.parser.CompactStatus;
import io.fragtrace.parser.MigrateMode;
import io.fragtrace.replay.compaction.CompactionContext;
import io.fragtrace.replay.compaction.Interval;
import io.fragtrace.replay.compaction.PassCost;
import io.fragtrace.replay.config.KernelConfig;
import io.fragtrace.replay.model.BuddyModel;
import io.fragtrace.replay.model.CompactControl;
import io.fragtrace.replay.model.FragMetrics;

import java.util.ArrayDeque;
import java.util.function.Supplier;

import static io.fragtrace.replay.model.KernelSemantics.MIGRATE_UNMOVABLE;

/**
 * mm/compaction.c, the daemon: wakeup_kcompactd(), kcompactd_node_suitable(), kcompactd_do_work(), and proactive
 * compaction (fragmentation_score_node(), should_proactive_compact_node(), the HZ/2 timeout as the timer wheel fires
 * it).
 * One layer of the simulator (see {@link Simulator}); every method names the kernel function it mirrors.
 */
abstract class Kcompactd extends CompactZone {
    Kcompactd(BuddyModel model, KernelConfig cfg, int[][][] pcpCpus, long[] kpageflags, long startNs) {
        super(model, cfg, pcpCpus, kpageflags, startNs);
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
        if (kcompactdPending || kcompactdPass != null) {
            return; // !wq_has_sleeper(): kcompactd is awake (woken, or in a pass); it reads kcompactd_max_order next loop
        }
        if (!kcompactdNodeSuitable()) {
            return;
        }
        stats.wakeupKcompactd++;
        kcompactdPending = true;
    }

    /** kcompactd_node_suitable() (mm/compaction.c, 6.1). */
    boolean kcompactdNodeSuitable() {
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

    /**
     * kcompactd_do_work() (mm/compaction.c, 6.1): for each zone up to kcompactd_highest_zoneidx not deferred and
     * suitable, compact_zone() at kcompactd_max_order; SUCCESS resets the deferral, COMPLETE / PARTIAL_SKIPPED drain
     * the pcp lists and defer. Starts the work, a {@link DaemonPass} ({@link #stepDaemonPass}).
     */
    void kcompactdDoWork() {
        kcompactdPending = false;
        stats.kcompactdWakes++;
        if (decisions != null) {
            decide("kcompactd_do_work", "order " + kcompactdMaxOrder);
        }
        kcompactdPass = new DaemonPass(CompactionContext.KCOMPACTD, kcompactdMaxOrder, kcompactdHighest, nowNs);
    }

    // ------------------------------------------------------------------ passes through trace time

    /**
     * Work of kcompactd (kcompactd_do_work(), proactive_compact_node()) or of a compact_memory writer (compact_node())
     * in progress: its zones one after another, each a {@link ZonePass}, and its own clock, which each iteration of
     * compact_zone()'s loop advances by what the capture's own passes of that context cost ({@link PassCost}).
     */
    static final class DaemonPass {
        final CompactionContext context;
        final int order;
        final int highest;
        final long beginNs;
        long clockNs;
        /** The next zone index to consider. */
        int nextZ;
        /** The zone's pass in progress, null between zones. */
        ZonePass zone;
        /** fragmentation_score_node() before a proactive pass. */
        long prevScore;

        DaemonPass(CompactionContext context, int order, int highest, long atNs) {
            this.context = context;
            this.order = order;
            this.highest = highest;
            this.beginNs = atNs;
            this.clockNs = atNs;
        }
    }

    /** kcompactd's work in progress, null while it waits. */
    DaemonPass kcompactdPass;
    /** The compact_memory writer's pass in progress, null when none. */
    DaemonPass manualPass;
    /**
     * The compact_memory writer (its pid) and the CPU its latest traced event shows it on: its pass frees the pages it
     * migrated from to that CPU's pcp lists (free_unref_page()), as the task moves between CPUs.
     */
    int manualPid = -1;
    int manualCpu;
    /** Zones (start pfn) whose compact_memory pass the trace began while the model's previous one still ran. */
    final ArrayDeque<Long> manualZonesQueued = new ArrayDeque<>();
    /** The cost per context of a pass in trace time; null (a pass takes no trace time) without a measured rate. */
    final PassCost.Rate[] passRates = new PassCost.Rate[CompactionContext.values().length];
    /** Where the capture's pass costs come from, read when a pass first needs them (null: read, or none). */
    private Supplier<PassCost> passCostSource;

    /**
     * Takes the capture's measured pass costs (null: none). compact_memory's passes (compact_node()) and proactive ones
     * (proactive_compact_node()) run through trace time at the rate of the capture's own (else of its daemon passes
     * pooled), so the workload's events, kswapd's wakes (kswapd_is_running() ends a proactive pass PARTIAL_SKIPPED at
     * its next __compact_finished()) and the next requests come while they run; kcompactd_do_work()'s still run whole
     * at their instant (timed too, calibrate loses 9 rows of 156: docs/calibrate.md, "kswapd's round and the kcompactd
     * timer, from the trace").
     */
    public void setPassCost(PassCost cost) {
        for (CompactionContext c : TIMED) {
            passRates[c.ordinal()] = cost == null ? null : cost.rate(c);
        }
    }

    /** The contexts whose passes run through trace time (see {@link #setPassCost}). */
    static final java.util.Set<CompactionContext> TIMED = java.util.EnumSet.of(CompactionContext.MANUAL,
            CompactionContext.PROACTIVE);

    /**
     * As {@link #setPassCost}, read from source the first time a pass needs a rate: a capture with no compact_memory
     * pass (most) is not read twice.
     */
    public void setPassCostSource(Supplier<PassCost> source) {
        passCostSource = source;
    }

    /** The rate of a pass of context c ({@link #passRates}), after reading the capture's costs if still pending. */
    PassCost.Rate passRate(CompactionContext c) {
        if (passCostSource != null && TIMED.contains(c)) {
            Supplier<PassCost> source = passCostSource;
            passCostSource = null;
            setPassCost(source.get());
        }
        return passRates[c.ordinal()];
    }

    /**
     * Runs the daemon passes in progress up to trace instant ts: each step at its pass's clock, the earliest first,
     * while that clock is at or before ts (the workload's events after it come first). What kcompactd does after its
     * work ends follows at the end's instant.
     */
    void advanceDaemonPasses(long ts) {
        long saved = nowNs;
        while (true) {
            DaemonPass p = kcompactdPass;
            if (manualPass != null && (p == null || manualPass.clockNs < p.clockNs)) {
                p = manualPass;
            }
            if (p == null || p.clockNs > ts) {
                break;
            }
            nowNs = p.clockNs;
            int cpu = daemonCpu;
            if (p == manualPass) {
                daemonCpu = manualCpu; // compact_node() runs in the writer's task, on the CPU it is on
            }
            boolean more = stepDaemonPass(p);
            daemonCpu = cpu;
            if (!more) {
                daemonPassEnded(p);
            }
        }
        nowNs = saved;
    }

    /** One step of a daemon pass at its clock: the next zone's compact_zone() set-up, or one loop iteration. */
    boolean stepDaemonPass(DaemonPass p) {
        ZonePass zp = p.zone;
        if (zp == null) {
            CompactControl cc = nextDaemonZone(p);
            if (cc == null) {
                return false;
            }
            zp = new ZonePass(cc, m.nrOrders());
            swapBuffers(zp);
            CompactStatus st = compactZoneBegin(zp);
            swapBuffers(zp);
            if (st != CompactStatus.CONTINUE) {
                daemonZoneDone(p, cc.z, st);
            } else {
                p.zone = zp;
            }
            return true;
        }
        CompactControl cc = zp.cc;
        long migrated = cc.migrated;
        long scanned = cc.migrateScanned + cc.freeScanned + cc.fastFreeScanned;
        swapBuffers(zp);
        CompactStatus st = compactZoneIteration(zp);
        swapBuffers(zp);
        PassCost.Rate r = passRate(p.context);
        if (r != null) {
            p.clockNs += r.costNs(cc.migrated - migrated,
                    cc.migrateScanned + cc.freeScanned + cc.fastFreeScanned - scanned);
        }
        if (st != CompactStatus.CONTINUE) {
            nowNs = p.clockNs;
            swapBuffers(zp);
            compactZoneEnd(zp, st);
            swapBuffers(zp);
            p.zone = null;
            daemonZoneDone(p, cc.z, st);
        }
        return true;
    }

    /** The compact_control of the daemon work's next zone, null when it has none left. */
    CompactControl nextDaemonZone(DaemonPass p) {
        while (p.nextZ < nz) {
            int z = p.nextZ++;
            switch (p.context) {
                case KCOMPACTD -> {
                    // kcompactd_do_work()
                    if (kzone[z] > p.highest || zones[z].present == 0) {
                        continue;
                    }
                    if (defer[z].compactionDeferred(p.order)) {
                        stats.deferred++;
                        continue;
                    }
                    if (compactionSuitable(z, p.order, 0, p.highest) != CompactStatus.CONTINUE) {
                        continue;
                    }
                    return new CompactControl(z, p.order, MigrateMode.SYNC_LIGHT, MIGRATE_UNMOVABLE, 0, p.highest,
                            CompactionContext.KCOMPACTD);
                }
                case PROACTIVE -> {
                    // proactive_compact_node() (compact_node(pgdat, true) from 6.10)
                    if (zones[z].present == 0) {
                        continue;
                    }
                    CompactControl cc = new CompactControl(z, -1, MigrateMode.SYNC_LIGHT, MIGRATE_UNMOVABLE, 0,
                            MAX_NR_ZONES - 1, CompactionContext.PROACTIVE);
                    cc.wholeZone = true;
                    cc.ignoreSkipHint = true;
                    cc.proactive = true;
                    return cc;
                }
                default -> {
                    // compact_node() of a compact_memory write: the zone the trace began (nextZ set to it)
                    p.nextZ = nz;
                    CompactControl cc = new CompactControl(z, -1, MigrateMode.SYNC, MIGRATE_UNMOVABLE, 0,
                            MAX_NR_ZONES - 1, CompactionContext.MANUAL);
                    cc.wholeZone = true;
                    cc.ignoreSkipHint = true;
                    return cc;
                }
            }
        }
        return null;
    }

    /** kcompactd_do_work()'s rule after a zone's compact_zone(); nothing for whole-zone passes. */
    void daemonZoneDone(DaemonPass p, int z, CompactStatus st) {
        if (p.context != CompactionContext.KCOMPACTD) {
            return;
        }
        if (st == CompactStatus.SUCCESS) {
            defer[z].compactionDeferReset(p.order, false);
            stats.deferReset++;
        } else if (st == CompactStatus.PARTIAL_SKIPPED || st == CompactStatus.COMPLETE) {
            drainAllPages(z);
            defer[z].deferCompaction(p.order);
            stats.deferCompaction++;
        }
    }

    /**
     * The end of daemon work, at its clock (nowNs): kcompactd_do_work()'s reset of kcompactd_max_order and
     * kcompactd_highest_zoneidx, or the proactive timeout by the score; then kcompactd() loops: its wait's condition
     * (kcompactd_work_requested()) is tested before it sleeps, so a trigger or an order raised meanwhile runs at once.
     * A compact_memory writer goes on with the next zone the trace began.
     */
    void daemonPassEnded(DaemonPass p) {
        if (p.context == CompactionContext.MANUAL) {
            manualPass = null;
            Long next = manualZonesQueued.pollFirst();
            if (next != null) {
                compactMemoryZone(next);
            }
            return;
        }
        kcompactdPass = null;
        long timeout = proactiveTimeoutNs;
        if (p.context == CompactionContext.KCOMPACTD) {
            if (kcompactdMaxOrder <= p.order) {
                kcompactdMaxOrder = 0;
            }
            if (kcompactdHighest >= p.highest) {
                kcompactdHighest = MAX_NR_ZONES - 1;
            }
            kcompactdIntervals.add(new Interval(zones[0].nid, p.beginNs, nowNs, p.order));
        } else {
            kcompactdIntervals.add(new Interval(zones[0].nid, p.beginNs, nowNs, -1));
            if (fragmentationScoreNode() >= p.prevScore) {
                timeout = proactiveDeferredNs;
            }
        }
        nextProactiveNs = nowNs + timeout;
        if (proactiveTrigger) {
            proactiveTriggered();
        } else if (kcompactdMaxOrder > 0) {
            kcompactdDoWork();
        }
    }

    /** The proactive checks kept for calibrate (each is three longs). */
    static final int MAX_PROACTIVE_CHECKS_KEPT = 1_000_000;

    /** fragmentation_score_node() (mm/compaction.c) of the model now. */
    public long fragmentationScoreNode() {
        return FragMetrics.fragmentationScoreNode(m);
    }

    /** should_proactive_compact_node() (mm/compaction.c, 5.9+). */
    boolean shouldProactiveCompactNode() {
        if (proactiveness == 0 || kswapdIsRunning()) {
            return false;
        }
        return fragmentationScoreNode() > proactiveWmarks[1];
    }

    /**
     * kcompactd()'s wait timing out (mm/compaction.c, 5.9-6.12): wait_event_freezable_timeout() tests its condition
     * once more at the timeout, so when kcompactd_work_requested() holds (a wakeup_kcompactd() raised
     * kcompactd_max_order without waking kcompactd, because kcompactd_node_suitable() said no or kcompactd was busy)
     * kcompactd_do_work() runs (traced as mm_compaction_kcompactd_wake) and the timeout restarts after it;
     * else the proactive branch. Sets the next timeout, or leaves it to the end of the work started.
     */
    void kcompactdTimeout(long atNs) {
        long saved = nowNs;
        nowNs = atNs; // kcompactd runs at its timeout, before the event that came after it
        if (kcompactdMaxOrder > 0) {
            stats.kcompactdTimeoutWork++;
            kcompactdDoWork();
            nextProactiveNs = Long.MAX_VALUE;
        } else {
            proactiveTimeout(atNs);
        }
        nowNs = saved;
    }

    /**
     * kcompactd()'s timeout branch (mm/compaction.c, 5.9+): proactive_compact_node() when
     * should_proactive_compact_node(); the next timeout is default_timeout after it, or default_timeout <<
     * COMPACT_MAX_DEFER_SHIFT when the score did not drop, each as the timer wheel fires it (512 ms and 32.768 s at
     * HZ 250: {@link #proactiveTimeoutNs}). The pass is a {@link DaemonPass} through trace time at the capture's rate
     * ({@link #setPassCost}; whole at the tick where the capture has no daemon pass to measure): kswapd woken meanwhile
     * ends it PARTIAL_SKIPPED at a __compact_finished() check.
     */
    void proactiveTimeout(long atNs) {
        stats.proactiveChecks++;
        boolean should = shouldProactiveCompactNode();
        long prev = fragmentationScoreNode();
        if (proactiveChecks.size() < MAX_PROACTIVE_CHECKS_KEPT) {
            proactiveChecks.add(new long[] {atNs, prev, should ? 1 : 0});
        }
        if (decisions != null) {
            decide("proactive_check", "fragmentation score " + prev + (should ? ": proactive_compact_node()"
                    : kswapdIsRunning() ? ": kswapd running, no pass" : ": no pass"));
        }
        if (!should) {
            nextProactiveNs = atNs + proactiveTimeoutNs;
            return;
        }
        stats.proactiveRuns++;
        kcompactdPass = new DaemonPass(CompactionContext.PROACTIVE, -1, MAX_NR_ZONES - 1, atNs);
        kcompactdPass.prevScore = prev;
        nextProactiveNs = Long.MAX_VALUE;
    }

    /**
     * A write to /proc/sys/vm/compaction_proactiveness: compaction_proactiveness_sysctl_handler() (mm/compaction.c,
     * 5.18+). proc_dointvec_minmax() takes 0..100 (else -EINVAL, nothing changes); a non-zero value sets
     * proactive_compact_trigger and wakes kcompactd, which runs after the writer ({@link #proactiveTriggered}).
     * Returns whether the write was taken.
     */
    boolean compactionProactivenessSysctlHandler(int value) {
        if (value < 0 || value > 100) {
            return false;
        }
        proactiveness = value;
        int[] w = Watermarks.fragmentationScoreWmarks(value);
        proactiveWmarks[0] = w[0];
        proactiveWmarks[1] = w[1];
        if (value != 0 && cfg.kcompactd() && !proactiveTrigger) {
            stats.proactiveTriggers++;
            proactiveTrigger = true;
        }
        return true;
    }

    /**
     * kcompactd() woken with proactive_compact_trigger set (mm/compaction.c, 5.18+): kcompactd_do_work() is skipped
     * for the proactive branch, should_proactive_compact_node() under the new thresholds, the next timeout counted
     * from now; the trigger is cleared.
     */
    void proactiveTriggered() {
        proactiveTrigger = false;
        proactiveTimeout(nowNs);
    }

    /**
     * A write to /proc/sys/vm/compact_memory (sysctl_compaction_handler() → compact_nodes() → compact_node(),
     * mm/compaction.c): compact_zone() of each populated zone with order -1, MIGRATE_SYNC, ignore_skip_hint and
     * whole_zone, gfp GFP_KERNEL. The trace shows each zone's pass (mm_compaction_begin by the writing task, neither
     * direct nor kcompactd); the model begins the pass of the zone starting at zoneStartPfn at the same instant, or
     * when its pass of the previous zone ends, and runs it through trace time ({@link #stepDaemonPass}).
     */
    void compactMemoryZone(long zoneStartPfn) {
        int z = m.zoneOf(zoneStartPfn);
        if (z < 0 || zones[z].present == 0) {
            return;
        }
        if (manualPass != null) {
            manualZonesQueued.addLast(zoneStartPfn); // compact_node() compacts one zone after another
            return;
        }
        stats.manualPasses++;
        manualPass = new DaemonPass(CompactionContext.MANUAL, -1, MAX_NR_ZONES - 1, nowNs);
        manualPass.nextZ = z;
    }
}
