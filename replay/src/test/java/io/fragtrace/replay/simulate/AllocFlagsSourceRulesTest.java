package io.fragtrace.replay.simulate;

import io.fragtrace.parser.Gfp;
import io.fragtrace.replay.config.Configs;
import io.fragtrace.replay.config.KernelConfig;
import io.fragtrace.replay.model.BuddyModel;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static io.fragtrace.replay.model.KernelSemantics.MIGRATE_HIGHATOMIC;
import static io.fragtrace.replay.model.KernelSemantics.MIGRATE_MOVABLE;
import static io.fragtrace.replay.model.KernelSemantics.MIGRATE_UNMOVABLE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Allocation-side rules read in the v6.1 (Debian 6.1 stable) and v6.12 sources, mm/page_alloc.c and mm/internal.h;
 * expected values are hand calculations written beside them.
 */
class AllocFlagsSourceRulesTest {

    private static KernelConfig k(String version) throws Exception {
        return Configs.derive("linux-6.1", "k" + version.replace(".", ""), version + " semantics",
                Map.of("kernel", version));
    }

    @Test
    void gfpToAllocFlagsOfTheStableAndNewerKernels() {
        // mm/internal.h: WMARK_MIN 0, NON_BLOCK 0x10, MIN_RESERVE 0x20, CPUSET 0x40, CMA 0x80, HIGHATOMIC 0x200,
        // KSWAPD 0x800. GFP_ATOMIC (__GFP_HIGH|__GFP_KSWAPD_RECLAIM, + __GFP_ATOMIC in 6.1): MIN_RESERVE | KSWAPD;
        // no __GFP_DIRECT_RECLAIM → NON_BLOCK; MIN_RESERVE there clears CPUSET: 0x20|0x800|0x10 = 0x830; order 1 adds
        // HIGHATOMIC: 0xa30.
        long atomic = Gfp.parse("GFP_ATOMIC");
        assertEquals(0x830, Watermarks.gfpToAllocFlags(atomic, 0, true));
        assertEquals(0xa30, Watermarks.gfpToAllocFlags(atomic, 1, true));
        // GFP_KERNEL (direct reclaim): WMARK_MIN | CPUSET | KSWAPD = 0x840
        assertEquals(0x840, Watermarks.gfpToAllocFlags(Gfp.parse("GFP_KERNEL"), 0, true));
        // GFP_NOWAIT (__GFP_KSWAPD_RECLAIM): CPUSET | KSWAPD | NON_BLOCK = 0x850 (6.0: no reserve flag at all, 0x840)
        assertEquals(0x850, Watermarks.gfpToAllocFlags(Gfp.parse("GFP_NOWAIT"), 0, true));
        assertEquals(0x840, Watermarks.gfpToAllocFlags(Gfp.parse("GFP_NOWAIT"), 0, false));
        // GFP_TRANSHUGE_LIGHT (movable, __GFP_NOMEMALLOC, no reclaim): NOMEMALLOC withholds NON_BLOCK;
        // CPUSET | CMA = 0xc0
        assertEquals(0xc0, Watermarks.gfpToAllocFlags(Gfp.parse("GFP_TRANSHUGE_LIGHT"), 9, true));
    }

    @Test
    void zoneWatermarkOrder0TestOfTheStableAndNewerKernels() {
        // __zone_watermark_ok(), mark 50, lowmem_reserve 10. MIN_RESERVE|NON_BLOCK: min = 50 - 50/2 = 25,
        // 25 - 25/4 = 19 → needs free > 29
        int atomic = Watermarks.ALLOC_MIN_RESERVE | Watermarks.ALLOC_NON_BLOCK;
        assertTrue(Watermarks.order0Ok(30, 0, 50, 10, atomic, 0, true));
        assertFalse(Watermarks.order0Ok(29, 0, 50, 10, atomic, 0, true));
        // NON_BLOCK alone lowers nothing (6.0's ALLOC_HARDER took a quarter: 50 - 12 = 38, 49 > 48): 49 <= 60
        assertFalse(Watermarks.order0Ok(49, 0, 50, 10, Watermarks.ALLOC_NON_BLOCK, 0, true));
        assertTrue(Watermarks.order0Ok(49, 0, 50, 10, Watermarks.ALLOC_HARDER, 0, false));
        // ... but any ALLOC_RESERVES flag keeps the highatomic reserve usable: 100 > 60; without: 100 - 512 <= 60
        assertTrue(Watermarks.order0Ok(100, 0, 50, 10, Watermarks.ALLOC_NON_BLOCK, 512, true));
        assertFalse(Watermarks.order0Ok(100, 0, 50, 10, 0, 512, true));
    }

