package io.fragtrace.replay.metrics;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The one sampling schedule of both drivers: interval ends the events pass, from the first event, and markers. */
class SampleClockTest {
    @Test
    void intervalEndsFromTheFirstEventAndMarkers() {
        SampleClock c = new SampleClock();
        List<String> got = new ArrayList<>();
        c.set((t, marker) -> got.add(t + (marker == null ? "" : ":" + marker)), 10);
        c.advance(100);          // first event: the first sample is due at 100 + 10
        c.advance(105);          // nothing due
        c.advance(131);          // passes 110, 120, 130
        c.marker(131, "phase");  // a marker sample at its own instant
        c.advance(139);          // 140 not yet
        c.advance(140);          // exactly at the due instant: taken
        assertEquals(List.of("110", "120", "130", "131:phase", "140"), got);
    }

    @Test
    void aLongerIntervalSetInsideATickCountsFromThatSample() {
        SampleClock c = new SampleClock();
        List<Long> got = new ArrayList<>();
        long[] iv = {10};
        c.set(new SampleClock.Tick() {
            @Override
            public void sample(long t, String marker) {
                got.add(t);
                if (got.size() == 2) {
                    iv[0] = 20;
                    c.set(this, 20); // as SampleBuffer doubles its interval
                }
            }
        }, iv[0]);
        c.advance(0);
        c.advance(100);
        // 10, 20 at the first interval; then every 20 from 20: 40, 60, 80, 100
        assertEquals(List.of(10L, 20L, 40L, 60L, 80L, 100L), got);
    }

    @Test
    void noTickNoSamplesAndZeroIntervalOnlyMarkers() {
        SampleClock c = new SampleClock();
        c.advance(5);
        c.marker(5, "m");
        List<String> got = new ArrayList<>();
        c.set((t, marker) -> got.add(t + ":" + marker), 0);
        c.advance(1_000_000);
        c.marker(7, "m");
        assertEquals(List.of("7:m"), got);
    }
}
