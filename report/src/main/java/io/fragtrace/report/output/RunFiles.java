package io.fragtrace.report.output;

import io.fragtrace.report.html.HtmlReport;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The data files of a run's output folder (docs/replay-output.md), rendered once into memory: the same bytes are
 * written to the folder and read by the report ({@link HtmlReport#writeForRun}), which so never reads back from disk
 * what the run has just written.
 */
final class RunFiles {
    /** Writes one file's content. */
    interface Body {
        void write(OutputStream o) throws IOException;
    }

    private final Map<String, byte[]> files = new LinkedHashMap<>();

    /** Renders a file; files are written in the order they were put. */
    RunFiles put(String name, Body body) throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        body.write(buf);
        files.put(name, buf.toByteArray());
        return this;
    }

    Map<String, byte[]> files() {
        return Collections.unmodifiableMap(files);
    }

    /** Writes every file into {@code dir} (inside the run's atomic output folder). */
    void writeInto(Path dir) throws IOException {
        for (Map.Entry<String, byte[]> e : files.entrySet()) {
            Files.write(dir.resolve(e.getKey()), e.getValue());
        }
    }
}
