package io.fragtrace.replay.model;

import io.fragtrace.parser.MigrateMode;
import io.fragtrace.replay.compaction.CompactionContext;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.fragtrace.replay.model.KernelSemantics.MIGRATE_MOVABLE;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The one compaction model (mm/compaction.c) as simulate mode drives it, on a bare zone: DMA32 [0, 4096), 8 MOVABLE
 * pageblocks of 512 pages, every page allocated (order 0, not compound) unless put on a free list. Expected values are
 * worked out by hand from the kernel functions beside each assertion.
 */
class CompactionRulesTest {
    private static final Compaction.Pages PLAIN = pfn -> -1;

    private static BuddyModel zone() {
        return new BuddyModel(KernelSemantics.V6_1, List.of(new Zone(0, 0, "DMA32", 0, 4096)), 1);
    }

    private static CompactControl direct(int order) {
        return new CompactControl(0, order, MigrateMode.ASYNC, MIGRATE_MOVABLE, 0, 1, CompactionContext.DIRECT);
    }

    @Test
    void fastFindMigrateblockTakesTheFirstUnskippedCandidateBelowHighPfn() {
        // fast_find_migrateblock(): order 9, migrate_pfn 0 = zone start, free_pfn 3584: limit =
        // freelist_scan_limit = (32 >> 0) + 1 = 33; distance = (3584 - 0) >> 1 = 1792 (no >> 2 at the zone start);
        // high_pfn = pageblock_start_pfn(1792) = 1536. free_list[8][MOVABLE] head->tail: 512 (pageblock skip-marked:
        // continue), 1024 (< 1536, not skipped: taken). move_freelist_tail(1024): 512 and 1024 go to the tail, behind
        // 2048. The scanner starts at pageblock_start_pfn(1024) = 1024; fast_search_fail = 0; 2 entries scanned.
        BuddyModel m = zone();
        m.addToFreeList(0, 512, 8, MIGRATE_MOVABLE, true);
        m.addToFreeList(0, 1024, 8, MIGRATE_MOVABLE, true);
        m.addToFreeList(0, 2048, 8, MIGRATE_MOVABLE, true);
        Compaction cz = new Compaction(m);
        cz.setPageblockSkip(512);
        CompactControl cc = direct(9);
        cc.migratePfn = 0;
        cc.freePfn = 3584;
        cc.fastSearchFail = 3;
        // with fast_search_fail 3 the limit is (32 >> 3) + 1 = 5: still enough for two entries
        assertEquals(1024, cz.migrate.fastFindMigrateblock(cc, -1));
        assertEquals(0, cc.fastSearchFail);
        assertEquals(1024, cc.fastStartPfn);
        assertEquals(2, cc.migrateScanned);
        assertArrayEquals(new long[] {2048, 512, 1024}, m.freeList(0, 8, MIGRATE_MOVABLE));
    }

    @Test
    void aSearchTheTraceShowsFailedTakesNoCandidate() {
        // observed mode, the traced range starts at 1100: no pageblock start, and not cc->migrate_pfn (1024), so it is
        // reinit_migrate_pfn()'s cc->fast_start_pfn after a search that found nothing (fast_find_migrateblock() returns
        // pageblock_start_pfn(free_pfn) when it finds one): NO_BLOCK. migrate_pfn 1024, free_pfn 3584, order 9, limit
        // (32 >> 0) + 1 = 33; distance = (3584 - 1024) >> 1 >> 2 = 320, high_pfn = pageblock_start_pfn(1344) = 1024.
        // free_list[8][MOVABLE]: 512 (< high_pfn, but every candidate counts as skip-marked), 2048 (>= high_pfn);
        // orders 7..3 empty. Nothing moves, 2 entries scanned, fast_search_fail 0 -> 1, and reinit_migrate_pfn()
        // with fast_start_pfn 0 leaves the scanner at migrate_pfn 1024
        BuddyModel m = zone();
        m.addToFreeList(0, 512, 8, MIGRATE_MOVABLE, true);
        m.addToFreeList(0, 2048, 8, MIGRATE_MOVABLE, true);
        Compaction cz = new Compaction(m);
        CompactControl cc = direct(9);
        cc.migratePfn = 1024;
        cc.freePfn = 3584;
        assertEquals(1024, cz.migrate.fastFindMigrateblock(cc, CompactionMigrateScanner.NO_BLOCK));
        assertEquals(1, cc.fastSearchFail);
        assertEquals(2, cc.migrateScanned);
        assertArrayEquals(new long[] {512, 2048}, m.freeList(0, 8, MIGRATE_MOVABLE));
        // the same search told the block at 512 was where the scanner started: 512 taken and moved to the tail
        CompactControl found = direct(9);
        found.migratePfn = 1024;
        found.freePfn = 3584;
        assertEquals(512, cz.migrate.fastFindMigrateblock(found, 512));
        assertEquals(0, found.fastSearchFail);
        assertArrayEquals(new long[] {2048, 512}, m.freeList(0, 8, MIGRATE_MOVABLE));
    }

