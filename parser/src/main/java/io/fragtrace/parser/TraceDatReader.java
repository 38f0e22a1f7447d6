package io.fragtrace.parser;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a trace-cmd {@code trace.dat} into the same {@link ParsedEvent}s as its {@code trace-cmd report} text:
 * CPUs merged by timestamp as trace-cmd report does (the smallest timestamp next, the lower CPU on a tie), each
 * record decoded through its format file and print fmt ({@link TraceDatFormat}), task names from the saved
 * cmdlines, timestamps at the microsecond precision the text shows. Lost events and corrupt pages are reported
 * with CPU and file offset; a truncated file yields what is complete.
 */
final class TraceDatReader implements PrintFmt.Record {
    private static final Map<String, Integer> MODES = new HashMap<>();
    private static final Map<String, Integer> STATUSES = new HashMap<>();
    private static final Map<String, Integer> ZONES = new HashMap<>();
    private static final Map<String, Integer> REASONS = new HashMap<>();

    static {
        TraceParser.vocabulary(MODES::put, STATUSES::put, ZONES::put, REASONS::put);
    }

    private final TraceDatFile file;
    private final ParseReport report;
    private final TraceVisitor visitor;
    private final ParsedEvent ev;
    private final byte[] scratch = new byte[1 << 16];
    private final boolean nanosecondClock;
    private final long[] unknownById;
    private final int[] pidField;
    // the record being decoded
    private TraceDatFormat fmt;
    // the record being decoded: rb[ro, ro + rl)
    private byte[] rb;
    private int ro;
    private int rl;
    private final boolean big;
    /** trace-cmd rounds nanoseconds to the printed microsecond, perf script truncates. */
    boolean truncateMicros;

    TraceDatReader(TraceDatFile file, ParseReport report, TraceVisitor visitor, TraceParser parser) {
        this.file = file;
        this.big = file.order == java.nio.ByteOrder.BIG_ENDIAN;
        this.report = report;
        this.visitor = visitor;
        this.ev = new ParsedEvent(parser.comms, parser.gfps);
        this.unknownById = new long[file.byId.length];
        this.pidField = new int[file.byId.length];
        for (TraceDatFormat f : file.formats) {
            pidField[f.id] = f.fieldIndex("common_pid");
        }
        String c = file.clock;
        this.nanosecondClock = switch (c) {
            case "", "local", "global", "perf", "mono", "mono_raw", "boot", "tai" -> true;
            default -> false;
        };
    }

    /**
     * Reads the trace.dat on {@code in}. An uncompressed file is read in place; a compressed one (or a stream) is read
     * into memory up to {@link Spool#IN_MEMORY} bytes, beyond that inflated to a temporary file, because CPUs are merged
     * by seeking in each CPU's pages.
     */
    static ParseReport read(InputStream in, String name, TraceVisitor visitor, TraceInput source, TraceParser parser) {
        ParseReport report = new ParseReport();
        report.input = name;
        Path path = null;
        Path temp = null;
        try {
            if (source != null && source.file() != null && isPlainTraceDat(source.file())) {
                path = source.file();
                report.rawBytes = Files.size(path);
            } else {
                Spool spool = Spool.read(in, ".dat", report);
                if (spool.file == null) {
                    report.bytes = spool.length;
                    report.rawBytes = source != null ? source.rawBytesRead() : spool.length;
                    try (TraceDatFile f = TraceDatFile.open(spool.bytes, spool.length)) {
                        readAll(f, report, visitor, parser);
                    }
                    return report;
                }
                temp = spool.file;
                path = temp;
                report.rawBytes = source != null ? source.rawBytesRead() : Files.size(temp);
            }
            report.bytes = Files.size(path);
            try (TraceDatFile f = TraceDatFile.open(path)) {
                readAll(f, report, visitor, parser);
            }
        } catch (IOException | RuntimeException e) { // a corrupt header or page layout: what was read is kept
            String msg = "trace.dat unreadable: " + e.getMessage();
            report.problem("trace.dat unreadable", 0, msg);
            if (report.totalEvents() == 0) {
                report.notATrace = report.eventLines == 0 && report.truncation == null;
            }
            if (report.truncation == null && e instanceof java.io.EOFException) {
                report.truncation = msg;
            }
        } finally {
            if (temp != null) {
                try {
                    Files.deleteIfExists(temp);
                } catch (IOException ignored) {
                    // a leftover temp file is harmless
                }
            }
        }
        return report;
    }

    private static void readAll(TraceDatFile f, ParseReport report, TraceVisitor visitor, TraceParser parser)
            throws IOException {
        for (String note : f.notes) {
            report.problem("trace.dat", 0, note);
        }
        new TraceDatReader(f, report, visitor, parser).run();
    }

