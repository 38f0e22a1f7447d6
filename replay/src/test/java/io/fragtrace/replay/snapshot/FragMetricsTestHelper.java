package io.fragtrace.replay.snapshot;

import java.nio.file.Files;
import java.nio.file.Path;

final class FragMetricsTestHelper {
    private FragMetricsTestHelper() {
    }

    static Path samples() {
        String prop = System.getProperty("fragtrace.samples");
        if (prop != null) {
            return Path.of(prop);
        }
        Path p = Path.of("").toAbsolutePath();
        while (!Files.isDirectory(p.resolve("sample-traces"))) {
            p = p.getParent();
        }
        return p.resolve("sample-traces");
    }
}
