package io.fragtrace.replay.blame;

import io.fragtrace.parser.TraceParser;
import io.fragtrace.replay.ObservedReplay;
import io.fragtrace.replay.blame.BlameResult.Culprit;
import io.fragtrace.replay.blame.BlameResult.RangeClass;
import io.fragtrace.replay.model.BuddyModel;
import io.fragtrace.replay.model.KernelSemantics;
import io.fragtrace.replay.model.Zone;
import io.fragtrace.replay.order.LockOrderSorter;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static io.fragtrace.replay.model.KernelSemantics.MIGRATE_MOVABLE;
import static io.fragtrace.replay.model.KernelSemantics.MIGRATE_RECLAIMABLE;
import static io.fragtrace.replay.model.KernelSemantics.MIGRATE_UNMOVABLE;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Blame on hand-built models whose answer is worked out by hand beside each test. */
class BlameTest {
    private static final String KERNEL = "GFP_KERNEL";
    private static final String MOVABLE = "GFP_HIGHUSER_MOVABLE";
    private static final String RECLAIM = "GFP_KERNEL|__GFP_RECLAIMABLE";

    /**
     * One zone of 32 pages, blamed at order 2 (eight 4-page ranges), one pageblock (movable). By hand:
     * <pre>
     * R0 [0,4)   free order-2 block                                   FREE
     * R1 [4,8)   4-5 free (order 1), 6 cat-100 unmovable, 7 bash-200 movable   PINNED by cat (sole)
     * R2 [8,12)  bash-200 order-2 movable                            MOVABLE, bash sole
     * R3 [12,16) 12 bash-200 movable, 13 cp-300 movable, 14-15 free   MOVABLE, bash + cp
     * R4 [16,20) 16 on cpu 0's pcp list, 17 cp-300 movable, 18-19 free   PCP/RESERVE (no culprit)
     * R5 [20,24) allocated before the trace, no kpageflags            UNKNOWN, (before trace) sole
     * R6 [24,28) 24 kswapd0-50 reclaimable, 25 cat-100 unmovable, 26-27 free   PINNED by kswapd + cat
     * R7 [28,32) free order-2 block                                   FREE
     * </pre>
     * Tasks (ranges, sole, pages): bash-200 (2, 1, 5: pages 8-12; its page 7 sits in a pinned range, not counted),
     * cat-100 (2, 1, 2), (before trace) (1, 1, 4), cp-300 (1, 0, 1: its page 17 is in the pcp range),
     * kswapd0-50 (1, 0, 1); ties broken by name. gfp: GFP_HIGHUSER_MOVABLE blocks R2 and R3 alone (bash and cp share
     * it): (2, 2, 6); GFP_KERNEL (2, 1, 2); (before trace) (1, 1, 4); reclaimable (1, 0, 1).
     */
    @Test
    void rangesAndCulpritsOfAHandBuiltZone() {
        BuddyModel m = new BuddyModel(KernelSemantics.V6_1, List.of(new Zone(0, 0, "Normal", 0, 32)), 1);
        m.addToFreeList(0, 0, 2, MIGRATE_MOVABLE, false);
        m.addToFreeList(0, 4, 1, MIGRATE_MOVABLE, false);
        m.addToFreeList(0, 14, 1, MIGRATE_MOVABLE, false);
        m.addToFreeList(0, 18, 1, MIGRATE_MOVABLE, false);
        m.addToFreeList(0, 26, 1, MIGRATE_MOVABLE, false);
        m.addToFreeList(0, 28, 2, MIGRATE_MOVABLE, false);
        m.pcpAdd(0, 0, 16, 0, m.ks.orderToPindex(MIGRATE_MOVABLE, 0), false);
        PageOwners o = new PageOwners(m);
        o.recordAllocation(6, 0, 100, "cat", KERNEL, MIGRATE_UNMOVABLE, 1_000_000_000L, 10);
        o.recordAllocation(7, 0, 200, "bash", MOVABLE, MIGRATE_MOVABLE, 1_100_000_000L, 11);
        o.recordAllocation(8, 2, 200, "bash", MOVABLE, MIGRATE_MOVABLE, 1_200_000_000L, 12);
        o.recordAllocation(12, 0, 200, "bash", MOVABLE, MIGRATE_MOVABLE, 1_300_000_000L, 13);
        o.recordAllocation(13, 0, 300, "cp", MOVABLE, MIGRATE_MOVABLE, 1_400_000_000L, 14);
        o.recordAllocation(17, 0, 300, "cp", MOVABLE, MIGRATE_MOVABLE, 1_500_000_000L, 15);
        o.recordAllocation(24, 0, 50, "kswapd0", RECLAIM, MIGRATE_RECLAIMABLE, 1_600_000_000L, 16);
        o.recordAllocation(25, 0, 100, "cat", KERNEL, MIGRATE_UNMOVABLE, 1_700_000_000L, 17);

        Blame b = new Blame(o, null, 2, true);
        long[] byClass = b.analyse(2_000_000_000L);
        // FREE, HOLE, PINNED, RESERVED, UNKNOWN, MOVABLE
        assertArrayEquals(new long[] {2, 0, 2, 1, 1, 2}, byClass);
        BlameResult r = b.result("test");
        assertEquals(8, r.zones().get(0).ranges());
        assertEquals(6, r.zones().get(0).notFree());
        assertEquals(1, r.zones().get(0).byReason()[0]); // the pcp range

        assertCulprits(r.tasks(), "bash-200 2 1 5", "cat-100 2 1 2", "(before trace) 1 1 4", "cp-300 1 0 1",
                "kswapd0-50 1 0 1");
        assertCulprits(r.gfps(), MOVABLE + " 2 2 6", KERNEL + " 2 1 2", "(before trace) 1 1 4", RECLAIM + " 1 0 1");
        assertCulprits(r.mts(), "movable 2 2 6", "unmovable 2 1 2", "(before trace: other) 1 1 4",
                "reclaimable 1 0 1");
        Culprit cat = r.tasks().get(1);
        assertEquals(2, cat.pinned());
        assertEquals(0, cat.movable());
        assertEquals(1_000_000_000L, cat.firstNs());
        assertEquals(1_700_000_000L, cat.lastNs());
        assertEquals(List.of(10L, 17L), cat.examples().stream().map(BlameResult.Allocation::line).toList());

        // the ranges listed: R1..R6, with R1's blocker cat-100's page 6 (line 10) and R2's one order-2 allocation
        assertEquals(List.of(4L, 8L, 12L, 16L, 20L, 24L), r.ranges().stream().map(BlameResult.Range::pfn).toList());
        BlameResult.Range r1 = r.ranges().get(0);
        assertEquals(RangeClass.PINNED, r1.cls());
        assertEquals(List.of(6L), r1.blockers().stream().map(BlameResult.Allocation::pfn).toList());
        assertEquals(2, r1.free());
        assertEquals(1, r1.movable());
        BlameResult.Range r2 = r.ranges().get(1);
        assertEquals(1, r2.blockers().size());
        assertEquals(4, r2.blockers().get(0).pages());
        assertEquals(BlameResult.REASON_PCP, r.ranges().get(3).reasons());
    }

