package io.fragtrace.replay.compaction;

import io.fragtrace.parser.TraceParser;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;

import static io.fragtrace.replay.compaction.CompactingTasks.DIRECT;
import static io.fragtrace.replay.compaction.CompactingTasks.MIGRATING;
import static io.fragtrace.replay.compaction.CompactingTasks.PASS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The open/close rule of a task's compaction on hand-written event sequences (line formats of the kernel's
 * tracepoints, as in sample-traces/). Expected values follow the kernel's call structure, written beside each step.
 */
class CompactingTasksTest {
    private final CompactingTasks<StringBuilder> tasks = new CompactingTasks<>(StringBuilder::new);

    private void feed(String... lines) {
        String text = String.join("\n", lines) + "\n";
        new TraceParser().parse(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), "t", tasks::onEvent);
    }

    private static String line(String task, String ts, String event) {
        return "      " + task + " [001] .....    " + ts + ": " + event;
    }

    private static final String BEGIN = "mm_compaction_begin: zone_start=0x1000 migrate_pfn=0x1000 free_pfn=0xfe00 "
            + "zone_end=0xffd7, mode=async";
    private static final String END = "mm_compaction_end: zone_start=0x1000 migrate_pfn=0x3400 free_pfn=0xfe00 "
            + "zone_end=0xffd7, mode=async status=complete";
    private static final String TRY9 = "mm_compaction_try_to_compact_pages: order=9 gfp_mask=GFP_TRANSHUGE priority=2";

    private static String alloc(int order) {
        return "mm_page_alloc: page=000000001 pfn=0x3200 order=" + order + " migratetype=1 gfp_flags=GFP_TRANSHUGE";
    }

    @Test
    void directRequestCoversEveryZonePassUntilTheAllocationOfItsOrder() {
        // __alloc_pages_direct_compact() -> try_to_compact_pages(): compact_zone_order() per zone of the zonelist,
        // each with current->capture_control; the request ends at the task's mm_page_alloc of order 9 (__alloc_pages)
        feed(line("work-186", "1.00", TRY9),
                line("work-186", "1.01", BEGIN));
        assertEquals(CompactionContext.DIRECT, tasks.context(186));
        assertEquals(9, tasks.passOrder(186));
        assertTrue(tasks.has(186, PASS));
        assertTrue(tasks.has(186, DIRECT));
        feed(line("work-186", "1.02", END));
        assertFalse(tasks.has(186, PASS), "compact_zone() returned");
        assertTrue(tasks.has(186, DIRECT), "the request outlives one zone's pass");
        feed(line("work-186", "1.03", BEGIN));
        assertEquals(CompactionContext.DIRECT, tasks.context(186), "the next zone's pass is direct too");
        feed(line("work-186", "1.04", END),
                line("work-186", "1.05", alloc(0)));
        assertTrue(tasks.has(186, DIRECT), "an order-0 allocation (reclaim, page cache) is not the request's");
        assertFalse(tasks.allocated(186, 0));
        assertTrue(tasks.allocated(186, 9), "the order-9 allocation closes it");
        assertFalse(tasks.any(DIRECT));
        assertFalse(tasks.allocated(186, 9), "closed once");
    }

    @Test
    void kcompactdPassIsKcompactdAfterItsWakeAndProactiveAfterItsSleep() {
        // kcompactd(): kcompactd_do_work() after kcompactd_wake (cc.order = pgdat->kcompactd_max_order), else on
        // the timeout proactive_compact_node() (cc.order = -1); trace_mm_compaction_kcompactd_sleep before each wait
        feed(line("kcompactd0-34", "2.00", "mm_compaction_kcompactd_wake: nid=0 order=4 classzone_idx=DMA32"),
                line("kcompactd0-34", "2.01", BEGIN));
        assertEquals(CompactionContext.KCOMPACTD, tasks.context(34));
        assertEquals(4, tasks.passOrder(34));
        feed(line("kcompactd0-34", "2.02", END),
                line("kcompactd0-34", "2.03", BEGIN));
        assertEquals(CompactionContext.KCOMPACTD, tasks.context(34), "kcompactd_do_work() walks the node's zones");
        feed(line("kcompactd0-34", "2.04", END),
                line("kcompactd0-34", "2.05", "mm_compaction_kcompactd_sleep: nid=0"),
                line("kcompactd0-34", "2.55", BEGIN));
        assertEquals(CompactionContext.PROACTIVE, tasks.context(34));
        assertEquals(-1, tasks.passOrder(34));
        // node 1's kcompactd was not woken: node 0's wake does not count for it
        feed(line("kcompactd0-34", "3.00", "mm_compaction_kcompactd_wake: nid=0 order=9 classzone_idx=DMA32"),
                line("kcompactd1-35", "3.01", BEGIN));
        assertEquals(CompactionContext.PROACTIVE, tasks.context(35));
        // any other task without a request: a write to /proc/sys/vm/compact_memory
        feed(line("sh-99", "3.02", BEGIN));
        assertEquals(CompactionContext.MANUAL, tasks.context(99));
        assertEquals(-1, tasks.passOrder(99));
        assertTrue(tasks.has(35, PASS) && tasks.has(99, PASS) && tasks.has(34, PASS));
    }

    @Test
    void missingAndRepeatedEventsNeitherCountTwiceNorInvent() {
        // the trace started mid-pass: an end with no begin closes nothing
        assertFalse(tasks.passEnd(500));
        assertNull(tasks.context(500));
        assertNull(tasks.dataOrNull(500), "a query makes no entry");
        assertEquals(0, tasks.seen());
        // a begin whose end was lost: the next begin replaces it, one end closes it
        feed(line("work-7", "1.0", BEGIN), line("work-7", "1.1", BEGIN));
        assertTrue(tasks.any(PASS));
        assertTrue(tasks.passEnd(7));
        assertFalse(tasks.any(PASS), "one pass open, not two");
        assertFalse(tasks.passEnd(7), "a second end has nothing to close");
        // a second request before the allocation (async, then sync after reclaim) is one request, of the last order
        feed(line("work-7", "1.2", TRY9),
                line("work-7", "1.3", "mm_compaction_try_to_compact_pages: order=4 gfp_mask=GFP_KERNEL priority=1"));
        assertFalse(tasks.allocated(7, 9));
        assertTrue(tasks.allocated(7, 4));
        assertFalse(tasks.any(DIRECT));
        // migrate_pages() with no start seen closes nothing; a start opens it for that task only
        feed(line("work-7", "1.4", "mm_migrate_pages: nr_succeeded=32 nr_failed=0 nr_thp_succeeded=0 nr_thp_failed=0 "
                + "nr_thp_split=0 mode=MIGRATE_ASYNC reason=compaction"));
        assertFalse(tasks.any(MIGRATING));
        feed(line("work-7", "1.5", "mm_migrate_pages_start: mode=MIGRATE_ASYNC reason=compaction"));
        assertTrue(tasks.has(7, MIGRATING));
        assertFalse(tasks.has(8, MIGRATING));
        feed(line("work-7", "1.6", "mm_migrate_pages: nr_succeeded=32 nr_failed=0 nr_thp_succeeded=0 "
                + "nr_thp_failed=0 nr_thp_split=0 mode=MIGRATE_ASYNC reason=compaction"));
        assertFalse(tasks.any(MIGRATING));
    }

    @Test
    void aReusedPidStartsAfreshOnceItsPreviousTaskClosedEverything() {
        // task A (pid 300): a whole direct compaction, request closed by its allocation
        feed(line("work-300", "1.0", TRY9), line("work-300", "1.1", BEGIN), line("work-300", "1.2", END),
                line("work-300", "1.3", alloc(9)));
        StringBuilder a = tasks.data(300).append("task A");
        // task B gets pid 300 and writes compact_memory: its pass is manual, in the same slot
        feed(line("sh-300", "5.0", BEGIN));
        assertEquals(CompactionContext.MANUAL, tasks.context(300));
        assertEquals(-1, tasks.passOrder(300));
        assertSame(a, tasks.dataOrNull(300), "the consumer's data stays with the pid");
        assertEquals(1, tasks.seen());
        // and a kcompactd taking a pid another task used is kcompactd's (the name decides, not the pid's past)
        feed(line("sh-300", "5.1", END), line("kcompactd0-300", "6.0", BEGIN));
        assertEquals(CompactionContext.PROACTIVE, tasks.context(300));
    }
}
