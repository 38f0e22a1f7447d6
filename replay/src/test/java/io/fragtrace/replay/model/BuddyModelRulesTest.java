package io.fragtrace.replay.model;

import org.junit.jupiter.api.Test;

import java.util.List;

import static io.fragtrace.replay.model.KernelSemantics.MIGRATE_HIGHATOMIC;
import static io.fragtrace.replay.model.KernelSemantics.MIGRATE_ISOLATE;
import static io.fragtrace.replay.model.KernelSemantics.MIGRATE_MOVABLE;
import static io.fragtrace.replay.model.KernelSemantics.MIGRATE_RECLAIMABLE;
import static io.fragtrace.replay.model.KernelSemantics.MIGRATE_UNMOVABLE;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** One test per kernel rule the model mirrors; expected values are hand calculations written beside them. */
class BuddyModelRulesTest {

    /** One zone [0, 4096): 8 pageblocks of 512 pages, all MOVABLE, nothing free. */
    static BuddyModel model(KernelSemantics ks) {
        return new BuddyModel(ks, List.of(new Zone(0, 0, "DMA32", 0, 4096)), 2);
    }

    @Test
    void pageblockOfAnUnalignedZoneStartStaysUnmovable() {
        // memmap_init_range (mm/mm_init.c) sets MIGRATE_MOVABLE only at a pageblock_aligned(pfn) of the zone's range.
        // x86 DMA [1, 4096): pageblock 0 starts at pfn 0, in no zone, so its bits stay zeroed = MIGRATE_UNMOVABLE
        // (pagetypeinfo of the 6.12 captures: DMA 1 Unmovable, 7 Movable); pageblocks 512..3584 are MOVABLE. DMA32
        // [4096, 8192) starts aligned: pageblock 4096 MOVABLE. A zone starting mid-block right after another zone
        // (Normal [4352, 8192) after DMA32 [0, 4352)) leaves the block at 4096 to DMA32's init: MOVABLE.
        BuddyModel m = new BuddyModel(KernelSemantics.V6_12, List.of(new Zone(0, 0, "DMA", 1, 4095),
                new Zone(1, 0, "DMA32", 4096, 4096)), 1);
        assertEquals(MIGRATE_UNMOVABLE, m.pageblockMigratetype(0x12b));
        assertEquals(MIGRATE_MOVABLE, m.pageblockMigratetype(512));
        assertEquals(MIGRATE_MOVABLE, m.pageblockMigratetype(3584));
        assertEquals(MIGRATE_MOVABLE, m.pageblockMigratetype(4096));
        assertEquals(1, m.pageblocksOfType(0, MIGRATE_UNMOVABLE)); // pagetypeinfo's count of the zone
        assertEquals(7, m.pageblocksOfType(0, MIGRATE_MOVABLE));
        BuddyModel adj = new BuddyModel(KernelSemantics.V6_12, List.of(new Zone(0, 0, "DMA32", 0, 4352),
                new Zone(1, 0, "Normal", 4352, 3840)), 1);
        assertEquals(MIGRATE_MOVABLE, adj.pageblockMigratetype(4352));
    }

    @Test
    void freeOnePageMergesWithBuddyByPfnXor() {
        // __free_one_page (mm/page_alloc.c): buddy of pfn 1 at order 0 is 1^1 = 0; both free → order-1 block at 0;
        // its order-1 buddy 0^2 = 2 is not free → stop.
        BuddyModel m = model(KernelSemantics.V6_1);
        m.freeOnePage(0, 0, 0, MIGRATE_MOVABLE, false);
        m.freeOnePage(0, 1, 0, MIGRATE_MOVABLE, false);
        assertArrayEquals(new long[] {0}, m.freeList(0, 1, MIGRATE_MOVABLE));
        assertEquals(0, m.nrFree(0, 0));
        assertEquals(1, m.nrFree(0, 1));
    }

