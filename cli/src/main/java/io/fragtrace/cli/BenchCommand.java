package io.fragtrace.cli;

import io.fragtrace.parser.ChunkedParser;
import io.fragtrace.parser.ParseReport;
import io.fragtrace.parser.TraceInput;
import io.fragtrace.parser.TraceInputException;
import io.fragtrace.parser.TraceParser;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.Callable;

/**
 * Quick throughput figures on a user's own trace. The JMH benchmarks in bench/ are the reference measurement;
 * this is for "how fast is it on my file".
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Measure throughput on a trace (the JMH suite in bench/ is the reference).",
        footer = {"%nExamples:%n  fragtrace bench parse sample-traces/mixed-churn-512M",
                "  ./bench/run ReplayBenchmark      (JMH, from the repository)"},
        subcommands = {BenchCommand.Parse.class})
final class BenchCommand {

    @Command(name = "parse", mixinStandardHelpOptions = true,
            description = "Parse INPUT repeatedly from memory (decompressed once) and print MB/s and events/s.",
            footer = {"%nExample:%n  fragtrace bench parse sample-traces/mixed-churn-512M --seconds 10"})
    static final class Parse implements Callable<Integer> {
        @Parameters(paramLabel = "INPUT", description = "trace file, bundle folder, or - for stdin")
        String input;

        @Option(names = "--seconds", defaultValue = "5", description = "measuring time (default: ${DEFAULT-VALUE})")
        double seconds;

        @Option(names = "--warmup", defaultValue = "2", description = "warm-up time (default: ${DEFAULT-VALUE})")
        double warmup;

        @Option(names = "--stream", description = "include decompression and file reading (no in-memory copy)")
        boolean stream;

        @Option(names = "--parallel", description = "a plain text file read from disk and parsed in chunks on every"
                + " core, events delivered in order on one thread (as stats, replay and validate read such a file"
                + " with -Dfragtrace.chunkWorkers=N)")
        boolean parallel;

        @Override
        public Integer call() throws TraceInputException, IOException {
            TraceInput in = TraceInput.of(input);
            if (parallel && !ChunkedParser.plainTextFile(in)) {
                System.err.println("fragtrace: bench parse --parallel: " + in.displayName()
                        + " is not a plain text file of 16 MB or more");
                return Main.EXIT_USAGE;
            }
            byte[] data = null;
            if (!stream && !parallel) {
                try (InputStream s = in.open()) {
                    data = s.readNBytes(Integer.MAX_VALUE - 16);
                }
            }
            long[] sink = new long[1];
            run(in, data, sink, (long) (warmup * 1e9), parallel);
            java.lang.management.OperatingSystemMXBean os = java.lang.management.ManagementFactory.getOperatingSystemMXBean();
            long cpu0 = os instanceof com.sun.management.OperatingSystemMXBean m ? m.getProcessCpuTime() : -1;
            long t0 = System.nanoTime();
            long bytes = 0;
            long events = 0;
            int rounds = 0;
            long budget = (long) (seconds * 1e9);
            do {
                ParseReport r = run(in, data, sink, 0, parallel);
                bytes += r.bytes();
                events += r.totalEvents();
                rounds++;
            } while (System.nanoTime() - t0 < budget);
            double s = (System.nanoTime() - t0) / 1e9;
            double cpu = cpu0 < 0 ? Double.NaN
                    : (((com.sun.management.OperatingSystemMXBean) os).getProcessCpuTime() - cpu0) / 1e9;
            // CPU seconds: the steadier figure when other jobs share the cores (wall time then counts their turns too)
            System.out.printf("%s: %d rounds in %.2f s, %.1f MB/s, %.2f M events/s (%s); %.1f s CPU, %.1f MB per CPU"
                            + " second%n", in.displayName(), rounds, s, bytes / s / 1e6, events / s / 1e6,
                    parallel ? "read + parse in chunks on " + Runtime.getRuntime().availableProcessors() + " cores"
                            : stream ? "decompress + parse, single thread" : "parse from memory, single thread",
                    cpu, bytes / cpu / 1e6);
            return Main.EXIT_OK;
        }

        private static ParseReport run(TraceInput in, byte[] data, long[] sink, long minNanos, boolean parallel)
                throws TraceInputException {
            long t0 = System.nanoTime();
            ParseReport r;
            do {
                if (parallel) {
                    r = new ChunkedParser().parse(in, e -> sink[0] += e.pfn());
                    continue;
                }
                TraceParser p = new TraceParser();
                r = data != null ? p.parse(new ByteArrayInputStream(data), in.displayName(), e -> sink[0] += e.pfn())
                        : p.parse(in, e -> sink[0] += e.pfn());
            } while (System.nanoTime() - t0 < minNanos);
            return r;
        }
    }
}
