package io.fragtrace.report.calibrate;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fragtrace.parser.ParseReport;
import io.fragtrace.parser.PipelinedParser;
import io.fragtrace.parser.TraceInput;
import io.fragtrace.parser.TraceInputException;
import io.fragtrace.replay.Instant;
import io.fragtrace.replay.ModelLoader;
import io.fragtrace.replay.compaction.CompactionTracker;
import io.fragtrace.replay.compaction.PassCost;
import io.fragtrace.replay.config.BundleConfig;
import io.fragtrace.replay.config.ConfigException;
import io.fragtrace.replay.simulate.KernelStateStart;
import io.fragtrace.replay.simulate.Simulation;
import io.fragtrace.replay.simulate.Simulator;
import io.fragtrace.replay.snapshot.SnapshotException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * {@code fragtrace calibrate} for one bundle: the trace's request stream through the model under the configuration
 * of the capture's own kernel ({@link BundleConfig}), compared with what that kernel did ({@link Calibrator}). One
 * pass over the trace; nothing is written.
 */
public final class CalibrateRun {
    private final TraceInput input;
    private final String baseConfig;
    private final Instant from;
    private final boolean firstCompaction;
    /** The model's decisions kept for the JSON (model_decisions), at most this many; 0: none. */
    private int decisionCap;
    private volatile long events;

    /** @param baseConfig the preset or file for the knobs the bundle does not record */
    public CalibrateRun(TraceInput input, String baseConfig) {
        this(input, baseConfig, null);
    }

    /**
     * @param from the instant the model starts from the kernel's own state ({@link KernelStateStart}, the observed
     *             replay up to it; only what follows is compared), or null for the bundle's before/ state
     */
    public CalibrateRun(TraceInput input, String baseConfig, Instant from) {
        this(input, baseConfig, from, false);
    }

    private CalibrateRun(TraceInput input, String baseConfig, Instant from, boolean firstCompaction) {
        this.input = input;
        this.baseConfig = baseConfig;
        this.from = from;
        this.firstCompaction = firstCompaction;
    }

    /**
     * From the kernel's own state at the marker opening the phase of the kernel's first compaction
     * ({@link FirstCompactionPhase}); from before/ where the trace has none after the start state.
     */
    public static CalibrateRun fromFirstCompaction(TraceInput input, String baseConfig) {
        return new CalibrateRun(input, baseConfig, null, true);
    }

    /** Adds the model's daemon and compaction decisions to the calibration (model_decisions), the first cap. */
    public CalibrateRun keepDecisions(int cap) {
        this.decisionCap = cap;
        return this;
    }

    public long eventsSeen() {
        return events;
    }

    /** The bundle's name, its kernel release and the calibration object (docs/calibrate.md). */
    public record Result(String bundle, String release, ObjectNode calibration, Calibration table) {
    }

    /** The simulator: from before/, or from the kernel's state at --from's instant or at the first compaction's. */
    private Simulator start(Path bundle, BundleConfig bc) throws TraceInputException, SnapshotException,
            ConfigException, IOException {
        Instant at = from;
        if (firstCompaction) {
            Simulator fromBefore = Simulation.forBundle(bundle, bc.config());
            at = FirstCompactionPhase.of(input, fromBefore.startNs()); // one more pass, up to the first compaction
            if (at == null) {
                return fromBefore;
            }
        }
        return at == null ? Simulation.forBundle(bundle, bc.config()) : KernelStateStart.at(input, bc.config(), at,
                "--from");
    }

    public Result run() throws TraceInputException, SnapshotException, ConfigException, IOException {
        Path bundle = input.bundle();
        if (bundle == null || !Files.isRegularFile(bundle.resolve("before").resolve("buddydump.txt"))) {
            throw new TraceInputException(input.displayName() + ": calibrate needs a bundle folder with "
                    + "before/buddydump.txt for its start state (see sample-traces/README.md)");
        }
        BundleConfig bc = BundleConfig.read(bundle, baseConfig);
        Simulator sim = start(bundle, bc);
        if (decisionCap > 0) {
            sim.keepDecisions(decisionCap);
        }
        // how long a pass takes on the captured machine, from the kernel's own passes: the trace read once more
        // when the first timed (compact_memory) pass begins
        sim.setPassCostSource(PassCost.whenAsked(input));
        CompactionTracker kernel = new CompactionTracker();
        Calibrator cal = new Calibrator(input, sim, kernel, true);
        ParseReport report = new PipelinedParser().parse(input, e -> {
            events++;
            cal.onEvent(e);
            sim.onEvent(e);
            kernel.onEvent(e);
        });
        if (report.notATrace()) {
            throw new TraceInputException(input.displayName() + ": not a trace (no trace event line found)");
        }
        sim.finish();
        Calibration c = cal.finish();
        ObjectNode json = CalibrationJson.of(c, bc.config(), bc.settings());
        String release = ModelLoader.release(bundle, null);
        ObjectNode out = json.objectNode();
        out.put("bundle", bundle.toString());
        out.put("kernel_release", release);
        out.set("start_state", CalibrationJson.startState(sim));
        out.setAll(json);
        CalibrationJson.decisions(out, sim.decisions());
        return new Result(bundle.toString(), release == null ? "unknown" : release, out, c);
    }
}