    /**
     * A disk's page cache (bdev_alloc()'s GFP_USER mapping; readahead's mask as the captures show it) is allocated as
     * unmovable but is on the LRU, so compaction migrates it (UnmovableLru). 8 pages at order 2, by hand: R0 [0,4)
     * dd-400's readahead pages 0-3: movable only, dd sole; R1 [4,8) 4 the same mask without __GFP_HARDWALL (slab),
     * 5-7 free: pinned by it.
     */
    @Test
    void aDisksPageCacheDoesNotPinItsRange() {
        String readahead = "GFP_NOFS|__GFP_NOWARN|__GFP_NORETRY|__GFP_COMP|__GFP_HARDWALL";
        BuddyModel m = new BuddyModel(KernelSemantics.V6_1, List.of(new Zone(0, 0, "Normal", 0, 8)), 1);
        m.addToFreeList(0, 5, 0, MIGRATE_UNMOVABLE, false);
        m.addToFreeList(0, 6, 1, MIGRATE_UNMOVABLE, false);
        PageOwners o = new PageOwners(m);
        for (int p = 0; p < 4; p++) {
            o.recordAllocation(p, 0, 400, "dd", readahead, MIGRATE_UNMOVABLE, 1_000_000_000L + p, 10 + p);
        }
        o.recordAllocation(4, 0, 400, "dd", readahead.replace("|__GFP_HARDWALL", ""), MIGRATE_UNMOVABLE,
                1_100_000_000L, 20);
        Blame b = new Blame(o, null, 2, true);
        // FREE, HOLE, PINNED, RESERVED, UNKNOWN, MOVABLE
        assertArrayEquals(new long[] {0, 0, 1, 0, 0, 1}, b.analyse(2_000_000_000L));
        BlameResult r = b.result("test");
        assertEquals(RangeClass.MOVABLE, r.ranges().get(0).cls());
        assertEquals(RangeClass.PINNED, r.ranges().get(1).cls());
    }

    /** "name ranges sole pages" of each culprit, in rank order. */
    private static void assertCulprits(List<Culprit> cs, String... expected) {
        assertEquals(List.of(expected), cs.stream().map(c -> c.name() + " " + c.ranges() + " " + c.sole() + " "
                + c.pages()).toList());
    }

