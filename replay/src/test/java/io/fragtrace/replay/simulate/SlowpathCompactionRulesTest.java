package io.fragtrace.replay.simulate;

import io.fragtrace.parser.CompactStatus;
import io.fragtrace.parser.Gfp;
import io.fragtrace.parser.MigrateMode;
import io.fragtrace.replay.compaction.CompactionContext;
import io.fragtrace.replay.compaction.CompactionRun;
import io.fragtrace.replay.model.BuddyModel;
import io.fragtrace.replay.model.Compaction;
import org.junit.jupiter.api.Test;

import static io.fragtrace.replay.model.KernelSemantics.MIGRATE_MOVABLE;
import static io.fragtrace.replay.model.KernelSemantics.MIGRATE_UNMOVABLE;
import static io.fragtrace.replay.simulate.SimState.PRIO_ASYNC;
import static io.fragtrace.replay.simulate.SimState.PRIO_SYNC_FULL;
import static io.fragtrace.replay.simulate.SimState.PRIO_SYNC_LIGHT;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The direct-compaction priorities of __alloc_pages_slowpath() and should_compact_retry() (mm/page_alloc.c, 6.1 =
 * 6.12), and compact_zone()'s bookkeeping at its end (mm/compaction.c). Expected values worked by hand beside each.
 */
class SlowpathCompactionRulesTest {

    @Test
    void costlyRequestsStopAtSyncLight() {
        // should_compact_retry(), order 9 (> PAGE_ALLOC_COSTLY_ORDER): COMPLETE is compaction_failed() ->
        // check_priority; min_priority = MIN_COMPACT_COSTLY_PRIORITY = COMPACT_PRIO_SYNC_LIGHT (1). From the loop's
        // DEF_COMPACT_PRIORITY (1) there is nothing higher: no retry, no sync-full pass for a costly order.
        int[] pr = {PRIO_SYNC_LIGHT, 0};
        assertFalse(PageAlloc.shouldCompactRetry(9, CompactStatus.COMPLETE, pr));
        assertArrayEquals(new int[] {PRIO_SYNC_LIGHT, 0}, pr);
        // a costly __GFP_NORETRY request kept at INIT_COMPACT_PRIORITY (async, 2): one step to sync-light (1)
        int[] noretry = {PRIO_ASYNC, 3};
        assertTrue(PageAlloc.shouldCompactRetry(9, CompactStatus.PARTIAL_SKIPPED, noretry));
        assertArrayEquals(new int[] {PRIO_SYNC_LIGHT, 0}, noretry); // compaction_retries reset to 0
    }

    @Test
    void nonCostlyRequestsGoOnToSyncFull() {
        // order 2 (<= 3): min_priority = MIN_COMPACT_PRIORITY = COMPACT_PRIO_SYNC_FULL (0); a withdrawn result
        // (DEFERRED, CONTENDED, PARTIAL_SKIPPED) also goes to check_priority: 1 -> 0, then nothing higher
        int[] pr = {PRIO_SYNC_LIGHT, 0};
        assertTrue(PageAlloc.shouldCompactRetry(2, CompactStatus.DEFERRED, pr));
        assertEquals(PRIO_SYNC_FULL, pr[0]);
        assertFalse(PageAlloc.shouldCompactRetry(2, CompactStatus.COMPLETE, pr));
        // order 0 never retries compaction
        assertFalse(PageAlloc.shouldCompactRetry(0, CompactStatus.COMPLETE, new int[] {PRIO_SYNC_LIGHT, 0}));
    }

