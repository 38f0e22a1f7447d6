package io.fragtrace.replay.metrics;

/**
 * When a replay samples its model, for both drivers (observed and simulate): every interval of trace time from the
 * first event (a sample at each interval end the events pass, stamped with that instant), and at every trace marker.
 * The driver calls {@link #advance} with each event's time before applying it and {@link #marker} where it applies a
 * marker; the tick samples the driver's model.
 */
public final class SampleClock {
    /** Takes one sample; marker is the trace_marker text, or null for an interval sample. */
    @FunctionalInterface
    public interface Tick {
        void sample(long timeNs, String marker);
    }

    private Tick tick;
    private long intervalNs;
    private long nextNs = Long.MIN_VALUE;

    /** Samples through tick every intervalNs (0: only at markers); null: no sampling. The schedule is kept. */
    public void set(Tick tick, long intervalNs) {
        this.tick = tick;
        this.intervalNs = intervalNs;
    }

    /** The interval samples due by an event at ts (before the event is applied). */
    public void advance(long ts) {
        if (tick == null || intervalNs <= 0) {
            return;
        }
        if (nextNs == Long.MIN_VALUE) {
            nextNs = ts + intervalNs;
        }
        while (ts >= nextNs) {
            tick.sample(nextNs, null);
            nextNs += intervalNs;
        }
    }

    /** A sample at a trace marker. */
    public void marker(long ts, String text) {
        if (tick != null) {
            tick.sample(ts, text);
        }
    }
}
