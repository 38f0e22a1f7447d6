package io.fragtrace.report.calibrate;

import io.fragtrace.parser.TraceInput;
import io.fragtrace.replay.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** The instant --from first-compaction picks: the last marker after the start state before the first compaction. */
class FirstCompactionPhaseTest {
    private static final String MARK_1 =
            "            work-1       [000] .....     1.000000: tracing_mark_write: capture: phase one\n";
    private static final String MARK_2 =
            "            work-1       [000] .....     2.000000: tracing_mark_write: capture: phase two\n";
    private static final String BEGIN =
            "         kcompactd0-34      [001] .....     2.500000: mm_compaction_begin: zone_start=0x1000 "
                    + "migrate_pfn=0x1000 free_pfn=0x1fe00 zone_end=0x1ffd7, mode=sync\n";
    private static final String MARK_3 =
            "            work-1       [000] .....     3.000000: tracing_mark_write: capture: phase three\n";

    private static TraceInput trace(Path dir, String text) throws Exception {
        Path f = dir.resolve("trace.txt");
        Files.writeString(f, text);
        return TraceInput.of(f.toString());
    }

    @Test
    void theMarkerOpeningThePhaseOfTheFirstPass(@TempDir Path dir) throws Exception {
        TraceInput in = trace(dir, MARK_1 + MARK_2 + BEGIN + MARK_3);
        assertEquals(Instant.ofNs(2_000_000_000L), FirstCompactionPhase.of(in, 500_000_000L));
        // markers before the start state do not open a phase of the simulation: none after 2.2 s before the pass
        assertNull(FirstCompactionPhase.of(in.reopen(), 2_200_000_000L));
    }

    @Test
    void noPassNoInstant(@TempDir Path dir) throws Exception {
        assertNull(FirstCompactionPhase.of(trace(dir, MARK_1 + MARK_2 + MARK_3), 0));
    }
}
