package io.fragtrace.replay.simulate;

import io.fragtrace.parser.Gfp;
import io.fragtrace.replay.config.Configs;
import io.fragtrace.replay.config.KernelConfig;
import io.fragtrace.replay.model.BuddyModel;
import io.fragtrace.replay.model.Zone;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static io.fragtrace.replay.model.KernelSemantics.MIGRATE_MOVABLE;
import static io.fragtrace.replay.simulate.Watermarks.WMARK_HIGH;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * 6.7+ pcp->high auto-tuning (mm/page_alloc.c as in 6.12: nr_pcp_high(), nr_pcp_free(), nr_pcp_alloc(),
 * decay_pcp_high(), free_unref_page_commit(), ZONE_BELOW_HIGH in get_page_from_freelist()), and compaction_ready()
 * (mm/vmscan.c) making a costly request's direct reclaim drain the pcp lists. The pageset figures are those of
 * variants-fragment-thp-256M-k6.12's DMA32 (before/zoneinfo: low 508, managed 49976, 2 CPUs, batch 15, high 2573).
 */
class PcpTunedRulesTest {
    static PcpTuned dma32() {
        // zone_highsize(): high_min = max(508 / 2, 15 << 2) = 254; high_max = max(49976 / 8 / 2 = 3123, 60) = 3123
        return new PcpTuned(2573, PcpTuned.zoneHighsize(508, 49976, 15, 2, 0),
                PcpTuned.zoneHighsize(508, 49976, 15, 2, PcpTuned.MIN_PERCPU_PAGELIST_HIGH_FRACTION), 15,
                PcpTuned.PCPF_FREE_HIGH_BATCH);
    }

    @Test
    void highMinAndHighMaxComeFromTheLowWatermarkAndAnEighthOfTheZone() {
        PcpTuned t = dma32();
        assertEquals(254, t.highMin);
        assertEquals(3123, t.highMax);
        assertEquals(60, PcpTuned.zoneHighsize(42, 3840, 15, 2, 0)); // DMA: max(42 / 2 = 21, 60)
    }

    @Test
    void nrPcpHighGrowsHighToHoldTheFreedBatchAndShrinksItUnderPressure() {
        PcpTuned t = dma32();
        t.freeCount = 100;
        // count 2600 >= high 2573: need_high = 100 + 15 = 115 <= 2573, high stays; drain clamp(100, 15, 2558) = 100
        assertEquals(2573, t.nrPcpHigh(2600, false, false, false));
        assertEquals(2573, t.high);
        assertEquals(100, t.nrPcpFree(2600, 2573, false));
        // free_count above high: need_high = 2990 + 15 = 3005 -> high 3005 (within high_max 3123); this free still
        // drains at the old high 2573
        t.freeCount = 2990;
        assertEquals(2573, t.nrPcpHigh(2600, false, false, false));
        assertEquals(3005, t.high);
        // ZONE_BELOW_HIGH: high -= max(free_count, batch) = 3005 - 100 = 2905; returns max(count, high_min) = 2600,
        // so this free drains clamp(100, 15, 2600 - 15) = 100
        t.freeCount = 100;
        assertEquals(2600, t.nrPcpHigh(2600, false, true, false));
        assertEquals(2905, t.high);
        // ZONE_RECLAIM_ACTIVE: high = 2905 - 100 = 2805; returns min(15 << 2, 2805) = 60
        assertEquals(60, t.nrPcpHigh(2600, true, false, false));
        assertEquals(2805, t.high);
        // free_high: high = max(2805 - (15 << 5) = 2325, 254); returns 0; drains min(700, 480) = 480
        assertEquals(0, t.nrPcpHigh(700, false, false, true));
        assertEquals(2325, t.high);
        assertEquals(480, t.nrPcpFree(700, 0, true));
        // high below batch (pcp disabled): 1 page
        assertEquals(1, t.nrPcpFree(5, 10, false));
    }

    @Test
    void consecutiveHighOrderFreesAreFreeHighOnceABatchIsKept() {
        PcpTuned t = dma32();
        t.freeCount = 14;
        assertFalse(t.commitFree(20, 1));           // free_count 14 < batch: not yet; PREV_FREE_HIGH_ORDER set
        assertEquals(16, t.freeCount);              // 14 + (1 << 1)
        assertFalse(t.commitFree(10, 2));           // PCPF_FREE_HIGH_BATCH: count 10 < batch 15 keeps the pages
        assertEquals(20, t.freeCount);
        assertTrue(t.commitFree(15, 3));            // free_count 20 >= 15, previous free high-order, count 15 >= 15
        assertFalse(t.commitFree(15, 0));           // an order-0 free clears PREV_FREE_HIGH_ORDER
        assertFalse(t.commitFree(15, 1));
        t.freeCount = 480;                          // free_count stops at batch << CONFIG_PCP_BATCH_SCALE_MAX
        t.commitFree(0, 0);
        assertEquals(480, t.freeCount);
    }

