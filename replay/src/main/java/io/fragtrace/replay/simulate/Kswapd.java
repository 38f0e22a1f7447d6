package io.fragtrace.replay.simulate;

import io.fragtrace.parser.CompactStatus;
import io.fragtrace.parser.Gfp;
import io.fragtrace.replay.compaction.Interval;
import io.fragtrace.replay.config.KernelConfig;
import io.fragtrace.replay.model.BuddyModel;
import io.fragtrace.replay.model.Compaction;

import static io.fragtrace.replay.simulate.Watermarks.WMARK_HIGH;

/**
 * mm/vmscan.c: wakeup_kswapd(), pgdat_balanced(), and balance_pgdat() with what stands in for reclaim (the trace's own
 * frees; its progress, sc->nr_reclaimed, is what the kernel's kswapd task freed: kswapd reclaims nothing itself).
 * One layer of the simulator (see {@link Simulator}); every method names the kernel function it mirrors.
 */
abstract class Kswapd extends Kcompactd {
    /** MAX_RECLAIM_RETRIES (mm/internal.h): kswapd_failures at which a node is hopeless for kswapd. */
    static final int MAX_RECLAIM_RETRIES = 16;

    Kswapd(BuddyModel model, KernelConfig cfg, int[][][] pcpCpus, long[] kpageflags, long startNs) {
        super(model, cfg, pcpCpus, kpageflags, startNs);
    }

    // ------------------------------------------------------------------ kswapd

    /** wake_all_kswapds() (mm/page_alloc.c): one wakeup_kswapd() per node (the preferred zone's). */
    void wakeAllKswapds(int order, long gfp, int highestKz) {
        int z = preferredZone(highestKz);
        if (z >= 0) {
            wakeupKswapd(z, gfp, order, highestKz);
        }
    }

    /**
     * wakeup_kswapd() (mm/vmscan.c, 6.1/6.12): raise kswapd_order / kswapd_highest_zoneidx; when kswapd sleeps and the
     * node is hopeless (kswapd_failures >= MAX_RECLAIM_RETRIES: "leave it to direct reclaim") or balanced (and not
     * boosted), wake kcompactd instead for requests that cannot reclaim themselves.
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
        if (kswapdFailures >= MAX_RECLAIM_RETRIES
                || (pgdatBalanced(order, highestKz) && !pgdatWatermarkBoosted(highestKz))) {
            if (kswapdFailures >= MAX_RECLAIM_RETRIES && decisions != null) {
                decide("wakeup_kswapd", "order " + order + ": node hopeless, kswapd not woken");
            }
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

    /**
     * compaction_ready() (mm/vmscan.c, 6.1 and 6.12) over the zones up to highestKz, as shrink_zones() asks it for a
     * costly order: a zone is ready when the order-N allocation already succeeds at the min watermark, or when
     * compaction_suitable() holds and the zone meets high + compact_gap(order) at order 0 (zone_watermark_ok_safe());
     * then sc->compaction_ready is set, the zone is not reclaimed and do_try_to_free_pages() returns 1 (progress).
     */
    @Override
    boolean compactionReady(int order, int highestKz) {
        for (int z = nz - 1; z >= 0; z--) {
            if (kzone[z] > highestKz || zones[z].managed == 0) {
                continue;
            }
            CompactStatus s = compactionSuitable(z, order, 0, highestKz);
            if (s == CompactStatus.SUCCESS) {
                return true;
            }
            if (s == CompactStatus.SKIPPED) {
                continue;
            }
            long mark = wmark[z][WMARK_HIGH] + boost[z] + Compaction.compactGap(order);
            if (zoneWatermarkOk(z, 0, mark, highestKz, 0, m.freePages(z))) {
                return true;
            }
        }
        return false;
    }

    /** pgdat_watermark_boosted() (mm/vmscan.c). */
    boolean pgdatWatermarkBoosted(int highestKz) {
        for (int z = 0; z < nz; z++) {
            if (kzone[z] <= highestKz && boost[z] > 0) {
                return true;
            }
        }
        return false;
    }

