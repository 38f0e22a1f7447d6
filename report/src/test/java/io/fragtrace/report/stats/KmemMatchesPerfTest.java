package io.fragtrace.report.stats;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * End to end against the real {@code perf kmem}: sample-traces/variants-fragment-thp-256M-k6.12 holds
 * {@code perf-script.txt.gz} and the outputs of perf 6.1's {@code perf kmem --page [--caller] [-s order,migtype,gfp]
 * stat} run on the perf.data of the same events (README.md there). Every expected number below is parsed from perf's
 * text files, not written by hand.
 *
 * <p>perf labels the migratetypes with a table older than Linux 4.4 (UNMOVABL, RECLAIM, MOVABLE, RESERVED, CMA/ISLT for
 * 0..4; its summary columns Unmovable, Reclaimable, Movable, Reserved, CMA/Isolated): the label's position in that
 * table is the kernel's raw number, which is what is compared here (perf's "RECLAIM" column is the kernel's 1,
 * movable; Fragtrace names it so).
 */
class KmemMatchesPerfTest {
    static final String BUNDLE = "variants-fragment-thp-256M-k6.12";
    static final List<String> PERF_MT = List.of("UNMOVABL", "RECLAIM", "MOVABLE", "RESERVED", "CMA/ISLT");
    static TraceStats s;
    static Path dir;

    @BeforeAll
    static void parse() throws Exception {
        dir = SampleCaptureStatsTest.bundle(BUNDLE);
        s = KmemMatchesPerfTestSupport.perfStats();
        assertEquals(0, s.report().badLines());
    }

    /** perf's "Total ... requests : N [ KB KB ]" lines. */
    static long[] summary(List<String> perf, String label) {
        Pattern p = Pattern.compile(Pattern.quote(label) + "\\s*:\\s*(\\d+)\\s+\\[\\s*(\\d+) KB \\]");
        for (String l : perf) {
            Matcher m = p.matcher(l);
            if (m.find()) {
                return new long[] {Long.parseLong(m.group(1)), Long.parseLong(m.group(2))};
            }
        }
        throw new AssertionError("perf output has no line " + label);
    }

    static void assertCount(long[] perf, TraceStats.Count ours, String what) {
        assertEquals(perf[0], ours.requests(), what + " requests");
        assertEquals(perf[1], KmemPageStat.kb(ours.pages()), what + " KB");
    }

    @Test
    void summaryEqualsPerf() throws IOException {
        List<String> perf = Files.readAllLines(dir.resolve("perf-kmem-page.txt"));
        KmemPageStat k = s.kmem();
        assertCount(summary(perf, "Total allocation requests"), k.allocationRequests(), "allocation");
        assertCount(summary(perf, "Total free requests"), k.freeRequests(), "free");
        assertCount(summary(perf, "Total alloc+freed requests"), k.allocFreed(), "alloc+freed");
        assertCount(summary(perf, "Total alloc-only requests"), k.allocOnly(), "alloc-only");
        assertCount(summary(perf, "Total free-only requests"), k.freeOnly(), "free-only");
        assertCount(summary(perf, "Total allocation failures"), k.failures(), "failures");
        // the three files print the same summary (sorting and --caller change only the rows)
        for (String f : List.of("perf-kmem-page-sort.txt", "perf-kmem-page-caller.txt", "perf-kmem-page-caller-sort.txt")) {
            List<String> other = Files.readAllLines(dir.resolve(f));
            assertEquals(summary(perf, "Total alloc-only requests")[0], summary(other, "Total alloc-only requests")[0], f);
        }
    }

    @Test
    void orderByMigratetypeTableEqualsPerf() throws IOException {
        List<String> perf = Files.readAllLines(dir.resolve("perf-kmem-page.txt"));
        int at = perf.indexOf(perf.stream().filter(l -> l.startsWith("Order ")).findFirst().orElseThrow());
        assertEquals(List.of("Order", "Unmovable", "Reclaimable", "Movable", "Reserved", "CMA/Isolated"),
                List.of(perf.get(at).trim().split("\\s+")));
        int rows = 0;
        for (String l : perf.subList(at + 2, perf.size())) {
            String[] f = l.trim().split("\\s+");
            if (f.length != 6) {
                break;
            }
            int order = Integer.parseInt(f[0]);
            for (int col = 0; col < 5; col++) { // column col = perf's migrate_type_str index = the kernel's number
                long expected = f[col + 1].equals(".") ? 0 : Long.parseLong(f[col + 1]);
                assertEquals(expected, s.kmem().orderMigratetype(order, col, false), "order " + order + " mt " + col);
            }
            rows++;
        }
        assertEquals(11, rows, "perf prints orders 0..10");
    }

    record PerfRow(long kb, long hits, int order, int mt, String gfp) {
    }

