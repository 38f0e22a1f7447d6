package io.fragtrace.cli;

import io.fragtrace.parser.ChunkedParser;
import io.fragtrace.parser.ParseReport;
import io.fragtrace.parser.TraceInput;
import io.fragtrace.parser.TraceInputException;
import io.fragtrace.parser.TraceParser;
import io.fragtrace.parser.TraceVisitor;
import io.fragtrace.report.OutputGuard;
import io.fragtrace.report.stats.KmemSort;
import io.fragtrace.report.stats.StatsCollector;
import io.fragtrace.report.stats.StatsJson;
import io.fragtrace.report.stats.StatsText;
import io.fragtrace.report.stats.TraceStats;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.concurrent.Callable;

/** {@code fragtrace stats}: what perf kmem --page stat and trace-pagealloc-postprocess.pl report, from a text trace. */
@Command(name = "stats", mixinStandardHelpOptions = true,
        header = "Count what a trace holds (events, bad lines, allocations, perf kmem tables).",
        description = {"Count what a page-allocator trace holds: events by name, bad lines and lost events, time span,",
                "page allocations and frees by order, migratetype, gfp flags and process, allocation failures,",
                "per-CPU list refills and drains, extfrag fallbacks, compaction results, and the pages allocated",
                "in the trace that are still allocated at its end.",
                "A page freed in a batch (Linux 6.1: mm_page_free plus mm_page_free_batched) is one free.",
                "Also what 'perf kmem --page stat' prints, with its definitions: requests",
                "and KB allocated and freed; alloc+freed, alloc-only and free-only (frees",
                "matched to allocations by pfn); the order x migratetype table; rows by",
                "(order, migratetype, gfp) and a gfp legend. And who put unmovable or",
                "reclaimable pages into movable pageblocks (extfrag fallbacks by task, with",
                "the gfp flags of the allocation served).",
                "perf kmem --caller needs the callers' stack traces (perf kmem record -g),",
                "which a tracepoint trace does not carry: no callsite column, no 'callsite'",
                "or 'page' sort key."},
        footer = {"%nExamples:",
                "  fragtrace stats sample-traces/fragment-thp-256M",
                "  fragtrace stats trace.txt.gz --top 20 --json stats.json",
                "  cat /sys/kernel/tracing/trace | fragtrace stats - --json - | jq .extfrag",
                "  fragtrace stats perf-script.txt --sort order,migtype,gfp",
                "      (as: perf kmem --page -s order,migtype,gfp stat)",
                "  fragtrace stats trace.txt.gz --live   (as: perf kmem --page --live stat)",
                "%nJSON: the stats (schema: docs/stats-json.md, schema_version " + StatsJson.SCHEMA_VERSION + ").",
                "Exit codes: 0 success; 2 the input cannot be read or is not a trace (one line on stderr),",
                "or a compressed input ends early (the stats of everything before the break are still printed)."})
final class StatsCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "INPUT", description = "trace file (ftrace, trace-cmd report or perf script text, or a binary trace-cmd trace.dat or perf.data; plain, gzip, xz, zstd or bzip2), bundle folder, or - for stdin")
    String input;

    @Mixin
    SharedOptions.Json json;

    @Option(names = "--top", paramLabel = "N", defaultValue = "10",
            description = "rows of the gfp-flags and process tables (default: ${DEFAULT-VALUE})")
    int top;

    @Option(names = {"-s", "--sort"}, paramLabel = "KEY[,KEY...]", defaultValue = "bytes,hit",
            description = "order of the (order, migratetype, gfp) rows, as perf kmem -s: keys order, migtype, gfp"
                    + " (its value), bytes, hit (requests), each highest first (default: ${DEFAULT-VALUE})")
    String sort;

    @Option(names = "--live", description = "the order x migratetype table and the rows count only allocations"
            + " still live at the end of the trace, as perf kmem --live")
    boolean live;

    @Mixin
    SharedOptions.Quiet quiet;

    @Override
    public Integer call() throws TraceInputException, IOException {
        if (top < 0) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--top must be 0 or more, not " + top);
        }
        KmemSort kmemSort;
        try {
            kmemSort = KmemSort.parse(sort);
        } catch (IllegalArgumentException e) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--sort: " + e.getMessage());
        }
        TraceInput in = TraceInput.of(input);
        json.check(OutputGuard.inputsOf(in));
        StatsCollector collector = new StatsCollector();
        long[] events = new long[1];
        ParseReport report;
        try (Progress p = Progress.start(in, quiet.on, () -> events[0])) {
            TraceVisitor count = e -> {
                events[0]++;
                collector.onEvent(e);
            };
            // a large plain text file on idle cores (or -Dfragtrace.chunkWorkers=N): parsed in chunks on N threads,
            // counted in order on this one
            report = ChunkedParser.appliesForLightVisitor(in) ? new ChunkedParser().parse(in, count) : new TraceParser().parse(in, count);
        }
        if (report.notATrace()) {
            throw new TraceInputException(in.displayName() + ": not a trace (no trace event line found"
                    + (report.bytes() == 0 ? ", the input is empty)" : ")"));
        }
        TraceStats stats = collector.finish(report);
        PrintWriter out = spec.commandLine().getOut();
        if (json.toStdout()) {
            SharedOptions.Json.print(out, o -> StatsJson.write(stats, top, kmemSort, o));
        } else {
            json.writeFile(OutputGuard.inputsOf(in), o -> StatsJson.write(stats, top, kmemSort, o));
            out.print(StatsText.render(stats, top, kmemSort, live));
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
