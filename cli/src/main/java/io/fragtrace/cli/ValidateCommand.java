package io.fragtrace.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.fragtrace.parser.TraceInputException;
import io.fragtrace.replay.Validation;
import io.fragtrace.replay.model.FragMetrics;
import io.fragtrace.replay.model.KernelSemantics;
import io.fragtrace.replay.snapshot.SnapshotException;
import io.fragtrace.report.AtomicOutput;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
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
        description = "Replay a bundle from its before/ snapshot (buddydump.txt, or kpageflags + pagetypeinfo) to its after/ dump and compare with the kernel's state.",
        footer = {"%nExit codes: 0 exact, 1 mismatch, 2 input error.",
                "%nExample:%n  fragtrace validate sample-traces/fragment-thp-256M --json out.json"})
final class ValidateCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "BUNDLE", description = "capture folder with trace.txt[.gz], before/ and after/")
    Path bundle;

    @Option(names = "--json", paramLabel = "FILE", description = "also write the figures as JSON")
    Path json;

    @Option(names = "--kernel", paramLabel = "VERSION",
            description = "kernel semantics (e.g. 6.1, 6.12); default from the bundle (buddydump release, guest/uname.txt)")
    String kernel;

    @Option(names = "--naive", description = "do not infer untraced kernel paths (to measure the gap they close)")
    boolean naive;

    @Option(names = {"-q", "--quiet"}, description = "no progress bar on stderr")
    boolean quiet;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Validation.Result r;
        try {
            if (!Files.isDirectory(bundle)) {
                throw new SnapshotException(bundle + ": not a folder (validate needs a capture bundle)");
            }
            io.fragtrace.parser.TraceInput in = io.fragtrace.parser.TraceInput.of(bundle.toString());
            try (Progress p = Progress.start(in, quiet, null)) {
                r = Validation.run(in, kernel == null ? null : KernelSemantics.forRelease(kernel), !naive, null);
            }
        } catch (SnapshotException | TraceInputException e) {
            err.println("fragtrace: " + e.getMessage());
            return Main.EXIT_USAGE;
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
        out.printf("%s: %s kernel %s, %d events applied: %d pages mismatched (%d buddy), %d free blocks missing, %d extra, "
                        + "%d pageblocks mismatched, %d free lists in another order, %d pcp lists differ, "
                        + "extfrag index max error %s%n",
                r.exact() ? "EXACT" : "MISMATCH", bundle, r.kernel, r.eventsApplied, r.pagesMismatched,
                r.buddyPagesMismatched, r.freeBlocksMissing, r.freeBlocksExtra, r.pageblocksMismatched,
                r.freeListsOrderDiffer, r.pcpListsDiffer, FragMetrics.format3(r.extfragIndexMaxError));
        if (json != null) {
            Map<String, Object> m = new LinkedHashMap<>();
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
            m.put("snapshot_lines_malformed", r.snapshotProblems);
            m.put("trace_lines_malformed", r.parseProblems);
            m.put("untraced_paths_modelled", !naive);
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
                zones.add(zm);
            }
            m.put("zones", zones);
            AtomicOutput.writeFile(json, o -> new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
                    .writeValue(o, m));
        }
        return r.exact() ? Main.EXIT_OK : Main.EXIT_MISMATCH;
    }

    private static String join(long[] a) {
        StringBuilder sb = new StringBuilder();
        for (long v : a) {
            sb.append(String.format("%6d", v));
        }
        return sb.toString();
    }
}