    @Test
    void refillsDoubleWithoutFreesAndRaiseHigh() {
        PcpTuned t = dma32();
        // order 0, alloc_factor 0: batch 15; high = min(2573 + 15, 3123) = 2588; max_nr_alloc = 2588 - 0 - 15 = 2573
        assertEquals(15, t.nrPcpAlloc(0, 0, false));
        assertEquals(2588, t.high);
        assertEquals(1, t.allocFactor);
        assertEquals(30, t.nrPcpAlloc(0, 0, false)); // 15 << 1; high 2618
        assertEquals(2618, t.high);
        t.commitFree(0, 0);                          // a free halves alloc_factor: 2 -> 1
        assertEquals(1, t.allocFactor);
        // order 3: base batch 15, max(15 >> 3, 2) = 2; high + 15 = 2633
        assertEquals(2, t.nrPcpAlloc(0, 3, false));
        assertEquals(2633, t.high);
        // below the high watermark high does not grow; max_nr_alloc = max(2633 - 2620 - 15, 15) = 15 caps the batch
        assertEquals(15, t.nrPcpAlloc(2620, 0, true));
        assertEquals(2633, t.high);
    }

    @Test
    void decayTakesAnEighthOfHighAndDrainsWhatIsOver() {
        PcpTuned t = dma32();
        // max3(600 - 480, 2573 - (2573 >> 3) = 2573 - 321 = 2252, 254) = 2252; 600 < 2252: nothing to drain
        assertEquals(0, t.decayPcpHigh(600));
        assertEquals(2252, t.high);
        // max3(2500 - 480 = 2020, 2252 - 281 = 1971, 254) = 2020; drain 2500 - 2020 = 480
        assertEquals(480, t.decayPcpHigh(2500));
        assertEquals(2020, t.high);
        t.high = 254;                                // at high_min: no decay
        assertEquals(46, t.decayPcpHigh(300));
        assertEquals(254, t.high);
    }

    static KernelConfig k612() throws Exception {
        return Configs.derive("linux-6.1", "k612", "6.12 semantics", Map.of("kernel", "6.12"));
    }

    /** One DMA32 zone of 4096 pages (min 10, low 14, high 18), 2 CPUs. */
    static BuddyModel zone(KernelConfig cfg) {
        Zone z = new Zone(0, 0, "DMA32", 0, 4096);
        z.present = 4096;
        z.managed = 4096;
        z.wmarkMin = 10;
        z.lowmemReserve = new long[5];
        return new BuddyModel(Simulator.semantics(cfg, 11, 9), List.of(z), 2);
    }

    @Test
    void onlyA612ConfigTunesAndAnAllocationUnderTheHighWatermarkSetsZoneBelowHigh() throws Exception {
        assertNull(SimulatorRulesTest.sim(SimulatorRulesTest.zone(), "linux-6.1").tuned);
        KernelConfig cfg = k612();
        BuddyModel m = zone(cfg);
        for (int i = 0; i < 4; i++) {
            m.addToFreeList(0, 1024 + 16L * i, 2, MIGRATE_MOVABLE, true); // 16 free pages: under high 18
        }
        Simulator s = new Simulator(m, cfg, null, null, Long.MIN_VALUE);
        assertNotNull(s.tuned);
        assertEquals(18, s.wmark[0][WMARK_HIGH]);
        assertFalse(s.belowHigh[0]);
        // free 16 > min 10 (GFP_KERNEL's low 14 too): the allocation succeeds, but 16 <= high 18 sets ZONE_BELOW_HIGH
        assertTrue(s.allocPages(0, Gfp.parse("GFP_KERNEL"), 0, null) >= 0);
        assertTrue(s.belowHigh[0]);
    }

