package io.fragtrace.report.html;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fragtrace.parser.TraceInputException;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The report of the hand-designed fixture (ReplayFixture.synthetic): the CSV behind each chart against the folder's
 * own files (summary.json, timeseries.csv) and against counts worked out by hand from the fixture's design.
 */
class HtmlReportTest {
    @TempDir
    static Path tmp;
    static Path folder;
    static Map<String, byte[]> files;
    static JsonNode summary;

    @BeforeAll
    static void render() throws Exception {
        folder = ReplayFixture.synthetic(tmp.resolve("a"), 0);
        HtmlReport.write(folder);
        files = new HashMap<>();
        try (var s = Files.list(folder)) {
            for (Path p : s.toList()) {
                files.put(p.getFileName().toString(), Files.readAllBytes(p));
            }
        }
        summary = new ObjectMapper().readTree(folder.resolve("summary.json").toFile());
    }

    @Test
    void fragmentationIndexChartDataIsTheTimeseriesAndEndsAtTheSummaryEndState() throws Exception {
        List<CSVRecord> ts = Csv.read(folder.resolve("timeseries.csv"));
        for (JsonNode end : summary.path("end_state")) {
            String zone = end.path("zone").asText();
            List<CSVRecord> rows = Csv.read(files, "frag_index_0_" + zone + ".csv");
            List<CSVRecord> zoneRows = ts.stream().filter(r -> r.get("zone").equals(zone)).toList();
            assertEquals(200, zoneRows.size());
            assertEquals(zoneRows.size(), rows.size(), zone);
            for (int i = 0; i < rows.size(); i++) {
                assertEquals(Csv.d(zoneRows.get(i), "time_s"), Csv.d(rows.get(i), "time_s"), 1e-9);
                assertEquals(Csv.d(zoneRows.get(i), "time_s") - 100.0, Csv.d(rows.get(i), "t_s"), 1e-6);
                for (int o = 0; o <= 10; o++) {
                    assertEquals(Csv.d(zoneRows.get(i), "frag_index_" + o), Csv.d(rows.get(i), "order_" + o), 0,
                            zone + " row " + i + " order " + o);
                }
            }
            CSVRecord last = rows.get(rows.size() - 1);
            List<CSVRecord> un = Csv.read(files, "unusable_index_0_" + zone + ".csv");
            for (int o = 0; o <= 10; o++) {
                assertEquals(Double.parseDouble(end.path("frag_index").path(o).asText()), Csv.d(last, "order_" + o),
                        0, zone + " end frag order " + o);
                assertEquals(Double.parseDouble(end.path("unusable_index").path(o).asText()),
                        Csv.d(un.get(un.size() - 1), "order_" + o), 0, zone + " end unusable order " + o);
            }
        }
    }

    @Test
    void theFixtureReachesFragmentationAtTheThpOrder() throws Exception {
        // run A keeps no order>=7 block past 62.5 % of the run: the THP index must be defined (>= 0) at the end
        List<CSVRecord> rows = Csv.read(files, "frag_index_0_Normal.csv");
        double end = Csv.d(rows.get(rows.size() - 1), "order_9");
        assertTrue(end >= 0 && end <= 1, "order 9 at end: " + end);
        assertEquals(-1.0, Csv.d(rows.get(0), "order_9"), 0, "a free order-9 block at the start");
    }

    @Test
    void compactionSuccessPerBinMatchesTheHandCount() throws Exception {
        // passes by end time in 0.5 s bins of 100..110 s (see ReplayFixture.synthetic)
        String[] expected = {
            "0,DIRECT,9,2,1,0.5", "4,DIRECT,9,1,1,1", "4,KCOMPACTD,9,1,0,0", "10,DIRECT,4,1,1,1",
            "10,KCOMPACTD,9,1,1,1", "15,PROACTIVE,-1,1,1,1", "19,DIRECT,9,1,0,0"};
        List<CSVRecord> rows = Csv.read(files, "compaction_success.csv");
        List<String> got = new ArrayList<>();
        for (CSVRecord r : rows) {
            got.add(r.get("bin") + "," + r.get("context") + "," + r.get("order") + "," + r.get("passes") + ","
                    + r.get("succeeded") + "," + r.get("success_rate"));
        }
        assertEquals(List.of(expected), got);
        assertEquals(100.0, Csv.d(rows.get(0), "bin_start_s"), 1e-9);
        assertEquals(100.5, Csv.d(rows.get(0), "bin_end_s"), 1e-9);
        assertEquals(109.5, Csv.d(rows.get(rows.size() - 1), "bin_start_s"), 1e-9);
    }