    @Test
    void moveFreelistTailMovesAFirstEntryAndLeavesALastOne() {
        // move_freelist_tail(freelist, freepage): guard !list_is_first(freelist, &freepage->lru) (6.1), i.e.
        // freelist->prev != &freepage->lru: it runs unless freepage is the last entry. list_cut_position() takes
        // head..freepage, list_splice_tail() appends it. [512, 1024, 2048] with freepage 512 (first) -> [1024, 2048,
        // 512]; then freepage 512 (now last) -> unchanged
        BuddyModel m = zone();
        m.addToFreeList(0, 512, 8, MIGRATE_MOVABLE, true);
        m.addToFreeList(0, 1024, 8, MIGRATE_MOVABLE, true);
        m.addToFreeList(0, 2048, 8, MIGRATE_MOVABLE, true);
        Compaction cz = new Compaction(m);
        cz.migrate.moveFreelistTail(512);
        assertArrayEquals(new long[] {1024, 2048, 512}, m.freeList(0, 8, MIGRATE_MOVABLE));
        cz.migrate.moveFreelistTail(512);
        assertArrayEquals(new long[] {1024, 2048, 512}, m.freeList(0, 8, MIGRATE_MOVABLE));
        // a middle entry: head..2048 go behind the tail in order -> [512, 1024, 2048]
        cz.migrate.moveFreelistTail(2048);
        assertArrayEquals(new long[] {512, 1024, 2048}, m.freeList(0, 8, MIGRATE_MOVABLE));
    }

    @Test
    void moveFreelistHeadPutsTheEntriesBeforeFreepageBehindTheTail() {
        // move_freelist_head(freelist, freepage): list_cut_before() takes head..freepage (exclusive),
        // list_splice_tail() appends it: [512, 1024, 2048, 3072] with freepage 2048 -> [2048, 3072, 512, 1024];
        // a first entry (list_is_first) moves nothing
        BuddyModel m = zone();
        for (long pfn : new long[] {512, 1024, 2048, 3072}) {
            m.addToFreeList(0, pfn, 8, MIGRATE_MOVABLE, true);
        }
        Compaction cz = new Compaction(m);
        cz.free.moveFreelistHead(2048);
        assertArrayEquals(new long[] {2048, 3072, 512, 1024}, m.freeList(0, 8, MIGRATE_MOVABLE));
        cz.free.moveFreelistHead(2048);
        assertArrayEquals(new long[] {2048, 3072, 512, 1024}, m.freeList(0, 8, MIGRATE_MOVABLE));
        assertEquals(4, m.freeListLength(0, 8, MIGRATE_MOVABLE));
        // the back links follow: tail 1024, 512's prev is 3072, the head has none
        assertEquals(1024, m.freeListTailPfn(0, 8, MIGRATE_MOVABLE));
        assertEquals(3072, m.listPrevPfn(512));
        assertEquals(-1, m.listPrevPfn(2048));
    }

    @Test
    void fastFindMigrateblockIsNotTriedForSmallOrdersOrMidBlock() {
        // cc->order <= PAGE_ALLOC_COSTLY_ORDER (3): the linear scan; a migrate_pfn inside a pageblock: a continued scan
        BuddyModel m = zone();
        m.addToFreeList(0, 1024, 8, MIGRATE_MOVABLE, true);
        Compaction cz = new Compaction(m);
        CompactControl small = direct(3);
        small.freePfn = 3584;
        assertEquals(0, cz.migrate.fastFindMigrateblock(small, -1));
        CompactControl mid = direct(9);
        mid.migratePfn = 600;
        mid.freePfn = 3584;
        assertEquals(600, cz.migrate.fastFindMigrateblock(mid, -1));
        assertEquals(0, mid.migrateScanned);
    }

    @Test
    void isolateFreepagesBlockWalksWithTheStride() {
        // isolate_freepages_block() over [3584, 4096), stride 32 (async start): free blocks order 0 @3584, order 2
        // @3616, order 1 @3650, order 3 @3712. blockpfn 3584: scanned 1, takes 1 page, += 0 + 32 -> 3616: scanned 2,
        // takes 4 (scanned += 3 -> 5), += 3 + 32 -> 3651 (inside the order-1 block, not PageBuddy): 6; then 3683,
        // 3715, ..., 4067: 13 more steps -> nr_scanned 19, 5 pages taken; the order-1 and order-3 blocks are missed
        BuddyModel m = zone();
        m.addToFreeList(0, 3584, 0, MIGRATE_MOVABLE, true);
        m.addToFreeList(0, 3616, 2, MIGRATE_MOVABLE, true);
        m.addToFreeList(0, 3650, 1, MIGRATE_MOVABLE, true);
        m.addToFreeList(0, 3712, 3, MIGRATE_MOVABLE, true);
        Compaction cz = new Compaction(m);
        CompactControl cc = direct(9);
        cc.nrMigratepages = 32;
        assertEquals(4096, cz.free.isolateFreepagesBlock(cc, 3584, 4096, 32, 32, true, true, PLAIN, Compaction.TRACE_ISOLATES));
        assertEquals(19, cz.free.lastBlockScanned());
        assertEquals(5, cc.nrFreepages);
        assertEquals(2, cz.free.isolatedBlocks());
        assertEquals(3616, cz.free.isolatedPfn(1));
        assertEquals(1, m.nrFree(0, 1));
        assertEquals(0, m.nrFree(0, 2));
    }

