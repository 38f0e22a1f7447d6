package io.fragtrace.report.stats;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Fixed bucket count, merged by doubling: the buckets of 1,000 fallbacks 1 ms apart, worked out by hand. */
class ExtfragTimelineTest {
    static final long ORIGIN = 15_000_000_000L;

    @Test
    void automaticBucketsDoubleAndKeepEveryEvent() {
        ExtfragTimeline t = new ExtfragTimeline(0);
        for (int k = 0; k < 1000; k++) {
            t.add(ORIGIN + k * 1_000_000L, k % 2 == 0, k % 4 == 0);
        }
        // span 999 ms; 200 buckets of 1 µs × 2^j cover it first at 2^j > 4995: j = 13, width 8.192 ms
        assertEquals(8_192_000L, t.widthNs());
        // last event at 999 ms is in bucket floor(999 / 8.192) = 121: 122 buckets
        assertEquals(122, t.buckets());
        assertEquals(ORIGIN, t.startNs(0));
        assertEquals(ORIGIN + 121 * 8_192_000L, t.startNs(121));
        // bucket 0 holds k = 0..8 (k ms < 8.192 ms): 9 fallbacks, fragmenting k even: 0,2,4,6,8 = 5, ownership 0,4,8 = 3
        assertEquals(9, t.fallbacks(0));
        assertEquals(5, t.fragmenting(0));
        assertEquals(3, t.changeOwnership(0));
        // bucket 1 holds k = 9..16 (8.192 ≤ k < 16.384): 8
        assertEquals(8, t.fallbacks(1));
        long sum = 0;
        for (int i = 0; i < t.buckets(); i++) {
            sum += t.fallbacks(i);
        }
        assertEquals(1000, sum);
    }

    @Test
    void otherEventsStretchTheSpan() {
        ExtfragTimeline t = new ExtfragTimeline(0);
        t.time(ORIGIN);
        t.add(ORIGIN + 5_000, true, false);
        t.time(ORIGIN + 1_000_000_000L); // 1 s of trace after the only fallback
        // 200 × 1 µs × 2^j > 1 s first at 2^j > 5000: j = 13 → width 8.192 ms, last bucket 122 (1 s / 8.192 ms)
        assertEquals(8_192_000L, t.widthNs());
        assertEquals(123, t.buckets());
        assertEquals(1, t.fallbacks(0));
        assertEquals(0, t.fallbacks(122));
    }

    @Test
    void givenIntervalIsTheWidth() {
        ExtfragTimeline t = new ExtfragTimeline(1_000_000L);
        for (int k = 0; k < 1000; k++) {
            t.add(ORIGIN + k * 1_000_000L, false, false);
        }
        assertEquals(1_000_000L, t.widthNs());
        assertEquals(1000, t.buckets());
        for (int i = 0; i < 1000; i++) {
            assertEquals(1, t.fallbacks(i));
        }
        // past 4096 buckets the width doubles all the same
        t.add(ORIGIN + 5_000_000_000L, false, false);
        assertEquals(2_000_000L, t.widthNs());
        assertEquals(2, t.fallbacks(0));
        assertEquals(2501, t.buckets());
    }

    @Test
    void hostileTimestampsStayInBounds() {
        ExtfragTimeline t = new ExtfragTimeline(0);
        t.add(-5, true, true);
        t.add(-10, false, false); // before the first: counted in bucket 0
        t.add(Long.MAX_VALUE, false, false);
        t.time(Long.MAX_VALUE);
        long sum = 0;
        for (int i = 0; i < t.buckets(); i++) {
            sum += t.fallbacks(i);
        }
        assertEquals(3, sum);
        assertEquals(2, t.fallbacks(0));
        assertTrue(t.buckets() > 100 && t.buckets() <= ExtfragTimeline.AUTO_BUCKETS, "" + t.buckets());
        assertEquals(1, t.fallbacks(t.buckets() - 1), "the last bucket holds the end of the clock");
    }
}
