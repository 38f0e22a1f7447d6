package io.fragtrace.replay.simulate;

import io.fragtrace.parser.EventLog;
import io.fragtrace.parser.Gfp;
import io.fragtrace.parser.TraceInput;
import io.fragtrace.replay.config.BundleConfig;
import io.fragtrace.replay.model.BuddyModel;
import io.fragtrace.replay.model.KernelSemantics;
import io.fragtrace.replay.model.Zone;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static io.fragtrace.replay.model.KernelSemantics.MIGRATE_MOVABLE;
import static io.fragtrace.replay.simulate.SimulatorRulesTest.sim;
import static io.fragtrace.replay.simulate.SimulatorRulesTest.zone;
import static io.fragtrace.replay.simulate.Watermarks.WMARK_LOW;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * pcp->high follows the watermarks: setup_per_zone_wmarks() → zone_pcp_update(zone, 0) →
 * zone_set_pageset_high_and_batch() → zone_highsize() (mm/page_alloc.c, 5.14+).
 */
class PcpHighRulesTest {
    @Test
    void zoneHighsizeSplitsTheLowWatermarkAcrossTheNodesCpus() {
        // high = max(low_wmark_pages / nr_split_cpus, batch << 2); figures of parallel-512M-smp4 (4 CPUs)
        assertEquals(203, PcpTuned.zoneHighsize(815, 0, 31, 4, 0));   // DMA32 before: 815 / 4 = 203 (before/zoneinfo 203)
        assertEquals(1743, PcpTuned.zoneHighsize(6972, 0, 31, 4, 0)); // DMA32 after: 6972 / 4 = 1743 (after/zoneinfo 1743)
        assertEquals(59, PcpTuned.zoneHighsize(237, 0, 1, 4, 0));     // DMA after: 237 / 4 = 59 (after/zoneinfo 59)
        assertEquals(6, PcpTuned.zoneHighsize(27, 0, 1, 4, 0));       // DMA before: max(27 / 4 = 6, 1 << 2 = 4) = 6
        assertEquals(124, PcpTuned.zoneHighsize(100, 0, 31, 1, 0));   // max(100, 31 << 2 = 124) = 124
    }

    @Test
    void aWatermarkChangeAtRuntimeRecomputesPcpHigh() {
        // fixture: one zone, one CPU, pagesets 6 * 31 = 186 / 31 (no pcp in the start state)
        Simulator s = sim(zone(), "linux-6.1");
        assertEquals(186, s.pcpHigh[0][0]);
        s.wmark[0][WMARK_LOW] = 800;
        s.zonePcpUpdate();
        assertEquals(800, s.pcpHigh[0][0]);                     // max(800 / 1, 124)
        assertEquals(31, s.pcpBatch[0][0]);                     // zone_batchsize() depends on managed pages only
        // a configured pcp_high stands (linux-4.4: before pcp_allowed_order(), high = 6 * batch)
        Simulator old = sim(zone(), "linux-4.4");
        int before = old.pcpHigh[0][0];
        old.wmark[0][WMARK_LOW] = 800;
        old.zonePcpUpdate();
        assertEquals(before, old.pcpHigh[0][0]);
        // 6.7+ (pcp->high auto-tuned): the watermark change sets high_min/high_max only, pcp->high is not set
        assertTrue(KernelSemantics.forVersion(6, 12).pcpHighTuned());
        assertFalse(KernelSemantics.forVersion(6, 1).pcpHighTuned());
    }

    @Test
    void aDirectReclaimerDrainsEveryCpusPcpListsBeforeItFails() {
        // __alloc_pages_direct_reclaim() (mm/page_alloc.c): "If an allocation failed after direct reclaim, it could
        // be because pages are pinned on the per-cpu lists": drain_all_pages(NULL) once, then get_page_from_freelist()
        // again. One zone (min 10, low 14, high 18), 2 CPUs, no free buddy page, 64 pages on CPU 1's pcp list.
        Zone z = new Zone(0, 0, "DMA32", 0, 4096);
        z.present = 4096;
        z.managed = 4096;
        z.wmarkMin = 10;
        z.lowmemReserve = new long[5];
        BuddyModel m = new BuddyModel(Simulator.semantics(SimulatorRulesTest.cfg("linux-6.1"), 11, 9), List.of(z), 2);
        int pindex = m.ks.orderToPindex(MIGRATE_MOVABLE, 0);
        for (int i = 0; i < 64; i++) {
            m.pcpAdd(0, 1, 1024 + i, 0, pindex, false);
        }
        Simulator s = sim(m, "linux-6.1");
        // GFP_NOWAIT (no __GFP_DIRECT_RECLAIM): free 0 fails every watermark, no reclaim, no drain -> fails
        assertEquals(-1, s.allocPages(0, Gfp.parse("GFP_NOWAIT"), 0, null));
        assertEquals(0, s.stats().directReclaimDrains);
        assertEquals(64, m.pcpPages(0));
        // GFP_KERNEL on CPU 0: at the direct reclaim the drain puts CPU 1's 64 pages back to the buddy (free 64 > min
        // 10) and the retry takes one
        assertTrue(s.allocPages(0, Gfp.parse("GFP_KERNEL"), 0, null) >= 0);
        assertEquals(1, s.stats().directReclaimDrains);
        assertEquals(0, s.stats().reclaimStandIns);             // served by the drain, not by ALLOC_NO_WATERMARKS
    }

    /**
     * parallel-512M-smp4: the workload's write of transparent_hugepage/enabled at 17.782 s raises min_free_kbytes
     * (set_recommended_min_free_kbytes()); the kernel's after/zoneinfo shows the result: low 237 / 6972 and pagesets
     * high 59 / 1743 on each of the 4 CPUs (DMA / DMA32), against 6 / 203 in before/zoneinfo.
     */
    @Test
    void theThpWriteOfTheCaptureRaisesPcpHighAsTheKernelShows() throws Exception {
        Path bundle = SimSamples.bundle("parallel-512M-smp4");
        Simulator s = Simulation.forBundle(bundle, BundleConfig.read(bundle, "linux-6.1").config());
        assertEquals(203, s.pcpHigh[1][0]);                     // the start state's own pagesets
        long cut = 17_790_000_000L;                             // just after the marker at 17.782
        EventLog.record(TraceInput.of(bundle.toString())).replay(e -> {
            if (e.timestampNs() <= cut) {
                s.onEvent(e);
            }
        });
        assertEquals(237, s.wmark[0][WMARK_LOW]);
        assertEquals(6972, s.wmark[1][WMARK_LOW]);
        for (int c = 0; c < 4; c++) {
            assertEquals(59, s.pcpHigh[0][c]);
            assertEquals(1743, s.pcpHigh[1][c]);
        }
    }
}
