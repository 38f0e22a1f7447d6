package io.fragtrace.replay.simulate;

import io.fragtrace.parser.EventType;
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

    /**
     * kswapd woken at order 9 (wakeup_kswapd(), mm/vmscan.c) on a zone balanced at order 0 (8 free order-2 blocks: 32
     * pages > high 18) with no order-9 block; the kernel's kswapd has freed nothing yet. balance_pgdat() keeps sc.order
     * = 9 until it has reclaimed compact_gap(9) = 2 << 9 = 1024 pages (kswapd_shrink_node()) or its priority loop runs
     * out. Without a kernel kswapd running, nothing is reclaimable: the first check gives order 9 up and kswapd sleeps
     * at order 0 (kswapd_try_to_sleep(pgdat, 0, 0): no kcompactd).
     */
    private static Simulator wokenAtOrder9(boolean kernelKswapdWoken) {
        BuddyModel m = zone();
        for (int i = 0; i < 8; i++) {
            m.addToFreeList(0, 1024 + 8L * i, 2, MIGRATE_MOVABLE, true);
        }
        Simulator s = sim(m, "linux-6.1");
        if (kernelKswapdWoken) {
            s.kernelKswapd(EventType.MM_VMSCAN_WAKEUP_KSWAPD); // the trace's wakeup_kswapd(): runnable from here
        }
        s.wakeupKswapd(0, Gfp.parse("GFP_TRANSHUGE_LIGHT"), 9, DMA32);
        assertTrue(s.kswapdAwake);
        s.runKswapd();
        return s;
    }

    @Test
    void withNothingReclaimingTheHighOrderIsGivenUpAtOnce() {
        Simulator s = wokenAtOrder9(false);
        assertFalse(s.kswapdAwake);
        assertEquals(1, s.stats().kswapdSleeps);
        assertEquals(0, s.stats().wakeupKcompactd);
        assertEquals(0, s.stats().kswapdGiveUpsHeld);
    }

    /**
     * The same wake while the kernel's kswapd is runnable (its mm_vmscan_wakeup_kswapd traced, its round not begun):
     * a check with no kswapd free since the previous one is not the priority loop's end, the round goes on at order 9.
     * The kernel's round then frees 128 order-3 blocks (1024 pages, none merging: each 8-page block's buddy stays
     * allocated): nr_reclaimed >= compact_gap(9), sc.order = 0, the zone balanced at order 0 (free 32 + 1024 > 18):
     * kswapd_try_to_sleep(pgdat, 9, 0) sleeps and wakes kcompactd at order 9, compaction_suitable() holding (free
     * 1056 > low 14 + compact_gap 1024; fragmentation_index(9) = 1000 - (1000 + 1056 * 1000 / 512) / 136 blocks =
     * 1000 - 22 = 978 > extfrag_threshold 500).
     */
    @Test
    void theHighOrderIsKeptWhileTheKernelsKswapdRuns() {
        Simulator s = wokenAtOrder9(true);
        assertTrue(s.kswapdAwake);
        assertEquals(1, s.stats().kswapdGiveUpsHeld);
        s.kernelKswapd(EventType.MM_VMSCAN_KSWAPD_WAKE); // the woken kswapd's balance_pgdat() begins: the same run
        s.runKswapd();
        assertTrue(s.kswapdAwake);
        assertEquals(2, s.stats().kswapdGiveUpsHeld);
        for (int i = 0; i < 128; i++) {
            kswapdFrees(s, 2048 + 16L * i, 3);
        }
        s.runKswapd();
        assertFalse(s.kswapdAwake);
        assertEquals(1, s.stats().kswapdSleeps);
        assertEquals(1, s.stats().wakeupKcompactd);
        assertEquals(9, s.kcompactdMaxOrder);
    }

    /** Once the kernel's kswapd sleeps (mm_vmscan_kswapd_sleep), a check without reclaim ends the round as before. */
    @Test
    void theKernelsKswapdSleepingEndsTheHold() {
        Simulator s = wokenAtOrder9(true);
        assertTrue(s.kswapdAwake);
        s.kernelKswapd(EventType.MM_VMSCAN_KSWAPD_WAKE);
        s.kernelKswapd(EventType.MM_VMSCAN_KSWAPD_SLEEP);
        s.runKswapd();
        assertFalse(s.kswapdAwake);
        assertEquals(0, s.stats().wakeupKcompactd);
    }

    /** A later run of the kernel's kswapd (a second mm_vmscan_kswapd_wake) is not the round the model follows. */
    @Test
    void onlyTheKernelsRunSeenAtTheFirstCheckHolds() {
        Simulator s = wokenAtOrder9(true);
        s.kernelKswapd(EventType.MM_VMSCAN_KSWAPD_WAKE);
        s.kernelKswapd(EventType.MM_VMSCAN_KSWAPD_WAKE); // kswapd looped: its next balance_pgdat()
        s.runKswapd();
        assertFalse(s.kswapdAwake);
    }

    /**
     * __alloc_pages_slowpath() (mm/page_alloc.c) calls wake_all_kswapds() first; the trace shows it as the allocating
     * task's mm_vmscan_wakeup_kswapd, tens of ms before the mm_page_alloc that serves the request. The model wakes its
     * kswapd at that instant when its own fast path fails too (zone_watermark_fast() at the low watermark).
     */
    @Test
    void aTracedSlowPathStartWakesKswapdWhenTheModelsFastPathFailsToo() {
        long hugetlb = Gfp.parse("GFP_HIGHUSER_MOVABLE|__GFP_NOWARN|__GFP_RETRY_MAYFAIL|__GFP_COMP");
        // 64 free order-2 blocks, 256 pages: no free block of order >= 9, __zone_watermark_ok(order 9) fails
        BuddyModel m = zone();
        for (int i = 0; i < 64; i++) {
            m.addToFreeList(0, 8L * i, 2, MIGRATE_MOVABLE, true);
        }
        Simulator s = sim(m, "linux-6.1");
        s.allocPagesSlowpathBegins(300, 9, hugetlb);
        assertTrue(s.kswapdAwake);
        assertEquals(1, s.stats().wakeupKswapd);
        assertEquals(1, s.stats().slowpathStartsTraced);
        assertEquals(9, s.kswapdOrderReq);

        // with a free order-9 block too: 768 free, 768 - (512 - 1) = 257 > low 14, and a block of order >= 9 on a
        // movable list: the model's fast path would succeed, so the model's kswapd is not woken
        BuddyModel m2 = zone();
        for (int i = 0; i < 64; i++) {
            m2.addToFreeList(0, 8L * i, 2, MIGRATE_MOVABLE, true);
        }
        m2.addToFreeList(0, 2048, 9, MIGRATE_MOVABLE, true);
        Simulator s2 = sim(m2, "linux-6.1");
        s2.allocPagesSlowpathBegins(300, 9, hugetlb);
        assertFalse(s2.kswapdAwake);
        assertEquals(0, s2.stats().slowpathStartsTraced);

        // rmqueue()'s wake-up of a boosted zone's kswapd (order 0, gfp 0) is no request: no ALLOC_KSWAPD
        Simulator s3 = sim(zone(), "linux-6.1");
        s3.allocPagesSlowpathBegins(300, 0, 0);
        assertFalse(s3.kswapdAwake);
    }

    /**
     * __alloc_pages_slowpath() (mm/page_alloc.c, 6.1 and 6.12) wakes kswapd once as its first step ("if (alloc_flags &
     * ALLOC_KSWAPD) wake_all_kswapds()", then get_page_from_freelist() at the min watermark); only its retry loop
     * ("retry:") wakes it again. Where the trace shows that first step (the task's mm_vmscan_wakeup_kswapd), serving
     * the request at its mm_page_alloc goes on after it: one request does not raise kswapd_order twice.
     */
    @Test
    void aSlowPathBegunInTheTraceDoesNotWakeKswapdAgainWhenTheRequestIsServed() {
        long hugetlb = Gfp.parse("GFP_HIGHUSER_MOVABLE|__GFP_NOWARN|__GFP_RETRY_MAYFAIL|__GFP_COMP");
        for (int pid : new int[] {300, 301}) {
            // a free order-9 block and 12 free pages: 524 free; __zone_watermark_ok(order 9) needs
            // 524 - (512 - 1) = 13 > mark: fails at low (14), holds at min (10)
            BuddyModel m = zone();
            m.addToFreeList(0, 2048, 9, MIGRATE_MOVABLE, true);
            for (int i = 0; i < 3; i++) {
                m.addToFreeList(0, 8L * i, 2, MIGRATE_MOVABLE, true);
            }
            Simulator s = sim(m, "linux-6.1");
            s.allocPagesSlowpathBegins(300, 9, hugetlb);
            assertEquals(9, s.kswapdOrderReq);
            assertEquals(1, s.stats().wakeupKswapd);
            // kswapd() reads kswapd_order and resets it to 0; its round gives the order up (nothing reclaimable: no
            // kswapd free in the trace) and it sleeps
            s.runKswapd();
            assertEquals(0, s.kswapdOrderReq);

            s.curPid = pid;
            long p = s.allocPagesSlowpath(9, hugetlb, MIGRATE_MOVABLE, DMA32, 0);
            assertEquals(2048, p); // served at the min watermark, before the retry loop
            // pid 300 is the task whose slow path the trace showed beginning: its first step has run; pid 301's
            // request is another one, whose own first step raises kswapd_order again
            assertEquals(pid == 300 ? 0 : 9, s.kswapdOrderReq);
            assertEquals(pid == 300 ? 1 : 2, s.stats().wakeupKswapd);
        }
    }
}
