package io.fragtrace.bench;

import io.fragtrace.parser.TraceInput;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/** Loads a sample capture, decompressed, into memory so benchmarks measure parsing and modelling, not gunzip. */
final class BenchData {
    private BenchData() {
    }

    /** A bundle name under sample-traces/ (found from the working directory upwards) or a path. */
    static Path resolve(String nameOrPath) {
        Path p = Path.of(nameOrPath);
        if (Files.exists(p)) {
            return p;
        }
        for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
            Path s = d.resolve("sample-traces").resolve(nameOrPath);
            if (Files.exists(s)) {
                return s;
            }
        }
        throw new IllegalArgumentException("no sample trace " + nameOrPath + " (run from the repository)");
    }

    static byte[] load(String nameOrPath) throws Exception {
        try (InputStream in = TraceInput.of(resolve(nameOrPath).toString()).open()) {
            return in.readAllBytes();
        }
    }
}
