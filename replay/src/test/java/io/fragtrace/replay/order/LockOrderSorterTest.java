package io.fragtrace.replay.order;

import io.fragtrace.parser.TraceParser;
import io.fragtrace.replay.Consistency;
import io.fragtrace.replay.ObservedReplay;
import io.fragtrace.replay.model.BuddyModel;
import io.fragtrace.replay.model.KernelSemantics;
import io.fragtrace.replay.model.Zone;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two CPUs' events printed in an order zone->lock never allowed (same instant, printed in CPU order), each with the
 * end state worked out by hand from the order the lock must have taken. Zone DMA32 [0x1000, 0x2000); order-0 movable
 * pages sit on pcp index order_to_pindex(MOVABLE, 0) = 1; orders 4 and up are not pcp orders on 6.1.
 */
class LockOrderSorterTest {
    private static final int PINDEX_MOVABLE = 1;

    private static BuddyModel model() {
        return new BuddyModel(KernelSemantics.V6_1, List.of(new Zone(0, 0, "DMA32", 0x1000, 0x1000)), 2);
    }

    private static String line(int cpu, String ts, String event, String body) {
        return String.format("            task-%d     [%03d] .....    %s: %s: %s%n", 100 + cpu, cpu, ts, event, body);
    }

    private static ObservedReplay run(BuddyModel m, String trace, int window) {
        return run(m, trace, window, 0);
    }

    private static ObservedReplay run(BuddyModel m, String trace, int window, long slackNs) {
        ObservedReplay r = new ObservedReplay(m);
        LockOrderSorter s = new LockOrderSorter(r, r, window, slackNs);
        new TraceParser().parse(new ByteArrayInputStream(trace.getBytes(StandardCharsets.UTF_8)), "test", s);
        s.finish();
        return r;
    }

    /** CPU 1 frees a page to its pcp list; later, at one instant, CPU 0's refill takes it and CPU 1 drains it. */
    private static String refillBeforeDrain(String drainTime) {
        return line(1, "1.000000", "mm_page_free", "page=0000000000000001 pfn=0x1100 order=0")
                + line(0, "2.000000", "mm_page_alloc_zone_locked",
                        "page=0000000000000001 pfn=0x1100 order=0 migratetype=1 percpu_refill=1")
                + line(1, drainTime, "mm_page_pcpu_drain", "page=0000000000000001 pfn=0x1100 order=0 migratetype=1");
    }

    @Test
    void aRefillPrintedBeforeTheDrainThatFreedItsPageWaitsForTheDrain() {
        // rmqueue_bulk() on CPU 0 can take 0x1100 only after free_pcppages_bulk() on CPU 1 put it in the buddy:
        // drain first, then the refill takes it for CPU 0 (the first page of its empty list: the request's); the buddy
        // has nothing left
        BuddyModel m = model();
        ObservedReplay r = run(m, refillBeforeDrain("2.000000"), LockOrderSorter.DEFAULT_WINDOW);
        // the refill's page went to CPU 0's empty list, whose first page __rmqueue_pcplist() takes at once
        assertEquals(BuddyModel.KIND_TAKEN, m.kind(0x1100));
        assertArrayEquals(new long[0], m.pcpList(0, 0, PINDEX_MOVABLE));
        assertArrayEquals(new long[0], m.pcpList(0, 1, PINDEX_MOVABLE));
        assertEquals(0, m.nrFree(0, 0));
        assertEquals(0, r.consistency().contradictions());
        assertEquals(1, r.consistency().count(Consistency.Kind.REORDERED_AFTER_FREE));
    }

    @Test
    void aLaterInstantIsNotMovedAheadAndTheContradictionIsReconciledAsBefore() {
        // the drain has a later timestamp: the clock says it came after, so nothing is reordered; the refill finds the
        // page on CPU 1's pcp list (zone_locked_not_free), takes it, and the later drain finds it gone
        BuddyModel m = model();
        ObservedReplay r = run(m, refillBeforeDrain("2.000001"), LockOrderSorter.DEFAULT_WINDOW);
        assertEquals(1, r.consistency().count(Consistency.Kind.ZONE_LOCKED_NOT_FREE));
        assertEquals(0, r.consistency().count(Consistency.Kind.REORDERED_AFTER_FREE));
    }

    @Test
    void anEnablingEventBeyondTheWindowIsNotSeen() {
        // with a window of one event nothing can be looked ahead at: printed order, reconciled
        BuddyModel m = model();
        ObservedReplay r = run(m, refillBeforeDrain("2.000000"), 1);
        assertEquals(1, r.consistency().count(Consistency.Kind.ZONE_LOCKED_NOT_FREE));
        assertEquals(0, r.consistency().count(Consistency.Kind.REORDERED_AFTER_FREE));
    }