    @Test
    void outcomesAndLatencyMatchTheHandCount() throws Exception {
        Map<String, String> outcomes = new HashMap<>();
        for (CSVRecord r : Csv.read(files, "compaction_outcomes.csv")) {
            outcomes.put(r.get("context") + " " + r.get("status"), r.get("passes"));
        }
        assertEquals(Map.of("DIRECT SUCCESS", "3", "DIRECT PARTIAL_SKIPPED", "1", "DIRECT COMPLETE", "1",
                "KCOMPACTD COMPLETE", "1", "KCOMPACTD SUCCESS", "1", "PROACTIVE SUCCESS", "1"), outcomes);
        Map<String, CSVRecord> lat = new HashMap<>();
        for (CSVRecord r : Csv.read(files, "compaction_latency.csv")) {
            lat.put(r.get("context"), r);
        }
        assertEquals(List.of("DIRECT", "KCOMPACTD", "PROACTIVE", "ALL"),
                Csv.read(files, "compaction_latency.csv").stream().map(r -> r.get("context")).toList());
        // DIRECT durations 30, 50, 20, 10, 40 ms
        assertEquals(5, Csv.d(lat.get("DIRECT"), "passes"));
        assertEquals(30, Csv.d(lat.get("DIRECT"), "p50_ms"), 1e-9);
        assertEquals(30, Csv.d(lat.get("DIRECT"), "mean_ms"), 1e-9);
        assertEquals(50, Csv.d(lat.get("DIRECT"), "max_ms"), 1e-9);
        // KCOMPACTD 100 and 10 ms
        assertEquals(55, Csv.d(lat.get("KCOMPACTD"), "mean_ms"), 1e-9);
        assertEquals(100, Csv.d(lat.get("KCOMPACTD"), "max_ms"), 1e-9);
        // all eight: 10 10 20 30 40 50 100 500; median between the 4th and 5th
        assertEquals(8, Csv.d(lat.get("ALL"), "passes"));
        assertEquals(35, Csv.d(lat.get("ALL"), "p50_ms"), 1e-9);
        assertEquals(500, Csv.d(lat.get("ALL"), "max_ms"), 1e-9);
        assertEquals(95, Csv.d(lat.get("ALL"), "mean_ms"), 1e-9);
    }

    @Test
    void daemonActivityMatchesTheHandCount() throws Exception {
        Map<String, CSVRecord> act = new HashMap<>();
        for (CSVRecord r : Csv.read(files, "daemon_activity.csv")) {
            act.put(r.get("daemon"), r);
        }
        // kswapd 0.40 + 0.45 + (110 - 109, still awake at the end); kcompactd 0.10 + 0.20 + 0.10
        assertEquals(3, Csv.d(act.get("kswapd"), "wakes"));
        assertEquals(1.85, Csv.d(act.get("kswapd"), "busy_s"), 1e-6);
        assertEquals(0.185, Csv.d(act.get("kswapd"), "busy_share"), 1e-4);
        assertEquals(3, Csv.d(act.get("kcompactd"), "wakes"));
        assertEquals(0.4, Csv.d(act.get("kcompactd"), "busy_s"), 1e-6);
        List<CSVRecord> tl = Csv.read(files, "daemon_timeline.csv");
        assertEquals(6, tl.size());
        assertEquals(110.0, Csv.d(tl.get(5), "end_s"), 1e-9, "open interval drawn to the end of the trace");
    }

