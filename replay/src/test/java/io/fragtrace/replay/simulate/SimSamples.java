package io.fragtrace.replay.simulate;

import java.nio.file.Files;
import java.nio.file.Path;

/** Locates sample-traces/ from any module directory. */
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
}
