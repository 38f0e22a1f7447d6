package io.fragtrace.parser;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A trace parsed once and kept as packed primitives, to be re-emitted through the same {@link ParsedEvent}
 * flyweight without parsing text again: for analyses that pass over one trace several times (one trace under
 * several configurations) and for benchmarks that must exclude parsing. Unlike streaming, memory grows with the
 * trace (about 50 bytes per event).
 */
public final class EventLog {
    private final TraceParser parser = new TraceParser();
    private long[] data = new long[1 << 16];
    private int size;
    private int events;
    private final List<byte[]> texts = new ArrayList<>();
    private ParseReport report;

    private EventLog() {
    }

    /** Parses the whole input into memory. */
    public static EventLog record(TraceInput input) throws TraceInputException {
        EventLog log = new EventLog();
        log.report = log.parser.parse(input, log::append);
        return log;
    }

    /** Parses a stream (tests, benchmarks). */
    public static EventLog record(java.io.InputStream in, String name) {
        EventLog log = new EventLog();
        log.report = log.parser.parse(in, name, log::append);
        return log;
    }

    public ParseReport report() {
        return report;
    }

    public int size() {
        return events;
    }

    private void append(ParsedEvent e) {
        int need = EventBatch.words(e);
        if (size + need > data.length) {
            data = Arrays.copyOf(data, Math.max(data.length * 2, size + need));
        }
        size = EventBatch.pack(e, data, size, texts);
        events++;
    }

    /** Emits every recorded event, in order, through a reused flyweight. */
    public void replay(TraceVisitor visitor) {
        ParsedEvent ev = new ParsedEvent(parser.comms, parser.gfps);
        int i = 0;
        while (i < size) {
            i = EventBatch.unpack(data, i, ev, texts);
            visitor.onEvent(ev);
        }
    }
}
