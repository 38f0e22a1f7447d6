package io.fragtrace.parser;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A trace parsed once and kept as packed primitives, to be re-emitted through the same {@link ParsedEvent}
 * flyweight without parsing text again: for analyses that pass over one trace several times (one trace under
 * several configurations) and for benchmarks that must exclude parsing. Unlike streaming, memory grows with the
 * trace (about 50 bytes per event), a block of 8 MiB at a time.
 */
public final class EventLog {
    private final TraceParser parser = new TraceParser();
    /** Words of a block: the log grows by whole blocks once one is full, never copying what it holds. */
    private static final int BLOCK = 1 << 20;
    /** The full blocks and the words used of each. */
    private final List<long[]> blocks = new ArrayList<>();
    private final List<Integer> blockSizes = new ArrayList<>();
    /** The block being filled (smaller than {@link #BLOCK} until it first fills). */
    private long[] data = new long[1 << 16];
    private int size;
    private int events;
    private final List<byte[]> texts = new ArrayList<>();
    private ParseReport report;
    /** A {@link #tee}'s: the task names and gfp texts its events' ids refer to, and their gfp layout. */
    private ByteInterner comms;
    private ByteInterner gfps;
    private Gfp.Layout gfpLayout;
    /** A tee's memory budget in words; past it the tee lets go of what it holds and keeps nothing more. */
    private long budgetWords = Long.MAX_VALUE;
    private boolean overflowed;

    private EventLog() {
    }

    /**
     * An empty log filled by {@link #record} from another parse as it runs, e.g. one already feeding a replay (so
     * the trace is read once); its ids stay those of that parse's interners, its events that parse's events. It
     * holds at most about {@code maxBytes}: a longer trace overflows it ({@link #complete()} false), and the memory
     * stays bounded whatever the trace's length.
     */
    public static EventLog tee(long maxBytes) {
        EventLog log = new EventLog();
        log.budgetWords = Math.max(1, maxBytes / Long.BYTES);
        return log;
    }

    /** Every event recorded is held: false once a {@link #tee} overflowed its budget. */
    public boolean complete() {
        return !overflowed;
    }

    /** Appends an event of the parse this log tees (see {@link #tee}); nothing once it overflowed. */
    public void record(ParsedEvent e) {
        if (overflowed) {
            return;
        }
        if ((long) blocks.size() * BLOCK + data.length > budgetWords) {
            overflowed = true;
            blocks.clear();
            blockSizes.clear();
            texts.clear();
            data = new long[0];
            size = 0;
            events = 0;
            return;
        }
        if (comms == null) {
            comms = e.comms();
            gfps = e.gfps();
            gfpLayout = e.gfpLayout;
        } else if (comms != e.comms()) {
            throw new IllegalStateException("events of two parses in one log");
        }
        append(e);
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
            if (data.length < BLOCK) {
                data = Arrays.copyOf(data, Math.min(BLOCK, data.length * 2));
            } else {
                blocks.add(data);
                blockSizes.add(size);
                data = new long[BLOCK];
                size = 0;
            }
        }
        size = EventBatch.pack(e, data, size, texts);
        events++;
    }

    /** Emits every recorded event, in order, through a reused flyweight. */
    public void replay(TraceVisitor visitor) {
        if (overflowed) {
            throw new IllegalStateException("the tee overflowed its budget: its events are not all held");
        }
        ParsedEvent ev = comms != null ? new ParsedEvent(comms, gfps) : new ParsedEvent(parser.comms, parser.gfps);
        ev.gfpLayout = gfpLayout;
        for (int b = 0; b < blocks.size(); b++) {
            replay(blocks.get(b), blockSizes.get(b), ev, visitor);
        }
        replay(data, size, ev, visitor);
    }

    private void replay(long[] d, int words, ParsedEvent ev, TraceVisitor visitor) {
        int i = 0;
        while (i < words) {
            i = EventBatch.unpack(d, i, ev, texts);
            visitor.onEvent(ev);
        }
    }
}
