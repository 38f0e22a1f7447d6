package io.fragtrace.replay.snapshot;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SnapshotClockTest {
    private static Path bundle(Path dir, String clockLine, String dmesg) throws Exception {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("meta.txt"), "capture: x\n" + clockLine + "\n");
        if (dmesg != null) {
            Files.createDirectories(dir.resolve("guest"));
            Files.writeString(dir.resolve("guest/dmesg.txt"), dmesg);
        }
        return dir;
    }

    // __set_sched_clock_stable() (kernel/sched/clock.c) prints (tick_gtod, __gtod_offset)->(tick_raw,
    // __sched_clock_offset); trace_clock_global() = sched_clock() + __sched_clock_offset, local = sched_clock()
    private static final String STABLE = "[    3.318479] sched_clock: Marking stable (3296504130, 21626969)->"
            + "(3586316225, -268185126)\n";

    @Test
    void aLocalClockTraceMovesTheSnapshotInstantsByMinusTheOffset(@TempDir Path dir) throws Exception {
        Path b = bundle(dir, "trace_clock: [local] global counter uptime perf", "[    0.0] Linux version\n" + STABLE);
        assertEquals("local", SnapshotClock.traceClock(b));
        SnapshotClock.Shift s = SnapshotClock.of(b);
        // L_local = L_global - __sched_clock_offset = L_global + 268185126 ns
        assertEquals(268_185_126L, s.ns());
        assertTrue(s.note().contains("+0.268185 s"), s.note());
    }

    @Test
    void aGlobalClockTraceIsTheSnapshotsOwnClock(@TempDir Path dir) throws Exception {
        Path b = bundle(dir, "trace_clock: local [global] counter", STABLE);
        assertEquals(0, SnapshotClock.of(b).ns());
        assertNull(SnapshotClock.of(b).note());
    }

    @Test
    void withoutTheOffsetOrAfterAnUnstableMarkNothingMovesAndTheReplaySaysSo(@TempDir Path dir) throws Exception {
        Path none = bundle(dir.resolve("a"), "trace_clock: [local] global", "[ 0.1] nothing about clocks\n");
        assertEquals(0, SnapshotClock.of(none).ns());
        assertNotNull(SnapshotClock.of(none).note());
        // clear_sched_clock_stable() after boot ("Marking unstable"): sched_clock_cpu() stops being a fixed offset
        Path unstable = bundle(dir.resolve("b"), "trace_clock: [local] global",
                STABLE + "[ 90.0] sched_clock: Marking unstable (90000000000, 1)<-(90000000001, 2)\n");
        assertEquals(0, SnapshotClock.of(unstable).ns());
        assertTrue(SnapshotClock.of(unstable).note().contains("unstable"));
    }
}
