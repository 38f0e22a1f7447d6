package io.fragtrace.report.html;

import io.fragtrace.parser.CompactStatus;
import io.fragtrace.replay.compaction.CompactionContext;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The report of a folder made from a real capture (fragment-thp-256M): the compaction, daemon and allocation
 * charts' CSVs against what CompactionTracker and the stats collector read from the trace itself, and the fixture's
 * index formulas against the kernel's own extfrag_index and unusable_index of the after/ snapshot.
 */
class SampleCaptureReportTest {
    static final String NAME = "fragment-thp-256M";
    @TempDir
    static Path tmp;
    static Path folder;
    static ReplayFixture.SampleParts parts;

    @BeforeAll
    static void render() throws Exception {
        folder = tmp.resolve(NAME);
        parts = ReplayFixture.fromSample(NAME, folder, null);
        HtmlReport.write(folder);
    }

    @Test
    void outcomesAreTheTrackersCounts() throws Exception {
        Map<String, Long> got = new HashMap<>();
        for (CSVRecord r : Csv.read(folder.resolve("compaction_outcomes.csv"))) {
            got.put(r.get("context") + " " + r.get("status"), Long.parseLong(r.get("passes")));
        }
        Map<String, Long> expected = new HashMap<>();
        for (CompactionContext c : CompactionContext.values()) {
            for (CompactStatus s : CompactStatus.values()) {
                if (parts.tracker().passes(c, s) > 0) {
                    expected.put(c + " " + s, parts.tracker().passes(c, s));
                }
            }
        }
        assertEquals(expected, got);
        assertTrue(parts.tracker().passes() > 0);
        List<CSVRecord> lat = Csv.read(folder.resolve("compaction_latency.csv"));
        assertEquals("ALL", lat.get(lat.size() - 1).get("context"));
        assertEquals(parts.tracker().passes(), (long) Csv.d(lat.get(lat.size() - 1), "passes"));
        long success = 0;
        long passes = 0;
        for (CSVRecord r : Csv.read(folder.resolve("compaction_success.csv"))) {
            success += (long) Csv.d(r, "succeeded");
            passes += (long) Csv.d(r, "passes");
        }
        assertEquals(parts.tracker().passes(), passes);
        long trackerSuccess = 0;
        for (CompactionContext c : CompactionContext.values()) {
            trackerSuccess += parts.tracker().passes(c, CompactStatus.SUCCESS);
        }
        assertEquals(trackerSuccess, success);
    }

    @Test
    void daemonWakesAreTheTrackersCounts() throws Exception {
        Map<String, CSVRecord> act = new HashMap<>();
        for (CSVRecord r : Csv.read(folder.resolve("daemon_activity.csv"))) {
            act.put(r.get("daemon"), r);
        }
        assertEquals(parts.tracker().kswapdWakes(), (long) Csv.d(act.get("kswapd"), "wakes"));
        long kc = parts.tracker().kcompactdWakes();
        assertEquals(kc, act.containsKey("kcompactd") ? (long) Csv.d(act.get("kcompactd"), "wakes") : 0);
    }

    @Test
    void allocationsByOrderAreTheTraceStats() throws Exception {
        for (CSVRecord r : Csv.read(folder.resolve("alloc_by_order.csv"))) {
            int o = Integer.parseInt(r.get("order"));
            assertEquals(parts.stats().allocations(o).requests(), Long.parseLong(r.get("alloc_requests")), "order " + o);
            assertEquals(parts.stats().allocations(o).pages(), Long.parseLong(r.get("alloc_pages")));
            assertEquals(parts.stats().failures(o), Long.parseLong(r.get("failures")));
            assertEquals(parts.stats().frees(o).requests(), Long.parseLong(r.get("free_requests")));
        }
    }

    @Test
    void markersAreTheTracesMarkers() throws Exception {
        List<CSVRecord> m = Csv.read(folder.resolve("markers.csv"));
        // meta.txt of the capture: 46 tracing_mark_write events
        assertEquals(46, m.size());
        String html = Files.readString(folder.resolve("report.html"));
        assertTrue(html.contains(Page.esc(m.get(45).get("text"))));
    }

    /** The fixture ends at the after/ snapshot's free lists: its indexes must be what the kernel printed there. */
    @Test
    void endOfRunIndexesEqualTheKernelsOwnFiles() throws Exception {
        Path after = ReplayFixture.samples().resolve(NAME).resolve("after");
        for (String kind : List.of("extfrag_index", "unusable_index")) {
            String prefix = kind.equals("extfrag_index") ? "frag_index_0_" : "unusable_index_0_";
            for (String line : Files.readAllLines(after.resolve(kind))) {
                String[] f = line.trim().split("\\s+");
                String zone = f[3];
                List<CSVRecord> rows = Csv.read(folder.resolve(prefix + zone + ".csv"));
                CSVRecord last = rows.get(rows.size() - 1);
                for (int o = 0; o <= 10; o++) {
                    assertEquals(Double.parseDouble(f[4 + o]), Csv.d(last, "order_" + o), 0, kind + " " + zone + " " + o);
                }
            }
        }
    }
}