    /** The rows of a --caller table: KB | Hits | Order | Mig.type | GFP flags | Callsite. */
    static List<PerfRow> perfRows(String file) throws IOException {
        List<PerfRow> out = new ArrayList<>();
        // the gfp column holds '|' itself: " 83340 |     20835 |     0 |  RECLAIM | HUM|C|Z          | callsite"
        Pattern p = Pattern.compile("^\\s*(\\d+) \\|\\s+(\\d+) \\|\\s+(\\d+) \\|\\s+(\\S+) \\| (\\S+)\\s+\\| \\S+$");
        for (String l : Files.readAllLines(dir.resolve(file))) {
            Matcher m = p.matcher(l);
            if (m.matches()) {
                int mt = PERF_MT.indexOf(m.group(4));
                assertTrue(mt >= 0, l);
                out.add(new PerfRow(Long.parseLong(m.group(1)), Long.parseLong(m.group(2)),
                        Integer.parseInt(m.group(3)), mt, m.group(5)));
            }
        }
        assertEquals(16, out.size(), file);
        return out;
    }

    static List<PerfRow> ours(KmemSort sort, boolean live) {
        return s.kmem().rows(sort, live).stream().map(r -> new PerfRow(KmemPageStat.kb(r.pages()), r.requests(),
                r.order(), r.migratetypeSlot(), r.gfpCompact())).toList();
    }

    /** perf's default page sort is bytes,hit; rows equal on both come in perf's input order (ascending gfp value). */
    @Test
    void rowsInDefaultOrderEqualPerfCallerTable() throws IOException {
        assertEquals(perfRows("perf-kmem-page-caller.txt"), ours(KmemSort.DEFAULT, false));
    }

    /**
     * {@code -s order,migtype,gfp}: perf orders by the kernel's raw gfp value. The flag names are decoded with the
     * bit layout of the bundle's kernel (guest/uname.txt: 6.12), where GFP_NOWAIT also has __GFP_NOWARN (0x2800, perf's
     * legend in the same folder): the order-0 unmovable GFP_NOWAIT row (NW) comes just above GFP_KERNEL's (K, 0xcc0),
     * as perf prints it. With 6.1's composites (GFP_NOWAIT = 0x800) they would be swapped.
     */
    @Test
    void rowsSortedByOrderMigtypeGfpEqualPerf() throws IOException {
        List<PerfRow> perf = new ArrayList<>(perfRows("perf-kmem-page-caller-sort.txt"));
        List<PerfRow> ours = ours(KmemSort.parse("order,migtype,gfp"), false);
        assertEquals(nwIndex(perf) + 1, indexOf(perf, "K"), "perf: NW (0x2800) just above K (0xcc0)");
        assertEquals(perf, ours);
    }

    private static int nwIndex(List<PerfRow> rows) {
        return indexOf(rows, "NW");
    }

    private static int indexOf(List<PerfRow> rows, String gfp) {
        for (int i = 0; i < rows.size(); i++) {
            if (rows.get(i).gfp().equals(gfp) && rows.get(i).order() == 0 && rows.get(i).mt() == 0) {
                return i;
            }
        }
        throw new AssertionError(gfp);
    }

    /** perf's legend "# 00140cca:            HUM|C: GFP_HIGHUSER_MOVABLE|__GFP_COMP": the same abbreviations. */
    @Test
    void gfpLegendEqualsPerf() throws IOException {
        Set<List<String>> perf = new HashSet<>();
        Pattern p = Pattern.compile("^# [0-9a-f]{8}:\\s*(\\S+): (\\S+)$");
        for (String l : Files.readAllLines(dir.resolve("perf-kmem-page-caller.txt"))) {
            Matcher m = p.matcher(l);
            if (m.matches()) {
                perf.add(List.of(m.group(1), m.group(2)));
            }
        }
        assertEquals(15, perf.size());
        Set<List<String>> ours = new HashSet<>();
        s.kmem().legend().forEach(e -> ours.add(List.of(e.compact(), e.flags())));
        assertEquals(perf, ours);
    }

    /**
     * No perf --live output was captured; what perf --live prints follows from its non-live numbers: every
     * successful allocation adds one to order_stats and every matched free takes one off, so the live table sums to
     * alloc-only minus failures, and (frees here have their allocation's order) the live rows' KB to alloc-only KB
     * minus failure KB.
     */
    @Test
    void liveTablesAddUpToPerfsAllocOnly() throws IOException {
        List<String> perf = Files.readAllLines(dir.resolve("perf-kmem-page.txt"));
        long[] only = summary(perf, "Total alloc-only requests");
        long[] fail = summary(perf, "Total allocation failures");
        long cells = 0;
        for (int o = 0; o <= s.maxOrder(); o++) {
            for (int m = 0; m <= s.maxMigratetype(); m++) {
                cells += s.kmem().orderMigratetype(o, m, true);
            }
        }
        assertEquals(only[0] - fail[0], cells);
        List<PerfRow> live = ours(KmemSort.DEFAULT, true);
        assertEquals(only[0] - fail[0], live.stream().mapToLong(PerfRow::hits).sum());
        assertEquals(only[1] - fail[1], live.stream().mapToLong(PerfRow::kb).sum());
        assertEquals(0, s.kmem().liveRowMissing());
    }
}
