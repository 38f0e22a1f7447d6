package io.fragtrace.report.stats;

import io.fragtrace.parser.ParseReport;
import io.fragtrace.parser.TraceParser;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static io.fragtrace.report.stats.StatsCollectorTest.P;
import static io.fragtrace.report.stats.StatsCollectorTest.l;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * perf kmem's page-stat definitions (tools/perf/builtin-kmem.c) on a hand-made trace, each number worked out by hand
 * next to its assertion: evsel__process_page_alloc_event counts every mm_page_alloc (a failed one too) and keeps the
 * first allocation of a live pfn; evsel__process_page_free_event matches frees by pfn only and, in --live form,
 * takes one off the free's order; print_page_summary derives alloc+freed and alloc-only.
 */
class KmemPageStatTest {
    static final String TRACE = "# tracer: nop\n"
            + l("a", 1, 0, "1.000000", "mm_page_alloc", P + "pfn=0x100 order=0 migratetype=1 gfp_flags=GFP_HIGHUSER_MOVABLE")
            + l("a", 1, 0, "1.000001", "mm_page_alloc", P + "pfn=0x200 order=2 migratetype=0 gfp_flags=GFP_KERNEL")
            // 0x100 again while live: perf's live node keeps migratetype 1 and GFP_HIGHUSER_MOVABLE
            + l("a", 1, 0, "1.000002", "mm_page_alloc", P + "pfn=0x100 order=0 migratetype=0 gfp_flags=GFP_KERNEL")
            + l("b", 2, 1, "1.000003", "mm_page_alloc", "page=(null) pfn=0x0 order=3 migratetype=0 gfp_flags=GFP_KERNEL")
            + l("b", 2, 1, "1.000004", "mm_page_free", P + "pfn=0x100 order=0") // matched (live node removed)
            + l("b", 2, 1, "1.000005", "mm_page_free", P + "pfn=0x100 order=0") // no live node: free-only
            + l("b", 2, 1, "1.000006", "mm_page_free", P + "pfn=0x200 order=1") // matched, with another order
            + l("b", 2, 1, "1.000007", "mm_page_free", P + "pfn=0x999 order=3") // free-only
            + l("b", 2, 1, "1.000008", "mm_page_free_batched", P + "pfn=0x100 order=0"); // perf does not read it
    static KmemPageStat k;

    @BeforeAll
    static void parse() {
        StatsCollector c = new StatsCollector();
        ParseReport r = new TraceParser().parse(new ByteArrayInputStream(TRACE.getBytes(StandardCharsets.UTF_8)), "k", c);
        assertEquals(0, r.badLines());
        k = c.finish(r).kmem();
    }

    @Test
    void summary() {
        // 4 mm_page_alloc, the failed one included: pages 1 + 4 + 1 + 8 = 14 (KB 56)
        assertEquals(new TraceStats.Count(4, 14), k.allocationRequests());
        assertEquals(56, KmemPageStat.kb(k.allocationRequests().pages()));
        // 4 mm_page_free (the batched event is not one): pages 1 + 1 + 2 + 8 = 12
        assertEquals(new TraceStats.Count(4, 12), k.freeRequests());
        // unmatched: the second free of 0x100 (1 page) and 0x999 (8 pages)
        assertEquals(new TraceStats.Count(2, 9), k.freeOnly());
        // alloc+freed = frees − free-only = 2 requests, 12 − 9 = 3 pages (the 0x200 free counts its own order 1)
        assertEquals(new TraceStats.Count(2, 3), k.allocFreed());
        // alloc-only = 4 − 2 = 2 requests, 14 − 3 = 11 pages
        assertEquals(new TraceStats.Count(2, 11), k.allocOnly());
        assertEquals(new TraceStats.Count(1, 8), k.failures());
    }

    @Test
    void orderByMigratetype() {
        // successful allocations: (0, movable), (2, unmovable), (0, unmovable)
        assertEquals(1, k.orderMigratetype(0, 1, false));
        assertEquals(1, k.orderMigratetype(2, 0, false));
        assertEquals(1, k.orderMigratetype(0, 0, false));
        assertEquals(0, k.orderMigratetype(3, 0, false), "a failure is not in the table");
        // --live: the 0x100 free takes (0, movable: the live node's) off; the 0x200 free takes (1, unmovable) off
        // (the free's order, as perf does), leaving (2, unmovable) and making (1, unmovable) −1
        assertEquals(0, k.orderMigratetype(0, 1, true));
        assertEquals(1, k.orderMigratetype(0, 0, true));
        assertEquals(1, k.orderMigratetype(2, 0, true));
        assertEquals(-1, k.orderMigratetype(1, 0, true));
    }

    static List<String> rows(String sort, boolean live) {
        return k.rows(KmemSort.parse(sort), live).stream()
                .map(r -> r.order() + "/" + r.migratetypeSlot() + "/" + r.gfpCompact() + "/" + r.requests() + "/"
                        + r.pages()).toList();
    }