    @Test
    void isolateFreepagesBlockStopsRightAfterTheBlockThatWasEnough() {
        // stride 1, 4 pages wanted (cc->nr_migratepages 4): 3584 taken (1), 3585..3615 allocated (31 steps), 3616
        // taken (order 2: 5 >= 4) -> blockpfn += 4 = 3620, break; nr_scanned = 1 + 31 + 4 = 36
        BuddyModel m = zone();
        m.addToFreeList(0, 3584, 0, MIGRATE_MOVABLE, true);
        m.addToFreeList(0, 3616, 2, MIGRATE_MOVABLE, true);
        m.addToFreeList(0, 3712, 3, MIGRATE_MOVABLE, true);
        Compaction cz = new Compaction(m);
        CompactControl cc = direct(9);
        assertEquals(3620, cz.free.isolateFreepagesBlock(cc, 3584, 4096, 1, 4, true, true, PLAIN, Compaction.TRACE_ISOLATES));
        assertEquals(36, cz.free.lastBlockScanned());
        assertEquals(5, cc.nrFreepages);
        assertEquals(1, m.nrFree(0, 3));
    }

    @Test
    void isolateFreepagesBlockJumpsOverCompoundPages() {
        // a compound order-4 page at 3600 inside the range: nr_scanned counts it whole and the walk resumes at 3616
        BuddyModel m = zone();
        m.addToFreeList(0, 3616, 0, MIGRATE_MOVABLE, true);
        Compaction cz = new Compaction(m);
        Compaction.Pages thp = pfn -> pfn == 3600 ? 4 : -1;
        CompactControl cc = direct(9);
        // stride 1 from 3598: 3598, 3599 (2), 3600 compound: 1 + 15 (18), 3616 taken (19) -> 1 page, limit 1 -> 3617
        assertEquals(3617, cz.free.isolateFreepagesBlock(cc, 3598, 4096, 1, 1, true, true, thp, Compaction.TRACE_ISOLATES));
        assertEquals(19, cz.free.lastBlockScanned());
    }

    @Test
    void fastIsolateFreepagesTakesTheFirstBlockInTheTopQuarter() {
        // fast_isolate_freepages(): order 9, migrate_pfn 0, free_pfn 3584 >= compact_init_free_pfn 3584 (scan_start:
        // limit = pageblock_nr_pages >> 1 = 256). distance 3584: low_pfn = pageblock_start(3584 - 896) = 2560,
        // min_pfn = pageblock_start(3584 - 1792) = 1536. search_order = min(9 - 1, order) = 8. free_list[8][MOVABLE]
        // head->tail 1024, 2560, 1536, scanned from the tail: 1536 (>= min_pfn: high candidate), 2560 (>= low_pfn:
        // taken). move_freelist_head(2560): 1024 goes to the tail; 2560 isolated -> list 1536, 1024.
        // nr_scanned = 2 + (256 - 1) = 257, nr_isolated = 256.
        BuddyModel m = zone();
        m.addToFreeList(0, 1024, 8, MIGRATE_MOVABLE, true);
        m.addToFreeList(0, 2560, 8, MIGRATE_MOVABLE, true);
        m.addToFreeList(0, 1536, 8, MIGRATE_MOVABLE, true);
        Compaction cz = new Compaction(m);
        CompactControl cc = direct(9);
        cc.migratePfn = 0;
        cc.freePfn = 3584;
        cc.initFreePfn = cz.initFreePfn(0);
        cc.nrMigratepages = 32;
        assertEquals(0, cc.initFreePfn); // compact_init_free_pfn: 0 until a __reset_isolation_suitable()
        assertArrayEquals(new long[] {257, 256, 2560},
                cz.free.fastIsolateFreepages(cc, cc.freePfn, null, true, PLAIN, Compaction.TRACE_ISOLATES));
        assertArrayEquals(new long[] {1536, 1024}, m.freeList(0, 8, MIGRATE_MOVABLE));
        assertEquals(256, cc.nrFreepages);
        assertEquals(8, cc.searchOrder);
        assertEquals(0, cc.fastSearchFail);
    }

    @Test
    void fastIsolateFreepagesBelowTheMigrationScannerFindsNothing() {
        // fast_isolate_freepages() computes in unsigned long: free_pfn 1024 below migrate_pfn 1084 (the free scanner
        // went past the migration scanner's block, fragment-thp-256M line 91,038): distance = 1024 - 1084 wraps to
        // 2^64 - 60, low_pfn = pageblock_start(1024 - (distance >> 2)) = 2^62 + 1024 and min_pfn =
        // pageblock_start(1024 - (distance >> 1)) = 2^63 + 1024: no free page is >= min_pfn, so nothing is taken.
        // The order-8 list (2560 alone) is scanned once from the tail (limit 256, free_pfn >= compact_init_free_pfn
        // 0) and left as it was; highest = 2560 < min_pfn and pfn_valid(min_pfn) is false: cc->free_pfn stays 1024.
        BuddyModel m = zone();
        m.addToFreeList(0, 2560, 8, MIGRATE_MOVABLE, true);
        Compaction cz = new Compaction(m);
        CompactControl cc = direct(9);
        cc.migratePfn = 1084;
        cc.freePfn = 1024;
        cc.initFreePfn = 0;
        cc.nrMigratepages = 32;
        long[] r = cz.free.fastIsolateFreepages(cc, cc.freePfn, null, true, PLAIN, Compaction.TRACE_ISOLATES);
        assertEquals(0, r[1]);
        assertEquals(-1, r[2]);
        assertArrayEquals(new long[] {2560}, m.freeList(0, 8, MIGRATE_MOVABLE));
        assertEquals(1024, cc.freePfn);
        assertEquals(1, cc.fastSearchFail);
    }