    @Test
    void aFreePrintedBeforeTheAllocationOfItsPageWaitsForTheAllocation() {
        // 0x1100 (order 4) is free in the buddy. At one instant CPU 0's free of it is printed before CPU 1's
        // __rmqueue_smallest() and mm_page_alloc of it. The page must have been allocated first: CPU 1 takes it, then
        // CPU 0 frees it to the buddy (order 4 is no pcp order), where it ends free again.
        BuddyModel m = model();
        String t = line(1, "1.000000", "mm_page_free", "page=0000000000000001 pfn=0x1100 order=4")
                + line(0, "2.000000", "mm_page_free", "page=0000000000000001 pfn=0x1100 order=4")
                + line(1, "2.000000", "mm_page_alloc_zone_locked",
                        "page=0000000000000001 pfn=0x1100 order=4 migratetype=1 percpu_refill=0")
                + line(1, "2.000000", "mm_page_alloc",
                        "page=0000000000000001 pfn=0x1100 order=4 migratetype=1 gfp_flags=GFP_KERNEL");
        ObservedReplay r = run(m, t, LockOrderSorter.DEFAULT_WINDOW);
        assertEquals(1, m.nrFree(0, 4));
        assertEquals(0x1100, m.findBuddyHead(0x1100));
        assertEquals(0, r.consistency().contradictions());
        assertEquals(1, r.consistency().count(Consistency.Kind.REORDERED_AFTER_ALLOC));
    }

    @Test
    void eachCpusOwnOrderIsKept() {
        // CPU 1's events before the enabling drain are applied first too, in their own order: its free of 0x1200
        // (to its pcp list) comes before the drain of 0x1100, so the pcp list of CPU 1 holds 0x1200 only
        BuddyModel m = model();
        String t = line(1, "1.000000", "mm_page_free", "page=0000000000000001 pfn=0x1100 order=0")
                + line(0, "2.000000", "mm_page_alloc_zone_locked",
                        "page=0000000000000001 pfn=0x1100 order=0 migratetype=1 percpu_refill=1")
                + line(1, "2.000000", "mm_page_free", "page=0000000000000002 pfn=0x1200 order=0")
                + line(1, "2.000000", "mm_page_pcpu_drain", "page=0000000000000001 pfn=0x1100 order=0 migratetype=1");
        ObservedReplay r = run(m, t, LockOrderSorter.DEFAULT_WINDOW);
        assertArrayEquals(new long[] {0x1200}, m.pcpList(0, 1, PINDEX_MOVABLE));
        // the refill's page went to CPU 0's empty list, whose first page __rmqueue_pcplist() takes at once
        assertEquals(BuddyModel.KIND_TAKEN, m.kind(0x1100));
        assertArrayEquals(new long[0], m.pcpList(0, 0, PINDEX_MOVABLE));
        assertEquals(0, r.consistency().contradictions());
    }

    @Test
    void aTakeFromInsideAFreeBlockWaitsForTheSplitThatFreedItsHalf() {
        // 0x1000 order 5 (0x1000-0x101f) is free. At one instant CPU 0's __rmqueue_smallest() of 0x1010 order 4 is
        // printed before CPU 1's of 0x1000 order 4. 0x1010 was no free block until a split made it one: CPU 1 took
        // the order-5 block first, expand() listed its upper half 0x1010 order 4, and CPU 0 took that. Nothing is
        // left free, and nothing contradicts.
        BuddyModel m = model();
        String t = line(1, "1.000000", "mm_page_free", "page=0000000000000001 pfn=0x1000 order=5")
                + line(0, "2.000000", "mm_page_alloc_zone_locked",
                        "page=0000000000000002 pfn=0x1010 order=4 migratetype=1 percpu_refill=0")
                + line(1, "2.000000", "mm_page_alloc_zone_locked",
                        "page=0000000000000001 pfn=0x1000 order=4 migratetype=1 percpu_refill=0");
        ObservedReplay r = run(m, t, LockOrderSorter.DEFAULT_WINDOW);
        for (int o = 0; o <= 10; o++) {
            assertEquals(0, m.nrFree(0, o), "order " + o);
        }
        assertEquals(0, r.consistency().contradictions());
        assertEquals(1, r.consistency().count(Consistency.Kind.REORDERED_AFTER_SPLIT));
        // the example names the moved event (line 2, CPU 0) and the one applied before it (CPU 1's line 3)
        Consistency.Example ex = r.consistency().examples(Consistency.Kind.REORDERED_AFTER_SPLIT).get(0);
        assertEquals(2, ex.line());
        assertEquals(2_000_000_000L, ex.timeNs());
        assertTrue(ex.text().contains("on cpu 0 after cpu 1's line 3"), ex.text());
    }

