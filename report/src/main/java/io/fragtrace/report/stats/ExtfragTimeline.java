package io.fragtrace.report.stats;

/**
 * mm_page_alloc_extfrag counts in time buckets with a fixed number of buckets whatever the trace length: buckets
 * start at the first event of the trace, {@link #START_WIDTH_NS} wide (or the replay's sample interval); when an
 * event falls past the last bucket, neighbouring buckets are merged in pairs and the width doubles. A trace ends
 * with between half and all of {@link #AUTO_BUCKETS} buckets (or {@link #FIXED_BUCKETS} with a given interval).
 */
public final class ExtfragTimeline {
    static final int AUTO_BUCKETS = 200;
    static final int FIXED_BUCKETS = 4096;
    static final long START_WIDTH_NS = 1000;

    private final int cap;
    private long widthNs;
    private long originNs = Long.MIN_VALUE;
    private long lastNs = Long.MIN_VALUE;
    private long limitNs = Long.MAX_VALUE;
    private final long[] fallbacks;
    private final long[] fragmenting;
    private final long[] changeOwnership;

    /** {@code intervalNs} ≤ 0: automatic (about 200 buckets over the span). */
    ExtfragTimeline(long intervalNs) {
        cap = intervalNs > 0 ? FIXED_BUCKETS : AUTO_BUCKETS;
        widthNs = intervalNs > 0 ? intervalNs : START_WIDTH_NS;
        fallbacks = new long[cap];
        fragmenting = new long[cap];
        changeOwnership = new long[cap];
    }

    /** Every timestamped event: the buckets cover the whole trace, not only its fallbacks. Two compares. */
    void time(long ns) {
        if (ns <= lastNs) {
            return;
        }
        if (originNs == Long.MIN_VALUE) {
            originNs = ns;
            limitNs = limit();
        }
        lastNs = ns;
        while (ns >= limitNs && limitNs != Long.MAX_VALUE) {
            merge();
        }
    }

    /** First instant past the last bucket (saturating). */
    private long limit() {
        if (widthNs > Long.MAX_VALUE / cap) {
            return Long.MAX_VALUE; // the buckets reach the end of the clock: no more merging
        }
        long span = widthNs * cap;
        return originNs > Long.MAX_VALUE - span ? Long.MAX_VALUE : originNs + span;
    }

    void add(long ns, boolean isFragmenting, boolean changedOwnership) {
        time(ns);
        int i = index(ns);
        fallbacks[i]++;
        if (isFragmenting) {
            fragmenting[i]++;
        }
        if (changedOwnership) {
            changeOwnership[i]++;
        }
    }

    private int index(long ns) {
        long d = ns - originNs;
        if (((ns ^ originNs) & (ns ^ d)) < 0) { // overflow
            d = ns > originNs ? Long.MAX_VALUE : Long.MIN_VALUE;
        }
        return (int) Math.min(cap - 1, Math.max(0, d / widthNs));
    }

    private void merge() {
        for (int i = 0; i < cap; i++) {
            int a = 2 * i;
            fallbacks[i] = a < cap ? fallbacks[a] + (a + 1 < cap ? fallbacks[a + 1] : 0) : 0;
            fragmenting[i] = a < cap ? fragmenting[a] + (a + 1 < cap ? fragmenting[a + 1] : 0) : 0;
            changeOwnership[i] = a < cap ? changeOwnership[a] + (a + 1 < cap ? changeOwnership[a + 1] : 0) : 0;
        }
        widthNs *= 2;
        limitNs = limit();
    }

    /** Buckets from the first to the last event of the trace (none without timestamps). */
    public int buckets() {
        return lastNs == Long.MIN_VALUE ? 0 : index(lastNs) + 1;
    }

    public long widthNs() {
        return widthNs;
    }

    /** Start of bucket i in trace-clock ns. */
    public long startNs(int i) {
        return originNs + i * widthNs;
    }

    public long fallbacks(int i) {
        return fallbacks[i];
    }

    public long fragmenting(int i) {
        return fragmenting[i];
    }

    public long changeOwnership(int i) {
        return changeOwnership[i];
    }
}
