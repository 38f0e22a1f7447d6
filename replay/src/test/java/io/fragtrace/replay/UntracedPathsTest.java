package io.fragtrace.replay;

import io.fragtrace.replay.model.BuddyModel;
import io.fragtrace.replay.model.KernelSemantics;
import org.junit.jupiter.api.Test;

import static io.fragtrace.replay.ObservedReplayTest.line;
import static io.fragtrace.replay.ObservedReplayTest.model;
import static io.fragtrace.replay.ObservedReplayTest.replay;
import static io.fragtrace.replay.model.KernelSemantics.MIGRATE_MOVABLE;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** The kernel paths that leave no (or only a summary) trace, each on a hand-made trace; zone [0x1000, 0x2000). */
class UntracedPathsTest {

    @Test
    void interruptFreeDuringPcpLockedLoopGoesToTheBuddy() {
        // free_unref_page_list(): pass 1 emits mm_page_free for A and B, pass 2 (pcp lock held, IRQs on) emits
        // mm_page_free_batched. A softirq free of X between the batched events finds pcp_spin_trylock() failing and
        // calls free_one_page(): X (order 1) is on the buddy lists, not on the pcp list.
        // Without an irq-flags column (trace_options noirq-info, perf script) this is seen only from the order.
        BuddyModel m = model(KernelSemantics.V6_1);
        String t = line(0, "", "1.000001", "mm_page_free", "page=00000000deadbeef pfn=0x1100 order=0")
                + line(0, "", "1.000002", "mm_page_free", "page=00000000deadbeef pfn=0x1200 order=0")
                + line(0, "", "1.000003", "mm_page_free_batched", "page=00000000deadbeef pfn=0x1100 order=0")
                + line(0, "", "1.000004", "mm_page_free", "page=00000000deadbeef pfn=0x1302 order=1")
                + line(0, "", "1.000005", "mm_page_free_batched", "page=00000000deadbeef pfn=0x1200 order=0");
        ObservedReplay r = replay(m, t);
        assertArrayEquals(new long[] {0x1302}, m.freeList(0, 1, MIGRATE_MOVABLE));
        assertArrayEquals(new long[] {0x1200, 0x1100}, m.pcpList(0, 0, 1)); // list_add order of pass 2
        assertEquals(1, r.consistency().count(Consistency.Kind.INTERRUPT_FREE));
    }

    @Test
    void firstPassOfANewBatchIsNotAnInterrupt() {
        // after a batch, the next free_unref_page_list() starts with its own mm_page_free pass; its first batched
        // free names one of those pages, so they were ordinary pcp frees
        BuddyModel m = model(KernelSemantics.V6_1);
        String t = line(0, "1.000001", "mm_page_free", "page=00000000deadbeef pfn=0x1100 order=0")
                + line(0, "1.000002", "mm_page_free_batched", "page=00000000deadbeef pfn=0x1100 order=0")
                + line(0, "1.000003", "mm_page_free", "page=00000000deadbeef pfn=0x1200 order=0")
                + line(0, "1.000004", "mm_page_free_batched", "page=00000000deadbeef pfn=0x1200 order=0");
        ObservedReplay r = replay(m, t);
        assertArrayEquals(new long[] {0x1200, 0x1100}, m.pcpList(0, 0, 1));
        assertEquals(0, r.consistency().count(Consistency.Kind.INTERRUPT_FREE));
    }

    @Test
    void bulkAllocationInferredFromAnAllocationBehindTheListHead() {
        // __rmqueue_pcplist() always takes list_first_entry(). Frees put 0x1300, 0x1200, 0x1100 at the head in turn
        // (list: 0x1100 0x1200 0x1300); an mm_page_alloc of 0x1300 means 0x1100 and 0x1200 left the list before,
        // through __alloc_pages_bulk(), which emits no mm_page_alloc.
        BuddyModel m = model(KernelSemantics.V6_1);
        String t = line(0, "1.1", "mm_page_free", "page=00000000deadbeef pfn=0x1300 order=0")
                + line(0, "1.2", "mm_page_free", "page=00000000deadbeef pfn=0x1200 order=0")
                + line(0, "1.3", "mm_page_free", "page=00000000deadbeef pfn=0x1100 order=0")
                + line(0, "1.4", "mm_page_alloc", "page=00000000deadbeef pfn=0x1300 order=0 migratetype=1 gfp_flags=GFP_KERNEL");
        ObservedReplay r = replay(m, t);
        assertEquals(0, m.pcpPages(0));
        assertEquals(2, r.consistency().count(Consistency.Kind.UNTRACED_BULK_ALLOC));
    }

