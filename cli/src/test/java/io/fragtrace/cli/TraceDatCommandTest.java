package io.fragtrace.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * End to end: a bundle whose trace is the trace-cmd trace.dat gives the same {@code stats} and {@code validate}
 * results as the same bundle with {@code trace-cmd report}'s text of that file (and, for extfrag's fragmenting, as
 * the kernel's own text: libtraceevent prints fragmenting=&lt;fallback_order&gt;, see the bundle's README).
 */
class TraceDatCommandTest {
    private static final Path SRC = io.fragtrace.parser.Samples.bundle("variants-fragment-thp-256M-k6.12");

    private static Path bundle(Path dir, String traceFile, String as) throws IOException {
        Files.createDirectories(dir);
        for (String sub : new String[] {"before", "after"}) {
            Files.createDirectories(dir.resolve(sub));
            try (Stream<Path> files = Files.list(SRC.resolve(sub))) {
                for (Path f : files.toList()) {
                    Files.copy(f, dir.resolve(sub).resolve(f.getFileName()));
                }
            }
        }
        Files.copy(SRC.resolve(traceFile), dir.resolve(as));
        return dir;
    }

    private static JsonNode json(Path p) throws IOException {
        return new ObjectMapper().readTree(p.toFile());
    }

    @Test
    void validateAndStatsMatchTraceCmdReport(@TempDir Path tmp) throws Exception {
        Path dat = bundle(tmp.resolve("dat"), "trace.dat.gz", "trace.dat.gz");
        Path rep = bundle(tmp.resolve("rep"), "trace-cmd-report.txt.gz", "trace.txt.gz");
        Path kern = bundle(tmp.resolve("kern"), "trace.txt.gz", "trace.txt.gz");

        ValidateCommandTest.Run v1 = ValidateCommandTest.run("validate", dat.toString(), "--json", tmp.resolve("v1").toString());
        ValidateCommandTest.Run v2 = ValidateCommandTest.run("validate", rep.toString(), "--json", tmp.resolve("v2").toString());
        assertEquals(v2.exit(), v1.exit(), v1.out() + v1.err());
        ObjectNode a = (ObjectNode) json(tmp.resolve("v1"));
        ObjectNode b = (ObjectNode) json(tmp.resolve("v2"));
        a.remove("bundle");
        b.remove("bundle");
        // the examples name input lines: a trace.dat record's number is one less than its line in the report's text
        // (the report's header line); their times and counts must agree
        assertEquals(b.get("consistency_examples").toString().replaceAll(" line \\d+", ""),
                a.get("consistency_examples").toString().replaceAll(" line \\d+", ""));
        a.remove("consistency_examples");
        b.remove("consistency_examples");
        assertEquals(b, a);

        for (Path p : new Path[] {dat, rep, kern}) {
            ValidateCommandTest.Run s = ValidateCommandTest.run("stats", "-q", p.toString(), "--json",
                    tmp.resolve(p.getFileName() + ".json").toString());
            assertEquals(0, s.exit(), s.out() + s.err());
        }
        ObjectNode sd = (ObjectNode) json(tmp.resolve("dat.json"));
        ObjectNode sr = (ObjectNode) json(tmp.resolve("rep.json"));
        ObjectNode sk = (ObjectNode) json(tmp.resolve("kern.json"));
        assertFalse(sd.get("input").get("truncated").asBoolean());
        assertEquals(128618, sd.get("lines").get("event").asLong(), sd.get("lines").toString());
        for (String k : new String[] {"lost_events", "time", "events", "allocations", "allocation_failures", "frees",
                "pcp", "compaction", "migrate_pages", "pages_at_end"}) {
            assertEquals(sr.get(k), sd.get(k), k);
        }
        // pollution[].line is the line (record) number in each input: the kernel text has 12 header lines more
        for (ObjectNode st : new ObjectNode[] {sk, sd}) {
            for (com.fasterxml.jackson.databind.JsonNode ev : st.get("extfrag").get("pollution")) {
                ((ObjectNode) ev).remove("line");
            }
        }
        assertEquals(sk.get("extfrag"), sd.get("extfrag"));
        assertTrue(sk.get("extfrag").toString().contains("\"fragmenting\":0"));
    }

}
