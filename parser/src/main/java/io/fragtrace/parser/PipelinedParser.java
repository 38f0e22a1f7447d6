package io.fragtrace.parser;

import java.io.InputStream;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * {@link TraceParser} on its own thread: the text is read, decompressed and parsed there while the caller's thread
 * runs the visitor (the model), so a replay uses both cores in one pass. Parsed events travel in fixed-size
 * {@link EventBatch}es through a small bounded ring ({@link #RING} batches of {@link #BATCH_WORDS} words), so memory
 * stays bounded whatever the trace length; the visitor sees exactly the events, in exactly the order, of a
 * streaming parse. With {@code -Dfragtrace.chunkWorkers=N} a plain text file goes to {@link ChunkedParser} instead
 * (chunks parsed on N threads, delivered in order on the caller's thread). On a single-CPU machine, or with {@code -Dfragtrace.parseThreads=1}, it is a plain streaming
 * parse (on a machine whose cores are busy with other work the handoff costs more than the second thread gives).
 */
public final class PipelinedParser {
    /** Words per batch (about 20 k events; 1 MiB). */
    static final int BATCH_WORDS = 1 << 17;
    /** Batches in flight. */
    static final int RING = 4;

    private final TraceParser parser = new TraceParser();
    private final BlockingQueue<EventBatch> full = new ArrayBlockingQueue<>(RING + 1);
    private final BlockingQueue<EventBatch> free = new ArrayBlockingQueue<>(RING + 1);
    /** The batch ending the stream (its data is never read). */
    private final EventBatch end = new EventBatch(0);
    private volatile Throwable failure;
    /** The visitor run on the parsing thread before packing (null: none); see parse(TraceInput, ..., ...). */
    private TraceVisitor tap;

    /** Parses a whole input; the report says what was not an event. */
    public ParseReport parse(TraceInput input, TraceVisitor visitor) throws TraceInputException {
        return parse(input, null, visitor);
    }

    /**
     * As {@link #parse(TraceInput, TraceVisitor)}, with a second visitor that needs no model (trace statistics) run
     * on the parsing thread, before each event is handed over, so the two threads share the work more evenly. It sees
     * the same events in the same order; it is done when this returns. Null: none.
     */
    public ParseReport parse(TraceInput input, TraceVisitor onParsingThread, TraceVisitor visitor)
            throws TraceInputException {
        TraceVisitor both = onParsingThread == null ? visitor : e -> {
            onParsingThread.onEvent(e);
            visitor.onEvent(e);
        };
        if (!twoThreads()) {
            return parser.parse(input, both);
        }
        if (ChunkedParser.applies(input)) { // asked for: a plain text file parsed in chunks, applied in order here
            return new ChunkedParser().parse(input, both);
        }
        tap = onParsingThread;
        return run(visitor, input.gfpLayout(), sink -> {
            try {
                return parser.parse(input, sink);
            } catch (TraceInputException e) {
                throw new Wrapped(e);
            }
        });
    }

    public ParseReport parse(InputStream in, String name, TraceVisitor visitor) {
        if (!twoThreads()) {
            return parser.parse(in, name, visitor);
        }
        try {
            return run(visitor, null, sink -> parser.parse(in, name, sink));
        } catch (TraceInputException e) {
            throw new IllegalStateException(e); // only parse(TraceInput) opens files
        }
    }

    /** Two threads unless the JVM has one CPU or {@code -Dfragtrace.parseThreads=1} (FRAGTRACE_JAVA_OPTS) asks. */
    static boolean twoThreads() {
        return Runtime.getRuntime().availableProcessors() >= 2 && Integer.getInteger("fragtrace.parseThreads", 2) >= 2;
    }

    private interface Producer {
        ParseReport parse(TraceVisitor sink);
    }

    /** A checked exception of the parsing thread, carried to the caller. */
    private static final class Wrapped extends RuntimeException {
        Wrapped(TraceInputException e) {
            super(e);
        }
    }

    /** The parsing thread was told to stop (the visitor failed). */
    private static final class Stopped extends RuntimeException {
        Stopped() {
            super(null, null, false, false);
        }
    }

    private ParseReport run(TraceVisitor visitor, Gfp.Layout gfpLayout, Producer producer) throws TraceInputException {
        full.clear();
        free.clear();
        failure = null;
        for (int i = 0; i < RING; i++) {
            free.add(new EventBatch(BATCH_WORDS));
        }
        ParseReport[] report = new ParseReport[1];
        TraceVisitor side = tap;
        tap = null;
        Thread t = new Thread(() -> {
            Packer packer = new Packer(side);
            try {
                report[0] = producer.parse(packer);
                packer.flush();
            } catch (Stopped e) {
                return;
            } catch (Throwable e) {
                failure = e;
            }
            try {
                full.put(end);
            } catch (InterruptedException ignored) {
                // the consumer has stopped
            }
        }, "fragtrace-parse");
        t.setDaemon(true);
        t.start();
        ByteInterner comms = new ByteInterner(Integer.MAX_VALUE);
        ByteInterner gfps = new ByteInterner(Integer.MAX_VALUE);
        ParsedEvent ev = new ParsedEvent(comms, gfps);
        ev.gfpLayout = gfpLayout;
        try {
            while (true) {
                EventBatch b = full.take();
                if (b == end) {
                    break;
                }
                for (byte[] k : b.newComms) {
                    comms.intern(k, 0, k.length);
                }
                for (byte[] k : b.newGfps) {
                    gfps.intern(k, 0, k.length);
                }
                long[] d = b.data;
                for (int i = 0; i < b.size; ) {
                    i = EventBatch.unpack(d, i, ev, b.texts);
                    visitor.onEvent(ev);
                }
                b.clear();
                free.put(b);
            }
            t.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            t.interrupt();
            throw new IllegalStateException("interrupted while parsing", e);
        } catch (RuntimeException | Error e) {
            t.interrupt();
            throw e;
        }
        Throwable f = failure;
        if (f instanceof Wrapped w) {
            throw (TraceInputException) w.getCause();
        }
        if (f instanceof RuntimeException r) {
            throw r;
        }
        if (f instanceof Error err) {
            throw err;
        }
        return report[0];
    }

    /** The parsing thread's visitor: packs events into the current batch, hands full batches over. */
    private final class Packer implements TraceVisitor {
        private final TraceVisitor side;
        private EventBatch cur;
        private int commsSeen = 1;
        private int gfpsSeen = 1;

        Packer(TraceVisitor side) {
            this.side = side;
        }

        @Override
        public void onEvent(ParsedEvent e) {
            if (side != null) {
                side.onEvent(e);
            }
            if (cur == null) {
                cur = take();
            }
            int need = EventBatch.words(e);
            if (cur.size + need > cur.data.length) {
                flush();
                cur = take();
            }
            // intern now, on this thread (pack asks for the ids), then note the keys new to the consumer
            e.commId();
            e.gfpId();
            for (; commsSeen < parser.comms.size(); commsSeen++) {
                cur.newComms.add(parser.comms.key(commsSeen));
            }
            for (; gfpsSeen < parser.gfps.size(); gfpsSeen++) {
                cur.newGfps.add(parser.gfps.key(gfpsSeen));
            }
            cur.size = EventBatch.pack(e, cur.data, cur.size, cur.texts);
            cur.events++;
        }

        private EventBatch take() {
            try {
                return free.take();
            } catch (InterruptedException e) {
                throw new Stopped();
            }
        }

        void flush() {
            if (cur == null || cur.events == 0) {
                return;
            }
            try {
                full.put(cur);
            } catch (InterruptedException e) {
                throw new Stopped();
            }
            cur = null;
        }
    }
}
