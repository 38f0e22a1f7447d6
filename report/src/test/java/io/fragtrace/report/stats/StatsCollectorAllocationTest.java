package io.fragtrace.report.stats;

import io.fragtrace.parser.ParseReport;
import io.fragtrace.parser.TraceInput;
import io.fragtrace.parser.TraceParser;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.lang.management.ManagementFactory;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** The collector allocates nothing per event: its extra allocation over a no-op visitor is a few fixed tables. */
class StatsCollectorAllocationTest {

    @Test
    void noAllocationPerEvent() throws Exception {
        byte[] data;
        try (InputStream in = TraceInput.of(SampleCaptureStatsTest.bundle("fragment-thp-256M").toString()).open()) {
            data = in.readAllBytes();
        }
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long tid = Thread.currentThread().getId();
        long noop = Long.MAX_VALUE;
        long withStats = Long.MAX_VALUE;
        long events = 0;
        for (int round = 0; round < 3; round++) { // the minimum of a few rounds, after warm-up, filters JIT noise
            long a0 = mx.getThreadAllocatedBytes(tid);
            ParseReport r = new TraceParser().parse(new ByteArrayInputStream(data), "t", e -> { });
            long a1 = mx.getThreadAllocatedBytes(tid);
            StatsCollector c = new StatsCollector();
            new TraceParser().parse(new ByteArrayInputStream(data), "t", c);
            c.finish(r).pagesStillAllocated();
            long a2 = mx.getThreadAllocatedBytes(tid);
            noop = Math.min(noop, a1 - a0);
            withStats = Math.min(withStats, a2 - a1);
            events = r.totalEvents();
        }
        long extra = withStats - noop;
        // 133,204 events: one 16-byte object per event would already be 2.1 MB
        assertTrue(extra < 1_000_000, "collector allocated " + extra + " bytes extra for " + events + " events");
    }
}