    @Test
    void freeOnePagePutsBlockAtTailWhenBuddyMergeLikely() {
        // buddy_merge_likely (mm/page_alloc.c): pfn 1 cannot merge (pfn 0 allocated). The order-1 block it would form
        // (pfn 0) has order-1 buddy 0^2 = 2; a free order-1 block sits at 2 → list at the TAIL, behind pfn 100.
        BuddyModel m = model(KernelSemantics.V6_1);
        m.addToFreeList(0, 2, 1, MIGRATE_MOVABLE, false);
        m.addToFreeList(0, 100, 0, MIGRATE_MOVABLE, false);
        m.freeOnePage(0, 1, 0, MIGRATE_MOVABLE, false);
        assertArrayEquals(new long[] {100, 1}, m.freeList(0, 0, MIGRATE_MOVABLE));
        // without a free block at 2 the page goes to the HEAD
        BuddyModel m2 = model(KernelSemantics.V6_1);
        m2.addToFreeList(0, 100, 0, MIGRATE_MOVABLE, false);
        m2.freeOnePage(0, 1, 0, MIGRATE_MOVABLE, false);
        assertArrayEquals(new long[] {1, 100}, m2.freeList(0, 0, MIGRATE_MOVABLE));
    }

    @Test
    void expandListsUpperHalvesAtTheHead() {
        // __rmqueue_smallest + expand (mm/page_alloc.c): order 0 from the order-3 block at 8 returns 8 and lists
        // 12 (order 2), 10 (order 1), 9 (order 0), each at the head (9 before the older 200).
        BuddyModel m = model(KernelSemantics.V6_1);
        m.addToFreeList(0, 200, 0, MIGRATE_MOVABLE, false);
        m.addToFreeList(0, 8, 3, MIGRATE_MOVABLE, false);
        assertEquals(200, m.rmqueueSmallest(0, 0, MIGRATE_MOVABLE)); // the smallest order wins first
        assertEquals(8, m.rmqueueSmallest(0, 0, MIGRATE_MOVABLE));
        assertArrayEquals(new long[] {12}, m.freeList(0, 2, MIGRATE_MOVABLE));
        assertArrayEquals(new long[] {10}, m.freeList(0, 1, MIGRATE_MOVABLE));
        assertArrayEquals(new long[] {9}, m.freeList(0, 0, MIGRATE_MOVABLE));
        m.addToFreeList(0, 300, 0, MIGRATE_MOVABLE, true);
        m.takeFromBuddy(0, 10, 0, MIGRATE_MOVABLE); // order 0 from order-1 block 10: 11 goes to the head
        assertArrayEquals(new long[] {11, 9, 300}, m.freeList(0, 0, MIGRATE_MOVABLE));
    }

    @Test
    void noMergeAbovePageblockOrderWithIsolateOrHighatomic() {
        // __free_one_page: at order >= pageblock_order, a buddy whose pageblock type is not mergeable
        // (migratetype_is_mergeable: mt < MIGRATE_PCPTYPES) stops the merge.
        BuddyModel m = model(KernelSemantics.V6_1);
        m.setPageblockMigratetype(0, MIGRATE_ISOLATE);
        m.addToFreeList(0, 0, 9, MIGRATE_ISOLATE, false);
        m.freeOnePage(0, 512, 9, MIGRATE_MOVABLE, false);
        assertEquals(2, m.nrFree(0, 9));
        assertEquals(0, m.nrFree(0, 10));
        // two mergeable types (unmovable + movable) do merge into one order-10 block on the freeing page's list
        BuddyModel m2 = model(KernelSemantics.V6_1);
        m2.setPageblockMigratetype(0, MIGRATE_UNMOVABLE);
        m2.addToFreeList(0, 0, 9, MIGRATE_UNMOVABLE, false);
        m2.freeOnePage(0, 512, 9, MIGRATE_MOVABLE, false);
        assertArrayEquals(new long[] {0}, m2.freeList(0, 10, MIGRATE_MOVABLE));
        assertEquals(MIGRATE_UNMOVABLE, m2.pageblockMigratetype(0)); // 6.1 leaves the buddy's pageblock alone
        // HIGHATOMIC is not mergeable either
        BuddyModel m3 = model(KernelSemantics.V6_1);
        m3.setPageblockMigratetype(1024, MIGRATE_HIGHATOMIC);
        m3.addToFreeList(0, 1024, 9, MIGRATE_HIGHATOMIC, false);
        m3.freeOnePage(0, 1536, 9, MIGRATE_MOVABLE, false);
        assertEquals(2, m3.nrFree(0, 9));
    }

