package io.fragtrace.replay.model;

import static io.fragtrace.replay.model.KernelSemantics.MIGRATE_HIGHATOMIC;

/**
 * steal_suitable_fallback() (mm/page_alloc.c) on a {@link BuddyModel}: what __rmqueue_fallback() does with the
 * block it falls back to, once for both drivers (observed mode takes the trace's change_ownership, simulate mode
 * decides with its own policy).
 */
public final class StealFallback {
    private StealFallback() {
    }

    /**
     * What steal_suitable_fallback() decides outside the free lists, answered by the driver: observed mode takes the
     * trace's change_ownership, simulate mode counts free + alike pages and boosts the watermark.
     */
    public interface Policy {
        /** boost_watermark() and ZONE_BOOSTED_WATERMARK (5.0+), at the point the kernel calls it. */
        void boostWatermark(int z);

        /** Whether the pageblock of pfn changes owner after freePages free pages of it moved to startMt's list. */
        boolean claimBlock(long pfn, int freePages, int oldBlockType, int startMt);
    }

    /** steal_suitable_fallback() outcomes. */
    public static final int STEAL_SINGLE_PAGE = 0, STEAL_BLOCK_RANGE = 1, STEAL_CLAIMED = 2, STEAL_NOT_CLAIMED = 3;

    private static final Policy TRACE_CLAIMS = policy(true);
    private static final Policy TRACE_KEEPS = policy(false);

    private static Policy policy(boolean claim) {
        return new Policy() {
            @Override
            public void boostWatermark(int z) {
            }

            @Override
            public boolean claimBlock(long pfn, int freePages, int oldBlockType, int startMt) {
                return claim;
            }
        };
    }

    /**
     * steal_suitable_fallback() (mm/page_alloc.c, 4.12-6.14), called from __rmqueue_fallback(): a highatomic block
     * moves alone; a block of at least pageblock order takes every pageblock it covers; else the watermark is boosted,
     * and when the whole pageblock may be stolen every free block of it moves to the tail of free_list[startMt] and
     * the pageblock changes owner if the policy says so; otherwise only the fallback block moves. One implementation
     * for both drivers.
     */
    public static int stealSuitableFallback(BuddyModel m, int z, long pfn, int currentOrder, int startMt,
                                            boolean wholeBlock, Policy policy) {
        int oldBlockType = m.pageblockMigratetype(pfn);
        if (oldBlockType == MIGRATE_HIGHATOMIC) {
            m.moveToFreeList(z, pfn, currentOrder, startMt);
            return STEAL_SINGLE_PAGE;
        }
        if (currentOrder >= m.pageblockOrder()) {
            m.changePageblockRange(pfn, currentOrder, startMt);
            m.moveToFreeList(z, pfn, currentOrder, startMt);
            return STEAL_BLOCK_RANGE;
        }
        policy.boostWatermark(z);
        if (!wholeBlock) {
            m.moveToFreeList(z, pfn, currentOrder, startMt);
            return STEAL_SINGLE_PAGE;
        }
        int free = m.moveFreepagesBlock(z, pfn, startMt);
        if (free == 0) {
            m.moveToFreeList(z, pfn, currentOrder, startMt);
            return STEAL_SINGLE_PAGE;
        }
        if (policy.claimBlock(pfn, free, oldBlockType, startMt)) {
            m.setPageblockMigratetype(pfn, startMt);
            return STEAL_CLAIMED;
        }
        return STEAL_NOT_CLAIMED;
    }

    /**
     * try_to_steal_block() (mm/page_alloc.c, 6.12 stable / 6.15+), called by __rmqueue_claim(): a block of at least
     * pageblock order is taken whole (every pageblock it covers re-typed, the rest split onto startMt's lists); a
     * smaller one boosts the watermark, then the pageblock is claimed only when free + alike pages reach half of it
     * (prep_move_freepages_block() counts without moving; a block straddling the zone is left alone), its free blocks
     * move to startMt's lists and __rmqueue_smallest() takes the page. Nothing moves otherwise. A highatomic block
     * is refused. Returns the page's pfn, or -1.
     */
    public static long tryToStealBlock(BuddyModel m, int z, long pfn, int currentOrder, int order, int startMt,
                                       Policy policy) {
        int blockType = m.pageblockMigratetype(pfn);
        if (blockType == MIGRATE_HIGHATOMIC) {
            return -1;
        }
        if (currentOrder >= m.pageblockOrder()) {
            claimWholeRange(m, z, pfn, currentOrder, order, startMt);
            return pfn;
        }
        policy.boostWatermark(z);
        int free = countFreepagesBlock(m, z, pfn);
        if (free < 0 || !policy.claimBlock(pfn, free, blockType, startMt)) {
            return -1;
        }
        m.moveFreepagesBlockWhole(z, pfn, startMt);
        return m.rmqueueSmallest(z, order, startMt);
    }

    /**
     * try_to_steal_block()'s first branch (mm/page_alloc.c, 6.10+): a free block of at least pageblock order leaves
     * its list, change_pageblock_range() gives all its pageblocks to startMt and expand() lists the rest there.
     */
    public static void claimWholeRange(BuddyModel m, int z, long pfn, int currentOrder, int order, int startMt) {
        m.delPageFromFreeList(pfn);
        m.changePageblockRange(pfn, currentOrder, startMt);
        m.expand(z, pfn, order, currentOrder, startMt);
    }

    /**
     * page_del_and_expand() as __rmqueue_steal() calls it (mm/page_alloc.c, 6.12 stable / 6.15+; the single-page
     * steal of steal_suitable_fallback() in 6.10-6.14): the fallback block leaves its list and the remainder is split
     * onto the lists of its own type, fallbackMt; the pageblock keeps its owner.
     */
    public static void stealPage(BuddyModel m, int z, long pfn, int order, int currentOrder, int fallbackMt) {
        m.delPageFromFreeList(pfn);
        m.expand(z, pfn, order, currentOrder, fallbackMt);
    }

    /**
     * prep_move_freepages_block() (mm/page_alloc.c, 6.10+): the free pages of pfn's pageblock, or -1 when the
     * pageblock straddles the zone.
     */
    static int countFreepagesBlock(BuddyModel m, int z, long pfn) {
        int pb = m.pageblockOrder();
        long start = pfn & -(1L << pb);
        long end = start + (1L << pb);
        Zone zone = m.zone(z);
        if (!zone.spans(start) || !zone.spans(end - 1)) {
            return -1;
        }
        int free = 0;
        for (long p = start; p < end; ) {
            if (m.kind(p) == BuddyModel.KIND_BUDDY) {
                int nr = 1 << m.orderAt(p);
                free += nr;
                p += nr;
            } else {
                p++;
            }
        }
        return free;
    }

    /**
     * steal_suitable_fallback() of 6.1 as the observed replay drives it, just before the mm_page_alloc_extfrag trace:
     * the pageblock changes owner when the trace says change_ownership=1 (the free+alike &gt;= half test needs PageLRU
     * counts the trace does not carry).
     */
    public static void stealSuitableFallback61(BuddyModel m, int z, long pfn, int currentOrder, int startMt,
                                               boolean changeOwnership) {
        stealSuitableFallback(m, z, pfn, currentOrder, startMt, m.ks.canStealFallback(currentOrder, startMt),
                changeOwnership ? TRACE_CLAIMS : TRACE_KEEPS);
    }

}
