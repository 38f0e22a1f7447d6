package io.fragtrace.replay.simulate;

import io.fragtrace.replay.config.Configs;
import io.fragtrace.replay.config.KernelConfig;
import io.fragtrace.replay.model.BuddyModel;
import io.fragtrace.replay.model.KernelSemantics;
import io.fragtrace.replay.model.Zone;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static io.fragtrace.replay.model.KernelSemantics.MIGRATE_MOVABLE;
import static io.fragtrace.replay.model.KernelSemantics.MIGRATE_RECLAIMABLE;
import static io.fragtrace.replay.model.KernelSemantics.MIGRATE_UNMOVABLE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The 6.12-stable fallback of mm/page_alloc.c, __rmqueue(): __rmqueue_claim() with try_to_steal_block(), then
 * __rmqueue_steal(), and rmqueue_bulk()'s enum rmqueue_mode; against the 6.1 __rmqueue_fallback() on the same zone.
 * Zone: DMA32 [0, 4096), 8 MOVABLE pageblocks of 512 pages whose non-free pages count as movable (start state);
 * expected values by hand beside them.
 */
class ClaimStealRulesTest {

    private static KernelConfig cfg(String version) throws Exception {
        return Configs.derive("linux-6.1", "k" + version.replace(".", ""), version + " semantics",
                Map.of("kernel", version));
    }

    private static Simulator sim(String version, long wmarkMin, Setup setup) throws Exception {
        Zone z = new Zone(0, 0, "DMA32", 0, 4096);
        z.present = 4096;
        z.managed = 4096;
        z.wmarkMin = wmarkMin;
        z.lowmemReserve = new long[5];
        KernelConfig c = cfg(version);
        BuddyModel m = new BuddyModel(Simulator.semantics(c, 11, 9), List.of(z), 1);
        setup.on(m);
        return new Simulator(m, c, null, null, Long.MIN_VALUE);
    }

    interface Setup {
        void on(BuddyModel m);
    }

    /** A MOVABLE order-5 block at 2048 (32 free pages of its pageblock) and a RECLAIMABLE block's order-3 at 1024. */
    private static void twoSmallFallbacks(BuddyModel m) {
        m.addToFreeList(0, 2048, 5, MIGRATE_MOVABLE, true);
        m.setPageblockMigratetype(1024, MIGRATE_RECLAIMABLE);
        m.addToFreeList(0, 1024, 3, MIGRATE_RECLAIMABLE, true);
    }

    @Test
    void theVersionsThatFallBackInTwoSteps() {
        assertTrue(KernelSemantics.V6_12.claimSteal());
        assertFalse(KernelSemantics.V6_1.claimSteal());
    }

    @Test
    void aRefusedClaimMovesNothingAndTheStealSplitsTheSmallestBlockOnItsOwnList() throws Exception {
        // UNMOVABLE order 0, no unmovable page. __rmqueue_claim() from MAX_PAGE_ORDER down: order 5 (MOVABLE list,
        // can_steal_fallback: unmovable → true) → try_to_steal_block(): boost, free 32 + alike 512 - (32 + 480) = 0
        // < 256 → NULL, nothing moved; order 3 (fallbacks[UNMOVABLE] = RECLAIMABLE first): RECLAIMABLE block, alike
        // 0 (neither type MOVABLE), 8 < 256 → NULL. __rmqueue_steal() from order 0 up: order 3 first → the block at
        // 1024 is split by page_del_and_expand(…, RECLAIMABLE): page 1024, 1028 (order 2), 1026 (1), 1025 (0) stay
        // RECLAIMABLE. The order-5 MOVABLE block is untouched; no pageblock changes owner.
        Simulator s = sim("6.12", 10, ClaimStealRulesTest::twoSmallFallbacks);
        BuddyModel m = s.m;
        assertEquals(1024, s.rmqueueMain(0, 0, MIGRATE_UNMOVABLE, 0));
        assertEquals(1, m.freeListLength(0, 2, MIGRATE_RECLAIMABLE));
        assertEquals(1, m.freeListLength(0, 1, MIGRATE_RECLAIMABLE));
        assertEquals(1, m.freeListLength(0, 0, MIGRATE_RECLAIMABLE));
        assertEquals(0, m.freeListLength(0, 0, MIGRATE_UNMOVABLE));
        assertEquals(2048, m.freeListHeadPfn(0, 5, MIGRATE_MOVABLE));
        assertEquals(MIGRATE_MOVABLE, m.pageblockMigratetype(2048));
        assertEquals(MIGRATE_RECLAIMABLE, m.pageblockMigratetype(1024));
        assertEquals(0, s.stats().fallbacksChangedOwnership);
        assertEquals(1, s.stats().fallbacks);
        // two refused claims boosted twice: min(512 + 512, max(512, high 18 * 15000 / 10000 = 27)) = 512
        assertEquals(512, s.boost[0]);

        // 6.1 __rmqueue_fallback(): the largest (order 5) is taken; steal_suitable_fallback() moves the pageblock's
        // 32 free pages to UNMOVABLE even without the claim, and __rmqueue() retries: the page comes from 2048..2079
        Simulator s61 = sim("6.1", 10, ClaimStealRulesTest::twoSmallFallbacks);
        long p = s61.rmqueueMain(0, 0, MIGRATE_UNMOVABLE, 0);
        assertTrue(p >= 2048 && p < 2080, "6.1 takes from the order-5 block, got " + p);
        assertEquals(1, s61.m.freeListLength(0, 4, MIGRATE_UNMOVABLE));
        assertEquals(1, s61.m.freeListLength(0, 3, MIGRATE_RECLAIMABLE));
    }

