package io.fragtrace.report.stats;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fragtrace.parser.CompactStatus;
import io.fragtrace.parser.MigrateReason;
import io.fragtrace.parser.ParseReport;
import io.fragtrace.parser.TraceParser;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A small hand-written trace whose every number is worked out by hand in the comments next to the assertions.
 */
class StatsCollectorTest {
    static final String P = "page=00000000deadbeef ";
    static TraceStats s;

    static String l(String comm, int pid, int cpu, String ts, String event, String body) {
        return String.format(Locale.ROOT, "%16s-%-7d [%03d] ..... %12s: %s: %s%n", comm, pid, cpu, ts, event, body);
    }

    static final String TRACE = "# tracer: nop\n#\n# entries-in-buffer/entries-written: 40/42   #P:2\n#\n"
            // allocations
            + l("a", 1, 0, "1.000000", "mm_page_alloc", P + "pfn=0x100 order=0 migratetype=1 gfp_flags=GFP_HIGHUSER_MOVABLE")
            + l("a", 1, 0, "1.000001", "mm_page_alloc", P + "pfn=0x200 order=2 migratetype=0 gfp_flags=GFP_KERNEL")
            + l("a", 1, 0, "1.000002", "mm_page_alloc", P + "pfn=0x400 order=9 migratetype=1 gfp_flags=GFP_TRANSHUGE")
            + l("b", 2, 1, "1.000003", "mm_page_alloc", P + "pfn=0x101 order=0 migratetype=1 gfp_flags=GFP_HIGHUSER_MOVABLE")
            + l("b", 2, 1, "1.000004", "mm_page_alloc", "page=(null) pfn=0x0 order=9 migratetype=1 gfp_flags=GFP_TRANSHUGE")
            + l("b", 2, 1, "1.000005", "mm_page_alloc", "page=0000000000000000 pfn=0 order=3 migratetype=0 gfp_flags=GFP_KERNEL")
            // frees
            + l("b", 2, 1, "1.000010", "mm_page_free", P + "pfn=0x100 order=0")
            + l("b", 2, 1, "1.000011", "mm_page_free_batched", P + "pfn=0x100 order=0")
            + l("b", 2, 1, "1.000012", "mm_page_free", P + "pfn=0x200 order=2")
            + l("b", 2, 1, "1.000013", "mm_page_free", P + "pfn=0x900 order=1")
            + l("c", 3, 0, "1.000014", "mm_page_free_batched", P + "pfn=0x950 order=0")
            + l("a", 1, 0, "1.000015", "mm_page_free", P + "pfn=0x401 order=0")
            + l("c", 3, 0, "1.000016", "mm_page_alloc", P + "pfn=0x100 order=0 migratetype=1 gfp_flags=GFP_HIGHUSER_MOVABLE")
            + l("c", 3, 0, "1.000017", "mm_page_alloc", P + "pfn=0x101 order=0 migratetype=1 gfp_flags=GFP_HIGHUSER_MOVABLE")
            // per-CPU lists
            + l("a", 1, 0, "1.000020", "mm_page_alloc_zone_locked", P + "pfn=0x100 order=0 migratetype=1 percpu_refill=1")
            + l("a", 1, 0, "1.000021", "mm_page_alloc_zone_locked", P + "pfn=0x400 order=9 migratetype=1 percpu_refill=1")
            + l("a", 1, 0, "1.000022", "mm_page_alloc_zone_locked", P + "pfn=0x800 order=3 migratetype=0 percpu_refill=0")
            + l("a", 1, 0, "1.000023", "mm_page_pcpu_drain", P + "pfn=0x100 order=0 migratetype=1")
            + l("a", 1, 0, "1.000024", "mm_page_pcpu_drain", P + "pfn=0x200 order=2 migratetype=0")
            // extfrag
            + l("a", 1, 0, "1.000030", "mm_page_alloc_extfrag", P + "pfn=0x1000 alloc_order=0 fallback_order=2 "
                    + "pageblock_order=9 alloc_migratetype=0 fallback_migratetype=1 fragmenting=1 change_ownership=0")
            + l("a", 1, 0, "1.000031", "mm_page_alloc_extfrag", P + "pfn=0x1200 alloc_order=0 fallback_order=3 "
                    + "pageblock_order=9 alloc_migratetype=0 fallback_migratetype=1 fragmenting=1 change_ownership=1")
            + l("a", 1, 0, "1.000032", "mm_page_alloc_extfrag", P + "pfn=0x1400 alloc_order=0 fallback_order=4 "
                    + "pageblock_order=9 alloc_migratetype=1 fallback_migratetype=0 fragmenting=1 change_ownership=0")
            + l("a", 1, 0, "1.000033", "mm_page_alloc_extfrag", P + "pfn=0x1600 alloc_order=9 fallback_order=10 "
                    + "pageblock_order=9 alloc_migratetype=1 fallback_migratetype=2 fragmenting=0 change_ownership=1")
            // compaction
            + l("w", 9, 0, "2.000000", "mm_compaction_try_to_compact_pages", "order=9 gfp_mask=GFP_TRANSHUGE priority=2")
            + l("w", 9, 0, "2.000001", "mm_compaction_begin",
                    "zone_start=0x1000 migrate_pfn=0x1000 free_pfn=0xfe00 zone_end=0xffd7, mode=async")
            + l("w", 9, 0, "2.000002", "mm_compaction_isolate_migratepages", "range=(0x1000 ~ 0x1200) nr_scanned=10 nr_taken=4")
            + l("w", 9, 0, "2.000003", "mm_compaction_isolate_freepages", "range=(0xd600 ~ 0xd800) nr_scanned=16 nr_taken=15")
            + l("w", 9, 0, "2.000004", "mm_migrate_pages", "nr_succeeded=3 nr_failed=1 nr_thp_succeeded=0 nr_thp_failed=0 "
                    + "nr_thp_split=0 mode=MIGRATE_ASYNC reason=compaction")
            + l("w", 9, 0, "2.000005", "mm_compaction_migratepages", "nr_migrated=3 nr_failed=1")
            + l("w", 9, 0, "2.000006", "mm_compaction_finished", "node=0 zone=DMA32    order=9 ret=no_suitable_page")
            + l("w", 9, 0, "2.000007", "mm_compaction_finished", "node=0 zone=DMA32    order=9 ret=success")
            + l("w", 9, 0, "2.000008", "mm_compaction_end",
                    "zone_start=0x1000 migrate_pfn=0x3400 free_pfn=0xfe00 zone_end=0xffd7, mode=async status=success")
            + l("k", 8, 1, "2.000009", "mm_compaction_suitable", "node=0 zone=DMA32    order=9 ret=continue")
            + l("k", 8, 1, "2.000010", "mm_compaction_begin",
                    "zone_start=0x1000 migrate_pfn=0x1000 free_pfn=0xfe00 zone_end=0xffd7, mode=sync")
            + l("k", 8, 1, "2.000011", "mm_compaction_end",
                    "zone_start=0x1000 migrate_pfn=0x1000 free_pfn=0xfe00 zone_end=0xffd7, mode=sync status=partial_skipped")
            // an unknown event, a known event without pfn (malformed), a lost-events marker
            + l("a", 1, 0, "3.000000", "mm_filemap_add_to_page_cache", "dev 0:0 ino 0 pfn=0x123 ofs=0")
            + l("a", 1, 0, "3.000001", "mm_page_alloc", P + "order=0 migratetype=1 gfp_flags=GFP_KERNEL")
            + "CPU:1 [LOST 3 EVENTS]\n"
            + l("a", 1, 0, "3.500000", "tracing_mark_write", "done");

