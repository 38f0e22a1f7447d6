package io.fragtrace.replay.model;

import org.junit.jupiter.api.Test;

import java.util.List;

import static io.fragtrace.replay.model.KernelSemantics.MIGRATE_MOVABLE;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * mm/page_reporting.c (6.1) rule by rule. Expected values are hand calculations written beside each test. The model:
 * one zone of 2^17 pfns (256 pageblocks of 512), order-9 free blocks at odd pageblocks (pfn (2k+1)*512), whose
 * buddies (the even pageblocks) are allocated, so nothing merges unless a test frees an even one.
 */
class PageReportingTest {
    static final long S = 1_000_000_000L;

    /** Fixed watermarks (min, low, high), no boost, no highatomic reserve. */
    static PageReporting.ZoneWatermarks wm(long min, long low) {
        return new PageReporting.ZoneWatermarks() {
            public long wmark(int z, int which) {
                return which == 0 ? min : low;
            }

            public long boost(int z) {
                return 0;
            }

            public long reservedHighatomic(int z) {
                return 0;
            }
        };
    }

    static BuddyModel model() {
        return new BuddyModel(KernelSemantics.V6_1, List.of(new Zone(0, 0, "Normal", 0, 1 << 17)), 1);
    }

    /** n order-9 blocks k = 0..n-1 at pfn (2k+1)*512, each added at the head: the list reads n-1 .. 0. */
    static void blocks(BuddyModel m, int n) {
        for (int k = 0; k < n; k++) {
            m.addToFreeList(0, pfn(k), 9, MIGRATE_MOVABLE, false);
        }
    }

    static long pfn(int k) {
        return (2L * k + 1) * 512;
    }

    static long[] pfns(int... ks) {
        long[] a = new long[ks.length];
        for (int i = 0; i < ks.length; i++) {
            a[i] = pfn(ks[i]);
        }
        return a;
    }

    static int[] range(int from, int to) { // inclusive, either direction
        int[] a = new int[Math.abs(to - from) + 1];
        for (int i = 0; i < a.length; i++) {
            a[i] = from <= to ? from + i : from - i;
        }
        return a;
    }

    static int[] concat(int[] a, int[] b) {
        int[] c = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }

    @Test
    void registrationRequestsAPassOneDelayLater() {
        // page_reporting_register() → __page_reporting_request(): IDLE → REQUESTED, schedule_delayed_work(2 s)
        BuddyModel m = model();
        blocks(m, 40);
        PageReporting r = new PageReporting(m, wm(0, 0), 9, 32, PageReporting.PAGE_REPORTING_DELAY_NS, false);
        r.advance(10 * S);
        r.advance(12 * S - 1);
        assertEquals(0, r.passes());
        r.advance(12 * S);
        assertEquals(1, r.passes());
    }

    @Test
    void batchOfCapacityThenLeftoverAllAtTheTailReported() {
        // 40 blocks, list 39..0. budget = DIV_ROUND_UP(40, 32*16) = 1. Blocks 39..8 are isolated (offset 32 → 0);
        // at block 7 the batch is full: 7 is rotated to the head (list 7..0), report #1, drain sgl[0..31] =
        // blocks 8, 9, .., 39 (sgl fills from the end) each to the tail → list 7..0, 8..39; budget 0.
        // Restart at the head: 7..0 isolated (offset 32 → 24), the rest is reported: skipped. Leftover 8:
        // report #2, drain sgl[24..31] = 0, 1, .., 7 to the tail → list 8..39, 0..7, all reported.
        BuddyModel m = model();
        blocks(m, 40);
        PageReporting r = new PageReporting(m, wm(0, 0), 9, PageReporting.PAGE_REPORTING_CAPACITY,
                PageReporting.PAGE_REPORTING_DELAY_NS, false);
        r.advance(0);
        r.advance(2 * S);
        assertEquals(2, r.reports());
        assertArrayEquals(pfns(concat(range(8, 39), range(0, 7))), m.freeList(0, 9, MIGRATE_MOVABLE));
        assertEquals(40 * 512, r.reportedPages(0));
        assertEquals(40 * 512, r.reportedTotal(0));
        for (int k = 0; k < 40; k++) {
            assertTrue(m.isReported(pfn(k)));
        }
        assertEquals(40 * 512, m.freePages(0)); // back on the lists: reporting does not take memory away
    }

