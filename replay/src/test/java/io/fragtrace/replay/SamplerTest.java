package io.fragtrace.replay;

import io.fragtrace.parser.Samples;

import io.fragtrace.parser.TraceInput;
import io.fragtrace.parser.TraceParser;
import io.fragtrace.replay.model.BuddyModel;
import io.fragtrace.replay.snapshot.BuddyDump;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The sampling hook for time series: every interval of trace time and at every trace_marker. */
class SamplerTest {
    @Test
    void samplesAtIntervalsAndMarkers() throws Exception {
        Path b = Samples.bundle("fragment-thp-256M");
        BuddyDump before = BuddyDump.load(b.resolve("before/buddydump.txt"));
        BuddyModel m = ModelLoader.fromDump(before, ModelLoader.semanticsFor(b, before), null);
        ObservedReplay r = new ObservedReplay(m);
        List<String> markers = new ArrayList<>();
        int[] intervals = {0};
        List<ZoneStats> stats = new ArrayList<>();
        r.setSampler((replay, t, marker) -> {
            if (marker != null) {
                markers.add(marker);
            } else {
                intervals[0]++;
            }
            stats.add(ZoneStats.of(replay.model(), 1));
        }, 100_000_000L);
        new TraceParser().parse(TraceInput.of(b.toString()), r);
        // meta.txt: 46 tracing_mark_write lines; trace 10.605787 .. 13.137453 s → 25 whole 100 ms steps
        assertEquals(46, markers.size());
        assertTrue(markers.get(0).contains("capture: tracing on"), markers.get(0));
        assertEquals(25, intervals[0]);
        assertEquals(71, stats.size());
    }
}
