package io.fragtrace.replay.simulate;

import io.fragtrace.parser.CompactStatus;
import io.fragtrace.parser.MigrateMode;
import io.fragtrace.replay.compaction.CompactionContext;
import io.fragtrace.replay.compaction.Interval;
import io.fragtrace.replay.config.KernelConfig;
import io.fragtrace.replay.model.BuddyModel;
import io.fragtrace.replay.model.CompactControl;
import io.fragtrace.replay.model.FragMetrics;

import static io.fragtrace.replay.model.KernelSemantics.MIGRATE_UNMOVABLE;

/**
 * mm/compaction.c, the daemon: wakeup_kcompactd(), kcompactd_node_suitable(), kcompactd_do_work(), and proactive
 * compaction (fragmentation_score_node(), should_proactive_compact_node(), the 500 ms timeout).
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

    /** kcompactd_do_work() (mm/compaction.c, 6.1). */
    void kcompactdDoWork() {
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
            CompactControl cc = new CompactControl(z, order, MigrateMode.SYNC_LIGHT, MIGRATE_UNMOVABLE, 0, highest,
                    CompactionContext.KCOMPACTD);
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

    /** The proactive checks kept for calibrate (each is three longs). */
    static final int MAX_PROACTIVE_CHECKS_KEPT = 1_000_000;

    /** fragmentation_score_node() (mm/compaction.c) of the model now. */
    public long fragmentationScoreNode() {
        return FragMetrics.fragmentationScoreNode(m);
    }

    /** should_proactive_compact_node() (mm/compaction.c, 5.9+). */
    boolean shouldProactiveCompactNode() {
        if (proactiveness == 0 || kswapdAwake) {
            return false;
        }
        return fragmentationScoreNode() > proactiveWmarks[1];
    }

    /**
     * kcompactd()'s wait timing out (mm/compaction.c, 5.9-6.12): wait_event_freezable_timeout() tests its condition
     * once more at the timeout, so when kcompactd_work_requested() holds (a wakeup_kcompactd() raised
     * kcompactd_max_order without waking kcompactd, because kcompactd_node_suitable() said no or kcompactd was busy)
     * kcompactd_do_work() runs (traced as mm_compaction_kcompactd_wake) and the timeout restarts at 500 ms; else the
     * proactive branch. Returns the next timeout.
     */
    long kcompactdTimeout(long atNs) {
        if (kcompactdMaxOrder > 0) {
            long saved = nowNs;
            nowNs = atNs;
            stats.kcompactdTimeoutWork++;
            kcompactdDoWork();
            nowNs = saved;
            return HPAGE_FRAG_CHECK_INTERVAL_NS;
        }
        return proactiveTimeout(atNs);
    }

    /**
     * kcompactd()'s timeout branch (mm/compaction.c, 5.9+): proactive_compact_node() when
     * should_proactive_compact_node();
     * the next timeout is 500 ms, or 500 ms << COMPACT_MAX_DEFER_SHIFT when the score did not drop (the kernel's timer
     * wheel rounds HZ/2 up to its 8-jiffy bucket: 512 ms at HZ 250, kept at 500 here, docs/calibrate.md). The pass runs
     * whole at the tick: the kernel's takes CPU time and ends PARTIAL_SKIPPED once kswapd runs meanwhile
     * (__compact_finished()), which the model cannot time (docs/calibrate.md, "What the trace cannot tell").
     */
    long proactiveTimeout(long atNs) {
        stats.proactiveChecks++;
        long timeout = HPAGE_FRAG_CHECK_INTERVAL_NS;
        boolean should = shouldProactiveCompactNode();
        long prev = fragmentationScoreNode();
        if (proactiveChecks.size() < MAX_PROACTIVE_CHECKS_KEPT) {
            proactiveChecks.add(new long[] {atNs, prev, should ? 1 : 0});
        }
        if (should) {
            stats.proactiveRuns++;
            long begin = nowNs;
            nowNs = atNs;
            for (int z = 0; z < nz; z++) {
                if (zones[z].present == 0) {
                    continue;
                }
                CompactControl cc = new CompactControl(z, -1, MigrateMode.SYNC_LIGHT, MIGRATE_UNMOVABLE, 0,
                        MAX_NR_ZONES - 1,
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
        nextProactiveNs = nowNs + proactiveTimeout(nowNs);
    }

    /**
     * A write to /proc/sys/vm/compact_memory (sysctl_compaction_handler() → compact_nodes() → compact_node(),
     * mm/compaction.c): compact_zone() of each populated zone with order -1, MIGRATE_SYNC, ignore_skip_hint and
     * whole_zone, gfp GFP_KERNEL. The trace shows each zone's pass (mm_compaction_begin by the writing task, neither
     * direct nor kcompactd); the model runs the pass of the zone starting at zoneStartPfn at the same instant.
     */
    void compactMemoryZone(long zoneStartPfn) {
        int z = m.zoneOf(zoneStartPfn);
        if (z < 0 || zones[z].present == 0) {
            return;
        }
        stats.manualPasses++;
        CompactControl cc = new CompactControl(z, -1, MigrateMode.SYNC, MIGRATE_UNMOVABLE, 0, MAX_NR_ZONES - 1,
                CompactionContext.MANUAL);
        cc.wholeZone = true;
        cc.ignoreSkipHint = true;
        compactZone(cc);
    }
}