    @Test
    void rowsAndSortKeys() {
        // bytes,hit: (2,0,K) has 4 pages; (0,0,K) and (0,1,HUM) tie at 1 page 1 hit: perf's input order, mt 0 first
        assertEquals(List.of("2/0/K/1/4", "0/0/K/1/1", "0/1/HUM/1/1"), rows("bytes,hit", false));
        // migtype: movable (1) first; the two unmovable rows tie: order 0 before order 2 (input order)
        assertEquals(List.of("0/1/HUM/1/1", "0/0/K/1/1", "2/0/K/1/4"), rows("migtype", false));
        // order,gfp: order 2 first; in order 0, GFP_HIGHUSER_MOVABLE (0x2100cca as decoded) above GFP_KERNEL (0xcc0)
        assertEquals(List.of("2/0/K/1/4", "0/1/HUM/1/1", "0/0/K/1/1"), rows("order,gfp", false));
        // hit,order: all hits 1; order 2 first, then the two order-0 rows in input order (migratetype 0 first)
        assertEquals(List.of("2/0/K/1/4", "0/0/K/1/1", "0/1/HUM/1/1"), rows("hit,order", false));
        // --live: (0,1,HUM) went to 0 and is left out; the order-1 free of 0x200 found no (1,0,K) row
        assertEquals(List.of("2/0/K/1/4", "0/0/K/1/1"), rows("bytes,hit", true));
        assertEquals(1, k.liveRowMissing());
    }

    @Test
    void sortKeysAreChecked() {
        assertEquals("order,migtype,gfp,bytes,hit", KmemSort.parse("order,migtype,gfp,bytes,hit").toString());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> KmemSort.parse("callsite"));
        assertTrue(e.getMessage().contains("stack traces"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> KmemSort.parse("bytes,"));
        assertThrows(IllegalArgumentException.class, () -> KmemSort.parse("frag"));
    }

    @Test
    void legendListsEachFlagsOnceLowestValueFirst() {
        assertEquals(List.of(new KmemPageStat.LegendEntry("K", "GFP_KERNEL"),
                new KmemPageStat.LegendEntry("HUM", "GFP_HIGHUSER_MOVABLE")), k.legend());
    }

    /** perf's gfp_compact_table, including its unknown-name dropping and its duplicate letters. */
    @Test
    void gfpCompactAsPerf() {
        // the abbreviations perf printed in sample-traces/variants-fragment-thp-256M-k6.12/perf-kmem-page-caller.txt
        assertEquals("I|F|NWR|NR|C|NMA", GfpCompact.of("__GFP_IO|__GFP_FS|__GFP_NOWARN|__GFP_NORETRY|__GFP_COMP|__GFP_NOMEMALLOC"));
        assertEquals("THP|NR|TN", GfpCompact.of("GFP_TRANSHUGE|__GFP_NORETRY|__GFP_THISNODE"));
        assertEquals("NF|NF", GfpCompact.of("GFP_NOFS|__GFP_NOFAIL"));
        assertEquals("K", GfpCompact.of("GFP_KERNEL|__GFP_SKIP_KASAN"), "names outside perf's table are dropped");
        assertEquals("0x140cca", GfpCompact.of("0x140cca"), "where perf prints (null), the flags as printed");
    }

    /** A hostile trace with more distinct gfp strings than rows kept: the rest are one {@code <other>} row. */
    @Test
    void rowsAreBounded() {
        StringBuilder t = new StringBuilder("# tracer: nop\n");
        // 35,000 gfp strings (below the parser's 65,536), each at two of 3 orders × 2 migratetypes: 70,000 rows wanted
        int n = 70_000;
        for (int i = 0; i < n; i++) {
            t.append(l("a", 1, 0, "1.000000", "mm_page_alloc", P + "pfn=0x" + Integer.toHexString(0x100000 + 8 * i)
                    + " order=" + (i % 3) + " migratetype=" + (i % 2) + " gfp_flags=GFP_KERNEL|0x"
                    + Integer.toHexString(0x100000 + i / 2)));
        }
        StatsCollector c = new StatsCollector();
        ParseReport r = new TraceParser().parse(new ByteArrayInputStream(t.toString().getBytes(StandardCharsets.UTF_8)), "h", c);
        List<KmemPageStat.Row> rows = c.finish(r).kmem().rows(KmemSort.DEFAULT, false);
        // MAX_ROWS rows, then one <other> row per (order, migratetype): 6
        assertEquals(KmemPageStat.MAX_ROWS + 6, rows.size());
        assertEquals(6, rows.stream().filter(x -> x.gfpFlags().equals("<other>")).count());
        assertEquals(n, rows.stream().mapToLong(KmemPageStat.Row::requests).sum());
    }
}
