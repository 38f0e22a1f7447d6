package io.fragtrace.replay.simulate;

import io.fragtrace.parser.TraceParser;
import io.fragtrace.replay.ObservedReplay;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Both drivers sample at the same instants through metrics/SampleClock, also after the sampler doubles its interval
 * from inside a sample (as report/output/SampleBuffer does when it holds its maximum of instants).
 */
class SampleScheduleTest {
    /** Event instants in µs after 1 s: the first event starts the 1 ms grid. */
    private static final long[] EVENTS_US = {0, 1500, 3500, 5200, 7100, 10000, 12300};

    private static String trace() {
        StringBuilder t = new StringBuilder();
        for (long us : EVENTS_US) {
            t.append(String.format("            work-100     [000] .....     1.%06d: tracing_mark_write: step%n", us));
        }
        return t.toString();
    }

    /** The interval samples a driver takes: 1 ms, doubled to 2 ms by the third sample. */
    private static final class Doubling {
        final List<Long> us = new ArrayList<>();

        /** Returns the new interval when this sample doubles it, else 0. */
        long take(long timeNs, String marker) {
            if (marker != null) {
                return 0;
            }
            us.add((timeNs - 1_000_000_000L) / 1000);
            return us.size() == 3 ? 2_000_000L : 0;
        }
    }

    // Hand calculation (SampleClock: the first interval end is first event + interval; each event samples every end
    // it passes; a doubled interval counts from the sample that doubled it):
    //   event 0: next = 1000 | 1500: samples 1000, next 2000 | 3500: samples 2000, 3000 (third: interval 2000),
    //   next 3000 + 2000 = 5000 | 5200: 5000, next 7000 | 7100: 7000, next 9000 | 10000: 9000, next 11000 |
    //   12300: 11000, next 13000.
    private static final List<Long> EXPECTED_US = List.of(1000L, 2000L, 3000L, 5000L, 7000L, 9000L, 11000L);

    @Test
    void simulateDriverKeepsTheGridAfterTheIntervalDoubles() {
        assertEquals(EXPECTED_US, simulate(SimulatorRulesTest.sim(SimulatorRulesTest.zone(), "linux-6.1")));
    }

    @Test
    void simulateDriverCountsTheGridFromTheFirstEventAlsoWhenItsStartStateIsLater() {
        // start state at 1.002 s: the events at 1.000 and 1.0015 are before it, yet the grid is the same (the
        // sampler is told of 1.001 too; report/output/SampleBuffer drops a sample before its start)
        Simulator sim = new Simulator(SimulatorRulesTest.zone(), SimulatorRulesTest.cfg("linux-6.1"), null, null,
                1_002_000_000L);
        assertEquals(EXPECTED_US, simulate(sim));
    }

    private static List<Long> simulate(Simulator sim) {
        Doubling d = new Doubling();
        sim.setSampler(new Simulator.Sampler() {
            @Override
            public void sample(Simulator s, long timeNs, String marker) {
                long iv = d.take(timeNs, marker);
                if (iv > 0) {
                    s.setSampler(this, iv);
                }
            }
        }, 1_000_000L);
        parse(sim::onEvent);
        return d.us;
    }

    @Test
    void observedDriverTakesTheSameInstants() {
        ObservedReplay replay = new ObservedReplay(SimulatorRulesTest.zone());
        Doubling d = new Doubling();
        replay.setSampler(new ObservedReplay.Sampler() {
            @Override
            public void sample(ObservedReplay r, long timeNs, String marker) {
                long iv = d.take(timeNs, marker);
                if (iv > 0) {
                    r.setSampler(this, iv);
                }
            }
        }, 1_000_000L);
        parse(replay::onEvent);
        assertEquals(EXPECTED_US, d.us);
    }

    private static void parse(io.fragtrace.parser.TraceVisitor v) {
        new TraceParser().parse(new ByteArrayInputStream(trace().getBytes(StandardCharsets.UTF_8)), "t", v);
    }
}
