package io.fragtrace.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DiffCommandTest {
    @TempDir
    Path tmp;

    /**
     * A minimal replay output folder (docs/replay-output.md): one zone, three samples, {@code passes} compaction
     * passes of which the first {@code ok} succeeded. Order-10 free blocks at the end: {@code order10}.
     */
    static Path folder(Path dir, int maxOrder, int passes, int ok, int order10) throws IOException {
        Files.createDirectories(dir);
        List<String> h = new ArrayList<>(List.of("time_s", "marker", "node", "zone", "free_pages", "pcp_pages"));
        for (String p : List.of("nr_free_", "frag_index_", "unusable_index_")) {
            for (int o = 0; o <= 10; o++) {
                h.add(p + o);
            }
        }
        h.addAll(List.of("frag_score", "mixed_pageblocks", "free_regions"));
        StringBuilder ts = new StringBuilder(String.join(",", h)).append('\n');
        for (int i = 0; i < 3; i++) {
            int top = i == 2 ? order10 : 1;
            ts.append(String.format("%d.000000,%s,0,DMA32,%d,10", 1 + i, i == 1 ? "mid" : "", 100 + (top << 10)));
            for (int o = 0; o <= 10; o++) {
                ts.append(',').append(o == 0 ? 100 : o == 10 ? top : 0);
            }
            for (int o = 0; o <= 10; o++) {
                ts.append(',').append(o == 0 || top > 0 ? "-1.000" : "0.900");
            }
            for (int o = 0; o <= 10; o++) {
                ts.append(',').append(o == 0 ? "0.000" : top > 0 ? "0.089" : "1.000");
            }
            ts.append(",5,2,\n");
        }
        Files.writeString(dir.resolve("timeseries.csv"), ts);
        StringBuilder cp = new StringBuilder("begin_s,end_s,duration_ms,context,pid,comm,cpu,order,node,zone,mode,status,"
                + "migrate_scanned,migrate_isolated,free_scanned,free_isolated,fast_free_scanned,fast_free_isolated,"
                + "migrated,migrate_failed,finished_checks,frag_index_at_begin\n");
        for (int i = 0; i < passes; i++) {
            cp.append(String.format("1.%03d000,1.%03d500,0.500,DIRECT,7,a,0,9,0,DMA32,ASYNC,%s,10,1,20,1,0,0,1,0,1,%n",
                    i, i, i < ok ? "SUCCESS" : "COMPLETE"));
        }
        Files.writeString(dir.resolve("compaction.csv"), cp);
        Files.writeString(dir.resolve("daemons.csv"), "daemon,node,begin_s,end_s,order\nkswapd,0,1.5,2.5,0\n");
        Files.writeString(dir.resolve("markers.csv"), "time_s,text\n2.000000,mid\n");
        String fi = order10 > 0 ? "\"-1.000\"" : "\"0.900\"";
        StringBuilder fis = new StringBuilder("\"-1.000\"");
        for (int o = 1; o <= 10; o++) {
            fis.append(',').append(fi);
        }
        Files.writeString(dir.resolve("summary.json"), """
                {"schema_version":1,"tool":"test","input":{"name":"%s","first_s":1.0,"last_s":3.0,"lost_events":0,
                 "bad_lines":0},"mode":"observed","kernel":{"release":"6.1.0","semantics":"6.1"},
                 "topology":{"max_order":%d,"pageblock_order":9,"zones":[{"node":0,"zone":"DMA32"}]},
                 "end_state":[{"node":0,"zone":"DMA32","free_pages":%d,"frag_index":[%s],"frag_score":5}]}
                """.formatted(dir.getFileName(), maxOrder, 100 + (order10 << 10), fis));
        return dir;
    }

    @Test
    void diffWritesTheReportAndPrintsTheBiggestDifferencesFirst() throws Exception {
        Path a = folder(tmp.resolve("a"), 10, 4, 1, 0);
        Path b = folder(tmp.resolve("b"), 10, 2, 2, 3);
        Path out = tmp.resolve("d");
        StatsCommandTest.Run r = StatsCommandTest.run("diff", a.toString(), b.toString(), "--out", out.toString());
        assertEquals(0, r.exit(), r.err());
        assertEquals("", r.err());
        List<String> lines = r.out().lines().toList();
        assertEquals("A: a (6.1.0, observed)", lines.get(0));
        assertEquals("B: b (6.1.0, observed)", lines.get(1));
        // order 1..10 at the end flip from 0.9 (fragmented) to -1 (a free block): relative change 1.9/1 = 1.9
        assertTrue(lines.get(3).contains("fragmentation index order 1 at end, node 0 DMA32"), lines.get(3));
        assertTrue(r.out().contains("compaction success rate"), r.out());
        assertTrue(lines.get(lines.size() - 1).startsWith("Report: "), r.out());
        assertTrue(Files.isRegularFile(out.resolve("diff.html")));
        String metrics = Files.readString(out.resolve("diff_metrics.csv"));
        assertTrue(metrics.contains("compaction passes,4,2,-2,0.5"), metrics);
        assertTrue(metrics.contains("compaction success rate,25,100,75,0.75"), metrics);
    }

    @Test
    void incompatibleRunsAreOneLineErrors() throws Exception {
        Path a = folder(tmp.resolve("a"), 10, 1, 1, 0);
        Path b = folder(tmp.resolve("b"), 11, 1, 1, 0);
        Path out = tmp.resolve("d");
        StatsCommandTest.assertOneLineError(StatsCommandTest.run("diff", a.toString(), b.toString(), "--out",
                out.toString()), "cannot compare: A has max_order 10, B has max_order 11");
        assertFalse(Files.exists(out), "nothing written");
    }

    @Test
    void missingInputsAndMisplacedConfigsAreInputErrors() throws Exception {
        Path a = folder(tmp.resolve("a"), 10, 1, 1, 0);
        StatsCommandTest.assertOneLineError(StatsCommandTest.run("diff", a.toString(),
                tmp.resolve("nope").toString(), "--out", tmp.resolve("d").toString()), "no such file or directory");
        StatsCommandTest.assertOneLineError(StatsCommandTest.run("diff", a.toString(), a.toString(), "--config-a",
                "proactive", "--out", tmp.resolve("d").toString()), "apply to traces");
        StatsCommandTest.assertOneLineError(StatsCommandTest.run("diff", a.toString(), "--out",
                tmp.resolve("d").toString()), "give B, or --config-a/--config-b");
        StatsCommandTest.assertOneLineError(StatsCommandTest.run("diff", a.toString()), "Missing required");
        StatsCommandTest.assertOneLineError(StatsCommandTest.run("diff", a.toString(), a.toString(), "--from", "12.5",
                "--out", tmp.resolve("d").toString()), "--from applies to simulated runs");
    }

    /**
     * One capture under two presets shows what issue 4 predicts: linux-4.4 has no kcompactd (it came with 4.6) and
     * proactive (compaction_proactiveness 90) runs at least as many proactive passes as any other preset.
     */
    @Test
    void oneCaptureUnderTwoPresets() throws Exception {
        Path bundle = StatsCommandTest.samples().resolve("fragment-thp-256M");
        Path out = tmp.resolve("presets");
        StatsCommandTest.Run r = StatsCommandTest.run("diff", bundle.toString(), "--config-a", "linux-4.4",
                "--config-b", "proactive", "--out", out.toString(), "--quiet");
        assertEquals(0, r.exit(), r.err());
        assertTrue(Files.isRegularFile(out.resolve("diff.html")));
        assertTrue(Files.isRegularFile(out.resolve("run-a").resolve("report.html")));
        assertTrue(Files.isRegularFile(out.resolve("run-b").resolve("summary.json")));
        java.util.Map<String, String[]> m = new java.util.HashMap<>();
        try (var p = org.apache.commons.csv.CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).build()
                .parse(Files.newBufferedReader(out.resolve("diff_metrics.csv")))) {
            p.forEach(rec -> m.put(rec.get("metric"), new String[] {rec.get("a"), rec.get("b")}));
        }
        assertEquals("0", m.get("kcompactd wakes")[0], "linux-4.4: no kcompactd");
        assertEquals("0", m.get("compaction passes, proactive")[0]);
        assertTrue(Long.parseLong(m.get("compaction passes, proactive")[1]) > 0, "proactive runs proactive passes");
        // the run folders' own summaries say the same as the diff
        var json = new com.fasterxml.jackson.databind.ObjectMapper();
        assertEquals("linux-4.4", json.readTree(out.resolve("run-a/summary.json").toFile()).at("/config/name").asText());
        assertEquals("proactive", json.readTree(out.resolve("run-b/summary.json").toFile()).at("/config/name").asText());
        // a proactive pass that ends COMPLETE compacted the whole zone, its normal end: a success, not a failure
        // (enum compact_result, include/linux/compaction.h); recounted from run B's passes by context and status
        var byCtx = json.readTree(out.resolve("run-b/summary.json").toFile()).at("/compaction/by_context");
        long ok = 0;
        long all = 0;
        for (var it = byCtx.fields(); it.hasNext(); ) {
            var ctx = it.next();
            for (var st = ctx.getValue().fields(); st.hasNext(); ) {
                var e = st.next();
                all += e.getValue().asLong();
                boolean wholeZone = ctx.getKey().equals("PROACTIVE") || ctx.getKey().equals("MANUAL");
                if (e.getKey().equals("SUCCESS") || (wholeZone && e.getKey().equals("COMPLETE"))) {
                    ok += e.getValue().asLong();
                }
            }
        }
        assertTrue(byCtx.at("/PROACTIVE/COMPLETE").asLong() > 0, "the proactive passes end COMPLETE");
        assertEquals(Long.toString(ok), m.get("compaction passes that succeeded")[1]);
        assertEquals(100.0 * ok / all, Double.parseDouble(m.get("compaction success rate")[1]), 1e-2); // percent
        // A's error against the kernel stands next to each difference A's calibration measures
        String summary = Files.readString(out.resolve("summary.txt"));
        assertTrue(summary.contains("A against the kernel: "), summary);
        assertTrue(summary.contains("A vs kernel: model "), summary);
        String html = Files.readString(out.resolve("diff.html"));
        assertTrue(html.contains("What the trace cannot tell"), "diff.html says what the trace cannot tell");
    }
}
