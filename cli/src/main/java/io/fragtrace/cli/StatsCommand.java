package io.fragtrace.cli;

import io.fragtrace.parser.ParseReport;
import io.fragtrace.parser.TraceInput;
import io.fragtrace.parser.TraceInputException;
import io.fragtrace.parser.TraceParser;
import io.fragtrace.report.AtomicOutput;
import io.fragtrace.report.stats.StatsCollector;
import io.fragtrace.report.stats.StatsJson;
import io.fragtrace.report.stats.StatsText;
import io.fragtrace.report.stats.TraceStats;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code fragtrace stats}: what perf kmem stat --page and trace-pagealloc-postprocess.pl report, from a text trace. */
@Command(name = "stats", mixinStandardHelpOptions = true,
        description = {"Count what a page-allocator trace holds: events by name, bad lines and lost events, time span,",
                "page allocations and frees by order, migratetype, gfp flags and process, allocation failures,",
                "per-CPU list refills and drains, extfrag fallbacks, compaction results, and the pages allocated",
                "in the trace that are still allocated at its end.",
                "A page freed in a batch (Linux 6.1: mm_page_free plus mm_page_free_batched) is one free."},
        footer = {"%nExamples:",
                "  fragtrace stats sample-traces/fragment-thp-256M",
                "  fragtrace stats trace.txt.gz --top 20 --json stats.json",
                "  cat /sys/kernel/tracing/trace | fragtrace stats - --json - | jq .extfrag",
                "%nJSON schema: docs/stats-json.md (schema_version " + StatsJson.SCHEMA_VERSION + ").",
                "Exit codes: 0 success; 2 the input cannot be read or is not a trace (one line on stderr),",
                "or a compressed input ends early (the stats of everything before the break are still printed)."})
final class StatsCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "INPUT", description = "trace file (plain, gzip, xz, zstd or bzip2), bundle folder, or - for stdin")
    String input;

    @Option(names = "--json", paramLabel = "FILE|-",
            description = "also write the stats as JSON to FILE (written completely or not at all); - writes JSON"
                    + " to stdout instead of the tables")
    String json;

    @Option(names = "--top", paramLabel = "N", defaultValue = "10",
            description = "rows of the gfp-flags and process tables (default: ${DEFAULT-VALUE})")
    int top;

    @Option(names = {"-q", "--quiet"}, description = "no progress bar on stderr")
    boolean quiet;

    @Override
    public Integer call() throws TraceInputException, IOException {
        if (top < 0) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--top must be 0 or more, not " + top);
        }
        TraceInput in = TraceInput.of(input);
        StatsCollector collector = new StatsCollector();
        long[] events = new long[1];
        ParseReport report;
        try (Progress p = Progress.start(in, quiet, () -> events[0])) {
            report = new TraceParser().parse(in, e -> {
                events[0]++;
                collector.onEvent(e);
            });
        }
        if (report.notATrace()) {
            throw new TraceInputException(in.displayName() + ": not a trace (no trace event line found"
                    + (report.bytes() == 0 ? ", the input is empty)" : ")"));
        }
        TraceStats stats = collector.finish(report);
        PrintWriter out = spec.commandLine().getOut();
        if ("-".equals(json)) {
            ByteArrayOutputStream buf = new ByteArrayOutputStream();
            StatsJson.write(stats, top, buf);
            out.print(buf.toString(StandardCharsets.UTF_8));
        } else {
            if (json != null) {
                AtomicOutput.writeFile(Path.of(json), o -> StatsJson.write(stats, top, o));
            }
            out.print(StatsText.render(stats, top));
        }
        out.flush();
        if (report.truncation() != null) {
            spec.commandLine().getErr().println("fragtrace: " + in.displayName() + ": " + report.truncation()
                    + "; stats cover the lines before it");
            return Main.EXIT_USAGE;
        }
        return Main.EXIT_OK;
    }
}
