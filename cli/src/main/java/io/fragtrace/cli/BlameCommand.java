package io.fragtrace.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fragtrace.parser.TraceInput;
import io.fragtrace.parser.TraceInputException;
import io.fragtrace.replay.blame.BlameRun;
import io.fragtrace.replay.snapshot.SnapshotException;
import io.fragtrace.report.OutputGuard;
import io.fragtrace.report.blame.BlameJson;
import io.fragtrace.report.blame.BlameText;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.concurrent.Callable;

/** {@code fragtrace blame}: which pages, and whose, stand in the way of a free order-N block. */
@Command(name = "blame", mixinStandardHelpOptions = true,
        header = "Which pages, tasks and gfp flags keep order-N blocks from being free.",
        description = {"Why no free block of order N could be had: replay the trace from its start state, keeping",
                "who allocated every page (task, gfp flags, migratetype, time, trace line: page_owner from the",
                "trace), and at instant T look at every aligned order-N range of each zone that one free block does",
                "not cover. Each is classed: pinned by unmovable/reclaimable pages (no compaction can free it), on",
                "per-CPU lists or a highatomic/isolated pageblock, unknown (allocated before the trace), or movable",
                "only (compaction should have succeeded there). Tasks, gfp flags and migratetypes are ranked by the",
                "ranges they block."},
        footer = {"%nExamples:",
                "  fragtrace blame sample-traces/mixed-churn-512M --order 9",
                "  fragtrace blame sample-traces/fragment-thp-256M --order 9 --time 12.5 --json blame.json",
                "  fragtrace blame sample-traces/kcompactd-512M --order 9 --failures",
                "%nJSON: everything, every range and culprit (docs/blame.md).",
                "Exit codes: 0 success; 2 usage or input error (one line on stderr)."})
final class BlameCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "INPUT", description = "bundle folder (or a trace file; without a start snapshot every "
            + "page the trace does not touch is unknown)")
    String input;

    @Option(names = "--order", required = true, paramLabel = "N",
            description = "the block order asked for (0..MAX_ORDER; 9 is a THP / pageblock on x86-64)")
    int order;

    @Option(names = "--time", paramLabel = "T", description = "the instant: seconds on the trace clock, or a trace "
            + "marker's text (default: the end of the trace)")
    String time;

    @Option(names = "--failures", description = "analyse at every failed order-N allocation (mm_page_alloc with no "
            + "page) up to T instead, and add the rankings up")
    boolean failures;

    @Option(names = "--top", paramLabel = "N", defaultValue = "10",
            description = "rows per table (default: ${DEFAULT-VALUE})")
    int top;

    @Mixin
    SharedOptions.Json json;

    @Mixin
    SharedOptions.Kernel kernel;

    @Mixin
    SharedOptions.Quiet quiet;

    @Override
    public Integer call() throws IOException, SnapshotException, TraceInputException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (top < 1) {
            err.println("fragtrace: --top must be 1 or more, not " + top);
            return Main.EXIT_USAGE;
        }
        if (order < 0 || order > 30) {
            err.println("fragtrace: --order " + order + " is outside 0..MAX_ORDER");
            return Main.EXIT_USAGE;
        }
        BlameRun.Outcome o;
        TraceInput in = Inputs.open(spec, input);
        json.check(OutputGuard.inputsOf(in));
        try (Progress p = Progress.start(in, quiet.on, null)) {
            o = BlameRun.run(in, new BlameRun.Options(order, time, failures, kernel.semantics(), null));
        }
        ObjectNode tree = null;
        if (json.given()) {
            tree = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
            tree.put("schema_version", BlameJson.SCHEMA_VERSION);
            tree.put("generator", OutputGuard.GENERATOR);
            tree.put("input", in.displayName());
            tree.put("kernel", o.kernel());
            tree.put("start_state", o.startState());
            tree.put("first_s", o.firstNs() / 1e9);
            tree.put("last_s", o.lastNs() / 1e9);
            tree.setAll(BlameJson.tree(o.result(), Integer.MAX_VALUE, true));
        }
        ObjectNode t = tree;
        if (json.toStdout()) {
            SharedOptions.Json.print(out, s -> BlameJson.write(t, s));
        } else {
            json.writeFile(OutputGuard.inputsOf(in), s -> BlameJson.write(t, s));
            out.print(BlameText.render(o.result(), in.displayName(), top));
            if (!"buddydump".equals(o.startState())) {
                out.println("\n(start state from " + o.startState() + ": pages allocated before the trace are known "
                        + "only as far as it tells)");
            }
        }
        out.flush();
        return Main.EXIT_OK;
    }
}
