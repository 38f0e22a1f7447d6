package io.fragtrace.bench;

import io.fragtrace.parser.EventLog;
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
 * parser's share. {@code collectorOnly} replays the trace parsed once ({@link EventLog}) into a fresh collector: the
 * collector's own cost (the live-allocation table and page bitmap, whose lookups miss the caches on a large machine's
 * trace). {@code -p trace=PATH} takes a plain file too (the synthetic 64 GiB trace of {@code SyntheticTrace}).
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
    private EventLog log;

    @Setup(Level.Trial)
    public void load() throws Exception {
        data = BenchData.load(trace);
        log = EventLog.record(new ByteArrayInputStream(data), trace);
        System.out.printf("%n[%s] %d bytes, %d events per op%n", trace, data.length, log.size());
    }

    @Benchmark
    public long stats() {
        StatsCollector c = new StatsCollector();
        ParseReport r = new TraceParser().parse(new ByteArrayInputStream(data), trace, c);
        return c.finish(r).pagesStillAllocated();
    }

    @Benchmark
    public long collectorOnly() {
        StatsCollector c = new StatsCollector();
        log.replay(c);
        return c.finish(log.report()).pagesStillAllocated();
    }
}
