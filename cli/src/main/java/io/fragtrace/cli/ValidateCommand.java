package io.fragtrace.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.fragtrace.parser.EventLog;
import io.fragtrace.parser.TraceInput;
import io.fragtrace.parser.TraceInputException;
import io.fragtrace.replay.Validation;
import io.fragtrace.replay.model.FragMetrics;
import io.fragtrace.replay.snapshot.SnapshotException;
import io.fragtrace.report.AtomicOutput;
import io.fragtrace.report.OutputGuard;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code fragtrace validate BUNDLE}: replay from before/ to after/ and compare the model with the kernel's own dump.
 * Exit 0 only when the buddy state matches exactly, 1 on a mismatch, 2 on an input error.
 */
@Command(name = "validate", mixinStandardHelpOptions = true,
        header = "Replay a bundle to its after/ dump and compare with the kernel's own state.",
        description = "Replay a bundle from its before/ snapshot (buddydump.txt, or kpageflags + pagetypeinfo) to its after/ dump and compare with the kernel's state.",
        footer = {"%nJSON: the figures the text shows, per zone too, the first examples of each consistency kind, and "
                + "--explain's histories.",
                "%nExit codes: 0 exact, 1 mismatch, 2 input error.",
                "%nExample:%n  fragtrace validate sample-traces/fragment-thp-256M --json out.json"})