    /** A binary trace (trace.dat, perf.data) whose header could not be read at all: one clear line, not "not a trace". */
    static void failIfUnreadable(ParseReport r, String name) throws TraceInputException {
        if (r == null || !r.notATrace) {
            return;
        }
        for (ParseReport.Problem p : r.examples) {
            if (p.reason().equals("trace.dat unreadable") || p.reason().equals("perf.data unreadable")) {
                throw new TraceInputException(name + ": " + p.text());
            }
        }
    }

    private static boolean isPlainTraceDat(Path p) {
        try (InputStream raw = Files.newInputStream(p)) {
            byte[] m = raw.readNBytes(TraceDatFile.MAGIC.length);
            return TraceDatFile.isTraceDat(m, m.length);
        } catch (IOException e) {
            return false;
        }
    }

    private void run() throws IOException {
        List<TraceDatFile.CpuData> data = file.cpus;
        TraceDatCpu[] cpus = new TraceDatCpu[data.size()];
        for (int i = 0; i < cpus.length; i++) {
            cpus[i] = new TraceDatCpu(file, data.get(i), report);
            cpus[i].next();
        }
        cpuStats();
        long seq = 0;
        while (true) {
            TraceDatCpu min = null;
            for (TraceDatCpu c : cpus) {
                if (!c.done && (min == null || c.recTs < min.recTs || (c.recTs == min.recTs && c.cpu < min.cpu))) {
                    min = c;
                }
            }
            if (min == null) {
                break;
            }
            decode(min.buf, min.recOff, min.recLen, min.cpu, min.recTs, ++seq, null);
            min.next();
        }
        finish(seq);
    }

    /** trace-cmd's CPUSTAT options: the kernel's per_cpu/cpuN/stats when the trace was extracted. */
    private void cpuStats() {
        for (int i = 0; i < file.cpuStats.size(); i++) {
            for (String line : file.cpuStats.get(i).split("\n")) {
                int colon = line.indexOf(':');
                if (colon < 0) {
                    continue;
                }
                String key = line.substring(0, colon).trim();
                String val = line.substring(colon + 1).trim();
                if ((key.equals("overrun") || key.equals("dropped events")) && !val.equals("0")) {
                    report.problem("lost events", 0, "CPU " + i + " per_cpu stats at recording: " + key + ": " + val);
                }
            }
        }
    }

    /** Finishes the report once every record is decoded: unknown events by name. */
    void finish(long records) {
        report.lines = records;
        for (TraceDatFormat f : file.formats) {
            if (unknownById[f.id] > 0) {
                report.unknownEvents.merge(f.name, unknownById[f.id], Long::sum);
            }
        }
    }

    /**
     * One raw tracepoint record buf[off, off + len) (common_type first), of a CPU at ts (trace clock, ns). The task
     * name is {@code comm} when the caller knows it (perf's COMM records), else from the saved cmdlines.
     */
    void decode(byte[] buf, int off, int len, int cpu, long recTs, long seq, byte[] commOverride) {
        report.eventLines++;
        if (len < 8) {
            report.problem("corrupt record", seq, "CPU " + cpu + ": record of " + len + " bytes");
            return;
        }
        rb = buf;
        ro = off;
        rl = len;
        int id = (int) TraceDatCpu.word(buf, off, 2, big);
        TraceDatFormat f = id < file.byId.length ? file.byId[id] : null;
        if (f == null) {
            report.problem("event id without a format", seq, "CPU " + cpu + ": event id " + id);
            return;
        }
        if (f.type == null) {
            unknownById[id]++;
            return;
        }
        if (f.problem != null) {
            report.problem(f.name + ": " + f.problem, seq, "");
            return;
        }
        fmt = f;
        ev.reset(scratch);
        ev.type = f.type;
        ev.line = seq;
        ev.cpu = cpu;
        long ts = recTs;
        if (nanosecondClock) {
            // the texts show microseconds (trace-cmd rounds like ns2usecs, perf script truncates): keep results identical
            ts = truncateMicros ? ts / 1000 * 1000 : (ts + 500) / 1000 * 1000;
        } else {
            report.counterClock = true;
        }
        ev.timestampNs = ts;
        ev.hasTimestamp = true;
        int pf = pidField[id];
        ev.pid = pf >= 0 ? (int) field(pf) : -1;
        byte[] comm = commOverride != null ? commOverride : file.comms.get(ev.pid);
        System.arraycopy(comm, 0, scratch, 0, comm.length);
        ev.commOff = 0;
        ev.commLen = comm.length;
        int w = comm.length;
        if (f.textField >= 0) {
            w = markerText(f.fields[f.textField], w);
        } else {
            for (TraceDatFormat.Binding b : f.bindings) {
                w = bind(b, w);
            }
        }
        deliver();
    }