    /**
     * kswapd() (mm/vmscan.c, 6.1/6.12), one step of its loop: a woken kswapd begins a balance_pgdat() round
     * ({@link #kswapdWake}); once balance_pgdat() returns reclaim_order, kswapd_try_to_sleep() gets the round's
     * alloc_order when reclaim_order < alloc_order ("goto kswapd_try_sleep"), else the loop's top re-reads
     * alloc_order = reclaim_order = kswapd_order (reset at the wake, raised by the wakeups during the round).
     */
    void runKswapd() {
        if (kswapdRunPending) {
            kswapdRunPending = false;
            kswapdWake();
        }
        if (!kswapdAwake || !balancePgdat()) {
            return;
        }
        if (kswapdReclaimOrder < kswapdAllocOrder) {
            kswapdTryToSleep(kswapdAllocOrder, kswapdReclaimOrder, kswapdHighest);
        } else {
            kswapdHighest = kswapdHighestZoneidx(kswapdHighest);
            kswapdTryToSleep(kswapdOrderReq, kswapdOrderReq, kswapdHighest);
        }
    }

    /**
     * kswapd() (mm/vmscan.c) after kswapd_try_to_sleep() returned: alloc_order = kswapd_order, highest_zoneidx =
     * kswapd_highest_zoneidx(), both reset; trace_mm_vmscan_kswapd_wake; balance_pgdat() begins. A boosted node has
     * its boost cleared and kcompactd woken at pageblock_order (the end of balance_pgdat()).
     */
    void kswapdWake() {
        kswapdRoundEnd(nowNs);
        kswapdAwake = true;
        kswapdAllocOrder = kswapdOrderReq;
        kswapdHighest = kswapdHighestZoneidx(kswapdHighest);
        kswapdOrderReq = 0;
        kswapdHighestReq = MAX_NR_ZONES;
        kswapdReclaimOrder = kswapdAllocOrder;
        kswapdBeginNs = nowNs;
        kswapdRoundOpen = true;
        freedSinceKswapdWake = 0;
        kswapdIterationEnd = -1;
        kswapdFollowedRound = -1;
        // a first reclaim round before giving up the high order only where the trace shows reclaim that can
        // free compact_gap(order): the kernel's kswapd has freed that much so far (else nothing is reclaimable)
        reclaimedAtKswapdCheck = kswapdReclaimed >= 2L << kswapdAllocOrder ? -1 : kswapdReclaimed;
        stats.kswapdWakes++;
        if (decisions != null) {
            decide("kswapd_wake", "balance_pgdat() at order " + kswapdAllocOrder);
        }
        if (pgdatWatermarkBoosted(kswapdHighest)) {
            for (int z = 0; z < nz; z++) {
                if (kzone[z] <= kswapdHighest) {
                    boost[z] = 0;
                }
            }
            wakeupKcompactd(pb, kswapdHighest);
        }
    }

    /** kswapd_highest_zoneidx() (mm/vmscan.c): pgdat->kswapd_highest_zoneidx, or prev while it is MAX_NR_ZONES. */
    int kswapdHighestZoneidx(int prev) {
        return kswapdHighestReq == MAX_NR_ZONES ? prev : kswapdHighestReq;
    }

    /**
     * balance_pgdat() (mm/vmscan.c, 6.1/6.12) without reclaim, one check; true when it returns (the node balanced at
     * sc.order). Its priority loop tests pgdat_balanced() only at the top of each iteration, and an iteration is one
     * kswapd_shrink_node(), reclaiming up to sc->nr_to_reclaim: the check waits until the kernel's kswapd frees in the
     * trace (the stand-in for sc->nr_reclaimed) have reached that since the iteration began, or stopped (no kswapd free
     * since the previous check: the scan at this priority ran dry). After an iteration the reclaim order drops to 0
     * once compact_gap() pages are reclaimed (kswapd_shrink_node()); the high order is given up without that only when
     * the iteration made no progress (at once where the kernel's kswapd never freed compact_gap(), nothing being
     * reclaimable) and the kernel's kswapd is not running ({@link #kernelKswapdRunning}).
     */
    boolean balancePgdat() {
        if (kswapdIterationEnd >= 0) {
            boolean progress = kswapdReclaimed != reclaimedAtKswapdIteration;
            reclaimedAtKswapdIteration = kswapdReclaimed;
            if (progress && freedSinceKswapdWake < kswapdIterationEnd) {
                return false; // kswapd_shrink_node() still reclaiming
            }
        }
        kswapdIterationEnd = freedSinceKswapdWake + kswapdNrToReclaim(kswapdHighest);
        reclaimedAtKswapdIteration = kswapdReclaimed;
        if (pgdatBalanced(kswapdReclaimOrder, kswapdHighest)) {
            return true;
        }
        if (kswapdReclaimOrder == 0) {
            return false;
        }
        if (freedSinceKswapdWake >= 2L << kswapdReclaimOrder) {
            // kswapd_shrink_node(): nr_reclaimed >= compact_gap(order) → reclaim at order 0, compaction's turn
            kswapdReclaimOrder = 0;
        } else if (pgdatBalanced(0, kswapdHighest) && kswapdReclaimed == reclaimedAtKswapdCheck
                && !kernelKswapdRunning()) {
            // balance_pgdat() gives up the high order without having reclaimed compact_gap() when its priority
            // loop runs out without progress: the kernel's kswapd freed nothing since the previous check (nothing
            // reclaimable); it returns its full order, so kswapd()'s loop top re-reads kswapd_order (runKswapd())
            // and wakes no kcompactd for this round's order
            kswapdReclaimOrder = 0;
            kswapdAllocOrder = 0;
            if (freedSinceKswapdWake == 0) {
                // the priority loop ran out and the round reclaimed nothing: balance_pgdat()'s
                // "if (!sc.nr_reclaimed) pgdat->kswapd_failures++"
                kswapdFailures++;
                if (decisions != null) {
                    decide("balance_pgdat", "order given up, nothing reclaimed: kswapd_failures " + kswapdFailures);
                }
            }
        }
        reclaimedAtKswapdCheck = kswapdReclaimed;
        return pgdatBalanced(kswapdReclaimOrder, kswapdHighest);
    }

