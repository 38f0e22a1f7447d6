package io.fragtrace.replay.model;

/**
 * Trace-wins reconciliation on the buddy model: where an event names pages the model does not have where the event
 * says, the event wins and the model's blocks around it are split and taken (counted by the caller).
 */
final class TraceWins {
    private TraceWins() {
    }

    /**
     * Takes the 2^order page at pfn out of the free block that contains it. When pfn is the block's head this is
     * __rmqueue_smallest()'s del_page_from_free_list() + expand(); otherwise (only reached when the model disagrees
     * with the trace) the other parts are listed at the head like expand() does. Returns false if pfn is not free.
     */
    static boolean takeFromBuddy(BuddyModel m, int z, long pfn, int order, int expandMt) {
        long h = m.findBuddyHead(pfn);
        if (h < 0) {
            return false;
        }
        int k = m.orderAt(h);
        if (k < order) {
            // a smaller free block than asked: take it and whatever else lies in the range
            m.delPageFromFreeList(h);
            takeRange(m, pfn, order);
            return true;
        }
        m.delPageFromFreeList(h);
        if (h == pfn) {
            m.expand(z, h, order, k, expandMt);
            return true;
        }
        long lo = h;
        while (k > order) {
            k--;
            long half = 1L << k;
            if (pfn >= lo + half) {
                m.addToFreeList(z, lo, k, expandMt, false);
                lo += half;
            } else {
                m.addToFreeList(z, lo + half, k, expandMt, false);
            }
        }
        return true;
    }

    /** Removes every free buddy block and pcp block that overlaps [pfn, pfn + 2^order) (trace-wins reconciliation). */
    static int takeRange(BuddyModel m, long pfn, int order) {
        int removed = 0;
        long end = pfn + (1L << order);
        long h = m.findBuddyHead(pfn);
        if (h >= 0 && h < pfn) {
            int z = m.zoneOf(h);
            int k = m.orderAt(h);
            int mt = m.listMigratetype(h);
            m.delPageFromFreeList(h);
            // give back the parts before pfn and after end
            releaseRange(m, z, h, pfn, mt);
            releaseRange(m, z, end, h + (1L << k), mt);
            removed++;
        }
        long p = m.findPcpHead(pfn);
        if (p >= 0 && p < pfn) {
            m.pcpDel(p);
            removed++;
        }
        for (long q = pfn; q < end; ) {
            int kind = m.kind(q);
            int k = m.orderAt(q);
            if (kind == BuddyModel.KIND_BUDDY) {
                int z = m.zoneOf(q);
                int mt = m.listMigratetype(q);
                m.delPageFromFreeList(q);
                if (q + (1L << k) > end) {
                    releaseRange(m, z, end, q + (1L << k), mt);
                }
                removed++;
                q += 1L << Math.min(k, 62);
            } else if (kind == BuddyModel.KIND_PCP) {
                m.pcpDel(q);
                removed++;
                q += 1L << k;
            } else {
                q++;
            }
        }
        return removed;
    }

    /** Lists [from, to) as maximal aligned free blocks at the head of free_list[mt] (no merging). */
    private static void releaseRange(BuddyModel m, int z, long from, long to, int mt) {
        long p = from;
        while (p < to) {
            int k = Math.min(Long.numberOfTrailingZeros(p - m.basePfn() | (1L << m.ks.maxOrder())), m.ks.maxOrder());
            while (p + (1L << k) > to) {
                k--;
            }
            m.addToFreeList(z, p, k, mt, false);
            p += 1L << k;
        }
    }
}
