package io.fragtrace.replay.simulate;

import io.fragtrace.parser.MigrateMode;
import io.fragtrace.replay.compaction.CompactionContext;
import io.fragtrace.replay.model.BuddyModel;
import io.fragtrace.replay.model.CompactControl;
import org.junit.jupiter.api.Test;

import static io.fragtrace.replay.model.KernelSemantics.MIGRATE_MOVABLE;
import static io.fragtrace.replay.model.KernelSemantics.MIGRATE_UNMOVABLE;
import static io.fragtrace.replay.simulate.SimulatorRulesTest.cfg;
import static io.fragtrace.replay.simulate.SimulatorRulesTest.zone;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The page a migration leaves behind is put like any order-0 page: migrate_pages() drops the last reference and
 * free_unref_page() (mm/page_alloc.c) adds it to the head of the compacting CPU's pcp list; it reaches the buddy
 * lists, merges, and can be captured (compaction_capture() in __free_one_page()) only when that list is flushed:
 * by free_pcppages_bulk() at pcp->high or by compact_zone()'s drain when the migration scanner leaves the
 * cc->order-aligned block it migrated from (lru_add_drain_cpu_zone() -> drain_local_pages(), 6.1; every context).
 * Fixture of {@link SimulatorRulesTest}: one DMA32 zone [0, 4096), every page allocated order 0, one CPU.
 */
class MigratedPageFreeTest {

    @Test
    void migratedFromPagesWaitOnThePcpListAndMergeAndAreCapturedAtTheDrain() {
        Simulator s = new Simulator(zone(), cfg("linux-6.1"), null, null, Long.MIN_VALUE);
        BuddyModel m = s.m;
        // pageblock 0 unmovable: compaction_capture() refuses orders below pageblock_order in a movable block
        m.setPageblockMigratetype(0, MIGRATE_UNMOVABLE);
        CompactControl cc = migrateFirstFour(s);
        // all four on CPU 0's pcp list, none on the buddy lists, nothing captured yet
        assertEquals(4, s.pcpCount[0][0]);
        for (long p = 0; p < 4; p++) {
            assertEquals(BuddyModel.KIND_PCP, m.kind(p));
        }
        assertEquals(-1, cc.capturedPfn);
        // drain_local_pages(): free_pcppages_bulk() frees from the list's tail, i.e. in the order they were added:
        // 0 (order 0, buddy 1 not free), 1 (merges with 0 -> order 1 at 0), 2 (order 0, buddy 3 not free),
        // 3 (merges with 2 -> order 1 at 2, with 0 -> order 2 at 0): compaction_capture() at order 2 = cc->order
        // takes the block at pfn 0 before it merges further (the block is unmovable: no pollution check refuses it).
        s.drainLocalPages(0, 0);
        assertEquals(0, s.pcpCount[0][0]);
        assertEquals(0, cc.capturedPfn);
        assertEquals(0, m.nrFree(0, 0) + m.nrFree(0, 1) + m.nrFree(0, 2));
    }

    @Test
    void inAMovableBlockTheyMergeAtTheDrainAndAreNotCaptured() {
        // the same pass in a movable pageblock: compaction_capture() refuses order 2 < pageblock_order there, so the
        // drain merges 0..3 into one free order-2 block at pfn 0 on the buddy lists
        Simulator s = new Simulator(zone(), cfg("linux-6.1"), null, null, Long.MIN_VALUE);
        CompactControl cc = migrateFirstFour(s);
        assertEquals(BuddyModel.KIND_PCP, s.m.kind(0));
        s.drainLocalPages(0, 0);
        assertEquals(-1, cc.capturedPfn);
        assertEquals(BuddyModel.KIND_BUDDY, s.m.kind(0));
        assertEquals(2, s.m.orderAt(0));
    }

    /** A direct order-2 pass (current->capture_control set) migrates pfns 0..3 to the targets 2048..2051. */
    private static CompactControl migrateFirstFour(Simulator s) {
        s.pcpHigh[0][0] = 100; // no pcp->high flush while the four pages are freed
        CompactControl cc = new CompactControl(0, 2, MigrateMode.ASYNC, MIGRATE_MOVABLE, 0, 1,
                CompactionContext.DIRECT);
        for (int i = 0; i < 4; i++) {
            s.migrateList[i] = i;
            s.targets[i] = 2048 + i;
        }
        s.targetHead = 0;
        s.targetTail = 4;
        cc.nrMigratepages = 4;
        s.capturing = cc;
        assertTrue(s.migratePages(cc));
        return cc;
    }
}