    @Test
    void asyncFreeScannerStrideIs32() {
        // isolate_freepages(): async → stride COMPACT_CLUSTER_MAX (32). isolate_freepages_block() visits 0x1600,
        // takes the order-0 page there, jumps isolated-1+32 to 0x1620 and takes it; 0x1602 is never visited.
        // nr_scanned = 2 visits (+0 for order-0 pages); nr_taken = 2.
        BuddyModel m = model(KernelSemantics.V6_1);
        m.addToFreeList(0, 0x1600, 0, MIGRATE_MOVABLE, false);
        m.addToFreeList(0, 0x1602, 0, MIGRATE_MOVABLE, false);
        m.addToFreeList(0, 0x1620, 0, MIGRATE_MOVABLE, false);
        String t = line(0, "1.0", "mm_compaction_try_to_compact_pages",
                "order=9 gfp_mask=GFP_HIGHUSER_MOVABLE|__GFP_COMP priority=2")
                + line(0, "1.1", "mm_compaction_begin",
                "zone_start=0x1000 migrate_pfn=0x1000 free_pfn=0x1e00 zone_end=0x2000, mode=async")
                + line(0, "1.2", "mm_compaction_isolate_freepages", "range=(0x1600 ~ 0x1621) nr_scanned=2 nr_taken=2");
        replay(m, t);
        assertArrayEquals(new long[] {0x1602}, m.freeList(0, 0, MIGRATE_MOVABLE));
    }

    @Test
    void untracedFastIsolateFreepagesOn61() {
        // fast_isolate_freepages() for an order-9 direct compaction, migrate_pfn 0x1000, free_pfn 0x1e00:
        // distance 0xe00, low_pfn = pageblock_start(0x1e00 - 0x380) = 0x1a00, min_pfn = pageblock_start(0x1e00 -
        // 0x700) = 0x1600. Orders 8..4 are empty; order 3 movable list (head first) [0x1b08, 0x1100] is scanned from
        // the tail: 0x1100 < min_pfn, then 0x1b08 >= low_pfn is isolated. 0x1100 stays free.
        BuddyModel m = model(KernelSemantics.V6_1);
        m.addToFreeList(0, 0x1100, 3, MIGRATE_MOVABLE, false);
        m.addToFreeList(0, 0x1b08, 3, MIGRATE_MOVABLE, false);
        String t = line(0, "1.0", "mm_compaction_try_to_compact_pages",
                "order=9 gfp_mask=GFP_HIGHUSER_MOVABLE|__GFP_COMP priority=2")
                + line(0, "1.1", "mm_compaction_begin",
                "zone_start=0x1000 migrate_pfn=0x1000 free_pfn=0x1e00 zone_end=0x2000, mode=async")
                + line(0, "1.2", "mm_compaction_finished", "node=0 zone=DMA32    order=9 ret=no_suitable_page")
                + line(0, "1.3", "mm_compaction_isolate_migratepages", "range=(0x1000 ~ 0x1040) nr_scanned=64 nr_taken=8")
                + line(0, "1.4", "mm_migrate_pages_start", "mode=MIGRATE_ASYNC reason=compaction");
        ObservedReplay r = replay(m, t);
        assertArrayEquals(new long[] {0x1100}, m.freeList(0, 3, MIGRATE_MOVABLE));
        assertEquals(1, r.consistency().count(Consistency.Kind.UNTRACED_ISOLATION));
    }