final class ValidateCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "BUNDLE", description = "capture folder with trace.txt[.gz] (or trace.dat[.gz], "
            + "perf.data[.gz]), before/ and after/, or a trace file in one (BUNDLE/perf-script.txt.gz)")
    Path bundle;

    @Mixin
    SharedOptions.Json json;

    @Mixin
    SharedOptions.Kernel kernel;

    @Option(names = "--naive", description = "do not infer untraced kernel paths (to measure the gap they close)")
    boolean naive;

    @Option(names = "--explain", arity = "0..1", fallbackValue = "3", paramLabel = "N",
            description = "show what the replay inferred (reorderings of the lock order by kind, reconciled "
                    + "contradictions, untraced paths: count and first examples with trace time and line) and the "
                    + "free lists in another order; on a mismatch, replay the trace's events again (kept in memory, about "
                    + "50 bytes each, up to an eighth of the Java heap; a longer trace is read again) and show the history of the first N mismatched pfns "
                    + "(default 3): the events that touched them (line, time, cpu), the model's state before -> after "
                    + "each, and the rule applied (consistency kind)")
    Integer explain;

    @Mixin
    SharedOptions.Quiet quiet;

    @Override
    public Integer call() throws IOException, SnapshotException, TraceInputException {
        PrintWriter stdout = spec.commandLine().getOut();
        PrintWriter out = json.toStdout() ? new PrintWriter(Writer.nullWriter()) : stdout; // --json -: JSON alone
        PrintWriter err = spec.commandLine().getErr();
        Validation.Result r;
        if (!Files.exists(bundle)) {
            throw new SnapshotException(bundle + ": no such file or directory");
        }
        TraceInput in = TraceInput.of(bundle.toString());
        if (in.bundle() == null) {
            throw new SnapshotException(bundle + ": not in a capture bundle (validate needs a folder with before/ "
                    + "and after/ snapshots, or a trace file in one)");
        }
        List<Path> inputs = OutputGuard.inputsOf(in);
        json.check(inputs);
        Inputs.noteBundle(spec, bundle.toString(), in);
        // --explain keeps the events as parsed: on a mismatch the histories are a second replay of them, not a second
        // read of the trace (the pfns to follow are known only once the first replay has compared)
        EventLog events = explain != null && explain > 0 ? EventLog.tee(Runtime.getRuntime().maxMemory() / 8) : null;
        try (Progress p = Progress.start(in, quiet.on, null)) {
            r = Validation.run(in, kernel.semantics(), !naive, null, events);
        }
        out.printf("%-8s %7s %8s %9s %7s %6s %11s %11s %9s %9s%n", "zone", "pages", "blk-miss", "blk-extra", "blk-mt",
                "pb", "pcp m/k", "list-order", "extfrag", "unusable");
        for (Validation.ZoneResult z : r.zones) {
            out.printf("%-8s %7d %8d %9d %7d %6d %11s %11d %9s %9s%n", z.zone, z.pagesMismatched, z.freeBlocksMissing,
                    z.freeBlocksExtra, z.freeBlocksWrongMigratetype, z.pageblocksMismatched, z.pcpModel + "/" + z.pcpKernel,
                    z.freeListsOrderDiffer, FragMetrics.format3(z.extfragMaxError), FragMetrics.format3(z.unusableMaxError));
        }
        out.println("(mismatch counts per zone; extfrag/unusable: largest difference from the kernel's printed index)");
        for (Validation.ZoneResult z : r.zones) {
            out.printf("%-8s buddyinfo model  %s%n%-8s buddyinfo kernel %s%n", z.zone, join(z.modelNrFree), "", join(z.kernelNrFree));
        }
        if (r.snapshotProblems > 0) {
            err.println("fragtrace: " + r.snapshotProblems + " malformed snapshot line(s) skipped, first: "
                    + r.snapshotProblemExamples.get(0));
        }
        if (!r.consistency.isEmpty()) {
            out.println("consistency: " + r.consistency);
        }
        for (String note : r.startNotes) {
            out.println("start: " + note);
        }
        out.printf("%s: %s kernel %s, %d events applied: %d pages mismatched (%d buddy), %d free blocks missing, %d extra, "
                        + "%d pageblocks mismatched, %d free lists in another order, %d pcp lists differ, "
                        + "extfrag index max error %s%n",
                r.exact() ? "EXACT" : "MISMATCH", bundle, r.kernel, r.eventsApplied, r.pagesMismatched,
                r.buddyPagesMismatched, r.freeBlocksMissing, r.freeBlocksExtra, r.pageblocksMismatched,
                r.freeListsOrderDiffer, r.pcpListsDiffer, FragMetrics.format3(r.extfragIndexMaxError));
        Map<Long, List<String>> why = new LinkedHashMap<>();
        if (explain != null) {
            printInferred(r, out);
        }
        if (explain != null && explain > 0 && !r.exact()) {
            why = explain(in, r, events, out);
            if (why == null) {
                return Main.EXIT_USAGE;
            }
        }
        if (json.given()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("generator", OutputGuard.GENERATOR);
            m.put("bundle", bundle.toString());
            m.put("kernel", r.kernel);
            m.put("exact", r.exact());
            m.put("pages_mismatched", r.pagesMismatched);
            m.put("buddy_pages_mismatched", r.buddyPagesMismatched);
            m.put("free_blocks_missing", r.freeBlocksMissing);
            m.put("free_blocks_extra", r.freeBlocksExtra);
            m.put("free_blocks_wrong_migratetype", r.freeBlocksWrongMigratetype);
            m.put("pageblocks_mismatched", r.pageblocksMismatched);
            m.put("buddyinfo_cells_mismatched", r.buddyinfoCellsMismatched);
            m.put("free_lists_order_mismatched", r.freeListsOrderDiffer);
            m.put("pcp_lists_mismatched", r.pcpListsDiffer);
            m.put("pcp_pages_model", r.pcpPagesModel);
            m.put("pcp_pages_kernel", r.pcpPagesKernel);
            m.put("extfrag_index_max_error", r.extfragIndexMaxError / 1000.0);
            m.put("unusable_index_max_error", r.unusableIndexMaxError / 1000.0);
            m.put("events_applied", r.eventsApplied);
            m.put("events_outside_window", r.eventsSkipped);
            m.put("consistency", r.consistency);
            m.put("consistency_examples", r.consistencyExamples);
            m.put("snapshot_lines_malformed", r.snapshotProblems);
            m.put("trace_lines_malformed", r.parseProblems);
            m.put("untraced_paths_modelled", !naive);
            if (!r.startNotes.isEmpty()) {
                m.put("start_notes", r.startNotes);
            }
            List<Map<String, Object>> zones = new java.util.ArrayList<>();
            for (Validation.ZoneResult z : r.zones) {
                Map<String, Object> zm = new LinkedHashMap<>();
                zm.put("zone", z.zone);
                zm.put("pages_mismatched", z.pagesMismatched);
                zm.put("free_blocks_missing", z.freeBlocksMissing);
                zm.put("free_blocks_extra", z.freeBlocksExtra);
                zm.put("pageblocks_mismatched", z.pageblocksMismatched);
                zm.put("buddyinfo_model", z.modelNrFree);
                zm.put("buddyinfo_kernel", z.kernelNrFree);
                zm.put("extfrag_index_model", z.modelExtfrag);
                zm.put("extfrag_index_kernel", z.kernelExtfrag);
                zm.put("unusable_index_model", z.modelUnusable);
                zm.put("unusable_index_kernel", z.kernelUnusable);
                zm.put("pcp_pages_model", z.pcpModel);
                zm.put("pcp_pages_kernel", z.pcpKernel);
                zm.put("missing_examples", z.missingExamples);
                zm.put("extra_examples", z.extraExamples);
                zm.put("list_order_examples", z.orderExamples);
                zones.add(zm);
            }
            m.put("zones", zones);
            if (!why.isEmpty()) {
                Map<String, Object> ex = new LinkedHashMap<>();
                why.forEach((pfn, steps) -> ex.put("0x" + Long.toHexString(pfn), steps));
                m.put("explain", ex);
            }
            AtomicOutput.FileWriter write = o -> new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
                    .writeValue(o, m);
            json.writeFile(inputs, write);
            if (json.toStdout()) {
                SharedOptions.Json.print(stdout, write);
                stdout.println();
                stdout.flush();
            }
        }
        return r.exact() ? Main.EXIT_OK : Main.EXIT_MISMATCH;
    }

    /**
     * --explain: what the replay inferred rather than read (reorderings by kind, reconciled contradictions, untraced
     * paths), the first examples of each with trace time and line, and the free lists whose order differs.
     */
    private static void printInferred(Validation.Result r, PrintWriter out) {
        if (!r.consistencyExamples.isEmpty()) {
            out.println();
            out.println("Inferred or reconciled, by kind (count; first examples: trace time, line, event):");
            r.consistencyExamples.forEach((kind, ex) -> {
                out.println(kind + " (" + r.consistency.getOrDefault(kind, 0L) + "):");
                ex.forEach(e -> out.println("  " + e));
            });
        }
        for (Validation.ZoneResult z : r.zones) {
            if (!z.orderExamples.isEmpty()) {
                out.println();
                out.println(z.zone + ": free lists in another order (first entries, head first):");
                z.orderExamples.forEach(e -> out.println("  " + e));
            }
        }
    }

    /** Replays the kept events again watching the first mismatched pfns, prints their histories; null: input error. */
    private Map<Long, List<String>> explain(TraceInput in, Validation.Result r, EventLog events, PrintWriter out) {
        List<Long> pfns = new java.util.ArrayList<>();
        List<String> what = new java.util.ArrayList<>();
        for (Validation.ZoneResult z : r.zones) {
            for (int i = 0; i < z.pagePfns.size() && pfns.size() < explain; i++) {
                pfns.add(z.pagePfns.get(i));
                what.add(z.pageExamples.get(i));
            }
        }
        Validation.Result again;
        try {
            again = Validation.explain(in, kernel.semantics(), !naive, r, events,
                    pfns.stream().mapToLong(Long::longValue).toArray(), EXPLAIN_STEPS);
        } catch (SnapshotException | TraceInputException e) {
            spec.commandLine().getErr().println("fragtrace: " + e.getMessage());
            return null;
        }
        Map<Long, List<String>> why = new LinkedHashMap<>();
        out.println();
        out.println("Why they differ: the last events of each mismatched pfn (state before -> after, [rule applied])");
        for (int i = 0; i < pfns.size(); i++) {
            long pfn = pfns.get(i);
            out.println("pfn " + what.get(i) + ":");
            List<String> lines = new java.util.ArrayList<>();
            for (var step : again.explain.getOrDefault(pfn, List.of())) {
                out.println(step);
                lines.add(step.toString().strip());
            }
            if (lines.isEmpty()) {
                out.println("  no event touched it: the start state already differs");
            }
            why.put(pfn, lines);
        }
        return why;
    }

    /** Events shown per pfn by --explain. */
    private static final int EXPLAIN_STEPS = 12;

    private static String join(long[] a) {
        StringBuilder sb = new StringBuilder();
        for (long v : a) {
            sb.append(String.format("%6d", v));
        }
        return sb.toString();
    }
}
