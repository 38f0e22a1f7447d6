package io.fragtrace.replay.model;

import org.junit.jupiter.api.Test;

import java.util.List;

import static io.fragtrace.replay.model.KernelSemantics.MIGRATE_MOVABLE;
import static io.fragtrace.replay.model.KernelSemantics.MIGRATE_UNMOVABLE;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * __free_one_page() rules read in the v6.1 and v6.12 sources (mm/page_alloc.c); expected values are hand
 * calculations written beside them.
 */
class FreeOnePageSourceRulesTest {

    /** One zone [0, 4096), nothing free, pageblocks MOVABLE. */
    private static BuddyModel model(KernelSemantics ks) {
        return new BuddyModel(ks, List.of(new Zone(0, 0, "DMA32", 0, 4096)), 1);
    }

    /** Order-1 block at 0 and order-0 page at 2 free: freeing 3 merges 3+2 → order 1 at 2, then with 0 → order 2. */
    private static long freeThird(BuddyModel m, int captureMt) {
        m.addToFreeList(0, 0, 1, MIGRATE_MOVABLE, false);
        m.addToFreeList(0, 2, 0, MIGRATE_MOVABLE, false);
        return m.freeOnePage(0, 3, 0, MIGRATE_MOVABLE, false, 2, captureMt);
    }

    @Test
    void v612CapturesAMovableBlockForAMovableCompaction() {
        // v6.12 compaction_capture(): order 2 == cc->order; migratetype MOVABLE and order 2 < pageblock_order 9, but
        // cc->migratetype == MIGRATE_MOVABLE, so the "pollute a movable pageblock" test does not refuse: captured.
        BuddyModel m = model(KernelSemantics.V6_12);
        assertEquals(BuddyModel.CAPTURED, freeThird(m, MIGRATE_MOVABLE));
        assertEquals(0, m.lastCaptured());
        assertEquals(0, m.nrFree(0, 0) + m.nrFree(0, 1) + m.nrFree(0, 2));
    }

    @Test
    void v612RefusesTheMovableBlockToAnUnmovableCompaction() {
        // cc->migratetype UNMOVABLE: order < pageblock_order && MOVABLE && cc not MOVABLE → false; merging goes on
        // (buddy of 0 at order 2 is 4: not free) and the order-2 block at 0 is listed.
        BuddyModel m = model(KernelSemantics.V6_12);
        assertEquals(0, freeThird(m, MIGRATE_UNMOVABLE));
        assertArrayEquals(new long[] {0}, m.freeList(0, 2, MIGRATE_MOVABLE));
    }

    @Test
    void v61NeverCapturesAMovableBlockBelowPageblockOrder() {
        // v6.1 compaction_capture(): "order < pageblock_order && migratetype == MIGRATE_MOVABLE" → false, whatever
        // cc->migratetype is.
        BuddyModel m = model(KernelSemantics.V6_1);
        assertEquals(0, freeThird(m, MIGRATE_MOVABLE));
        assertArrayEquals(new long[] {0}, m.freeList(0, 2, MIGRATE_MOVABLE));
    }

    @Test
    void v612MergeRetypesEveryPageblockOfTheBuddy() {
        // v6.12 __free_one_page(): buddy_mt != migratetype → change_pageblock_range(buddy, order, migratetype), i.e.
        // 1 << (order - pageblock_order) pageblocks. pageblock_order 8: freeing the MOVABLE order-9 block at 0 next to
        // the free UNMOVABLE order-9 block at 512 (pageblocks 512, 768) merges (both mergeable) at order 9 and re-types
        // 1 << (9 - 8) = 2 pageblocks, 512 and 768, to MOVABLE; the order-10 block at 0 is listed MOVABLE.
        BuddyModel m = model(KernelSemantics.V6_12.withPageblockOrder(8));
        m.setPageblockMigratetype(512, MIGRATE_UNMOVABLE);
        m.setPageblockMigratetype(768, MIGRATE_UNMOVABLE);
        m.addToFreeList(0, 512, 9, MIGRATE_UNMOVABLE, false);
        assertEquals(0, m.freeOnePage(0, 0, 9, MIGRATE_MOVABLE, false));
        assertArrayEquals(new long[] {0}, m.freeList(0, 10, MIGRATE_MOVABLE));
        assertEquals(MIGRATE_MOVABLE, m.pageblockMigratetype(512));
        assertEquals(MIGRATE_MOVABLE, m.pageblockMigratetype(768));
    }
}
