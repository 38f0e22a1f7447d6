package io.fragtrace.cli;

import io.fragtrace.parser.TraceInput;
import io.fragtrace.parser.TraceInputException;
import io.fragtrace.replay.config.ConfigException;
import io.fragtrace.replay.snapshot.SnapshotException;
import io.fragtrace.report.AtomicOutput;
import io.fragtrace.report.html.DiffReport;
import io.fragtrace.report.output.ReplayRun;
import io.fragtrace.report.output.SimulateRun;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code fragtrace diff}: two runs side by side — two configurations of one trace, two traces, or two replay folders. */
@Command(name = "diff", mixinStandardHelpOptions = true,
        header = "Compare two runs (two configurations, two traces or two replay folders).",
        description = {"Compare two runs. A and B are each a trace bundle (replayed first: observed, or simulated",
                "under --config-a / --config-b) or an existing replay output folder. With one bundle and two",
                "configs, the same workload runs under both.",
                "Writes DIR/diff.html: the runs overlaid on the same axes (A blue, B orange) and delta tables:",
                "fragmentation index per order at the end and averaged over time, compaction passes, success",
                "rate, pages migrated, kcompactd wakes, free regions, allocation failures by order; next to each",
                "difference, a simulated A's own error against the kernel the trace recorded (its calibration),",
                "so a difference smaller than that error is seen as meaning nothing. Also the",
                "tables as CSV and summary.txt; the summary (biggest differences first) is printed. Runs made",
                "from bundles are kept in DIR/run-a and DIR/run-b with their own report.html.",
                "A and B need the same page size and max_order and a zone in common."},
        footer = {"%nExamples:",
                "  fragtrace diff sample-traces/mixed-churn-512M --config-a linux-6.1 --config-b proactive --out d1",
                "  fragtrace diff sample-traces/mixed-churn-512M --config-a bundle --config-b proactive --from 'round 24' --out d4",
                "  fragtrace diff sample-traces/fragment-thp-256M sample-traces/fragment-thp-256M-k6.12 --out d2",
                "  fragtrace diff runs/6.1 runs/6.12 --out d3",
                "%nDIR is written completely or not at all; it replaces only an empty folder or a previous Fragtrace",
                "output, and must not be, lie in or hold A or B (docs/outputs.md).",
                "CSV headers: docs/report.md.",
                "Exit codes: 0 success; 2 usage error, an unreadable input, or runs that cannot be compared",
                "(one line on stderr)."})
final class DiffCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "A", description = "bundle or replay output folder of run A")
    Path a;

    @Parameters(index = "1", arity = "0..1", paramLabel = "B",
            description = "bundle or replay output folder of run B (default: A's bundle again, for two configs)")
    Path b;

    @Option(names = "--config-a", paramLabel = "CONFIG", description = "simulate run A under this configuration (a "
            + "preset, a file, or bundle: the capture's own kernel configuration)")
    String configA;

    @Option(names = "--config-b", paramLabel = "CONFIG", description = "simulate run B under this configuration")
    String configB;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "folder to write the comparison into "
            + "(replaces only an empty folder or a previous Fragtrace output; docs/outputs.md)")
    Path out;

    @Mixin
    SharedOptions.Force force;

    @Mixin
    SharedOptions.Quiet quiet;

    @Mixin
    SharedOptions.From from;

    @Override
    public Integer call() throws TraceInputException, SnapshotException, ConfigException, IOException {
        Path bIn = b != null ? b : a;
        if (b == null && configA == null && configB == null) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                    "give B, or --config-a/--config-b to run A's trace under two configurations");
        }
        if (from.time != null && (configA == null || configB == null)) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                    "--from applies to simulated runs: give --config-a and --config-b");
        }
        List<Path> inputs = new ArrayList<>();
        for (Path in : List.of(a, bIn)) {
            inputs.add(in);
            if (Files.isRegularFile(in) && TraceInput.isBundle(in.toAbsolutePath().getParent())) {
                inputs.add(in.toAbsolutePath().getParent());
            }
        }
        force.checkOut(out, inputs);
        String summary;
        if (isReplayFolder(a) && isReplayFolder(bIn)) {
            if (configA != null || configB != null) {
                throw new TraceInputException("--config-a/--config-b apply to traces; " + a + " and " + bIn
                        + " are replay output folders already");
            }
            summary = DiffReport.write(a, bIn, out);
        } else {
            Path tmp = AtomicOutput.tempDirFor(out);
            try {
                Path runA = run(a, configA, tmp.resolve("run-a"));
                Path runB = run(bIn, configB, tmp.resolve("run-b"));
                summary = DiffReport.writeWithRuns(runA, runB, out);
            } finally {
                AtomicOutput.discard(tmp);
            }
        }
        PrintWriter o = spec.commandLine().getOut();
        o.print(summary);
        o.println("Report: " + out.resolve(DiffReport.FILE));
        o.flush();
        return Main.EXIT_OK;
    }

    /** An existing replay folder as it is; a bundle replayed (observed) or simulated (with a config) into dir. */
    private Path run(Path input, String config, Path dir)
            throws TraceInputException, SnapshotException, ConfigException, IOException {
        if (isReplayFolder(input)) {
            if (config != null) {
                throw new TraceInputException("--config applies to a trace; " + input + " is a replay output folder");
            }
            Files.createDirectories(dir.getParent());
            return input;
        }
        TraceInput in = Inputs.open(spec, input.toString());
        if (config != null) {
            SimulateRun sim = SimulateRun.of(in, config, 0).from(from.instant(spec));
            try (Progress p = Progress.start(in, quiet.on, sim::eventsSeen)) {
                sim.run(dir);
            }
        } else {
            ReplayRun replay = new ReplayRun(in, new ReplayRun.Options(0, null, true, null, 512, io.fragtrace.replay.StartState.Topology.INFERRED));
            try (Progress p = Progress.start(in, quiet.on, replay::eventsSeen)) {
                replay.run(dir);
            }
        }
        return dir;
    }

    static boolean isReplayFolder(Path p) {
        return Files.isRegularFile(p.resolve("summary.json")) && Files.isRegularFile(p.resolve("timeseries.csv"));
    }
}