    @Test
    void aFreeTracedBeforeItsLockNeedsNoReordering() {
        // 0x1000 order 4 is free. CPU 0's mm_page_free of its buddy 0x1010 order 4 (free_pages_prepare(), before
        // zone->lock) is printed before CPU 1's __rmqueue_smallest() of 0x1000 order 4 at the same instant, though
        // CPU 1 held the lock first. Either order ends the same: 0x1000 taken, 0x1010 free as order 4 (the printed
        // order merges to order 5 and the take splits it again), so nothing is moved and nothing contradicts.
        BuddyModel m = model();
        String t = line(1, "1.000000", "mm_page_free", "page=0000000000000001 pfn=0x1000 order=4")
                + line(0, "2.000000", "mm_page_free", "page=0000000000000002 pfn=0x1010 order=4")
                + line(1, "2.000000", "mm_page_alloc_zone_locked",
                        "page=0000000000000001 pfn=0x1000 order=4 migratetype=1 percpu_refill=0");
        ObservedReplay r = run(m, t, LockOrderSorter.DEFAULT_WINDOW);
        assertEquals(1, m.nrFree(0, 4));
        assertEquals(0, m.nrFree(0, 5));
        assertEquals(0x1010, m.findBuddyHead(0x1010));
        assertEquals(0, r.consistency().contradictions());
    }

    @Test
    void underALocalClockADrainStampedLaterMayStillHaveComeFirst() {
        // trace_clock local: each CPU stamps with its own sched_clock, so CPU 1's drain stamped 1 us after CPU 0's
        // refill may still have held zone->lock first. Within the slack it is applied first, and the end state is
        // the same-instant case's: 0x1100 taken by CPU 0's refill, CPU 1's list and the buddy empty
        BuddyModel m = model();
        ObservedReplay r = run(m, refillBeforeDrain("2.000001"), LockOrderSorter.DEFAULT_WINDOW,
                LockOrderSorter.LOCAL_CLOCK_SLACK_NS);
        // the refill's page went to CPU 0's empty list, whose first page __rmqueue_pcplist() takes at once
        assertEquals(BuddyModel.KIND_TAKEN, m.kind(0x1100));
        assertArrayEquals(new long[0], m.pcpList(0, 0, PINDEX_MOVABLE));
        assertArrayEquals(new long[0], m.pcpList(0, 1, PINDEX_MOVABLE));
        assertEquals(0, m.nrFree(0, 0));
        assertEquals(0, r.consistency().contradictions());
        assertEquals(1, r.consistency().count(Consistency.Kind.REORDERED_AFTER_FREE));
    }

    @Test
    void beyondTheSlackTheClockIsBelieved() {
        // the drain is stamped 2 ms after the refill: more than any skew allowed, so printed order and reconciled
        BuddyModel m = model();
        ObservedReplay r = run(m, refillBeforeDrain("2.002000"), LockOrderSorter.DEFAULT_WINDOW,
                LockOrderSorter.LOCAL_CLOCK_SLACK_NS);
        assertEquals(1, r.consistency().count(Consistency.Kind.ZONE_LOCKED_NOT_FREE));
        assertEquals(0, r.consistency().count(Consistency.Kind.REORDERED_AFTER_FREE));
    }

    @Test
    void theSlackFollowsTheBundlesTraceClock(@TempDir Path dir) throws Exception {
        // meta.txt's trace_clock line lists the clocks with the selected one in brackets (tracefs trace_clock)
        assertEquals(LockOrderSorter.LOCAL_CLOCK_SLACK_NS, LockOrderSorter.slackFor(dir), "no meta.txt: unknown");
        Files.writeString(dir.resolve("meta.txt"), "capture: x\ntrace_clock: local [global] counter uptime\n");
        assertEquals(0, LockOrderSorter.slackFor(dir));
        Files.writeString(dir.resolve("meta.txt"), "trace_clock: [local] global counter\n");
        assertEquals(LockOrderSorter.LOCAL_CLOCK_SLACK_NS, LockOrderSorter.slackFor(dir));
        Files.writeString(dir.resolve("meta.txt"), "trace_clock: local global [counter]\n");
        assertEquals(0, LockOrderSorter.slackFor(dir));
    }
}
