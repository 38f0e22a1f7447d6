package io.fragtrace.replay.simulate;

import io.fragtrace.parser.CompactStatus;
import io.fragtrace.parser.MigrateMode;
import io.fragtrace.replay.compaction.CompactionContext;
import io.fragtrace.replay.model.BuddyModel;
import io.fragtrace.replay.model.CompactControl;
import io.fragtrace.replay.model.Compaction;
import org.junit.jupiter.api.Test;

import static io.fragtrace.replay.model.KernelSemantics.MIGRATE_MOVABLE;
import static io.fragtrace.replay.model.KernelSemantics.MIGRATE_UNMOVABLE;
import static io.fragtrace.replay.simulate.SimulatorRulesTest.sim;
import static io.fragtrace.replay.simulate.SimulatorRulesTest.zone;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Branches of __compact_finished() and isolate_migratepages_block() (mm/compaction.c, 6.1) that
 * {@link DaemonAndScannerRulesTest} does not reach: the stealable-fallback exit (find_suitable_fallback(...,
 * only_stealable = true) with can_steal_fallback() of mm/page_alloc.c), compound pages stepped over whole, and the
 * skip bit of a block that isolated nothing. Fixture of {@link SimulatorRulesTest}: DMA32 [0, 4096), 8 MOVABLE
 * pageblocks of 512 pages (pageblock_order 9), every page allocated order 0 movable unless put on a free list.
 * Expected values worked out by hand beside each assertion.
 */
class CompactionEdgeRulesTest {
    private static final int DMA32 = 1;

    private static CompactControl cc(int order, int migratetype, MigrateMode mode, CompactionContext ctx) {
        return new CompactControl(0, order, mode, migratetype, 0, DMA32, ctx);
    }

    /** A control whose scanners are apart and whose migration scanner sits on a pageblock boundary. */
    private static CompactControl aligned(int order, int migratetype) {
        CompactControl c = cc(order, migratetype, MigrateMode.SYNC_LIGHT, CompactionContext.KCOMPACTD);
        c.migratePfn = 1024;
        c.freePfn = 4096;
        return c;
    }

    /** One free block of {@code order} at pfn 1024 on {@code listMt}'s list, its pageblock of that type. */
    private static Simulator oneFreeBlock(int order, int listMt) {
        BuddyModel m = zone();
        m.setPageblockMigratetype(1024, listMt);
        m.addToFreeList(0, 1024, order, listMt, true);
        return sim(m, "linux-6.1");
    }

    @Test
    void aStealableFallbackOfTheOrderFinishesCompaction() {
        // movable request, order 9; only an order-9 block on the UNMOVABLE list. free_list[MOVABLE] of orders 9, 10
        // empty; find_suitable_fallback(area[9], 9, MOVABLE, only_stealable): fallbacks[MOVABLE] = {RECLAIMABLE,
        // UNMOVABLE}, UNMOVABLE's list has it, can_steal_fallback(9, MOVABLE): 9 >= pageblock_order 9 -> true -> found
        // -> "movable pages are OK in any pageblock" -> COMPACT_SUCCESS
        Simulator s = oneFreeBlock(9, MIGRATE_UNMOVABLE);
        assertEquals(CompactStatus.SUCCESS, s.compactFinished(aligned(9, MIGRATE_MOVABLE)));
        // order 5 from an order-5 UNMOVABLE block: can_steal_fallback(5, MOVABLE): 5 >= pageblock_order / 2 = 4 -> true
        Simulator h = oneFreeBlock(5, MIGRATE_UNMOVABLE);
        assertEquals(CompactStatus.SUCCESS, h.compactFinished(aligned(5, MIGRATE_MOVABLE)));
    }

