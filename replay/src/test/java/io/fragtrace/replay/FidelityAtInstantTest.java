package io.fragtrace.replay;

import io.fragtrace.parser.ParseReport;
import io.fragtrace.parser.PipelinedParser;
import io.fragtrace.parser.Samples;
import io.fragtrace.parser.TraceInput;
import io.fragtrace.replay.order.LockOrderSorter;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * replay's fidelity check on its own model ({@link FidelityAtInstant}: each zone compared with after/ as the replay,
 * which runs on to the end of the trace, passes the zone's after/ L instant) equals validate's comparison (a
 * separate replay windowed to the same instants), field for field, on real captures; with the untraced paths off
 * too, where the comparison has mismatches to agree on (validate --naive: 30 pages, 3 extra blocks on
 * fragment-thp-256M). The check builds no start state of its own: the run builds one.
 */
class FidelityAtInstantTest {
    /** Fields of Validation.Result that are not the comparison (the windowed replay's counts, timing, --explain). */
    private static final Set<String> NOT_COMPARED = Set.of("eventsApplied", "eventsSkipped", "consistency", "consistencyExamples",
            "replaySeconds", "explain", "zones");

    @ParameterizedTest
    @CsvSource({"fragment-thp-256M, true", "fragment-thp-256M, false", "fragment-thp-256M-k6.12, false",
            "parallel-512M-smp4, true"})
    void theReplaysOwnModelAtEachInstantIsValidatesComparison(String capture, boolean modelUntraced)
            throws Exception {
        TraceInput in = TraceInput.of(Samples.bundle(capture).toString());
        Validation.Result alone = Validation.run(in, null, modelUntraced, null);

        int builds = StartState.BUILDS.get();
        StartState start = StartState.of(in, null, null);
        long[] to = new long[start.model().zoneCount()];
        Arrays.fill(to, Long.MAX_VALUE);
        ObservedReplay replay = new ObservedReplay(start.model(), start.fromNs(), to)
                .modelUntracedPaths(modelUntraced);
        FidelityAtInstant check = FidelityAtInstant.of(in, start, replay);
        LockOrderSorter sorter = new LockOrderSorter(replay, check, LockOrderSorter.DEFAULT_WINDOW, 0, false);
        ParseReport pr = new PipelinedParser().parse(in, sorter);
        sorter.finish();
        Validation.Result shared = check.finish(pr);

        assertEquals(builds + 1, StartState.BUILDS.get(), "one start state for the replay and its check");
        assertEquals(fields(alone), fields(shared));
        assertEquals(alone.exact(), shared.exact());
        assertEquals(!modelUntraced && capture.equals("fragment-thp-256M"), alone.pagesMismatched == 30);
        // the replay went on past the after/ instants
        assertTrue(replay.eventsApplied() > alone.eventsApplied, replay.eventsApplied() + " " + alone.eventsApplied);
    }

    /** Every comparison field of r and of each zone's result, as "name=value" lines. */
    private static List<String> fields(Validation.Result r) throws IllegalAccessException {
        List<String> out = new ArrayList<>();
        add(out, "", r, NOT_COMPARED);
        for (Validation.ZoneResult z : r.zones) {
            add(out, z.zone + ".", z, Set.of());
        }
        return out;
    }

    private static void add(List<String> out, String prefix, Object o, Set<String> skip)
            throws IllegalAccessException {
        for (Field f : o.getClass().getFields()) {
            if (!Modifier.isStatic(f.getModifiers()) && !skip.contains(f.getName())) {
                Object v = f.get(o);
                out.add(prefix + f.getName() + "=" + (v != null && v.getClass().isArray()
                        ? Arrays.deepToString(new Object[] {v}) : v));
            }
        }
    }
}