    @Test
    void fastFindMigrateblockRotatesTheFreeList() {
        // fast_find_migrateblock(): order-9 compaction starting at the zone start 0x1000 with free_pfn 0x1e00:
        // distance = (0x1e00 - 0x1000) >> 1 = 0x700 (no >> 2 at the zone start), high_pfn = pageblock_start(0x1700)
        // = 0x1600. Order-8 movable list (head first) [0x1c00, 0x1300, 0x1800]: 0x1c00 >= high_pfn, 0x1300 < high_pfn
        // is taken (the migration scanner then starts in its pageblock 0x1200); move_freelist_tail() moves 0x1c00 and
        // 0x1300 to the tail: [0x1800, 0x1c00, 0x1300].
        BuddyModel m = model(KernelSemantics.V6_1);
        m.addToFreeList(0, 0x1c00, 8, MIGRATE_MOVABLE, true);
        m.addToFreeList(0, 0x1300, 8, MIGRATE_MOVABLE, true);
        m.addToFreeList(0, 0x1800, 8, MIGRATE_MOVABLE, true);
        String t = line(0, "1.0", "mm_compaction_try_to_compact_pages",
                "order=9 gfp_mask=GFP_HIGHUSER_MOVABLE|__GFP_COMP priority=2")
                + line(0, "1.1", "mm_compaction_begin",
                "zone_start=0x1000 migrate_pfn=0x1000 free_pfn=0x1e00 zone_end=0x2000, mode=async")
                + line(0, "1.2", "mm_compaction_finished", "node=0 zone=DMA32    order=9 ret=no_suitable_page")
                + line(0, "1.3", "mm_compaction_isolate_migratepages", "range=(0x1200 ~ 0x1400) nr_scanned=512 nr_taken=0");
        replay(m, t);
        assertArrayEquals(new long[] {0x1800, 0x1c00, 0x1300}, m.freeList(0, 8, MIGRATE_MOVABLE));
    }

    /**
     * The lists of {@link #fastFindMigrateblockRotatesTheFreeList} plus a free order-9 block 0x1600; the compacting
     * task's mm_compaction_finished, then two order-8 frees by another task, then its isolate event. 0x1a00: buddy
     * 0x1b00 not free, buddy_merge_likely() looks for an order-9 buddy of 0x1a00 at 0x1800 (order 8 only): no, so
     * add_to_free_list() at the head. 0x1500: buddy 0x1400 not free, the order-9 buddy of 0x1400 is 0x1600, free:
     * add_to_free_list_tail().
     */
    private static String searchThenFrees(int freeCpu, String freer) {
        return line(0, "1.0", "mm_compaction_try_to_compact_pages",
                "order=9 gfp_mask=GFP_HIGHUSER_MOVABLE|__GFP_COMP priority=2")
                + line(0, "1.1", "mm_compaction_begin",
                "zone_start=0x1000 migrate_pfn=0x1000 free_pfn=0x1e00 zone_end=0x2000, mode=async")
                + line(0, ".N...", "1.2", "mm_compaction_finished", "node=0 zone=DMA32    order=9 ret=no_suitable_page")
                + String.format("%s [%03d] .....    1.3: mm_page_free: page=00000000deadbeef pfn=0x1a00 order=8%n",
                freer, freeCpu)
                + String.format("%s [%03d] .....    1.4: mm_page_free: page=00000000deadbeef pfn=0x1500 order=8%n",
                freer, freeCpu)
                + line(1, "1.5", "mm_compaction_isolate_migratepages", "range=(0x1200 ~ 0x1400) nr_scanned=512 nr_taken=0");
    }

    private static BuddyModel fastFindLists() {
        BuddyModel m = model(KernelSemantics.V6_1);
        m.addToFreeList(0, 0x1c00, 8, MIGRATE_MOVABLE, true);
        m.addToFreeList(0, 0x1300, 8, MIGRATE_MOVABLE, true);
        m.addToFreeList(0, 0x1800, 8, MIGRATE_MOVABLE, true);
        m.addToFreeList(0, 0x1600, 9, MIGRATE_MOVABLE, true);
        return m;
    }