    @Test
    void buddyinfoHeatMapBinsAreMeansOfTheTimeseries() throws Exception {
        List<CSVRecord> ts = Csv.read(folder.resolve("timeseries.csv")).stream()
                .filter(r -> r.get("zone").equals("DMA32")).toList();
        List<CSVRecord> heat = Csv.read(files, "buddyinfo_0_DMA32.csv");
        assertEquals(60, heat.size());
        // bin k of 60 over 10 s holds the samples with floor((t - 100) / 10 * 60) == k
        for (int k : new int[] {0, 17, 59}) {
            for (int o : new int[] {0, 5, 10}) {
                double sum = 0;
                int n = 0;
                for (CSVRecord r : ts) {
                    if ((int) Math.floor((Csv.d(r, "time_s") - 100) / 10 * 60) == k) {
                        sum += Csv.d(r, "nr_free_" + o);
                        n++;
                    }
                }
                CSVRecord row = heat.stream().filter(r -> r.get("bin").equals(Integer.toString(k))).findFirst()
                        .orElseThrow();
                assertEquals(n, Csv.d(row, "samples"), 0);
                assertEquals(sum / n, Csv.d(row, "mean_nr_free_" + o), 1e-9, "bin " + k + " order " + o);
            }
        }
    }

    @Test
    void perZoneLinesAndMigratetypesAreTheTimeseries() throws Exception {
        List<CSVRecord> ts = Csv.read(folder.resolve("timeseries.csv"));
        List<CSVRecord> mixed = Csv.read(files, "mixed_pageblocks.csv");
        List<CSVRecord> regions = Csv.read(files, "free_regions.csv");
        assertEquals(ts.size(), mixed.size());
        long sumTs = 0;
        long sumChart = 0;
        long regTs = 0;
        long regChart = 0;
        for (int i = 0; i < ts.size(); i++) {
            sumTs += Long.parseLong(ts.get(i).get("mixed_pageblocks"));
            sumChart += (long) Csv.d(mixed.get(i), "mixed_pageblocks");
            regTs += Long.parseLong(ts.get(i).get("free_regions"));
            regChart += (long) Csv.d(regions.get(i), "free_regions");
        }
        assertEquals(sumTs, sumChart);
        assertEquals(regTs, regChart);
        List<CSVRecord> mt = Csv.read(files, "free_by_migratetype_0_Normal.csv");
        JsonNode end = summary.path("end_state").get(2);
        assertEquals("Normal", end.path("zone").asText());
        CSVRecord last = mt.get(mt.size() - 1);
        for (String t : List.of("unmovable", "movable", "reclaimable")) {
            assertEquals(end.path("free_by_migratetype").path(t).asDouble(), Csv.d(last, "free_" + t), 0, t);
        }
        assertEquals(List.of("time_s", "t_s", "free_unmovable", "free_movable", "free_reclaimable", "free_highatomic",
                "free_isolate"), Csv.header(files, "free_by_migratetype_0_Normal.csv"));
    }

    @Test
    void allocationTablesAreStatsJson() throws Exception {
        List<CSVRecord> byOrder = Csv.read(files, "alloc_by_order.csv");
        assertEquals(List.of("0", "1", "9", "10"), byOrder.stream().map(r -> r.get("order")).toList());
        assertEquals("1000", byOrder.get(0).get("alloc_requests"));
        assertEquals("512", byOrder.get(2).get("alloc_pages"));
        assertEquals("2", byOrder.get(2).get("failures"));
        assertEquals("900", byOrder.get(0).get("free_requests"));
        List<CSVRecord> gfp = Csv.read(files, "alloc_by_gfp.csv");
        assertEquals("(1 others)", gfp.get(2).get("gfp_flags"));
        assertEquals("thp-fault", Csv.read(files, "alloc_by_process.csv").get(0).get("comm"));
        assertEquals("movable", Csv.read(files, "alloc_by_migratetype.csv").get(1).get("migratetype"));
    }

