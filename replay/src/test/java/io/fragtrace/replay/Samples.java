package io.fragtrace.replay;

import java.nio.file.Files;
import java.nio.file.Path;

/** Locates sample-traces/ from any module directory (the build passes it as a system property). */
final class Samples {
    private Samples() {
    }

    static Path dir() {
        String prop = System.getProperty("fragtrace.samples");
        if (prop != null && Files.isDirectory(Path.of(prop))) {
            return Path.of(prop);
        }
        Path p = Path.of("").toAbsolutePath();
        while (p != null) {
            Path s = p.resolve("sample-traces");
            if (Files.isDirectory(s)) {
                return s;
            }
            p = p.getParent();
        }
        throw new IllegalStateException("sample-traces/ not found");
    }

    static Path bundle(String name) {
        return dir().resolve(name);
    }
}
