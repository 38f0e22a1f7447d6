package io.fragtrace.replay.simulate;

import io.fragtrace.parser.EventLog;
import io.fragtrace.parser.EventType;
import io.fragtrace.parser.ParsedEvent;
import io.fragtrace.parser.TraceInput;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * When each CPU's vmstat_update() (mm/vmstat.c) runs refresh_cpu_vm_stats() → decay_pcp_high() (mm/page_alloc.c,
 * 6.7+): once a second per CPU, at the instant the trace shows where a decay drained pages ({@link VmstatClock}).
 */
class VmstatDecayTest {
    private static final long S = 1_000_000_000L;

    @Test
    void everyCpuRunsASecondAfterTheFirstEventUntilTheTraceShowsARun() {
        VmstatClock c = new VmstatClock();
        assertEquals(-1, c.due(10 * S, 2)); // the first event: both CPUs' first runs at 11 s
        assertEquals(-1, c.due(11 * S - 1, 2));
        assertEquals(0, c.due(11 * S, 2));
        assertEquals(1, c.due(11 * S, 2));
        assertEquals(-1, c.due(11 * S, 2));
        // a CPU first seen at 11.3 s takes the same phase: its first run at 12 s
        assertEquals(-1, c.due(11 * S + 300_000_000L, 3));
        assertEquals(0, c.due(12 * S, 3));
        assertEquals(1, c.due(12 * S, 3));
        assertEquals(2, c.due(12 * S, 3));
    }

    @Test
    void aShownRunMovesItsCpuAndTheCpusNotShownYetToItsPhase() {
        VmstatClock c = new VmstatClock();
        c.due(10 * S, 2); // runs due at 11 s
        // CPU 1's run shown at 10.4 s (half a second after the model's last: none yet): made now, next at 11.4 s
        assertTrue(c.shown(1, 10 * S + 400_000_000L, 2));
        // CPU 0, not shown, moves to that phase too: nothing is due at 11 s any more
        assertEquals(-1, c.due(11 * S, 2));
        assertEquals(0, c.due(11 * S + 400_000_000L, 2));
        assertEquals(1, c.due(11 * S + 400_000_000L, 2));
        // CPU 0's run shown at 11.43 s: the model's run at 11.4 s was on CPU 1's phase, not CPU 0's, so this one is
        // made too; CPU 0's next run is a second after it, CPU 1 keeps its own phase
        assertTrue(c.shown(0, 11 * S + 430_000_000L, 2));
        assertEquals(1, c.due(12 * S + 429_000_000L, 2));
        assertEquals(-1, c.due(12 * S + 429_000_000L, 2));
        assertEquals(0, c.due(12 * S + 430_000_000L, 2));
        // now on its own phase: a run shown 30 ms after the model made it (the timer wheel fires a bucket late) is
        // that run, not made twice; the next is a second after the shown one
        assertFalse(c.shown(0, 12 * S + 460_000_000L, 2));
        assertEquals(1, c.due(13 * S + 459_000_000L, 2));
        assertEquals(-1, c.due(13 * S + 459_000_000L, 2));
        assertEquals(0, c.due(13 * S + 460_000_000L, 2));
        // 600 ms after its last run (more than half an interval): another run, made
        assertTrue(c.shown(0, 14 * S + 60_000_000L, 2));
    }

    @Test
    void runsShownOnAnotherCpuDoNotPutACpusRunOffAgainAndAgain() {
        VmstatClock c = new VmstatClock();
        c.due(10 * S, 2); // runs due at 11 s
        // CPU 1's runs shown a little under a second apart (10.95, 11.9, 12.85 s): CPU 0, never shown, moves each
        // time to the instant on the new phase nearest its plan, and still runs once about every second
        long[] shownAt = {10 * S + 950_000_000L, 11 * S + 900_000_000L, 12 * S + 850_000_000L};
        for (long t : shownAt) {
            assertTrue(c.shown(1, t, 2));
            assertEquals(0, c.due(t, 2));
            assertEquals(-1, c.due(t, 2));
        }
    }

    @Test
    void aRunShownBeforeTheStartGivesOnlyThePhase() {
        VmstatClock c = new VmstatClock();
        c.shownBeforeStart(7 * S + 800_000_000L);
        // the first event after the start at 10.1 s: no run replayed for 8.8 and 9.8 s; the next on the phase, 10.8 s
        assertEquals(-1, c.due(10 * S + 100_000_000L, 2));
        assertEquals(-1, c.due(10 * S + 799_999_999L, 2));
        assertEquals(0, c.due(10 * S + 800_000_000L, 2));
        assertEquals(1, c.due(10 * S + 800_000_000L, 2));
    }

    /**
     * fragment-thp-512M-k6.12, the trace's own lines: kworker/0:0 drains 681 pages of CPU 0's DMA32 pageset at
     * 15.794919 s, its first decay since the trace began, while the fragment phase frees (the frees before it drain
     * at pcp->high 7152). decay_pcp_high(): high = max3(count - (batch << 5), high - high / 8, high_min) = 7152 - 894
     * = 6258 (7152 >> 3 = 894; batch 31: 6939 - 992 = 5947), and count - 6258 = 681 pages drained: a count of 6939.
     * The model's pageset, exact up to there, decays at that instant and drains what the kernel drained.
     */
    @Test
    void theModelDecaysCpu0AtTheKworkersDrainAndDrainsWhatTheKernelDrained() throws Exception {
        Path bundle = SimSamples.bundle("fragment-thp-512M-k6.12");
        Simulator s = SimSamples.simulator("fragment-thp-512M-k6.12");
        long at = 15_794_919_000L;
        int dma32 = 1;
        long[] before = {-1};
        long[] after = {-1};
        int[] high = {-1};
        int[] kernelDrained = {0};
        EventLog.record(TraceInput.of(bundle.toString())).replay(e -> {
            long ts = e.timestampNs();
            if (ts < at) {
                s.onEvent(e);
                return;
            }
            if (ts < at + 1_000_000L && isKworkerDrain(e)) { // the burst: 681 lines from 15.794919 s
                kernelDrained[0]++;
                if (after[0] < 0) {
                    before[0] = s.pcpCount[dma32][0];
                    s.onEvent(e);
                    after[0] = s.pcpCount[dma32][0];
                    high[0] = s.tuned[dma32][0].high;
                }
            }
        });
        assertEquals(681, kernelDrained[0]);
        assertEquals(6939, before[0]);
        assertEquals(6939 - 681, after[0]);
        assertEquals(6258, high[0]);
    }

    private static boolean isKworkerDrain(ParsedEvent e) {
        return e.type() == EventType.MM_PAGE_PCPU_DRAIN && e.comm().startsWith("kworker/0:0") && e.cpu() == 0;
    }
}
