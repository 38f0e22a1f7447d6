package io.fragtrace.replay.simulate;

import io.fragtrace.parser.CompactStatus;
import io.fragtrace.parser.Gfp;
import io.fragtrace.replay.config.Configs;
import io.fragtrace.replay.config.KernelConfig;
import io.fragtrace.replay.model.BuddyModel;
import io.fragtrace.replay.model.CompactControl;
import io.fragtrace.replay.model.Zone;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.fragtrace.replay.model.KernelSemantics.MIGRATE_MOVABLE;
import static io.fragtrace.replay.model.KernelSemantics.MIGRATE_RECLAIMABLE;
import static io.fragtrace.replay.model.KernelSemantics.MIGRATE_UNMOVABLE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The simulator's allocator and compaction rules on small hand-built zones; expected values by hand. */
class SimulatorRulesTest {

    /** One DMA32 zone [0, 4096): 8 pageblocks of 512, all MOVABLE, min watermark 10 (low 14, high 18). */
    static BuddyModel zone() {
        Zone z = new Zone(0, 0, "DMA32", 0, 4096);
        z.present = 4096;
        z.managed = 4096;
        z.wmarkMin = 10;
        z.lowmemReserve = new long[5];
        KernelConfig cfg = cfg("linux-6.1");
        return new BuddyModel(Simulator.semantics(cfg, 11, 9), List.of(z), 1);
    }