    /** free_list[8][MOVABLE] head->tail 3072, 1024, 2304, 512; a pass whose cc->migrate_pfn is not the kernel's. */
    private static CompactControl tracedSearch(BuddyModel m) {
        m.addToFreeList(0, 3072, 8, MIGRATE_MOVABLE, true);
        m.addToFreeList(0, 1024, 8, MIGRATE_MOVABLE, true);
        m.addToFreeList(0, 2304, 8, MIGRATE_MOVABLE, true);
        m.addToFreeList(0, 512, 8, MIGRATE_MOVABLE, true);
        CompactControl cc = direct(9);
        cc.migratePfn = 0;
        cc.freePfn = 3584;
        cc.nrMigratepages = 32;
        return cc;
    }

    @Test
    void fastIsolateFreepagesWithTheTraceStopsWhereTheTracedScanStopped() {
        // mm_compaction_fast_isolate_freepages: range 2048 ~ 3584, nr_scanned 257, nr_taken 256. The order taken is
        // log2(256) = 8; min_pfn 2048 as traced (the model's migrate_pfn 0 gives pageblock_start(3584 - 1792) = 1536,
        // not it), so low_pfn = pageblock_start(3584 - (3584 - 2048) / 2) = 2560. Entries scanned in order 8: at most
        // 257 - (256 - 1) = 2. From the tail: 512 (< min_pfn), 2304 (>= min_pfn, < low_pfn: the high_pfn candidate);
        // the limit ends the walk there, so high_pfn 2304 is taken (a search without the limit would take 3072 >=
        // low_pfn). move_freelist_head(2304): 3072, 1024 go behind the tail -> 2304, 512, 3072, 1024; 2304 isolated.
        // The high_pfn branch leaves cc->search_order (min(9 - 1, search_order) = 8) and cc->fast_search_fail (0).
        BuddyModel m = zone();
        CompactControl cc = tracedSearch(m);
        Compaction cz = new Compaction(m);
        assertArrayEquals(new long[] {257, 256, 2304}, cz.free.fastIsolateFreepages(cc, 3584,
                new CompactionFreeScanner.FastTrace(2048, 257, 256), true, null, Compaction.TRACE_ISOLATES));
        assertArrayEquals(new long[] {512, 3072, 1024}, m.freeList(0, 8, MIGRATE_MOVABLE));
        assertEquals(256, cc.nrFreepages);
        assertEquals(8, cc.searchOrder);
        assertEquals(0, cc.fastSearchFail);
    }

    @Test
    void fastIsolateFreepagesWithTheTraceGoesOnWhenNothingQualifiesWithinIt() {
        // As above with nr_scanned 256: at most 256 - 255 = 1 entry, 512 (< min_pfn), no candidate within it. The
        // trace says a block was taken, so the walk goes on: 2304 (high_pfn candidate), 1024, 3072 (>= low_pfn 2560:
        // taken; fast_search_fail = 0, search_order = 8). 4 entries scanned: nr_scanned 4 + 255 = 259.
        // move_freelist_head(3072): it is the head already; isolated -> 1024, 2304, 512.
        BuddyModel m = zone();
        CompactControl cc = tracedSearch(m);
        cc.fastSearchFail = 2;
        Compaction cz = new Compaction(m);
        assertArrayEquals(new long[] {259, 256, 3072}, cz.free.fastIsolateFreepages(cc, 3584,
                new CompactionFreeScanner.FastTrace(2048, 256, 256), true, null, Compaction.TRACE_ISOLATES));
        assertArrayEquals(new long[] {1024, 2304, 512}, m.freeList(0, 8, MIGRATE_MOVABLE));
        assertEquals(0, cc.fastSearchFail);
        assertEquals(8, cc.searchOrder);
    }

    @Test
    void fastIsolateFreepagesWithTheTraceScansTheOrdersBeforeTheOneTakenAsTheKernelDid() {
        // nr_taken 128 (order 7), nr_scanned 131. Not a scan start (free_pfn 3584 < compact_init_free_pfn 4096), so
        // limit = max(1, freelist_scan_limit >> 1) = ((32 >> 3) + 1) >> 1 = 2 with fast_search_fail 3. Order 8 first
        // (search_order 8): the kernel took nothing there, so it is scanned without candidates: 512, 2304, the limit
        // (2 entries): move_freelist_head(2304) -> 2304, 512, 3072, 1024; limit halves to 1. next_search_order: 7,
        // the order taken: 131 - 127 - 2 = 2 entries left for it. free_list[7] head->tail 3200, 2176, 1280, from the
        // tail: 1280 (< min_pfn 2048), 2176 (>= min_pfn, < low_pfn 2560: high_pfn), the limit: 2176 is taken (3200 >=
        // low_pfn lies beyond it). move_freelist_head(2176) -> 2176, 1280, 3200; isolated -> 1280, 3200.
        // nr_scanned 2 + 2 + 127 = 131. The high_pfn branch leaves search_order 8 and fast_search_fail 3.
        BuddyModel m = zone();
        CompactControl cc = tracedSearch(m);
        m.addToFreeList(0, 3200, 7, MIGRATE_MOVABLE, true);
        m.addToFreeList(0, 2176, 7, MIGRATE_MOVABLE, true);
        m.addToFreeList(0, 1280, 7, MIGRATE_MOVABLE, true);
        cc.initFreePfn = 4096;
        cc.fastSearchFail = 3;
        Compaction cz = new Compaction(m);
        assertArrayEquals(new long[] {131, 128, 2176}, cz.free.fastIsolateFreepages(cc, 3584,
                new CompactionFreeScanner.FastTrace(2048, 131, 128), true, null, Compaction.TRACE_ISOLATES));
        assertArrayEquals(new long[] {2304, 512, 3072, 1024}, m.freeList(0, 8, MIGRATE_MOVABLE));
        assertArrayEquals(new long[] {1280, 3200}, m.freeList(0, 7, MIGRATE_MOVABLE));
        assertEquals(8, cc.searchOrder);
        assertEquals(3, cc.fastSearchFail);
    }

