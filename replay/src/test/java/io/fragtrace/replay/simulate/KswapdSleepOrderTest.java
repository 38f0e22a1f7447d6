package io.fragtrace.replay.simulate;

import io.fragtrace.parser.Gfp;
import io.fragtrace.replay.model.BuddyModel;
import org.junit.jupiter.api.Test;

import static io.fragtrace.replay.model.KernelSemantics.MIGRATE_MOVABLE;
import static io.fragtrace.replay.simulate.SimulatorRulesTest.sim;
import static io.fragtrace.replay.simulate.SimulatorRulesTest.zone;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * kswapd() (mm/vmscan.c, 4.12+): after a balance_pgdat() that returned its full order (reclaim_order == alloc_order)
 * the loop's top re-reads alloc_order = reclaim_order = kswapd_order, which wakeup_kswapd() raised during the round
 * (untraced: kswapd was not on kswapd_wait). Fixture of {@link SimulatorRulesTest}: one DMA32 zone [0, 4096),
 * watermarks min 10, low 14, high 18, every page allocated unless put on a free list.
 */
class KswapdSleepOrderTest {
    private static final int DMA32 = 1;

    @Test
    void aRoundBalancedAtItsOrderSleepsAtTheOrderRaisedMeanwhile() {
        BuddyModel m = zone();
        for (int i = 0; i < 4; i++) {
            m.addToFreeList(0, 1024 + 8L * i, 2, MIGRATE_MOVABLE, true); // 16 free pages: 16 <= high 18
        }
        Simulator s = sim(m, "linux-6.1");
        s.wakeupKswapd(0, Gfp.parse("GFP_KERNEL"), 0, DMA32);
        s.runKswapd(); // round 1 at order 0, not balanced
        s.wakeupKswapd(0, Gfp.parse("GFP_KERNEL"), 9, DMA32); // kswapd running: kswapd_order raised to 9 only
        s.m.addToFreeList(0, 2048, 5, MIGRATE_MOVABLE, true); // the kernel's kswapd frees 32 pages
        s.kswapdReclaimed += 32;
        s.freedSinceKswapdWake += 32;
        s.runKswapd();
        // 32 >= nr_to_reclaim max(18, 32): balanced at order 0 (48 > 18), balance_pgdat() returns 0 == alloc_order 0;
        // the loop's top: alloc_order = reclaim_order = kswapd_order 9; prepare_kswapd_sleep(9) fails (no order-9
        // block) -> no sleep, kswapd() reads kswapd_order 9 and runs round 2 at order 9
        assertEquals(2, s.stats().kswapdWakes);
        assertTrue(s.kswapdAwake);
        assertEquals(9, s.kswapdAllocOrder);
        assertEquals(0, s.kswapdIntervals().get(0).order());
        assertEquals(0, s.stats().kswapdSleeps);
    }
}
