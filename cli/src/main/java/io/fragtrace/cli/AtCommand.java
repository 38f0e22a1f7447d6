package io.fragtrace.cli;

import io.fragtrace.parser.TraceInput;
import io.fragtrace.parser.TraceInputException;
import io.fragtrace.replay.Instant;
import io.fragtrace.replay.ReplayTo;
import io.fragtrace.replay.snapshot.SnapshotException;
import io.fragtrace.report.OutputGuard;
import io.fragtrace.report.at.AtReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code fragtrace at}: the allocator's state at one instant of the trace, printed as the kernel prints it. */
@Command(name = "at", mixinStandardHelpOptions = true,
        header = "The allocator's state at one instant, as the kernel prints it, and a pfn map.",
        description = {"The page allocator's state at one instant of the trace (the model replayed from the start",
                "state up to it), as the kernel prints it: /proc/buddyinfo, /proc/pagetypeinfo, extfrag_index,",
                "unusable_index, the per-CPU list counts and the fragmentation score; with --out also a pfn map",
                "(pfnmap.png: every page, or every pageblock of a large machine, coloured by its state)."},
        footer = {"%nExamples:",
                "  fragtrace at sample-traces/mixed-churn-512M --time 20.5",
                "  fragtrace at sample-traces/mixed-churn-512M --time 'phase round 20' --out out/round20",
                "  fragtrace at sample-traces/fragment-thp-256M --time 12.0 --json - | jq '.zones[1].nr_free'",
                "%nJSON: the state the text shows, per zone (the at.json of the output folder).",
                "%nOutput folder (written completely or not at all): buddyinfo, pagetypeinfo, extfrag_index,",
                "unusable_index, pcp, fragmentation_score, at.json, pfnmap.png (docs/outputs.md).",
                "Exit codes: 0 success; 2 usage or input error, or TIME outside the trace (one line on stderr)."})
final class AtCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "INPUT", description = "bundle folder (the replay starts from its before/ snapshot), or "
            + "a trace file")
    String input;

    @Option(names = "--time", required = true, paramLabel = "TIME",
            description = "seconds on the trace clock (as the trace prints them, e.g. 28.50699), or a trace marker "
                    + "(tracing_mark_write text, or its end: 'phase round 3')")
    String time;

    @Mixin
    SharedOptions.Json json;

    @Option(names = "--out", paramLabel = "DIR", description = "write the files and the pfn map into DIR (replaces "
            + "only an empty folder or a previous Fragtrace output)")
    Path out;

    @Mixin
    SharedOptions.Force force;

    @Mixin
    SharedOptions.Kernel kernel;

    @Option(names = "--region-mb", paramLabel = "MIB", defaultValue = "512",
            description = "memory-region size drawn on the pfn map (power of two; 0 = none; default: ${DEFAULT-VALUE})")
    long regionMb;

    @Mixin
    SharedOptions.Quiet quiet;

    @Override
    public Integer call() throws TraceInputException, SnapshotException, IOException {
        if (regionMb < 0 || (regionMb > 0 && (Long.bitCount(regionMb) != 1 || regionMb < 4))) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                    "--region-mb must be 0 or a power of two of at least 4, not " + regionMb);
        }
        Instant at;
        try {
            at = Instant.parse(time);
        } catch (IllegalArgumentException e) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        TraceInput in = TraceInput.of(input);
        List<Path> inputs = OutputGuard.inputsOf(in);
        json.check(inputs);
        if (out != null) {
            force.checkOut(out, inputs);
        }
        Inputs.noteBundle(spec, input, in);
        ReplayTo replay = new ReplayTo(in, kernel.semantics(), at);
        ReplayTo.Result r;
        try (Progress p = Progress.start(in, quiet.on, replay::eventsSeen)) {
            r = replay.run();
        }
        String name = in.displayName();
        PrintWriter stdout = spec.commandLine().getOut();
        var node = AtReport.json(r, name);
        json.writeFile(inputs, o -> AtReport.writeJson(node, o));
        if (out != null) {
            int shift = regionMb == 0 ? 0 : Long.numberOfTrailingZeros(regionMb << 8);
            AtReport.writeDir(out, r, name, shift);
        }
        if (json.toStdout()) {
            SharedOptions.Json.print(stdout, o -> AtReport.writeJson(node, o));
        } else if (out != null) {
            stdout.printf("fragtrace at: %s at %s -> %s (%s, at.json, pfnmap.png; %d mixed pageblocks)%n", name,
                    Instant.seconds(r.atNs()) + " s", out, String.join(", ", AtReport.FILES),
                    node.path("zones").findValues("mixed_pageblocks").stream().mapToLong(v -> v.asLong()).sum());
        } else {
            stdout.print(AtReport.stdout(r));
        }
        stdout.flush();
        return Main.EXIT_OK;
    }
}