    @Test
    void fastIsolateFreepagesWithATraceThatTookNothingScansWithoutTakingAndWrapsTheSearchOrder() {
        // nr_taken 0: the kernel found no candidate in any order. Order 8 (search_order 8) is a scan start
        // (free_pfn 3584 >= compact_init_free_pfn 0: limit 256): 512, 2304, 1024, 3072 scanned, 2304 and 3072 not
        // taken (the kernel had no candidate), the walk runs off the head: no rotation. Orders 7..0 are empty;
        // next_search_order() comes back to 8: search_order 7, fast_search_fail + 1. cc->free_pfn is left as traced
        // (the kernel's scan-start update uses its own highest pfn, not traced). Returns {4, 0, -1}.
        BuddyModel m = zone();
        CompactControl cc = tracedSearch(m);
        Compaction cz = new Compaction(m);
        assertArrayEquals(new long[] {4, 0, -1}, cz.free.fastIsolateFreepages(cc, 3584,
                new CompactionFreeScanner.FastTrace(2048, 40, 0), true, null, Compaction.TRACE_ISOLATES));
        assertArrayEquals(new long[] {3072, 1024, 2304, 512}, m.freeList(0, 8, MIGRATE_MOVABLE));
        assertEquals(7, cc.searchOrder);
        assertEquals(1, cc.fastSearchFail);
        assertEquals(3584, cc.freePfn);
    }

    @Test
    void compactionCaptureIsForTheDirectCompactorOfTheZoneOnce() {
        // task_capc() (mm/page_alloc.c): current's capture_control, not a kthread, same zone; capc->page not yet set
        CompactControl d = direct(9);
        assertEquals(9, Compaction.compactionCapture(d, 0));
        assertEquals(-1, Compaction.compactionCapture(d, 1));
        CompactControl k = new CompactControl(0, 9, MigrateMode.SYNC_LIGHT, MIGRATE_MOVABLE, 0, 1,
                CompactionContext.KCOMPACTD);
        assertEquals(-1, Compaction.compactionCapture(k, 0));
        d.capturedPfn = 1024;
        assertEquals(-1, Compaction.compactionCapture(d, 0));
    }

    @Test
    void freeScannerSkipMarksTheBlockAndCachesTheOneBelow() {
        // isolate_freepages(): a block scanned to its end -> update_pageblock_skip(cc, page, block_start_pfn -
        // pageblock_nr_pages): PB_migrate_skip on the block [3072, 3584), compact_cached_free_pfn = 3072 - 512 = 2560
        // (from reset_cached_positions()' top block 3584)
        Compaction cz = new Compaction(zone());
        CompactControl cc = direct(9);
        assertEquals(3584, cz.cachedFreePfn[0]);
        cz.updatePageblockSkipFree(cc, 3072);
        assertEquals(2560, cz.cachedFreePfn[0]);
        assertEquals(true, cz.pageblockSkip(3100));
        assertEquals(false, cz.pageblockSkip(2560));
    }

    @Test
    void compactGapIsTwiceTheRequest() {
        // compact_gap() (mm/internal.h): 2UL << order
        assertEquals(1024, Compaction.compactGap(9));
        assertEquals(2, Compaction.compactGap(0));
    }

    @Test
    void resetIsolationSuitableClearsOnlySampledBlocksFromBothEnds() {
        // __reset_isolation_suitable() (5.1-6.12): every block skip-marked, compact_blockskip_flush set. The walk:
        // migrate_pfn 0, 512, 1024, 1536 against free_pfn 4095, 3583, 3071, 2559 (zone_end - 1 - k * 512), stopping
        // at 2048 < 2047 = false. __reset_isolation_pfn() samples each block every 8 pages from its start:
        //  - iteration 1: block 0 has no LRU page, block 7 no free page: nothing;
        //  - iteration 2: block 1's sample 528 is an LRU page -> skip cleared, cached migrate pfn [0] and [1] = 512;
        //    block 6's sample 3112 (3072 + 5 * 8) is a free page -> skip cleared, compact_cached_free_pfn =
        //    compact_init_free_pfn = 3583 (not pageblock-aligned);
        //  - iterations 3, 4 (both checks, blocks still skip-marked): the samples find neither -> kept.
        // reset_migrate 512 < reset_free 3583: the positions stand; the flag is cleared.
        BuddyModel m = zone();
        m.addToFreeList(0, 3112, 0, MIGRATE_MOVABLE, true);
        Compaction cz = new Compaction(m);
        for (long b = 0; b < 4096; b += 512) {
            cz.setPageblockSkip(b);
        }
        Compaction.Pages pages = new Compaction.Pages() {
            @Override
            public int compoundOrder(long pfn) {
                return -1;
            }

            @Override
            public boolean lru(long pfn) {
                return pfn == 528;
            }
        };
        cz.resetIsolationSuitable(0, pages); // compact_blockskip_flush not set: returns at once
        assertEquals(0, cz.initFreePfn(0)); // 0 until a reset (struct zone starts zeroed)
        assertTrue(cz.pageblockSkip(512));
        cz.blockskipFlush[0] = true;
        cz.resetIsolationSuitable(0, pages);
        StringBuilder skipped = new StringBuilder();
        for (long b = 0; b < 4096; b += 512) {
            skipped.append(cz.pageblockSkip(b) ? 'S' : '.');
        }
        assertEquals("S.SSSS.S", skipped.toString());
        assertEquals(512, cz.cachedMigratePfn[0][0]);
        assertEquals(512, cz.cachedMigratePfn[0][1]);
        assertEquals(3583, cz.cachedFreePfn[0]);
        assertEquals(3583, cz.initFreePfn(0));
        assertFalse(cz.blockskipFlush[0]);
    }