    @Test
    void budgetExhaustedRequestsAnotherPass() {
        // 70 blocks: budget = DIV_ROUND_UP(70, 512) = 1. Report #1 after 69..38 (budget 0), report #2 after 37..6
        // (budget -1); block 5 then meets budget < 0: REQUESTED, 5 rotated to the head, stop. 64 blocks reported,
        // 5..0 still unreported at the head: list 5..0, then the reported ones. The pass ends REQUESTED, so the
        // work is rescheduled 2 s later; that pass reports the 6 as a leftover batch (report #3).
        BuddyModel m = model();
        blocks(m, 70);
        PageReporting r = new PageReporting(m, wm(0, 0), 9, 32, PageReporting.PAGE_REPORTING_DELAY_NS, false);
        r.advance(0);
        r.advance(2 * S);
        assertEquals(2, r.reports());
        assertEquals(64 * 512, r.reportedPages(0));
        long[] list = m.freeList(0, 9, MIGRATE_MOVABLE);
        assertArrayEquals(pfns(range(5, 0)), java.util.Arrays.copyOf(list, 6));
        r.advance(4 * S - 1);
        assertEquals(1, r.passes());
        r.advance(4 * S);
        assertEquals(2, r.passes());
        assertEquals(3, r.reports());
        assertEquals(70 * 512, r.reportedPages(0));
    }

    @Test
    void freesBelowTheReportingOrderDoNotRequestWork() {
        // page_reporting_notify_free(): order < page_reporting_order returns. After the first pass (IDLE again),
        // an order-0 free requests nothing; an order-9 free requests a pass 2 s after it.
        BuddyModel m = model();
        blocks(m, 40);
        PageReporting r = new PageReporting(m, wm(0, 0), 9, 32, PageReporting.PAGE_REPORTING_DELAY_NS, false);
        r.advance(0);
        r.advance(2 * S);
        r.advance(3 * S);
        m.freeOnePage(0, 0, 0, MIGRATE_MOVABLE, false); // pfn 0, order 0: its buddy pfn 1 is allocated
        r.advance(20 * S);
        assertEquals(1, r.passes());
        m.freeOnePage(0, 101 * 512, 9, MIGRATE_MOVABLE, false); // pageblock 101: buddy 100 allocated
        r.advance(22 * S - 1);
        assertEquals(1, r.passes());
        r.advance(22 * S);
        assertEquals(2, r.passes());
    }

    @Test
    void allocationClearsTheFlagAndCountsAReallocation() {
        // After the pass the list is 8..39, 0..7 (see above), all reported; __rmqueue_smallest() takes the head,
        // block 8 (pfn 17*512 = 8704): 512 pages leave the reported set as a reallocation (host fault-in).
        BuddyModel m = model();
        blocks(m, 40);
        PageReporting r = new PageReporting(m, wm(0, 0), 9, 32, PageReporting.PAGE_REPORTING_DELAY_NS, false);
        r.advance(0);
        r.advance(2 * S);
        assertEquals(8704, m.rmqueueSmallest(0, 9, MIGRATE_MOVABLE));
        assertFalse(m.isReported(8704));
        assertEquals(39 * 512, r.reportedPages(0));
        assertEquals(512, r.reallocated(0));
        assertEquals(0, r.merged(0));
    }

    @Test
    void mergeClearsTheFlagWithoutAReallocation() {
        // Block 0 (pfn 512) reported; freeing its buddy pfn 0 at order 9 merges them into an unreported order-10
        // block at 0 (del_page_from_free_list clears PageReported): merged 512, reallocated 0, reported 39*512.
        BuddyModel m = model();
        blocks(m, 40);
        PageReporting r = new PageReporting(m, wm(0, 0), 9, 32, PageReporting.PAGE_REPORTING_DELAY_NS, false);
        r.advance(0);
        r.advance(2 * S);
        long head = m.freeOnePage(0, 0, 9, MIGRATE_MOVABLE, false);
        assertEquals(0, head);
        assertEquals(10, m.orderAt(0));
        assertFalse(m.isReported(0));
        assertEquals(39 * 512, r.reportedPages(0));
        assertEquals(512, r.merged(0));
        assertEquals(0, r.reallocated(0));
    }

    @Test
    void drainMergingWithABatchBuddyIsNotReported() {
        // Buddies at pfn 0 and 512 listed apart (addToFreeList does not merge), 39 others at pageblocks 43, 45, ..
        // 119 (pfn (2k+41)*512) listed after: the list is far39 .. far1, 0, 512; 41 blocks, budget 1. Batch 1 =
        // far39..far8; batch 2 isolates far7..far1, 0, 512 (sgl[31] = far7 .. sgl[24] = 0, sgl[23] = 512) and is
        // the leftover. Its drain starts at sgl[23]: 512 goes back alone (buddy 0 isolated) and is marked; then 0
        // merges with it into an order-10 block at 0 (buddies at 1024 allocated), which clears 512's mark (merged
        // 512) and is not marked (order 10 != 9). Reported: the 39 others.
        BuddyModel m = model();
        m.addToFreeList(0, 512, 9, MIGRATE_MOVABLE, false);
        m.addToFreeList(0, 0, 9, MIGRATE_MOVABLE, false);
        for (int k = 1; k < 40; k++) {
            m.addToFreeList(0, pfn(k) + 512 * 40, 9, MIGRATE_MOVABLE, false); // far away pageblocks 81, 83, ..
        }
        PageReporting r = new PageReporting(m, wm(0, 0), 9, 32, PageReporting.PAGE_REPORTING_DELAY_NS, false);
        r.advance(0);
        r.advance(2 * S);
        assertEquals(10, m.orderAt(0));
        assertFalse(m.isReported(0));
        assertEquals(512, r.merged(0));
        // the 39 others: all reported; the order-10 block is unreported
        assertEquals(39 * 512, r.reportedPages(0));
    }

