package io.fragtrace.replay.simulate;

import io.fragtrace.parser.EventLog;
import io.fragtrace.parser.TraceInput;
import io.fragtrace.replay.config.BundleConfig;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * kcompactd()'s proactive wait (mm/compaction.c): wait_event_freezable_timeout(..., default_timeout) with
 * default_timeout = msecs_to_jiffies(HPAGE_FRAG_CHECK_INTERVAL_MSEC), which the timer wheel (kernel/time/timer.c,
 * calc_wheel_index()) fires at the bucket after its expiry.
 */
class KcompactdTimerTest {
    @Test
    void theTimerWheelRoundsTheTimeoutUpToItsBucket() {
        // LVL_START(1) = 63, LVL_START(2) = 63 << 3 = 504, LVL_START(3) = 63 << 6 = 4032, LVL_START(4) = 32256
        // HZ 250: 500 ms = 125 jiffies, level 1 (8-jiffy buckets): ((125 >> 3) + 1) << 3 = 16 * 8 = 128 = 512 ms
        assertEquals(125, TimerWheel.msecsToJiffies(500, 250));
        assertEquals(128, TimerWheel.firesAfterJiffies(125));
        assertEquals(512_000_000L, TimerWheel.firesAfterNs(125, 250));
        // HZ 1000: 500 jiffies < 504, level 1: (62 + 1) * 8 = 504 = 504 ms
        assertEquals(504_000_000L, TimerWheel.firesAfterNs(TimerWheel.msecsToJiffies(500, 1000), 1000));
        // HZ 100: 50 jiffies < 63, level 0 (1-jiffy buckets): 50 + 1 = 51 = 510 ms
        assertEquals(510_000_000L, TimerWheel.firesAfterNs(TimerWheel.msecsToJiffies(500, 100), 100));
        // HZ 300: 150 jiffies, level 1: (18 + 1) * 8 = 152 jiffies = 506.666 ms
        assertEquals(506_666_666L, TimerWheel.firesAfterNs(TimerWheel.msecsToJiffies(500, 300), 300));
        // the deferred timeout, 125 << COMPACT_MAX_DEFER_SHIFT (6) = 8000 jiffies at HZ 250: level 3 (512-jiffy
        // buckets): ((8000 >> 9) + 1) << 9 = 16 * 512 = 8192 jiffies = 32.768 s
        assertEquals(8192, TimerWheel.firesAfterJiffies(8000));
        // a delta on a level's first value goes up a level: 63 -> level 1: (7 + 1) * 8 = 64
        assertEquals(64, TimerWheel.firesAfterJiffies(63));
        assertEquals(63, TimerWheel.firesAfterJiffies(62));
    }

    @Test
    void theConfigsHzSetsBothTimeouts() {
        Simulator s = SimulatorRulesTest.sim(SimulatorRulesTest.zone(), "linux-6.1"); // hz = 250
        assertEquals(512_000_000L, s.proactiveTimeoutNs);
        assertEquals(32_768_000_000L, s.proactiveDeferredNs);
    }

    /**
     * fragment-thp-1G-k6.12: the kernel's kcompactd began a wait at 12.337311 s, before the start state, and timed
     * out with nothing to do (no pass, no wake) at each of its next mm_compaction_kcompactd_sleep lines: 12.841628,
     * 13.353656, 13.865870, 14.377695, 14.893632, 15.401651 s (the trace's own; 504–516 ms apart). The model's
     * checks run on from the kernel's phase, 512 ms apart: 12.849311 + k × 0.512 s, each within 8 ms of the kernel's
     * (the first 500 ms from the start state's first event, as before, fell ~250 ms away).
     */
    @Test
    void proactiveChecksRunOnFromTheKernelsTimerPhase() throws Exception {
        checksRunOnFromThePhase("fragment-thp-1G-k6.12", 15_500_000_000L, 12_337_311_000L, 8_000_000L,
                12_841_628_000L, 13_353_656_000L, 13_865_870_000L, 14_377_695_000L, 14_893_632_000L, 15_401_651_000L);
    }

    /**
     * fragment-thp-1G-smp4-k6.12: no mm_compaction_kcompactd_sleep before the start state (its snapshot ends at
     * 13.178 s); the kernel's kcompactd's first traced wait begins at 13.283343 s and times out at 13.793637,
     * 14.309764, 14.817540, 15.333529, 15.845578, 16.357417, 16.870381, 17.381810 s with nothing to do (the trace's
     * own lines). The model's first timeout, 512 ms after its first event, is still to come at 13.283343 s, so its timer
     * takes that phase: 13.283343 + k × 0.512 s, each within 4 ms of the kernel's.
     */
    @Test
    void withoutAWaitBeforeTheStartTheKernelsFirstWaitSetsThePhase() throws Exception {
        checksRunOnFromThePhase("fragment-thp-1G-smp4-k6.12", 17_400_000_000L, 13_283_343_000L, 4_000_000L,
                13_793_637_000L, 14_309_764_000L, 14_817_540_000L, 15_333_529_000L, 15_845_578_000L, 16_357_417_000L,
                16_870_381_000L, 17_381_810_000L);
    }

    /**
     * Simulates the sample up to cut: the kernel's timer phase is phaseNs, and the model's proactive checks are exactly
     * phaseNs + k × 512 ms, each within tolerance of the kernel's own timeouts (its kcompactd_sleep lines).
     */
    private static void checksRunOnFromThePhase(String sample, long cut, long phaseNs, long tolerance, long... kernel)
            throws Exception {
        Path bundle = SimSamples.bundle(sample);
        Simulator s = Simulation.forBundle(bundle, BundleConfig.read(bundle, "linux-6.1").config());
        EventLog.record(TraceInput.of(bundle.toString())).replay(e -> {
            if (e.timestampNs() <= cut) {
                s.onEvent(e);
            }
        });
        assertEquals(phaseNs, s.kcompactdPhaseNs);
        assertEquals(kernel.length, s.proactiveChecks().size());
        for (int i = 0; i < kernel.length; i++) {
            long model = s.proactiveChecks().get(i)[0];
            assertEquals(phaseNs + (i + 1) * 512_000_000L, model);
            assertTrue(Math.abs(model - kernel[i]) <= tolerance, "check " + i + ": " + model + " vs " + kernel[i]);
        }
    }
}
