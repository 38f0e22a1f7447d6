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
     * kswapd() / balance_pgdat() / kswapd_try_to_sleep() (mm/vmscan.c, 6.1) without reclaim: on its first run kswapd
     * takes the requested order; a boosted node has its boost cleared and kcompactd woken at pageblock_order (the end
     * of balance_pgdat); the reclaim order drops to 0 (kswapd_shrink_node() after compact_gap() pages reclaimed, which
     * the kernel's kswapd frees in the trace stand for); the high order is given up without that only when the
     * reclaim makes no progress (no kswapd free since the previous check; at once where the kernel's kswapd never
     * freed compact_gap(), nothing being reclaimable); kswapd sleeps once the node is balanced at that order,
     * resetting the compaction skip hints and waking kcompactd for the allocation order.
     */
    void runKswapd() {
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
            // a first reclaim round before giving up the high order only where the trace shows reclaim that can
            // free compact_gap(order): the kernel's kswapd has freed that much so far (else nothing is reclaimable)
            reclaimedAtKswapdCheck = kswapdReclaimed >= 2L << kswapdAllocOrder ? -1 : kswapdReclaimed;
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
            } else if (pgdatBalanced(0, kswapdHighest) && kswapdReclaimed == reclaimedAtKswapdCheck) {
                // balance_pgdat() gives up the high order without having reclaimed compact_gap() when its priority
                // loop runs out without progress: the kernel's kswapd freed nothing since the previous check (nothing
                // reclaimable); kswapd() loops with kswapd_order reset to 0 and kswapd_try_to_sleep(pgdat, 0, 0, ...)
                // wakes no kcompactd
                kswapdReclaimOrder = 0;
                kswapdAllocOrder = 0;
            }
            reclaimedAtKswapdCheck = kswapdReclaimed;
            if (!pgdatBalanced(kswapdReclaimOrder, kswapdHighest)) {
                return;
            }
        }
        // kswapd_try_to_sleep(): prepare_kswapd_sleep() is true
        for (int z = 0; z < nz; z++) {
            if (cz.blockskipFlush[z]) {
                resetIsolationSuitable(z);
            }
        }
        kswapdAwake = false;
        stats.kswapdSleeps++;
        kswapdIntervals.add(new Interval(nid, kswapdBeginNs, nowNs, kswapdAllocOrder));
        wakeupKcompactd(kswapdAllocOrder, kswapdHighest);
    }
}
