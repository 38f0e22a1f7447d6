package io.fragtrace.cli;

import io.fragtrace.parser.TraceInputException;
import io.fragtrace.report.html.DiffReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code fragtrace diff}: two replay runs side by side. */
@Command(name = "diff", mixinStandardHelpOptions = true,
        description = {"Compare two runs. A and B are replay output folders",
                "(written by 'fragtrace replay INPUT --out DIR').",
                "Writes DIR/diff.html: the runs overlaid on the same axes (A blue, B orange)",
                "and delta tables: fragmentation index per order at the end and averaged",
                "over time, compaction passes, success rate, pages migrated, kcompactd",
                "wakes, free regions, allocation failures by order. Also the tables as",
                "CSV and summary.txt; the summary (biggest differences first) is printed.",
                "A and B need the same page size and max_order and a zone in common."},
        footer = {"%nExamples:",
                "  fragtrace replay sample-traces/fragment-thp-256M --out runs/6.1",
                "  fragtrace replay sample-traces/fragment-thp-256M-k6.12 --out runs/6.12",
                "  fragtrace diff runs/6.1 runs/6.12 --out runs/diff-6.1-6.12",
                "%nDIR is written completely or not at all (an existing DIR is replaced);",
                "it must not be A or B. CSV headers: docs/report.md.",
                "Exit codes: 0 success; 2 usage error, a folder that is not a replay",
                "output, or runs that cannot be compared (one line on stderr)."})
final class DiffCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "A", description = "replay output folder of run A")
    Path a;

    @Parameters(index = "1", paramLabel = "B", description = "replay output folder of run B")
    Path b;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "folder to write diff.html and the tables into")
    Path out;

    @Override
    public Integer call() throws TraceInputException, IOException {
        for (Path p : new Path[] {a, b}) {
            if (Files.isRegularFile(p) || (Files.isDirectory(p) && !Files.exists(p.resolve("timeseries.csv"))
                    && hasTrace(p))) {
                throw new TraceInputException(p + ": a trace, not a replay output folder; run 'fragtrace replay "
                        + p + " --out DIR' first and diff the folders");
            }
        }
        String summary = DiffReport.write(a, b, out);
        PrintWriter o = spec.commandLine().getOut();
        o.print(summary);
        o.println("Report: " + out.resolve(DiffReport.FILE));
        o.flush();
        return Main.EXIT_OK;
    }

    /** A capture bundle: a trace.txt, trace.txt.gz, .xz, ... inside. */
    private static boolean hasTrace(Path dir) throws IOException {
        try (var s = Files.list(dir)) {
            return s.anyMatch(f -> f.getFileName().toString().startsWith("trace.txt"));
        }
    }
}
