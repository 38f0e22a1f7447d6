package io.fragtrace.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** fragtrace replay --mode simulate: the output folder of docs/replay-output.md with mode, config, simulate. */
class ReplaySimulateCommandTest {

    @Test
    void simulateWritesTheFolderWithTheSimulateSection(@TempDir Path tmp) throws Exception {
        Path out = tmp.resolve("sim");
        ValidateCommandTest.Run r = ValidateCommandTest.run("replay",
                ValidateCommandTest.samples().resolve("fragment-thp-256M").toString(), "--mode", "simulate",
                "--config", "linux-6.1", "--out", out.toString(), "-q");
        assertEquals(0, r.exit(), r.out() + r.err());
        assertTrue(r.out().contains("compaction attempts model"), r.out());
        for (String f : new String[] {"summary.json", "timeseries.csv", "compaction.csv", "daemons.csv",
                "markers.csv", "stats.json"}) {
            assertTrue(Files.isRegularFile(out.resolve(f)), f);
        }
        JsonNode s = new ObjectMapper().readTree(out.resolve("summary.json").toFile());
        assertEquals("simulate", s.get("mode").asText());
        assertEquals("linux-6.1", s.get("config").get("name").asText());
        assertEquals("6.1", s.get("config").get("kernel").asText());
        JsonNode sim = s.get("simulate");
        for (String k : new String[] {"attempts", "successes", "failures"}) {
            assertTrue(sim.get("compaction").get(k).has("model"), k);
            assertTrue(sim.get("compaction").get(k).has("observed"), k);
        }
        // observed = the trace's own mm_compaction_begin count (meta.txt: 14)
        assertEquals(14, sim.get("compaction").get("attempts").get("observed").asLong());
        assertTrue(sim.get("kcompactd").get("wakes").has("model"));
        JsonNode d = sim.get("end_buddyinfo_distance");
        assertEquals(2, d.get("zones").size());
        assertTrue(d.get("pages").asLong() >= d.get("blocks").asLong());
        // compaction.csv rows are the model's passes
        long rows = Files.readAllLines(out.resolve("compaction.csv")).size() - 1;
        assertEquals(sim.get("compaction").get("attempts").get("model").asLong(), rows);
        // the calibration: the kernel side is the same tracker's count; the report shows it and says what is true
        JsonNode cal = s.get("calibration");
        assertEquals(14, cal.at("/rows/0/kernel").asLong(), "compaction attempts, kernel: 14 passes after L");
        assertEquals("compaction attempts", cal.at("/rows/0/name").asText());
        assertTrue(cal.get("phases").size() > 1);
        String html = Files.readString(out.resolve("report.html"));
        assertTrue(html.contains("Model vs kernel"), "its own section");
        assertTrue(html.contains("Knobs in force"));
        assertFalse(html.contains(" 0 applied"), "simulate mode applies no trace event as observed mode does");
        assertFalse(html.contains("fidelity</td><td>not checked"), "simulate mode says how far from the kernel");
        assertTrue(html.contains("calibration rows within their bars"));
    }

    /**
     * --from 12.55 on fragment-thp-256M: the model starts from the kernel's state at 12.55 s, and the kernel's side
     * is what follows it. The trace's mm_compaction_begin lines after 12.55 s (by hand): 12.553644, 12.571674,
     * 12.589410, 12.607162, 12.624298 and 12.868399 s, six passes, each ending status=success.
     */
    @Test
    void simulateFromTheKernelsStateAtAnInstant(@TempDir Path tmp) throws Exception {
        Path out = tmp.resolve("sim-from");
        ValidateCommandTest.Run r = ValidateCommandTest.run("replay",
                ValidateCommandTest.samples().resolve("fragment-thp-256M").toString(), "--mode", "simulate",
                "--config", "bundle", "--from", "12.55", "--out", out.toString(), "-q");
        assertEquals(0, r.exit(), r.out() + r.err());
        assertTrue(r.out().contains("from the kernel's state at 12.550000 s"), r.out());
        JsonNode s = new ObjectMapper().readTree(out.resolve("summary.json").toFile());
        assertEquals("kernel_state", s.at("/start_state/from").asText());
        assertEquals(12.55, s.at("/start_state/at_s").asDouble(), 1e-9);
        assertEquals(6, s.at("/simulate/compaction/attempts/observed").asLong());
        assertEquals(6, s.at("/simulate/compaction/successes/observed").asLong());
        assertEquals(6, s.at("/calibration/rows/0/kernel").asLong());
        String html = Files.readString(out.resolve("report.html"));
        assertTrue(html.contains("the kernel's own state at <span data-summary=\"start_state.at_s\">12.550000</span> s"),
                "the summary says where the run began");
        // in observed mode the state at an instant is fragtrace at's
        r = ValidateCommandTest.run("replay", ValidateCommandTest.samples().resolve("fragment-thp-256M").toString(),
                "--from", "12.55", "--out", tmp.resolve("o").toString(), "-q");
        assertEquals(2, r.exit());
        assertTrue(r.err().contains("--from applies to --mode simulate only"), r.err());
    }

    @Test
    void configRejectedInObservedModeAndUnknownConfigNamed(@TempDir Path tmp) {
        ValidateCommandTest.Run r = ValidateCommandTest.run("replay",
                ValidateCommandTest.samples().resolve("fragment-thp-256M").toString(), "--config", "proactive",
                "--out", tmp.resolve("o").toString(), "-q");
        assertEquals(2, r.exit());
        assertTrue(r.err().contains("--mode simulate"), r.err());
        r = ValidateCommandTest.run("replay", ValidateCommandTest.samples().resolve("fragment-thp-256M").toString(),
                "--mode", "simulate", "--config", "no-such-preset", "--out", tmp.resolve("o").toString(), "-q");
        assertEquals(2, r.exit());
        assertTrue(r.err().contains("no-such-preset"), r.err());
        assertFalse(Files.exists(tmp.resolve("o")));
    }

    @Test
    void simulateRejectsTheObservedOnlyFlagsInOneLine(@TempDir Path tmp) {
        String bundle = ValidateCommandTest.samples().resolve("fragment-thp-256M").toString();
        String[][] flags = {{"--region-mb", "256"}, {"--start-at", "1.5"}, {"--mem", "256M"},
                {"--zones", "DMA:0x1-0x1000"}};
        for (String[] f : flags) {
            ValidateCommandTest.Run r = ValidateCommandTest.run("replay", bundle, "--mode", "simulate", f[0], f[1],
                    "--out", tmp.resolve("o").toString(), "-q");
            assertEquals(2, r.exit(), f[0]);
            assertTrue(r.err().contains(f[0] + " applies to --mode observed only"), r.err());
            assertEquals(1, r.err().lines().filter(l -> l.contains("observed only")).count(), r.err());
            assertFalse(r.err().contains("\tat "), "no stack trace");
            assertFalse(Files.exists(tmp.resolve("o")));
        }
    }
}
