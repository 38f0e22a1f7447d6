package io.fragtrace.replay.model;

/**
 * cc->freepages[NR_PAGE_ORDERS] of 6.10+ (mm/compaction.c): the isolated free pages kept at their order, one list
 * per order; isolate_freepages_block() and fast_isolate_freepages() list_add_tail() each page to its order's list.
 */
public final class Freepages {
    private final long[][] buf;
    private final int[] head;
    private final int[] size;

    public Freepages(int nrOrders) {
        buf = new long[nrOrders][8];
        head = new int[nrOrders];
        size = new int[nrOrders];
    }

    /** list_add_tail(&page->lru, &cc->freepages[order]). */
    public void add(long pfn, int order) {
        grow(order);
        long[] b = buf[order];
        b[(head[order] + size[order]++) & (b.length - 1)] = pfn;
    }

    /** list_add(&page->lru, &cc->freepages[order]): at the head. */
    private void push(long pfn, int order) {
        grow(order);
        long[] b = buf[order];
        head[order] = (head[order] - 1) & (b.length - 1);
        b[head[order]] = pfn;
        size[order]++;
    }

    /** list_first_entry() and list_del(), else -1 when the order's list is empty. */
    public long poll(int order) {
        if (size[order] == 0) {
            return -1;
        }
        long[] b = buf[order];
        long p = b[head[order]];
        head[order] = (head[order] + 1) & (b.length - 1);
        size[order]--;
        return p;
    }

    private void grow(int order) {
        long[] b = buf[order];
        if (size[order] < b.length) {
            return;
        }
        long[] n = new long[b.length * 2];
        for (int i = 0; i < size[order]; i++) {
            n[i] = b[(head[order] + i) & (b.length - 1)];
        }
        buf[order] = n;
        head[order] = 0;
    }

    /**
     * compaction_alloc_noprof() (mm/compaction.c, 6.10+) for a folio of this order: the first page of the smallest
     * non-empty list at or above it; while larger, the upper half goes list_add() to the next lower order's list
     * and the lower half is kept. -1 when every list is empty (the caller isolates, once).
     */
    public long compactionAlloc(int order) {
        int start = order;
        while (start < size.length && size[start] == 0) {
            start++;
        }
        if (start == size.length) {
            return -1;
        }
        long page = poll(start);
        while (start > order) {
            start--;
            push(page + (1L << start), start);
        }
        return page;
    }

    /** Isolated pages left, over all orders (cc->nr_freepages). */
    public long pages() {
        long n = 0;
        for (int o = 0; o < size.length; o++) {
            n += (long) size[o] << o;
        }
        return n;
    }
}