    @Test
    void aClaimMovesTheBlockAndTakesThePageWithRmqueueSmallest() throws Exception {
        // order-8 MOVABLE block at 2048: free 256 + alike 512 - (256 + 256) = 0 = 256 → claimed:
        // __move_freepages_block() to UNMOVABLE, the pageblock UNMOVABLE, __rmqueue_smallest() splits it: page 2048,
        // orders 7..0 (2176, 2112, …, 2049) on UNMOVABLE lists
        Simulator s = sim("6.12", 10, m -> m.addToFreeList(0, 2048, 8, MIGRATE_MOVABLE, true));
        assertEquals(2048, s.rmqueueMain(0, 0, MIGRATE_UNMOVABLE, 0));
        assertEquals(MIGRATE_UNMOVABLE, s.m.pageblockMigratetype(2048));
        for (int o = 0; o < 8; o++) {
            assertEquals(2048 + (1L << o), s.m.freeListHeadPfn(0, o, MIGRATE_UNMOVABLE), "order " + o);
        }
        assertEquals(1, s.stats().fallbacksChangedOwnership);
        // a whole pageblock (order 9) is taken by the first branch: change_pageblock_range() + expand(), no boost
        Simulator s9 = sim("6.12", 10, m -> m.addToFreeList(0, 3584, 9, MIGRATE_MOVABLE, true));
        assertEquals(3584, s9.rmqueueMain(0, 2, MIGRATE_UNMOVABLE, 0));
        assertEquals(MIGRATE_UNMOVABLE, s9.m.pageblockMigratetype(3584));
        assertEquals(3584 + 256, s9.m.freeListHeadPfn(0, 8, MIGRATE_UNMOVABLE));
        assertEquals(0, s9.boost[0]);
    }

    @Test
    void aMovableRequestStopsClaimingAtTheFirstBlockItCannotSteal() throws Exception {
        // MOVABLE order 0; free: UNMOVABLE order 3 at 1024, RECLAIMABLE order 1 at 3072. __rmqueue_claim(): the
        // largest fallback is the order-3 block and can_steal_fallback(3, MOVABLE) is false (3 < pageblock_order / 2)
        // → break, no try_to_steal_block(). __rmqueue_steal() from order 0 up: order 1 (fallbacks[MOVABLE] =
        // RECLAIMABLE first) → page 3072, 3073 stays RECLAIMABLE.
        Simulator s = sim("6.12", 10, m -> {
            m.setPageblockMigratetype(1024, MIGRATE_UNMOVABLE);
            m.addToFreeList(0, 1024, 3, MIGRATE_UNMOVABLE, true);
            m.setPageblockMigratetype(3072, MIGRATE_RECLAIMABLE);
            m.addToFreeList(0, 3072, 1, MIGRATE_RECLAIMABLE, true);
        });
        assertEquals(3072, s.rmqueueMain(0, 0, MIGRATE_MOVABLE, 0));
        assertEquals(3073, s.m.freeListHeadPfn(0, 0, MIGRATE_RECLAIMABLE));
        assertEquals(0, s.boost[0]); // no try_to_steal_block() call
        // ALLOC_NOFRAGMENT: no steal at all, and claims only from pageblock_order: nothing
        Simulator sNf = sim("6.12", 10, m -> {
            m.setPageblockMigratetype(3072, MIGRATE_RECLAIMABLE);
            m.addToFreeList(0, 3072, 1, MIGRATE_RECLAIMABLE, true);
        });
        assertEquals(-1, sNf.rmqueueMain(0, 0, MIGRATE_MOVABLE, Watermarks.ALLOC_NOFRAGMENT));
    }

    @Test
    void aBatchThatStoleGoesOnStealingWithoutClaiming() throws Exception {
        // rmqueue_bulk() of 2 UNMOVABLE order-0 pages, min watermark 4000 → high 6000 (gap max(1000, 4)), max_boost
        // 6000 * 15000 / 10000 = 9000. Only the MOVABLE order-5 block at 2048 (refused: 32 < 256).
        // Page 1: claim tries order 5 (boost 512), refused; steal splits it on MOVABLE lists: 2048, remainders
        // 2064 (4), 2056 (3), 2052 (2), 2050 (1), 2049 (0); rmqm = RMQUEUE_STEAL.
        // Page 2: RMQUEUE_STEAL goes straight to __rmqueue_steal(): 2049. No second claim search, so no further boost:
        // 512 (a fresh search would have boosted at orders 4, 3, 2, 1 and 0: 3072).
        Simulator s = sim("6.12", 4000, m -> m.addToFreeList(0, 2048, 5, MIGRATE_MOVABLE, true));
        s.ensureCpu(0);
        int pindex = s.m.ks.orderToPindex(MIGRATE_UNMOVABLE, 0);
        s.rmqueueBulk(0, 0, 2, 0, pindex, MIGRATE_UNMOVABLE, 0);
        assertEquals(512, s.boost[0]);
        assertEquals(2048, s.m.pcpHeadPfn(0, 0, pindex));
        assertEquals(1, s.m.freeListLength(0, 4, MIGRATE_MOVABLE));
        assertEquals(0, s.m.freeListLength(0, 0, MIGRATE_MOVABLE)); // 2049 went to the pcp list
        // the same two pages one at a time (rmqueue_buddy(): a fresh mode each call) boost at every refused order
        Simulator s2 = sim("6.12", 4000, m -> m.addToFreeList(0, 2048, 5, MIGRATE_MOVABLE, true));
        s2.rmqueueMain(0, 0, MIGRATE_UNMOVABLE, 0);
        assertEquals(2049, s2.rmqueueMain(0, 0, MIGRATE_UNMOVABLE, 0));
        assertEquals(3072, s2.boost[0]);
    }
}
