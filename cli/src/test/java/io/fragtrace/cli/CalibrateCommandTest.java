package io.fragtrace.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.GZIPInputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * fragtrace calibrate on the small sample captures. The harness is checked, not the model: every kernel-side count
 * it reports is recounted here from the trace text itself (lines after the start state's instant, the latest
 * {@code L zone seconds} of before/buddydump.txt), and a whole-zone pass that ends COMPLETE counts as a success.
 * The table itself is printed (the model's calibration is issue 12's other half).
 */
class CalibrateCommandTest {
    static final List<String> BUNDLES = List.of("fragment-thp-256M", "fragment-thp-256M-k6.12",
            "compact-memory-512M-k6.12", "kcompactd-512M");
    static JsonNode json;
    static String text;

    @BeforeAll
    static void calibrate(@TempDir Path tmp) throws Exception {
        Path out = tmp.resolve("calibration.json");
        String[] args = new String[BUNDLES.size() + 4];
        args[0] = "calibrate";
        for (int i = 0; i < BUNDLES.size(); i++) {
            args[i + 1] = StatsCommandTest.samples().resolve(BUNDLES.get(i)).toString();
        }
        args[BUNDLES.size() + 1] = "--json";
        args[BUNDLES.size() + 2] = out.toString();
        args[BUNDLES.size() + 3] = "-q";
        StatsCommandTest.Run r = StatsCommandTest.run(args);
        assertEquals(0, r.exit(), r.err());
        text = r.out();
        System.out.println(text); // the calibration table as the model stands
        json = new ObjectMapper().readTree(out.toFile());
    }

    /** What a grep of the trace text finds after the start state's instant. */
    record Counted(Map<String, Long> endsByStatus, Map<String, Long> endsByStatusKcompactd, long kcompactdWakes,
                   long kswapdWakes, Map<Integer, Long> failedByOrder, long migrated) {
    }

    static long micros(String s) {
        int dot = s.indexOf('.');
        return Long.parseLong(s.substring(0, dot)) * 1_000_000 + Long.parseLong(s.substring(dot + 1));
    }

    /** The start state's instant: the latest "L zone seconds.micros" line of before/buddydump.txt. */
    static long startMicros(Path bundle) throws Exception {
        long l = Long.MIN_VALUE;
        for (String line : Files.readAllLines(bundle.resolve("before/buddydump.txt"))) {
            if (line.startsWith("L ")) {
                l = Math.max(l, micros(line.split("\\s+")[2]));
            }
        }
        return l;
    }

    static String field(String line, String key) {
        int i = line.indexOf(key);
        int e = line.indexOf(' ', i + key.length());
        return line.substring(i + key.length(), e < 0 ? line.length() : e);
    }

    static Counted count(Path bundle) throws Exception {
        return count(bundle, startMicros(bundle));
    }

