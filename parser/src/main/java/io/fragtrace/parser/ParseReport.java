package io.fragtrace.parser;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What a parse saw besides the events: counts, lost events, and the problems, each with file and line. */
public final class ParseReport {
    /** How many problem lines are kept verbatim. */
    public static final int MAX_EXAMPLES = 20;

    /** A bad line: where it is, why, and (shortened) what it said. */
    public record Problem(String file, long line, String reason, String text) {
        @Override
        public String toString() {
            return file + ":" + line + ": " + reason + (text.isEmpty() ? "" : ": " + text);
        }
    }

    String input = "";
    long bytes;
    long rawBytes;
    long lines;
    long eventLines;
    long headerLines;
    long blankLines;
    long continuationLines;
    final long[] eventCounts = new long[EventType.values().length];
    final Map<String, Long> unknownEvents = new LinkedHashMap<>();
    final Map<String, Long> malformed = new LinkedHashMap<>();
    final List<Problem> examples = new ArrayList<>();
    long entriesInBuffer = -1;
    long entriesWritten = -1;
    long lostMarkers;
    long firstTimestampNs = Long.MIN_VALUE;
    long lastTimestampNs = Long.MIN_VALUE;
    boolean counterClock;
    String truncation;
    boolean notATrace;

    void problem(String reason, long line, String text) {
        malformed.merge(reason, 1L, Long::sum);
        if (examples.size() < MAX_EXAMPLES) {
            examples.add(new Problem(input, line, reason, text));
        }
    }

    public String input() {
        return input;
    }

    /** Decompressed bytes read. */
    public long bytes() {
        return bytes;
    }

    /** Bytes read from the file as stored (compressed when it is). */
    public long rawBytes() {
        return rawBytes;
    }

    public long lines() {
        return lines;
    }

    /** Lines that carried a known event (good or malformed), unknown events included. */
    public long eventLines() {
        return eventLines;
    }

    public long headerLines() {
        return headerLines;
    }

    public long blankLines() {
        return blankLines;
    }

    /** {@code <stack trace>} entries and perf callchain lines, skipped. */
    public long continuationLines() {
        return continuationLines;
    }

    /** Good events of this type handed to the visitor. */
    public long count(EventType t) {
        return eventCounts[t.ordinal()];
    }

    public long totalEvents() {
        long s = 0;
        for (long c : eventCounts) {
            s += c;
        }
        return s;
    }

    public Map<String, Long> unknownEvents() {
        return Collections.unmodifiableMap(unknownEvents);
    }

    public long unknownEventCount() {
        return unknownEvents.values().stream().mapToLong(Long::longValue).sum();
    }

    /** Bad lines by reason. */
    public Map<String, Long> malformed() {
        return Collections.unmodifiableMap(malformed);
    }

    public long badLines() {
        return malformed.values().stream().mapToLong(Long::longValue).sum();
    }

    /** The first {@link #MAX_EXAMPLES} bad lines. */
    public List<Problem> examples() {
        return Collections.unmodifiableList(examples);
    }

    /** entries-written minus entries-in-buffer from the header, plus every {@code [LOST n EVENTS]} marker. */
    public long lostEvents() {
        long fromHeader = entriesWritten >= 0 && entriesInBuffer >= 0 ? Math.max(0, entriesWritten - entriesInBuffer) : 0;
        return fromHeader + lostMarkers;
    }

    public boolean hasEntriesHeader() {
        return entriesWritten >= 0;
    }

    public long entriesInBuffer() {
        return entriesInBuffer;
    }

    public long entriesWritten() {
        return entriesWritten;
    }

    /** Trace-clock instant of the first/last event in ns (or raw counter ticks), Long.MIN_VALUE if none. */
    public long firstTimestampNs() {
        return firstTimestampNs;
    }

    public long lastTimestampNs() {
        return lastTimestampNs;
    }

    /** True when timestamps were plain integers (counter, x86-tsc clocks): units unknown. */
    public boolean counterClock() {
        return counterClock;
    }

    /** Non-null when the (compressed) input ended early; says where. */
    public String truncation() {
        return truncation;
    }

    /** True when no trace line was found in the first MiBs: this is not a trace. */
    public boolean notATrace() {
        return notATrace;
    }
}
