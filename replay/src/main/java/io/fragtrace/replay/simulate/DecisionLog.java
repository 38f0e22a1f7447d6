package io.fragtrace.replay.simulate;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The model's daemon and compaction decisions in order, for {@code calibrate --decisions}: when its kswapd woke, ended
 * a round, gave its order up or found the node hopeless, when kcompactd ran, and what try_to_compact_pages() did per
 * zone (a pass, or why none). What the kernel did is in the trace; this is the model's side of the same questions.
 * Bounded: the first {@code cap} decisions are kept, the rest counted.
 */
public final class DecisionLog {
    /** One decision at the model's instant: what (a kernel function's outcome) and its details, in words. */
    public record Decision(long atNs, String what, String detail) {
    }

    private final int cap;
    private final List<Decision> kept = new ArrayList<>();
    private long dropped;

    public DecisionLog(int cap) {
        this.cap = cap;
    }

    void add(long atNs, String what, String detail) {
        if (kept.size() < cap) {
            kept.add(new Decision(atNs, what, detail));
        } else {
            dropped++;
        }
    }

    public List<Decision> decisions() {
        return Collections.unmodifiableList(kept);
    }

    /** Decisions made after the cap was reached, not kept. */
    public long dropped() {
        return dropped;
    }
}
