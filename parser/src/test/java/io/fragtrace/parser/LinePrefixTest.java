package io.fragtrace.parser;

import io.fragtrace.parser.TraceEvent.Kswapd;
import io.fragtrace.parser.TraceEvent.PageAlloc;
import io.fragtrace.parser.TraceEvent.PageFree;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every line-prefix variant of kernel-semantics.md §1; lines copied from shared/sample-lines.txt. */
class LinePrefixTest {

    @Test
    void rawFtraceFourCharFlags() {
        Lines l = Lines.parse("<idle>-0     [006] d.s.  1110.217281: mm_page_alloc_extfrag: page=ffffea0064142000 "
                + "pfn=26235008 alloc_order=3 fallback_order=3 pageblock_order=9 alloc_migratetype=0 "
                + "fallback_migratetype=2 fragmenting=1 change_ownership=1\n");
        TraceEvent.Extfrag e = l.only(TraceEvent.Extfrag.class);
        assertEquals("<idle>", e.header().comm());
        assertEquals(0, e.header().pid());
        assertEquals(6, e.header().cpu());
        assertEquals(1110_217281000L, e.header().timestampNs());
        assertEquals(26235008L, e.pfn());
        assertEquals(3, e.allocOrder());
        assertEquals(9, e.pageblockOrder());
        assertEquals(2, e.fallbackMigratetype());
        assertTrue(e.fragmenting());
        assertTrue(e.changeOwnership());
    }

    @Test
    void rawFtraceFiveCharFlagsHexPfnAndTaskWithSlashAndColon() {
        PageFree f = Lines.parse("    kworker/10:1-440     [010] .....   355.369905: mm_page_free: "
                + "page=00000000dc8c03bd pfn=0x182190 order=2\n").only(PageFree.class);
        assertEquals("kworker/10:1", f.header().comm());
        assertEquals(440, f.header().pid());
        assertEquals(10, f.header().cpu());
        assertEquals(0x182190L, f.pfn());
        assertEquals(2, f.order());
        assertFalse(f.batched());
    }

    @Test
    void taskNameWithColonAndUnderscore() {
        Kswapd k = Lines.parse("  binder:1138_3-1645    [006] ..... 272709.532484: mm_vmscan_wakeup_kswapd: nid=0 "
                + "order=0 gfp_flags=GFP_HIGHUSER|__GFP_COMP|__GFP_ZERO\n").only(Kswapd.class);
        assertEquals("binder:1138_3", k.header().comm());
        assertEquals(1645, k.header().pid());
        assertEquals(-1, k.zid());
        assertEquals(Gfp.parse("GFP_HIGHUSER") | Gfp.COMP | Gfp.ZERO, k.gfp());
    }

    @Test
    void taskNameWithSpacesAndDashes() {
        PageAlloc a = Lines.parse("   Web Content-a-b-4242 [001] ..... 10.000001: mm_page_alloc: page=0000000074d425b9 "
                + "pfn=0x62d8 order=1 migratetype=0 gfp_flags=GFP_KERNEL_ACCOUNT|__GFP_ZERO\n").only(PageAlloc.class);
        assertEquals("Web Content-a-b", a.header().comm());
        assertEquals(4242, a.header().pid());
    }

    @Test
    void qemuVcpuThreadNamedCpuIsATaskNotAHeader() {
        PageFree f = Lines.parse("CPU 0/KVM-1234 [001] ..... 5.000000: mm_page_free: page=0000000012345678 "
                + "pfn=0x10 order=0\n").only(PageFree.class);
        assertEquals("CPU 0/KVM", f.header().comm());
    }

    @Test
    void noFlagsColumn() {
        TraceEvent.IsolateScan s = Lines.parse("          stress-3923  [007]   519.106208: "
                + "mm_compaction_isolate_migratepages: range=(0x70bb80 ~ 0x70bb80) nr_scanned=0 nr_taken=0\n")
                .only(TraceEvent.IsolateScan.class);
        assertEquals("stress", s.header().comm());
        assertEquals(7, s.header().cpu());
        assertEquals(0x70bb80L, s.start());
        assertEquals(0x70bb80L, s.end());
    }

