package io.fragtrace.replay;

import io.fragtrace.parser.EventLog;
import io.fragtrace.parser.Samples;
import io.fragtrace.parser.TraceInput;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ValidationExplainTest {
    /**
     * --explain replays the kept events when the tee held them all, else reads the trace again: both give the same
     * histories. The naive replay of fragment-thp-256M misses pfn 0x606e (ValidateCommandTest: the kernel's untraced
     * fast free-page search took it), so its history is non-empty.
     */
    @Test
    void anOverflowedTeeExplainsTheSameByReadingTheTraceAgain() throws Exception {
        String bundle = Samples.bundle("fragment-thp-256M").toString();
        long[] watch = {0x606e};
        EventLog all = EventLog.tee(Long.MAX_VALUE);
        Validation.Result first = Validation.run(TraceInput.of(bundle), null, false, null, all);
        assertTrue(all.complete());
        EventLog small = EventLog.tee(1 << 20); // ~6 MB of events against 1 MB: overflows
        Validation.Result second = Validation.run(TraceInput.of(bundle), null, false, null, small);
        assertFalse(small.complete());
        assertFalse(first.exact());
        Validation.Result fromKept = Validation.explain(TraceInput.of(bundle), null, false, first, all, watch, 50);
        Validation.Result fromTrace = Validation.explain(TraceInput.of(bundle), null, false, second, small, watch, 50);
        assertFalse(fromKept.explain.get(0x606eL).isEmpty());
        assertEquals(fromKept.explain.toString(), fromTrace.explain.toString());
    }
}