    @Test
    void progressRetriesAtTheSamePriorityUpToAQuarterForCostly() {
        // SUCCESS (compaction_made_progress) counts ++compaction_retries; costly: max_retries = 16 / 4 = 4, so the
        // 1st..4th SUCCESS retry at sync-light, the 5th goes to check_priority, where sync-light is already the top
        int[] pr = {PRIO_SYNC_LIGHT, 0};
        for (int i = 1; i <= 4; i++) {
            assertTrue(PageAlloc.shouldCompactRetry(9, CompactStatus.SUCCESS, pr), "retry " + i);
            assertArrayEquals(new int[] {PRIO_SYNC_LIGHT, i}, pr);
        }
        assertFalse(PageAlloc.shouldCompactRetry(9, CompactStatus.SUCCESS, pr));
        // non-costly: 16 retries, then check_priority raises sync-light (1) to sync-full (0), retries back to 0
        int[] small = {PRIO_SYNC_LIGHT, 16};
        assertTrue(PageAlloc.shouldCompactRetry(1, CompactStatus.SUCCESS, small));
        assertArrayEquals(new int[] {PRIO_SYNC_FULL, 0}, small);
        // SKIPPED (compaction_needs_reclaim): only compaction_zonelist_suitable() after reclaim would retry; no
        // reclaim in the model, so no retry, and the priority is untouched
        int[] skipped = {PRIO_SYNC_LIGHT, 0};
        assertFalse(PageAlloc.shouldCompactRetry(9, CompactStatus.SKIPPED, skipped));
        assertArrayEquals(new int[] {PRIO_SYNC_LIGHT, 0}, skipped);
    }

    @Test
    void aFailedAsyncPassIsFollowedBySyncLightNotAsyncAgain() {
        // __alloc_pages_slowpath() (6.1) for an order-9 __GFP_RETRY_MAYFAIL request (hugetlb) that no compaction can
        // serve: every pageblock UNMOVABLE, the allocated pages pinned, 2048 free order-0 pages (watermark and
        // compaction_suitable() pass: 2048 > low 14 + compact_gap 1024; fragmentation index 1000 - (1000 + 2048 *
        // 1000 / 512) / 2048 = 998 > 500). The first attempt runs at INIT_COMPACT_PRIORITY (async) and ends COMPLETE;
        // the retry loop's compact_priority = DEF_COMPACT_PRIORITY (sync-light), COMPLETE again; should_compact_retry()
        // then stops (costly: sync-light is the top). So one async and one sync-light direct pass: no second async
        // pass, no sync-full one.
        BuddyModel m = SimulatorRulesTest.zone();
        for (long pfn = 0; pfn < 4096; pfn += 512) {
            m.setPageblockMigratetype(pfn, MIGRATE_UNMOVABLE);
        }
        for (long pfn = 0; pfn < 4096; pfn += 2) {
            m.addToFreeList(0, pfn, 0, MIGRATE_UNMOVABLE, true);
        }
        Simulator s = SimulatorRulesTest.sim(m, "linux-6.1");
        long gfp = Gfp.parse("GFP_HIGHUSER_MOVABLE|__GFP_RETRY_MAYFAIL|__GFP_COMP");
        assertEquals(-1, s.allocPagesSlowpath(9, gfp, MIGRATE_MOVABLE, PageAlloc.gfpZone(gfp), 0));
        int async = 0;
        int sync = 0;
        for (CompactionRun r : s.runs()) {
            if (r.context() != CompactionContext.DIRECT) {
                continue;
            }
            assertEquals(CompactStatus.COMPLETE, r.status());
            if (r.mode() == MigrateMode.ASYNC) {
                async++;
            } else {
                sync++;
            }
        }
        assertEquals(1, async);
        assertEquals(1, sync);
    }

    @Test
    void aNodeLocalThpAttemptOnlyCompactsOnce() {
        // The first THP attempt of alloc_pages_mpol() (mm/mempolicy.c) is gfp | __GFP_THISNODE | __GFP_NORETRY.
        // __alloc_pages_slowpath() (mm/page_alloc.c) runs its INIT_COMPACT_PRIORITY (async) compaction; the result
        // COMPLETE is neither SKIPPED nor DEFERRED, and with 9c9828d3ead6 ("mm, page_alloc, thp: prevent reclaim for
        // __GFP_THISNODE THP allocations", in the 6.1 and 6.12 stable branches) "if (gfp_mask & __GFP_THISNODE) goto
        // nopage": no reclaim, no second compaction. Same zone as above (no compaction can serve it): 1 async pass.
        // Without __GFP_THISNODE (a non-madvised defrag=always retry, GFP_TRANSHUGE | __GFP_NORETRY): compact_priority
        // stays INIT_COMPACT_PRIORITY, the retry loop compacts again at async, then "if (gfp_mask & __GFP_NORETRY)
        // goto nopage": 2 async passes. On 4.4 (no such check) the THISNODE request also makes 2.
        assertEquals(1, directAsyncPasses("linux-6.1", "GFP_TRANSHUGE|__GFP_NORETRY|__GFP_THISNODE"));
        assertEquals(2, directAsyncPasses("linux-6.1", "GFP_TRANSHUGE|__GFP_NORETRY"));
        assertEquals(2, directAsyncPasses("linux-4.4", "GFP_TRANSHUGE|__GFP_NORETRY|__GFP_THISNODE"));
    }

