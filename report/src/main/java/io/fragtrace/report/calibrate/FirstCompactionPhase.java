package io.fragtrace.report.calibrate;

import io.fragtrace.parser.EventType;
import io.fragtrace.parser.PipelinedParser;
import io.fragtrace.parser.TraceInput;
import io.fragtrace.parser.TraceInputException;
import io.fragtrace.replay.Instant;

/**
 * {@code calibrate --from first-compaction}: the start of the phase (the trace marker opening it) in which the kernel's
 * first compaction pass after the start state begins (its first mm_compaction_begin, any context), read by one pass
 * over the trace that stops there. The model then starts from the kernel's state at that marker, so a bundle's
 * compaction is judged without the drift of the workload's set-up.
 */
public final class FirstCompactionPhase {
    /** The keyword --from takes for this instant. */
    public static final String KEYWORD = "first-compaction";

    private FirstCompactionPhase() {
    }

    /** Stops the pass at the first compaction. */
    private static final class Found extends RuntimeException {
        Found() {
            super(null, null, false, false);
        }
    }

    /**
     * The marker instant, or null when the trace has no compaction after startNs or no marker between startNs and
     * its first compaction (the phase then begins at the start state itself).
     */
    public static Instant of(TraceInput input, long startNs) throws TraceInputException {
        long[] marker = {Long.MIN_VALUE};
        boolean[] found = {false};
        try {
            new PipelinedParser().parse(input, e -> {
                long ts = e.timestampNs();
                if (ts <= startNs) {
                    return;
                }
                if (e.type() == EventType.MARKER) {
                    marker[0] = ts;
                } else if (e.type() == EventType.MM_COMPACTION_BEGIN) {
                    found[0] = true;
                    throw new Found();
                }
            });
        } catch (Found stop) {
            // the first compaction: the rest of the trace is not needed
        }
        return found[0] && marker[0] != Long.MIN_VALUE ? Instant.ofNs(marker[0]) : null;
    }
}