    /**
     * At pageblock order a range inside a highatomic pageblock with only movable pages is reserved, not
     * "compaction should have succeeded"; the range spanning the zone's start (zone from pfn 1, as x86's DMA) is
     * not counted: no order-9 block can straddle a zone boundary.
     */
    @Test
    void highatomicPageblockAndZoneEdge() {
        BuddyModel m = new BuddyModel(KernelSemantics.V6_1, List.of(new Zone(0, 0, "DMA", 1, 2047)), 1);
        // pageblocks [512,1024) highatomic, [1024,1536) free, [1536,2048) movable pages only
        m.setPageblockMigratetype(512, KernelSemantics.MIGRATE_HIGHATOMIC);
        m.addToFreeList(0, 1024, 9, MIGRATE_MOVABLE, false);
        PageOwners o = new PageOwners(m);
        o.recordAllocation(512, 9, 7, "a", MOVABLE, MIGRATE_MOVABLE, 1, 1);
        o.recordAllocation(1536, 9, 7, "a", MOVABLE, MIGRATE_MOVABLE, 2, 2);
        Blame b = new Blame(o, null, 9, false);
        // [0,512) straddles the start; [1536,2048) ends at 2048 = the zone's end: 3 ranges
        assertArrayEquals(new long[] {1, 0, 0, 1, 0, 1}, b.analyse(3));
        assertEquals(3, b.result("x").zones().get(0).ranges());
        assertEquals(1, b.result("x").zones().get(0).byReason()[2]); // highatomic
    }

    static String line(int cpu, String comm, String ts, String event, String body) {
        return String.format("%16s [%03d] .....    %s: %s: %s%n", comm, cpu, ts, event, body);
    }

    /**
     * Owners follow the events as the replay applies them (through the lock-order stage), with the replay's window:
     * an allocation, its free, a re-allocation by another task, a page the model has allocated with no event
     * (untraced), and a failed order-2 allocation analysed with --failures.
     */
    @Test
    void ownersFollowTheReplayedEvents() {
        BuddyModel m = new BuddyModel(KernelSemantics.V6_1, List.of(new Zone(0, 0, "Normal", 0, 32)), 1);
        m.addToFreeList(0, 0, 4, MIGRATE_MOVABLE, false);
        m.addToFreeList(0, 16, 4, MIGRATE_MOVABLE, false);
        long[] from = {1_500_000_000L};
        long[] to = {Long.MAX_VALUE};
        ObservedReplay replay = new ObservedReplay(m, from, to);
        PageOwners o = new PageOwners(m, from, to);
        Blame failures = new Blame(o, null, 2, false);
        BlameTap tap = new BlameTap(replay, o, failures, 2, from[0], to[0]);
        LockOrderSorter sorter = new LockOrderSorter(replay, tap, 64, 0);
        String t = line(0, "early-1", "1.000000", "mm_page_alloc",
                "page=0000000000000001 pfn=0x11 order=0 migratetype=0 gfp_flags=GFP_KERNEL") // before the window
                + line(0, "cat-100", "2.000000", "mm_page_alloc_zone_locked",
                "page=0000000000000001 pfn=0x10 order=0 migratetype=0 percpu_refill=0")
                + line(0, "cat-100", "2.000001", "mm_page_alloc",
                "page=0000000000000001 pfn=0x10 order=0 migratetype=0 gfp_flags=GFP_KERNEL")
                + line(0, "cat-100", "2.000002", "mm_page_free", "page=0000000000000001 pfn=0x10 order=0")
                + line(1, "bash-200", "2.000003", "mm_page_alloc",
                "page=0000000000000001 pfn=0x10 order=0 migratetype=1 gfp_flags=GFP_HIGHUSER_MOVABLE")
                + line(1, "bash-200", "2.000004", "mm_page_alloc",
                "page=0000000000000000 pfn=0x0 order=2 migratetype=1 gfp_flags=GFP_HIGHUSER_MOVABLE");
        new TraceParser().parse(new ByteArrayInputStream(t.getBytes(StandardCharsets.UTF_8)), "test", sorter);
        sorter.finish();
        // page 16: cat's allocation was freed to cpu 0's pcp list, then bash took it from there
        assertEquals(PageOwners.TRACED, o.origin(16));
        assertEquals("bash-200", o.taskName(o.task(16)));
        assertEquals(MIGRATE_MOVABLE, o.migratetype(16));
        assertEquals(5, o.line(16));
        assertEquals("GFP_HIGHUSER_MOVABLE", o.gfpName(o.gfp(16)));
        // page 17: its only event came before the window: free in the model (split off page 16) and never owned
        assertEquals(PageOwners.UNTRACED, o.origin(17));
        assertEquals(BuddyModel.KIND_BUDDY, m.kind(17));
        // the failed order-2 allocation (line 6) was analysed once, on the model as it was then
        BlameResult r = failures.result("failures");
        assertEquals(1, r.instants());
        assertEquals(1, r.failures().size());
        assertEquals("bash-200", r.failures().get(0).task());
        assertEquals(6, r.failures().get(0).line());
        // [0,16) one free order-4 block (4 ranges free); [16,20): bash's movable page 16, 17 free, 18-19 an order-1
        // block (expand() of the split) → movable only; [20,24) order-2 block; [24,32) order-3 block → free
        assertArrayEquals(new long[] {7, 0, 0, 0, 0, 1}, r.failures().get(0).byClass());
        assertCulprits(r.tasks(), "bash-200 1 1 1");
    }
}
