package io.fragtrace.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static io.fragtrace.cli.StatsCommandTest.run;
import static io.fragtrace.cli.StatsCommandTest.samples;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code fragtrace stats --sort / --live} on perf-script.txt.gz of sample-traces/variants-fragment-thp-256M-k6.12,
 * whose perf.data gave perf-kmem-page*.txt in the same folder: the figures below are perf's.
 */
class StatsKmemCommandTest {
    static String perfScript() {
        return samples().resolve("variants-fragment-thp-256M-k6.12/perf-script.txt.gz").toString();
    }

    @Test
    void summaryAndRowsAsPerfPrintsThem() {
        StatsCommandTest.Run r = run("stats", perfScript(), "-q", "--sort", "order,migtype,gfp");
        assertEquals(0, r.exit(), r.err());
        String out = r.out();
        // perf-kmem-page.txt: "Total alloc+freed requests    :            23199   [           177024 KB ]"
        assertTrue(out.lines().anyMatch(l -> l.matches("\\s+alloc\\+freed .*\\s+23199\\s+177024")), out);
        assertTrue(out.lines().anyMatch(l -> l.matches("\\s+alloc-only .*\\s+2288\\s+9248")), out);
        assertTrue(out.lines().anyMatch(l -> l.matches("\\s+free-only .*\\s+3734\\s+15028")), out);
        assertTrue(out.contains("sorted by order,migtype,gfp"), out);
        // perf-kmem-page-caller-sort.txt, first row: "22528 | 11 | 9 |  RECLAIM | THP|NR|TN" (RECLAIM = the kernel's 1)
        List<String> rows = out.lines().dropWhile(l -> !l.startsWith("Allocations by order, migratetype and gfp"))
                .skip(2).limit(1).toList();
        assertEquals(List.of("     22528     11      9  1 movable      THP|NR|TN"), rows);
        assertTrue(out.contains("GFP flags legend"), out);
        assertTrue(out.lines().anyMatch(l -> l.matches("\\s+HUM\\|C\\|Z\\s+GFP_HIGHUSER_MOVABLE\\|__GFP_COMP\\|__GFP_ZERO")), out);
    }

    @Test
    void liveAddsUpToPerfsAllocOnly() throws Exception {
        StatsCommandTest.Run r = run("stats", perfScript(), "-q", "--live", "--json", "-");
        assertEquals(0, r.exit(), r.err());
        JsonNode j = new ObjectMapper().readTree(r.out());
        long req = 0;
        long kb = 0;
        for (JsonNode row : j.at("/kmem/live/rows")) {
            req += row.get("requests").asLong();
            kb += row.get("kb").asLong();
        }
        // perf-kmem-page.txt: alloc-only 2288 requests, 9248 KB; no failures
        assertEquals(2288, req);
        assertEquals(9248, kb);
        assertEquals(2288, j.at("/kmem/alloc_only/requests").asLong());
        assertEquals(List.of("bytes", "hit"), List.of(j.at("/kmem/sort/0").asText(), j.at("/kmem/sort/1").asText()));
        assertEquals(2, j.at("/extfrag/pollution_total").asLong());
        assertEquals("work", j.at("/extfrag/pollution_by_task/0/comm").asText());
        StatsCommandTest.Run text = run("stats", perfScript(), "-q", "--live");
        assertTrue(text.out().contains("still live at the end by order and migratetype (--live)"), text.out());
        assertTrue(text.out().contains("LIVE KB"), text.out());
    }

    @Test
    void unknownSortKeyIsOneLine() {
        StatsCommandTest.Run r = run("stats", perfScript(), "-q", "--sort", "bytes,callsite");
        assertEquals(2, r.exit());
        assertEquals(1, r.errLines().size(), r.err());
        assertTrue(r.err().contains("callsite") && r.err().contains("stack traces"), r.err());
        assertFalse(r.err().contains("Exception"), r.err());
        assertEquals("", r.out());
    }

    @Test
    void helpSaysWhatATraceCannotGive() {
        StatsCommandTest.Run r = run("stats", "--help");
        assertEquals(0, r.exit());
        assertTrue(r.out().contains("perf kmem --page stat"), r.out());
        assertTrue(r.out().contains("stack traces"), r.out());
        assertTrue(r.out().contains("--sort") && r.out().contains("--live"), r.out());
        assertFalse(r.out().contains("perf kmem stat --page"), r.out());
    }

    @Test
    void readmeUsesPerfsSyntax() throws Exception {
        String readme = Files.readString(Path.of("..", "README.md"));
        assertFalse(readme.contains("perf kmem stat --page"), "perf kmem options go before the subcommand");
        assertTrue(readme.contains("perf kmem --page stat"));
    }
}
