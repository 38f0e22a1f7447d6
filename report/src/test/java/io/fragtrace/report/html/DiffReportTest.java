package io.fragtrace.report.html;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fragtrace.parser.TraceInputException;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** diff of the hand-designed runs A and B (B: more high-order blocks kept, two more proactive passes). */
class DiffReportTest {
    @TempDir
    static Path tmp;
    static Path a;
    static Path b;
    static Path out;
    static String summary;

    @BeforeAll
    static void diff() throws Exception {
        a = ReplayFixture.synthetic(tmp.resolve("A"), 0);
        b = ReplayFixture.synthetic(tmp.resolve("B"), 0.6);
        out = tmp.resolve("diff");
        summary = DiffReport.write(a, b, out);
    }

    static Map<String, CSVRecord> metrics() throws Exception {
        Map<String, CSVRecord> m = new HashMap<>();
        for (CSVRecord r : Csv.read(out.resolve("diff_metrics.csv"))) {
            m.put(r.get("metric"), r);
        }
        return m;
    }

    @Test
    void compactionDeltasAreTheHandCounts() throws Exception {
        Map<String, CSVRecord> m = metrics();
        // A: 8 passes, 5 SUCCESS; B adds two successful proactive passes
        assertEquals("8", m.get("compaction passes").get("a"));
        assertEquals("10", m.get("compaction passes").get("b"));
        assertEquals("2", m.get("compaction passes").get("delta"));
        assertEquals("5", m.get("compaction passes that succeeded").get("a"));
        assertEquals("7", m.get("compaction passes that succeeded").get("b"));
        assertEquals(62.5, Csv.d(m.get("compaction success rate"), "a"), 1e-9); // percent
        assertEquals(70.0, Csv.d(m.get("compaction success rate"), "b"), 1e-9);
        // migrated 40+10+30+5+12+3+200+0 = 300; B +150 +180
        assertEquals("300", m.get("pages migrated by compaction").get("a"));
        assertEquals("630", m.get("pages migrated by compaction").get("b"));
        assertEquals("1", m.get("compaction passes, proactive").get("a"));
        assertEquals("3", m.get("compaction passes, proactive").get("b"));
        assertEquals("3", m.get("kcompactd wakes").get("a"));
        assertEquals("3", m.get("kcompactd wakes").get("b"));
        assertEquals("2", m.get("allocation failures order 9").get("a"));
    }

    @Test
    void fragmentationIndexTableIsEndStateAndTimeseriesMean() throws Exception {
        ObjectMapper json = new ObjectMapper();
        JsonNode sa = json.readTree(a.resolve("summary.json").toFile());
        JsonNode sb = json.readTree(b.resolve("summary.json").toFile());
        List<CSVRecord> tsA = Csv.read(a.resolve("timeseries.csv"));
        List<CSVRecord> rows = Csv.read(out.resolve("diff_frag_index.csv"));
        assertEquals(3 * 11, rows.size());
        for (CSVRecord r : rows) {
            String zone = r.get("zone");
            int o = Integer.parseInt(r.get("order"));
            int zi = List.of("DMA", "DMA32", "Normal").indexOf(zone);
            double ea = Double.parseDouble(sa.path("end_state").get(zi).path("frag_index").get(o).asText());
            double eb = Double.parseDouble(sb.path("end_state").get(zi).path("frag_index").get(o).asText());
            assertEquals(ea, Csv.d(r, "end_a"), 0);
            assertEquals(eb, Csv.d(r, "end_b"), 0);
            double sum = 0;
            int n = 0;
            int free = 0;
            int all = 0;
            for (CSVRecord t : tsA) {
                if (t.get("zone").equals(zone)) {
                    double v = Csv.d(t, "frag_index_" + o);
                    all++;
                    if (v >= 0) {
                        sum += v;
                        n++;
                    } else {
                        free++;
                    }
                }
            }
            if (n == 0) {
                assertEquals("", r.get("mean_a"));
            } else {
                assertEquals(sum / n, Csv.d(r, "mean_a"), 1e-4, zone + " " + o);
            }
            assertEquals((double) free / all, Csv.d(r, "free_share_a"), 1e-4);
        }
        // the design: A loses every order>=7 block in Normal, B keeps 60 % of them
        CSVRecord thp = rows.stream().filter(r -> r.get("zone").equals("Normal") && r.get("order").equals("9"))
                .findFirst().orElseThrow();
        assertTrue(Csv.d(thp, "end_a") >= 0);
        assertEquals(-1.0, Csv.d(thp, "end_b"), 0);
    }

