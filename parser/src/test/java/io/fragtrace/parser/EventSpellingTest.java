package io.fragtrace.parser;

import io.fragtrace.parser.TraceEvent.CompactionDefer;
import io.fragtrace.parser.TraceEvent.CompactionResult;
import io.fragtrace.parser.TraceEvent.CompactionScanners;
import io.fragtrace.parser.TraceEvent.Kcompactd;
import io.fragtrace.parser.TraceEvent.MigratePages;
import io.fragtrace.parser.TraceEvent.PageAlloc;
import io.fragtrace.parser.TraceEvent.PageFree;
import io.fragtrace.parser.TraceEvent.TryToCompact;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Field spellings across kernel versions (kernel-semantics.md §2), one test per event family. */
class EventSpellingTest {
    private static final String P = "app-1234 [002] ..... 500.000000: ";

    @Test
    void pageAllocFailureSpellings() {
        Lines l = Lines.parse(P + "mm_page_alloc: page=(null) pfn=0x0 order=9 migratetype=1 gfp_flags=GFP_TRANSHUGE\n"
                + P + "mm_page_alloc: page=0000000000000000 pfn=0 order=4 migratetype=0 gfp_flags=GFP_KERNEL\n"
                + P + "mm_page_alloc: page=00000000d2be5665 pfn=0x10 order=0 migratetype=0 gfp_flags=GFP_KERNEL\n");
        assertTrue(((PageAlloc) l.events.get(0)).failed());
        assertTrue(((PageAlloc) l.events.get(1)).failed());
        assertFalse(((PageAlloc) l.events.get(2)).failed());
    }

    @Test
    void freeDirectAndBatchedWithCold() {
        Lines l = Lines.parse("  gnome-terminal-1567  [000]  4415.246466: mm_page_free_direct: page=ffffea0003db9f40 "
                + "pfn=1155800 order=0\n"
                + P + "mm_page_free_batched: page=00000000cccccccc pfn=0x12500 order=0\n"
                + P + "mm_page_free_batched: page=ffffea0003db9f40 pfn=1155800 order=0 cold=1\n");
        assertEquals(3, l.events.size(), l.report.examples().toString());
        assertEquals(EventType.MM_PAGE_FREE, EventType.byName("mm_page_free_direct"));
        assertFalse(((PageFree) l.events.get(0)).batched());
        assertTrue(((PageFree) l.events.get(1)).batched());
        assertEquals(1, l.report.count(EventType.MM_PAGE_FREE));
        assertEquals(2, l.report.count(EventType.MM_PAGE_FREE_BATCHED));
    }

    @Test
    void zoneLockedAndDrain() {
        Lines l = Lines.parse(P + "mm_page_alloc_zone_locked: page=00000000bbbbbbbb pfn=0x12400 order=0 migratetype=1 "
                + "percpu_refill=1\n" + P + "mm_page_pcpu_drain: page=00000000aaaaaaaa pfn=0x12340 order=3 migratetype=2\n");
        TraceEvent.ZoneLocked z = (TraceEvent.ZoneLocked) l.events.get(0);
        assertTrue(z.percpuRefill());
        assertEquals(0x12400L, z.pfn());
        TraceEvent.PcpuMove d = (TraceEvent.PcpuMove) l.events.get(1);
        assertEquals(3, d.order());
        assertEquals(2, d.migratetype());
    }

    @Test
    void compactionBeginEndWithTrailingCommaAndStatuses() {
        Lines l = Lines.parse(P + "mm_compaction_end: zone_start=0x1000 migrate_pfn=0x3400 free_pfn=0xfe00 "
                + "zone_end=0xffd7, mode=async status=success\n"
                + P + "mm_compaction_end: zone_start=0x1 migrate_pfn=0x2 free_pfn=0x3 zone_end=0x4, mode=sync "
                + "status=partial\n"
                + P + "mm_compaction_end: zone_start=0x1 migrate_pfn=0x2 free_pfn=0x3 zone_end=0x4, mode=aysnc "
                + "status=contended_sched\n"
                + P + "mm_compaction_end: zone_start=0x1 migrate_pfn=0x2 free_pfn=0x3 zone_end=0x4, mode=sync "
                + "status=brand_new\n");
        assertEquals(4, l.events.size(), l.report.examples().toString());
        CompactionScanners e0 = (CompactionScanners) l.events.get(0);
        assertEquals(0xffd7L, e0.zoneEnd());
        assertEquals(CompactStatus.SUCCESS, e0.status());
        assertEquals(MigrateMode.ASYNC, e0.mode());
        assertEquals(CompactStatus.SUCCESS, ((CompactionScanners) l.events.get(1)).status(), "old 'partial'");
        assertEquals(MigrateMode.SYNC_ANY, ((CompactionScanners) l.events.get(1)).mode());
        assertEquals(MigrateMode.ASYNC, ((CompactionScanners) l.events.get(2)).mode(), "perfetto's 'aysnc'");
        assertEquals(CompactStatus.CONTENDED, ((CompactionScanners) l.events.get(2)).status());
        assertEquals(CompactStatus.UNKNOWN, ((CompactionScanners) l.events.get(3)).status());
        CompactionScanners begin = (CompactionScanners) Lines.parse(P + "mm_compaction_begin: zone_start=0x1000 "
                + "migrate_pfn=0x1000 free_pfn=0xfe00 zone_end=0xffd7, mode=async\n").events.get(0);
        assertNull(begin.status());
    }

