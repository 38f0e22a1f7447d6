package io.fragtrace.bench;

import io.fragtrace.replay.ObservedReplay;
import io.fragtrace.replay.blame.Blame;
import io.fragtrace.replay.blame.BlameTap;
import io.fragtrace.replay.blame.PageOwners;
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
 * What {@code fragtrace blame} adds to a replay (parsing excluded, as {@link ReplayBenchmark}): {@code replay} the
 * lock-ordered replay alone; {@code owners} with page owners kept beside it (BlameTap); {@code blame} that plus the
 * order-9 analysis of every range at the end.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xmx2g"})
public class BlameBenchmark {
    @Param({"mixed-churn-512M"})
    public String trace;

    @Param({"replay", "owners", "blame"})
    public String what;

    private RecordedBundle bundle;
    private ObservedReplay replay;
    private PageOwners owners;

    @Setup(Level.Trial)
    public void load() throws Exception {
        bundle = RecordedBundle.load(trace);
    }

    @Setup(Level.Invocation)
    public void freshModel() {
        RecordedBundle.Start s = bundle.fresh();
        replay = new ObservedReplay(s.model(), s.from(), s.to());
        owners = what.equals("replay") ? null : new PageOwners(s.model(), s.from(), s.to());
    }

    @Benchmark
    public long run() {
        LockOrderSorter sorter = owners == null ? new LockOrderSorter(replay)
                : new LockOrderSorter(replay, new BlameTap(replay, owners), LockOrderSorter.DEFAULT_WINDOW, 0, false);
        bundle.log.replay(sorter);
        sorter.finish();
        if (what.equals("blame")) {
            Blame b = new Blame(owners, null, 9, true);
            return b.analyse(replay.lastTimeNs())[0];
        }
        return replay.eventsApplied();
    }
}
