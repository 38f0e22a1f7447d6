package io.fragtrace.report.output;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fragtrace.parser.Samples;
import io.fragtrace.parser.TraceInput;
import io.fragtrace.parser.TraceInputException;
import io.fragtrace.replay.StartState;
import io.fragtrace.replay.Validation;
import io.fragtrace.report.html.HtmlReport;
import io.fragtrace.report.html.ReplayFolder;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The replay output folder of the 6.1 fragment-thp capture, checked against the kernel's own files. */
class ReplayRunTest {
    @TempDir
    static Path tmp;
    static Path out;
    static Path bundle;
    static JsonNode summary;

    @BeforeAll
    static void replay() throws Exception {
        bundle = Samples.bundle("fragment-thp-256M");
        out = tmp.resolve("out");
        new ReplayRun(TraceInput.of(bundle.toString()), new ReplayRun.Options(0, null, true)).run(out);
        summary = new ObjectMapper().readTree(out.resolve("summary.json").toFile());
    }

    @Test
    void theReportDrawnFromTheRunsBytesIsTheOneTheWrittenFolderGives() throws Exception {
        // the run rendered report.html from the bytes it wrote (RunFiles), not from the folder read back; rebuilt from
        // the written folder (HtmlReport's rebuild path) every file of the report is the same
        Map<String, byte[]> again = HtmlReport.render(ReplayFolder.load(out));
        for (Map.Entry<String, byte[]> e : again.entrySet()) {
            assertArrayEquals(e.getValue(), Files.readAllBytes(out.resolve(e.getKey())), e.getKey());
        }
    }