    /**
     * balance_pgdat() (mm/vmscan.c, 6.1/6.12) keeps sc.order through its priority loop (DEF_PRIORITY down to 1) until
     * compact_gap() is reclaimed; a pause in the kernel's kswapd's frees is not the loop's end while that task is still
     * runnable (woken, or in the balance_pgdat() round it traced) — the run seen at the model kswapd's first check of
     * its round, not a later one. Counted in SimStats.kswapdGiveUpsHeld.
     */
    boolean kernelKswapdRunning() {
        if (!kernelKswapdRound) {
            return false;
        }
        if (kswapdFollowedRound == -1) {
            kswapdFollowedRound = kernelKswapdRounds;
        }
        if (kswapdFollowedRound != kernelKswapdRounds) {
            return false;
        }
        stats.kswapdGiveUpsHeld++;
        return true;
    }

    /**
     * kswapd_shrink_node() (mm/vmscan.c, 6.1/6.12): sc->nr_to_reclaim = Σ max(high_wmark_pages(zone),
     * SWAP_CLUSTER_MAX) over the managed zones up to sc->reclaim_idx (highest_zoneidx).
     */
    long kswapdNrToReclaim(int highestKz) {
        long n = 0;
        for (int z = 0; z < nz; z++) {
            if (kzone[z] <= highestKz && zones[z].managed > 0) {
                n += Math.max(wmark[z][WMARK_HIGH] + boost[z], SWAP_CLUSTER_MAX);
            }
        }
        return n;
    }

    /** prepare_kswapd_sleep() (mm/vmscan.c, 6.1/6.12): a hopeless node, or the node balanced at order. */
    boolean prepareKswapdSleep(int order, int highestKz) {
        return kswapdFailures >= MAX_RECLAIM_RETRIES || pgdatBalanced(order, highestKz);
    }

    /**
     * kswapd_try_to_sleep() (mm/vmscan.c, 6.1/6.12): when prepare_kswapd_sleep() holds, the compaction skip hints are
     * reset and kcompactd is woken for alloc_order, and kswapd sleeps (trace_mm_vmscan_kswapd_sleep; its HZ/10 nap
     * before that is not modelled: docs/experiments/kswapd-try-to-sleep.patch); else kswapd() runs another round.
     */
    void kswapdTryToSleep(int allocOrder, int reclaimOrder, int highestKz) {
        kswapdAwake = false;
        if (!prepareKswapdSleep(reclaimOrder, highestKz)) {
            kswapdWake();
            return;
        }
        for (int z = 0; z < nz; z++) {
            if (cz.blockskipFlush[z]) {
                resetIsolationSuitable(z);
            }
        }
        wakeupKcompactd(allocOrder, highestKz);
        stats.kswapdSleeps++;
        if (decisions != null) {
            decide("kswapd_sleep", "alloc_order " + allocOrder + ", reclaim_order " + reclaimOrder);
        }
        kswapdRoundEnd(nowNs);
    }

    /** The open kswapd round (from its mm_vmscan_kswapd_wake) ends: at the next round's wake or at its sleep. */
    void kswapdRoundEnd(long atNs) {
        if (kswapdRoundOpen) {
            kswapdRoundOpen = false;
            kswapdIntervals.add(new Interval(zones[0].nid, kswapdBeginNs, atNs, kswapdAllocOrder));
        }
    }
}
