package io.fragtrace.replay.order;

import io.fragtrace.parser.ParsedEvent;
import io.fragtrace.parser.Samples;
import io.fragtrace.parser.TraceInput;
import io.fragtrace.parser.TraceParser;
import io.fragtrace.parser.TraceVisitor;
import io.fragtrace.replay.ObservedReplay;
import io.fragtrace.replay.StartState;
import io.fragtrace.replay.model.BuddyModel;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Stepping the oldest event as soon as a later instant (or another CPU's later event) is in the window gives the
 * same order as stepping only when the window is full (the definition: a step's scans never look past that event):
 * the two orders are compared event by event on the real captures, with window sizes that make the full-window
 * sorter cut scans short too. parallel-512M-smp4 (4 CPUs) and kcompactd-512M hold reorderings.
 */
class EagerStepTest {
    @ParameterizedTest
    @ValueSource(strings = {"fragment-thp-256M", "mixed-churn-512M", "kcompactd-512M", "parallel-512M-smp4",
            "compact-memory-512M-k6.12", "variants-fragment-thp-256M-k6.12"})
    void eagerStepsGiveTheFullWindowOrder(String bundle) throws Exception {
        for (int window : new int[] {LockOrderSorter.DEFAULT_WINDOW, 3}) {
            Run full = run(bundle, window, false);
            Run eager = run(bundle, window, true);
            assertEquals(full.n, eager.n, bundle);
            assertTrue(full.n > 1000, bundle);
            assertArrayEquals(Arrays.copyOf(full.lines, full.n), Arrays.copyOf(eager.lines, eager.n),
                    bundle + " window " + window);
            assertEquals(full.reorderings, eager.reorderings, bundle);
            if (bundle.equals("kcompactd-512M") && window == LockOrderSorter.DEFAULT_WINDOW) {
                assertTrue(full.reorderings > 0, "kcompactd-512M has frees applied before a refill (CaptureFidelityTest)");
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"parallel-512M-smp4"})
    void withALocalClocksSlackToo(String bundle) throws Exception {
        // the scan memo kept across a run of one CPU's events (1 ms of slack spans many instants)
        for (int window : new int[] {LockOrderSorter.DEFAULT_WINDOW, 3}) {
            Run full = run(bundle, window, false, LockOrderSorter.LOCAL_CLOCK_SLACK_NS);
            Run eager = run(bundle, window, true, LockOrderSorter.LOCAL_CLOCK_SLACK_NS);
            assertEquals(full.n, eager.n, bundle);
            assertArrayEquals(Arrays.copyOf(full.lines, full.n), Arrays.copyOf(eager.lines, eager.n),
                    bundle + " window " + window);
            assertEquals(full.reorderings, eager.reorderings, bundle);
        }
    }

    private record Run(long[] lines, int n, long reorderings) {
    }

    private static Run run(String bundle, int window, boolean eager) throws Exception {
        return run(bundle, window, eager, 0);
    }

    private static Run run(String bundle, int window, boolean eager, long slackNs) throws Exception {
        TraceInput input = TraceInput.of(Samples.bundle(bundle).toString());
        StartState start = StartState.of(input, null, null);
        BuddyModel m = start.model();
        long[] to = new long[m.zoneCount()];
        Arrays.fill(to, Long.MAX_VALUE);
        ObservedReplay replay = new ObservedReplay(m, start.fromNs(), to);
        long[][] lines = {new long[1 << 16]};
        int[] n = {0};
        TraceVisitor record = (ParsedEvent e) -> {
            if (n[0] == lines[0].length) {
                lines[0] = Arrays.copyOf(lines[0], n[0] * 2);
            }
            lines[0][n[0]++] = e.line();
            replay.onEvent(e);
        };
        LockOrderSorter s = new LockOrderSorter(replay, record, window, slackNs);
        s.eager = eager;
        new TraceParser().parse(input, s);
        s.finish();
        return new Run(lines[0], n[0], s.reorderings());
    }
}
