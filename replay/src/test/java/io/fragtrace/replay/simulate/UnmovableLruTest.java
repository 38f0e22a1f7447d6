package io.fragtrace.replay.simulate;

import io.fragtrace.parser.EventLog;
import io.fragtrace.parser.Gfp;
import io.fragtrace.parser.MigrateMode;
import io.fragtrace.replay.compaction.CompactionContext;
import io.fragtrace.replay.model.BuddyModel;
import io.fragtrace.replay.model.CompactControl;
import io.fragtrace.replay.model.UnmovableLru;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;

import static io.fragtrace.replay.model.KernelSemantics.MIGRATE_MOVABLE;
import static io.fragtrace.replay.model.KernelSemantics.MIGRATE_UNMOVABLE;
import static io.fragtrace.replay.simulate.SimulatorRulesTest.sim;
import static io.fragtrace.replay.simulate.SimulatorRulesTest.zone;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A block device's page cache: allocated without __GFP_MOVABLE (bdev_alloc(), block/bdev.c: the mapping's mask is
 * GFP_USER), on the LRU all the same, so isolate_migratepages_block() (mm/compaction.c) takes it.
 */
class UnmovableLruTest {
    /** The mask of 17 captures' readahead of a disk (6.1 and 6.12 alike): readahead_gfp_mask() under memalloc_nofs. */
    private static final String READAHEAD = "GFP_NOFS|__GFP_NOWARN|__GFP_NORETRY|__GFP_COMP|__GFP_HARDWALL";

    @Test
    void theBlockDevicesFolioMaskIsRecognisedOthersAreNot() {
        assertTrue(UnmovableLru.blockDeviceFolio(Gfp.parse(READAHEAD), 0));
        // grow_dev_folio() of a buffer_head: mapping_gfp_constraint(GFP_USER, ~__GFP_FS) | __GFP_NOFAIL, a folio
        assertTrue(UnmovableLru.blockDeviceFolio(Gfp.parse("GFP_NOFS|__GFP_NOFAIL|__GFP_COMP|__GFP_HARDWALL"), 0));
        // kmalloc_large() of a GFP_USER buffer (memdup_user()): the same bits above order 0, no LRU page
        assertFalse(UnmovableLru.blockDeviceFolio(Gfp.parse("GFP_USER|__GFP_COMP|__GFP_NOWARN"), 2));
        // a pipe buffer: alloc_page(GFP_HIGHUSER | __GFP_ACCOUNT), not a folio
        assertFalse(UnmovableLru.blockDeviceFolio(Gfp.parse("GFP_HIGHUSER|__GFP_ACCOUNT"), 0));
        // slab and page tables: no __GFP_HARDWALL
        assertFalse(UnmovableLru.blockDeviceFolio(Gfp.parse("GFP_NOFS|__GFP_NOWARN|__GFP_NORETRY|__GFP_COMP"), 0));
        assertFalse(UnmovableLru.blockDeviceFolio(Gfp.parse("GFP_KERNEL_ACCOUNT|__GFP_ZERO"), 0));
        // movable and reclaimable masks are the migratetype's to say
        assertFalse(UnmovableLru.blockDeviceFolio(Gfp.parse("GFP_HIGHUSER_MOVABLE|__GFP_COMP"), 0));
        assertFalse(UnmovableLru.blockDeviceFolio(Gfp.parse("GFP_USER|__GFP_RECLAIMABLE|__GFP_COMP"), 0));
    }

    /** The fixture below, after one traced order-0 allocation of mask gfp. */
    private static Simulator allocatedOnce(String gfp) {
        BuddyModel m = zone();
        m.setPageblockMigratetype(2048, MIGRATE_UNMOVABLE);
        m.addToFreeList(0, 2048, 6, MIGRATE_UNMOVABLE, true);
        Simulator s = sim(m, "linux-6.1");
        String line = "  dd-300 [000] ..... 10.000000: mm_page_alloc: page=0x1 pfn=0x700 order=0 migratetype=0 "
                + "gfp_flags=" + gfp + "\n";
        EventLog.record(new ByteArrayInputStream(line.getBytes(StandardCharsets.US_ASCII)), "t").replay(s::onEvent);
        return s;
    }

    @Test
    void itIsPlacedAsUnmovableAndCompactionIsolatesIt() {
        // Fixture of SimulatorRulesTest: one DMA32 zone [0, 4096), every pageblock MOVABLE, every page allocated
        // (movable) except one UNMOVABLE pageblock [2048, 2560) whose first 64 pages are free as an order-6 block.
        Simulator s = allocatedOnce(READAHEAD);
        // an UNMOVABLE request takes the UNMOVABLE list's order-6 block and splits it: the page is 2048
        assertEquals(1, s.stats().unmovableLruAllocated);
        assertEquals(MIGRATE_MOVABLE, s.amt[2048]);
        assertTrue(s.pages.lru(2048));
        assertTrue(s.pages.migratable(2048));
        // kcompactd's sync pass over [2048, 2560): 2048 is isolated; the 63 free pages after it are stepped over and
        // the fixture's pages 2112..2559 of an UNMOVABLE block are not movable (isolate_fail; sync mode scans on):
        // one page isolated, the scan at the block's end
        CompactControl c = new CompactControl(0, 9, MigrateMode.SYNC_LIGHT, MIGRATE_MOVABLE, 0, 1,
                CompactionContext.KCOMPACTD);
        assertEquals(2560, s.cz.migrate.isolateMigratepagesBlock(c, 2048, 2560, 0, s.migrateList, s.pages));
        assertEquals(1, c.nrMigratepages);
        assertEquals(2048, s.migrateList[0]);
        // the same page allocated with GFP_NOFS|__GFP_COMP (slab, no __GFP_HARDWALL) pins its block
        Simulator t = allocatedOnce(READAHEAD.replace("|__GFP_HARDWALL", ""));
        assertEquals(0, t.stats().unmovableLruAllocated);
        assertFalse(t.pages.migratable(2048));
    }
}
