package io.fragtrace.report.output;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fragtrace.parser.TraceInput;
import io.fragtrace.parser.TraceVisitor;
import io.fragtrace.replay.HeapCheck;
import io.fragtrace.replay.ObservedReplay;
import io.fragtrace.replay.blame.Blame;
import io.fragtrace.replay.blame.BlameRun;
import io.fragtrace.replay.blame.BlameTap;
import io.fragtrace.replay.blame.PageOwners;
import io.fragtrace.replay.model.BuddyModel;
import io.fragtrace.replay.snapshot.KpageFlags;
import io.fragtrace.replay.snapshot.SnapshotException;
import io.fragtrace.report.blame.BlameJson;

import java.util.Arrays;

/**
 * summary.json's {@code blame}: who blocks pageblock-order (order-9) blocks at the end of the replay and at each
 * failed order-9 allocation, from page owners kept beside the replay's model (see {@code fragtrace blame}).
 */
final class BlameSummary {
    /** Culprits kept per kind in summary.json. */
    static final int TOP = 20;

    private final PageOwners owners;
    private final KpageFlags flags;
    private final Blame failures;
    private final BlameTap tap;
    private final int order;

    private BlameSummary(PageOwners owners, KpageFlags flags, Blame failures, BlameTap tap, int order) {
        this.owners = owners;
        this.flags = flags;
        this.failures = failures;
        this.tap = tap;
        this.order = order;
    }

    /** The lock-order stage's downstream: the replay, then the owners. */
    TraceVisitor tap() {
        return tap;
    }

    /** Owners for a replay, or null when they would not fit the heap next to the model. */
    static BlameSummary start(TraceInput input, ObservedReplay replay, long[] from, long[] to)
            throws SnapshotException {
        BuddyModel m = replay.model();
        long pfns = m.endPfn() - m.basePfn();
        long need = HeapCheck.bytesFor(pfns) + PageOwners.BYTES_PER_PAGE * pfns;
        if (need > Runtime.getRuntime().maxMemory()) {
            return null;
        }
        PageOwners owners = new PageOwners(m, from, to);
        KpageFlags flags = BlameRun.beforeFlags(input.bundle());
        int order = Math.min(m.pageblockOrder(), m.nrOrders() - 1);
        Blame failures = new Blame(owners, flags, order, false);
        long startNs = Arrays.stream(from).max().orElse(Long.MIN_VALUE);
        BlameTap tap = new BlameTap(replay, owners, failures, order, startNs, Long.MAX_VALUE);
        return new BlameSummary(owners, flags, failures, tap, order);
    }

    /** Adds {@code blame} to summary.json: at_end (the model's final state) and at_failures. */
    static void put(ObjectNode summary, BlameSummary b, long endNs) {
        ObjectNode n = summary.putObject("blame");
        if (b == null) {
            n.put("skipped", "page owners do not fit this heap next to the model (fragtrace blame computes them "
                    + "alone)");
            return;
        }
        n.put("order", b.order);
        Blame end = new Blame(b.owners, b.flags, b.order, false);
        end.analyse(endNs);
        n.set("at_end", BlameJson.tree(end.result("end of trace"), TOP, false));
        n.set("at_failures", BlameJson.tree(b.failures.result("failed order-" + b.order + " allocations"), TOP,
                false));
    }
}
