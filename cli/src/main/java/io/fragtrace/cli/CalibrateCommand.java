package io.fragtrace.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fragtrace.parser.TraceInput;
import io.fragtrace.parser.TraceInputException;
import io.fragtrace.replay.Instant;
import io.fragtrace.replay.config.ConfigException;
import io.fragtrace.replay.config.Configs;
import io.fragtrace.replay.snapshot.SnapshotException;
import io.fragtrace.report.OutputGuard;
import io.fragtrace.report.calibrate.CalibrateRun;
import io.fragtrace.report.calibrate.CalibrationText;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code fragtrace calibrate}: each bundle simulated under its own kernel's configuration, compared with the kernel. */
@Command(name = "calibrate", mixinStandardHelpOptions = true,
        header = "Simulate each bundle under its own kernel and compare with what the kernel did.",
        description = {"Run each bundle in simulate mode under the configuration of the kernel it",
                "was captured on (kernel version and orders from the snapshots; min_free_kbytes,",
                "watermark_scale_factor, watermark_boost_factor, extfrag_threshold,",
                "compaction_proactiveness, THP enabled/defrag from before/sysctl_vm.txt and",
                "before/thp.txt, guest/settings.txt or meta.txt; the workload's own writes from",
                "the trace markers) and compare model with kernel, per phase between markers",
                "and in total: allocation failures by order, compaction attempts by context and",
                "their success (SUCCESS, or COMPLETE for a proactive or manual whole-zone pass),",
                "kswapd and kcompactd wakes, pages migrated, buddyinfo over time and at the end",
                "(free memory misplaced across orders). Each row with a bar gets PASS or FAIL:",
                "success rate within 10 points, attempts within 30%% or 2, end buddyinfo within",
                "10%% of free memory."},
        footer = {"%nExamples:",
                "  fragtrace calibrate sample-traces/fragment-thp-256M sample-traces/kcompactd-512M",
                "  fragtrace calibrate sample-traces/* --json calibration.json",
                "  fragtrace calibrate sample-traces/kcompactd-512M-k6.12 --from 24.19848",
                "  fragtrace calibrate sample-traces/* --from first-compaction",
                "%nJSON: the figures of every bundle, per phase and in total (docs/calibrate.md).",
                "Exit codes: 0 done (whatever the verdicts; with --check: every bar passed); 1 with --check, a row",
                "failed its bar; 2 usage or input error (one line on stderr)."})
final class CalibrateCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(arity = "1..*", paramLabel = "BUNDLE", description = "bundle folders (trace plus before/ snapshots)")
    List<String> bundles;

    @Option(names = "--config", paramLabel = "CONFIG", defaultValue = Configs.DEFAULT,
            description = "preset or file for the knobs a bundle does not record (default: ${DEFAULT-VALUE})")
    String config;

    @Mixin
    SharedOptions.Json json;

    @Option(names = "--check", description = "exit 1 when a row fails its bar")
    boolean check;

    /** At most this many of a bundle's model decisions go into the JSON. */
    static final int DECISIONS_KEPT = 50_000;

    @Option(names = "--decisions", description = "add the model's own decisions to the JSON (model_decisions: "
            + "kswapd's wakes, sleeps and failures, kcompactd's work, proactive checks, each zone's compaction or why "
            + "none), the first " + DECISIONS_KEPT + " of each bundle; needs --json")
    boolean decisions;

    @Mixin
    SharedOptions.From from;

    @Mixin
    SharedOptions.Quiet quiet;

    @Override
    public Integer call() throws TraceInputException, SnapshotException, ConfigException, IOException {
        Configs.load(config);
        Instant fromInstant = from.firstCompaction() ? null : from.instant(spec);
        if (decisions && !json.given()) {
            throw new ParameterException(spec.commandLine(), "--decisions go into the JSON: add --json FILE (or -)");
        }
        List<TraceInput> inputs = new ArrayList<>();
        List<Path> inputPaths = new ArrayList<>();
        for (String b : bundles) {
            TraceInput in = Inputs.open(spec, b);
            if (in.bundle() == null) {
                throw new TraceInputException(b + ": not a bundle folder (calibrate needs the trace's before/ "
                        + "snapshots and its guest/ or meta.txt settings)");
            }
            inputs.add(in);
            inputPaths.addAll(OutputGuard.inputsOf(in));
        }
        json.check(inputPaths);
        ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode root = mapper.createObjectNode();
        root.put("schema_version", 1);
        root.put("generator", OutputGuard.GENERATOR);
        root.put("base_config", config);
        ArrayNode runs = root.putArray("bundles");
        PrintWriter out = spec.commandLine().getOut();
        boolean text = !json.toStdout();
        int failed = 0;
        List<String> verdicts = new ArrayList<>();
        for (TraceInput in : inputs) {
            CalibrateRun run = from.firstCompaction() ? CalibrateRun.fromFirstCompaction(in, config)
                    : new CalibrateRun(in, config, fromInstant);
            if (decisions) {
                run.keepDecisions(DECISIONS_KEPT);
            }
            CalibrateRun.Result r;
            try (Progress p = Progress.start(in, quiet.on, run::eventsSeen)) {
                r = run.run();
            }
            runs.add(r.calibration());
            String verdict = r.calibration().path("verdict").asText();
            if (!"PASS".equals(verdict)) {
                failed++;
            }
            verdicts.add(String.format("  %-48s %s (%d of %d rows pass)", r.bundle(), verdict,
                    r.calibration().path("rows_passed").asInt(), r.calibration().path("rows_with_a_bar").asInt()));
            if (text) {
                out.print(CalibrationText.render(r.bundle(), r.release(), r.calibration()));
                out.println();
                out.flush();
            }
        }
        if (text) {
            out.println("Calibration, " + inputs.size() + " bundle(s), base config " + config + ":");
            verdicts.forEach(out::println);
        } else {
            out.println(mapper.writeValueAsString(root));
        }
        out.flush();
        json.writeFile(inputPaths, o -> mapper.writeValue(o, root));
        return check && failed > 0 ? Main.EXIT_MISMATCH : Main.EXIT_OK;
    }
}