    @Test
    void summaryListsTheBiggestDifferencesFirst() throws Exception {
        List<String> lines = summary.lines().toList();
        assertTrue(lines.get(0).startsWith("A: synthetic-A"), lines.get(0));
        assertTrue(lines.get(1).startsWith("B: synthetic-B") && lines.get(1).contains("config proactive"));
        assertTrue(lines.get(2).startsWith("Biggest differences first"), lines.get(2));
        // the relative difference |b-a|/max(|a|,|b|) of each listed line, recomputed from its printed numbers
        Pattern p = Pattern.compile("A (\\S+)  B (\\S+)  \\(");
        double prev = Double.MAX_VALUE;
        int listed = 0;
        for (String l : lines.subList(3, lines.size())) {
            var mt = p.matcher(l);
            if (!mt.find()) {
                continue;
            }
            double va = Double.parseDouble(mt.group(1).replace(",", ""));
            double vb = Double.parseDouble(mt.group(2).replace(",", ""));
            double rel = Math.abs(vb - va) / Math.max(Math.abs(va), Math.abs(vb));
            assertTrue(rel <= prev + 1e-3, l);
            prev = rel;
            listed++;
        }
        assertEquals(DiffReport.TOP, listed);
        assertTrue(summary.contains("compaction passes") || summary.contains("more in diff_metrics.csv"));
        assertEquals(summary, Files.readString(out.resolve("summary.txt")));
    }

    @Test
    void diffHtmlIsSelfContainedWithBothRunsInFixedColours() throws Exception {
        String html = Files.readString(out.resolve("diff.html"), StandardCharsets.UTF_8);
        assertFalse(Pattern.compile("<script[^>]*\\ssrc=").matcher(html).find(), "scripts only inline");
        assertFalse(Pattern.compile("(src|href)=\"(?!data:|#)").matcher(html).find());
        long pngs;
        try (var s = Files.list(out)) {
            pngs = s.filter(f -> f.toString().endsWith(".png")).count();
        }
        // per zone: frag index, unusable index, free pages, end bars; plus cumulative compaction; but the fixture's
        // DMA zone never has a free order-9 block in either run (unusable index 1 throughout): a sentence instead
        assertEquals(3 * 4 + 1 - 1, pngs);
        assertTrue(html.contains("Unusable free space index, order 9 (THP), node 0 DMA: 1 at every sample of both"
                + " runs, nothing to chart"));
        // the end bars inline as PNG; the time overlays interactive, each with both runs' 3 markers (A1.., B1..)
        assertEquals(3, Pattern.compile("data:image/png;base64,").matcher(html).results().count());
        java.util.regex.Matcher ic = Pattern.compile("<script type=\"application/json\" id=\"c-([^\"]+)\">(.*?)</script>")
                .matcher(html);
        int charts = 0;
        while (ic.find()) {
            charts++;
            var spec = new com.fasterxml.jackson.databind.ObjectMapper().readTree(ic.group(2));
            assertEquals(List.of("A1", "A2", "A3", "B1", "B2", "B3"), java.util.stream.StreamSupport.stream(
                    spec.path("markers").spliterator(), false).map(m -> m.path("n").asText()).toList(), ic.group(1));
            List<String> runs = java.util.stream.StreamSupport.stream(spec.path("series").spliterator(), false)
                    .map(x -> x.path("label").asText().substring(0, 1)).distinct().toList();
            assertEquals(List.of("A", "B"), runs, ic.group(1) + ": A and B");
            assertTrue(Files.exists(out.resolve(ic.group(1) + ".png")));
        }
        assertEquals(3 * 3 - 1 + 1, charts); // 3 overlays per zone but the flat one, and cumulative compaction
        assertTrue(html.contains("#1f77b4") && html.contains("#e6550d"));
        List<CSVRecord> comp = Csv.read(out.resolve("diff_compaction.csv"));
        assertEquals(8 + 2 + 10 + 2, comp.size(), "a start, one row per pass and an end row per run");
        CSVRecord lastA = comp.stream().filter(r -> r.get("run").equals("A")).reduce((x, y) -> y).orElseThrow();
        assertEquals("8", lastA.get("passes"));
        assertEquals("5", lastA.get("succeeded"));
    }

