package io.fragtrace.replay.metrics;

import io.fragtrace.replay.model.BuddyModel;
import io.fragtrace.replay.model.FragMetrics;
import io.fragtrace.replay.model.KernelSemantics;
import io.fragtrace.replay.model.Zone;

import java.util.ArrayList;
import java.util.List;

/**
 * Reads a {@link BuddyModel} as the kernel's /proc and debugfs files would show it: buddyinfo (nr_free per order),
 * pagetypeinfo (free pages and pageblocks per migratetype), extfrag/extfrag_index and unusable_index
 * (mm/vmstat.c), and the proactive-compaction score (fragmentation_score_zone(), mm/compaction.c).
 */
public final class ZoneSampler {
    private ZoneSampler() {
    }

    /** One sample per zone of the model. */
    public static List<ZoneSample> sample(BuddyModel m, long timeNs, String marker) {
        List<ZoneSample> out = new ArrayList<>(m.zoneCount());
        for (int z = 0; z < m.zoneCount(); z++) {
            out.add(sample(m, z, timeNs, marker));
        }
        return out;
    }

    public static ZoneSample sample(BuddyModel m, int z, long timeNs, String marker) {
        Zone zone = m.zone(z);
        int nrOrders = m.nrOrders();
        long[] nrFree = new long[nrOrders];
        long[] freeByMt = new long[KernelSemantics.MIGRATE_TYPES];
        for (int o = 0; o < nrOrders; o++) {
            nrFree[o] = m.nrFree(z, o);
            for (int mt = 0; mt < KernelSemantics.MIGRATE_TYPES; mt++) {
                freeByMt[mt] += (long) m.freeListLength(z, o, mt) << o;
            }
        }
        int[] frag = new int[nrOrders];
        int[] unusable = new int[nrOrders];
        for (int o = 0; o < nrOrders; o++) {
            frag[o] = FragMetrics.fragmentationIndex(nrFree, o);
            unusable[o] = FragMetrics.unusableFreeIndex(nrFree, o);
        }
        return new ZoneSample(timeNs, marker, zone.nid, zone.name, m.freePages(z), m.pcpPages(z), nrFree, freeByMt,
                frag, unusable, FragMetrics.fragmentationScoreZone(nrFree), pageblocksByMigratetype(m, zone), -1, -1);
    }

    /** Pageblocks per migratetype over the zone's span (the pageblock holding zone_start_pfn counts). */
    static long[] pageblocksByMigratetype(BuddyModel m, Zone zone) {
        long[] counts = new long[KernelSemantics.MIGRATE_TYPES];
        long step = 1L << m.pageblockOrder();
        for (long pfn = zone.start & -step; pfn < zone.end; pfn += step) {
            int mt = m.pageblockMigratetype(Math.max(pfn, zone.start));
            if (mt >= 0 && mt < counts.length) {
                counts[mt]++;
            }
        }
        return counts;
    }
}
