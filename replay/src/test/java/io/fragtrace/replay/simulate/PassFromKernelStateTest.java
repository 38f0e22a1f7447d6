package io.fragtrace.replay.simulate;

import io.fragtrace.parser.CompactStatus;
import io.fragtrace.parser.TraceInput;
import io.fragtrace.replay.Instant;
import io.fragtrace.replay.compaction.CompactionContext;
import io.fragtrace.replay.compaction.CompactionRun;
import io.fragtrace.replay.config.BundleConfig;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The model's compaction pass from the kernel's exact state ({@link KernelStateStart}) against the kernel's pass. */
class PassFromKernelStateTest {

    /**
     * kcompactd-512M-k6.12: the kernel's proactive check at 24.198480 s (kcompactd, CPU 1) compacts DMA, from the
     * trace's own lines: isolate_migratepages takes 223 (0x1-0x200) + 32 (0x200-0x320) + 224 (0x320-0x400) = 479
     * pages, isolate_freepages 192 + 256 + 0 = 448 targets, migratepages 223 + 32 + 193 = 448 migrated and 31 failed
     * (no target left), the scanners meet at 0x400: COMPLETE. Most of the block-0 pages it takes are the disk's page
     * cache (GFP_NOFS|...|__GFP_COMP|__GFP_HARDWALL, allocated as unmovable): counted as pinned, they left the model
     * 256 pages to take.
     */
    @Test
    void theProactivePassOnDmaIsTheKernels() throws Exception {
        Simulator s = fromKernelState("kcompactd-512M-k6.12", "24.198480");
        CompactionRun dma = proactivePass(s).get(0);
        assertEquals(CompactionContext.PROACTIVE, dma.context());
        assertEquals("DMA", dma.zone().name());
        assertEquals(CompactStatus.COMPLETE, dma.status());
        assertEquals(479, dma.migrateIsolated());
        assertEquals(448, dma.freeIsolated());
        assertEquals(448, dma.migrated());
        assertEquals(31, dma.migrateFailed());
        assertEquals(0x400, dma.migratePfnEnd());
        assertEquals(0x400, dma.freePfnEnd());
    }

    /**
     * The same check's DMA32 pass: the kernel's ends COMPLETE at 24.456 s with 8,762 pages isolated and the node's
     * fragmentation score at 93 (the observed replay at 24.4564 s: 3 free order-9 blocks in 28,000 free pages), after
     * 3,456 of the pages it freed stayed on CPU 1's pcp list (pcp->high auto-tuned to 3,545 by then, as after/ shows).
     * With the disk's page cache pinned the model's pass empties blocks it cannot and ends at a score of 81; with it
     * on the LRU, 91.
     */
    @Test
    void theProactivePassOnDma32EndsNearTheKernelsScore() throws Exception {
        Simulator s = fromKernelState("kcompactd-512M-k6.12", "24.198480");
        s.tuned[1][0].high = 3576; // after/buddydump.txt "C 0 ... high=3576", "C 1 ... high=3545"
        s.tuned[1][1].high = 3545;
        CompactionRun dma32 = proactivePass(s).get(1);
        assertEquals(CompactStatus.COMPLETE, dma32.status());
        assertTrue(Math.abs(dma32.migrateIsolated() - 8762) < 8762 / 20, "isolated " + dma32.migrateIsolated());
        assertTrue(Math.abs(s.fragmentationScoreNode() - 93) <= 3, "score " + s.fragmentationScoreNode());
    }

    /** The simulator from the kernel's state at the instant, under the bundle's own configuration (as calibrate). */
    static Simulator fromKernelState(String sample, String time) throws Exception {
        Path bundle = SimSamples.bundle(sample);
        return KernelStateStart.at(TraceInput.of(bundle.toString()), BundleConfig.read(bundle, "linux-6.1").config(),
                Instant.parse(time), "--from");
    }

    /** The proactive pass of a check at the start instant, by kcompactd on CPU 1 as the trace shows it, run whole. */
    private static List<CompactionRun> proactivePass(Simulator s) {
        s.daemonCpu = 1;
        s.proactiveTimeout(s.nowNs);
        s.advanceDaemonPasses(Long.MAX_VALUE);
        return s.runs();
    }
}