    @BeforeAll
    static void parse() {
        StatsCollector c = new StatsCollector();
        ParseReport r = new TraceParser().parse(new ByteArrayInputStream(TRACE.getBytes(StandardCharsets.UTF_8)), "fixture", c);
        s = c.finish(r);
    }

    @Test
    void linesLostAndSpan() {
        ParseReport r = s.report();
        assertEquals(1, r.badLines(), "the mm_page_alloc without pfn");
        assertEquals(1L, r.malformed().get("mm_page_alloc: missing pfn"));
        assertEquals("fixture", r.examples().get(0).file());
        assertEquals(42 - 40 + 3, r.lostEvents(), "header 42-40 plus the LOST 3 marker");
        assertEquals(1_000_000_000L, r.firstTimestampNs());
        assertEquals(3_500_000_000L, r.lastTimestampNs());
        assertEquals(1L, r.unknownEvents().get("mm_filemap_add_to_page_cache"));
        // mm_page_alloc lines that parse: 6 (incl. 2 failures) + 2 later = 8; the one without pfn is a bad line
        assertEquals(8L, s.eventsByName().get("mm_page_alloc"));
        assertEquals(1L, s.eventsByName().get("mm_filemap_add_to_page_cache"));
        assertEquals("mm_page_alloc", s.eventsByName().keySet().iterator().next(), "highest count first");
    }

