package io.fragtrace.report.html;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fragtrace.parser.Samples;
import io.fragtrace.parser.TraceInput;
import io.fragtrace.replay.Consistency;
import io.fragtrace.report.output.ReplayRun;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One source of truth, on a real capture (fragment-thp-256M replayed as `fragtrace replay` does): every number the
 * report tags with its summary.json / stats.json path equals that value of the Summary object that wrote
 * summary.json (and of stats.json), and the consistency line shows the contradictions and inferred paths summary.json
 * counts.
 */
class ReportNumbersTest {
    @TempDir
    static Path tmp;
    static JsonNode summary;
    static JsonNode stats;
    static String html;
    /** path → the text the page shows, for data-summary and data-stats spans. */
    static final Map<String, String> SHOWN = new HashMap<>();
    static final Map<String, String> SHOWN_STATS = new HashMap<>();
    static final Pattern TAG = Pattern.compile("<span data-(summary|stats)=\"([^\"]+)\"(?: data-scale=\"([^\"]+)\")?>"
            + "([^<]*)</span>");

    @BeforeAll
    static void replay() throws Exception {
        Path out = tmp.resolve("out");
        ReplayRun.Result r = new ReplayRun(TraceInput.of(Samples.bundle("fragment-thp-256M").toString()),
                new ReplayRun.Options(0, null, true)).run(out);
        summary = r.summary().json();
        stats = new ObjectMapper().readTree(out.resolve("stats.json").toFile());
        html = Files.readString(out.resolve(HtmlReport.FILE));
        Matcher m = TAG.matcher(html);
        while (m.find()) {
            (m.group(1).equals("summary") ? SHOWN : SHOWN_STATS).put(m.group(2) + "|" + m.group(3), m.group(4));
        }
    }

    static double shown(String text) {
        return Double.parseDouble(text.replace(",", ""));
    }

    static void check(JsonNode root, Map<String, String> shown) {
        for (Map.Entry<String, String> e : shown.entrySet()) {
            String[] k = e.getKey().split("\\|");
            double scale = k[1].equals("null") ? 1 : Double.parseDouble(k[1]);
            JsonNode v = Section.at(root, k[0]);
            assertTrue(v.isNumber(), k[0] + " is a number in the JSON");
            String text = e.getValue();
            int decimals = text.contains(".") ? text.length() - text.indexOf('.') - 1 : 0;
            assertEquals(v.asDouble() * scale, shown(text), 0.5 * Math.pow(10, -decimals), k[0]);
        }
    }

    @Test
    void everyTaggedNumberIsTheSummaryObjectsValue() {
        assertTrue(SHOWN.size() >= 20, "the summary's numbers are tagged: " + SHOWN.keySet());
        check(summary, SHOWN);
        check(stats, SHOWN_STATS);
        for (String p : new String[] {"events.applied", "events.skipped", "input.lines", "input.bad_lines",
            "input.lost_events", "consistency.contradictions", "fidelity.pages_mismatched", "compaction.passes",
            "compaction.migrated", "compaction.kswapd_wakes"}) {
            assertTrue(SHOWN.containsKey(p + "|null"), p + " shown");
        }
        assertTrue(SHOWN_STATS.containsKey("extfrag.fallbacks|null"), "extfrag.fallbacks shown");
    }

    @Test
    void consistencyShowsContradictionsAndInferredPathsAsSummaryJsonCountsThem() {
        JsonNode cons = summary.path("consistency");
        // the capture replays without a contradiction since the 6.1 fast search runs after the source free's drain
        // (docs/calibrate.md), and its untraced fast searches are counted as inferred paths (about 2,000)
        assertEquals(0, cons.path("contradictions").asLong());
        assertTrue(cons.path("by_kind").path("untraced_isolation").asLong() > 1000);
        assertFalse(html.contains("0 problems"));
        assertEquals(String.format(Locale.ROOT, "%,d", cons.path("contradictions").asLong()),
                SHOWN.get("consistency.contradictions|null"));
        long contradictions = 0;
        Iterator<Map.Entry<String, JsonNode>> it = cons.path("by_kind").fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            assertTrue(SHOWN.containsKey("consistency.by_kind." + e.getKey() + "|null"), e.getKey() + " shown");
            boolean c = Consistency.Kind.valueOf(e.getKey().toUpperCase(Locale.ROOT)).contradiction;
            contradictions += c ? e.getValue().asLong() : 0;
            // each kind sits in its row: contradictions, or inferred paths and counts
            int row = html.indexOf("data-summary=\"consistency.by_kind." + e.getKey() + "\"");
            int inferredRow = html.indexOf("inferred or counted, not contradictions");
            assertEquals(!c, row > inferredRow, e.getKey() + " in the right row");
        }
        assertEquals(cons.path("contradictions").asLong(), contradictions);
    }
}
