package io.fragtrace.replay;

import io.fragtrace.parser.EventType;
import io.fragtrace.parser.ParseReport;
import io.fragtrace.parser.ParsedEvent;
import io.fragtrace.parser.PipelinedParser;
import io.fragtrace.parser.TraceInput;
import io.fragtrace.parser.TraceInputException;
import io.fragtrace.parser.TraceVisitor;
import io.fragtrace.replay.model.BuddyModel;
import io.fragtrace.replay.model.KernelSemantics;
import io.fragtrace.replay.order.LockOrderSorter;
import io.fragtrace.replay.snapshot.SnapshotException;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Observed-mode replay from the input's start state ({@link StartState}) up to one instant: every event of the trace
 * with a timestamp at or before it (in recovered lock order, {@link LockOrderSorter}), or, for a marker, every event
 * printed before the marker. The same pieces as {@code fragtrace replay} and {@link Validation}; the model is left
 * as the kernel's would have been at that instant. A {@link Follower} (page owners for {@code blame}) sees every event
 * right after the model applied it.
 */
public final class ReplayTo {
    /** Markers quoted in the message for an unknown marker name. */
    private static final int SUGGESTIONS = 3;

    /**
     * The model at the instant.
     *
     * @param atNs    the instant (a marker's timestamp for a marker)
     * @param marker  the marker's full text, or null for a time
     * @param firstNs timestamp of the trace's first event
     * @param lastNs  timestamp of the trace's last event
     */
    public record Result(BuddyModel model, StartState start, long atNs, String marker, long firstNs, long lastNs,
                         long eventsApplied, ParseReport parse, Consistency consistency) {
    }

    /** Follows the replay event by event, in recovered lock order. */
    public interface Follower {
        /** The visitor the lock-order stage feeds instead of the replay; it passes each event to {@code replay} first. */
        TraceVisitor downstream(ObservedReplay replay, StartState start, long[] fromNs, long[] toNs)
                throws TraceInputException;
    }

    private final TraceInput input;
    private final KernelSemantics override;
    private final Instant at;
    private volatile long events;
    private Follower follower;
    private long[] zoneLimitNs;
    private String option = "--time";

    public ReplayTo(TraceInput input, KernelSemantics override, Instant at) {
        this.input = input;
        this.override = override;
        this.at = at;
    }

    /** Replays {@code input} from its start state to {@code at}. */
    public static Result run(TraceInput input, KernelSemantics override, Instant at)
            throws SnapshotException, TraceInputException {
        return new ReplayTo(input, override, at).run();
    }

    /** The option that named the instant, as the error messages quote it (default "--time"). */
    public ReplayTo named(String option) {
        this.option = option;
        return this;
    }

    public ReplayTo follow(Follower f) {
        this.follower = f;
        return this;
    }

    /** Per zone, the last instant replayed instead of the instant (tests: an after/ dump's L lines). */
    public ReplayTo zoneLimits(long[] toNs) {
        this.zoneLimitNs = toNs.clone();
        return this;
    }

    /** Events read so far (a progress display reads it from another thread). */
    public long eventsSeen() {
        return events;
    }

