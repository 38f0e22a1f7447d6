package io.fragtrace.bench;

import io.fragtrace.parser.EventLog;
import io.fragtrace.parser.TraceInput;
import io.fragtrace.replay.config.Configs;
import io.fragtrace.replay.simulate.Simulation;
import io.fragtrace.replay.simulate.Simulator;
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
 * Simulate-mode throughput with parsing excluded: the trace is parsed once into an {@link EventLog}; each op builds a
 * fresh simulator from the bundle's before/ state (setup, not measured) and replays the whole request stream through
 * the model's own allocator, compaction, kswapd and kcompactd. events/s = events per op (printed at setup) / op time.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xmx2g"})
public class SimulateBenchmark {
    @Param({"fragment-thp-256M", "mixed-churn-512M"})
    public String trace;

    @Param({"linux-6.1"})
    public String config;

    private EventLog log;
    private Simulation.Start start;
    private Simulator sim;

    @Setup(Level.Trial)
    public void load() throws Exception {
        Path bundle = BenchData.resolve(trace);
        log = EventLog.record(TraceInput.of(bundle.toString()));
        start = Simulation.loadStart(bundle, Configs.load(config));
        System.out.printf("%n[%s %s] %d events per op%n", trace, config, log.size());
    }

    @Setup(Level.Invocation)
    public void freshModel() {
        sim = start.newSimulator();
    }

    @Benchmark
    public long simulate() {
        log.replay(sim);
        sim.finish();
        return sim.stats().frees;
    }
}
