package io.fragtrace.replay;

import io.fragtrace.parser.TraceParser;
import io.fragtrace.replay.model.BuddyModel;
import io.fragtrace.replay.model.KernelSemantics;
import io.fragtrace.replay.model.Zone;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static io.fragtrace.replay.model.KernelSemantics.MIGRATE_MOVABLE;
import static io.fragtrace.replay.model.KernelSemantics.MIGRATE_RECLAIMABLE;
import static io.fragtrace.replay.model.KernelSemantics.MIGRATE_UNMOVABLE;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Event semantics on small synthetic traces (line format copied from the real 6.1 captures). */
class ObservedReplayTest {

    static BuddyModel model(KernelSemantics ks) {
        return new BuddyModel(ks, List.of(new Zone(0, 0, "DMA32", 4096, 4096)), 2);
    }

    static String line(int cpu, String ts, String event, String body) {
        return line(cpu, "d..3.", ts, event, body);
    }

    /** A raw ftrace line with the given irq-flags column ("" for a trace without one). */
    static String line(int cpu, String flags, String ts, String event, String body) {
        return String.format("            work-186     [%03d] %s    %s: %s: %s%n", cpu, flags, ts, event, body);
    }

    static ObservedReplay replay(BuddyModel m, String trace) {
        ObservedReplay r = new ObservedReplay(m);
        new TraceParser().parse(new ByteArrayInputStream(trace.getBytes(StandardCharsets.UTF_8)), "test", r);
        return r;
    }

    @Test
    void refillGoesToPcpTailAllocTakesItDrainMerges() {
        // rmqueue_bulk() into cpu 0's empty movable order-0 list: __rmqueue_smallest (zone_locked percpu_refill=1)
        // splits 0x1000 order 1 (0x1001 stays free), then takes 0x1001; both are list_add_tail()ed, and
        // __rmqueue_pcplist() takes list_first_entry() at once: 0x1000 is the request's before its mm_page_alloc
        // (traced after post_alloc_hook()), 0x1001 stays on the list. mm_page_alloc of 0x1000; its mm_page_free
        // (order 0) goes to the pcp head (free_unref_page_commit); mm_page_pcpu_drain (free_pcppages_bulk) of both
        // merges them back into the order-1 block 0x1000.
        BuddyModel m = model(KernelSemantics.V6_1);
        m.addToFreeList(0, 0x1000, 1, MIGRATE_MOVABLE, false);
        String t = line(0, "1.000001", "mm_page_alloc_zone_locked",
                "page=00000000deadbeef pfn=0x1000 order=0 migratetype=1 percpu_refill=1")
                + line(0, "1.0000015", "mm_page_alloc_zone_locked",
                "page=00000000deadbeef pfn=0x1001 order=0 migratetype=1 percpu_refill=1");
        replay(m, t);
        assertArrayEquals(new long[] {0x1001}, m.pcpList(0, 0, 1));
        assertEquals(BuddyModel.KIND_TAKEN, m.kind(0x1000));
        assertEquals(0, m.freePages(0));
        t += line(0, "1.000002", "mm_page_alloc",
                "page=00000000deadbeef pfn=0x1000 order=0 migratetype=1 gfp_flags=GFP_HIGHUSER_MOVABLE")
                + line(0, "1.000003", "mm_page_free", "page=00000000deadbeef pfn=0x1000 order=0")
                + line(0, "1.000004", "mm_page_free_batched", "page=00000000deadbeef pfn=0x1000 order=0");
        BuddyModel m2 = model(KernelSemantics.V6_1);
        m2.addToFreeList(0, 0x1000, 1, MIGRATE_MOVABLE, false);
        ObservedReplay r = replay(m2, t);
        // the 6.1 double event (mm_page_free + mm_page_free_batched) is applied once
        assertArrayEquals(new long[] {0x1000, 0x1001}, m2.pcpList(0, 0, 1));
        assertEquals(0, r.consistency().contradictions());
        t += line(0, "1.000005", "mm_page_pcpu_drain", "page=00000000deadbeef pfn=0x1000 order=0 migratetype=1")
                + line(0, "1.000006", "mm_page_pcpu_drain", "page=00000000deadbeef pfn=0x1001 order=0 migratetype=1");
        BuddyModel m3 = model(KernelSemantics.V6_1);
        m3.addToFreeList(0, 0x1000, 1, MIGRATE_MOVABLE, false);
        r = replay(m3, t);
        assertArrayEquals(new long[] {0x1000}, m3.freeList(0, 1, MIGRATE_MOVABLE));
        assertEquals(0, m3.pcpPages(0));
        assertEquals(0, r.consistency().contradictions());
    }