    /**
     * @throws TraceInputException when the instant lies outside the trace or before the start state, or the marker
     *                             is not in the trace (one-line messages)
     */
    public Result run() throws SnapshotException, TraceInputException {
        StartState start = StartState.of(input, override, null);
        BuddyModel model = start.model();
        long[] from = start.fromNs();
        long startNs = Arrays.stream(from).max().orElse(Long.MIN_VALUE);
        if (!at.isMarker() && !at.isEnd() && zoneLimitNs == null && startNs != Long.MIN_VALUE && at.ns() < startNs) {
            throw new TraceInputException(option + " " + at + " is before the start state (" + start.kind() + " at "
                    + Instant.seconds(startNs) + " s): the model knows nothing earlier");
        }
        long[] to = new long[from.length];
        Arrays.fill(to, at.isMarker() ? Long.MAX_VALUE : at.ns());
        if (zoneLimitNs != null) {
            to = zoneLimitNs;
        }
        ObservedReplay replay = new ObservedReplay(model, from, to);
        long slack = LockOrderSorter.slackFor(input.bundle()); // as validate and replay: the same recovered order
        // the replay sees nothing past the instant: its window skips such events, but the steps it runs for every
        // event (the remote-drain lock, the compaction it follows, migration's deferred frees) would change the
        // state the caller asks for; the sorter still reads past it to order the events up to it
        long limit = Arrays.stream(to).max().orElse(Long.MAX_VALUE);
        TraceVisitor target = follower == null ? replay : follower.downstream(replay, start, from, to);
        TraceVisitor upToInstant = limit == Long.MAX_VALUE ? target : e -> {
            if (e.timestampNs() <= limit) {
                target.onEvent(e);
            }
        };
        LockOrderSorter sorter = new LockOrderSorter(replay, upToInstant, LockOrderSorter.DEFAULT_WINDOW, slack, false);
        Feed feed = new Feed(sorter);
        ParseReport pr = new PipelinedParser().parse(input, feed);
        sorter.finish();
        if (pr.notATrace() || feed.first == Long.MIN_VALUE) {
            throw new TraceInputException(input.displayName() + ": not a trace (no trace event line found)");
        }
        long atNs = at.ns();
        if (at.isMarker()) {
            if (feed.markerNs == Long.MIN_VALUE) {
                throw new TraceInputException(option + ": no marker '" + at.marker() + "' in " + input.displayName()
                        + (feed.similar.isEmpty() ? " (" + feed.markers + " markers)"
                        : "; markers containing it: '" + String.join("', '", feed.similar) + "'"));
            }
            atNs = feed.markerNs;
            if (startNs != Long.MIN_VALUE && atNs < startNs) {
                throw new TraceInputException(option + ": marker '" + feed.markerText + "' (" + Instant.seconds(atNs)
                        + " s) is before the start state (" + start.kind() + " at " + Instant.seconds(startNs) + " s)");
            }
        } else if (zoneLimitNs != null) {
            atNs = Arrays.stream(zoneLimitNs).max().orElse(feed.last);
        } else if (at.isEnd()) {
            atNs = feed.last;
        } else if (atNs < feed.first || atNs > feed.last) {
            throw new TraceInputException(option + " " + at + " is outside the trace (" + Instant.seconds(feed.first)
                    + " s to " + Instant.seconds(feed.last) + " s)");
        }
        return new Result(model, start, atNs, feed.markerText, feed.first, feed.last, replay.eventsApplied(), pr,
                replay.consistency());
    }

    /** Forwards events to the replay, up to the marker when the instant is one; notes the trace's time span. */
    private final class Feed implements TraceVisitor {
        private final TraceVisitor next;
        long first = Long.MIN_VALUE;
        long last = Long.MIN_VALUE;
        long markerNs = Long.MIN_VALUE;
        String markerText;
        int markers;
        final List<String> similar = new ArrayList<>();

        Feed(TraceVisitor next) {
            this.next = next;
        }

        @Override
        public void onEvent(ParsedEvent e) {
            events++;
            long ts = e.timestampNs();
            if (first == Long.MIN_VALUE) {
                first = ts;
            }
            last = ts;
            if (e.type() == EventType.MARKER && at.isMarker() && markerNs == Long.MIN_VALUE) {
                markers++;
                String text = e.text();
                if (at.matches(text)) {
                    markerNs = ts;
                    markerText = text.strip();
                } else if (similar.size() < SUGGESTIONS && text.contains(at.marker())) {
                    similar.add(text.strip());
                }
            }
            if (markerNs == Long.MIN_VALUE) {
                next.onEvent(e);
            }
        }
    }
}
