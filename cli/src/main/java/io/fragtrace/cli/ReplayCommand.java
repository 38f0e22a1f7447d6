package io.fragtrace.cli;

import io.fragtrace.parser.TraceInput;
import io.fragtrace.parser.TraceInputException;
import io.fragtrace.replay.StartState;
import io.fragtrace.replay.config.ConfigException;
import io.fragtrace.replay.config.KernelConfig;
import io.fragtrace.replay.snapshot.SnapshotException;
import io.fragtrace.report.OutputGuard;
import io.fragtrace.report.output.ReplayRun;
import io.fragtrace.report.calibrate.CalibrationText;
import io.fragtrace.report.output.SimulateRun;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code fragtrace replay}: the buddy-allocator model driven by a real trace, sampled over time. */
@Command(name = "replay", mixinStandardHelpOptions = true,
        header = "Replay a trace into the allocator model; write report.html, charts and data.",
        description = {"Replay a bundle's trace into the page-allocator model, starting from the kernel's exact",
                "before/buddydump.txt, and write the state over time (buddyinfo, free pages per migratetype,",
                "fragmentation and unusable-free-space index per order, fragmentation score, pageblocks),",
                "compaction passes and daemon activity, and, when the bundle has an after/ snapshot, the fidelity",
                "of the model against it."},
        footer = {"%nExamples:",
                "  fragtrace replay sample-traces/fragment-thp-256M --out out/fragment-thp",
                "  fragtrace replay my-bundle/perf-script.txt.gz --out out/my-bundle --interval 0.01",
                "  fragtrace replay sample-traces/mixed-churn-512M --mode simulate --config proactive --out out/sim",
                "%nOutput folder (written completely or not at all): docs/replay-output.md; what it may replace:",
                "docs/outputs.md. Ctrl-C removes the unfinished output (exit 130; SIGTERM 143).",
                "Exit codes: 0 success; 2 usage or input error (one line on stderr)."})