    /** Pages 600..631 and 700 of the zone are allocated order-0 LRU pages (migratable); everything else is not. */
    private static final Compaction.Pages LRU_600 = new Compaction.Pages() {
        @Override
        public int compoundOrder(long pfn) {
            return -1;
        }

        @Override
        public boolean migratable(long pfn) {
            return (pfn >= 600 && pfn < 632) || pfn == 700;
        }

        @Override
        public boolean lru(long pfn) {
            return migratable(pfn);
        }
    };

    @Test
    void updateCachedMigrateStoresThePageblockEndOfTheBlockEnd() {
        // update_cached_migrate(cc, pfn) (mm/compaction.c, 5.1-6.12): pfn = pageblock_end_pfn(pfn) = ALIGN(pfn + 1,
        // 512). Its callers pass a block's end: 1024 -> ALIGN(1025, 512) = 1536, one pageblock beyond the block
        // [512, 1024) just scanned (the 6.1 capture fragment-thp-256M: a pass ending at migrate_pfn 0x3400 is followed
        // by mm_compaction_begin migrate_pfn=0x3600). Async: only compact_cached_migrate_pfn[0] moves.
        Compaction cz = new Compaction(zone());
        CompactControl cc = direct(9);
        cz.updateCachedMigrate(cc, 1024);
        assertEquals(1536, cz.cachedMigratePfn[0][0]);
        assertEquals(0, cz.cachedMigratePfn[0][1]);
        cz.updateCachedMigrate(cc, 1100); // ALIGN(1101, 512) = 1536: no change
        assertEquals(1536, cz.cachedMigratePfn[0][0]);
    }

    private static CompactControl kcompactd(int order) {
        // kcompactd's pass: sync-light, not direct (no skip_on_failure), obeys the skip hints
        return new CompactControl(0, order, MigrateMode.SYNC_LIGHT, MIGRATE_MOVABLE, 0, 1,
                CompactionContext.KCOMPACTD);
    }

    @Test
    void isolateMigratepagesBlockSkipBitOn61() {
        // isolate_migratepages_block() of 6.1 on [512, 1024) from 512: valid_page = page 512 (aligned, not skipped).
        // The first LRU page isolated is 600: test_and_set_skip(cc, page, 600) returns false at once (600 is not
        // pageblock-aligned), so the block is NOT marked. 600..631 fill COMPACT_CLUSTER_MAX (32): the scan stops at
        // 632, cached pfn unchanged (low_pfn != end_pfn).
        BuddyModel m = zone();
        Compaction cz = new Compaction(m);
        CompactControl cc = kcompactd(9);
        long[] list = new long[32];
        assertEquals(632, cz.migrate.isolateMigratepagesBlock(cc, 512, 1024, 512, list, LRU_600));
        assertEquals(32, cc.nrMigratepages);
        assertFalse(cz.pageblockSkip(512));
        assertEquals(0, cz.cachedMigratePfn[0][0]);
        // The continuation from 632 as a rescan (compact_zone(): the block of last_migrated_pfn): 700 is isolated
        // (first LRU page of this call, not aligned: no mark); the scan reaches 1024 = end_pfn with cc->rescan, so
        // update_cached_migrate(1024) -> 1536 for [0] and [1] (sync-light); valid_page is NULL (632 is not aligned):
        // no set_pageblock_skip() either.
        cc.nrMigratepages = 0;
        cc.rescan = true;
        assertEquals(1024, cz.migrate.isolateMigratepagesBlock(cc, 632, 1024, 512, list, LRU_600));
        assertEquals(1, cc.nrMigratepages);
        assertFalse(cz.pageblockSkip(512));
        assertEquals(1536, cz.cachedMigratePfn[0][0]);
        assertEquals(1536, cz.cachedMigratePfn[0][1]);
        // [1024, 1536) from its start, no migratable page: nr_isolated = 0 at end_pfn, valid_page and no
        // skip_updated -> set_pageblock_skip(1024); update_cached_migrate(1536) -> ALIGN(1537, 512) = 2048
        cc.nrMigratepages = 0;
        cc.rescan = false;
        assertEquals(1536, cz.migrate.isolateMigratepagesBlock(cc, 1024, 1536, 1024, list, LRU_600));
        assertTrue(cz.pageblockSkip(1024));
        assertEquals(2048, cz.cachedMigratePfn[0][0]);
    }