    @Test
    void aFallbackThatCannotBeStolenIsNoSuitablePage() {
        // movable request, order 3; only an order-3 block on the UNMOVABLE list: can_steal_fallback(3, MOVABLE):
        // 3 < 9, 3 < 4, start type MOVABLE is neither RECLAIMABLE nor UNMOVABLE -> false; only_stealable -> -1.
        // Orders 4..10 have nr_free 0 -> -1. __compact_finished() = COMPACT_NO_SUITABLE_PAGE, which compact_finished()
        // reports as COMPACT_CONTINUE (keep compacting)
        Simulator s = oneFreeBlock(3, MIGRATE_UNMOVABLE);
        CompactControl c = aligned(3, MIGRATE_MOVABLE);
        assertEquals(Compaction.FIN_NO_SUITABLE_PAGE,
                s.cz.compactFinished(c, false, s.proactiveWmarks[0], s.compactionWatermarks));
        assertEquals(CompactStatus.CONTINUE, s.compactFinished(c));
        // the same block for an UNMOVABLE request sits on the request's own list: SUCCESS at the first test ("job
        // done if page is free of the right migratetype")
        assertEquals(CompactStatus.SUCCESS, s.compactFinished(aligned(3, MIGRATE_UNMOVABLE)));
        // an UNMOVABLE request with an order-3 block on the MOVABLE list only: fallbacks[UNMOVABLE] reaches MOVABLE,
        // can_steal_fallback(3, UNMOVABLE) = true -> found; migrate_pfn 1024 is pageblock-aligned -> COMPACT_SUCCESS
        Simulator t = oneFreeBlock(3, MIGRATE_MOVABLE);
        assertEquals(CompactStatus.SUCCESS, t.compactFinished(aligned(3, MIGRATE_UNMOVABLE)));
    }

    @Test
    void compoundPagesAreSteppedOverWhole() {
        // block [0, 512): an order-4 THP at [0, 16), every other page order 0 movable; kcompactd (not direct, so no
        // skip_on_failure). pfn 0: PageCompound and !alloc_contig -> low_pfn += (1 << 4) - 1 = 15, isolate_fail;
        // pfn 16..47 isolated: the 32nd (COMPACT_CLUSTER_MAX) at pfn 47 -> ++low_pfn, break -> returns 48.
        // nr_scanned (6.1: a skipped compound page counts once) = 1 + 32 = 33
        Simulator s = sim(zone(), "linux-6.1");
        s.amt[0] = (byte) (MIGRATE_MOVABLE | SimState.COMPOUND_BIT);
        s.aord[0] = 4;
        CompactControl c = cc(9, MIGRATE_MOVABLE, MigrateMode.SYNC_LIGHT, CompactionContext.KCOMPACTD);
        assertEquals(48, s.cz.migrate.isolateMigratepagesBlock(c, 0, 512, 0, s.migrateList, s.pages));
        assertEquals(32, c.nrMigratepages);
        assertEquals(33, c.migrateScanned);
        assertEquals(16, s.migrateList[0]);
        assertEquals(47, s.migrateList[31]);
        assertFalse(s.cz.pageblockSkip(0), "the scan stopped inside the block: no skip bit");
    }

    @Test
    void aBlockThatIsolatedNothingIsSkipMarked() {
        // block [512, 1024): every page pinned (not movable) -> each pfn isolate_fail; kcompactd has no
        // skip_on_failure, so the loop runs to end_pfn: low_pfn == end_pfn and nr_isolated == 0 ->
        // set_pageblock_skip(valid_page = pfn 512, the block's first page) and update_cached_migrate()
        Simulator s = sim(zone(), "linux-6.1");
        for (int pfn = 512; pfn < 1024; pfn++) {
            s.amt[pfn] = SimState.PINNED;
        }
        CompactControl c = cc(9, MIGRATE_MOVABLE, MigrateMode.SYNC_LIGHT, CompactionContext.KCOMPACTD);
        assertEquals(1024, s.cz.migrate.isolateMigratepagesBlock(c, 512, 1024, 512, s.migrateList, s.pages));
        assertEquals(0, c.nrMigratepages);
        assertEquals(512, c.migrateScanned);
        assertTrue(s.cz.pageblockSkip(512));
        assertFalse(s.cz.pageblockSkip(0));
        // a scan that started mid-block (low_pfn 600) has no valid_page (only a pageblock-aligned first pfn sets it):
        // no skip bit
        Simulator t = sim(zone(), "linux-6.1");
        for (int pfn = 512; pfn < 1024; pfn++) {
            t.amt[pfn] = SimState.PINNED;
        }
        assertEquals(1024, t.cz.migrate.isolateMigratepagesBlock(c, 600, 1024, 512, t.migrateList, t.pages));
        assertFalse(t.cz.pageblockSkip(512));
    }
}