    @Test
    void zoneBelowLowPlusCapacityIsSkipped() {
        // page_reporting_process_zone(): zone_watermark_ok(order 0, low + (32 << 9) = low + 16384). 40 blocks =
        // 20480 free. low 4096: 20480 <= 20480 → skipped. low 4095: 20480 > 20479 → reported.
        BuddyModel m = model();
        blocks(m, 40);
        PageReporting r = new PageReporting(m, wm(0, 4096), 9, 32, PageReporting.PAGE_REPORTING_DELAY_NS, false);
        r.advance(0);
        r.advance(2 * S);
        assertEquals(0, r.reports());
        BuddyModel m2 = model();
        blocks(m2, 40);
        PageReporting r2 = new PageReporting(m2, wm(0, 4095), 9, 32, PageReporting.PAGE_REPORTING_DELAY_NS, false);
        r2.advance(0);
        r2.advance(2 * S);
        assertEquals(40 * 512, r2.reportedPages(0));
    }

    @Test
    void isolationStopsAtMinPlusTheBlock() {
        // __isolate_free_page(): zone_watermark_ok(order 0, min + 2^9). Free before the i-th isolation is
        // 20480 - 512 i; with min 14848 the i-th passes while 20480 - 512 i > 15360, i.e. i = 0..9: 10 blocks
        // (39..30) isolated, the 11th refused; the leftover batch of 10 is reported.
        BuddyModel m = model();
        blocks(m, 40);
        PageReporting r = new PageReporting(m, wm(14848, 0), 9, 32, PageReporting.PAGE_REPORTING_DELAY_NS, false);
        r.advance(0);
        r.advance(2 * S);
        assertEquals(10 * 512, r.reportedPages(0));
        assertEquals(1, r.refused());
        for (int k = 30; k < 40; k++) {
            assertTrue(m.isReported(pfn(k)));
        }
        assertFalse(m.isReported(pfn(29)));
    }

    @Test
    void markOnlyMarksTheSameBlocksAndMovesNothing() {
        // Observed mode: the same 40 blocks marked (2 reports: 32 + leftover 8), list order untouched (39..0).
        BuddyModel m = model();
        blocks(m, 40);
        long[] before = m.freeList(0, 9, MIGRATE_MOVABLE);
        PageReporting r = new PageReporting(m, wm(0, 0), 9, 32, PageReporting.PAGE_REPORTING_DELAY_NS, true);
        r.advance(0);
        r.advance(2 * S);
        assertEquals(2, r.reports());
        assertEquals(40 * 512, r.reportedPages(0));
        assertArrayEquals(before, m.freeList(0, 9, MIGRATE_MOVABLE));
    }

    @Test
    void moveToFreeListKeepsTheFlag() {
        // move_to_free_list() is list_move_tail(): PageReported stays (only leaving the free list clears it)
        BuddyModel m = model();
        blocks(m, 40);
        PageReporting r = new PageReporting(m, wm(0, 0), 9, 32, PageReporting.PAGE_REPORTING_DELAY_NS, false);
        r.advance(0);
        r.advance(2 * S);
        m.moveToFreeList(0, pfn(3), 9, KernelSemantics.MIGRATE_UNMOVABLE);
        assertTrue(m.isReported(pfn(3)));
        assertEquals(40 * 512, r.reportedPages(0));
    }

    @Test
    void rotateToFrontKeepsOrder() {
        // list_rotate_to_front(entry 3 of a..e) = list_move_tail(head, entry): d e a b c
        BuddyModel m = model();
        blocks(m, 5); // list 4 3 2 1 0
        m.rotateToFront(pfn(1));
        assertArrayEquals(pfns(1, 0, 4, 3, 2), m.freeList(0, 9, MIGRATE_MOVABLE));
        m.rotateToFront(pfn(1)); // already the head: no change
        assertArrayEquals(pfns(1, 0, 4, 3, 2), m.freeList(0, 9, MIGRATE_MOVABLE));
    }
}