    @Test
    void mergeRetypesBuddyPageblockOn612() {
        // __free_one_page in 6.10+: "Match buddy type" - set_pageblock_migratetype(buddy, migratetype).
        BuddyModel m = model(KernelSemantics.V6_12);
        m.setPageblockMigratetype(0, MIGRATE_UNMOVABLE);
        m.addToFreeList(0, 0, 9, MIGRATE_UNMOVABLE, false);
        m.freeOnePage(0, 512, 9, MIGRATE_MOVABLE, false);
        assertEquals(MIGRATE_MOVABLE, m.pageblockMigratetype(0));
        assertArrayEquals(new long[] {0}, m.freeList(0, 10, MIGRATE_MOVABLE));
    }

    @Test
    void moveFreepagesBlockMovesEveryFreeBlockToTheTailInPfnOrder() {
        // move_freepages_block + move_freepages + move_to_free_list (list_move_tail) (mm/page_alloc.c):
        // pageblock [0, 512) holds free blocks 0 (order 2), 16 (order 4), 100 (order 0): 4 + 16 + 1 = 21 pages.
        BuddyModel m = model(KernelSemantics.V6_1);
        m.addToFreeList(0, 1000, 0, MIGRATE_UNMOVABLE, false);
        m.addToFreeList(0, 100, 0, MIGRATE_MOVABLE, false);
        m.addToFreeList(0, 16, 4, MIGRATE_MOVABLE, false);
        m.addToFreeList(0, 0, 2, MIGRATE_MOVABLE, false);
        assertEquals(21, m.moveFreepagesBlock(0, 16, MIGRATE_UNMOVABLE));
        assertArrayEquals(new long[] {1000, 100}, m.freeList(0, 0, MIGRATE_UNMOVABLE));
        assertArrayEquals(new long[] {0}, m.freeList(0, 2, MIGRATE_UNMOVABLE));
        assertArrayEquals(new long[] {16}, m.freeList(0, 4, MIGRATE_UNMOVABLE));
        assertEquals(0, m.freeListLength(0, 0, MIGRATE_MOVABLE));
    }

    @Test
    void stealSuitableFallbackMovesOnlyThePageWhenItCannotStealTheBlock() {
        // can_steal_fallback(order 2, MOVABLE): 2 < pageblock_order/2 = 4 and MOVABLE is neither UNMOVABLE nor
        // RECLAIMABLE → false → single_page: only the fallback block moves (to the tail); the pageblock keeps its type.
        BuddyModel m = model(KernelSemantics.V6_1);
        m.setPageblockMigratetype(0, MIGRATE_RECLAIMABLE);
        m.addToFreeList(0, 8, 2, MIGRATE_RECLAIMABLE, false);
        m.addToFreeList(0, 100, 0, MIGRATE_RECLAIMABLE, false);
        assertFalse(KernelSemantics.V6_1.canStealFallback(2, MIGRATE_MOVABLE));
        StealFallback.stealSuitableFallback61(m, 0, 8, 2, MIGRATE_MOVABLE, false);
        assertArrayEquals(new long[] {8}, m.freeList(0, 2, MIGRATE_MOVABLE));
        assertArrayEquals(new long[] {100}, m.freeList(0, 0, MIGRATE_RECLAIMABLE));
        assertEquals(MIGRATE_RECLAIMABLE, m.pageblockMigratetype(0));
        // UNMOVABLE may steal the whole block: every free block of the pageblock moves; change_ownership=1 re-types it
        assertTrue(KernelSemantics.V6_1.canStealFallback(2, MIGRATE_UNMOVABLE));
        BuddyModel m2 = model(KernelSemantics.V6_1);
        m2.addToFreeList(0, 8, 2, MIGRATE_MOVABLE, false);
        m2.addToFreeList(0, 100, 0, MIGRATE_MOVABLE, false);
        StealFallback.stealSuitableFallback61(m2, 0, 8, 2, MIGRATE_UNMOVABLE, true);
        assertArrayEquals(new long[] {8}, m2.freeList(0, 2, MIGRATE_UNMOVABLE));
        assertArrayEquals(new long[] {100}, m2.freeList(0, 0, MIGRATE_UNMOVABLE));
        assertEquals(MIGRATE_UNMOVABLE, m2.pageblockMigratetype(0));
        // fallback order >= pageblock_order: change_pageblock_range re-types all 2 pageblocks of an order-10 block
        BuddyModel m3 = model(KernelSemantics.V6_1);
        m3.addToFreeList(0, 1024, 10, MIGRATE_MOVABLE, false);
        StealFallback.stealSuitableFallback61(m3, 0, 1024, 10, MIGRATE_RECLAIMABLE, true);
        assertEquals(MIGRATE_RECLAIMABLE, m3.pageblockMigratetype(1024));
        assertEquals(MIGRATE_RECLAIMABLE, m3.pageblockMigratetype(1536));
        assertArrayEquals(new long[] {1024}, m3.freeList(0, 10, MIGRATE_RECLAIMABLE));
    }

