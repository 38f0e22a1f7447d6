package io.fragtrace.parser;

import java.nio.charset.StandardCharsets;
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
        int need = 6 + Long.bitCount(e.present);
        if (size + need > data.length) {
            data = Arrays.copyOf(data, Math.max(data.length * 2, size + need));
        }
        long[] d = data;
        int i = size;
        d[i++] = (long) e.type.ordinal() | ((long) (e.cpu + 1) & 0xffff) << 8 | (e.pageNull ? 1L << 24 : 0)
                | (e.hasTimestamp ? 1L << 25 : 0) | ((long) e.pid & 0xffffffffL) << 32;
        d[i++] = e.timestampNs;
        d[i++] = e.line;
        d[i++] = e.present;
        int text = -1;
        if (e.type == EventType.MARKER) {
            text = texts.size();
            texts.add(e.text().getBytes(StandardCharsets.UTF_8));
        }
        d[i++] = ((long) e.commId() << 32) | (e.gfpId() & 0xffffffffL);
        d[i++] = ((long) e.tgid << 32) | (text & 0xffffffffL);
        for (long bits = e.present; bits != 0; bits &= bits - 1) {
            d[i++] = e.values[Long.numberOfTrailingZeros(bits)];
        }
        size = i;
        events++;
    }

    /** Emits every recorded event, in order, through a reused flyweight. */
    public void replay(TraceVisitor visitor) {
        ParsedEvent ev = new ParsedEvent(parser.comms, parser.gfps);
        long[] d = data;
        int i = 0;
        while (i < size) {
            long h = d[i++];
            ev.reset(null);
            ev.type = EventType.byOrdinal((int) (h & 0xff));
            ev.cpu = (int) ((h >>> 8) & 0xffff) - 1;
            ev.pageNull = (h & (1L << 24)) != 0;
            ev.hasTimestamp = (h & (1L << 25)) != 0;
            ev.pid = (int) (h >>> 32);
            ev.timestampNs = d[i++];
            ev.line = d[i++];
            long present = d[i++];
            ev.present = present;
            long ids = d[i++];
            long t = d[i++];
            ev.tgid = (int) (t >>> 32);
            int text = (int) t;
            ev.restore((int) (ids >> 32), (int) ids, text >= 0 ? texts.get(text) : null);
            for (long bits = present; bits != 0; bits &= bits - 1) {
                ev.values[Long.numberOfTrailingZeros(bits)] = d[i++];
            }
            visitor.onEvent(ev);
        }
    }
}
