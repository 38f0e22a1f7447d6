package io.fragtrace.bench;

import io.fragtrace.parser.EventLog;
import io.fragtrace.replay.ObservedReplay;
import io.fragtrace.replay.order.LockOrderSorter;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * Observed replay throughput with parsing excluded: the trace is parsed once into an {@link EventLog}, and each op
 * replays all of it into a fresh model built from the bundle's before/buddydump.txt. events/s = events per op
 * (printed at setup) / op time.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xmx2g"})
public class ReplayBenchmark {
    @Param({"fragment-thp-256M", "mixed-churn-512M", "parallel-512M-smp4"})
    public String trace;

    /**
     * Straight into the model (none), or through the lock-order stage as replay and validate run it: with the slack
     * of a trace_clock global capture (global: only ties reordered) or of a local-clock one (local: an enabling event
     * up to LockOrderSorter.LOCAL_CLOCK_SLACK_NS later is moved ahead).
     */
    @Param({"none", "global", "local"})
    public String lockOrder;

    private RecordedBundle bundle;
    private ObservedReplay replay;

    @Setup(Level.Trial)
    public void load() throws Exception {
        bundle = RecordedBundle.load(trace);
    }

    @Setup(Level.Invocation)
    public void freshModel() {
        RecordedBundle.Start s = bundle.fresh();
        replay = new ObservedReplay(s.model(), s.from(), s.to());
    }

    @Benchmark
    public long replay() {
        if (!lockOrder.equals("none")) {
            long slack = lockOrder.equals("local") ? LockOrderSorter.LOCAL_CLOCK_SLACK_NS : 0;
            LockOrderSorter sorter = new LockOrderSorter(replay, replay, LockOrderSorter.DEFAULT_WINDOW, slack);
            bundle.log.replay(sorter);
            sorter.finish();
        } else {
            bundle.log.replay(replay);
        }
        return replay.eventsApplied();
    }
}