    @Test
    void fastFindMigrateblockRunsBeforeTheTaskLeftItsCpu() {
        // mm/compaction.c compact_zone(): compact_finished() prints mm_compaction_finished, then isolate_migratepages()
        // calls fast_find_migrateblock() at once (zone->lock held); mm_compaction_isolate_migratepages is printed at
        // the end of isolate_migratepages_block(), whose cond_resched() at its first pfn lets the task be switched
        // out. Here kswapd runs on the task's CPU 0 after the finished line (the task left it; its isolate line comes
        // from CPU 1), so the search ran before kswapd's frees: as in fastFindMigrateblockRotatesTheFreeList it takes
        // 0x1300 (high_pfn 0x1600; 0x1c00 above it) and move_freelist_tail() makes [0x1800, 0x1c00, 0x1300]. Then
        // 0x1a00 joins the head and 0x1500 the tail: [0x1a00, 0x1800, 0x1c00, 0x1300, 0x1500]. The rotation must not
        // take the newer head 0x1a00 to the tail, nor put 0x1500 ahead of the rotated entries.
        BuddyModel m = fastFindLists();
        replay(m, searchThenFrees(0, "         kswapd0-46    "));
        assertArrayEquals(new long[] {0x1a00, 0x1800, 0x1c00, 0x1300, 0x1500}, m.freeList(0, 8, MIGRATE_MOVABLE));
        assertArrayEquals(new long[] {0x1600}, m.freeList(0, 9, MIGRATE_MOVABLE));
    }

    @Test
    void fastFindMigrateblockWithoutSignOfWhenItRanIsTakenAtTheIsolateLine() {
        // The same frees from another CPU while nothing shows the task leaving CPU 0 (its isolate line comes from
        // there): when the search ran is not told, and it is applied at the isolate event, to the lists then:
        // [0x1a00, 0x1c00, 0x1300, 0x1800, 0x1500]; 0x1a00 and 0x1c00 are above high_pfn, 0x1300 is taken, and the
        // entries up to it go to the tail: [0x1800, 0x1500, 0x1a00, 0x1c00, 0x1300].
        BuddyModel m = fastFindLists();
        String t = searchThenFrees(1, "         kswapd0-46    ").replace("[001] d..3.    1.5", "[000] d..3.    1.5");
        replay(m, t);
        assertArrayEquals(new long[] {0x1800, 0x1500, 0x1a00, 0x1c00, 0x1300}, m.freeList(0, 8, MIGRATE_MOVABLE));
    }

