package io.fragtrace.replay;

import io.fragtrace.replay.model.BuddyModel;
import io.fragtrace.replay.model.KernelSemantics;
import org.junit.jupiter.api.Test;

import static io.fragtrace.replay.ObservedReplayTest.line;
import static io.fragtrace.replay.ObservedReplayTest.model;
import static io.fragtrace.replay.ObservedReplayTest.replay;
import static io.fragtrace.replay.model.KernelSemantics.MIGRATE_MOVABLE;
import static io.fragtrace.replay.model.KernelSemantics.MIGRATE_UNMOVABLE;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Which per-CPU list a page is on, from mm/page_alloc.c: rmqueue_buddy() versus rmqueue_bulk() (the preempt depth
 * of mm_page_alloc_zone_locked), and free_unref_folios()' commit-time migratetype (6.10+).
 * Zone [0x1000, 0x2000), 2 CPUs, pageblock order 9; order_to_pindex(mt, 0) = mt (order 0: pindex = order *
 * MIGRATE_PCPTYPES + mt), so order-0 unmovable is pcp list 0 and order-0 movable list 1.
 */
class PcpCommitTest {
    private static final int PINDEX_ORDER0_UNMOVABLE = 0;
    private static final int PINDEX_ORDER0_MOVABLE = 1;

    /**
     * cpu 1 has 0x1100 on its order-0 movable list; the order-1 block 0x1000 is free (movable). A percpu_refill line
     * of 0x1000 at the given depth, then cpu 1's mm_page_alloc of 0x1000.
     */
    private static BuddyModel refillThenAlloc(String flags, ObservedReplay[] out) {
        BuddyModel m = model(KernelSemantics.V6_12);
        m.setPageblockMigratetype(0x1000, MIGRATE_MOVABLE);
        m.addToFreeList(0, 0x1000, 1, MIGRATE_MOVABLE, false);
        m.pcpAdd(0, 1, 0x1100, 0, PINDEX_ORDER0_MOVABLE, false);
        out[0] = replay(m, line(1, flags, "1.000001", "mm_page_alloc_zone_locked",
                "page=00000000deadbeef pfn=0x1000 order=0 migratetype=1 percpu_refill=1")
                + line(1, ".....", "1.000002", "mm_page_alloc",
                "page=00000000deadbeef pfn=0x1000 order=0 migratetype=1 gfp_flags=GFP_HIGHUSER_MOVABLE"));
        return m;
    }

    @Test
    void aRefillLineOutsideThePcpLockIsRmqueueBuddy() {
        // depth 1 ("d..1."): only zone->lock (spin_lock_irqsave) is held; rmqueue_bulk() would show pcpu_task_pin()
        // + spin_lock(&pcp->lock) + zone->lock = 3. So rmqueue_pcplist()'s trylock failed and rmqueue_buddy()'s
        // __rmqueue_smallest() split 0x1000 order 1 (expand(): 0x1001 to the order-0 movable free list) and handed
        // 0x1000 to the caller; __rmqueue_smallest() still prints percpu_refill = pcp_allowed_order(0) = 1.
        // cpu 1's list keeps 0x1100 (nothing was taken from it), no bulk allocation is inferred.
        ObservedReplay[] r = new ObservedReplay[1];
        BuddyModel m = refillThenAlloc("d..1.", r);
        assertArrayEquals(new long[] {0x1100}, m.pcpList(0, 1, PINDEX_ORDER0_MOVABLE));
        assertArrayEquals(new long[] {0x1001}, m.freeList(0, 0, MIGRATE_MOVABLE));
        assertEquals(0, r[0].consistency().count(Consistency.Kind.UNTRACED_BULK_ALLOC));
    }

    @Test
    void aRefillLineUnderThePcpLockGoesToTheTail() {
        // depth 3 ("d..3."): rmqueue_bulk() list_add_tail()s 0x1000 behind 0x1100; the allocation of 0x1000 from
        // behind 0x1100 means 0x1100 was taken first without a trace (__alloc_pages_bulk()): the list ends empty
        ObservedReplay[] r = new ObservedReplay[1];
        BuddyModel m = refillThenAlloc("d..3.", r);
        assertArrayEquals(new long[0], m.pcpList(0, 1, PINDEX_ORDER0_MOVABLE));
        assertEquals(1, r[0].consistency().count(Consistency.Kind.UNTRACED_BULK_ALLOC));
    }

    @Test
    void aBatchedCommitUsesThePageblockTypeOfTheCommitOn612() {
        // cpu 0's free_unref_folios(): the first loop's mm_page_free of 0x1200 while its pageblock [0x1200, 0x1400)
        // is UNMOVABLE, then (another CPU's claim: change_ownership=1) the pageblock becomes MOVABLE, then the second
        // loop's mm_page_free_batched. 6.12 reads get_pfnblock_migratetype() in the second loop: the page is on the
        // movable list (1); 6.1's free_unref_page_list() uses get_pcppage_migratetype(), set by the first loop's
        // free_unref_page_prepare(): it stays on the unmovable list (0).
        for (KernelSemantics ks : new KernelSemantics[] {KernelSemantics.V6_12, KernelSemantics.V6_1}) {
            BuddyModel m = model(ks);
            m.setPageblockMigratetype(0x1200, MIGRATE_UNMOVABLE);
            replay(m, line(0, ".....", "1.000001", "mm_page_free", "page=00000000deadbeef pfn=0x1200 order=0"));
            assertArrayEquals(new long[] {0x1200}, m.pcpList(0, 0, PINDEX_ORDER0_UNMOVABLE), ks.name());
            m.setPageblockMigratetype(0x1200, MIGRATE_MOVABLE);
            replay(m, line(0, "...2.", "1.000002", "mm_page_free_batched", "page=00000000deadbeef pfn=0x1200 order=0"));
            boolean atCommit = ks == KernelSemantics.V6_12;
            assertArrayEquals(atCommit ? new long[] {0x1200} : new long[0],
                    m.pcpList(0, 0, PINDEX_ORDER0_MOVABLE), ks.name());
            assertArrayEquals(atCommit ? new long[0] : new long[] {0x1200},
                    m.pcpList(0, 0, PINDEX_ORDER0_UNMOVABLE), ks.name());
        }
    }
}