    @Test
    void aRefilledListsFirstPageIsTheRequestsBeforeItsAllocIsTraced() {
        // kcompactd-1G-k6.1 at its after/ snapshot: khugepaged refilled cpu 0's empty order-9 (THP) list with two
        // blocks (mm/page_alloc.c rmqueue_bulk(), 6.1 order-9 batch max(63 >> 9, 2) = 2) and __rmqueue_pcplist()
        // took list_first_entry(), the first, at once; its mm_page_alloc came 8.7 ms later, after init_on_alloc
        // zeroed 2 MiB, past the snapshot. At any instant between, the kernel's list holds only the second block;
        // a drain of the list lists only it. A refill line on a CPU whose previous line was a refill of the same list
        // continues the batch (an mm_page_alloc_extfrag between them is __rmqueue_fallback() inside it); any other
        // line ends it, and a refill of a list that is not empty adds to it.
        BuddyModel m = model(KernelSemantics.V6_1);
        m.addToFreeList(0, 0x1000, 10, MIGRATE_MOVABLE, false);
        int thp = KernelSemantics.V6_1.orderToPindex(MIGRATE_MOVABLE, 9);
        ObservedReplay r = replay(m, line(0, "1.0", "mm_page_alloc_zone_locked",
                "page=00000000deadbeef pfn=0x1000 order=9 migratetype=1 percpu_refill=1")
                + line(0, "1.1", "mm_page_alloc_zone_locked",
                "page=00000000deadbeef pfn=0x1200 order=9 migratetype=1 percpu_refill=1")
                + line(1, "1.2", "mm_page_pcpu_drain", "page=00000000deadbeef pfn=0x1200 order=9 migratetype=1"));
        assertEquals(BuddyModel.KIND_TAKEN, m.kind(0x1000));
        assertArrayEquals(new long[0], m.pcpList(0, 0, thp));
        assertArrayEquals(new long[] {0x1200}, m.freeList(0, 9, MIGRATE_MOVABLE));
        assertEquals(0, r.consistency().contradictions());
        // the request's mm_page_alloc finds its page taken; the next refill of the now empty list is a new batch
        r = replay(m, line(0, "1.3", "mm_page_alloc",
                "page=00000000deadbeef pfn=0x1000 order=9 migratetype=1 gfp_flags=GFP_TRANSHUGE")
                + line(0, "1.4", "mm_page_alloc_zone_locked",
                "page=00000000deadbeef pfn=0x1200 order=9 migratetype=1 percpu_refill=1"));
        assertEquals(BuddyModel.KIND_TAKEN, m.kind(0x1200));
        assertEquals(0, r.consistency().contradictions());
    }

    @Test
    void nonPcpOrderFreeGoesStraightToTheBuddy() {
        // free_unref_page / __free_pages_ok: order 4 is not pcp_allowed_order → __free_one_page at once.
        BuddyModel m = model(KernelSemantics.V6_1);
        replay(m, line(1, "2.000000", "mm_page_free", "page=00000000deadbeef pfn=0x1010 order=4"));
        assertArrayEquals(new long[] {0x1010}, m.freeList(0, 4, MIGRATE_MOVABLE));
    }

