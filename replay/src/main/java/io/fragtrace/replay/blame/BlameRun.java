package io.fragtrace.replay.blame;

import io.fragtrace.parser.TraceInput;
import io.fragtrace.parser.TraceInputException;
import io.fragtrace.replay.HeapCheck;
import io.fragtrace.replay.Instant;
import io.fragtrace.replay.ReplayTo;
import io.fragtrace.replay.model.BuddyModel;
import io.fragtrace.replay.model.KernelSemantics;
import io.fragtrace.replay.snapshot.KpageFlags;
import io.fragtrace.replay.snapshot.SnapshotException;

import java.nio.file.Path;
import java.util.Arrays;

/**
 * {@code fragtrace blame}: one observed replay from the start state to the instant asked for ({@link ReplayTo}) with
 * page owners following it, then {@link Blame} at that instant, or at every failed order-N allocation up to it.
 */
public final class BlameRun {
    /**
     * What to analyse. {@code time}: null (end of the trace), seconds on the trace clock, or a marker's text;
     * {@code zoneLimitNs}: per zone, the last instant replayed (tests: an after/ dump's L lines); overrides time.
     */
    public record Options(int order, String time, boolean failures, KernelSemantics kernel, long[] zoneLimitNs) {
        public Options(int order, String time, boolean failures) {
            this(order, time, failures, null, null);
        }
    }

    /** The analysis and what it was taken from. */
    public record Outcome(BlameResult result, String kernel, String startState, long firstNs, long lastNs,
                          long eventsApplied, int maxOrder) {
    }

    private BlameRun() {
    }

    public static Outcome run(TraceInput input, Options opt) throws TraceInputException, SnapshotException {
        Instant at;
        try {
            at = opt.time() == null ? Instant.END : Instant.parse(opt.time());
        } catch (IllegalArgumentException e) {
            throw new TraceInputException(e.getMessage());
        }
        ReplayTo replayTo = new ReplayTo(input, opt.kernel(), at);
        if (opt.zoneLimitNs() != null) {
            replayTo.zoneLimits(opt.zoneLimitNs());
        }
        PageOwners[] owners = new PageOwners[1];
        Blame[] failures = new Blame[1];
        KpageFlags flags = beforeFlags(input.bundle());
        replayTo.follow((replay, start, from, to) -> {
            BuddyModel model = start.model();
            checkOrderAndHeap(input, model, opt.order());
            owners[0] = new PageOwners(model, from, to);
            failures[0] = opt.failures() ? new Blame(owners[0], flags, opt.order(), false) : null;
            return new BlameTap(replay, owners[0], failures[0], opt.order(),
                    Arrays.stream(from).max().orElse(Long.MIN_VALUE), Arrays.stream(to).max().orElse(Long.MAX_VALUE));
        });
        ReplayTo.Result r = replayTo.run();
        String what = opt.zoneLimitNs() != null ? "zone limits" : at.isMarker() ? "marker '" + r.marker() + "'"
                : at.isEnd() ? "end of trace" : "--time " + opt.time();
        BlameResult result;
        if (failures[0] != null) {
            result = failures[0].result("failed order-" + opt.order() + " allocations up to " + what);
        } else {
            Blame blame = new Blame(owners[0], flags, opt.order(), true);
            blame.analyse(r.atNs());
            result = blame.result(what);
        }
        return new Outcome(result, r.model().ks.name(), r.start().kind(), r.firstNs(), r.lastNs(), r.eventsApplied(),
                r.model().nrOrders() - 1);
    }

    /** --order within 0..MAX_ORDER, and page owners next to the model within the heap (one clear line if not). */
    private static void checkOrderAndHeap(TraceInput input, BuddyModel model, int order) throws TraceInputException {
        int maxOrder = model.nrOrders() - 1;
        if (order < 0 || order > maxOrder) {
            throw new TraceInputException("--order " + order + " is outside 0.." + maxOrder + " (MAX_ORDER of "
                    + model.ks.name() + ")");
        }
        long pfns = model.endPfn() - model.basePfn();
        long need = HeapCheck.bytesFor(pfns) + PageOwners.BYTES_PER_PAGE * pfns;
        if (need > Runtime.getRuntime().maxMemory()) {
            long gb = (need >> 30) + 1;
            throw new TraceInputException(input.displayName() + ": page owners of " + pfns + " pfns next to the model "
                    + "need about " + gb + " GB of Java heap; run with FRAGTRACE_JAVA_OPTS=-Xmx" + (gb + 1) + "g");
        }
    }

    /** kpageflags of the start snapshot (before/kpageflags.bin[.gz]), null without one. */
    public static KpageFlags beforeFlags(Path bundle) throws SnapshotException {
        if (bundle == null) {
            return null;
        }
        return KpageFlags.loadIn(bundle.resolve("before"));
    }
}
