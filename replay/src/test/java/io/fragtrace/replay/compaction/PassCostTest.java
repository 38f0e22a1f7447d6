package io.fragtrace.replay.compaction;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The cost of a pass in trace time from the capture's own passes ({@link PassCost}); expected values by hand. */
class PassCostTest {
    @Test
    void ratesFromTheCapturesOwnPasses() {
        PassCost c = new PassCost();
        assertNull(c.rate(CompactionContext.PROACTIVE)); // no traced pass: the model's passes take no trace time
        // a proactive DMA pass that migrated nothing: 2 ms for 10,000 pfns -> 200 ns per scanned pfn
        c.add(CompactionContext.PROACTIVE, 2_000_000, 0, 10_000);
        // a proactive DMA32 pass: 10 ms, 100 pages, 25,000 pfns: a = (10 ms - 200 ns * 25,000) / 100 = 50,000 ns
        c.add(CompactionContext.PROACTIVE, 10_000_000, 100, 25_000);
        // two kcompactd passes: Σd 33 ms, Σs 2,000, Σm 288: a = (33,000,000 - 400,000) / 288 = 113,194.44 ns
        c.add(CompactionContext.KCOMPACTD, 30_000_000, 256, 1_000);
        c.add(CompactionContext.KCOMPACTD, 3_000_000, 32, 1_000);
        // not used: a direct pass (preemption of the allocating task dominates), a pass that did nothing
        c.add(CompactionContext.DIRECT, 1_000_000_000, 1, 1);
        c.add(CompactionContext.PROACTIVE, 5_000_000, 0, 0);
        assertEquals(4, c.passes());
        assertEquals(200.0, c.nsPerScanned(), 1e-9);
        PassCost.Rate p = c.rate(CompactionContext.PROACTIVE);
        assertEquals(50_000.0, p.nsPerMigrated(), 1e-6);
        assertEquals(200.0, p.nsPerScanned(), 1e-9);
        assertFalse(p.pooled());
        // an iteration that migrated 32 pages and scanned 512 pfns: 50,000 * 32 + 200 * 512 = 1,702,400 ns
        assertEquals(1_702_400, p.costNs(32, 512));
        assertEquals(113_194.444, c.rate(CompactionContext.KCOMPACTD).nsPerMigrated(), 1e-3);
        // no manual pass: the daemon passes pooled, Σd 43 ms, Σs 27,000, Σm 388:
        // (43,000,000 - 200 * 27,000) / 388 = 37,600,000 / 388 = 96,907.216 ns
        PassCost.Rate m = c.rate(CompactionContext.MANUAL);
        assertEquals(96_907.216, m.nsPerMigrated(), 1e-3);
        assertTrue(m.pooled());
        assertNull(c.rate(CompactionContext.DIRECT)); // the model runs direct passes whole
    }
}
