package io.fragtrace.replay.simulate;

import io.fragtrace.parser.TraceInput;
import io.fragtrace.replay.compaction.PassCost;
import io.fragtrace.replay.config.BundleConfig;

import java.nio.file.Files;
import java.nio.file.Path;

/** Locates sample-traces/ from any module directory, and starts simulate mode on a sample as calibrate does. */
final class SimSamples {
    private SimSamples() {
    }

    static Path bundle(String name) {
        String prop = System.getProperty("fragtrace.samples");
        if (prop != null && Files.isDirectory(Path.of(prop))) {
            return Path.of(prop).resolve(name);
        }
        Path p = Path.of("").toAbsolutePath();
        while (p != null) {
            Path s = p.resolve("sample-traces");
            if (Files.isDirectory(s)) {
                return s.resolve(name);
            }
            p = p.getParent();
        }
        throw new IllegalStateException("sample-traces/ not found");
    }

    /** The simulator from the sample's before/ under its own kernel's configuration, timed passes as calibrate's. */
    static Simulator simulator(String name) throws Exception {
        Path bundle = bundle(name);
        Simulator s = Simulation.forBundle(bundle, BundleConfig.read(bundle, "linux-6.1").config());
        s.setPassCostSource(PassCost.whenAsked(TraceInput.of(bundle.toString())));
        return s;
    }
}
