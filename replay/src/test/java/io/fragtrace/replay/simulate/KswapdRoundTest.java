package io.fragtrace.replay.simulate;

import io.fragtrace.parser.Gfp;
import io.fragtrace.replay.model.BuddyModel;
import org.junit.jupiter.api.Test;

import static io.fragtrace.replay.model.KernelSemantics.MIGRATE_MOVABLE;
import static io.fragtrace.replay.simulate.SimulatorRulesTest.sim;
import static io.fragtrace.replay.simulate.SimulatorRulesTest.zone;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * kswapd()'s balance_pgdat() round (mm/vmscan.c, 6.1/6.12): pgdat_balanced() is tested at the top of each priority
 * iteration, and one iteration is one kswapd_shrink_node() reclaiming up to sc->nr_to_reclaim = Σ
 * max(high_wmark_pages(zone), SWAP_CLUSTER_MAX). The kernel's kswapd frees in the trace stand for the reclaim (the
 * tests add them as Simulator.kswapdReclaim() does). Fixture of {@link SimulatorRulesTest}: one DMA32 zone [0, 4096),
 * watermarks min 10, low 14, high 18, every page allocated unless put on a free list.
 */
class KswapdRoundTest {
    /** kswapd takes zone_idx(DMA32) = 1 as highest_zoneidx. */
    private static final int DMA32 = 1;

    /** 4 free order-2 blocks: 16 pages, not balanced at order 0 (__zone_watermark_ok() needs free > high 18). */
    private static Simulator unbalanced() {
        BuddyModel m = zone();
        for (int i = 0; i < 4; i++) {
            m.addToFreeList(0, 1024 + 8L * i, 2, MIGRATE_MOVABLE, true);
        }
        Simulator s = sim(m, "linux-6.1");
        s.wakeupKswapd(0, Gfp.parse("GFP_KERNEL"), 0, DMA32);
        assertTrue(s.kswapdAwake);
        s.runKswapd();
        // first check, the top of the first iteration: 16 <= 18, not balanced; the iteration reclaims up to
        // nr_to_reclaim = max(high 18, SWAP_CLUSTER_MAX 32) = 32 pages
        assertTrue(s.kswapdAwake);
        assertEquals(32, s.kswapdNrToReclaim(DMA32));
        return s;
    }

    /** The kernel's kswapd freed an order-N block (shrink_folio_list() → free_unref_page_list()). */
    private static void kswapdFrees(Simulator s, long pfn, int order) {
        s.m.addToFreeList(0, pfn, order, MIGRATE_MOVABLE, true);
        s.kswapdReclaimed += 1L << order;
        s.freedSinceKswapdWake += 1L << order;
    }

    @Test
    void theRoundEndsOnlyWhenAnIterationHasReclaimedNrToReclaim() {
        Simulator s = unbalanced();
        kswapdFrees(s, 2048, 3);
        s.runKswapd();
        // free 24 > high 18: balanced, but the iteration has reclaimed 8 < 32 and goes on: no check yet
        assertTrue(s.kswapdAwake);
        kswapdFrees(s, 2304, 3);
        kswapdFrees(s, 2560, 4);
        s.runKswapd();
        // 8 + 8 + 16 = 32 >= 32: kswapd_shrink_node() returns, the next iteration's pgdat_balanced() (free 48 > 18)
        // ends balance_pgdat(); kswapd_try_to_sleep() at order 0 sleeps
        assertFalse(s.kswapdAwake);
        assertEquals(1, s.stats().kswapdWakes);
        assertEquals(1, s.stats().kswapdSleeps);
        assertEquals(1, s.kswapdIntervals().size());
    }

    @Test
    void anIterationWhoseReclaimStopsEndsAtTheNextCheck() {
        Simulator s = unbalanced();
        kswapdFrees(s, 2048, 3);
        s.runKswapd();
        assertTrue(s.kswapdAwake); // 8 < 32, progress since the previous check: still reclaiming
        s.runKswapd();
        // no kswapd free since the previous check: the scan at this priority ran dry, the iteration is over;
        // pgdat_balanced(): free 24 > 18 -> sleep
        assertFalse(s.kswapdAwake);
        assertEquals(1, s.stats().kswapdSleeps);
    }

    @Test
    void kswapdHighestZoneidxKeepsThePreviousWhileUnset() {
        Simulator s = sim(zone(), "linux-6.1");
        // kswapd_highest_zoneidx(): MAX_NR_ZONES (no wakeup since the reset) -> prev
        assertEquals(SimState.MAX_NR_ZONES - 1, s.kswapdHighestZoneidx(SimState.MAX_NR_ZONES - 1));
        s.wakeupKswapd(0, Gfp.parse("GFP_KERNEL"), 0, DMA32);
        // wakeup_kswapd() set it to the waker's highest_zoneidx (DMA32 = 1)
        assertEquals(DMA32, s.kswapdHighestZoneidx(SimState.MAX_NR_ZONES - 1));
    }
}