    @Test
    void finishedSuitableWithPaddedZones() {
        Lines l = Lines.parse(P + "mm_compaction_finished: node=0 zone=DMA32    order=9 ret=no_suitable_page\n"
                + P + "mm_compaction_suitable: node=0 zone=Normal   order=2 ret=continue\n");
        CompactionResult f = (CompactionResult) l.events.get(0);
        assertEquals(ZoneType.DMA32, f.zone());
        assertEquals(9, f.order());
        assertEquals(CompactStatus.NO_SUITABLE_PAGE, f.ret());
        assertEquals(ZoneType.Normal, ((CompactionResult) l.events.get(1)).zone());
    }

    @Test
    void deferWithAndWithoutSync() {
        Lines l = Lines.parse(P + "mm_compaction_defer_reset: node=0 zone=DMA32    order=9 order_failed=10 consider=1 "
                + "limit=1\n" + P + "mm_compaction_deferred: node=0 zone=Normal   order=9 sync=1 order_failed=9 "
                + "consider=1 limit=2\n");
        CompactionDefer a = (CompactionDefer) l.events.get(0);
        assertEquals(10, a.orderFailed());
        assertEquals(1, a.limit());
        CompactionDefer b = (CompactionDefer) l.events.get(1);
        assertEquals(EventType.MM_COMPACTION_DEFERRED, b.kind());
        assertEquals(2, b.limit());
    }

    @Test
    void tryToCompactOldAndNew() {
        Lines l = Lines.parse("              sh-14869 [000] ....  6850.456639: mm_compaction_try_to_compact_pages: "
                + "order=2 gfp_mask=0x27000c0 mode=1\n"
                + P + "mm_compaction_try_to_compact_pages: order=9 gfp_mask=GFP_TRANSHUGE priority=2\n");
        TryToCompact old = (TryToCompact) l.events.get(0);
        assertEquals(1, old.priority(), "old numeric mode kept where priority goes");
        assertEquals("0x27000c0", old.gfpText());
        TryToCompact now = (TryToCompact) l.events.get(1);
        assertEquals(2, now.priority());
        assertEquals(1, Gfp.migratetype(now.gfp()));
    }

    @Test
    void kcompactdClasszoneAndHighestZoneidxAndProactiveOrder() {
        Lines l = Lines.parse(P + "mm_compaction_wakeup_kcompactd: nid=0 order=9 classzone_idx=Normal  \n"
                + P + "mm_compaction_kcompactd_wake: nid=1 order=-1 highest_zoneidx=DMA32\n"
                + P + "mm_compaction_kcompactd_sleep: nid=0\n");
        assertEquals(3, l.events.size(), l.report.examples().toString());
        Kcompactd w = (Kcompactd) l.events.get(0);
        assertEquals(ZoneType.Normal, w.highestZone());
        Kcompactd p = (Kcompactd) l.events.get(1);
        assertEquals(-1, p.order());
        assertEquals(ZoneType.DMA32, p.highestZone());
    }