    @Test
    void reportIsOneSelfContainedFileWithEveryChartInline() throws Exception {
        String html = new String(files.get("report.html"), StandardCharsets.UTF_8);
        // scripts only inline: uPlot, charts.js and the chart specs; nothing loaded from a file or a host
        assertFalse(Pattern.compile("<script[^>]*\\ssrc=").matcher(html).find(), "no script loaded from elsewhere");
        assertFalse(html.contains("<link") || html.contains("@import") || html.contains("url("));
        assertFalse(html.contains("fetch(") || html.contains("XMLHttpRequest"));
        Matcher ext = Pattern.compile("(src|href)=\"(?!data:|#)([^\"]*)\"").matcher(html);
        assertFalse(ext.find(), () -> "external reference " + ext.group());
        // the one address in the page is the comment naming uPlot's home in its licence header
        assertFalse(html.replace("/*! https://github.com/leeoniya/uPlot", "").matches("(?s).*https?://.*"));
        assertTrue(html.contains("var uPlot="), "uPlot inlined");
        Matcher img = Pattern.compile("src=\"data:image/png;base64,([A-Za-z0-9+/=]+)\"").matcher(html);
        int inline = 0;
        while (img.find()) {
            inline++;
            BufferedImage im = ImageIO.read(new ByteArrayInputStream(java.util.Base64.getDecoder().decode(img.group(1))));
            assertEquals(Charts.WIDTH, im.getWidth());
            assertEquals(Charts.HEIGHT, im.getHeight());
        }
        // bar charts inline as PNG: compaction outcomes and latency, allocations by order
        assertEquals(3, inline);
        // time charts interactive, each with its spec and the trace markers: 3 zones x (frag, unusable, buddyinfo,
        // migratetype) + mixed + compaction success + daemon timeline + extfrag over time; free regions are
        // pages / 131072 in the fixture, 0 for zones under 512 MiB at every sample: a sentence, no chart
        Matcher ic = Pattern.compile("<div class=\"ic\" data-spec=\"([^\"]+)\"></div><script type=\"application/json\""
                + " id=\"\\1\">(.*?)</script>").matcher(html);
        int charts = 0;
        while (ic.find()) {
            charts++;
            JsonNode spec = new ObjectMapper().readTree(ic.group(2));
            assertEquals(3, spec.path("markers").size(), ic.group(1) + " has the fixture's 3 markers");
            String png = ic.group(1).substring(2) + ".png";
            assertTrue(files.containsKey(png), "the PNG of " + png + " is written for slides");
            assertTrue(html.contains("(" + png), "the caption names " + png);
        }
        assertEquals(16, charts);
        assertTrue(html.contains("Free regions (--region-mb; a zone smaller than a region never has a whole free region): 0"
                + " in every zone at every one of the 600 samples, nothing to chart"));
        assertFalse(files.containsKey("free_regions.png"));
        long pngs = files.keySet().stream().filter(n -> n.endsWith(".png")).count();
        assertEquals(charts + inline, pngs, "every chart has its PNG");
        for (String n : files.keySet()) {
            if (n.endsWith(".png") && !n.equals("report.html")) {
                String csv = n.replace(".png", ".csv");
                assertTrue(files.containsKey(csv), "data behind " + n);
            }
        }
        for (String s : List.of("Summary", "Fragmentation index over time", "Unusable free space index",
                "buddyinfo", "Free memory by migratetype", "Mixed pageblocks", "Region occupancy", "Compaction",
                "kswapd and kcompactd", "Allocations", "Trace markers", "free every other chunk", "6.1.0-56-amd64",
                "exact", "GFP_HIGHUSER_MOVABLE", "colour: fragmentation index", "colour: mean free blocks",
                "−1: a free block of this order exists")) {
            assertTrue(html.contains(s), s);
        }
    }

    @Test
    void extfragSectionIsStatsJsonsExtfrag() throws Exception {
        String html = new String(files.get("report.html"), StandardCharsets.UTF_8);
        double first = summary.path("input").path("first_s").asDouble();
        // over_time: buckets at 100, 105, 110 s with 0, 4, 1 fallbacks of which 0, 2, 1 fragmenting (the fixture)
        List<CSVRecord> ot = Csv.read(files, "extfrag_over_time.csv");
        assertEquals(3, ot.size());
        assertEquals(105.0 - first, Csv.d(ot.get(1), "t_s"), 1e-9);
        assertEquals(4, Csv.d(ot.get(1), "fallbacks"));
        assertEquals(2, Csv.d(ot.get(1), "not_fragmenting"));
        assertEquals(1, Csv.d(ot.get(2), "change_ownership"));
        // pollution: unmovable pages into movable pageblocks, who and when
        List<CSVRecord> pol = Csv.read(files, "extfrag_pollution.csv");
        assertEquals(List.of("kworker/0:1", "modprobe", "kworker/0:1"), pol.stream().map(r -> r.get("comm")).toList());
        assertEquals("GFP_KERNEL|__GFP_ZERO", pol.get(1).get("gfp"));
        assertEquals(106.25 - first, Csv.d(pol.get(1), "t_s"), 1e-9);
        assertEquals("2", Csv.read(files, "extfrag_pollution_by_task.csv").get(0).get("count"));
        List<CSVRecord> pairs = Csv.read(files, "extfrag_by_migratetype.csv");
        assertEquals("yes", pairs.get(0).get("pollutes_movable"));   // unmovable -> movable
        assertEquals("", pairs.get(1).get("pollutes_movable"));      // movable -> unmovable
        assertTrue(html.contains("<span data-stats=\"extfrag.pollution_total\">3</span> fallbacks took a movable"));
        assertTrue(html.contains("c-extfrag_over_time"));
    }

