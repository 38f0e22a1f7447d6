package io.fragtrace.report.stats;

import io.fragtrace.parser.ParseReport;
import io.fragtrace.parser.TraceParser;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static io.fragtrace.report.stats.StatsCollectorTest.P;
import static io.fragtrace.report.stats.StatsCollectorTest.l;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Who put unmovable or reclaimable pages into movable pageblocks, on hand-made traces (line numbers counted by hand). */
class ExtfragPollutionTest {
    static String xf(int allocOrder, int fallbackOrder, int allocMt, int fallbackMt, int fragmenting, int owner) {
        return P + "pfn=0x1000 alloc_order=" + allocOrder + " fallback_order=" + fallbackOrder + " pageblock_order=9"
                + " alloc_migratetype=" + allocMt + " fallback_migratetype=" + fallbackMt + " fragmenting=" + fragmenting
                + " change_ownership=" + owner;
    }

    static TraceStats parse(String trace) {
        StatsCollector c = new StatsCollector();
        ParseReport r = new TraceParser().parse(new ByteArrayInputStream(trace.getBytes(StandardCharsets.UTF_8)), "p", c);
        assertEquals(0, r.badLines());
        return c.finish(r);
    }

    static final String TRACE = "# tracer: nop\n" // line 1
            + l("w", 5, 1, "1.000000", "mm_page_alloc_extfrag", xf(0, 10, 0, 1, 0, 1)) // 2: unmovable from movable
            + l("x", 6, 0, "1.000001", "mm_page_alloc", P + "pfn=0x5 order=0 migratetype=0 gfp_flags=GFP_ATOMIC") // other CPU
            + l("w", 5, 1, "1.000002", "mm_page_alloc", P + "pfn=0x6 order=0 migratetype=1 gfp_flags=GFP_HIGHUSER_MOVABLE")
            + l("w", 5, 1, "1.000003", "mm_page_alloc", P + "pfn=0x7 order=0 migratetype=0 gfp_flags=GFP_NOFS") // serves 2
            + l("w", 5, 1, "1.000004", "mm_page_alloc_extfrag", xf(1, 3, 2, 1, 1, 0)) // 6: reclaimable from movable
            + l("w", 5, 1, "1.000005", "mm_page_alloc_extfrag", xf(9, 9, 1, 0, 0, 1)) // 7: movable from unmovable: no
            + l("w", 5, 1, "1.000006", "mm_page_alloc_extfrag", xf(0, 4, 0, 2, 1, 0)) // 8: unmovable from reclaimable: no
            + l("w", 5, 1, "1.000007", "mm_page_alloc", P + "pfn=0x8 order=1 migratetype=2 "
                    + "gfp_flags=GFP_KERNEL|__GFP_RECLAIMABLE") // serves 6
            + l("y", 7, 0, "3.000000", "mm_page_alloc_extfrag", xf(0, 10, 0, 1, 0, 1)) // 10: no allocation within 1 s
            + l("y", 7, 0, "4.500000", "mm_page_alloc", P + "pfn=0x9 order=0 migratetype=0 gfp_flags=GFP_KERNEL");

    @Test
    void whoPolluted() {
        TraceStats s = parse(TRACE);
        ExtfragPollution p = s.extfragPollution();
        assertEquals(3, p.total());
        List<ExtfragPollution.Event> ev = p.events();
        assertEquals(3, ev.size());
        ExtfragPollution.Event a = ev.get(0);
        assertEquals(2, a.line());
        assertEquals(1_000_000_000L, a.timeNs());
        assertEquals("w", a.comm());
        assertEquals(5, a.pid());
        assertEquals(0, a.order());
        assertEquals("unmovable", TraceStats.migratetypeName(a.allocSlot()));
        assertEquals("movable", TraceStats.migratetypeName(a.fallbackSlot()));
        assertFalse(a.fragmenting(), "fallback_order 10 ≥ pageblock_order 9");
        assertTrue(a.changeOwnership());
        assertEquals("GFP_NOFS", a.gfp(), "not the other CPU's GFP_ATOMIC, not the same task's movable allocation");
        ExtfragPollution.Event b = ev.get(1);
        assertEquals(6, b.line());
        assertEquals(1, b.order());
        assertEquals("reclaimable", TraceStats.migratetypeName(b.allocSlot()));
        assertTrue(b.fragmenting(), "fallback_order 3 < 9");
        assertFalse(b.changeOwnership());
        assertEquals("GFP_KERNEL|__GFP_RECLAIMABLE", b.gfp());
        ExtfragPollution.Event c = ev.get(2);
        assertEquals(10, c.line());
        assertEquals("y", c.comm());
        assertNull(c.gfp(), "the allocation 1.5 s later is not the one it served");
        assertEquals(List.of(new ExtfragPollution.Task("w", 5, 2, 0), new ExtfragPollution.Task("y", 7, 1, 0)), p.byTask());
        assertTrue(p.byTaskExact());
        // all five fallbacks are in the totals as before
        assertEquals(5, s.extfragFallbacks());
    }

    @Test
    void textNamesThePolluters() {
        String text = StatsText.render(parse(TRACE), 10);
        assertTrue(text.contains("Who polluted movable pageblocks"), text);
        assertTrue(text.contains("polluting fallbacks: 3"), text);
        assertTrue(text.lines().anyMatch(x -> x.matches("\\s+w\\s+5\\s+2")), text);
        assertTrue(text.lines().anyMatch(x -> x.contains("1.000000") && x.contains("0 unmovable -> 1 movable")
                && x.endsWith("GFP_NOFS")), text);
    }

    /** Bounded memory: 1,000 events kept, tasks in 1,024 Space-Saving counters. */
    @Test
    void boundedWithManyTasks() {
        StringBuilder t = new StringBuilder("# tracer: nop\n");
        for (int i = 0; i < 1100; i++) {
            t.append(l("t", 1000 + i, 0, String.format(java.util.Locale.ROOT, "%d.%06d", 1 + i / 1000, i % 1000),
                    "mm_page_alloc_extfrag", xf(0, 10, 0, 1, 0, 1)));
        }
        for (int i = 0; i < 5; i++) {
            t.append(l("hot", 7, 1, "9.00000" + i, "mm_page_alloc_extfrag", xf(0, 10, 2, 1, 0, 1)));
        }
        ExtfragPollution p = parse(t.toString()).extfragPollution();
        assertEquals(1105, p.total());
        assertEquals(1000, p.events().size());
        assertFalse(p.byTaskExact());
        assertEquals(50, p.byTask().size());
        ExtfragPollution.Task top = p.byTask().get(0);
        assertEquals("hot", top.comm());
        // Space-Saving: count ≥ the true 5 and count − error ≤ 5
        assertTrue(top.count() >= 5 && top.count() - top.error() <= 5, top.toString());
    }
}
