package io.fragtrace.bench;

import io.fragtrace.parser.ParseReport;
import io.fragtrace.parser.TraceParser;
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
import org.openjdk.jmh.infra.Blackhole;

import java.io.ByteArrayInputStream;
import java.util.concurrent.TimeUnit;

/**
 * Single-threaded parse throughput on a decompressed sample capture, in every input format Fragtrace reads. One op = the whole trace; the MB/s and
 * events/s figures are printed by {@code bench/run} from the op time and the sizes printed at setup.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xmx1g"})
public class ParseBenchmark {
    /**
     * A bundle's trace, or a file in one: the variants files are the same 128,618 events as trace-cmd's binary
     * trace.dat (file version 7, zstd chunks inflated inside the op), its {@code trace-cmd report} text, the kernel's
     * own text, and perf.data of the same run (compare with {@code time trace-cmd report -i trace.dat > /dev/null}).
     */
    @Param({"fragment-thp-256M", "mixed-churn-512M", "variants-fragment-thp-256M-k6.12/trace.dat.gz",
            "variants-fragment-thp-256M-k6.12/trace-cmd-report.txt.gz", "variants-fragment-thp-256M-k6.12/trace.txt.gz",
            "variants-fragment-thp-256M-k6.12/perf.data.gz"})
    public String trace;

    private byte[] data;

    @Setup(Level.Trial)
    public void load() throws Exception {
        data = BenchData.load(trace);
        long events = new TraceParser().parse(new ByteArrayInputStream(data), trace, e -> { }).totalEvents();
        System.out.printf("%n[%s] %d bytes, %d events per op%n", trace, data.length, events);
    }

    /** Parse with a visitor that reads the hot fields, as replay does. */
    @Benchmark
    public ParseReport parse(Blackhole bh) {
        return new TraceParser().parse(new ByteArrayInputStream(data), trace, e -> {
            bh.consume(e.pfn());
            bh.consume(e.order());
        });
    }
}
