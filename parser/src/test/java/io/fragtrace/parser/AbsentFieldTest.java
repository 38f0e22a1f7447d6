package io.fragtrace.parser;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The flyweight never hands a consumer the previous line's value: an absent field reads as its declared default
 * ({@link EventTable}) or 0. Read inside the callback, as every streaming consumer does.
 */
class AbsentFieldTest {
    private static final String P = "app-1234 [002] ..... 500.000000: ";

    /** What a consumer sees of each line, read in the callback: {has, get}. */
    private static List<long[]> read(String text, Field f) {
        List<long[]> out = new ArrayList<>();
        new TraceParser().parse(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), "fixture",
                e -> out.add(new long[]{e.has(f) ? 1 : 0, e.get(f)}));
        return out;
    }

    @Test
    void percpuRefillAbsentAfterPresentIsTheDeclaredDefaultNotTheLastValue() {
        // A 6.2+ kernel prints the real percpu_refill (1 for an order-3 pcp refill); a line without the field (6.1
        // -R record, or an older kernel's raw field set) is read as the kernel <= 6.1 printed it: order == 0.
        List<long[]> v = read(P + "mm_page_alloc_zone_locked: pfn=0x1000 order=3 migratetype=1 percpu_refill=1\n"
                + P + "mm_page_alloc_zone_locked: pfn=0x2000 order=3 migratetype=1\n"
                + P + "mm_page_alloc_zone_locked: pfn=0x3000 order=0 migratetype=1\n", Field.PERCPU_REFILL);
        assertEquals(3, v.size());
        assertEquals(1, v.get(0)[0]);
        assertEquals(1, v.get(0)[1]);
        assertEquals(0, v.get(1)[0], "not printed");
        assertEquals(0, v.get(1)[1], "order 3: order == 0 is false, not the previous line's 1");
        assertEquals(1, v.get(2)[1], "order 0: order == 0");
    }

    @Test
    void theRecordUsesTheSameDefault() {
        Lines l = Lines.parse(P + "mm_page_alloc_zone_locked: pfn=0x1000 order=3 migratetype=1 percpu_refill=1\n"
                + P + "mm_page_alloc_zone_locked: pfn=0x2000 order=3 migratetype=1\n");
        assertTrue(((TraceEvent.ZoneLocked) l.events.get(0)).percpuRefill());
        assertFalse(((TraceEvent.ZoneLocked) l.events.get(1)).percpuRefill());
    }

    @Test
    void modeAbsentAfterSyncIsUnknown() {
        List<long[]> v = read(P + "mm_compaction_begin: zone_start=0x1000 migrate_pfn=0x1000 free_pfn=0xfe00 "
                + "zone_end=0xffd7, mode=sync\n"
                + P + "mm_compaction_begin: zone_start=0x1000 migrate_pfn=0x1000 free_pfn=0xfe00 zone_end=0xffd7\n",
                Field.MODE);
        assertEquals(MigrateMode.SYNC_ANY.ordinal(), v.get(0)[1]);
        assertEquals(MigrateMode.UNKNOWN.ordinal(), v.get(1)[1]);
    }

    @Test
    void aFieldTheEventDoesNotHaveReadsZero() {
        List<long[]> v = read(P + "mm_page_alloc: pfn=0x10 order=2 migratetype=2 gfp_flags=GFP_KERNEL\n"
                + P + "mm_page_free: pfn=0x10 order=2\n", Field.MIGRATETYPE);
        assertEquals(2, v.get(0)[1]);
        assertEquals(0, v.get(1)[0]);
        assertEquals(0, v.get(1)[1]);
    }

    @Test
    void rangeAbsentAfterPresentIsMinusOne() {
        List<long[]> v = read(P + "mm_compaction_isolate_freepages: range=(0x9e00 ~ 0xa000) nr_scanned=16 nr_taken=0\n"
                + P + "mm_compaction_isolate_freepages: nr_scanned=16 nr_taken=0\n", Field.RANGE_END);
        assertEquals(0xa000, v.get(0)[1]);
        assertEquals(-1, v.get(1)[1]);
    }

    @Test
    void eventLogReplayAppliesTheSameDefaults() {
        EventLog log = EventLog.record(new ByteArrayInputStream((P
                + "mm_page_alloc_zone_locked: pfn=0x1000 order=3 migratetype=1 percpu_refill=1\n"
                + P + "mm_page_alloc_zone_locked: pfn=0x2000 order=3 migratetype=1\n").getBytes(StandardCharsets.UTF_8)),
                "fixture");
        List<Long> got = new ArrayList<>();
        log.replay(e -> got.add(e.get(Field.PERCPU_REFILL)));
        assertEquals(List.of(1L, 0L), got);
    }
}
