package io.fragtrace.parser;

import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * A plain (uncompressed) text trace file parsed in chunks on every core, the events handed to the visitor on the
 * caller's thread in trace order. The file is cut at line starts near every {@link #CHUNK} bytes (a chunk holds the
 * lines that start in its span, so every line is whole in exactly one chunk); each worker parses its chunk with a
 * {@link TraceParser} of its own into packed events ({@link PackedEvent}) and a chunk {@link ParseReport}; the caller
 * applies the chunks in order, shifting line numbers by the lines of the chunks before and merging the reports, so
 * the visitor and the report see exactly what a one-thread parse gives: the same events, line numbers, bad-line
 * examples and counts, and task-name and gfp ids in the same order (interned on the caller's thread when the
 * visitor asks). Memory: {@link #slots} chunks in flight, whatever the file size.
 */
public final class ChunkedParser {
    /** Bytes per chunk; more than {@link TraceParser#NOT_A_TRACE_WINDOW}, so the first chunk decides "not a trace" as a one-pass parse does. */
    static final int CHUNK = 8 << 20;

    private final int workers;
    private final int slots;
    private final int chunk;

    public ChunkedParser() {
        this(Math.max(1, Integer.getInteger("fragtrace.chunkWorkers",
                Math.min(Runtime.getRuntime().availableProcessors(), Integer.getInteger("fragtrace.parseThreads", 64)))));
    }

    ChunkedParser(int workers) {
        this(workers, CHUNK);
    }

    /** chunk: bytes per chunk (tests cut small ones; "not a trace" is decided as a one-pass parse only above 4 MiB). */
    ChunkedParser(int workers, int chunk) {
        this.workers = workers;
        this.slots = 2 * workers + 1;
        this.chunk = chunk;
    }

    /**
     * Whether to read the input this way: a plain text file ({@link #plainTextFile}) when
     * {@code -Dfragtrace.chunkWorkers=N} asks for it. Not by default, measured on the 2-core reference machine
     * (mixed-churn-512M as text, 197 MB, per-thread CPU from /proc): once the JIT is done the two workers take
     * 340-400 ms of CPU a pass and the consumer 110-130 ms, against 350-400 ms for parse and stats on one thread
     * (the handoff: packing, interning per chunk, unpacking, mapping ids), so it would win wall time on two idle
     * cores. It loses on short runs and on a shared machine because of the JIT: the workers' {@code text} loop
     * inlines the packing visitor (6.5 KB of bytecode, compiled once as OSR and again as a method) and the
     * consumer loop the unpacking and the visitor, 2.7-3.4 s of C2 CPU against 1.15 s for one thread; with the cores
     * busy the compiler threads took nine passes (~1.8 GB of text) to finish, the workers running C1 code until
     * then. ParallelParseBenchmark's 3 x 2 s warm-up ended long before that, hence its 6x.
     */
    public static boolean applies(TraceInput input) {
        Integer forced = Integer.getInteger("fragtrace.chunkWorkers");
        return forced != null && forced >= 1 && plainTextFile(input);
    }

    /** Plain text from this size on is worth chunks on idle cores: the JIT's warm-up (above) is paid back. */
    static final long AUTO_MIN_BYTES = 1L << 30;

    /**
     * For {@code stats}, whose visitor is light: {@link #applies} when asked; otherwise a plain text file of at least
     * {@link #AUTO_MIN_BYTES} on a machine with a core to spare (load average at most cores - 1), where it measured
     * faster on the 2-core reference machine, idle (load 0.5-1.1): {@code stats} of the synthetic 64 GiB / 20 M trace
     * (2.6 GB) 4.35 s one thread against 3.16 s, of the 1 TiB / 100 M trace (13.2 GB) 24.0 s against 15.6 s, but of
     * 591 MB 1.25 s against 1.77 s. {@code -Dfragtrace.chunkWorkers=0} keeps one thread.
     */
    public static boolean appliesForLightVisitor(TraceInput input) {
        Integer forced = Integer.getInteger("fragtrace.chunkWorkers");
        if (forced != null) {
            return forced >= 1 && plainTextFile(input);
        }
        int cores = Runtime.getRuntime().availableProcessors();
        if (cores < 2 || size(input) < AUTO_MIN_BYTES) { // the size first: the load average costs more to ask
            return false;
        }
        double load = loadAverage();
        return load >= 0 && load <= cores - 1 && plainTextFile(input);
    }

    /**
     * The 1-minute load average: from /proc/loadavg where there is one (one small read), else the platform MXBean,
     * whose first use loads ~150 classes (service providers, cgroup metrics, streams): ~0.1 s of a short run's start.
     */
    static double loadAverage() {
        try {
            String s = Files.readString(Path.of("/proc/loadavg"), java.nio.charset.StandardCharsets.US_ASCII);
            int sp = s.indexOf(' ');
            return Double.parseDouble(sp < 0 ? s.trim() : s.substring(0, sp));
        } catch (IOException | RuntimeException e) {
            return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        }
    }

    private static long size(TraceInput input) {
        try {
            return input.file() == null ? 0 : Files.size(input.file());
        } catch (IOException e) {
            return 0;
        }
    }

    /**
     * A plain text file big enough to be worth splitting (compressed input and the binary formats stream through
     * {@link TraceParser}).
     */
    public static boolean plainTextFile(TraceInput input) {
        Path f = input.file();
        if (f == null || !Files.isRegularFile(f)) {
            return false;
        }
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.READ)) {
            if (ch.size() < 2L * CHUNK) {
                return false;
            }
            ByteBuffer m = ByteBuffer.allocate(16);
            while (m.hasRemaining() && ch.read(m) >= 0) {
                // fill
            }
            byte[] magic = m.array();
            int n = m.position();
            return !TraceDatFile.isTraceDat(magic, n) && !PerfDataReader.isPerfData(magic, n) && !compressed(magic, n);
        } catch (IOException e) {
            return false;
        }
    }

    private static boolean compressed(byte[] m, int n) {
        return (n >= 2 && (m[0] & 0xff) == 0x1f && (m[1] & 0xff) == 0x8b)
                || (n >= 6 && (m[0] & 0xff) == 0xfd && m[1] == '7' && m[2] == 'z' && m[3] == 'X' && m[4] == 'Z')
                || (n >= 4 && (m[0] & 0xff) == 0x28 && (m[1] & 0xff) == 0xb5 && (m[2] & 0xff) == 0x2f
                && (m[3] & 0xff) == 0xfd)
                || (n >= 3 && m[0] == 'B' && m[1] == 'Z' && m[2] == 'h');
    }

    /** One chunk's result, reused for chunk k + slots. */
    private static final class Slot {
        long[] data = new long[1 << 16];
        int size;
        final List<byte[]> texts = new ArrayList<>();
        byte[][] comms;
        byte[][] gfps;
        ParseReport report;
        boolean sawTracerHeader;
        /** Where the chunk ends in the file. */
        long to;
        /** The chunk whose result this holds, -1 while none. */
        int ready = -1;
    }

    private final Object lock = new Object();
    private int consumed;
    private volatile boolean stop;
    private volatile Throwable failure;

    /** Parses the whole file (see {@link #applies}); the report is that of a one-thread parse. */
    public ParseReport parse(TraceInput input, TraceVisitor visitor) throws TraceInputException {
        Path file = input.file();
        String name = input.displayName();
        Gfp.Layout layout = input.gfpLayout();
        FileChannel ch;
        long size;
        try {
            ch = FileChannel.open(file, StandardOpenOption.READ);
            size = ch.size();
        } catch (IOException e) {
            throw new TraceInputException(name + ": cannot open (" + e.getMessage() + ")");
        }
        int chunks = (int) ((size + chunk - 1) / chunk);
        Slot[] ring = new Slot[slots];
        for (int i = 0; i < slots; i++) {
            ring[i] = new Slot();
        }
        consumed = 0;
        stop = false;
        failure = null;
        java.util.concurrent.atomic.AtomicInteger next = new java.util.concurrent.atomic.AtomicInteger();
        List<Thread> threads = new ArrayList<>();
        for (int w = 0; w < workers; w++) {
            Thread t = new Thread(() -> work(ch, size, chunks, next, ring, name, layout), "fragtrace-parse-" + w);
            t.setDaemon(true);
            t.start();
            threads.add(t);
        }
        ParseReport report = new ParseReport();
        report.input = name;
        boolean sawTracerHeader = false;
        ParsedEvent ev = new ParsedEvent(new ByteInterner(1 << 16), new ByteInterner(1 << 16));
        ev.gfpLayout = layout;
        try {
            for (int k = 0; k < chunks; k++) {
                Slot s = ring[k % slots];
                synchronized (lock) {
                    while (s.ready != k && failure == null) {
                        lock.wait();
                    }
                }
                rethrow();
                long lineOffset = report.lines;
                long[] d = s.data;
                int[] commMap = unmapped(s.comms.length);
                int[] gfpMap = unmapped(s.gfps.length);
                for (int i = 0; i < s.size; ) {
                    int text = PackedEvent.textSlot(d, i);
                    i = PackedEvent.read(d, i, ev, text >= 0 ? s.texts.get(text) : null);
                    ev.keys(s.comms, commMap, s.gfps, gfpMap);
                    ev.line += lineOffset;
                    visitor.onEvent(ev);
                }
                report.append(s.report, lineOffset);
                sawTracerHeader |= s.sawTracerHeader;
                input.rawBytesRead(s.to);
                boolean last = s.report.notATrace && k == 0 && s.report.bytes < size
                        || s.report.truncation != null;
                synchronized (lock) {
                    s.ready = -1;
                    consumed = k + 1;
                    lock.notifyAll();
                }
                if (last) {
                    report.notATrace = s.report.notATrace;
                    break;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while parsing", e);
        } finally {
            stop = true;
            synchronized (lock) {
                lock.notifyAll();
            }
            for (Thread t : threads) {
                try {
                    t.join();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            try {
                ch.close();
            } catch (IOException ignored) {
                // read-only
            }
        }
        report.appended();
        report.rawBytes = report.bytes;
        if (report.eventLines == 0 && !sawTracerHeader) {
            report.notATrace = true;
        }
        return report;
    }

    /** A chunk id -> caller's id map with nothing interned yet. */
    private static int[] unmapped(int n) {
        int[] m = new int[n];
        java.util.Arrays.fill(m, -1);
        return m;
    }

    private void rethrow() {
        Throwable f = failure;
        if (f instanceof RuntimeException r) {
            throw r;
        }
        if (f instanceof Error e) {
            throw e;
        }
        if (f != null) {
            throw new IllegalStateException(f);
        }
    }

    private void work(FileChannel ch, long size, int chunks, java.util.concurrent.atomic.AtomicInteger next, Slot[] ring,
                      String name, Gfp.Layout layout) {
        try {
            byte[] probe = new byte[4096];
            byte[] lines = new byte[TraceParser.MAX_LINE];
            while (!stop) {
                int k = next.getAndIncrement();
                if (k >= chunks) {
                    return;
                }
                Slot s = ring[k % slots];
                synchronized (lock) {
                    while (consumed + slots <= k && !stop) {
                        lock.wait();
                    }
                }
                if (stop) {
                    return;
                }
                long from = lineStart(ch, size, (long) k * chunk, probe);
                long to = lineStart(ch, size, (long) (k + 1) * chunk, probe);
                parseChunk(ch, from, Math.max(from, to), k == 0, s, name, layout, lines);
                s.to = to;
                synchronized (lock) {
                    s.ready = k;
                    lock.notifyAll();
                }
            }
        } catch (InterruptedException e) {
            // stopped
        } catch (Throwable e) {
            synchronized (lock) {
                failure = e;
                lock.notifyAll();
            }
        }
    }

    /** The first line start at or after pos: 0, the size, or just after the first newline at pos - 1 or later. */
    static long lineStart(FileChannel ch, long size, long pos, byte[] probe) throws IOException {
        if (pos <= 0) {
            return 0;
        }
        long at = pos - 1;
        while (at < size) {
            ByteBuffer bb = ByteBuffer.wrap(probe);
            int n = ch.read(bb, at);
            if (n <= 0) {
                break;
            }
            for (int i = 0; i < n; i++) {
                if (probe[i] == '\n') {
                    return at + i + 1;
                }
            }
            at += n;
        }
        return size;
    }

    private static void parseChunk(FileChannel ch, long from, long to, boolean first, Slot s, String name,
                                   Gfp.Layout layout, byte[] lines) {
        TraceParser p = new TraceParser().lineBuffer(lines);
        p.gfpLayout(layout);
        s.size = 0;
        s.texts.clear();
        TraceVisitor pack = e -> {
            if (s.size + PackedEvent.MAX_LONGS > s.data.length) {
                s.data = java.util.Arrays.copyOf(s.data, s.data.length * 2);
            }
            e.commId();
            e.gfpId();
            s.size = EventBatch.pack(e, s.data, s.size, s.texts);
        };
        s.report = p.parseChunk(new Region(ch, from, to), name, pack, first);
        s.sawTracerHeader = p.sawTracerHeader();
        s.comms = keys(p.comms);
        s.gfps = keys(p.gfps);
    }

    private static byte[][] keys(ByteInterner in) {
        byte[][] k = new byte[in.size()][];
        for (int i = 0; i < k.length; i++) {
            k[i] = in.key(i);
        }
        return k;
    }

    /** The bytes [from, to) of the file as a stream (positional reads: the workers share the channel). */
    private static final class Region extends InputStream {
        private final FileChannel ch;
        private long pos;
        private final long end;

        Region(FileChannel ch, long from, long to) {
            this.ch = ch;
            this.pos = from;
            this.end = to;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (pos >= end) {
                return -1;
            }
            int n = ch.read(ByteBuffer.wrap(b, off, (int) Math.min(len, end - pos)), pos);
            if (n < 0) {
                return -1;
            }
            pos += n;
            return n;
        }
    }
}