    static KernelConfig cfg(String name) {
        try {
            return Configs.load(name);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static Simulator sim(BuddyModel m, String config) {
        return new Simulator(m, cfg(config), null, null, Long.MIN_VALUE);
    }

    @Test
    void watermarksFromTheStartStateForAuto() {
        // min_free_kbytes = auto: min from the start state (10); gap = max(10 >> 2, 4096*10/10000) = 4
        Simulator s = sim(zone(), "linux-6.1");
        assertEquals(10, s.watermarks(0)[0]);
        assertEquals(14, s.watermarks(0)[1]);
        assertEquals(18, s.watermarks(0)[2]);
    }

    @Test
    void zoneWatermarkOkNeedsABlockOfTheOrder() {
        // __zone_watermark_ok: 64 free pages as 16 order-2 blocks pass order 0..2 but not order 3
        BuddyModel m = zone();
        for (int i = 0; i < 16; i++) {
            m.addToFreeList(0, 1024 + 8L * i, 2, MIGRATE_MOVABLE, true);
        }
        Simulator s = sim(m, "linux-6.1");
        long free = m.freePages(0);
        assertEquals(64, free);
        assertTrue(s.zoneWatermarkOk(0, 2, 14, 1, 0, free));
        assertFalse(s.zoneWatermarkOk(0, 3, 14, 1, 0, free));
        // and order 0 fails once free <= mark: mark 64
        assertFalse(s.zoneWatermarkOk(0, 0, 64, 1, 0, free));
    }

    @Test
    void fallbackTakesTheLargestBlockAndClaimsOnlyWithHalfABlock() {
        // __rmqueue_fallback (6.1): an UNMOVABLE order-0 request with no unmovable page searches from MAX_ORDER down;
        // order 5 has a MOVABLE block (fallbacks[UNMOVABLE] = RECLAIMABLE, MOVABLE), order 3 a RECLAIMABLE one: the
        // order-5 block wins. steal_suitable_fallback: can_steal (unmovable) → move_freepages_block moves the 32 free
        // pages to the UNMOVABLE lists; alike = 512 - (32 free + 480 movable) = 0 (the start state's allocated pages
        // in a MOVABLE block count as movable without kpageflags) → 32 < 256: the block keeps its owner.
        BuddyModel m = zone();
        m.addToFreeList(0, 2048, 5, MIGRATE_MOVABLE, true);
        m.addToFreeList(0, 1024, 3, MIGRATE_RECLAIMABLE, true);
        Simulator s = sim(m, "linux-6.1");
        long p = s.rmqueueMain(0, 0, MIGRATE_UNMOVABLE, 0);
        assertTrue(p >= 2048 && p < 2048 + 32, "page from the order-5 block, got " + p);
        assertEquals(MIGRATE_MOVABLE, m.pageblockMigratetype(2048));
        assertEquals(0, s.stats().fallbacksChangedOwnership);
        assertEquals(0, m.freeListLength(0, 5, MIGRATE_MOVABLE));
        assertEquals(1, m.freeListLength(0, 4, MIGRATE_UNMOVABLE)); // expand(): 16 + 8 + 4 + 2 + 1 left, unmovable
        assertEquals(1, m.freeListLength(0, 3, MIGRATE_RECLAIMABLE)); // untouched
        // an order-8 free block (256 pages) is half a pageblock: free 256 + alike 0 >= 256 → claimed
        BuddyModel m2 = zone();
        m2.addToFreeList(0, 2048, 8, MIGRATE_MOVABLE, true);
        Simulator s2 = sim(m2, "linux-6.1");
        s2.rmqueueMain(0, 0, MIGRATE_UNMOVABLE, 0);
        assertEquals(MIGRATE_UNMOVABLE, m2.pageblockMigratetype(2048));
        assertEquals(1, s2.stats().fallbacksChangedOwnership);
        // and the steal boosted the watermark (boost_watermark: max(512, 18*15000/10000 = 27) → 512)
        assertEquals(512, s2.boost[0]);
    }

    @Test
    void movableFallbackTakesTheSmallestWhenItCannotSteal() {
        // __rmqueue_fallback find_smallest (4.13+): MOVABLE order 0, the largest fallback is an UNMOVABLE order-3
        // block; can_steal_fallback(3, MOVABLE) is false (3 < pageblock_order/2 = 4), so the search restarts from
        // order 0 upward and takes the RECLAIMABLE order-1 block; no ownership change (no whole-block steal).
        BuddyModel m = zone();
        m.setPageblockMigratetype(1024, MIGRATE_UNMOVABLE);
        m.addToFreeList(0, 1024, 3, MIGRATE_UNMOVABLE, true);
        m.setPageblockMigratetype(3072, MIGRATE_RECLAIMABLE);
        m.addToFreeList(0, 3072, 1, MIGRATE_RECLAIMABLE, true);
        Simulator s = sim(m, "linux-6.1");
        long p = s.rmqueueMain(0, 0, MIGRATE_MOVABLE, 0);
        assertTrue(p == 3072 || p == 3073, "from the order-1 block, got " + p);
        assertEquals(MIGRATE_RECLAIMABLE, m.pageblockMigratetype(3072));
        assertEquals(0, s.stats().fallbacksChangedOwnership);
        // 4.4 (before find_smallest): the largest block is taken and split, no steal (cannot steal)
        BuddyModel m44 = zone();
        m44.setPageblockMigratetype(1024, MIGRATE_UNMOVABLE);
        m44.addToFreeList(0, 1024, 3, MIGRATE_UNMOVABLE, true);
        m44.setPageblockMigratetype(3072, MIGRATE_RECLAIMABLE);
        m44.addToFreeList(0, 3072, 1, MIGRATE_RECLAIMABLE, true);
        long p44 = sim(m44, "linux-4.4").rmqueueMain(0, 0, MIGRATE_MOVABLE, 0);
        assertEquals(1024, p44);
    }

    @Test
    void compactionSuitableHonoursExtfragThreshold() {
        // compaction_suitable (6.1), order 9: six free order-8 blocks (1536 pages) pass the order-0 check
        // (1536 > low 14 + compact_gap 1024) but fragmentation_index = 1000 - (1000 + 1536*1000/512)/6 = 334
        // <= extfrag_threshold 500 → NOT_SUITABLE_ZONE (reported as SKIPPED: lack of memory, not fragmentation)
        BuddyModel m = zone();
        for (int i = 0; i < 6; i++) {
            m.addToFreeList(0, 512L * i, 8, MIGRATE_MOVABLE, true);
        }
        Simulator s = sim(m, "linux-6.1");
        assertEquals(CompactStatus.SKIPPED, s.compactionSuitable(0, 9, 0, 1));
        assertEquals(1, s.stats().suitable[CompactStatus.NOT_SUITABLE_ZONE.ordinal()]);
        // 48 order-5 blocks (1536 pages): index = 1000 - (1000 + 3000)/48 = 917 > 500 → CONTINUE
        BuddyModel m2 = zone();
        for (int i = 0; i < 48; i++) {
            m2.addToFreeList(0, 64L * i, 5, MIGRATE_MOVABLE, true);
        }
        assertEquals(CompactStatus.CONTINUE, sim(m2, "linux-6.1").compactionSuitable(0, 9, 0, 1));
        // too little memory: 16 order-5 blocks (512 pages) < 14 + 1024 → SKIPPED by the watermark
        BuddyModel m3 = zone();
        for (int i = 0; i < 16; i++) {
            m3.addToFreeList(0, 64L * i, 5, MIGRATE_MOVABLE, true);
        }
        Simulator s3 = sim(m3, "linux-6.1");
        assertEquals(CompactStatus.SKIPPED, s3.compactionSuitable(0, 9, 0, 1));
        assertEquals(1, s3.stats().suitable[CompactStatus.SKIPPED.ordinal()]);
    }

    /**
     * Pageblock 0: [0,256) free (order 8), [256,512) movable; pageblocks 1-5: every other order-2 chunk free
     * (320 blocks, 1280 pages); pageblock 7: [3584,3840) free (order 8); everything else allocated movable.
     */
    static BuddyModel fragmented() {
        BuddyModel m = zone();
        m.addToFreeList(0, 0, 8, MIGRATE_MOVABLE, true);
        for (long p = 512; p < 3072; p += 8) {
            m.addToFreeList(0, p, 2, MIGRATE_MOVABLE, true);
        }
        m.addToFreeList(0, 3584, 8, MIGRATE_MOVABLE, true);
        return m;
    }

    @Test
    void directCompactionMakesTheOrder9Block() {
        // __alloc_pages_slowpath → __alloc_pages_direct_compact (async) → compact_zone: the migrate scanner starts at
        // the zone start (pageblock 0), isolates the 256 movable pages 32 at a time; the free scanner starts at the
        // zone end (pageblock 7, MOVABLE, first page a free order-8 block < pageblock_order → a suitable target) and
        // isolates that order-8 block. The 256 migrated-from pages wait on the CPU's pcp list (free_unref_page());
        // once the scanner reaches pfn 512, check_drain flushes them, they merge into pageblock 0 and
        // compaction_capture() hands the order-9 block to the task: SUCCESS, and the allocation takes pfn 0.
        // fragmentation_index(9) = 1000 - (1000 + 1792*1000/512)/322 = 987 > 500; 1792 free > 14 + 1024.
        BuddyModel m = fragmented();
        Simulator s = sim(m, "linux-6.1");
        long gfp = Gfp.parse("GFP_HIGHUSER_MOVABLE|__GFP_COMP|__GFP_RETRY_MAYFAIL");
        long p = s.allocPages(9, gfp, 0, null);
        assertEquals(0, p);
        SimStats st = s.stats();
        assertEquals(1, st.compactStall);
        assertEquals(1, st.compactSuccess);
        assertEquals(1, st.passes(io.fragtrace.replay.compaction.CompactionContext.DIRECT, CompactStatus.SUCCESS));
        assertEquals(256, st.migrated);
        // the 256 targets came from the order-8 block at 3584: it is gone from the free lists
        assertEquals(BuddyModel.KIND_NONE, m.kind(3584));
        assertEquals(1, st.deferReset >= 1 ? 1 : 0);
    }

    @Test
    void asyncCompactionSkipsUnmovableBlocks() {
        // suitable_migration_source (6.1): async direct compaction for a MOVABLE request only scans MOVABLE blocks;
        // with pageblock 0 UNMOVABLE the scanner passes it, finds nothing to migrate elsewhere (all allocated pages of
        // the start state in other blocks are... movable too, but no order-9 block can form before the scanners meet
        // within the async pass) — the pass ends without SUCCESS at pageblock 0.
        BuddyModel m = fragmented();
        m.setPageblockMigratetype(0, MIGRATE_UNMOVABLE);
        m.freeListHeadPfn(0, 8, MIGRATE_MOVABLE);
        Simulator s = sim(m, "linux-6.1");
        CompactControl cc = new CompactControl(0, 9, io.fragtrace.parser.MigrateMode.ASYNC, MIGRATE_MOVABLE, 0, 1,
                io.fragtrace.replay.compaction.CompactionContext.DIRECT);
        s.compactZone(cc);
        // nothing was migrated out of the unmovable pageblock 0: [256,512) still allocated
        for (long p = 256; p < 512; p++) {
            assertEquals(BuddyModel.KIND_NONE, m.kind(p));
        }
        assertTrue(cc.migratePfn >= 512, "the migrate scanner passed pageblock 0");
    }

    @Test
    void thpGfpFollowsTheDefragMode() {
        // vma_thp_gfp_mask (mm/huge_memory.c): a non-madvised THP fault (trace: GFP_TRANSHUGE | __GFP_NORETRY)
        Simulator s = sim(zone(), "linux-6.1"); // thp_defrag = madvise
        long thp = Gfp.parse("GFP_TRANSHUGE|__GFP_NORETRY");
        assertEquals(0, s.thpGfp(thp, 9) & Gfp.RECLAIM, "madvise, not madvised: GFP_TRANSHUGE_LIGHT");
        long madvised = Gfp.parse("GFP_TRANSHUGE");
        assertEquals(Gfp.DIRECT_RECLAIM, s.thpGfp(madvised, 9) & Gfp.RECLAIM, "madvise, madvised: direct reclaim");
        // alloc_pages_mpol() (mm/mempolicy.c): the first, node-local attempt of a madvised fault under defrag=madvise
        // is GFP_TRANSHUGE | __GFP_THISNODE | __GFP_NORETRY. Its __GFP_NORETRY is the attempt's, not the VMA's: still
        // madvised, so the same flags come back (direct reclaim, __GFP_NORETRY and __GFP_THISNODE kept)
        long firstTry = Gfp.parse("GFP_TRANSHUGE|__GFP_NORETRY|__GFP_THISNODE");
        assertEquals(firstTry, s.thpGfp(firstTry, 9));
        // the same first attempt of a non-madvised fault: GFP_TRANSHUGE_LIGHT | __GFP_THISNODE | __GFP_NORETRY
        long lightFirst = Gfp.parse("GFP_TRANSHUGE_LIGHT|__GFP_NORETRY|__GFP_THISNODE");
        assertEquals(lightFirst, s.thpGfp(lightFirst, 9));
        // not a THP: left alone
        long hugetlb = Gfp.parse("GFP_HIGHUSER_MOVABLE|__GFP_COMP|__GFP_RETRY_MAYFAIL");
        assertEquals(hugetlb, s.thpGfp(hugetlb, 9));
    }

    @Test
    void regionSortedAllocationAndEvacuation(@org.junit.jupiter.api.io.TempDir java.nio.file.Path tmp)
            throws Exception {
        // memory power management (not merged): 4 MiB regions = 1024 pages → regions 0-3 in [0, 4096).
        java.nio.file.Path f = tmp.resolve("r.properties");
        java.nio.file.Files.writeString(f, "extends = regions\nregion_size_mb = 4\n");
        // Sorted-buddy: free order-0 pages in region 3 (head of the list) and region 1: the region-1 page is taken.
        BuddyModel m = zone();
        m.addToFreeList(0, 1500, 0, MIGRATE_MOVABLE, false);
        m.addToFreeList(0, 3500, 0, MIGRATE_MOVABLE, false);
        Simulator s = new Simulator(m, Configs.load(f.toString()), null, null, Long.MIN_VALUE);
        assertEquals(4, s.regionCount());
        assertEquals(3500, m.freeListHeadPfn(0, 0, MIGRATE_MOVABLE));
        assertEquals(1500, s.rmqueueMain(0, 0, MIGRATE_MOVABLE, 0));
        // 4.4-style plain head order without regions takes the head
        BuddyModel m2 = zone();
        m2.addToFreeList(0, 1500, 0, MIGRATE_MOVABLE, false);
        m2.addToFreeList(0, 3500, 0, MIGRATE_MOVABLE, false);
        assertEquals(3500, sim(m2, "linux-6.1").rmqueueMain(0, 0, MIGRATE_MOVABLE, 0));
    }

    @Test
    void evacuationWorkerEmptiesALightlyUsedRegion(@org.junit.jupiter.api.io.TempDir java.nio.file.Path tmp)
            throws Exception {
        // Region 3 = [3072, 4096) holds 5 allocated movable pages (start state), the rest free; region 0 has room.
        // The handshake: an allocation that starts using a fresh region notes it; the next free hands the hint to
        // the worker, which re-checks 0 < used (5) <= 32 and migrates the 5 pages into region 0-2 free pages.
        java.nio.file.Path f = tmp.resolve("r.properties");
        java.nio.file.Files.writeString(f, "extends = regions\nregion_size_mb = 4\n");
        BuddyModel m = zone();
        m.addToFreeList(0, 0, 8, MIGRATE_MOVABLE, true);            // [0, 256) free in region 0
        m.addToFreeList(0, 3072, 10, MIGRATE_MOVABLE, true);        // region 3: [3072, 4096) free ...
        m.delPageFromFreeList(3072);                                // ... except 5 pages, re-listed below
        for (long p = 3077; p < 4096; p++) {
            m.freeOnePage(0, p, 0, MIGRATE_MOVABLE, false);
        }
        Simulator s = new Simulator(m, Configs.load(f.toString()), null, null, Long.MIN_VALUE);
        assertEquals(0, s.freeRegions());                            // every region has allocated pages
        // drive the handshake through the simulator's event path: an allocation in a fresh region is only noted
        // by allocPages' caller, so emulate via the package API: hint region 3 and run the worker
        s.regionHint = 3;
        // a free anywhere (pfn 2000, a start-state page) hands the hint over; the worker runs with the next event
        s.freeUnit(2000, 0, 0);
        s.finish();
        assertEquals(1, s.stats().evacuationsAttempted);
        assertEquals(1, s.stats().evacuationsSucceeded);
        assertEquals(5, s.stats().regionPagesMoved);
        assertEquals(1, s.freeRegions());                            // region 3 is completely free
        assertEquals(BuddyModel.KIND_BUDDY, m.kind(3072));           // and merged back into one order-10 block
        assertEquals(10, m.orderAt(3072));
    }

    @Test
    void pcpFreeDrainsWithGrowingBatches() {
        // free_unref_page_commit / nr_pcp_free / free_pcppages_bulk (mm/page_alloc.c, 6.1), high 6, batch 2:
        // frees of pages 100..105 go to the head of cpu 0's movable order-0 list; the 6th makes count 6 >= high:
        // nr_pcp_free = clamp(2 << free_factor 0 = 2, batch 2, high - batch 4) = 2 (free_factor → 1), taken from the
        // tail (the oldest: 100, 101) → an order-1 buddy at 100. Frees 106, 107: count 6 again → 2 << 1 = 4 (not < 4,
        // free_factor stays) → 102..105 drained: 102+103 merge with 100 into order 2 at 100; 104+105 an order-1 at 104.
        BuddyModel m = zone();
        Simulator s = new Simulator(m, cfg("linux-6.1"), new int[][][] {{{6, 2}}}, null, Long.MIN_VALUE);
        for (int p = 100; p < 106; p++) {
            s.freeUnit(p, 0, 0);
        }
        assertEquals(BuddyModel.KIND_BUDDY, m.kind(100));
        assertEquals(1, m.orderAt(100));
        assertEquals(4, m.pcpPages(0));
        s.freeUnit(106, 0, 0);
        assertEquals(5, m.pcpPages(0));
        s.freeUnit(107, 0, 0);
        assertEquals(2, m.pcpPages(0));
        assertEquals(2, m.orderAt(100));
        assertEquals(BuddyModel.KIND_BUDDY, m.kind(104));
        assertEquals(1, m.orderAt(104));
        assertEquals(BuddyModel.KIND_PCP, m.kind(106));
        // rmqueue_pcplist: the head is the last freed (107); an empty list refills with rmqueue_bulk(batch 2)
        assertEquals(107, s.rmqueue(0, 0, MIGRATE_MOVABLE, 0, 0));
        assertEquals(106, s.rmqueue(0, 0, MIGRATE_MOVABLE, 0, 0));
        long p = s.rmqueue(0, 0, MIGRATE_MOVABLE, 0, 0);
        // rmqueue_bulk: __rmqueue_smallest takes the smallest order first: the order-1 block at 104 (split: 105 to
        // the order-0 list), then 105; both to the pcp tail; the head (104) is handed out
        assertEquals(104, p);
        assertEquals(1, m.pcpPages(0));
        assertEquals(BuddyModel.KIND_PCP, m.kind(105));
        assertEquals(2, m.orderAt(100)); // the order-2 block at 100 is untouched
    }

    @Test
    void gfpZone() {
        // gfp_zone (include/linux/gfp.h)
        assertEquals(Simulator.ZONE_DMA, Simulator.gfpZone(Gfp.parse("GFP_KERNEL|GFP_DMA")));
        assertEquals(Simulator.ZONE_DMA32, Simulator.gfpZone(Gfp.parse("GFP_KERNEL|__GFP_DMA32")));
        assertEquals(Simulator.ZONE_NORMAL, Simulator.gfpZone(Gfp.parse("GFP_KERNEL")));
        assertEquals(Simulator.ZONE_MOVABLE, Simulator.gfpZone(Gfp.parse("GFP_HIGHUSER_MOVABLE")));
    }
}
