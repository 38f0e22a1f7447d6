package io.fragtrace.bench;

import io.fragtrace.parser.EventLog;
import io.fragtrace.parser.TraceInput;
import io.fragtrace.replay.ModelLoader;
import io.fragtrace.replay.ObservedReplay;
import io.fragtrace.replay.blame.Blame;
import io.fragtrace.replay.blame.BlameTap;
import io.fragtrace.replay.blame.PageOwners;
import io.fragtrace.replay.model.BuddyModel;
import io.fragtrace.replay.model.KernelSemantics;
import io.fragtrace.replay.order.LockOrderSorter;
import io.fragtrace.replay.snapshot.BuddyDump;
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

import java.nio.file.Path;
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

    private EventLog log;
    private BuddyDump before;
    private KernelSemantics ks;
    private ObservedReplay replay;
    private PageOwners owners;

    @Setup(Level.Trial)
    public void load() throws Exception {
        Path bundle = BenchData.resolve(trace);
        log = EventLog.record(TraceInput.of(bundle.toString()));
        before = ModelLoader.loadDump(bundle.resolve("before"));
        ks = ModelLoader.semanticsFor(bundle, before);
        System.out.printf("%n[%s] %d events per op%n", trace, log.size());
    }

    @Setup(Level.Invocation)
    public void freshModel() {
        BuddyModel model = ModelLoader.fromDump(before, ks, null);
        long[] from = new long[model.zoneCount()];
        long[] to = new long[model.zoneCount()];
        for (int z = 0; z < from.length; z++) {
            from[z] = before.zone(model.zone(z).name).lockNs;
            to[z] = Long.MAX_VALUE;
        }
        replay = new ObservedReplay(model, from, to);
        owners = what.equals("replay") ? null : new PageOwners(model, from, to);
    }

    @Benchmark
    public long run() {
        LockOrderSorter sorter = owners == null ? new LockOrderSorter(replay)
                : new LockOrderSorter(replay, new BlameTap(replay, owners), LockOrderSorter.DEFAULT_WINDOW, 0, false);
        log.replay(sorter);
        sorter.finish();
        if (what.equals("blame")) {
            Blame b = new Blame(owners, null, 9, true);
            return b.analyse(replay.lastTimeNs())[0];
        }
        return replay.eventsApplied();
    }
}