    @Test
    void isolateFreePageRetypesHalfPageblockBlocksMovable() {
        // __isolate_free_page (mm/page_alloc.c): order >= pageblock_order - 1 → mergeable pageblocks become MOVABLE.
        BuddyModel m = model(KernelSemantics.V6_1);
        m.setPageblockMigratetype(0, MIGRATE_UNMOVABLE);
        m.addToFreeList(0, 256, 8, MIGRATE_UNMOVABLE, false);
        m.isolateFreePage(256, 8);
        assertEquals(MIGRATE_MOVABLE, m.pageblockMigratetype(0));
        assertEquals(0, m.nrFree(0, 8));
    }

    @Test
    void compactionCaptureTakesTheMergedBlockAtTheRequestedOrder() {
        // compaction_capture (mm/page_alloc.c): a free merging up to cc->order (9) while the task compacts is handed
        // over; nothing is listed. Pages 0..510 free as order 8,7,...,0 blocks; freeing 511 completes order 9.
        BuddyModel m = model(KernelSemantics.V6_1);
        for (int o = 8, p = 0; o >= 0; p += 1 << o, o--) {
            m.addToFreeList(0, p, o, MIGRATE_MOVABLE, false);
        }
        long r = m.freeOnePage(0, 511, 0, MIGRATE_MOVABLE, false, 9);
        assertEquals(BuddyModel.CAPTURED, r);
        assertEquals(0, m.lastCaptured());
        for (int o = 0; o <= 10; o++) {
            assertEquals(0, m.nrFree(0, o), "order " + o);
        }
        assertEquals(BuddyModel.KIND_TAKEN, m.kind(0));
    }

    @Test
    void orderToPindexMatchesTheDumpsPerCpuLists() {
        // order_to_pindex (mm/page_alloc.c, CONFIG_TRANSPARENT_HUGEPAGE): the dumps' P lines show
        // "P 1 11 3 2" (order 3 reclaimable → 3*3+2 = 11), "P 0 5 1 2" (order 1 reclaimable → 5) and
        // "P 1 13 9 1" (THP movable → NR_LOWORDER_PCP_LISTS 12 + 1).
        KernelSemantics ks = KernelSemantics.V6_1;
        assertEquals(11, ks.orderToPindex(MIGRATE_RECLAIMABLE, 3));
        assertEquals(5, ks.orderToPindex(MIGRATE_RECLAIMABLE, 1));
        assertEquals(13, ks.orderToPindex(MIGRATE_MOVABLE, 9));
        assertEquals(12, ks.orderToPindex(MIGRATE_UNMOVABLE, 9));
        assertEquals(14, ks.nrPcpLists()); // header NR_PCP_LISTS=14
        assertEquals(9, ks.pindexToOrder(13));
        // pcp_allowed_order: 0..3 and the THP order
        assertTrue(ks.pcpAllowedOrder(3));
        assertFalse(ks.pcpAllowedOrder(4));
        assertTrue(ks.pcpAllowedOrder(9));
        assertFalse(ks.pcpAllowedOrder(10));
    }

    @Test
    void semanticsFromRelease() {
        assertEquals("6.1", KernelSemantics.forRelease("6.1.0-56-amd64").name());
        assertEquals("6.12", KernelSemantics.forRelease("6.12.107+deb13-amd64").name());
        assertEquals("6.12", KernelSemantics.forRelease("Linux (none) 6.12.107+deb13-amd64 #1 SMP").name());
        assertEquals("6.1", KernelSemantics.forRelease(null).name());
        assertTrue(KernelSemantics.V6_12.extfragTakesPage());
        assertFalse(KernelSemantics.V6_1.extfragTakesPage());
    }
}
