package io.fragtrace.replay.snapshot;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The clock of a bundle's trace against the clock of its snapshots. buddydump stamps its {@code L} lines with
 * trace_clock_global(), which is sched_clock_cpu() (kernel/trace/trace_clock.c); once sched_clock is marked stable
 * that is sched_clock() + __sched_clock_offset (kernel/sched/clock.c), while trace_clock "local", the default of
 * ftrace, trace-cmd and perf, is sched_clock() alone. So under a local-clock trace every {@code L} instant is
 * __sched_clock_offset away from the trace's timestamps; the kernel prints the offset once, at boot:
 * {@code sched_clock: Marking stable (tick_gtod, __gtod_offset)->(tick_raw, __sched_clock_offset)}
 * (__set_sched_clock_stable()). It was -0.27 s to -2.26 s in 6.12 guests, far more than the gap between events.
 */
public final class SnapshotClock {
    private static final Pattern STABLE = Pattern.compile(
            "sched_clock: Marking stable \\((-?\\d+), (-?\\d+)\\)->\\((-?\\d+), (-?\\d+)\\)");
    private static final Pattern UNSTABLE = Pattern.compile("sched_clock: Marking unstable");

    /** What to add to a snapshot's L instant to get the trace's clock, and what the replay should say about it. */
    public record Shift(long ns, String note) {
        static final Shift NONE = new Shift(0, null);
    }

    private SnapshotClock() {
    }

    /** The selected clock of a bundle's meta.txt line {@code trace_clock: local [global] ...}, or null. */
    public static String traceClock(Path bundle) {
        Path meta = bundle == null ? null : bundle.resolve("meta.txt");
        if (meta == null || !Files.isRegularFile(meta)) {
            return null;
        }
        try (Stream<String> lines = Files.lines(meta, StandardCharsets.UTF_8)) {
            return lines.filter(l -> l.startsWith("trace_clock:")).findFirst().map(l -> {
                int a = l.indexOf('[');
                int b = l.indexOf(']', a + 1);
                return a < 0 || b < 0 ? null : l.substring(a + 1, b);
            }).orElse(null);
        } catch (IOException | UncheckedIOException e) {
            return null;
        }
    }

    /**
     * The shift of a bundle's snapshot instants into its trace's clock: none unless the trace used the local clock;
     * then minus __sched_clock_offset from the guest's kernel log (guest/dmesg.txt, else guest/console.log).
     */
    public static Shift of(Path bundle) {
        if (!"local".equals(traceClock(bundle))) {
            return Shift.NONE;
        }
        for (String name : List.of("dmesg.txt", "console.log")) {
            Path log = bundle.resolve("guest").resolve(name);
            if (Files.isRegularFile(log)) {
                Shift s = fromKernelLog(log);
                if (s != null) {
                    return s;
                }
            }
        }
        return new Shift(0, "trace clock local: the snapshots' instants are trace_clock_global(), and no "
                + "'sched_clock: Marking stable' line in guest/dmesg.txt gives the offset between the two clocks; "
                + "the replay window may be off (record with trace_clock global)");
    }

    /** The shift a kernel log gives, or null when it does not say. */
    static Shift fromKernelLog(Path log) {
        long offset = 0;
        boolean stable = false;
        boolean unstableAfter = false;
        try (Stream<String> lines = Files.lines(log, StandardCharsets.ISO_8859_1)) {
            for (String l : (Iterable<String>) lines::iterator) {
                Matcher m = STABLE.matcher(l);
                if (m.find()) {
                    offset = Long.parseLong(m.group(4));
                    stable = true;
                    unstableAfter = false;
                } else if (stable && UNSTABLE.matcher(l).find()) {
                    unstableAfter = true;
                }
            }
        } catch (IOException | UncheckedIOException e) {
            return null;
        }
        if (!stable) {
            return null;
        }
        if (unstableAfter) {
            return new Shift(0, "trace clock local: sched_clock was marked unstable after boot, so "
                    + "trace_clock_global() (the snapshots' instants) and the trace's clock are no longer a fixed "
                    + "offset apart; the replay window may be off (record with trace_clock global)");
        }
        return new Shift(-offset, String.format("trace clock local: snapshot instants moved by %+.6f s "
                + "(trace_clock_global() = sched_clock() + __sched_clock_offset, %d ns from '%s')", -offset / 1e9,
                offset, log.getParent().getFileName().resolve(log.getFileName())));
    }
}