    @Test
    void allocationsByOrderAndMigratetype() {
        // order 0: 0x100, 0x101, 0x100 again, 0x101 again; order 2: 0x200 (4 pages); order 9: 0x400 (512 pages)
        assertEquals(new TraceStats.Count(4, 4), s.allocations(0));
        assertEquals(new TraceStats.Count(1, 4), s.allocations(2));
        assertEquals(new TraceStats.Count(1, 512), s.allocations(9));
        assertEquals(new TraceStats.Count(6, 520), s.allocations());
        // movable: 0x100, 0x101, 0x400, 0x100, 0x101 = 5 requests, 1+1+512+1+1 = 516 pages; unmovable: 0x200
        assertEquals(new TraceStats.Count(5, 516), s.allocationsByMigratetype(1));
        assertEquals(new TraceStats.Count(1, 4), s.allocationsByMigratetype(0));
        // failures: page=(null) order 9, page=0 pfn=0 order 3 - neither is an allocation of pfn 0
        assertEquals(2, s.failures());
        assertEquals(1, s.failures(9));
        assertEquals(1, s.failures(3));
    }

    @Test
    void freesCountBatchedOnce() {
        // mm_page_free: 0x100 o0, 0x200 o2, 0x900 o1, 0x401 o0; batched 0x100 duplicates the first;
        // batched 0x950 has no mm_page_free: a free of its own. 5 frees, 1+4+2+1+1 = 9 pages.
        assertEquals(new TraceStats.Count(5, 9), s.frees());
        assertEquals(new TraceStats.Count(3, 3), s.frees(0));
        assertEquals(new TraceStats.Count(1, 2), s.frees(1));
        assertEquals(new TraceStats.Count(1, 4), s.frees(2));
        assertEquals(2, s.freesBatched());
        assertEquals(1, s.freesBatchedAlsoFree());
        assertEquals(1, s.freesBatchedOnly());
    }

    @Test
    void gfpAndProcessTopN() {
        TraceStats.Top g = s.byGfp(2);
        // GFP_HIGHUSER_MOVABLE 4 requests; GFP_KERNEL and GFP_TRANSHUGE 1 request + 1 failure each: tie broken by name
        assertEquals(3, g.distinct());
        assertEquals(List.of("GFP_HIGHUSER_MOVABLE", "GFP_KERNEL"), g.rows().stream().map(TraceStats.Row::name).toList());
        assertEquals(new TraceStats.Row("GFP_KERNEL", 1, 4, 0, 0, 1), g.rows().get(1));
        assertEquals(1, g.rest().allocRequests());
        assertEquals(512, g.rest().allocPages());
        assertEquals(1, g.rest().failures());

        TraceStats.Top p = s.byProcess(10);
        // b: 1 alloc (1 page), 2 failures, frees 0x100, 0x200, 0x900 = 3 (7 pages) -> activity 6
        // a: allocs 0x100, 0x200, 0x400 = 3 (517 pages), free 0x401 = 1 -> 4;  c: 2 allocs, 1 batched-only free -> 3
        // w, k: compaction only, no page events -> not listed
        assertEquals(List.of(new TraceStats.Row("b", 1, 1, 3, 7, 2), new TraceStats.Row("a", 3, 517, 1, 1, 0),
                new TraceStats.Row("c", 2, 2, 1, 1, 0)), p.rows());
    }

