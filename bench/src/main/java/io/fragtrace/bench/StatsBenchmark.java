package io.fragtrace.bench;

import io.fragtrace.parser.ParseReport;
import io.fragtrace.parser.TraceParser;
import io.fragtrace.report.stats.StatsCollector;
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

import java.io.ByteArrayInputStream;
import java.util.concurrent.TimeUnit;

/**
 * {@code fragtrace stats} throughput: parse a decompressed sample capture into a {@link StatsCollector} (perf kmem
 * bookkeeping, extfrag buckets and pollution included). One op = the whole trace; compare with ParseBenchmark for the
 * collector's own cost.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xmx1g"})
public class StatsBenchmark {
    @Param({"mixed-churn-512M"})
    public String trace;

    private byte[] data;

    @Setup(Level.Trial)
    public void load() throws Exception {
        data = BenchData.load(trace);
        System.out.printf("%n[%s] %d bytes per op%n", trace, data.length);
    }

    @Benchmark
    public long stats() {
        StatsCollector c = new StatsCollector();
        ParseReport r = new TraceParser().parse(new ByteArrayInputStream(data), trace, c);
        return c.finish(r).pagesStillAllocated();
    }
}