    @Test
    void tgidColumnNumberAndDashes() {
        Lines l = Lines.parse(" kswapd0-33    (   33) [001] ...1 12838.491407: mm_vmscan_kswapd_wake: nid=0 order=0\n"
                + "  app-77 (-----) [002] .... 1.000000: mm_vmscan_kswapd_sleep: nid=0\n");
        assertEquals(2, l.events.size(), l.report.examples().toString());
        Kswapd wake = (Kswapd) l.events.get(0);
        assertEquals("kswapd0", wake.header().comm());
        assertEquals(33, wake.header().pid());
        assertEquals(1, wake.header().cpu());
        assertEquals(EventType.MM_VMSCAN_KSWAPD_WAKE, wake.kind());
        Kswapd sleep = (Kswapd) l.events.get(1);
        assertEquals("app", sleep.header().comm());
        assertEquals(77, sleep.header().pid());
    }

    @Test
    void unknownCommAndCommCutOff() {
        Lines l = Lines.parse("  <...>-22275 [006] ....   889.213383: mm_page_alloc: page=00000000d2be5665 pfn=970744 "
                + "order=0 migratetype=0 nr_free=3650 gfp_flags=GFP_HIGHUSER|__GFP_ZERO\n"
                + "-5972    [006] ....  7971.248176: mm_compaction_begin: zone_start=0x40000 migrate_pfn=0x40000 "
                + "free_pfn=0xffc00 zone_end=0x100000, mode=async\n");
        assertEquals(2, l.events.size(), l.report.examples().toString());
        PageAlloc a = (PageAlloc) l.events.get(0);
        assertEquals("<...>", a.header().comm());
        assertEquals(970744L, a.pfn());
        TraceEvent.CompactionScanners b = (TraceEvent.CompactionScanners) l.events.get(1);
        assertEquals("", b.header().comm());
        assertEquals(5972, b.header().pid());
        assertEquals(0x100000L, b.zoneEnd());
        assertEquals(MigrateMode.ASYNC, b.mode());
    }

    @Test
    void traceCmdReportPaddedEventNameWithAndWithoutFlags() {
        Lines l = Lines.parse("make-16810 [004] .....  2319.000857: mm_page_alloc:        page=0xffffea00001347a7 "
                + "pfn=0x1347a7 order=0 migratetype=1 gfp_flags=0x152c4a\n"
                + "<...>-187168 [003] 14540.343835: mm_page_alloc:        page=0x3070e0 pfn=3174624 order=1 "
                + "migratetype=0 gfp_flags=GFP_KERNEL_ACCOUNT|__GFP_ZERO\n");
        assertEquals(2, l.events.size(), l.report.examples().toString());
        PageAlloc hex = (PageAlloc) l.events.get(0);
        assertEquals(0x1347a7L, hex.pfn());
        assertEquals(0x152c4aL, hex.gfp());
        assertEquals(1, Gfp.migratetype(hex.gfp()), "0x152c4a has __GFP_MOVABLE (0x8)");
        PageAlloc old = (PageAlloc) l.events.get(1);
        assertEquals(3174624L, old.pfn());
        assertEquals(187168, old.header().pid());
    }

    @Test
    void traceCmdNineDecimalTimestamps() {
        PageFree f = Lines.parse("make-16810 [004] 2319.000857123: mm_page_free: page=0x1 pfn=0x10 order=0\n")
                .only(PageFree.class);
        assertEquals(2319_000857123L, f.header().timestampNs());
    }

    @Test
    void integerTimestampFromCounterClock() {
        Lines l = Lines.parse("app-1 [000] .... 123456789: mm_page_free: page=0x1 pfn=0x10 order=0\n");
        PageFree f = l.only(PageFree.class);
        assertEquals(123456789L, f.header().timestampNs());
        assertTrue(l.report.counterClock());
    }

    @Test
    void perfScriptWithCallchain() {
        Lines l = Lines.parse("perf  6429 [000]    22.498450:             kmem:mm_page_alloc: page=0x176a17 "
                + "pfn=1534487 order=0 migratetype=0 gfp_flags=GFP_KERNEL\n"
                + "\tffffffffbe23e32e __alloc_pages_nodemask+0x22e (/lib/modules/5.1.0-rc3+/build/vmlinux)\n"
                + "\n");
        PageAlloc a = l.only(PageAlloc.class);
        assertEquals("perf", a.header().comm());
        assertEquals(6429, a.header().pid());
        assertEquals(1534487L, a.pfn());
        assertEquals(0, l.report.badLines());
        assertEquals(1, l.report.continuationLines());
    }