    @Test
    void aFailedNonBlockingRequestFallsBackToTheHighatomicReserve() throws Exception {
        // rmqueue_buddy() (v6.1 stable, v6.12): __rmqueue() finds nothing (only a HIGHATOMIC block is free, and
        // HIGHATOMIC is no fallback type), then ALLOC_OOM|ALLOC_NON_BLOCK → __rmqueue_smallest(MIGRATE_HIGHATOMIC).
        for (String v : new String[] {"6.1", "6.12"}) {
            KernelConfig cfg = k(v);
            BuddyModel m = PcpTunedRulesTest.zone(cfg);
            m.addToFreeList(0, 1024, 0, MIGRATE_HIGHATOMIC, false);
            Simulator s = new Simulator(m, cfg, null, null, Long.MIN_VALUE);
            int kernel = s.gfpToAllocFlags(Gfp.parse("GFP_KERNEL"), 0);
            assertEquals(-1, s.rmqueue(0, 0, MIGRATE_MOVABLE, kernel, 0), v);
            int nowait = s.gfpToAllocFlags(Gfp.parse("GFP_NOWAIT"), 0);
            assertEquals(1024, s.rmqueue(0, 0, MIGRATE_MOVABLE, nowait, 0), v);
        }
    }

    @Test
    void v612WakesKswapdForABoostedZoneOnlyWithAllocKswapd() throws Exception {
        // rmqueue(): 6.1 clears ZONE_BOOSTED_WATERMARK and wakes kswapd after any allocation; 6.12 only when
        // alloc_flags has ALLOC_KSWAPD. An allocation without it (flags = ALLOC_WMARK_LOW = 1) leaves the bit set.
        for (String v : new String[] {"6.1", "6.12"}) {
            KernelConfig cfg = k(v);
            BuddyModel m = PcpTunedRulesTest.zone(cfg);
            m.addToFreeList(0, 1024, 4, MIGRATE_MOVABLE, false);
            Simulator s = new Simulator(m, cfg, null, null, Long.MIN_VALUE);
            s.boostedFlag[0] = true;
            s.rmqueue(0, 0, MIGRATE_MOVABLE, Watermarks.ALLOC_WMARK_LOW, 0);
            assertEquals(v.equals("6.12"), s.boostedFlag[0], v);
        }
    }

    @Test
    void v612DrainsAPcpPageWithItsPageblocksTypeAtTheDrain() throws Exception {
        // free_pcppages_bulk(): v6.12 mt = get_pfnblock_migratetype(page, pfn) at the drain; v6.1 mt =
        // get_pcppage_migratetype(page), cached at the free. Page 1024 is freed to the pcp list while its pageblock is
        // MOVABLE, the pageblock is then claimed UNMOVABLE, and the list is drained: 6.12 lists the page (no free
        // buddy) on free_list[UNMOVABLE] of order 0, 6.1 on free_list[MOVABLE].
        for (String v : new String[] {"6.1", "6.12"}) {
            KernelConfig cfg = k(v);
            BuddyModel m = PcpTunedRulesTest.zone(cfg);
            Simulator s = new Simulator(m, cfg, null, null, Long.MIN_VALUE);
            s.freeUnrefPageCommit(0, 0, 1024, 0, MIGRATE_MOVABLE);
            m.setPageblockMigratetype(1024, MIGRATE_UNMOVABLE);
            s.drainLocalPages(0, 0);
            int expected = v.equals("6.12") ? MIGRATE_UNMOVABLE : MIGRATE_MOVABLE;
            assertEquals(1, m.freeListLength(0, 0, expected), v);
        }
    }
}