    @Test
    void isolateMigratepagesBlockSkipBitOn612() {
        // 6.5+ (6.12): test_and_set_skip(cc, valid_page) as the lru lock is first taken (page 600) marks the block
        // whose scan started at its start (valid_page = 512); the bit was clear, so the scan goes on: 32 isolated.
        BuddyModel m = new BuddyModel(KernelSemantics.V6_12, List.of(new Zone(0, 0, "DMA32", 0, 4096)), 1);
        Compaction cz = new Compaction(m);
        CompactControl cc = kcompactd(9);
        long[] list = new long[32];
        assertEquals(632, cz.migrate.isolateMigratepagesBlock(cc, 512, 1024, 512, list, LRU_600));
        assertEquals(32, cc.nrMigratepages);
        assertTrue(cz.pageblockSkip(512));
        // a later pass starting at 512 again: "Check if the pageblock has already been marked skipped": isolation
        // aborts at once (nr_scanned 1, low_pfn = end_pfn), nothing isolated, so update_cached_migrate(1024) -> 1536
        CompactControl again = kcompactd(9);
        assertEquals(1024, cz.migrate.isolateMigratepagesBlock(again, 512, 1024, 512, list, LRU_600));
        assertEquals(0, again.nrMigratepages);
        assertEquals(1, again.migrateScanned);
        assertEquals(1536, cz.cachedMigratePfn[0][0]);
    }

    @Test
    void compactionAllocOf610SplitsTheSmallestIsolatedPageKeepingItsLowerHalf() {
        // isolate_freepages_block() list_add_tail()s an order-2 page at 0x1000, then an order-0 page at 0x2000, to
        // cc->freepages[2] and [0]. compaction_alloc_noprof() for order-0 folios:
        //  1. the smallest non-empty list from order 0 is [0]: 0x2000;
        //  2. [0] and [1] empty, [2] holds 0x1000: list_del; start_order 2 -> 1: list_add(0x1000 + 2) to [1];
        //     1 -> 0: list_add(0x1000 + 1) to [0]; the folio is 0x1000;
        //  3. [0]: 0x1001;  4. [1]: 0x1002, its upper half 0x1003 to [0];  5. [0]: 0x1003;
        //  6. all empty: NULL (the caller isolates once more).
        // 6.1's split_map_pages() would have list_add()ed every order-0 page, giving 0x2000, 0x1003, 0x1002, ...
        Freepages fp = new Freepages(11);
        fp.add(0x1000, 2);
        fp.add(0x2000, 0);
        assertEquals(5, fp.pages()); // cc->nr_freepages: 4 + 1
        long[] got = new long[6];
        for (int i = 0; i < got.length; i++) {
            got[i] = fp.compactionAlloc(0);
        }
        assertArrayEquals(new long[] {0x2000, 0x1000, 0x1001, 0x1002, 0x1003, -1}, got);
        assertEquals(0, fp.pages());
    }

    @Test
    void freepagesOfOneOrderAreTakenInIsolationOrder() {
        // list_add_tail() per order: two order-1 pages 0x3000 then 0x4000; the first order-0 folio splits 0x3000
        // (0x3001 to [0]), the second takes 0x3001 from [0], the third splits 0x4000; 0x4001 is left on [0] for
        // release_free_list(), which frees it at order 0.
        Freepages fp = new Freepages(11);
        fp.add(0x3000, 1);
        fp.add(0x4000, 1);
        assertEquals(0x3000, fp.compactionAlloc(0));
        assertEquals(0x3001, fp.compactionAlloc(0));
        assertEquals(0x4000, fp.compactionAlloc(0));
        assertEquals(1, fp.pages());
        assertEquals(-1, fp.poll(1));
        assertEquals(0x4001, fp.poll(0));
    }

    /** A sync direct pass at the scan start: migrate_pfn 0, free_pfn 3584, compact_init_free_pfn 0, 32 to migrate. */
    private static CompactControl syncDirectAtScanStart(int order) {
        CompactControl cc = new CompactControl(0, order, MigrateMode.SYNC_LIGHT, MIGRATE_MOVABLE, 0, 1,
                CompactionContext.DIRECT);
        cc.migratePfn = 0;
        cc.freePfn = 3584;
        cc.initFreePfn = 0;
        cc.nrMigratepages = 32;
        return cc;
    }

    /** The zone with pageblock [1536, 2048) UNMOVABLE, free order-0 pages 1600 and 1700 on its UNMOVABLE list. */
    private static BuddyModel unmovableBlockAtMinPfn(KernelSemantics ks) {
        BuddyModel m = new BuddyModel(ks, List.of(new Zone(0, 0, "DMA32", 0, 4096)), 1);
        for (long pb = 0; pb < 4096; pb += 512) {
            m.setPageblockMigratetype(pb, pb == 1536 ? KernelSemantics.MIGRATE_UNMOVABLE : MIGRATE_MOVABLE);
        }
        m.addToFreeList(0, 1600, 0, KernelSemantics.MIGRATE_UNMOVABLE, true);
        m.addToFreeList(0, 1700, 0, KernelSemantics.MIGRATE_UNMOVABLE, true);
        return m;
    }

