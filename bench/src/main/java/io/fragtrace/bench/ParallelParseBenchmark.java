package io.fragtrace.bench;

import io.fragtrace.parser.ChunkedParser;
import io.fragtrace.parser.ParseReport;
import io.fragtrace.parser.TraceInput;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A plain text trace file (the decompressed capture, written to a temporary file at setup, read from the page
 * cache) parsed on one thread ({@code oneThread}) against in chunks on every core with the events delivered in order
 * on the benchmark's thread ({@code chunked}, what {@code stats}, {@code replay} and {@code validate} do with such a
 * file). One op = the whole file; MB/s = the size printed at setup / op time.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xmx1g"})
public class ParallelParseBenchmark {
    @Param({"mixed-churn-512M", "fragment-thp-1G-k6.12"})
    public String trace;

    private Path file;

    @Setup(Level.Trial)
    public void write() throws Exception {
        byte[] data = BenchData.load(trace);
        file = Files.createTempFile("fragtrace-parallel-parse", ".txt");
        Files.write(file, data);
        System.out.printf("%n[%s] %d bytes in %s, %d cores%n", trace, data.length, file,
                Runtime.getRuntime().availableProcessors());
    }

    @TearDown(Level.Trial)
    public void delete() throws Exception {
        Files.deleteIfExists(file);
    }

    @Benchmark
    public ParseReport oneThread(Blackhole bh) throws Exception {
        return new TraceParser().parse(TraceInput.of(file.toString()), e -> bh.consume(e.pfn()));
    }

    @Benchmark
    public ParseReport chunked(Blackhole bh) throws Exception {
        return new ChunkedParser().parse(TraceInput.of(file.toString()), e -> bh.consume(e.pfn()));
    }
}
