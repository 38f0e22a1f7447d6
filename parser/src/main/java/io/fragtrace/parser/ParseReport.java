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

    /** Distinct unknown event names kept by name; others count as "<other names>" (as TraceParser's interner). */
    private static final int UNKNOWN_NAMES = 4096 - 1;
    private static final String OTHER_NAMES = "<other names>";
    private long otherUnknown;

    /**
     * Appends the report of the next chunk of the same text ({@link ChunkedParser}), whose line numbers start after
     * lineOffset lines: the sums, examples and first/last instants a one-pass parse of both would give.
     */
    void append(ParseReport c, long lineOffset) {
        bytes += c.bytes;
        rawBytes += c.rawBytes;
        lines += c.lines;
        eventLines += c.eventLines;
        headerLines += c.headerLines;
        blankLines += c.blankLines;
        continuationLines += c.continuationLines;
        for (int i = 0; i < eventCounts.length; i++) {
            eventCounts[i] += c.eventCounts[i];
        }
        for (Map.Entry<String, Long> u : c.unknownEvents.entrySet()) {
            if (u.getKey().equals(OTHER_NAMES) || (!unknownEvents.containsKey(u.getKey())
                    && unknownEvents.size() >= UNKNOWN_NAMES)) {
                otherUnknown += u.getValue();
            } else {
                unknownEvents.merge(u.getKey(), u.getValue(), Long::sum);
            }
        }
        c.malformed.forEach((k, v) -> malformed.merge(k, v, Long::sum));
        for (Problem p : c.examples) {
            if (examples.size() < MAX_EXAMPLES) {
                examples.add(new Problem(p.file(), p.line() + lineOffset, p.reason(), p.text()));
            }
        }
        if (c.entriesInBuffer != -1 || c.entriesWritten != -1) {
            entriesInBuffer = c.entriesInBuffer;
            entriesWritten = c.entriesWritten;
        }
        lostMarkers += c.lostMarkers;
        if (firstTimestampNs == Long.MIN_VALUE) {
            firstTimestampNs = c.firstTimestampNs;
        }
        if (c.lastTimestampNs != Long.MIN_VALUE) {
            lastTimestampNs = c.lastTimestampNs;
        }
        counterClock |= c.counterClock;
        if (truncation == null) {
            truncation = c.truncation;
        }
    }

    /** After the last {@link #append}: the "<other names>" count goes last, as a one-pass parse puts it. */
    void appended() {
        if (otherUnknown > 0) {
            unknownEvents.put(OTHER_NAMES, otherUnknown);
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
