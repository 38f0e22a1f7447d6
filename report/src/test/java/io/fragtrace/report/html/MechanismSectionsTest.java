package io.fragtrace.report.html;

import io.fragtrace.parser.Samples;
import io.fragtrace.parser.TraceInput;
import io.fragtrace.report.output.ReplayRun;
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
 * The reserves and page reporting sections of a real capture's report (fragment-thp-256M replayed as `fragtrace
 * replay` does), against the kernel's own watermarks in before/zoneinfo: DMA min 34, low 42, high 50; DMA32 min 410,
 * low 512, high 614 (boost 0).
 */
class MechanismSectionsTest {
    @TempDir
    static Path tmp;
    static Path out;
    static String html;

    @BeforeAll
    static void replay() throws Exception {
        out = tmp.resolve("out");
        new ReplayRun(TraceInput.of(Samples.bundle("fragment-thp-256M").toString()),
                new ReplayRun.Options(0, null, true)).run(out);
        html = Files.readString(out.resolve(HtmlReport.FILE));
    }

    @Test
    void reservesTableHasEachZonesOwnWatermarks() throws Exception {
        Map<String, CSVRecord> byZone = new HashMap<>();
        for (CSVRecord r : Csv.read(out.resolve("reserves.csv"))) {
            byZone.put(r.get("zone"), r);
        }
        assertEquals(34, Csv.d(byZone.get("0 DMA"), "min"));
        assertEquals(42, Csv.d(byZone.get("0 DMA"), "low"));
        assertEquals(50, Csv.d(byZone.get("0 DMA"), "high"));
        assertEquals(410, Csv.d(byZone.get("0 DMA32"), "min"));
        assertEquals(614, Csv.d(byZone.get("0 DMA32"), "high"));
    }

    @Test
    void headroomIsFreePagesMinusMinWithLowAndHighAsOffsets() throws Exception {
        // per zone: low - min and high - min as lines (DMA 8 and 16, DMA32 102 and 204), and the headroom at every
        // sample = timeseries.csv free_pages - min
        check("0_DMA", "DMA", 34, 8, 16);
        check("0_DMA32", "DMA32", 410, 102, 204);
    }

    private static void check(String key, String zone, double min, double low, double high) throws Exception {
        List<CSVRecord> rows = Csv.read(out.resolve("headroom_" + key + ".csv"));
        List<CSVRecord> ts = Csv.read(out.resolve("timeseries.csv")).stream()
                .filter(r -> r.get("zone").equals(zone)).toList();
        assertEquals(ts.size(), rows.size());
        assertTrue(rows.size() > 10);
        for (int i = 0; i < rows.size(); i++) {
            assertEquals(low, Csv.d(rows.get(i), "low"), zone);
            assertEquals(high, Csv.d(rows.get(i), "high"), zone);
            assertEquals(Csv.d(ts.get(i), "free_pages") - min, Csv.d(rows.get(i), "free_above_min"), zone);
        }
    }

    @Test
    void aSmallGuestIsNeverReported() {
        // 256 MiB, a 2.5 s trace: the one pass runs 2 s after the first event, when DMA32 has about 8,600 free pages
        // (timeseries.csv), not more than low + (32 << 9) = 512 + 16384; a later request would run after the trace
        // ends. DMA (3,840 managed pages) can never pass 42 + 16384. Both zones say so in a sentence.
        assertTrue(html.contains("node 0 DMA32: nothing reported"), "DMA32 sentence");
        assertTrue(html.contains("node 0 DMA: nothing reported"), "DMA sentence");
    }
}