final class ReplayCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "INPUT", description = "bundle folder: a trace plus before/ (and after/) snapshots; or a "
            + "trace file (one in a bundle is read with the bundle's snapshots)")
    String input;

    @Option(names = "--out", required = true, paramLabel = "DIR",
            description = "output folder: written when complete; replaces only an empty folder or a previous "
                    + "Fragtrace output (docs/outputs.md)")
    Path out;

    @Mixin
    SharedOptions.Force force;

    @Option(names = "--interval", paramLabel = "SECONDS",
            description = "sample every SECONDS of trace time (default: about 1000 samples over the trace)")
    Double interval;

    @Mixin
    SharedOptions.Kernel kernel;

    @Option(names = "--naive", description = "apply the traced events only: do not model the untraced kernel paths "
            + "(compaction's fast free-page search, capture); for measuring what the modelling adds")
    boolean naive;

    @Option(names = "--start-at", paramLabel = "SECONDS",
            description = "with a start state inferred from kpageflags (no buddydump): the trace-clock instant the "
                    + "snapshot shows (default: the capture's 'read /proc/kpageflags' marker, else before the first event)")
    Double startAt;

    @Option(names = "--region-mb", paramLabel = "MIB", defaultValue = "512",
            description = "memory-region size for region occupancy (power of two; 0 = off; default: ${DEFAULT-VALUE}, "
                    + "the memory power management RFC's size)")
    long regionMb;

    @Option(names = "--mem", paramLabel = "SIZE",
            description = "a trace without snapshots: RAM size (e.g. 8G, 512M) for x86-64 default zones "
                    + "(default: up to the highest pfn the trace names)")
    String mem;

    @Option(names = "--zones", paramLabel = "SPEC",
            description = "a trace without snapshots: zones as NAME:START-END pfn ranges, e.g. "
                    + "DMA:0x1-0x1000,DMA32:0x1000-0x100000,Normal:0x100000-0x440000 (node-prefixed as 1/Normal:...)")
    String zones;

    @Mixin
    SharedOptions.Quiet quiet;

    /** Replay modes. */
    enum Mode { observed, simulate }

    @Option(names = "--mode", paramLabel = "MODE", defaultValue = "observed",
            description = "observed (apply the trace's own events; default) or simulate (serve the trace's requests "
                    + "with the model's own allocator, compaction, kswapd and kcompactd under --config)")
    Mode mode;

    @Option(names = "--config", paramLabel = "CONFIG",
            description = "simulate mode: a preset (fragtrace configs), a properties file, or bundle (the capture's own "
                    + "kernel configuration, as fragtrace calibrate reads it); default linux-6.1")
    String config;

    @Mixin
    SharedOptions.From from;

    private Integer simulate(TraceInput in) throws TraceInputException, SnapshotException, IOException {
        if (naive || kernel.release != null) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                    "--naive and --kernel apply to --mode observed only (simulate takes the kernel from --config)");
        }
        List<String> ignored = new ArrayList<>();
        for (String flag : List.of("--start-at", "--region-mb", "--mem", "--zones")) {
            if (spec.commandLine().getParseResult().hasMatchedOption(flag)) {
                ignored.add(flag);
            }
        }
        if (!ignored.isEmpty()) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), String.join(", ", ignored)
                    + (ignored.size() == 1 ? " applies" : " apply") + " to --mode observed only (simulate starts from "
                    + "the bundle's before/ snapshot; its regions come from --config: region_size_mb)");
        }
        SimulateRun run;
        try {
            run = SimulateRun.of(in, config, interval == null ? 0 : (long) (interval * 1e9));
        } catch (ConfigException e) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        run.from(from.instant(spec));
        KernelConfig cfg = run.config();
        SimulateRun.Result result;
        try (Progress p = Progress.start(in, quiet.on, run::eventsSeen)) {
            result = run.run(out);
        }
        var sim = result.summary().get("simulate");
        var c = sim.get("compaction");
        var d = sim.get("end_buddyinfo_distance");
        String from = CalibrationText.startedAt(result.summary().path("start_state"));
        spec.commandLine().getOut().printf("fragtrace replay --mode simulate --config %s%s: %s -> %s (compaction "
                        + "attempts model %d / observed %d, successes %d / %d; kcompactd wakes %d / %d%s)%n",
                cfg.name(), from.isEmpty() ? "" : " " + from, in.displayName(), out, c.get("attempts").get("model").asLong(),
                c.get("attempts").get("observed").asLong(), c.get("successes").get("model").asLong(),
                c.get("successes").get("observed").asLong(), sim.get("kcompactd").get("wakes").get("model").asLong(),
                sim.get("kcompactd").get("wakes").get("observed").asLong(),
                d == null ? "" : "; end buddyinfo distance " + d.get("blocks").asLong() + " blocks, "
                        + d.get("pages").asLong() + " pages");
        var cal = result.summary().get("calibration");
        spec.commandLine().getOut().printf("model vs kernel: %d of %d calibration rows within their bars (%s; "
                        + "report.html, Model vs kernel)%n", cal.get("rows_passed").asInt(),
                cal.get("rows_with_a_bar").asInt(), cal.get("verdict").asText());
        return Main.EXIT_OK;
    }

    /** 8G, 512M, 1T, 4096K or plain bytes. */
    private long bytes(String size) {
        String s = size.trim().toUpperCase(java.util.Locale.ROOT);
        int shift = switch (s.isEmpty() ? ' ' : s.charAt(s.length() - 1)) {
            case 'K' -> 10;
            case 'M' -> 20;
            case 'G' -> 30;
            case 'T' -> 40;
            default -> 0;
        };
        try {
            long n = Long.parseLong(shift == 0 ? s : s.substring(0, s.length() - 1));
            if (n > 0 && n < (1L << (62 - shift))) {
                return n << shift;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                "--mem must be a size like 8G, 512M or 1T, not '" + size + "'");
    }

    @Override
    public Integer call() throws TraceInputException, SnapshotException, IOException {
        if (regionMb < 0 || (regionMb > 0 && (Long.bitCount(regionMb) != 1 || regionMb < 4))) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                    "--region-mb must be 0 or a power of two of at least 4, not " + regionMb);
        }
        if (interval != null && !(interval > 0)) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                    "--interval must be a positive number of seconds, not " + interval);
        }
        TraceInput in = TraceInput.of(input);
        force.checkOut(out, OutputGuard.inputsOf(in));
        Inputs.noteBundle(spec, input, in);
        if (mode == Mode.simulate) {
            return simulate(in);
        }
        if (config != null) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                    "--config applies to --mode simulate only");
        }
        if (from.time != null) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                    "--from applies to --mode simulate only (fragtrace at shows the kernel's state at an instant)");
        }
        ReplayRun run = new ReplayRun(in, new ReplayRun.Options(interval == null ? 0 : (long) (interval * 1e9),
                kernel.release, !naive, startAt == null ? null : (long) (startAt * 1e9), regionMb,
                new StartState.Topology(mem == null ? 0 : bytes(mem), zones)));
        ReplayRun.Result result;
        try (Progress p = Progress.start(in, quiet.on, run::eventsSeen)) {
            result = run.run(out);
        }
        var f = result.summary().json().get("fidelity");
        String fidelity;
        if (f == null) {
            fidelity = "no after/ snapshot to check against";
        } else {
            long pages = f.get("pages_mismatched").asLong();
            fidelity = "fidelity against after/: " + (f.get("exact").asBoolean()
                    ? "free lists exact" + (pages > 0 ? ", " + pages + " pages differ on per-CPU lists" : "")
                    : pages + " pages mismatched");
        }
        spec.commandLine().getOut().printf("fragtrace replay: %s -> %s (%s)%n", in.displayName(), out, fidelity);
        return Main.EXIT_OK;
    }
}
