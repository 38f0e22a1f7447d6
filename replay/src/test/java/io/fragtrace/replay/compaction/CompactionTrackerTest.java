package io.fragtrace.replay.compaction;

import io.fragtrace.parser.CompactStatus;
import io.fragtrace.parser.MigrateMode;
import io.fragtrace.parser.TraceParser;
import io.fragtrace.parser.ZoneType;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Context rules of mm/compaction.c on hand-written traces. */
class CompactionTrackerTest {

    private static CompactionTracker track(String text) {
        CompactionTracker t = new CompactionTracker();
        new TraceParser().parse(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), "t", t::onEvent);
        return t;
    }

    private static final String BEGIN = "mm_compaction_begin: zone_start=0x1000 migrate_pfn=0x1000 free_pfn=0xfe00 "
            + "zone_end=0xffd7, mode=";
    private static final String END = "mm_compaction_end: zone_start=0x1000 migrate_pfn=0x3400 free_pfn=0xfe00 "
            + "zone_end=0xffd7, mode=";

    @Test
    void directPassTakesOrderFromTryToCompactPagesAndSumsItsScanners() {
        CompactionTracker t = track(""
                + "work-186 [000] ..... 12.30: mm_compaction_try_to_compact_pages: order=9 gfp_mask=GFP_TRANSHUGE priority=2\n"
                + "work-186 [000] ..... 12.31: mm_compaction_suitable: node=0 zone=DMA32    order=9 ret=continue\n"
                + "work-186 [000] ..... 12.32: " + BEGIN + "async\n"
                + "work-186 [000] ..... 12.33: mm_compaction_finished: node=0 zone=DMA32    order=9 ret=no_suitable_page\n"
                + "work-186 [000] ..... 12.34: mm_compaction_isolate_migratepages: range=(0x1000 ~ 0x1200) nr_scanned=512 nr_taken=32\n"
                + "work-186 [000] ..... 12.35: mm_compaction_isolate_freepages: range=(0xd600 ~ 0xd800) nr_scanned=16 nr_taken=15\n"
                + "work-186 [000] ..... 12.36: mm_compaction_isolate_freepages: range=(0xd400 ~ 0xd600) nr_scanned=40 nr_taken=17\n"
                + "work-186 [000] ..... 12.37: mm_compaction_migratepages: nr_migrated=31 nr_failed=1\n"
                + "work-186 [000] ..... 12.38: mm_compaction_finished: node=0 zone=DMA32    order=9 ret=success\n"
                + "work-186 [000] ..... 12.39: " + END + "async status=success\n"
                + "work-186 [000] ..... 12.40: mm_page_alloc: page=000000001 pfn=0x3200 order=9 migratetype=1 gfp_flags=GFP_TRANSHUGE\n"
                + "work-186 [000] ..... 12.41: mm_page_alloc: page=000000001 pfn=0x3400 order=9 migratetype=1 gfp_flags=GFP_TRANSHUGE\n");
        CompactionRun r = t.runs().get(0);
        assertEquals(CompactionContext.DIRECT, r.context());
        assertEquals(9, r.order());
        assertEquals(ZoneType.DMA32, r.zone());
        assertEquals(MigrateMode.ASYNC, r.mode());
        assertEquals(CompactStatus.SUCCESS, r.status());
        assertEquals(512, r.migrateScanned());
        assertEquals(16 + 40, r.freeScanned());
        assertEquals(15 + 17, r.freeIsolated());
        assertEquals(31, r.migrated());
        assertEquals(2, r.finishedChecks());
        assertEquals(0x3400, r.migratePfnEnd());
        assertEquals(70_000_000L, r.durationNs(), "begin at 12.32 s, end at 12.39 s");
        assertEquals(1, t.allocationsAfterCompaction(9, true), "only the first order-9 alloc follows the request");
        assertEquals(2, t.allocations(9, true));
    }

    @Test
    void kcompactdPassAfterWakeProactiveWithoutAndManualFromAnyOtherTask() {
        CompactionTracker t = track(""
                + "kswapd0-44 [001] ..... 1.0: mm_compaction_wakeup_kcompactd: nid=0 order=9 classzone_idx=DMA32\n"
                + "kcompactd0-34 [001] ..... 1.1: mm_compaction_kcompactd_wake: nid=0 order=9 classzone_idx=DMA32\n"
                + "kcompactd0-34 [001] ..... 1.2: " + BEGIN + "sync\n"
                + "kcompactd0-34 [001] ..... 1.3: " + END + "sync status=partial_skipped\n"
                + "kcompactd0-34 [001] ..... 1.4: mm_compaction_kcompactd_sleep: nid=0\n"
                + "kcompactd0-34 [001] ..... 2.0: " + BEGIN + "sync\n"
                + "kcompactd0-34 [001] ..... 2.1: " + END + "sync status=success\n"
                + "kcompactd0-34 [001] ..... 2.2: mm_compaction_kcompactd_sleep: nid=0\n"
                + "sh-99 [000] ..... 3.0: " + BEGIN + "sync\n"
                + "sh-99 [000] ..... 3.1: " + END + "sync status=complete\n");
        assertEquals(3, t.passes());
        assertEquals(CompactionContext.KCOMPACTD, t.runs().get(0).context());
        assertEquals(9, t.runs().get(0).order());
        assertEquals(CompactionContext.PROACTIVE, t.runs().get(1).context());
        assertEquals(-1, t.runs().get(1).order());
        assertEquals(CompactionContext.MANUAL, t.runs().get(2).context());
        assertEquals(1, t.passes(CompactionContext.KCOMPACTD, CompactStatus.PARTIAL_SKIPPED));
        assertEquals(1, t.passes(CompactionContext.PROACTIVE, CompactStatus.SUCCESS));
        assertEquals(1, t.wakeupKcompactd());
        assertEquals(1, t.kcompactdIntervals().size());
        assertEquals(300_000_000L, t.kcompactdIntervals().get(0).endNs() - t.kcompactdIntervals().get(0).beginNs(),
                "kcompactd_wake at 1.1 to kcompactd_sleep at 1.4");
    }
}
