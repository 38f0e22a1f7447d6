package io.fragtrace.replay.blame;

import io.fragtrace.parser.EventType;
import io.fragtrace.parser.ParsedEvent;
import io.fragtrace.parser.TraceVisitor;
import io.fragtrace.replay.ObservedReplay;

/**
 * The lock-order stage's downstream when owners are wanted: each event goes to the replay, then to the page owners
 * (so they follow the model's order, reorderings included), then, for a failed order-N allocation inside the
 * window, to a {@link Blame} analysis of the model at that instant.
 */
public final class BlameTap implements TraceVisitor {
    private final ObservedReplay replay;
    private final PageOwners owners;
    private final Blame failures;
    private final int failureOrder;
    private final long fromNs;
    private final long toNs;

    /**
     * @param failures analysis run at each failed allocation of failureOrder with fromNs &lt; time &lt;= toNs, or
     *                 null
     */
    public BlameTap(ObservedReplay replay, PageOwners owners, Blame failures, int failureOrder, long fromNs,
                    long toNs) {
        this.replay = replay;
        this.owners = owners;
        this.failures = failures;
        this.failureOrder = failureOrder;
        this.fromNs = fromNs;
        this.toNs = toNs;
    }

    public BlameTap(ObservedReplay replay, PageOwners owners) {
        this(replay, owners, null, -1, Long.MIN_VALUE, Long.MAX_VALUE);
    }

    @Override
    public void onEvent(ParsedEvent e) {
        replay.onEvent(e);
        owners.onEvent(e);
        if (failures != null && e.type() == EventType.MM_PAGE_ALLOC && e.isFailedAlloc() && e.order() == failureOrder
                && e.timestampNs() > fromNs && e.timestampNs() <= toNs) {
            failures.failure(e.timestampNs(), e.line(), e.comm() + "-" + e.pid(), e.gfpText());
        }
    }
}
