package io.fragtrace.cli;

import io.fragtrace.parser.TraceInput;
import io.fragtrace.parser.TraceInputException;
import io.fragtrace.replay.snapshot.SnapshotException;
import io.fragtrace.report.output.ReplayRun;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code fragtrace replay}: the buddy-allocator model driven by a real trace, sampled over time. */
@Command(name = "replay", mixinStandardHelpOptions = true,
        description = {"Replay a bundle's trace into the page-allocator model, starting from the kernel's exact",
                "before/buddydump.txt, and write the state over time (buddyinfo, free pages per migratetype,",
                "fragmentation and unusable-free-space index per order, fragmentation score, pageblocks),",
                "compaction passes and daemon activity, and, when the bundle has an after/ snapshot, the fidelity",
                "of the model against it."},
        footer = {"%nExamples:",
                "  fragtrace replay sample-traces/fragment-thp-256M --out out/",
                "  fragtrace replay my-bundle --out out/ --interval 0.01",
                "%nOutput folder (written completely or not at all): docs/replay-output.md",
                "Exit codes: 0 success; 2 usage or input error (one line on stderr)."})
final class ReplayCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "INPUT", description = "bundle folder: a trace plus before/ (and after/) snapshots")
    String input;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "output folder (replaced when complete)")
    Path out;

    @Option(names = "--interval", paramLabel = "SECONDS",
            description = "sample every SECONDS of trace time (default: about 1000 samples over the trace)")
    Double interval;

    @Option(names = "--kernel", paramLabel = "RELEASE",
            description = "kernel semantics to apply, e.g. 6.1 or 6.12 (default: from the bundle's guest/uname.txt "
                    + "or buddydump header, else 6.1)")
    String kernel;

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

    @Option(names = {"-q", "--quiet"}, description = "no progress bar on stderr")
    boolean quiet;

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
        ReplayRun run = new ReplayRun(in, new ReplayRun.Options(interval == null ? 0 : (long) (interval * 1e9),
                kernel, !naive, startAt == null ? null : (long) (startAt * 1e9), regionMb));
        ReplayRun.Result result;
        try (Progress p = Progress.start(in, quiet, run::eventsSeen)) {
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