    @Test
    void oldPerfScriptWithoutSubsystem() {
        Kswapd k = Lines.parse("         kswapd0    47 [000] 59599.956573: mm_vmscan_kswapd_wake: nid=0 order=0\n")
                .only(Kswapd.class);
        assertEquals("kswapd0", k.header().comm());
        assertEquals(47, k.header().pid());
    }

    @Test
    void functionGraphComment() {
        Lines l = Lines.parse("  24)               |  /* mm_page_alloc: page=0000000000000000 pfn=0 order=9 migratetype=1 "
                + "gfp_flags=GFP_HIGHUSER_MOVABLE|__GFP_NOWARN|__GFP_COMP|__GFP_THISNODE */\n");
        PageAlloc a = l.only(PageAlloc.class);
        assertTrue(a.failed());
        assertEquals(9, a.order());
        assertEquals(-1, a.header().cpu());
    }

    @Test
    void prefixStrippedLines() {
        Lines l = Lines.parse("memhog-131  mm_vmscan_wakeup_kswapd: nid=0 zid=0 order=0 gfp_flags=none\n"
                + "mm_page_alloc:        page=0xffffffffa4ab8d42 pfn=0x12ad72 order=1 migratetype=0 "
                + "gfp_flags=GFP_USER|__GFP_ZERO|__GFP_ACCOUNT\n");
        assertEquals(2, l.events.size(), l.report.examples().toString());
        Kswapd k = (Kswapd) l.events.get(0);
        assertEquals("memhog", k.header().comm());
        assertEquals(0, k.zid());
        assertEquals(0, k.gfp());
    }

    @Test
    void stackTraceBlocksAndHeadersAreSkipped() {
        Lines l = Lines.parse("# tracer: nop\n#\n# entries-in-buffer/entries-written: 90/100   #P:8\n"
                + "<...>-3094982 [004] ...1 77212.233931: mm_page_free: page=0000000061b2fc33 pfn=1844202 order=0\n"
                + "<...>-3094982 [004] ...1 77212.233934: <stack trace>\n"
                + "  => trace_event_raw_event_mm_page_free\n  => free_pcp_prepare\n"
                + "CPU:2 [LOST 7 EVENTS]\n##### CPU 3 buffer started ####\n");
        l.only(PageFree.class);
        assertEquals(0, l.report.badLines(), l.report.examples().toString());
        assertEquals(10 + 7, l.report.lostEvents(), "100 written - 90 in buffer, plus 7 lost on CPU 2");
    }

    @Test
    void markersKeepTheirText() {
        TraceEvent.Marker m = Lines.parse("            init-1       [000] .....    10.605787: tracing_mark_write: "
                + "capture: tracing on\n").only(TraceEvent.Marker.class);
        assertEquals("capture: tracing on", m.text());
        assertEquals(10_605787000L, m.header().timestampNs());
    }

    @Test
    void traceCmdPrintMarkers() {
        Lines l = Lines.parse("bash-1 [000] 1.000000: print:                tracing_mark_write: phase one\n"
                + "bash-1 [000] 1.000001: print:                0xffffffff8101d7d4s: phase two\n");
        assertEquals("phase one", ((TraceEvent.Marker) l.events.get(0)).text());
        assertEquals("phase two", ((TraceEvent.Marker) l.events.get(1)).text());
    }

    @Test
    void crlfLineEnds() {
        Lines l = Lines.parse("a-1 [000] .... 1.000000: mm_page_free: page=0x1 pfn=0x10 order=3\r\n"
                + "a-1 [000] .... 1.000001: tracing_mark_write: hello\r\n");
        assertEquals(2, l.events.size());
        assertEquals(3, ((PageFree) l.events.get(0)).order());
        assertEquals("hello", ((TraceEvent.Marker) l.events.get(1)).text());
    }
}