    static List<CSVRecord> csv(String name) throws Exception {
        try (Reader r = Files.newBufferedReader(out.resolve(name));
             CSVParser p = CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).build().parse(r)) {
            return new ArrayList<>(p.getRecords());
        }
    }

    /** before/buddyinfo, before/extfrag_index, before/unusable_index rows: "Node 0, zone DMA32 v0 v1 ...". */
    static String[] kernelRow(String file, String zone) throws Exception {
        for (String l : Files.readAllLines(bundle.resolve("before").resolve(file))) {
            String[] t = l.trim().split("\\s+");
            if (t.length > 4 && t[3].equals(zone)) {
                String[] v = new String[t.length - 4];
                System.arraycopy(t, 4, v, 0, v.length);
                return v;
            }
        }
        throw new AssertionError(zone + " not in " + file);
    }

    @Test
    void firstSampleIsTheKernelsBeforeState() throws Exception {
        List<CSVRecord> rows = csv("timeseries.csv");
        for (String zone : List.of("DMA", "DMA32")) {
            CSVRecord first = rows.stream().filter(r -> r.get("zone").equals(zone)).findFirst().orElseThrow();
            String[] buddyinfo = kernelRow("buddyinfo", zone);
            String[] extfrag = kernelRow("extfrag_index", zone);
            String[] unusable = kernelRow("unusable_index", zone);
            for (int o = 0; o <= 10; o++) {
                assertEquals(buddyinfo[o], first.get("nr_free_" + o), zone + " buddyinfo order " + o);
                assertEquals(extfrag[o], first.get("frag_index_" + o), zone + " extfrag_index order " + o);
                assertEquals(unusable[o], first.get("unusable_index_" + o), zone + " unusable_index order " + o);
            }
        }
    }

    /** The report's chart data are the replay's own samples: the same instants, the same values (issue 5). */
    @Test
    void reportChartsCarryTheReplaysNumbers() throws Exception {
        assertTrue(Files.isRegularFile(out.resolve("report.html")));
        List<CSVRecord> series = csv("timeseries.csv").stream().filter(r -> r.get("zone").equals("DMA32")).toList();
        List<CSVRecord> chart = csv("frag_index_0_DMA32.csv");
        assertEquals(series.size(), chart.size());
        for (int i = 0; i < series.size(); i++) {
            assertEquals(Double.parseDouble(series.get(i).get("time_s")), Double.parseDouble(chart.get(i).get("time_s")),
                    1e-7, "row " + i);
            for (int o = 0; o <= 10; o++) {
                assertEquals(Double.parseDouble(series.get(i).get("frag_index_" + o)),
                        Double.parseDouble(chart.get(i).get("order_" + o)), 1e-9, "row " + i + " order " + o);
            }
        }
        List<CSVRecord> mixed = csv("mixed_pageblocks.csv").stream().filter(r -> r.get("zone").equals("DMA32")).toList();
        assertEquals(series.get(series.size() - 1).get("mixed_pageblocks"), mixed.get(mixed.size() - 1).get("mixed_pageblocks"));
    }

    @Test
    void samplesAreEvenlySpacedAndBounded() throws Exception {
        List<Double> times = new ArrayList<>();
        for (CSVRecord r : csv("timeseries.csv")) {
            if (r.get("zone").equals("DMA32") && r.get("marker").isEmpty()) {
                times.add(Double.parseDouble(r.get("time_s")));
            }
        }
        assertTrue(times.size() >= SampleBuffer.MAX_INSTANTS / 2 && times.size() <= SampleBuffer.MAX_INSTANTS,
                "between 1000 and 2000 instants: " + times.size());
        double step = times.get(1) - times.get(0);
        for (int i = 2; i < times.size(); i++) {
            assertEquals(step, times.get(i) - times.get(i - 1), 2e-6, "even spacing at " + i);
        }
    }

    @Test
    void compactionDaemonsAndMarkersMatchTheTrace() throws Exception {
        // sample-traces/fragment-thp-256M/meta.txt: 14 mm_compaction_begin, 46 tracing_mark_write,
        // 13 mm_vmscan_kswapd_wake; statuses (grep status=): 13 success, 1 partial_skipped
        assertEquals(14, summary.at("/compaction/passes").asLong());
        assertEquals(14, csv("compaction.csv").size());
        assertEquals(13, summary.at("/compaction/by_context/DIRECT/SUCCESS").asLong()
                + summary.at("/compaction/by_context/KCOMPACTD/SUCCESS").asLong()
                + summary.at("/compaction/by_context/PROACTIVE/SUCCESS").asLong()
                + summary.at("/compaction/by_context/MANUAL/SUCCESS").asLong());
        assertEquals(46, csv("markers.csv").size());
        assertEquals(13, csv("daemons.csv").stream().filter(r -> r.get("daemon").equals("kswapd")).count());
        assertEquals(13, summary.at("/compaction/kswapd_wakes").asLong());
        assertEquals("capture: tracing on", csv("markers.csv").get(0).get("text"));
    }

    @Test
    void summaryHasTopologyFromZoneinfoAndFidelity() throws Exception {
        // before/zoneinfo: DMA32 min 410 low 512 high 614; managed 48272 (also the buddydump Z line)
        JsonNode dma32 = summary.at("/topology/zones/1");
        assertEquals("DMA32", dma32.get("zone").asText());
        assertEquals(410, dma32.get("watermark_min").asLong());
        assertEquals(614, dma32.get("watermark_high").asLong());
        assertEquals(48272, dma32.get("managed").asLong());
        assertEquals(9, summary.at("/topology/pageblock_order").asInt());
        assertTrue(summary.has("fidelity"));
        assertTrue(summary.at("/fidelity/pages_mismatched").asLong() <= 32, summary.at("/fidelity").toString());
        assertEquals(133204, summary.at("/events/by_name").properties().stream()
                .mapToLong(e -> e.getValue().asLong()).sum(), "meta.txt: 133204 event lines");
        JsonNode end = summary.at("/end_state/1");
        long pages = 0;
        for (int o = 0; o <= 10; o++) {
            pages += end.at("/nr_free/" + o).asLong() << o;
        }
        assertEquals(end.get("free_pages").asLong(), pages, "free_pages = sum of nr_free << order");
    }

    @Test
    void fidelityIsValidatesComparisonFromTheReplaysOwnModel() throws Exception {
        // the replay runs on past after/'s instants and checks each zone there on its one model; validate replays
        // to them on its own: same comparison. Naive (untraced paths off) for mismatches to agree on: validate
        // --naive says 30 pages (26 buddy), 3 extra blocks on this capture
        Path o = tmp.resolve("naive-out");
        new ReplayRun(TraceInput.of(bundle.toString()), new ReplayRun.Options(0, null, false)).run(o);
        JsonNode s = new ObjectMapper().readTree(o.resolve("summary.json").toFile());
        Validation.Result v = Validation.run(TraceInput.of(bundle.toString()), null, false, null);
        assertEquals(30, v.pagesMismatched);
        assertFidelityIsValidates(s, v);
        assertFidelityIsValidates(summary, Validation.run(TraceInput.of(bundle.toString()), null, true, null));
    }

    /** summary.json's fidelity is validate's result, every figure. */
    static void assertFidelityIsValidates(JsonNode summary, Validation.Result v) {
        JsonNode f = summary.get("fidelity");
        assertEquals(v.exact(), f.get("exact").asBoolean(), f.toString());
        assertEquals(v.pagesMismatched, f.get("pages_mismatched").asLong(), f.toString());
        assertEquals(v.freeBlocksMissing, f.get("free_blocks_missing").asLong(), f.toString());
        assertEquals(v.freeBlocksExtra, f.get("free_blocks_extra").asLong(), f.toString());
        assertEquals(v.pageblocksMismatched, f.get("pageblocks_mismatched").asLong(), f.toString());
        assertEquals(v.extfragIndexMaxError / 1000.0, f.get("extfrag_index_max_error").asDouble(), f.toString());
    }

    @Test
    void aBundleWithoutBuddydumpStartsFromKpageflags() throws Exception {
        Path copy = tmp.resolve("nodump");
        Files.createDirectories(copy.resolve("before"));
        Files.createSymbolicLink(copy.resolve("trace.txt.gz"), bundle.resolve("trace.txt.gz").toAbsolutePath());
        Files.createSymbolicLink(copy.resolve("after"), bundle.resolve("after").toAbsolutePath());
        for (String f : List.of("zoneinfo", "kpageflags.bin.gz", "pagetypeinfo", "buddyinfo")) {
            Files.copy(bundle.resolve("before").resolve(f), copy.resolve("before").resolve(f));
        }
        Path o = tmp.resolve("nodump-out");
        new ReplayRun(TraceInput.of(copy.toString()), new ReplayRun.Options(0, null, true)).run(o);
        JsonNode s = new ObjectMapper().readTree(o.resolve("summary.json").toFile());
        assertEquals("kpageflags", s.at("/start_state/from").asText());
        // the capture's marker "snapshot before read /proc/kpageflags" (meta.txt timeline: 10.730928)
        assertTrue(s.at("/start_state/notes").toString().contains("10.730928"), s.at("/start_state").toString());
        assertFidelityIsValidates(s, Validation.run(TraceInput.of(copy.toString()), null, true, null));
        // first sample: free blocks per order are the kernel's before/buddyinfo
        List<CSVRecord> rows;
        try (Reader r = Files.newBufferedReader(o.resolve("timeseries.csv"));
             CSVParser p = CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).build().parse(r)) {
            rows = p.getRecords();
        }
        String[] buddyinfo = kernelRow("buddyinfo", "DMA32");
        CSVRecord first = rows.stream().filter(r -> r.get("zone").equals("DMA32")).findFirst().orElseThrow();
        for (int k = 0; k <= 10; k++) {
            assertEquals(buddyinfo[k], first.get("nr_free_" + k));
        }
    }

    @Test
    void aBareTraceReplaysOnDefaultZonesWithUnknownPages() throws Exception {
        Path trace = tmp.resolve("bare.txt");
        Files.writeString(trace, "a-1 [000] ..... 1.000000: mm_page_alloc: page=0x1 pfn=0x2000 order=0 migratetype=1 "
                + "gfp_flags=GFP_HIGHUSER_MOVABLE\n"
                + "a-1 [000] ..... 1.000001: mm_page_free: page=0x1 pfn=0x2000 order=0\n");
        Path o = tmp.resolve("bare-out");
        new ReplayRun(TraceInput.of(trace.toString()), new ReplayRun.Options(0, null, true)).run(o);
        JsonNode s = new ObjectMapper().readTree(o.resolve("summary.json").toFile());
        assertEquals("x86-default", s.at("/start_state/from").asText());
        // highest pfn 0x2000 -> ZONE_DMA [1, 4096) and ZONE_DMA32 [4096, 0x2001): 4095 + 4097 = 8192 pages, of which
        // only pfn 0x2000 was touched by an event: 8191 / 8192 unknown
        assertEquals("DMA", s.at("/topology/zones/0/zone").asText());
        assertEquals(4097, s.at("/topology/zones/1/spanned").asLong());
        assertEquals(8191.0 / 8192, s.at("/unknown_fraction").asDouble(), 1e-9);
        assertFalse(s.has("fidelity"));
    }

    @Test
    void zonesAndMemFlagsGiveTheTopologyOfABareTrace() throws Exception {
        Path trace = tmp.resolve("bare2.txt");
        Files.writeString(trace, "a-1 [000] ..... 1.000000: mm_page_free: page=0x1 pfn=0x2000 order=0\n");
        Path o = tmp.resolve("zones-out");
        new ReplayRun(TraceInput.of(trace.toString()), new ReplayRun.Options(0, null, true, null, 0,
                new StartState.Topology(0, "DMA:0x1-0x1000,1/Normal:0x100000-0x140000"))).run(o);
        JsonNode s = new ObjectMapper().readTree(o.resolve("summary.json").toFile());
        assertEquals("zones-flag", s.at("/start_state/from").asText());
        assertEquals(1, s.at("/topology/zones/1/node").asInt());
        assertEquals(0x40000, s.at("/topology/zones/1/spanned").asLong());
        // --mem 1G: 2^30 / 4096 = 262144 pfns -> DMA [1, 4096) and DMA32 [4096, 262144) = 258048 pages
        Path o2 = tmp.resolve("mem-out");
        new ReplayRun(TraceInput.of(trace.toString()), new ReplayRun.Options(0, null, true, null, 0,
                new StartState.Topology(1L << 30, null))).run(o2);
        JsonNode s2 = new ObjectMapper().readTree(o2.resolve("summary.json").toFile());
        assertEquals(258048, s2.at("/topology/zones/1/spanned").asLong());
        TraceInputException e = assertThrows(TraceInputException.class, () -> new ReplayRun(
                TraceInput.of(bundle.toString()), new ReplayRun.Options(0, null, true, null, 0,
                new StartState.Topology(1L << 30, null))).run(tmp.resolve("never2")));
        assertTrue(e.getMessage().contains("without snapshots"), e.getMessage());
    }

    @Test
    void aBareTraceLearnsPageblockOrderFromExtfrag() throws Exception {
        Path trace = tmp.resolve("extfrag.txt");
        // an arm64-like build prints pageblock_order=10 in mm_page_alloc_extfrag (include/trace/events/kmem.h)
        Files.writeString(trace, "a-1 [000] ..... 1.000000: mm_page_alloc_extfrag: page=0x1 pfn=0x2400 alloc_order=0 "
                + "fallback_order=3 pageblock_order=10 alloc_migratetype=0 fallback_migratetype=1 fragmenting=1 "
                + "change_ownership=0\n");
        Path o = tmp.resolve("extfrag-out");
        new ReplayRun(TraceInput.of(trace.toString()), new ReplayRun.Options(0, null, true)).run(o);
        assertEquals(10, new ObjectMapper().readTree(o.resolve("summary.json").toFile())
                .at("/topology/pageblock_order").asInt());
    }

    @Test
    void aPfnBeyondWhatDefaultZonesModelIsAClearErrorAndWritesNothing() throws Exception {
        Path trace = tmp.resolve("huge.txt");
        Files.writeString(trace, "a-1 [000] ..... 1.000000: mm_page_free: page=0x1 pfn=0xffffffffff order=0\n");
        Path target = tmp.resolve("never");
        TraceInputException e = assertThrows(TraceInputException.class,
                () -> new ReplayRun(TraceInput.of(trace.toString()), new ReplayRun.Options(0, null, true)).run(target));
        assertTrue(e.getMessage().contains("before/zoneinfo"), e.getMessage());
        assertFalse(Files.exists(target));
    }

    @Test
    void pfnMapsAtTheStartSomeMarkersAndTheEnd() throws Exception {
        List<CSVRecord> maps = csv("pfnmaps.csv");
        // the start state is before/buddydump.txt's, whose latest L line is DMA32 10.729506
        assertEquals("start", maps.get(0).get("kind"));
        assertEquals("10.729506", maps.get(0).get("time_s"));
        CSVRecord end = maps.get(maps.size() - 1);
        assertEquals("end", end.get("kind"));
        assertEquals(summary.at("/input/last_s").asDouble(), Double.parseDouble(end.get("time_s")), 1e-6);
        long markers = maps.stream().filter(r -> r.get("kind").equals("marker")).count();
        assertTrue(markers >= 1 && markers <= 8, "markers " + markers);
        for (CSVRecord r : maps) {
            assertTrue(Files.size(out.resolve(r.get("file"))) > 1000, r.get("file"));
        }
        String html = Files.readString(out.resolve("report.html"));
        assertTrue(html.contains("<h2 id=\"physmem\">Physical memory</h2>"));
        assertTrue(html.contains("End of the replay (" + end.get("time_s") + " s)"));
    }
}
