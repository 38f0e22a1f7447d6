package io.fragtrace.replay;

import io.fragtrace.parser.PipelinedParser;
import io.fragtrace.parser.ParseReport;
import io.fragtrace.parser.Samples;
import io.fragtrace.parser.TraceInput;
import io.fragtrace.replay.model.BuddyModel;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * replay's fidelity check rides on the replay's own parse (Validation.prepare, fed event by event beside an
 * unwindowed replay): the result is the kernel comparison of a separate validate run, field for field.
 */
class ValidationInOnePassTest {
    @Test
    void sameResultAsASeparateValidationPass() throws Exception {
        TraceInput in = TraceInput.of(Samples.bundle("fragment-thp-256M").toString());
        Validation.Result alone = Validation.run(in, null, true, null);

        StartState start = StartState.of(in, null, null);
        BuddyModel m = start.model();
        long[] to = new long[m.zoneCount()];
        Arrays.fill(to, Long.MAX_VALUE);
        ObservedReplay replay = new ObservedReplay(m, start.fromNs(), to);
        Validation.Pending check = Validation.prepare(in, null, true, null);
        ParseReport pr = new PipelinedParser().parse(in, e -> {
            replay.onEvent(e);
            check.visitor().onEvent(e);
        });
        Validation.Result shared = check.finish(pr);

        assertTrue(alone.exact());
        assertEquals(alone.exact(), shared.exact());
        assertEquals(alone.eventsApplied, shared.eventsApplied);
        assertEquals(alone.eventsSkipped, shared.eventsSkipped);
        assertEquals(alone.consistency, shared.consistency);
        assertEquals(alone.pagesMismatched, shared.pagesMismatched);
        assertEquals(alone.pcpPagesModel, shared.pcpPagesModel);
        assertEquals(alone.freeListsOrderDiffer, shared.freeListsOrderDiffer);
        assertEquals(alone.extfragIndexMaxError, shared.extfragIndexMaxError);
        // the unwindowed replay applied the events after the after/ instant too
        assertTrue(replay.eventsApplied() >= shared.eventsApplied);
    }
}