    /** The zone of aFailedAsyncPassIsFollowedBySyncLightNotAsyncAgain, one failing order-9 request: its passes. */
    private static int directAsyncPasses(String config, String gfpText) {
        BuddyModel m = SimulatorRulesTest.zone();
        for (long pfn = 0; pfn < 4096; pfn += 512) {
            m.setPageblockMigratetype(pfn, MIGRATE_UNMOVABLE);
        }
        for (long pfn = 0; pfn < 4096; pfn += 2) {
            m.addToFreeList(0, pfn, 0, MIGRATE_UNMOVABLE, true);
        }
        Simulator s = SimulatorRulesTest.sim(m, config);
        long gfp = Gfp.parse(gfpText);
        assertEquals(-1, s.allocPagesSlowpath(9, gfp, MIGRATE_MOVABLE, PageAlloc.gfpZone(gfp), 0));
        int async = 0;
        for (CompactionRun r : s.runs()) {
            assertEquals(CompactionContext.DIRECT, r.context());
            assertEquals(MigrateMode.ASYNC, r.mode(), "no sync pass for a __GFP_NORETRY request");
            async++;
        }
        return async;
    }

    @Test
    void releasedTargetsPullTheCachedFreePfnUpToTheHighestOne() {
        // compact_zone() out: release_freepages() returns the highest pfn it freed; the cached free pfn moves up to
        // its pageblock only ("Only go back, not forward"). Zone [0, 4096), pageblocks of 512: cached at 1024;
        // released targets at 1100 and 2600 -> pageblock_start(2600) = 2560 > 1024 -> 2560; then 1500 -> 1024 < 2560,
        // unchanged.
        BuddyModel m = SimulatorRulesTest.zone();
        Compaction cz = new Compaction(m);
        cz.cachedFreePfn[0] = 1024;
        cz.releasedFreepages(0, Math.max(1100, 2600));
        assertEquals(2560, cz.cachedFreePfn[0]);
        cz.releasedFreepages(0, 1500);
        assertEquals(2560, cz.cachedFreePfn[0]);
    }

    @Test
    void aSuccessfulDirectCompactionClearsTheBlockskipFlush() {
        // __alloc_pages_direct_compact() (mm/page_alloc.c, 6.1 = 6.12): a page after compaction -> zone->
        // compact_blockskip_flush = false, so kswapd's next sleep does not reset the skip bits. Zone [0, 4096):
        // pageblocks 0-3 full of movable pages, 512 free order-2 blocks (2048 pages) at 2048..4095 as targets
        // (compaction_suitable(): 2048 > low 14 + compact_gap 1024; fragmentation index 1000 - (1000 + 2048 * 1000 /
        // 512) / 512 = 991 > 500); async order-9 compaction empties block 0 (512 pages migrated) and
        // compaction_capture() takes it: the page at pfn 0.
        BuddyModel m = SimulatorRulesTest.zone();
        for (long pfn = 2048; pfn < 4096; pfn += 4) {
            m.addToFreeList(0, pfn, 2, MIGRATE_MOVABLE, true);
        }
        Simulator s = SimulatorRulesTest.sim(m, "linux-6.1");
        s.cz.blockskipFlush[0] = true; // a direct pass whose scanners met left it set
        long gfp = Gfp.parse("GFP_HIGHUSER_MOVABLE|__GFP_RETRY_MAYFAIL|__GFP_COMP");
        long p = s.allocPagesDirectCompact(9, gfp, Watermarks.gfpToAllocFlags(gfp), MIGRATE_MOVABLE,
                PageAlloc.gfpZone(gfp), PRIO_ASYNC, 0);
        assertEquals(0, p);
        assertFalse(s.cz.blockskipFlush[0]);
    }
}