    @Test
    void extfragOn612TakesThePageItself() {
        // 6.12 steal_suitable_fallback single-page path: page_del_and_expand into the block's own type, no zone_locked.
        // Fallback block 0x1000 order 2 (movable pageblock), unmovable order-0 request:
        // expand lists 0x1002 (order 1) and 0x1001 (order 0) on the MOVABLE lists; the page goes to the pcp tail.
        BuddyModel m = model(KernelSemantics.V6_12);
        m.addToFreeList(0, 0x1000, 2, MIGRATE_MOVABLE, false);
        replay(m, line(0, "3.0", "mm_page_alloc_extfrag", "page=00000000deadbeef pfn=0x1000 alloc_order=0 "
                + "fallback_order=2 pageblock_order=9 alloc_migratetype=0 fallback_migratetype=1 fragmenting=1 "
                + "change_ownership=0"));
        assertArrayEquals(new long[] {0x1002}, m.freeList(0, 1, MIGRATE_MOVABLE));
        assertArrayEquals(new long[] {0x1001}, m.freeList(0, 0, MIGRATE_MOVABLE));
        // the first page of a refill of cpu 0's empty list: __rmqueue_pcplist() took it at once (the request's)
        assertArrayEquals(new long[0], m.pcpList(0, 0, KernelSemantics.V6_12.orderToPindex(MIGRATE_UNMOVABLE, 0)));
        assertEquals(BuddyModel.KIND_TAKEN, m.kind(0x1000));
        // a second page of the same batch is list_add_tail()ed
        BuddyModel m2 = model(KernelSemantics.V6_12);
        m2.addToFreeList(0, 0x1000, 2, MIGRATE_MOVABLE, false);
        replay(m2, line(0, "3.0", "mm_page_alloc_extfrag", "page=00000000deadbeef pfn=0x1000 alloc_order=0 "
                + "fallback_order=2 pageblock_order=9 alloc_migratetype=0 fallback_migratetype=1 fragmenting=1 "
                + "change_ownership=0") + line(0, "3.1", "mm_page_alloc_zone_locked",
                "page=00000000deadbeef pfn=0x1001 order=0 migratetype=0 percpu_refill=1"));
        assertArrayEquals(new long[] {0x1001},
                m2.pcpList(0, 0, KernelSemantics.V6_12.orderToPindex(MIGRATE_UNMOVABLE, 0)));
    }

    @Test
    void extfragOn612ClaimPathNamesThePageRmqueueSmallestTook() {
        // 6.12 __rmqueue_fallback(): steal_suitable_fallback() claims the reclaimable pageblock 0x1000 for an
        // unmovable order-0 request (free 0x1100 order 8 found as fallback, change_ownership=1): all its free blocks move
        // to the UNMOVABLE lists, then __rmqueue_smallest() takes the smallest, 0x1004 order 2 (zone_locked, expand:
        // 0x1006 order 1 and 0x1005 order 0 stay free) and that page is what trace_mm_page_alloc_extfrag() prints, with
        // fallback_order=8: pfn 0x1004 is aligned to alloc_order only and names no order-8 block.
        BuddyModel m = model(KernelSemantics.V6_12);
        m.setPageblockMigratetype(0x1000, MIGRATE_RECLAIMABLE);
        m.addToFreeList(0, 0x1100, 8, MIGRATE_RECLAIMABLE, false);
        m.addToFreeList(0, 0x1004, 2, MIGRATE_RECLAIMABLE, false);
        ObservedReplay r = replay(m, line(0, "3.0", "mm_page_alloc_zone_locked",
                "page=00000000deadbeef pfn=0x1004 order=0 migratetype=0 percpu_refill=1")
                + line(0, "3.1", "mm_page_alloc_extfrag", "page=00000000deadbeef pfn=0x1004 alloc_order=0 "
                + "fallback_order=8 pageblock_order=9 alloc_migratetype=0 fallback_migratetype=2 fragmenting=1 "
                + "change_ownership=1"));
        assertEquals(0, r.consistency().count(Consistency.Kind.PFN_OUTSIDE_ZONES));
        assertEquals(0, r.consistency().contradictions());
        assertEquals(2, r.applied(io.fragtrace.parser.EventType.MM_PAGE_ALLOC_EXTFRAG)
                + r.applied(io.fragtrace.parser.EventType.MM_PAGE_ALLOC_ZONE_LOCKED));
        assertEquals(MIGRATE_UNMOVABLE, m.pageblockMigratetype(0x1000));
        assertArrayEquals(new long[] {0x1100}, m.freeList(0, 8, MIGRATE_UNMOVABLE));
        assertArrayEquals(new long[] {0x1006}, m.freeList(0, 1, MIGRATE_UNMOVABLE));
        assertArrayEquals(new long[] {0x1005}, m.freeList(0, 0, MIGRATE_UNMOVABLE));
        // the refill's first page into cpu 0's empty list: the request's at once (__rmqueue_pcplist())
        assertEquals(BuddyModel.KIND_TAKEN, m.kind(0x1004));
        assertArrayEquals(new long[0], m.pcpList(0, 0, KernelSemantics.V6_12.orderToPindex(MIGRATE_UNMOVABLE, 0)));
    }