    private int markerText(TraceDatFormat.FieldDef fd, int w) {
        int s = ro + fd.offset();
        int e = ro + rl;
        int k = s;
        while (k < e && rb[k] != 0) {
            k++;
        }
        while (k > s && (rb[k - 1] == '\n' || rb[k - 1] == ' ')) {
            k--;
        }
        int n = Math.min(k - s, scratch.length - w);
        System.arraycopy(rb, s, scratch, w, Math.max(0, n));
        ev.bodyOff = w;
        ev.bodyLen = Math.max(0, n);
        return w + Math.max(0, n);
    }

    private int bind(TraceDatFormat.Binding b, int w) {
        switch (b.kind) {
            case NUMBER, RANGE, RANGE_END -> {
                if (!b.stringConv) {
                    long v = b.directField >= 0 ? field(b.directField) : PrintFmt.num(b.expr, this);
                    ev.set(b.field, printed(b, v));
                }
            }
            case PAGE -> ev.pageNull = PrintFmt.num(b.expr, this) == 0;
            case GFP -> {
                byte[] text = gfpText(b);
                int n = Math.min(text.length, scratch.length - w);
                System.arraycopy(text, 0, scratch, w, n);
                ev.gfpOff = w;
                ev.gfpLen = n;
                ev.set(Field.GFP, 0);
                return w + n;
            }
            default -> { // MODE, STATUS, ZONE, REASON
                if (b.isString) {
                    ev.set(b.field, vocab(b));
                } else {
                    ev.set(b.field, printed(b, PrintFmt.num(b.expr, this)));
                }
            }
        }
        return w;
    }

    /** The value as printf prints it: %d/%u/%x take an int, %l* and %p a long. */
    private static long printed(TraceDatFormat.Binding b, long v) {
        if (b.width == 32) {
            return b.signedConv ? (int) v : v & 0xffffffffL;
        }
        return v;
    }

    private int memoSlot(TraceDatFormat.Binding b, long key) {
        int mask = b.memoKeys.length - 1;
        int s = (int) ((key * 0x9E3779B97F4A7C15L) >>> 56) & mask;
        for (int i = 0; i <= mask; i++) {
            if (!b.memoUsed[s] || b.memoKeys[s] == key) {
                return s;
            }
            s = (s + 1) & mask;
        }
        return -1;
    }

    private byte[] gfpText(TraceDatFormat.Binding b) {
        long key = b.memoField >= 0 ? field(b.memoField) : 0;
        int s = b.memoField >= 0 ? memoSlot(b, key) : -1;
        if (s >= 0 && b.memoUsed[s]) {
            return b.memoText[s];
        }
        String str = b.isString ? PrintFmt.str(b.expr, this) : null;
        if (str == null) {
            str = "0x" + Long.toHexString(printed(b, PrintFmt.num(b.expr, this)));
        }
        byte[] text = str.getBytes(StandardCharsets.UTF_8);
        if (s >= 0) {
            b.memoUsed[s] = true;
            b.memoKeys[s] = key;
            b.memoText[s] = text;
        }
        return text;
    }

    private int vocab(TraceDatFormat.Binding b) {
        long key = b.memoField >= 0 ? field(b.memoField) : 0;
        int s = b.memoField >= 0 ? memoSlot(b, key) : -1;
        if (s >= 0 && b.memoUsed[s]) {
            return b.memoVocab[s];
        }
        String str = PrintFmt.str(b.expr, this);
        Map<String, Integer> table = switch (b.kind) {
            case MODE -> MODES;
            case STATUS -> STATUSES;
            case ZONE -> ZONES;
            default -> REASONS;
        };
        int unknown = switch (b.kind) {
            case MODE -> MigrateMode.UNKNOWN.ordinal();
            case STATUS -> CompactStatus.UNKNOWN.ordinal();
            case ZONE -> ZoneType.UNKNOWN.ordinal();
            default -> MigrateReason.UNKNOWN.ordinal();
        };
        int v = str == null ? unknown : table.getOrDefault(str.trim(), unknown);
        if (s >= 0) {
            b.memoUsed[s] = true;
            b.memoKeys[s] = key;
            b.memoVocab[s] = v;
        }
        return v;
    }

    /** A field of the current record, sign-extended as its format says; 0 when the record is too short. */
    @Override
    public long field(int index) {
        TraceDatFormat.FieldDef fd = fmt.fields[index];
        int size = fd.dataLoc() || fd.relLoc() ? 4 : fd.size();
        if (fd.offset() + size > rl || (size != 1 && size != 2 && size != 4 && size != 8)) {
            return 0;
        }
        long v = TraceDatCpu.word(rb, ro + fd.offset(), size, big);
        if (fd.signed() && size < 8) {
            int sh = 64 - size * 8;
            v = (v << sh) >> sh;
        }
        return v;
    }

    private void deliver() {
        report.eventCounts[ev.type.ordinal()]++;
        if (report.firstTimestampNs == Long.MIN_VALUE) {
            report.firstTimestampNs = ev.timestampNs;
        }
        report.lastTimestampNs = ev.timestampNs;
        visitor.onEvent(ev);
    }
}
