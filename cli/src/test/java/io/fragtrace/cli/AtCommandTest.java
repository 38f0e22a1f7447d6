package io.fragtrace.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static io.fragtrace.cli.ValidateCommandTest.run;
import static io.fragtrace.cli.ValidateCommandTest.samples;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code fragtrace at} end to end on the captures: at the instant the kernel dumped its after/ state, the model
 * prints exactly the kernel's own after/buddyinfo, pagetypeinfo, extfrag_index and unusable_index.
 */
class AtCommandTest {
    /**
     * The instant of the after/ dump: its L lines (the trace-clock time each zone's lock was taken), the latest. The
     * kernel's buddyinfo was read just before and buddyinfo.post just after the dump, and they are equal: the state
     * did not move meanwhile.
     */
    static String afterInstant(Path bundle) throws Exception {
        String best = null;
        double max = -1;
        for (String line : Files.readAllLines(bundle.resolve("after/buddydump.txt"))) {
            if (line.startsWith("L ")) {
                String t = line.split(" ")[2];
                if (Double.parseDouble(t) > max) {
                    max = Double.parseDouble(t);
                    best = t;
                }
            }
        }
        return best;
    }

    /** The bundles whose replay is exact (CaptureFidelityTest; not parallel-512M-smp4, whose lists differ in order). */
    @ParameterizedTest
    @ValueSource(strings = {"fragment-thp-256M", "fragment-thp-256M-k6.12", "mixed-churn-512M", "kcompactd-512M",
        "compact-memory-512M-k6.12", "fragment-thp-1G-k6.12", "variants-fragment-thp-256M-k6.12"})
    void atTheAfterDumpPrintsTheKernelsOwnFiles(String name, @TempDir Path tmp) throws Exception {
        Path bundle = samples().resolve(name);
        Path out = tmp.resolve("at");
        ValidateCommandTest.Run r = run("at", bundle.toString(), "--time", afterInstant(bundle), "--out",
                out.toString(), "-q");
        assertEquals(0, r.exit(), r.out() + r.err());
        Path after = bundle.resolve("after");
        assertEquals(Files.readString(after.resolve("buddyinfo.post")), Files.readString(after.resolve("buddyinfo")),
                name + ": the kernel's state moved during the dump; no instant to compare at");
        for (String f : List.of("buddyinfo", "pagetypeinfo", "extfrag_index", "unusable_index")) {
            assertEquals(Files.readString(after.resolve(f)), Files.readString(out.resolve(f)), name + " " + f);
        }
        JsonNode j = new ObjectMapper().readTree(out.resolve("at.json").toFile());
        // nr_free of the JSON: the numbers of the kernel's buddyinfo line of the zone
        for (String line : Files.readAllLines(after.resolve("buddyinfo"))) {
            String[] w = line.trim().split("\\s+");
            String zone = w[3];
            JsonNode z = null;
            for (JsonNode n : j.get("zones")) {
                if (n.get("zone").asText().equals(zone)) {
                    z = n;
                }
            }
            assertTrue(z != null, zone);
            assertEquals(Integer.parseInt(w[1].replace(",", "")), z.get("node").asInt());
            for (int o = 0; o + 4 < w.length; o++) {
                assertEquals(Long.parseLong(w[o + 4]), z.get("nr_free").get(o).asLong(), zone + " order " + o);
            }
        }
        assertTrue(Files.size(out.resolve("pfnmap.png")) > 1000);
    }

    @Test
    void aMarkerNamesItsInstant(@TempDir Path tmp) throws Exception {
        // mixed-churn-512M/trace.txt.gz: "work-185 [000] ..... 14.152370: tracing_mark_write: capture: phase round 3"
        // (and "phase round 30" later, which the name does not select)
        Path json = tmp.resolve("at.json");
        ValidateCommandTest.Run r = run("at", samples().resolve("mixed-churn-512M").toString(), "--time",
                "phase round 3", "--json", json.toString(), "-q");
        assertEquals(0, r.exit(), r.out() + r.err());
        JsonNode j = new ObjectMapper().readTree(json.toFile());
        assertEquals(0, new java.math.BigDecimal("14.152370").compareTo(j.get("time_s").decimalValue()), j.toString());
        assertEquals("capture: phase round 3", j.get("marker").asText());
        assertTrue(r.out().contains("# /proc/buddyinfo\nNode 0, zone      DMA "), r.out());
    }

    @Test
    void anUnknownMarkerIsOneLineAndExitTwo(@TempDir Path tmp) {
        Path out = tmp.resolve("never");
        ValidateCommandTest.Run r = run("at", samples().resolve("fragment-thp-256M").toString(), "--time",
                "no such phase", "--out", out.toString(), "-q");
        assertEquals(2, r.exit(), r.out() + r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(r.err().contains("no marker 'no such phase'"), r.err());
        assertFalse(Files.exists(out));
    }

    @Test
    void aTimeOutsideTheTraceIsOneLineAndExitTwo() {
        // fragment-thp-256M: before/buddydump.txt's L lines are 10.728944 and 10.729506; the trace ends near 13.1 s
        ValidateCommandTest.Run before = run("at", samples().resolve("fragment-thp-256M").toString(), "--time", "10.5",
                "-q");
        assertEquals(2, before.exit(), before.out() + before.err());
        assertTrue(before.err().contains("before the start state"), before.err());
        ValidateCommandTest.Run late = run("at", samples().resolve("fragment-thp-256M").toString(), "--time", "999",
                "-q");
        assertEquals(2, late.exit(), late.out() + late.err());
        assertTrue(late.err().contains("outside the trace"), late.err());
        assertEquals(1, late.err().strip().lines().count(), late.err());
    }
}
