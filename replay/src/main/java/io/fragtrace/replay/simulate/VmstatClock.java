package io.fragtrace.replay.simulate;

import java.util.Arrays;

/**
 * mm/vmstat.c: when each CPU's vmstat_update() runs, the work whose refresh_cpu_vm_stats() calls decay_pcp_high()
 * (6.7+). vmstat_update() re-queues itself on its CPU every sysctl_stat_interval through round_jiffies_relative(),
 * meant to put every CPU's run on the same whole-second jiffies boundary (skewed by 3 jiffies a CPU); the timer wheel
 * fires it up to a bucket late, a deferrable timer later on an idle CPU, and on the captures two CPUs' runs differ by
 * up to 0.2 s (kcompactd-4G-smp4-k6.12.118). The trace shows a run only when its decay drains pages (a kworker's
 * mm_page_pcpu_drain burst not following a free of its own). A CPU
 * whose run the trace showed runs a second after it; a CPU the trace has not shown yet (or first seen later) moves to
 * the phase of the last run shown on any CPU, at the instant of it nearest its own plan; before any, every CPU's first
 * run is a second after the first event.
 */
final class VmstatClock {
    /** sysctl_stat_interval (mm/vmstat.c): HZ, one second. */
    static final long INTERVAL_NS = 1_000_000_000L;
    private static final long UNSET = Long.MIN_VALUE;

    /** Per CPU, its next vmstat_update(); UNSET until its first event after the start. */
    private long[] next = new long[0];
    /** Per CPU, its last run (the model's or the trace's) and whether it was on the CPU's shown phase (false: none). */
    private long[] last = new long[0];
    private boolean[] lastOnOwnPhase = new boolean[0];
    /** Per CPU, whether the trace has shown one of its runs (its phase is its own). */
    private boolean[] shown = new boolean[0];
    /** The last traced run on any CPU, or UNSET: the phase of CPUs not shown yet. */
    private long phaseNs = UNSET;

    private void ensure(int cpus) {
        if (next.length < cpus) {
            int old = next.length;
            next = Arrays.copyOf(next, cpus);
            last = Arrays.copyOf(last, cpus);
            lastOnOwnPhase = Arrays.copyOf(lastOnOwnPhase, cpus);
            shown = Arrays.copyOf(shown, cpus);
            Arrays.fill(next, old, cpus, UNSET);
        }
    }

    /** The first instant after ts on the phase of a run at phase. */
    private static long onPhase(long phase, long ts) {
        return ts + INTERVAL_NS - Math.floorMod(ts - phase, INTERVAL_NS);
    }

    /**
     * The instant on the phase of a run at phase nearest to planned (within half an interval of it): a CPU moved to
     * another CPU's phase keeps running about once a second, never put off again and again by runs shown elsewhere.
     */
    private static long nearestOnPhase(long phase, long planned) {
        long d = Math.floorMod(planned - phase, INTERVAL_NS);
        return d <= INTERVAL_NS / 2 ? planned - d : planned - d + INTERVAL_NS;
    }

    /** A run the trace showed before the start state: its phase only (the start state has its decay). */
    void shownBeforeStart(long ts) {
        phaseNs = ts;
    }

    /**
     * A run the trace showed on cpu at ts (its decay drained pages): this CPU's next run is a second later, and CPUs
     * not shown yet move to this phase (the instant of it nearest their plan). Returns whether the run is still to be
     * made: not when the model made it on this CPU's shown phase less than half an interval before (fired late, that
     * run was this one: fragment-thp-4G-k6.12 shows 27.805 s after a run due at 27.793 s). A run the model made on a
     * phase it guessed was not this one.
     */
    boolean shown(int cpu, long ts, int cpus) {
        ensure(Math.max(cpus, cpu + 1));
        phaseNs = ts;
        shown[cpu] = true;
        for (int c = 0; c < next.length; c++) {
            if (c == cpu) {
                next[c] = ts + INTERVAL_NS;
            } else if (next[c] != UNSET && !shown[c]) {
                next[c] = nearestOnPhase(ts, next[c]);
            }
        }
        boolean run = !lastOnOwnPhase[cpu] || ts - last[cpu] >= INTERVAL_NS / 2;
        last[cpu] = ts;
        lastOnOwnPhase[cpu] = true;
        return run;
    }

    /**
     * The first CPU whose vmstat_update() is due at ts (its clock then moves on by a second), or -1. A CPU's first
     * run after the start is on the phase; runs before the start are not replayed (the start state has them).
     */
    int due(long ts, int cpus) {
        ensure(cpus);
        if (phaseNs == UNSET) {
            phaseNs = ts; // no run shown yet: the first a second after the first event, every CPU on that phase
        }
        for (int c = 0; c < next.length; c++) {
            if (next[c] == UNSET) {
                next[c] = onPhase(phaseNs, ts);
            } else if (next[c] <= ts) {
                next[c] += INTERVAL_NS;
                last[c] = ts;
                lastOnOwnPhase[c] = shown[c];
                return c;
            }
        }
        return -1;
    }
}