    @Test
    void freeScannerWalksTheWholePageblockUnlessEnoughWasIsolated() {
        // isolate_freepages_block() (mm/compaction.c) stops early only once cc->nr_freepages reaches
        // cc->nr_migratepages, and the traced range then ends right after that block. Range (0x1400 ~ 0x1600) with
        // nr_scanned=16 nr_taken=1 is therefore a full walk of 512 pfns with stride 32 (512 / 32 = 16 steps), which
        // lands on 0x15c0 (step 14) and not on 0x1401: the sync stride 1 would scan 0x1400, 0x1401 (taken), ...
        BuddyModel m = model(KernelSemantics.V6_1);
        String t = line(0, "1.1", "mm_page_free", "page=00000000deadbeef pfn=0x1401 order=0")
                + line(0, "1.2", "mm_page_free", "page=00000000deadbeef pfn=0x15c0 order=0")
                + line(0, "1.3", "mm_page_pcpu_drain", "page=00000000deadbeef pfn=0x1401 order=0 migratetype=1")
                + line(0, "1.4", "mm_page_pcpu_drain", "page=00000000deadbeef pfn=0x15c0 order=0 migratetype=1")
                + line(0, "2.0", "mm_compaction_begin",
                        "zone_start=0x1000 migrate_pfn=0x1000 free_pfn=0x1e00 zone_end=0x2000, mode=sync")
                + line(0, "2.1", "mm_compaction_isolate_freepages", "range=(0x1400 ~ 0x1600) nr_scanned=16 nr_taken=1");
        ObservedReplay r = replay(m, t);
        assertEquals(0x1401, m.findBuddyHead(0x1401));
        assertEquals(-1, m.findBuddyHead(0x15c0));
        assertEquals(0, r.consistency().count(Consistency.Kind.ISOLATE_SHORT));
    }
    @Test
    void targetsLeftAfterARefillCarryOverToTheNextBatch() {
        // compaction_alloc() (mm/compaction.c, 6.1) takes one target per migrated page, cc->nr_freepages-- each
        // time, and calls isolate_freepages() only when cc->freepages is empty. Order-9 async direct pass, zone
        // [0x1000, 0x2000), free_pfn 0x1e00; the order-3 movable list (head first) is [0x1b10, 0x1b08, 0x1b00].
        // Each fast_isolate_freepages() takes its tail (>= low_pfn 0x1a00): one 8-page block.
        // Batch 1 (4 pages): list empty -> takes 0x1b00: 8 - 4 = 4 left.
        // Batch 2 (6 pages): 4 used -> 0, list empty -> takes 0x1b08: 8, 2 more used -> 6 left (not 8 - 6 = 2).
        // Batch 3 (5 pages): 6 - 5 = 1 left, the list never empty: no search, 0x1b10 stays free.
        BuddyModel m = model(KernelSemantics.V6_1);
        m.addToFreeList(0, 0x1b00, 3, MIGRATE_MOVABLE, false);
        m.addToFreeList(0, 0x1b08, 3, MIGRATE_MOVABLE, false);
        m.addToFreeList(0, 0x1b10, 3, MIGRATE_MOVABLE, false);
        StringBuilder t = new StringBuilder(line(0, "1.0", "mm_compaction_try_to_compact_pages",
                "order=9 gfp_mask=GFP_HIGHUSER_MOVABLE|__GFP_COMP priority=2")
                + line(0, "1.1", "mm_compaction_begin",
                "zone_start=0x1000 migrate_pfn=0x1000 free_pfn=0x1e00 zone_end=0x2000, mode=async"));
        long src = 0x1000;
        int[] batches = {4, 6, 5};
        for (int b = 0; b < batches.length; b++) {
            int n = batches[b];
            t.append(line(0, "2." + b + "1", "mm_compaction_finished", "node=0 zone=DMA32    order=9 ret=continue"))
                    .append(line(0, "2." + b + "2", "mm_compaction_isolate_migratepages", String.format(
                            "range=(0x%x ~ 0x%x) nr_scanned=%d nr_taken=%d", src, src + n, n, n)))
                    .append(line(0, "2." + b + "3", "mm_migrate_pages_start", "mode=MIGRATE_ASYNC reason=compaction"));
            for (int i = 0; i < n; i++) {
                t.append(line(0, "2." + b + "4" + i, "mm_page_free",
                        String.format("page=00000000deadbeef pfn=0x%x order=0", src + i)));
            }
            t.append(line(0, "2." + b + "6", "mm_migrate_pages", "nr_succeeded=" + n
                            + " nr_failed=0 nr_thp_succeeded=0 nr_thp_failed=0 nr_thp_split=0 mode=MIGRATE_ASYNC"
                            + " reason=compaction"))
                    .append(line(0, "2." + b + "7", "mm_compaction_migratepages", "nr_migrated=" + n + " nr_failed=0"));
            src += n;
        }
        ObservedReplay r = replay(m, t.toString());
        assertArrayEquals(new long[] {0x1b10}, m.freeList(0, 3, MIGRATE_MOVABLE));
        assertEquals(2, r.consistency().count(Consistency.Kind.UNTRACED_ISOLATION));
    }
    @Test
    void fastSearchRunsAfterTheDrainOfTheSourceFree() {
        // migrate_pages() (mm/migrate.c, 6.1) asks compaction_alloc() for the next target only after the previous
        // source page's free returned, and that free drained the pcp list (free_unref_page_commit() ->
        // free_pcppages_bulk(): the task's mm_page_pcpu_drain lines after its mm_page_free). Order-9 async direct
        // pass, zone [0x1000, 0x2000), compact_init_free_pfn 0 (scan start: limit 256), free_pfn 0x1e00, batch of 4
        // from 0x1000 (migrate_pfn 0x1004): distance 0xdfc, low_pfn = pageblock_start(0x1e00 - 0x37f) = 0x1a00,
        // min_pfn = pageblock_start(0x1e00 - 0x6fe) = 0x1600. Order-1 movable list (head first) [0x1804, 0x1800].
        // Search 1 (empty cc->freepages): 0x1800 (candidate, limit 128), 0x1804 (higher, limit 64), list end: takes
        // 0x1804 -> [0x1800]. Sources 0x1000, 0x1001 use its 2 pages; the free of 0x1001 drains 0x1b01, 0x1b00,
        // which merge into the order-1 block 0x1b00 -> [0x1b00, 0x1800]. Search 2 runs now: 0x1800 (candidate),
        // then 0x1b00 >= low_pfn is taken -> [0x1800]. Run at the free itself, before the drain, it would take
        // 0x1800 and leave [0x1b00].
        BuddyModel m = model(KernelSemantics.V6_1);
        m.addToFreeList(0, 0x1800, 1, MIGRATE_MOVABLE, false);
        m.addToFreeList(0, 0x1804, 1, MIGRATE_MOVABLE, false);
        String t = line(0, "0.1", "mm_page_free", "page=00000000deadbeef pfn=0x1b00 order=0")
                + line(0, "0.2", "mm_page_free", "page=00000000deadbeef pfn=0x1b01 order=0")
                + line(0, "1.0", "mm_compaction_try_to_compact_pages",
                "order=9 gfp_mask=GFP_HIGHUSER_MOVABLE|__GFP_COMP priority=2")
                + line(0, "1.1", "mm_compaction_begin",
                "zone_start=0x1000 migrate_pfn=0x1000 free_pfn=0x1e00 zone_end=0x2000, mode=async")
                + line(0, "1.2", "mm_compaction_finished", "node=0 zone=DMA32    order=9 ret=no_suitable_page")
                + line(0, "1.3", "mm_compaction_isolate_migratepages", "range=(0x1000 ~ 0x1004) nr_scanned=4 nr_taken=4")
                + line(0, "1.4", "mm_migrate_pages_start", "mode=MIGRATE_ASYNC reason=compaction")
                + line(0, "1.5", "mm_page_free", "page=00000000deadbeef pfn=0x1000 order=0")
                + line(0, "1.6", "mm_page_free", "page=00000000deadbeef pfn=0x1001 order=0")
                + line(0, "1.7", "mm_page_pcpu_drain", "page=00000000deadbeef pfn=0x1b01 order=0 migratetype=1")
                + line(0, "1.8", "mm_page_pcpu_drain", "page=00000000deadbeef pfn=0x1b00 order=0 migratetype=1")
                + line(0, "1.9", "mm_page_free", "page=00000000deadbeef pfn=0x1002 order=0")
                + line(0, "2.0", "mm_page_free", "page=00000000deadbeef pfn=0x1003 order=0");
        ObservedReplay r = replay(m, t);
        assertArrayEquals(new long[] {0x1800}, m.freeList(0, 1, MIGRATE_MOVABLE));
        assertEquals(2, r.consistency().count(Consistency.Kind.UNTRACED_ISOLATION));
    }
    @Test
    void fastIsolateAroundLeavesTheFreeScannerWhereItWas() {
        // fast_isolate_around() (mm/compaction.c, 6.1) runs isolate_freepages_block() on the found page's pageblock
        // with a local start pfn, traced like the free scanner, but cc->free_pfn stays. Sync direct order-9 pass,
        // zone [0x1000, 0x2000), free_pfn 0x1e00, batch of 32 from 0x1000 (migrate_pfn 0x1020): distance 0xde0,
        // low_pfn = pageblock_start(0x1e00 - 0x378) = 0x1a00, min_pfn = pageblock_start(0x1e00 - 0x6f0) = 0x1600.
        // The fast search takes the order-4 block 0x1a00 (>= low_pfn); fast_isolate_around() then takes 0x1b08
        // (order 3) in [0x1a00, 0x1c00): 16 + 8 = 24 < 32. After 24 targets the next search has the same window:
        // the order-2 block 0x1500 < min_pfn is no candidate and stays free. (Read as the free scanner's block,
        // free_pfn would be 0x1800: min_pfn 0x1400, and 0x1500 would be taken.)
        BuddyModel m = model(KernelSemantics.V6_1);
        m.addToFreeList(0, 0x1a00, 4, MIGRATE_MOVABLE, false);
        m.addToFreeList(0, 0x1b08, 3, MIGRATE_MOVABLE, false);
        m.addToFreeList(0, 0x1500, 2, MIGRATE_MOVABLE, false);
        StringBuilder t = new StringBuilder(line(0, "1.0", "mm_compaction_try_to_compact_pages",
                "order=9 gfp_mask=GFP_HIGHUSER_MOVABLE|__GFP_COMP priority=1")
                + line(0, "1.1", "mm_compaction_begin",
                "zone_start=0x1000 migrate_pfn=0x1000 free_pfn=0x1e00 zone_end=0x2000, mode=sync")
                + line(0, "1.2", "mm_compaction_finished", "node=0 zone=DMA32    order=9 ret=no_suitable_page")
                + line(0, "1.3", "mm_compaction_isolate_migratepages", "range=(0x1000 ~ 0x1020) nr_scanned=32 nr_taken=32")
                + line(0, "1.4", "mm_migrate_pages_start", "mode=MIGRATE_SYNC_LIGHT reason=compaction")
                + line(0, "1.5", "mm_compaction_isolate_freepages", "range=(0x1a00 ~ 0x1c00) nr_scanned=512 nr_taken=8"));
        for (int i = 0; i < 26; i++) {
            t.append(line(0, String.format("1.6%02d", i), "mm_page_free",
                    String.format("page=00000000deadbeef pfn=0x%x order=0", 0x1000 + i)));
        }
        replay(m, t.toString());
        assertArrayEquals(new long[] {0x1500}, m.freeList(0, 2, MIGRATE_MOVABLE));
        assertEquals(0, m.freeListLength(0, 3, MIGRATE_MOVABLE));
    }
    @Test
    void freeScannerThatRanOutLeavesFreePfnBelowTheMigrationScanner() {
        // isolate_freepages() (mm/compaction.c, 6.1) walks pageblocks down while block_start_pfn >= low_pfn =
        // pageblock_end_pfn(cc->migrate_pfn), setting isolate_start_pfn = block_start_pfn at each step, and stores
        // cc->free_pfn = isolate_start_pfn: a call that did not isolate enough leaves it at low_pfn - pageblock
        // (unsuitable blocks on the way are not traced). kcompactd order-9 sync pass, zone [0x1000, 0x2000),
        // free_pfn 0x1e00, batch of 32 (0x17e0 ~ 0x1800: migrate_pfn 0x1800, low_pfn 0x1a00). Search 1: the movable
        // lists are empty, nothing found; the free scanner takes the order-3 block 0x1e00 (on the unmovable list,
        // which the fast search does not scan): 8 < 32, so cc->free_pfn = 0x1800. 0x1900 (order 3) then reaches
        // the movable list (another task's free and drain). After 8 targets, search 2: distance 0, low_pfn =
        // min_pfn = 0x1800, and 0x1900 is taken. (With free_pfn 0x1c00, the block below the scanned one: distance
        // 0x400, min_pfn 0x1a00, no candidate, 0x1900 stays free.)
        BuddyModel m = model(KernelSemantics.V6_1);
        m.addToFreeList(0, 0x1e00, 3, KernelSemantics.MIGRATE_UNMOVABLE, false);
        StringBuilder t = new StringBuilder(kcompactd("1.0", "mm_compaction_kcompactd_wake",
                "nid=0 order=9 classzone_idx=DMA32")
                + kcompactd("1.1", "mm_compaction_begin",
                "zone_start=0x1000 migrate_pfn=0x1000 free_pfn=0x1e00 zone_end=0x2000, mode=sync")
                + kcompactd("1.2", "mm_compaction_finished", "node=0 zone=DMA32    order=9 ret=no_suitable_page")
                + kcompactd("1.3", "mm_compaction_isolate_migratepages",
                "range=(0x17e0 ~ 0x1800) nr_scanned=32 nr_taken=32")
                + kcompactd("1.4", "mm_migrate_pages_start", "mode=MIGRATE_SYNC_LIGHT reason=compaction")
                + kcompactd("1.5", "mm_compaction_isolate_freepages", "range=(0x1e00 ~ 0x2000) nr_scanned=512 nr_taken=8")
                + line(1, "1.6", "mm_page_free", "page=00000000deadbeef pfn=0x1900 order=3")
                + line(1, "1.7", "mm_page_pcpu_drain", "page=00000000deadbeef pfn=0x1900 order=3 migratetype=1"));
        for (int i = 0; i < 9; i++) {
            t.append(kcompactd(String.format("1.8%02d", i), "mm_page_free",
                    String.format("page=00000000deadbeef pfn=0x%x order=0", 0x17e0 + i)));
        }
        ObservedReplay r = replay(m, t.toString());
        assertEquals(0, m.freeListLength(0, 3, MIGRATE_MOVABLE));
        assertEquals(1, r.consistency().count(Consistency.Kind.UNTRACED_ISOLATION));
    }

    private static String kcompactd(String ts, String event, String body) {
        return String.format("      kcompactd0-34      [000] .....    %s: %s: %s%n", ts, event, body);
    }
}