    @Test
    void failedScanStartSearchIsolatesAroundTheMinPfnBlockUnchecked61CheckedSince68() {
        // fast_isolate_freepages(), order 9, sync direct: scan_start (free_pfn 3584 >= compact_init_free_pfn 0);
        // distance 3584: min_pfn = pageblock_start(3584 - 1792) = 1536. No MOVABLE free page anywhere: nothing is
        // scanned, highest = 0 < min_pfn, so "be pessimistic for direct compaction": cc->free_pfn = min_pfn = 1536 and
        // page = pageblock_pfn_to_page(1536, 2048). 6.1: fast_isolate_around(1536) (sync, 0 < 32 isolated) scans the
        // block with stride 1 and isolates 1600 and 1700 (isolate_freepages_block() does not look at the block's
        // type); 2 < 32 still wanted, so the block is skip-marked (6.1's test). 6.12: suitable_migration_target()
        // refuses the UNMOVABLE block (6.8+), page = NULL: nothing is isolated and nothing marked.
        BuddyModel m61 = unmovableBlockAtMinPfn(KernelSemantics.V6_1);
        Compaction cz61 = new Compaction(m61);
        CompactControl cc61 = syncDirectAtScanStart(9);
        cz61.free.fastIsolateFreepages(cc61, cc61.freePfn, null, true, PLAIN, Compaction.TRACE_ISOLATES);
        assertEquals(1536, cc61.freePfn);
        assertEquals(2, cc61.nrFreepages);
        assertEquals(2, cz61.free.isolatedBlocks());
        assertEquals(1600, cz61.free.isolatedPfn(0));
        assertEquals(1700, cz61.free.isolatedPfn(1));
        assertTrue(cz61.pageblockSkip(1536));

        BuddyModel m612 = unmovableBlockAtMinPfn(KernelSemantics.V6_12);
        Compaction cz612 = new Compaction(m612);
        CompactControl cc612 = syncDirectAtScanStart(9);
        cz612.free.fastIsolateFreepages(cc612, cc612.freePfn, null, true, PLAIN, Compaction.TRACE_ISOLATES);
        assertEquals(1536, cc612.freePfn);
        assertEquals(0, cc612.nrFreepages);
        assertFalse(cz612.pageblockSkip(1536));
    }

    @Test
    void refusedIsolationAbortsTheSearchStepsSearchOrderAndGivesTheHighestBlockToFastIsolateAround() {
        // fast_isolate_freepages(), order 9, sync direct, scan_start: low_pfn 2560, min_pfn 1536; search_order =
        // min(9 - 1, 9) = 8. free_list[8][MOVABLE] = {2560}: scanned from the tail, highest = 2560, 2560 >= low_pfn:
        // cc->search_order = 8, page = 2560. __isolate_free_page() refuses (the watermark): "order =
        // cc->search_order + 1; page = NULL", and the for loop's next_search_order(cc, 9): order 8 == search_order,
        // so search_order-- = 7 and the loop ends. !page and scan_start: highest 2560 >= min_pfn, cc->free_pfn = 2560
        // and fast_isolate_around(2560): isolate_freepages_block() over [2560, 3072) breaks at the first free page
        // (refused again), nothing isolated. The skip mark differs: 6.1 marks the block (0 < 32 isolated), 6.5+ only
        // a block scanned to its end (start_pfn 2560 != end_pfn 3072): not marked.
        Compaction.IsolateCheck refuse = (z, order) -> false;
        for (KernelSemantics ks : List.of(KernelSemantics.V6_1, KernelSemantics.V6_12)) {
            BuddyModel m = new BuddyModel(ks, List.of(new Zone(0, 0, "DMA32", 0, 4096)), 1);
            m.addToFreeList(0, 2560, 8, MIGRATE_MOVABLE, true);
            Compaction cz = new Compaction(m);
            CompactControl cc = syncDirectAtScanStart(9);
            long[] r = cz.free.fastIsolateFreepages(cc, cc.freePfn, null, true, PLAIN, refuse);
            assertEquals(-1, r[2], ks.name());
            assertEquals(7, cc.searchOrder, ks.name());
            assertEquals(1, cc.fastSearchFail, ks.name());
            assertEquals(2560, cc.freePfn, ks.name());
            assertEquals(0, cc.nrFreepages, ks.name());
            assertEquals(ks == KernelSemantics.V6_1, cz.pageblockSkip(2560), ks.name());
        }
    }

    @Test
    void suitableMigrationTargetRefusesAFreePageOfTheRequestOrderSince69() {
        // suitable_migration_target(): the block starts with a free order-4 page. 6.1 refuses only pageblock_order
        // (9) or more: suitable for an order-4 request. 6.9+ refuses cc->order (4) or more: not suitable; an order-5
        // request still takes it.
        for (KernelSemantics ks : List.of(KernelSemantics.V6_1, KernelSemantics.V6_12)) {
            BuddyModel m = new BuddyModel(ks, List.of(new Zone(0, 0, "DMA32", 0, 4096)), 1);
            m.setPageblockMigratetype(1024, MIGRATE_MOVABLE);
            m.addToFreeList(0, 1024, 4, MIGRATE_MOVABLE, true);
            Compaction cz = new Compaction(m);
            assertEquals(ks == KernelSemantics.V6_1, cz.free.suitableMigrationTarget(direct(4), 1024), ks.name());
            assertTrue(cz.free.suitableMigrationTarget(direct(5), 1024), ks.name());
        }
    }
}
