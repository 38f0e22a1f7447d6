package io.fragtrace.replay.order;

import io.fragtrace.parser.Samples;
import io.fragtrace.parser.TraceInput;
import io.fragtrace.replay.Validation;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Busy captures we do not have differ from ours in their interleaving: real captures rewritten into another
 * interleaving their kernel's tracing could have printed ({@link Interleavings}, fixed seeds) must validate as exact
 * as the originals (the kernel's after/ dump is the same state). The wider sweep is scripts/perturb-check.sh.
 * parallel-512M-smp4 with 0.5 ms of per-CPU clock skew (trace_clock local) was 1 pageblock off while the lock order
 * was recovered at the same instant only.
 */
class PerturbedCaptureTest {
    @ParameterizedTest
    @CsvSource({"variants-fragment-thp-256M-k6.12, all, 7, 200",
            "parallel-512M-smp4, skew, 1, 500"})
    void anotherAllowedInterleavingValidatesExact(String bundle, String modes, long seed, long deltaUs,
                                                  @TempDir Path dir) throws Exception {
        Path out = dir.resolve(bundle);
        Interleavings.Stats st = Interleavings.perturb(Samples.bundle(bundle), out, Interleavings.parseModes(modes),
                seed, deltaUs, 0.5);
        assertTrue(st.crossings() > 1000, "events printed elsewhere: " + st);
        Validation.Result r = Validation.run(TraceInput.of(out.toString()), null, true, null);
        assertTrue(r.exact(), bundle + " " + modes + ": " + r.consistency);
        assertEquals(0, r.pagesMismatched);
        assertEquals(0, r.pcpListsDiffer);
    }
}