    @Test
    void olderStatsWithoutOverTimeOrPollutionSayWhatIsMissing(@TempDir Path d) throws Exception {
        Path f = ReplayFixture.synthetic(d.resolve("old"), 0);
        String st = Files.readString(f.resolve("stats.json"));
        JsonNode root = new ObjectMapper().readTree(st);
        com.fasterxml.jackson.databind.node.ObjectNode ex = (com.fasterxml.jackson.databind.node.ObjectNode) root.path("extfrag");
        ex.remove(List.of("over_time", "pollution", "pollution_total", "pollution_by_task"));
        Files.writeString(f.resolve("stats.json"), root.toString());
        Map<String, byte[]> r = HtmlReport.render(ReplayFolder.load(f));
        String html = new String(r.get("report.html"), StandardCharsets.UTF_8);
        assertTrue(html.contains("Fallbacks over time are not available"));
        // the 3 unmovable -> movable fallbacks of by_migratetype, without who
        assertTrue(html.contains("3 fallbacks put unmovable or reclaimable pages into a movable pageblock"));
        assertFalse(r.containsKey("extfrag_over_time.png"));
    }

    @Test
    void zonesAreShownHighestFirst() {
        String html = new String(files.get("report.html"), StandardCharsets.UTF_8);
        int normal = html.indexOf("<h3>node 0 Normal</h3>");
        int dma32 = html.indexOf("<h3>node 0 DMA32</h3>");
        int dma = html.indexOf("<h3>node 0 DMA</h3>");
        assertTrue(normal >= 0 && normal < dma32 && dma32 < dma, normal + " " + dma32 + " " + dma);
    }

    @Test
    void optionalFilesMissingGiveSectionsThatSaySo(@TempDir Path d) throws Exception {
        Path f = ReplayFixture.synthetic(d.resolve("bare"), 0);
        for (String n : List.of("compaction.csv", "daemons.csv", "markers.csv", "stats.json")) {
            Files.delete(f.resolve(n));
        }
        // regions not modelled: the last column (free_regions) empty
        List<String> lines = Files.readAllLines(f.resolve("timeseries.csv"));
        List<String> out = new ArrayList<>();
        out.add(lines.get(0));
        for (String l : lines.subList(1, lines.size())) {
            out.add(l.substring(0, l.lastIndexOf(',') + 1));
        }
        Files.write(f.resolve("timeseries.csv"), out);
        Map<String, byte[]> r = HtmlReport.render(ReplayFolder.load(f));
        String html = new String(r.get("report.html"), StandardCharsets.UTF_8);
        for (String s : List.of("No compaction pass in the trace.", "Regions were not modelled",
                "This folder has no stats.json.", "The trace has no tracing_mark_write markers.",
                "No kswapd or kcompactd activity")) {
            assertTrue(html.contains(s), s);
        }
        assertFalse(r.containsKey("free_regions.png"));
        assertFalse(r.containsKey("compaction_success.csv"));
        assertTrue(r.containsKey("frag_index_0_DMA32.png"));
    }

    @Test
    void aFolderWithoutSummaryIsAnInputError(@TempDir Path empty) {
        TraceInputException e = assertThrows(TraceInputException.class, () -> HtmlReport.write(empty));
        assertTrue(e.getMessage().contains("no summary.json"), e.getMessage());
        assertFalse(e.getMessage().contains("\n"));
    }
}
