package io.fragtrace.replay;

import io.fragtrace.replay.model.BuddyModel;
import io.fragtrace.replay.model.FragMetrics;

import static io.fragtrace.replay.model.KernelSemantics.MIGRATE_TYPES;

/**
 * A zone's figures at one instant, for summaries and time series: buddyinfo, free pages per migratetype,
 * pageblocks per migratetype, pcp pages, and the kernel's fragmentation metrics per order.
 *
 * @param nrFree          free_area[order].nr_free (what /proc/buddyinfo prints)
 * @param freePagesByMt   free pages on the buddy lists of each migratetype (pagetypeinfo "Free pages count" × 2^order)
 * @param pageblocksByMt  pageblocks of each migratetype ("Number of blocks type")
 * @param pcpPages        pages on the zone's per-CPU lists
 * @param extfragIndex    __fragmentation_index() per order, thousandths (-1000 when a block is free)
 * @param unusableIndex   unusable_free_index() per order, thousandths
 * @param fragmentationScore fragmentation_score_zone() (0..100)
 */
public record ZoneStats(String zone, long[] nrFree, long[] freePagesByMt, long[] pageblocksByMt, long pcpPages,
                        int[] extfragIndex, int[] unusableIndex, int fragmentationScore) {

    /**
     * The figures of zone z from the model's maintained counters: O(orders × migratetypes), whatever the zone's size
     * (allocates a few small arrays; call at sample points, not per event).
     */
    public static ZoneStats of(BuddyModel m, int z) {
        int orders = m.nrOrders();
        long[] nr = new long[orders];
        long[] byMt = new long[MIGRATE_TYPES];
        for (int o = 0; o < orders; o++) {
            nr[o] = m.nrFree(z, o);
            for (int mt = 0; mt < MIGRATE_TYPES; mt++) {
                byMt[mt] += (long) m.freeListLength(z, o, mt) << o;
            }
        }
        long[] pb = new long[MIGRATE_TYPES];
        var zone = m.zone(z);
        for (int mt = 0; mt < MIGRATE_TYPES; mt++) {
            pb[mt] = m.pageblocksOfType(z, mt);
        }
        int[] ef = new int[orders];
        int[] un = new int[orders];
        for (int o = 0; o < orders; o++) {
            ef[o] = FragMetrics.fragmentationIndex(nr, o);
            un[o] = FragMetrics.unusableFreeIndex(nr, o);
        }
        return new ZoneStats(zone.name, nr, byMt, pb, m.pcpPages(z), ef, un, FragMetrics.fragmentationScoreZone(nr));
    }
}
