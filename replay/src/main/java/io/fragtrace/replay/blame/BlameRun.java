package io.fragtrace.replay.blame;

import io.fragtrace.parser.EventType;
import io.fragtrace.parser.ParseReport;
import io.fragtrace.parser.PipelinedParser;
import io.fragtrace.parser.TraceInput;
import io.fragtrace.parser.TraceInputException;
import io.fragtrace.replay.HeapCheck;
import io.fragtrace.replay.ObservedReplay;
import io.fragtrace.replay.StartState;
import io.fragtrace.replay.model.BuddyModel;
import io.fragtrace.replay.model.KernelSemantics;
import io.fragtrace.replay.order.LockOrderSorter;
import io.fragtrace.replay.snapshot.KpageFlags;
import io.fragtrace.replay.snapshot.SnapshotException;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * {@code fragtrace blame}: one observed replay from the start state with page owners alongside, stopped at the
 * instant asked for (an event-time limit applied to every zone's window: the minimal "replay to T" this command
 * needs), then {@link Blame} at that instant, or at every failed order-N allocation up to it.
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

    /** Seconds on the trace clock ("12.5") as ns, or null when the text is not a number (a marker's name). */
    public static Long seconds(String t) {
        try {
            double s = Double.parseDouble(t.trim());
            return Double.isFinite(s) ? Math.round(s * 1e9) : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    public static Outcome run(TraceInput input, Options opt) throws TraceInputException, SnapshotException {
        StartState start = StartState.of(input, opt.kernel(), null);
        BuddyModel model = start.model();
        int maxOrder = model.nrOrders() - 1;
        long pfns = model.endPfn() - model.basePfn();
        long need = HeapCheck.bytesFor(pfns) + PageOwners.BYTES_PER_PAGE * pfns;
        if (need > Runtime.getRuntime().maxMemory()) {
            long gb = (need >> 30) + 1;
            throw new TraceInputException(input.displayName() + ": page owners of " + pfns + " pfns next to the model "
                    + "need about " + gb + " GB of Java heap; run with FRAGTRACE_JAVA_OPTS=-Xmx" + (gb + 1) + "g");
        }
        if (opt.order() < 0 || opt.order() > maxOrder) {
            throw new TraceInputException("--order " + opt.order() + " is outside 0.." + maxOrder + " (MAX_ORDER of "
                    + model.ks.name() + ")");
        }
        long[] from = start.fromNs();
        long startNs = Arrays.stream(from).max().orElse(Long.MIN_VALUE);
        Long limit = opt.time() == null || opt.zoneLimitNs() != null ? null : seconds(opt.time());
        String marker = opt.time() != null && limit == null && opt.zoneLimitNs() == null ? opt.time().trim() : null;
        long[] to = new long[from.length];
        if (opt.zoneLimitNs() != null) {
            to = opt.zoneLimitNs().clone();
        } else {
            Arrays.fill(to, limit == null ? Long.MAX_VALUE : limit);
        }
        long toMax = Arrays.stream(to).max().orElse(Long.MAX_VALUE);
        ObservedReplay replay = new ObservedReplay(model, from, to);
        PageOwners owners = new PageOwners(model, from, to);
        KpageFlags flags = beforeFlags(input.bundle());
        Blame failures = opt.failures() ? new Blame(owners, flags, opt.order(), false) : null;
        BlameTap tap = new BlameTap(replay, owners, failures, opt.order(), startNs, toMax);
        LockOrderSorter sorter = new LockOrderSorter(replay, tap, LockOrderSorter.DEFAULT_WINDOW, 0, false);
        long[] markerNs = {Long.MIN_VALUE};
        List<String> markers = new ArrayList<>();
        ParseReport report = new PipelinedParser().parse(input, e -> {
            if (markerNs[0] != Long.MIN_VALUE) {
                return; // past the marker: the state asked for is reached
            }
            sorter.onEvent(e);
            if (marker != null && e.type() == EventType.MARKER) {
                String text = e.text().trim();
                if (text.equals(marker) || text.endsWith(": " + marker)) {
                    markerNs[0] = e.timestampNs();
                } else if (markers.size() < 5) {
                    markers.add(text);
                }
            }
        });
        sorter.finish();
        if (report.notATrace()) {
            throw new TraceInputException(input.displayName() + ": not a trace (no trace event line found)");
        }
        long first = report.firstTimestampNs();
        long last = report.lastTimestampNs();
        String at;
        long atNs;
        if (marker != null) {
            if (markerNs[0] == Long.MIN_VALUE) {
                throw new TraceInputException("--time '" + marker + "': no such marker and not a number of seconds"
                        + (markers.isEmpty() ? " (the trace has no markers)" : " (markers: " + String.join("; ",
                        markers) + (markers.size() == 5 ? "; ..." : "") + ")"));
            }
            atNs = markerNs[0];
            at = "marker '" + marker + "'";
        } else if (limit != null) {
            if (limit < first || limit > last) {
                throw new TraceInputException(String.format(Locale.ROOT,
                        "--time %s is outside the trace (%.6f .. %.6f s)", opt.time(), first / 1e9, last / 1e9));
            }
            atNs = limit;
            at = "--time " + opt.time();
        } else if (opt.zoneLimitNs() != null) {
            atNs = toMax;
            at = "zone limits";
        } else {
            atNs = last;
            at = "end of trace";
        }
        if (atNs < startNs) {
            throw new TraceInputException(String.format(Locale.ROOT, "%s (%.6f s) is before the start snapshot's "
                    + "instant %.6f s: the state there is not known", at, atNs / 1e9, startNs / 1e9));
        }
        BlameResult result;
        if (failures != null) {
            result = failures.result("failed order-" + opt.order() + " allocations up to " + at);
        } else {
            Blame blame = new Blame(owners, flags, opt.order(), true);
            blame.analyse(atNs);
            result = blame.result(at);
        }
        return new Outcome(result, model.ks.name(), start.kind(), first, last, replay.eventsApplied(), maxOrder);
    }

    /** kpageflags of the start snapshot (before/kpageflags.bin[.gz]), null without one. */
    public static KpageFlags beforeFlags(Path bundle) throws SnapshotException {
        if (bundle == null) {
            return null;
        }
        for (String n : List.of("kpageflags.bin.gz", "kpageflags.bin")) {
            Path f = bundle.resolve("before").resolve(n);
            if (Files.isRegularFile(f)) {
                return KpageFlags.load(f);
            }
        }
        return null;
    }
}