    static Path edited(String name, String file, String from, String to) throws Exception {
        Path d = ReplayFixture.synthetic(tmp.resolve(name), 0.6);
        Path f = d.resolve(file);
        String s = Files.readString(f);
        assertTrue(s.contains(from), from);
        Files.writeString(f, s.replace(from, to));
        return d;
    }

    @Test
    void aSimulatedRunsFailuresAreTheModelsNotTheTraces() throws Exception {
        // a simulated run: stats.json counts the trace's failures (the kernel's: the same under every config), its
        // summary.json simulate.allocation_failures_by_order the model's own, which the diff must compare
        Path c = ReplayFixture.synthetic(tmp.resolve("sim"), 0.6);
        ObjectMapper json = new ObjectMapper();
        com.fasterxml.jackson.databind.node.ObjectNode root =
                (com.fasterxml.jackson.databind.node.ObjectNode) json.readTree(c.resolve("summary.json").toFile());
        root.putObject("simulate").putObject("allocation_failures_by_order").putObject("9").put("model", 11)
                .put("trace", 2);
        json.writeValue(c.resolve("summary.json").toFile(), root);
        Path o = tmp.resolve("diff-sim");
        DiffReport.write(a, c, o);
        CSVRecord r = null;
        for (CSVRecord x : Csv.read(o.resolve("diff_metrics.csv"))) {
            if (x.get("metric").equals("allocation failures order 9")) {
                r = x;
            }
        }
        assertEquals("2", r.get("a")); // A observed: stats.json's 2 failed order-9 requests
        assertEquals("11", r.get("b"));
    }

    @Test
    void differentMaxOrderIsRefused() throws Exception {
        Path c = edited("max11", "summary.json", "\"max_order\" : 10", "\"max_order\" : 11");
        TraceInputException e = assertThrows(TraceInputException.class,
                () -> DiffReport.write(a, c, tmp.resolve("x1")));
        assertEquals("cannot compare: A has max_order 10, B has max_order 11", e.getMessage());
        assertFalse(Files.exists(tmp.resolve("x1")));
    }

    @Test
    void differentPageSizeIsRefused() throws Exception {
        Path c = edited("page64k", "summary.json", "\"max_order\" : 10", "\"page_size\" : 65536, \"max_order\" : 10");
        TraceInputException e = assertThrows(TraceInputException.class,
                () -> DiffReport.write(a, c, tmp.resolve("x2")));
        assertEquals("cannot compare: A has 4096-byte pages, B has 65536-byte pages", e.getMessage());
    }

    @Test
    void noCommonZoneIsRefused() throws Exception {
        Path c = ReplayFixture.synthetic(tmp.resolve("node1"), 0.6);
        for (String f : List.of("timeseries.csv", "summary.json")) {
            String s = Files.readString(c.resolve(f));
            s = s.replace("\"node\" : 0", "\"node\" : 1").replaceAll("(?m)^([0-9.]+,[^,]*),0,", "$1,1,");
            Files.writeString(c.resolve(f), s);
        }
        TraceInputException e = assertThrows(TraceInputException.class,
                () -> DiffReport.write(a, c, tmp.resolve("x3")));
        // zones highest first (ReplayFolder.zones: Normal, DMA32, DMA)
        assertEquals("cannot compare: no zone in common (A: node 0 Normal, node 0 DMA32, node 0 DMA; "
                + "B: node 1 Normal, node 1 DMA32, node 1 DMA)", e.getMessage());
    }

    @Test
    void outputMayNotReplaceAnInput() {
        TraceInputException e = assertThrows(TraceInputException.class, () -> DiffReport.write(a, b, a));
        assertTrue(e.getMessage().contains("would replace input"), e.getMessage());
        assertTrue(Files.exists(a.resolve("summary.json")));
    }
}