    @Test
    void migratePagesOldAndNew() {
        Lines l = Lines.parse(P + "mm_migrate_pages: nr_succeeded=31 nr_failed=1 nr_thp_succeeded=0 nr_thp_failed=0 "
                + "nr_thp_split=0 nr_split=0 mode=MIGRATE_SYNC_LIGHT reason=compaction\n"
                + P + "mm_migrate_pages: nr_succeeded=3 nr_failed=0 mode=MIGRATE_ASYNC reason=cma\n"
                + P + "mm_migrate_pages_start: mode=MIGRATE_SYNC reason=numa_misplaced\n");
        MigratePages a = (MigratePages) l.events.get(0);
        assertEquals(31, a.nrSucceeded());
        assertEquals(MigrateMode.SYNC_LIGHT, a.mode());
        assertEquals(MigrateReason.COMPACTION, a.reason());
        assertEquals(MigrateReason.CONTIG_RANGE, ((MigratePages) l.events.get(1)).reason());
        assertEquals(MigrateReason.NUMA_MISPLACED, ((MigratePages) l.events.get(2)).reason());
    }

    @Test
    void isolateScannersOldFormatWithoutRange() {
        TraceEvent.IsolateScan s = Lines.parse(P + "mm_compaction_isolate_freepages: nr_scanned=512 nr_taken=0\n")
                .only(TraceEvent.IsolateScan.class);
        assertEquals(-1, s.start());
        assertEquals(512, s.nrScanned());
        TraceEvent.IsolateScan fast = Lines.parse(P + "mm_compaction_fast_isolate_freepages: range=(0xd600 ~ 0xd800) "
                + "nr_scanned=16 nr_taken=8\n").only(TraceEvent.IsolateScan.class);
        assertEquals(EventType.MM_COMPACTION_FAST_ISOLATE_FREEPAGES, fast.kind());
        assertEquals(0xd800L, fast.end());
    }

    @Test
    void vmscanWithAndWithoutZid() {
        Lines l = Lines.parse("          <idle>-0     [002] 236009.284803: mm_vmscan_wakeup_kswapd: nid=0 zid=2 order=8\n"
                + "kswapd0-90      [004] ..... 272707.073912: mm_vmscan_kswapd_wake: nid=0 order=0\n");
        assertEquals(2, ((TraceEvent.Kswapd) l.events.get(0)).zid());
        assertEquals(8, ((TraceEvent.Kswapd) l.events.get(0)).order());
        assertEquals(-1, ((TraceEvent.Kswapd) l.events.get(1)).zid());
    }

    @Test
    void gfpSymbolicHexAndMixed() {
        // GFP_KERNEL = __GFP_RECLAIM|__GFP_IO|__GFP_FS = 0x400|0x800|0x40|0x80 = 0xcc0 (include/linux/gfp_types.h)
        assertEquals(0xcc0L, Gfp.parse("GFP_KERNEL"));
        assertEquals(0xcc0L | 0x2L, Gfp.parse("GFP_KERNEL|0x2"));
        assertEquals(0x140ccaL, Gfp.parse("0x140cca"));
        assertEquals(0L, Gfp.parse("none"));
        assertTrue((Gfp.parse("__GFP_BOGUS") & Gfp.UNKNOWN_NAME) != 0);
        // GFP_HIGHUSER_MOVABLE|__GFP_COMP: movable bit set -> MIGRATE_MOVABLE (gfp_migratetype)
        assertEquals(1, Gfp.migratetype(Gfp.parse("GFP_HIGHUSER_MOVABLE|__GFP_COMP")));
        assertEquals(2, Gfp.migratetype(Gfp.parse("GFP_KERNEL|__GFP_RECLAIMABLE")));
        assertEquals(0, Gfp.migratetype(Gfp.parse("GFP_KERNEL_ACCOUNT|__GFP_ZERO")));
    }

    @Test
    void unknownEventsAreCountedByNameAndUnknownKeysIgnored() {
        Lines l = Lines.parse("kswapd0-53 [002] 236009.285034: mm_vmscan_lru_isolate: isolate_mode=1 order=8\n"
                + "bash-3126  [001] ....  1498.220001: compact_retry: order=9 priority=COMPACT_PRIO_SYNC_LIGHT\n"
                + "bash-3126  [001] ....  1498.220002: compact_retry: order=9\n"
                + P + "mm_page_alloc: page=00000000d2be5665 pfn=970744 order=0 migratetype=0 nr_free=3650 "
                + "gfp_flags=GFP_HIGHUSER|__GFP_ZERO\n");
        assertEquals(1, l.events.size());
        assertEquals(1L, l.report.unknownEvents().get("mm_vmscan_lru_isolate"));
        assertEquals(2L, l.report.unknownEvents().get("compact_retry"));
        assertEquals(0, l.report.badLines());
    }
}
