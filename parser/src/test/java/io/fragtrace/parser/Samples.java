package io.fragtrace.parser;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/** Locates sample-traces/ from any module directory (the build passes it as a system property). */
public final class Samples {
    private Samples() {
    }

    public static Path dir() {
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

    public static Path bundle(String name) {
        return dir().resolve(name);
    }

    /** after/vmstat minus before/vmstat of a bundle: the kernel's own counters over the capture. */
    public static Map<String, Long> vmstatDelta(Path bundle) throws IOException {
        Map<String, Long> before = vmstat(bundle.resolve("before").resolve("vmstat"));
        Map<String, Long> delta = new HashMap<>();
        vmstat(bundle.resolve("after").resolve("vmstat")).forEach((k, v) -> delta.put(k, v - before.getOrDefault(k, 0L)));
        return delta;
    }

    private static Map<String, Long> vmstat(Path file) throws IOException {
        Map<String, Long> m = new HashMap<>();
        for (String line : Files.readAllLines(file)) {
            String[] kv = line.trim().split("\\s+");
            if (kv.length == 2) {
                m.put(kv[0], Long.parseLong(kv[1]));
            }
        }
        return m;
    }
}
