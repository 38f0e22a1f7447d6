package io.fragtrace.replay.simulate;

import io.fragtrace.parser.Gfp;
import io.fragtrace.replay.config.KernelConfig;
import org.junit.jupiter.api.Test;

import static io.fragtrace.replay.simulate.PassFromKernelStateTest.fromKernelState;
import static io.fragtrace.replay.simulate.Watermarks.WMARK_MIN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link KernelStateStart}: the simulator from the kernel's state at an instant, with the workload's writes before it. */
class KernelStateStartTest {

    /**
     * parallel-512M-smp4 was captured with THP never/never (meta.txt); the workload writes "set
     * /sys/kernel/mm/transparent_hugepage/enabled = madvise" at 17.782081 s and "defrag = madvise" at 17.782735 s, after
     * the before/ snapshot. From the kernel's state at 41.7802 s those writes are in force: the madvised THP faults
     * (GFP_TRANSHUGE) may compact directly, and set_recommended_min_free_kbytes() (mm/khugepaged.c) has raised the
     * watermarks. By hand, from before/zoneinfo: nr_zones 2 (DMA, DMA32); recommended_min = 512 * 2 * 2 + 512 * 2 * 3 *
     * 3 = 11,264 pages, capped at nr_free_buffer_pages() / 20 = ((3,840 - 32) + (112,564 - 978)) / 20 = 5,769 pages,
     * i.e. min_free_kbytes 23,076; __setup_per_zone_wmarks() (mm/page_alloc.c) gives DMA32 min = 5,769 * 112,564 /
     * (3,840 + 112,564) = 5,578 pages (before: 652).
     */
    @Test
    void theWorkloadsWritesBeforeTheInstantAreInForce() throws Exception {
        Simulator s = fromKernelState("parallel-512M-smp4", "41.7802");
        assertTrue(s.fromKernelState());
        assertEquals(41_780_200_000L, s.startNs());
        assertEquals(KernelConfig.ThpMode.MADVISE, s.thpEnabled);
        assertEquals(KernelConfig.ThpDefrag.MADVISE, s.thpDefrag);
        assertNotEquals(0, s.thpGfp(Gfp.parse("GFP_TRANSHUGE"), 9) & Gfp.DIRECT_RECLAIM);
        assertEquals("DMA32", s.model().zone(1).name);
        assertEquals(5578, s.wmark[1][WMARK_MIN]);
    }

    /**
     * kcompactd-512M-k6.12 writes compaction_proactiveness = 100 at 42.926 s (its marker); from the kernel's state at
     * 43.0 s it is in force: fragmentation_score_wmark() (mm/compaction.c) low = max(100 - 100, 5) = 5, high = min(5 +
     * 10, 100) = 15. The pass the write triggered (proactive_compact_trigger) ran at the write, in the kernel's state
     * already: none is pending.
     */
    @Test
    void aProactivenessWriteBeforeTheInstantSetsTheThresholdsButLeavesNoPassPending() throws Exception {
        Simulator s = fromKernelState("kcompactd-512M-k6.12", "43.0");
        assertEquals(100, s.proactiveness);
        assertEquals(15, s.proactiveWmarkHigh());
        assertFalse(s.proactiveTrigger);
    }
}
