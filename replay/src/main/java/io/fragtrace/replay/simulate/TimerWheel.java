package io.fragtrace.replay.simulate;

/**
 * kernel/time/timer.c: when a timeout armed for a number of jiffies fires. The timer wheel files a timer by its
 * distance into a level whose buckets are 8^level jiffies wide (64 buckets a level) and rounds the expiry up to the
 * next bucket so that it never fires early ({@code calc_wheel_index()}, {@code calc_index()}). kcompactd's
 * {@code wait_event_freezable_timeout(..., msecs_to_jiffies(HPAGE_FRAG_CHECK_INTERVAL_MSEC))} is such a timeout:
 * 125 jiffies at HZ 250 lands on level 1 (8-jiffy buckets) and fires 128 jiffies = 512 ms after a wait begun on a
 * bucket boundary, which is where kcompactd begins the next wait when the previous one timed out.
 */
final class TimerWheel {
    /** LVL_CLK_SHIFT: each level's buckets are 8 times wider than the one below. */
    static final int LVL_CLK_SHIFT = 3;
    /** LVL_SIZE: buckets per level. */
    static final int LVL_SIZE = 64;
    /** LVL_DEPTH at HZ > 100 (9 levels; 8 at HZ 100: the last level's range is not reached by these timeouts). */
    static final int LVL_DEPTH = 9;

    private TimerWheel() {
    }

    /** msecs_to_jiffies() (include/linux/jiffies.h): rounded up. */
    static long msecsToJiffies(long ms, int hz) {
        return (ms * hz + 999) / 1000;
    }

    /**
     * calc_wheel_index() → calc_index() (kernel/time/timer.c): the jiffies from arming at a bucket boundary to the
     * bucket expiry of a timeout of delta jiffies. LVL_START(n) = (LVL_SIZE - 1) << ((n - 1) * LVL_CLK_SHIFT); level n
     * rounds (expires >> n·3) + 1 back up by n·3 bits.
     */
    static long firesAfterJiffies(long delta) {
        int lvl = 0;
        while (lvl < LVL_DEPTH - 1 && delta >= (long) (LVL_SIZE - 1) << (lvl * LVL_CLK_SHIFT)) {
            lvl++;
        }
        int shift = lvl * LVL_CLK_SHIFT;
        return ((delta >> shift) + 1) << shift;
    }

    /** A timeout of the given jiffies, as the nanoseconds until it fires at hz. */
    static long firesAfterNs(long jiffies, int hz) {
        return firesAfterJiffies(jiffies) * 1_000_000_000L / hz;
    }
}