    @Test
    void pcpAndExtfrag() {
        assertEquals(new TraceStats.Count(2, 1 + 512), s.pcpRefills());
        assertEquals(new TraceStats.Count(3, 1 + 512 + 8), s.zoneLocked());
        assertEquals(new TraceStats.Count(2, 1 + 4), s.pcpDrains());
        assertEquals(4, s.extfragFallbacks());
        assertEquals(3, s.extfragFragmenting());
        assertEquals(2, s.extfragSevere(), "fallback_order 2 and 3");
        assertEquals(1, s.extfragModerate(), "fallback_order 4");
        assertEquals(2, s.extfragChangeOwnership());
        assertEquals(9, s.pageblockOrder());
        assertEquals(2, s.extfrag(0, 1));
        assertEquals(2, s.extfragFragmenting(0, 1));
        assertEquals(1, s.extfrag(1, 2));
        assertEquals(0, s.extfragFragmenting(1, 2));
    }

    @Test
    void compaction() {
        assertEquals(1, s.endStatus(CompactStatus.SUCCESS));
        assertEquals(1, s.endStatus(CompactStatus.PARTIAL_SKIPPED));
        assertEquals(1, s.finishedRet(CompactStatus.NO_SUITABLE_PAGE));
        assertEquals(1, s.finishedRet(CompactStatus.SUCCESS));
        assertEquals(1, s.suitableRet(CompactStatus.CONTINUE));
        assertEquals(1, s.beginAsync());
        assertEquals(1, s.beginSync());
        assertEquals(1, s.tryToCompact(9));
        assertEquals(List.of(1L, 10L, 4L), toList(s.isolateMigratepages()));
        assertEquals(List.of(1L, 16L, 15L), toList(s.isolateFreepages()));
        assertEquals(List.of(1L, 3L, 1L), toList(s.compactionMigratepages()));
        assertEquals(List.of(1L, 3L, 1L), toList(s.migratePages(MigrateReason.COMPACTION)));
        assertEquals(2L, s.compactionEvents().get("mm_compaction_begin"));
    }

    @Test
    void pagesStillAllocated() {
        // allocated 520 pages; freed after alloc: 0x100 (1) + 0x200 (4) + 0x401 (1) = 6;
        // 0x101 allocated again while live: 1; still allocated: 0x100, 0x101, 0x400..0x5ff without 0x401 = 513;
        // freed but never allocated in the trace: 0x900 order 1 (2) + 0x950 (1) = 3
        assertEquals(520, s.pagesAllocated());
        assertEquals(6, s.pagesFreedAfterAlloc());
        assertEquals(1, s.pagesReallocatedWithoutFree());
        assertEquals(513, s.pagesStillAllocated());
        assertEquals(3, s.pagesFreedNotAllocated());
        assertTrue(s.pageTrackingComplete());
    }

    @Test
    void textIsColumnAligned() {
        String text = StatsText.render(s, 2);
        assertTrue(text.contains("Page allocations by gfp flags (top 2 of 3)"), text);
        // in the order table every line has its numbers end in the same columns as the header's
        List<String> block = text.lines().dropWhile(x -> !x.startsWith("Page allocations, failures"))
                .skip(1).takeWhile(x -> x.startsWith("  ") && !x.startsWith("  frees")).toList();
        String header = block.get(0);
        for (String line : block) {
            assertEquals(header.length(), line.length(), line);
        }
        assertTrue(block.stream().anyMatch(x -> x.matches("\\s+9\\s+1\\s+512\\s+1\\s+0\\s+0")), block.toString());
        assertFalse(text.contains("  invalid"), "no invalid orders in the fixture");
    }

