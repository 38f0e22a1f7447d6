package io.fragtrace.bench;

import io.fragtrace.parser.TraceParser;
import io.fragtrace.parser.TraceInput;
import io.fragtrace.replay.Validation;
import io.fragtrace.report.output.ReplayRun;
import io.fragtrace.report.stats.StatsCollector;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * The three main jobs end to end from the stored bundle, as the CLI runs them (decompression on its own thread;
 * for validate and replay, parsing on another while the model runs on the caller's): {@code stats},
 * {@code validate}, and {@code replay} with
 * every output file and report.html. {@code -p trace=/path/to/bundle} runs a generated synthetic bundle
 * ({@link SyntheticTrace}). Single-shot: one op is one whole run.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 1)
@Measurement(iterations = 3)
@Fork(value = 1, jvmArgsAppend = {"-Xmx4g"})
public class EndToEndBenchmark {
    @Param({"mixed-churn-512M"})
    public String trace;

    @Benchmark
    public long stats() throws Exception {
        TraceInput in = TraceInput.of(BenchData.resolve(trace).toString());
        StatsCollector c = new StatsCollector();
        return c.finish(new TraceParser().parse(in, c)).hashCode();
    }

    @Benchmark
    public long validate() throws Exception {
        return Validation.run(BenchData.resolve(trace), null, true).eventsApplied;
    }

    @Benchmark
    public long replay() throws Exception {
        Path out = Files.createTempDirectory("fragtrace-bench-");
        try {
            TraceInput in = TraceInput.of(BenchData.resolve(trace).toString());
            new ReplayRun(in, new ReplayRun.Options(0, null, true)).run(out.resolve("run"));
            return Files.size(out.resolve("run").resolve("timeseries.csv"));
        } finally {
            io.fragtrace.report.AtomicOutput.deleteTree(out);
        }
    }
}
