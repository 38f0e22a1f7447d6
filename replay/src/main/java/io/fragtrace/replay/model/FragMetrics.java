package io.fragtrace.replay.model;

/**
 * Fragmentation metrics as pure functions of a zone's {@code free_area[order].nr_free} (blocks per order), with
 * the kernel's exact integer arithmetic. mm/vmstat.c: fill_contig_page_info(), __fragmentation_index(),
 * unusable_free_index(), extfrag_for_order(); mm/compaction.c: fragmentation_score_zone(),
 * fragmentation_score_zone_weighted(), fragmentation_score_node().
 */
public final class FragMetrics {
    /** COMPACTION_HPAGE_ORDER on x86-64 (HPAGE_PMD_ORDER). */
    public static final int COMPACTION_HPAGE_ORDER = 9;

    private FragMetrics() {
    }

    /** fill_contig_page_info() (mm/vmstat.c): {free_pages, free_blocks_total, free_blocks_suitable}. */
    public static long[] fillContigPageInfo(long[] nrFree, int suitableOrder) {
        long freePages = 0;
        long total = 0;
        long suitable = 0;
        for (int o = 0; o < nrFree.length; o++) {
            long blocks = nrFree[o];
            total += blocks;
            freePages += blocks << o;
            if (o >= suitableOrder) {
                suitable += blocks << (o - suitableOrder);
            }
        }
        return new long[] {freePages, total, suitable};
    }

    /**
     * __fragmentation_index() (mm/vmstat.c), in thousandths: 0 when nothing is free, -1000 when a block of the order
     * is free, else 1000 - (1000 + free_pages*1000/2^order) / free_blocks_total (integer divisions).
     */
    public static int fragmentationIndex(long[] nrFree, int order) {
        if (order >= nrFree.length) {
            return 0;
        }
        long[] info = fillContigPageInfo(nrFree, order);
        long requested = 1L << order;
        if (info[1] == 0) {
            return 0;
        }
        if (info[2] != 0) {
            return -1000;
        }
        return (int) (1000 - (1000 + info[0] * 1000 / requested) / info[1]);
    }

    /**
     * unusable_free_index() (mm/vmstat.c), in thousandths: share of free memory in blocks smaller than the order;
     * 1000 when nothing is free.
     */
    public static int unusableFreeIndex(long[] nrFree, int order) {
        long[] info = fillContigPageInfo(nrFree, order);
        if (info[0] == 0) {
            return 1000;
        }
        return (int) ((info[0] - (info[2] << order)) * 1000 / info[0]);
    }

    /** extfrag_for_order() (mm/vmstat.c): the same share in percent; 0 when nothing is free. */
    public static int extfragForOrder(long[] nrFree, int order) {
        long[] info = fillContigPageInfo(nrFree, order);
        if (info[0] == 0) {
            return 0;
        }
        return (int) ((info[0] - (info[2] << order)) * 100 / info[0]);
    }

    /** fragmentation_score_zone() (mm/compaction.c) = extfrag_for_order(zone, COMPACTION_HPAGE_ORDER). */
    public static int fragmentationScoreZone(long[] nrFree) {
        return extfragForOrder(nrFree, COMPACTION_HPAGE_ORDER);
    }

    /** fragmentation_score_zone_weighted() (mm/compaction.c): score * present / (node present + 1). */
    public static long fragmentationScoreZoneWeighted(long zonePresent, long nodePresent, int zoneScore) {
        return zonePresent * zoneScore / (nodePresent + 1);
    }

    /** fragmentation_score_node() (mm/compaction.c): sum of the weighted scores of the node's populated zones. */
    public static long fragmentationScoreNode(long[] present, long[][] nrFree) {
        long nodePresent = 0;
        for (long p : present) {
            nodePresent += p;
        }
        long score = 0;
        for (int i = 0; i < present.length; i++) {
            if (present[i] > 0) {
                score += fragmentationScoreZoneWeighted(present[i], nodePresent, fragmentationScoreZone(nrFree[i]));
            }
        }
        return score;
    }

    /** fragmentation_score_node() of the model's zones zs (one node's), from their free lists now. */
    public static long fragmentationScoreNode(BuddyModel m, int... zs) {
        long[] present = new long[zs.length];
        long[][] nrFree = new long[zs.length][m.nrOrders()];
        for (int i = 0; i < zs.length; i++) {
            present[i] = m.zone(zs[i]).present;
            for (int o = 0; o < nrFree[i].length; o++) {
                nrFree[i][o] = m.nrFree(zs[i], o);
            }
        }
        return fragmentationScoreNode(present, nrFree);
    }

    /** fragmentation_score_node() of a one-node model: all its zones. */
    public static long fragmentationScoreNode(BuddyModel m) {
        int[] zs = new int[m.zoneCount()];
        for (int z = 0; z < zs.length; z++) {
            zs[z] = z;
        }
        return fragmentationScoreNode(m, zs);
    }

    /** The kernel's "%d.%03d" of a thousandths value (-1000 → "-1.000"; extfrag_index pads with %2d). */
    public static String format3(int v) {
        return (v < 0 && v / 1000 == 0 ? "-" : "") + (v / 1000) + "." + String.format("%03d", Math.abs(v % 1000));
    }
}