    @Test
    void jsonCarriesTheSameNumbers() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        StatsJson.write(s, 2, out);
        JsonNode j = new ObjectMapper().readTree(out.toByteArray());
        assertEquals(StatsJson.SCHEMA_VERSION, j.get("schema_version").asInt());
        assertEquals(6, j.at("/allocations/requests").asLong());
        assertEquals(520, j.at("/allocations/pages").asLong());
        assertEquals(512, j.at("/allocations/by_order/9/pages").asLong());
        assertEquals(1, j.at("/allocation_failures/by_order/3/requests").asLong());
        assertEquals(5, j.at("/frees/requests").asLong());
        assertEquals(1, j.at("/frees/batched_only").asLong());
        assertEquals("GFP_HIGHUSER_MOVABLE", j.at("/allocations/by_gfp_flags/top/0/gfp_flags").asText());
        assertEquals(1, j.at("/allocations/by_gfp_flags/others/count").asLong());
        assertEquals("b", j.at("/allocations/by_process/top/0/comm").asText());
        assertEquals(2, j.at("/extfrag/severe").asLong());
        assertEquals(1, j.at("/compaction/end_status/partial_skipped").asLong());
        assertEquals(513, j.at("/pages_at_end/still_allocated").asLong());
        assertEquals(5, j.at("/lost_events/total").asLong());
        assertEquals("mm_page_alloc: missing pfn", j.at("/lines/bad_examples/0/reason").asText());
        assertEquals(2_500_000_000L, j.at("/time/span").asLong());
        assertEquals("ns", j.at("/time/unit").asText());
    }

    @Test
    void hostileNumbersAreCountedNotThrown() {
        String t = l("x", 1, 0, "1.0", "mm_page_alloc", P + "pfn=0xffffffffffffffff order=10 migratetype=1 gfp_flags=none")
                + l("x", 1, 0, "1.1", "mm_page_alloc", P + "pfn=0x7fffffffffffffff order=3 migratetype=99 gfp_flags=0x1")
                + l("x", 1, 0, "1.2", "mm_page_alloc", P + "pfn=0x10 order=99 migratetype=-4 gfp_flags=GFP_KERNEL")
                + l("x", 1, 0, "1.3", "mm_page_free", P + "pfn=0x10 order=-1")
                + l("x", 1, 0, "1.4", "mm_page_alloc_extfrag", P + "pfn=0x1 alloc_order=0 fallback_order=-7 "
                        + "pageblock_order=9 alloc_migratetype=-1 fallback_migratetype=12 fragmenting=1 change_ownership=0");
        StatsCollector c = new StatsCollector();
        TraceStats h = c.finish(new TraceParser().parse(new ByteArrayInputStream(t.getBytes(StandardCharsets.UTF_8)), "h", c));
        // the first two are valid orders (1024 and 8 pages at absurd pfns); order 99 and -1 are invalid
        assertEquals(new TraceStats.Count(2, 1024 + 8), h.allocations());
        assertEquals(1, h.allocationsInvalidOrder());
        assertEquals(1, h.freesInvalidOrder());
        assertEquals(1, h.allocationsByMigratetype(8).requests(), "migratetype 99 is 'other'");
        assertEquals(1, h.extfrag(8, 8), "-1 and 12 are 'other'");
        assertEquals(1, h.extfragSevere());
        // pfns at or above 2^52 are left out of the page bookkeeping, which keeps its identity
        assertEquals(0, h.pagesAllocated());
        assertEquals(0, h.pagesStillAllocated());
        StatsText.render(h, 5);
    }

    private static List<Long> toList(long[] a) {
        return java.util.Arrays.stream(a).boxed().toList();
    }
}