    /** What a grep of the trace text finds after {@code from} (microseconds on the trace clock). */
    static Counted count(Path bundle, long from) throws Exception {
        Map<String, Long> ends = new TreeMap<>();
        Map<String, Long> endsK = new TreeMap<>();
        Map<Integer, Long> failed = new TreeMap<>();
        long kc = 0;
        long ks = 0;
        long migrated = 0;
        try (BufferedReader r = new BufferedReader(new InputStreamReader(new GZIPInputStream(
                Files.newInputStream(bundle.resolve("trace.txt.gz"))), StandardCharsets.ISO_8859_1))) {
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                int ev = line.indexOf(": mm_");
                if (line.startsWith("#") || ev < 0) {
                    continue;
                }
                String ts = line.substring(line.lastIndexOf(' ', ev - 1) + 1, ev);
                if (micros(ts) <= from) {
                    continue;
                }
                String rest = line.substring(ev + 2);
                if (rest.startsWith("mm_compaction_end:")) {
                    String st = field(rest, "status=");
                    ends.merge(st, 1L, Long::sum);
                    if (line.trim().startsWith("kcompactd")) {
                        endsK.merge(st, 1L, Long::sum);
                    }
                } else if (rest.startsWith("mm_compaction_kcompactd_wake:")) {
                    kc++;
                } else if (rest.startsWith("mm_vmscan_kswapd_wake:")) {
                    ks++;
                } else if (rest.startsWith("mm_compaction_migratepages:")) {
                    migrated += Long.parseLong(field(rest, "nr_migrated="));
                } else if (rest.startsWith("mm_page_alloc:")
                        && (rest.contains(" pfn=0x0 ") || rest.contains("page=(null)"))) {
                    failed.merge(Integer.parseInt(field(rest, "order=")), 1L, Long::sum);
                }
            }
        }
        return new Counted(ends, endsK, kc, ks, failed, migrated);
    }

    static JsonNode bundle(String name) {
        for (JsonNode b : json.path("bundles")) {
            if (Path.of(b.path("bundle").asText()).getFileName().toString().equals(name)) {
                return b;
            }
        }
        throw new AssertionError("no calibration for " + name);
    }

    static JsonNode row(JsonNode cal, String key) {
        for (JsonNode r : cal.path("rows")) {
            if (r.path("key").asText().equals(key)) {
                return r;
            }
        }
        return null;
    }

    @Test
    void kernelSideEqualsTheTraceText() throws Exception {
        for (String name : BUNDLES) {
            Counted c = count(StatsCommandTest.samples().resolve(name));
            JsonNode cal = bundle(name);
            // compaction passes by end status, all contexts summed
            Map<String, Long> byStatus = new TreeMap<>();
            Map<String, Long> byStatusK = new TreeMap<>();
            cal.path("outcomes").path("kernel").fields().forEachRemaining(ctx -> ctx.getValue().fields()
                    .forEachRemaining(st -> {
                        String s = st.getKey().toLowerCase();
                        byStatus.merge(s, st.getValue().asLong(), Long::sum);
                        if (ctx.getKey().equals("KCOMPACTD") || ctx.getKey().equals("PROACTIVE")) {
                            byStatusK.merge(s, st.getValue().asLong(), Long::sum);
                        }
                    }));
            assertEquals(c.endsByStatus(), byStatus, name + ": mm_compaction_end lines by status");
            assertEquals(c.endsByStatusKcompactd(), byStatusK, name + ": kcompactd's passes (kcompactd and proactive)");
            long ends = c.endsByStatus().values().stream().mapToLong(Long::longValue).sum();
            assertEquals(ends, row(cal, "attempts").path("kernel").asLong(), name + ": attempts");
            assertEquals(c.kcompactdWakes(), row(cal, "kcompactd_wakes").path("kernel").asLong(), name);
            assertEquals(c.kswapdWakes(), row(cal, "kswapd_wakes").path("kernel").asLong(), name);
            assertEquals(c.migrated(), row(cal, "migrated").path("kernel").asLong(), name + ": nr_migrated sum");
            for (int o = 0; o <= 10; o++) {
                JsonNode f = row(cal, "failures." + o);
                assertEquals(c.failedByOrder().getOrDefault(o, 0L), f == null ? 0 : f.path("kernel").asLong(),
                        name + ": failed mm_page_alloc of order " + o);
            }
            // the phases add up to the total
            long phaseAttempts = 0;
            for (JsonNode p : cal.path("phases")) {
                phaseAttempts += p.path("kernel").path("attempts").asLong();
            }
            assertEquals(ends, phaseAttempts, name + ": phases sum to the total");
        }
    }

    /**
     * compact-memory-512M-k6.12: the trace's passes by tasks other than kcompactd with no try_to_compact_pages are
     * the two writes to /proc/sys/vm/compact_memory (one pass per zone each: DMA and DMA32, meta.txt), and each
     * ends COMPLETE — the normal end of a whole-zone pass, so 4 of 4 succeed; kcompactd's proactive passes likewise.
     */
    @Test
    void completeWholeZonePassesAreSuccesses() throws Exception {
        JsonNode cal = bundle("compact-memory-512M-k6.12");
        assertEquals(4, row(cal, "attempts.MANUAL").path("kernel").asLong());
        assertEquals(4, cal.path("outcomes").path("kernel").path("MANUAL").path("COMPLETE").asLong());
        assertEquals(100.0, row(cal, "success_rate.MANUAL").path("kernel").asDouble(), 1e-9);
        Counted c = count(StatsCommandTest.samples().resolve("kcompactd-512M"));
        JsonNode k = bundle("kcompactd-512M");
        long proactive = row(k, "attempts.PROACTIVE").path("kernel").asLong();
        assertTrue(proactive > 0);
        // kcompactd's passes are all SUCCESS or COMPLETE in the text; every proactive one counts as a success
        long okK = c.endsByStatusKcompactd().getOrDefault("success", 0L)
                + c.endsByStatusKcompactd().getOrDefault("complete", 0L);
        assertEquals(c.endsByStatusKcompactd().values().stream().mapToLong(Long::longValue).sum(), okK);
        assertEquals(100.0, row(k, "success_rate.PROACTIVE").path("kernel").asDouble(), 1e-9);
    }

    /** The bundle's own settings are in force: meta.txt's min_free_kbytes, the kernel from guest/uname.txt. */
    @Test
    void theCapturesOwnKnobsAreInForce() {
        JsonNode a = bundle("fragment-thp-256M").path("config").path("knobs");
        JsonNode b = bundle("compact-memory-512M-k6.12").path("config").path("knobs");
        assertEquals("1782", knob(a, "min_free_kbytes").path("value").asText()); // meta.txt: 1782
        assertEquals("6.1", knob(a, "kernel").path("value").asText());
        assertEquals("2725", knob(b, "min_free_kbytes").path("value").asText()); // guest/settings.txt: 2725
        assertEquals("6.12", knob(b, "kernel").path("value").asText());
        assertTrue(knob(b, "min_free_kbytes").path("from").asText().startsWith("guest/settings.txt"));
        // the workload's two writes to compact_memory are recorded, and said not to be applied
        JsonNode w = bundle("compact-memory-512M-k6.12").path("sysctl_writes");
        assertEquals(2, w.size());
        assertEquals("/proc/sys/vm/compact_memory", w.get(0).path("file").asText());
        assertTrue(text.contains("NOT applied by the model"), text);
        // fragment-thp-256M's pool writes: the order-9 pool pages are mm_page_alloc requests the simulator serves
        assertTrue(text.contains("/proc/sys/vm/nr_hugepages = 16 (the pool's allocations and frees come from the"
                + " trace)"), text);
        assertTrue(text.contains("bars:"), text);
    }

    /**
     * The kernel's proactive checks, recounted from the trace text: kcompactd's first mm_compaction_begin after its
     * mm_compaction_kcompactd_sleep with no mm_compaction_kcompactd_wake between is kcompactd()'s timeout path having
     * found should_proactive_compact_node() true (mm/compaction.c); its passes end with the statuses of the
     * kcompactd mm_compaction_end lines up to the next such begin. should_proactive_compact_node() held, so
     * fragmentation_score_node() > fragmentation_score_wmark(false) = min(max(100 - 20, 5) + 10, 100) = 90 under
     * compaction_proactiveness 20: the kernel's score at the instant (the observed replay's) is above 90, and the
     * model's own checks that ran a pass had their score above 90 too.
     */
    @Test
    void proactiveChecksAreTheKernelsTimeoutPasses() throws Exception {
        for (String name : List.of("fragment-thp-256M-k6.12", "compact-memory-512M-k6.12")) {
            Path bundle = StatsCommandTest.samples().resolve(name);
            long from = startMicros(bundle);
            List<Long> at = new java.util.ArrayList<>();
            List<List<String>> statuses = new java.util.ArrayList<>();
            boolean waiting = false;
            try (BufferedReader r = new BufferedReader(new InputStreamReader(new GZIPInputStream(
                    Files.newInputStream(bundle.resolve("trace.txt.gz"))), StandardCharsets.ISO_8859_1))) {
                for (String line = r.readLine(); line != null; line = r.readLine()) {
                    int ev = line.indexOf(": mm_compaction_");
                    if (ev < 0 || !line.trim().startsWith("kcompactd")) {
                        continue;
                    }
                    long ts = micros(line.substring(line.lastIndexOf(' ', ev - 1) + 1, ev));
                    String rest = line.substring(ev + 2);
                    if (rest.startsWith("mm_compaction_kcompactd_sleep:")) {
                        waiting = true;
                    } else if (rest.startsWith("mm_compaction_kcompactd_wake:")) {
                        waiting = false;
                    } else if (rest.startsWith("mm_compaction_begin:") && waiting) {
                        waiting = false;
                        if (ts > from) {
                            at.add(ts);
                            statuses.add(new java.util.ArrayList<>());
                        }
                    } else if (rest.startsWith("mm_compaction_end:") && !at.isEmpty()) {
                        statuses.get(statuses.size() - 1).add(field(rest, "status=").toUpperCase());
                    }
                }
            }
            JsonNode checks = bundle(name).path("proactive_checks").path("kernel");
            assertEquals(at.size(), checks.size(), name + ": kernel proactive checks");
            assertTrue(at.size() > 0, name);
            for (int i = 0; i < at.size(); i++) {
                JsonNode c = checks.get(i);
                assertEquals(at.get(i), Math.round(c.path("at_s").asDouble() * 1e6), name);
                List<String> st = new java.util.ArrayList<>();
                c.path("passes").forEach(p -> st.add(p.path("status").asText()));
                assertEquals(statuses.get(i), st, name + ": the check's passes");
                assertEquals(90, c.path("wmark_high").asLong(), name);
                assertTrue(c.path("kernel_score").asLong() > 90, name + ": " + c);
            }
            for (JsonNode c : bundle(name).path("proactive_checks").path("model")) {
                assertTrue(c.path("model_score").asLong() > c.path("wmark_high").asLong(), name + ": " + c);
            }
        }
        assertTrue(text.contains("proactive checks that ran a pass"), text);
    }

    static JsonNode knob(JsonNode knobs, String key) {
        for (JsonNode k : knobs) {
            if (k.path("key").asText().equals(key)) {
                return k;
            }
        }
        throw new AssertionError(key);
    }

    @Test
    void notABundleIsAOneLineError(@TempDir Path tmp) throws Exception {
        Path f = tmp.resolve("t.txt");
        Files.writeString(f, "x\n");
        StatsCommandTest.assertOneLineError(StatsCommandTest.run("calibrate", f.toString()), "not a bundle");
        StatsCommandTest.assertOneLineError(StatsCommandTest.run("calibrate", tmp.resolve("nope").toString()),
                "no such file");
    }

    /**
     * --from: the model starts from the kernel's state at 24.198 s of kcompactd-512M-k6.12 (the observed replay up to
     * it). The kernel's side is then what the trace text shows after that instant: the ten mm_compaction_end lines of
     * kcompactd's five proactive checks (24.212 to 43.719 s, each DMA then DMA32, all status=complete), one
     * mm_vmscan_kswapd_wake (26.566 s), no kcompactd wake. The workload's THP writes at 14.765 s, before the instant,
     * are listed as in force.
     */
    @Test
    void fromTheKernelsStateAtAnInstantOnlyWhatFollowsIsCompared(@TempDir Path tmp) throws Exception {
        Path bundle = StatsCommandTest.samples().resolve("kcompactd-512M-k6.12");
        Path out = tmp.resolve("from.json");
        StatsCommandTest.Run r = StatsCommandTest.run("calibrate", bundle.toString(), "--from", "24.198", "--json",
                out.toString(), "-q");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("from the kernel's own state at 24.198000 s"), r.out());
        JsonNode cal = new ObjectMapper().readTree(out.toFile()).path("bundles").get(0);
        assertEquals("kernel_state", cal.path("start_state").path("from").asText());
        assertEquals(24.198, cal.path("start_state").path("at_s").asDouble(), 1e-9);
        Counted c = count(bundle, 24_198_000L);
        assertEquals(Map.of("complete", 10L), c.endsByStatus());
        assertEquals(10, row(cal, "attempts").path("kernel").asLong());
        assertEquals(100.0, row(cal, "success_rate.PROACTIVE").path("kernel").asDouble(), 1e-9);
        assertEquals(1, c.kswapdWakes());
        assertEquals(1, row(cal, "kswapd_wakes").path("kernel").asLong());
        assertEquals(0, row(cal, "kcompactd_wakes").path("kernel").asLong());
        assertEquals(c.migrated(), row(cal, "migrated").path("kernel").asLong());
        assertEquals(24.198, cal.path("phases").get(0).path("from_s").asDouble(), 1e-9);
        JsonNode w = cal.path("sysctl_writes").get(0);
        assertEquals("/sys/kernel/mm/transparent_hugepage/enabled", w.path("file").asText());
        assertEquals("always", w.path("value").asText());
        assertTrue(w.path("applied_by_model").asBoolean());
    }

    /**
     * --from first-compaction picks each bundle's instant: the marker opening the phase of the kernel's first
     * compaction after the start state. The trace text: fragment-thp-256M's first mm_compaction_begin after its start
     * state (before/, 10.729506 s) is at 12.332942 s, and the marker before it "phase hugetlb request
     * nr_hugepages=16" at 12.277563 s; parallel-512M-smp4-b has no mm_compaction_begin, so it runs from before/.
     */
    @Test
    void fromFirstCompactionEachBundleStartsAtThePhaseOfItsFirstPass(@TempDir Path tmp) throws Exception {
        Path a = StatsCommandTest.samples().resolve("fragment-thp-256M");
        Path b = StatsCommandTest.samples().resolve("parallel-512M-smp4-b");
        Path out = tmp.resolve("fc.json");
        StatsCommandTest.Run r = StatsCommandTest.run("calibrate", a.toString(), b.toString(), "--from",
                "first-compaction", "--json", out.toString(), "-q");
        assertTrue(r.exit() == 0 || r.exit() == Main.EXIT_MISMATCH, r.err());
        JsonNode bundles = new ObjectMapper().readTree(out.toFile()).path("bundles");
        assertEquals("kernel_state", bundles.get(0).path("start_state").path("from").asText());
        assertEquals(12.277563, bundles.get(0).path("start_state").path("at_s").asDouble(), 1e-9);
        assertEquals("before/buddydump.txt", bundles.get(1).path("start_state").path("from").asText());
        // an instant per bundle is calibrate's alone
        StatsCommandTest.assertOneLineError(StatsCommandTest.run("replay", a.toString(), "--mode", "simulate",
                "--config", "bundle", "--from", "first-compaction", "--out", tmp.resolve("r").toString()),
                "--from first-compaction picks an instant per bundle and is calibrate's");
    }

    /**
     * --decisions: the model's own decisions in the JSON, in order, each at its instant: as many kswapd wakes as the
     * model's kswapd_wakes row counts, and fragment-thp-1G-k6.12's proactive pass (its DMA32 compact_zone) among them.
     * Without --json it is a one-line error.
     */
    @Test
    void theModelsDecisionsGoIntoTheJson(@TempDir Path tmp) throws Exception {
        Path bundle = StatsCommandTest.samples().resolve("fragment-thp-1G-k6.12");
        Path out = tmp.resolve("d.json");
        StatsCommandTest.Run r = StatsCommandTest.run("calibrate", bundle.toString(), "--decisions", "--json",
                out.toString(), "-q");
        assertTrue(r.exit() == 0 || r.exit() == Main.EXIT_MISMATCH, r.err());
        JsonNode cal = new ObjectMapper().readTree(out.toFile()).path("bundles").get(0);
        JsonNode decisions = cal.path("model_decisions");
        long wakes = 0;
        boolean proactiveDma32 = false;
        double last = 0;
        for (JsonNode d : decisions) {
            assertTrue(d.path("at_s").asDouble() >= last, d.toString());
            last = d.path("at_s").asDouble();
            wakes += d.path("what").asText().equals("kswapd_wake") ? 1 : 0;
            proactiveDma32 |= d.path("detail").asText().startsWith("PROACTIVE DMA32");
        }
        assertEquals(row(cal, "kswapd_wakes").path("model").asLong(), wakes);
        assertTrue(proactiveDma32, decisions.toString());
        assertEquals(0, cal.path("model_decisions_dropped").asLong());
        StatsCommandTest.assertOneLineError(StatsCommandTest.run("calibrate", bundle.toString(), "--decisions"),
                "--decisions go into the JSON");
    }

    @Test
    void anInstantOutsideTheTraceIsAOneLineError() throws Exception {
        String b = StatsCommandTest.samples().resolve("kcompactd-512M-k6.12").toString();
        StatsCommandTest.assertOneLineError(StatsCommandTest.run("calibrate", b, "--from", "99"),
                "--from 99.000000 s is outside the trace");
        StatsCommandTest.assertOneLineError(StatsCommandTest.run("calibrate", b, "--from", "1"),
                "is before the start state");
        StatsCommandTest.assertOneLineError(StatsCommandTest.run("calibrate", b, "--from", "no such phase"),
                "--from: no marker 'no such phase'");
    }
}