    @Test
    void aCostlyRequestsReclaimDrainsThePcpListsWhenAZoneIsCompactionReady() throws Exception {
        for (KernelConfig cfg : new KernelConfig[] {SimulatorRulesTest.cfg("linux-6.1"), k612()}) {
            BuddyModel m = zone(cfg);
            // pageblock 1024..1535 sits on CPU 1's order-0 pcp list: no order-9 free block in the buddy
            int pindex = m.ks.orderToPindex(MIGRATE_MOVABLE, 0);
            for (int i = 0; i < 512; i++) {
                m.pcpAdd(0, 1, 1024 + i, 0, pindex, false);
            }
            // 112 free order-4 blocks (1792 pages), none buddies of each other: fragmentation_index(9) =
            // 1000 - (1000 + 1792 * 1000 / 512) / 112 = 1000 - 4500 / 112 = 1000 - 40 = 960 > extfrag_threshold 500,
            // and 1792 > low 14 + compact_gap(9) 1024: compaction_suitable(); 1792 > high 18 + 1024: compaction_ready()
            for (int i = 0; i < 32; i++) {
                m.addToFreeList(0, 32L * i, 4, MIGRATE_MOVABLE, true);
            }
            for (int i = 0; i < 80; i++) {
                m.addToFreeList(0, 1536 + 32L * i, 4, MIGRATE_MOVABLE, true);
            }
            // kpageflags with no LRU page: every allocated page is pinned, compaction has nothing to migrate
            Simulator s = new Simulator(m, cfg, null, new long[4096 / 64], Long.MIN_VALUE);
            assertTrue(s.compactionReady(9, 1));
            long gfp = Gfp.parse("GFP_HIGHUSER_MOVABLE|__GFP_RETRY_MAYFAIL|__GFP_NOWARN|__GFP_COMP");
            // compaction finds nothing to migrate; reclaim reports progress (sc->compaction_ready), drain_all_pages()
            // merges the 512 pcp pages into the order-9 block at 1024, which the retry takes
            assertEquals(1024, s.allocPages(9, gfp, 0, null));
            assertTrue(s.stats().directReclaimDrains >= 1, cfg.kernel());
        }
    }

    @Test
    void aCostlyRequestDoesNotDrainWhenCompactionCannotRun() throws Exception {
        BuddyModel m = zone(k612());
        int pindex = m.ks.orderToPindex(MIGRATE_MOVABLE, 0);
        for (int i = 0; i < 512; i++) {
            m.pcpAdd(0, 1, 1024 + i, 0, pindex, false);
        }
        for (int i = 0; i < 4; i++) {
            m.addToFreeList(0, 32L * i, 4, MIGRATE_MOVABLE, true); // 64 free: 64 <= low 14 + 1024, SKIPPED
        }
        Simulator s = new Simulator(m, k612(), null, new long[4096 / 64], Long.MIN_VALUE);
        assertFalse(s.compactionReady(9, 1));
        long gfp = Gfp.parse("GFP_HIGHUSER_MOVABLE|__GFP_RETRY_MAYFAIL|__GFP_NOWARN|__GFP_COMP");
        assertEquals(-1, s.allocPages(9, gfp, 0, null)); // reclaim is real here: the trace's frees stand for it
        assertEquals(0, s.stats().directReclaimDrains);
        assertEquals(512, m.pcpPages(0));
    }

    /**
     * nr_pcp_alloc() (mm/page_alloc.c, 6.7+) as the start state reads it back from the trace's refills before its
     * instant (variants-fragment-thp-256M-k6.12, CPU 0, batch 15: refills of 15, 30, 60, 120, 240, 480 pages from
     * 15.133 s, then 480 again at 15.180 s with no free in between, so alloc_factor is 5 at the start state, 15.210 s).
     */
    @Test
    void allocFactorAfterARefillIsLog2OfItsBatchesPlusOneCapped() {
        assertEquals(1, PcpTuned.allocFactorAfterRefill(15, 15));  // batch 15 << 0 taken, 0 -> 1
        assertEquals(2, PcpTuned.allocFactorAfterRefill(30, 15));  // 15 << 1, 1 -> 2
        assertEquals(5, PcpTuned.allocFactorAfterRefill(240, 15)); // 15 << 4, 4 -> 5
        // 15 << 5 = 480 taken at alloc_factor 5 = CONFIG_PCP_BATCH_SCALE_MAX: stays 5
        assertEquals(5, PcpTuned.allocFactorAfterRefill(480, 15));
        // cut by max_nr_alloc: 100 pages = 15 << 2 (60) .. 15 << 3 (120): batch was 120 > max_nr_alloc, so
        // alloc_factor 3 was not raised: floor(log2(100 / 15 = 6)) + 1 = 3
        assertEquals(3, PcpTuned.allocFactorAfterRefill(100, 15));
        assertEquals(0, PcpTuned.allocFactorAfterRefill(7, 15));   // not an order-0 refill of this pageset
    }

    /** free_unref_page_commit() (6.8+): each page freed to the pcp list halves alloc_factor (5 -> 2 -> 1 -> 0). */
    @Test
    void aFreeHalvesTheAllocFactor() {
        PcpTuned t = dma32();
        t.allocFactor = 5;
        t.commitFree(100, 0);
        assertEquals(2, t.allocFactor);
        t.commitFree(100, 0);
        assertEquals(1, t.allocFactor);
        t.commitFree(100, 0);
        assertEquals(0, t.allocFactor);
    }
}