    @Test
    void badInputIsCountedNeverThrown() {
        // pfn outside every zone, an order of 12, a free of a page that is free (never allocated), a drain of a page
        // not on a pcp list: all counted, the replay carries on.
        BuddyModel m = model(KernelSemantics.V6_1);
        m.addToFreeList(0, 0x1400, 3, MIGRATE_MOVABLE, false);
        String t = line(0, "1.0", "mm_page_free", "page=00000000deadbeef pfn=0x99999 order=0")
                + line(0, "1.1", "mm_page_alloc", "page=00000000deadbeef pfn=0x1000 order=12 migratetype=1 gfp_flags=GFP_KERNEL")
                + line(0, "1.2", "mm_page_free", "page=00000000deadbeef pfn=0x1402 order=0")
                + line(0, "1.3", "mm_page_pcpu_drain", "page=00000000deadbeef pfn=0x1800 order=0 migratetype=1")
                + line(0, "1.4", "mm_page_alloc", "page=00000000deadbeef pfn=0x1c00 order=0 migratetype=0 gfp_flags=GFP_KERNEL");
        ObservedReplay r = replay(m, t);
        assertEquals(1, r.consistency().count(Consistency.Kind.PFN_OUTSIDE_ZONES));
        assertEquals(1, r.consistency().count(Consistency.Kind.ORDER_TOO_LARGE));
        assertEquals(1, r.consistency().count(Consistency.Kind.FREE_OF_FREE));
        assertEquals(1, r.consistency().count(Consistency.Kind.DRAIN_NOT_ON_PCP));
        assertEquals(1, r.consistency().count(Consistency.Kind.ALLOC_NOT_FREE));
        assertEquals(1.2, r.consistency().examples(Consistency.Kind.FREE_OF_FREE).get(0).timeNs() / 1e9, 1e-9);
        // trace wins: 0x1402 left the free block (0x1400 order 3 split around it) and now sits on the pcp list
        assertEquals(0x1402, m.findPcpHead(0x1402));
    }

    @Test
    void eventsOutsideTheZoneWindowAreSkipped() {
        BuddyModel m = model(KernelSemantics.V6_1);
        ObservedReplay r = new ObservedReplay(m, new long[] {1_000_000_000L}, new long[] {2_000_000_000L});
        String t = line(0, "1.000000", "mm_page_free", "page=00000000deadbeef pfn=0x1010 order=4")
                + line(0, "1.500000", "mm_page_free", "page=00000000deadbeef pfn=0x1020 order=4")
                + line(0, "2.000001", "mm_page_free", "page=00000000deadbeef pfn=0x1030 order=4");
        new TraceParser().parse(new ByteArrayInputStream(t.getBytes(StandardCharsets.UTF_8)), "t", r);
        assertEquals(1, r.eventsApplied());
        assertEquals(2, r.eventsSkipped());
        assertArrayEquals(new long[] {0x1020}, m.freeList(0, 4, MIGRATE_MOVABLE));
    }
}
