package io.fragtrace.replay.model;

import org.junit.jupiter.api.Test;

import java.util.List;

import static io.fragtrace.replay.model.KernelSemantics.MIGRATE_MOVABLE;
import static io.fragtrace.replay.model.KernelSemantics.MIGRATE_UNMOVABLE;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * __isolate_free_page() (mm/page_alloc.c) for a block of at least half a pageblock, as compaction's free scanners use
 * it: 6.1 only re-types the pageblock (set_pageblock_migratetype); 6.10+ calls move_freepages_block(), which moves
 * the pageblock's other free blocks, in pfn order, to the tail of their MOVABLE lists (move_to_free_list():
 * list_move_tail), also when the pageblock was MOVABLE already. Expected list orders are worked out by hand beside
 * each step; pageblocks are 512 pages.
 */
class IsolateFreePageTest {

    private static BuddyModel model(KernelSemantics ks, long spanned) {
        return new BuddyModel(ks, List.of(new Zone(0, 0, "DMA32", 0, spanned)), 2);
    }

    /**
     * Pageblock 0 = [0, 512), pageblock 1 = [512, 1024), both MOVABLE.
     * order-0 list, built: 1 head, 3 head, 600 tail, 602 head      → [602, 3, 1, 600]
     * order-2 list, built: 700 head, 8 head                       → [8, 700]
     * isolate the order-8 block 256 (pageblock 0):
     * 6.12: move_freepages_block(pageblock 0) walks pfn 0..511: 1 → tail [602, 3, 600, 1]; 3 → tail
     * [602, 600, 1, 3]; 8 (order 2) → tail [700, 8]. Pageblock 1's 600, 602 and 700 stay where they were.
     * 6.1: nothing moves.
     */
    private static BuddyModel halfBlockIsolation(KernelSemantics ks) {
        BuddyModel m = model(ks, 4096);
        m.addToFreeList(0, 1, 0, MIGRATE_MOVABLE, false);
        m.addToFreeList(0, 3, 0, MIGRATE_MOVABLE, false);
        m.addToFreeList(0, 600, 0, MIGRATE_MOVABLE, true);
        m.addToFreeList(0, 602, 0, MIGRATE_MOVABLE, false);
        m.addToFreeList(0, 700, 2, MIGRATE_MOVABLE, false);
        m.addToFreeList(0, 8, 2, MIGRATE_MOVABLE, false);
        m.addToFreeList(0, 256, 8, MIGRATE_MOVABLE, false);
        assertArrayEquals(new long[] {602, 3, 1, 600}, m.freeList(0, 0, MIGRATE_MOVABLE));
        m.isolateFreePage(256, 8);
        assertEquals(0, m.nrFree(0, 8));
        return m;
    }

    @Test
    void on612TheIsolatedBlocksPageblockMovesItsFreeBlocksToTheTail() {
        BuddyModel m = halfBlockIsolation(KernelSemantics.V6_12);
        assertArrayEquals(new long[] {602, 600, 1, 3}, m.freeList(0, 0, MIGRATE_MOVABLE));
        assertArrayEquals(new long[] {700, 8}, m.freeList(0, 2, MIGRATE_MOVABLE));
        assertEquals(MIGRATE_MOVABLE, m.pageblockMigratetype(0));
    }

    @Test
    void on61NothingMoves() {
        BuddyModel m = halfBlockIsolation(KernelSemantics.V6_1);
        assertArrayEquals(new long[] {602, 3, 1, 600}, m.freeList(0, 0, MIGRATE_MOVABLE));
        assertArrayEquals(new long[] {8, 700}, m.freeList(0, 2, MIGRATE_MOVABLE));
    }

    @Test
    void anUnmovablePageblockBecomesMovableWithItsFreePages() {
        // Pageblock 2 = [1024, 1536) UNMOVABLE: free page 1030 on the UNMOVABLE order-0 list, 2000 (pageblock 3,
        // MOVABLE) on the MOVABLE one. Isolating the order-8 block 1280 of pageblock 2:
        // 6.12: 1030 → tail of the MOVABLE order-0 list [2000, 1030], pageblock 2 MOVABLE, UNMOVABLE list empty.
        // 6.1: the pageblock becomes MOVABLE but 1030 stays on the UNMOVABLE list.
        for (KernelSemantics ks : new KernelSemantics[] {KernelSemantics.V6_12, KernelSemantics.V6_1}) {
            BuddyModel m = model(ks, 4096);
            m.setPageblockMigratetype(1024, MIGRATE_UNMOVABLE);
            m.addToFreeList(0, 1030, 0, MIGRATE_UNMOVABLE, false);
            m.addToFreeList(0, 2000, 0, MIGRATE_MOVABLE, false);
            m.addToFreeList(0, 1280, 8, MIGRATE_UNMOVABLE, false);
            m.isolateFreePage(1280, 8);
            assertEquals(MIGRATE_MOVABLE, m.pageblockMigratetype(1024));
            if (ks == KernelSemantics.V6_12) {
                assertArrayEquals(new long[] {2000, 1030}, m.freeList(0, 0, MIGRATE_MOVABLE));
                assertEquals(0, m.freeListLength(0, 0, MIGRATE_UNMOVABLE));
            } else {
                assertArrayEquals(new long[] {2000}, m.freeList(0, 0, MIGRATE_MOVABLE));
                assertArrayEquals(new long[] {1030}, m.freeList(0, 0, MIGRATE_UNMOVABLE));
            }
        }
    }

    @Test
    void on612APageblockStraddlingTheZoneEndIsLeftAlone() {
        // Zone [0, 4000): the last pageblock [3584, 4096) ends outside it, so prep_move_freepages_block() refuses:
        // the UNMOVABLE type and 3900's place on the UNMOVABLE list stay.
        BuddyModel m = model(KernelSemantics.V6_12, 4000);
        m.setPageblockMigratetype(3584, MIGRATE_UNMOVABLE);
        m.addToFreeList(0, 3900, 0, MIGRATE_UNMOVABLE, false);
        m.addToFreeList(0, 3584, 8, MIGRATE_UNMOVABLE, false);
        m.isolateFreePage(3584, 8);
        assertEquals(MIGRATE_UNMOVABLE, m.pageblockMigratetype(3584));
        assertArrayEquals(new long[] {3900}, m.freeList(0, 0, MIGRATE_UNMOVABLE));
        assertEquals(0, m.nrFree(0, 8));
    }
}
