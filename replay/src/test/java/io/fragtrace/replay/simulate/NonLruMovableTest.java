package io.fragtrace.replay.simulate;

import io.fragtrace.parser.Gfp;
import io.fragtrace.parser.MigrateMode;
import io.fragtrace.replay.compaction.CompactionContext;
import io.fragtrace.replay.config.KernelConfig;
import io.fragtrace.replay.model.CompactControl;
import io.fragtrace.replay.model.NonLruMovable;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static io.fragtrace.replay.model.KernelSemantics.MIGRATE_MOVABLE;
import static io.fragtrace.replay.simulate.SimulatorRulesTest.zone;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Movable non-LRU pages in isolate_migratepages_block() (mm/compaction.c, 6.1: !PageLRU → __PageMovable →
 * isolate_movable_page(), else isolate_fail) and how the trace's gfp masks are recognised. Fixture of
 * {@link SimulatorRulesTest}: one DMA32 zone [0, 4096), every page allocated, order 0, movable; page 3 a zsmalloc page.
 */
class NonLruMovableTest {

    @Test
    void zramAndBalloonMasksAreRecognisedOthersAreNot() {
        // zram_write_page(): __GFP_KSWAPD_RECLAIM|__GFP_NOWARN|__GFP_HIGHMEM|__GFP_MOVABLE, then GFP_NOIO|..: zsmalloc
        assertEquals(NonLruMovable.ZSMALLOC,
                NonLruMovable.kind(Gfp.parse("__GFP_HIGHMEM|__GFP_MOVABLE|__GFP_NOWARN|__GFP_KSWAPD_RECLAIM"), 0));
        assertEquals(NonLruMovable.ZSMALLOC, NonLruMovable.kind(Gfp.parse("GFP_NOIO|__GFP_HIGHMEM|__GFP_MOVABLE"), 0));
        // balloon_page_alloc(): GFP_HIGHUSER_MOVABLE|__GFP_NOMEMALLOC|__GFP_NORETRY|__GFP_NOWARN
        assertEquals(NonLruMovable.BALLOON,
                NonLruMovable.kind(Gfp.parse("GFP_HIGHUSER_MOVABLE|__GFP_NOMEMALLOC|__GFP_NORETRY|__GFP_NOWARN"), 0));
        // anonymous memory and page cache carry IO|FS and no NOMEMALLOC: LRU pages; a THP is not order 0
        assertEquals(NonLruMovable.NONE, NonLruMovable.kind(Gfp.parse("GFP_HIGHUSER_MOVABLE|__GFP_COMP|__GFP_ZERO"), 0));
        assertEquals(NonLruMovable.NONE,
                NonLruMovable.kind(Gfp.parse("__GFP_HIGHMEM|__GFP_MOVABLE|__GFP_NOWARN|__GFP_KSWAPD_RECLAIM"), 9));
        assertEquals(NonLruMovable.NONE, NonLruMovable.kind(Gfp.parse("GFP_KERNEL"), 0));
    }

    private static Simulator sim(boolean movableNonLru) throws Exception {
        Path f = Files.createTempFile("nonlru", ".properties");
        Files.writeString(f, "extends = linux-6.1\nmovable_non_lru = " + (movableNonLru ? "on" : "off") + "\n");
        KernelConfig cfg = io.fragtrace.replay.config.Configs.load(f.toString());
        Files.delete(f);
        Simulator s = new Simulator(zone(), cfg, null, null, Long.MIN_VALUE);
        s.amt[3] = (byte) (MIGRATE_MOVABLE | SimState.NONLRU_BIT);
        return s;
    }

    private static CompactControl cc(MigrateMode mode, CompactionContext ctx) {
        return new CompactControl(0, 9, mode, MIGRATE_MOVABLE, 0, 1, ctx); // highest_zoneidx DMA32
    }

    @Test
    void onTheZsmallocPageIsIsolatedLikeAnLruPage() throws Exception {
        // kcompactd (sync): pfn 0..31 isolated, page 3 among them; COMPACT_CLUSTER_MAX at pfn 31 → returns 32
        Simulator s = sim(true);
        CompactControl c = cc(MigrateMode.SYNC_LIGHT, CompactionContext.KCOMPACTD);
        assertEquals(32, s.cz.migrate.isolateMigratepagesBlock(c, 0, 512, 0, s.migrateList, s.pages));
        assertEquals(32, c.nrMigratepages);
        assertEquals(3, s.migrateList[3]);
        assertEquals(0, s.stats().nonLruBlocked);
    }

    @Test
    void offItFailsIsolationSyncStepsOverIt() throws Exception {
        // sync, no skip_on_failure: page 3 is isolate_fail, the scan goes on: 0..2, 4..32 = 32 pages at pfn 32
        // → returns 33; migrateList[3] = 4
        Simulator s = sim(false);
        CompactControl c = cc(MigrateMode.SYNC_LIGHT, CompactionContext.KCOMPACTD);
        assertEquals(33, s.cz.migrate.isolateMigratepagesBlock(c, 0, 512, 0, s.migrateList, s.pages));
        assertEquals(32, c.nrMigratepages);
        assertEquals(4, s.migrateList[3]);
        assertEquals(1, s.stats().nonLruBlocked);
    }

    @Test
    void offAsyncDirectGivesUpTheOrder9Chunk() throws Exception {
        // async direct for order 9 (skip_on_failure, chunk 512): pfn 0..2 isolated, page 3 fails → the 3 go back,
        // low_pfn = 511 → ends at 512, nothing isolated, 4 pages scanned: the pageblock is lost to this pass
        Simulator s = sim(false);
        CompactControl c = cc(MigrateMode.ASYNC, CompactionContext.DIRECT);
        assertEquals(512, s.cz.migrate.isolateMigratepagesBlock(c, 0, 512, 0, s.migrateList, s.pages));
        assertEquals(0, c.nrMigratepages);
        assertEquals(4, c.migrateScanned);
        // on: the same scan isolates 32 (0..31) and stops at COMPACT_CLUSTER_MAX
        Simulator on = sim(true);
        CompactControl c2 = cc(MigrateMode.ASYNC, CompactionContext.DIRECT);
        assertEquals(32, on.cz.migrate.isolateMigratepagesBlock(c2, 0, 512, 0, on.migrateList, on.pages));
        assertEquals(32, c2.nrMigratepages);
    }
}
