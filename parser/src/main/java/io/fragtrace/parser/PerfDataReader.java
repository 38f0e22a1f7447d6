package io.fragtrace.parser;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Reads {@code perf record -e kmem:... -e compaction:...} output (perf.data, "PERFILE2", as tools/perf/util/header.c
 * writes it) into the same events as its {@code perf script} text: the tracepoint formats come from the
 * HEADER_TRACING_DATA feature (trace.dat's own metadata layout, {@link TraceDatFile#ofPerfTracingData}), each
 * PERF_RECORD_SAMPLE's PERF_SAMPLE_RAW bytes are the tracepoint record, and samples are put in time order the way
 * perf's ordered_events does (flushed at each PERF_RECORD_FINISHED_ROUND up to the previous round's latest time),
 * so memory is bounded by one round. Task names come from PERF_RECORD_COMM.
 */
final class PerfDataReader {
    static final byte[] MAGIC = "PERFILE2".getBytes(StandardCharsets.US_ASCII);
    private static final int RECORD_LOST = 2, RECORD_COMM = 3, RECORD_FORK = 7, RECORD_SAMPLE = 9, RECORD_LOST_SAMPLES = 13,
            RECORD_FINISHED_ROUND = 68;
    private static final long S_IP = 1, S_TID = 1 << 1, S_TIME = 1 << 2, S_ADDR = 1 << 3, S_READ = 1 << 4,
            S_CALLCHAIN = 1 << 5, S_ID = 1 << 6, S_CPU = 1 << 7, S_PERIOD = 1 << 8, S_STREAM_ID = 1 << 9,
            S_RAW = 1 << 10, S_IDENTIFIER = 1 << 16;
    private static final int HEADER_TRACING_DATA = 1;

    private final ByteBuffer bb;
    private final long sampleType;
    private final TraceDatReader decoder;
    private final ParseReport report;
    private final TraceDatComms comms = new TraceDatComms();
    private static final byte[] SWAPPER = "swapper".getBytes(StandardCharsets.US_ASCII);
    private byte[] raw = new byte[1 << 16];
    // samples waiting for their round: time and record offset, in file order
    private long[] pendTime = new long[1 << 12];
    private long[] pendPos = new long[1 << 12];
    private int[] order = new int[1 << 12];
    private int[] tmp = new int[1 << 12];
    private int pending;
    private long nextFlush;
    private long maxTime = Long.MIN_VALUE;
    private long seq;

    private PerfDataReader(ByteBuffer bb, long sampleType, TraceDatReader decoder, ParseReport report) {
        this.bb = bb;
        this.sampleType = sampleType;
        this.decoder = decoder;
        this.report = report;
        decoder.truncateMicros = true; // perf script prints usecs = nsecs / 1000
    }

    static boolean isPerfData(byte[] m, int n) {
        return n >= MAGIC.length && java.util.Arrays.equals(m, 0, MAGIC.length, MAGIC, 0, MAGIC.length);
    }

    static ParseReport read(InputStream in, String name, TraceVisitor visitor, TraceInput source, TraceParser parser) {
        ParseReport report = new ParseReport();
        report.input = name;
        Path temp = null;
        try {
            Path path;
            if (source != null && source.file() != null && startsWithMagic(source.file())) {
                path = source.file();
            } else {
                Spool spool = Spool.read(in, ".perf.data", report);
                if (spool.file == null) {
                    report.bytes = spool.length;
                    report.rawBytes = source != null && source.rawBytesRead() > 0 ? source.rawBytesRead()
                            : spool.length;
                    run(ByteBuffer.wrap(spool.bytes, 0, spool.length).slice().order(ByteOrder.LITTLE_ENDIAN), report,
                            visitor, parser);
                    return report;
                }
                temp = spool.file;
                path = temp;
            }
            report.bytes = Files.size(path);
            report.rawBytes = source != null && source.rawBytesRead() > 0 ? source.rawBytesRead() : report.bytes;
            try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
                if (ch.size() > Integer.MAX_VALUE) {
                    throw new IOException("perf.data over 2 GiB is not read (split it with perf script or --time)");
                }
                ByteBuffer bb = ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size()).order(ByteOrder.LITTLE_ENDIAN);
                run(bb, report, visitor, parser);
            }
        } catch (IOException | RuntimeException e) {
            report.problem("perf.data unreadable", 0, "perf.data unreadable: " + e.getMessage());
            report.notATrace = report.totalEvents() == 0 && report.truncation == null;
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

    private static boolean startsWithMagic(Path p) {
        try (InputStream raw = Files.newInputStream(p)) {
            return java.util.Arrays.equals(raw.readNBytes(MAGIC.length), MAGIC);
        } catch (IOException e) {
            return false;
        }
    }

    /** struct perf_file_header: magic, size, attr_size, attrs, data, event_types, adds_features[4]. */
    private static void run(ByteBuffer bb, ParseReport report, TraceVisitor visitor, TraceParser parser)
            throws IOException {
        if (bb.limit() < 104 || bb.getLong(8) < 104) {
            throw new IOException("pipe-mode or truncated perf.data header (record to a file with -o)");
        }
        long attrsOff = bb.getLong(24);
        long dataOff = bb.getLong(40);
        long dataSize = bb.getLong(48);
        long features = bb.getLong(72);
        if ((features & (1L << HEADER_TRACING_DATA)) == 0) {
            throw new IOException("no tracepoint formats (HEADER_TRACING_DATA): not a perf record -e tracepoint file");
        }
        long table = dataOff + dataSize; // feature sections follow the data, one {offset, size} per set bit
        int index = Long.bitCount(features & ((1L << HEADER_TRACING_DATA) - 1));
        long tdOff = bb.getLong((int) (table + 16L * index));
        long tdSize = bb.getLong((int) (table + 16L * index + 8));
        if (tdOff < 0 || tdOff + tdSize > bb.limit()) {
            throw new IOException("tracing data section outside the file (truncated perf.data?)");
        }
        byte[] td = new byte[(int) tdSize];
        bb.get((int) tdOff, td);
        TraceDatFile meta = TraceDatFile.ofPerfTracingData(td);
        long sampleType = bb.getLong((int) attrsOff + 24); // perf_event_attr: type, size, config, period, sample_type
        if ((sampleType & S_RAW) == 0 || (sampleType & S_READ) != 0) {
            throw new IOException("samples without PERF_SAMPLE_RAW (or with PERF_SAMPLE_READ) are not tracepoint records");
        }
        TraceDatReader decoder = new TraceDatReader(meta, report, visitor, parser);
        PerfDataReader r = new PerfDataReader(bb, sampleType, decoder, report);
        r.records(dataOff, Math.min(dataOff + dataSize, bb.limit()));
        decoder.finish(r.seq);
    }

    private void records(long start, long end) {
        long pos = start;
        while (pos + 8 <= end) {
            int type = bb.getInt((int) pos);
            int size = bb.getShort((int) pos + 6) & 0xffff;
            if (size < 8 || pos + size > end) {
                report.truncation = "perf.data ends early or is corrupt at file offset 0x" + Long.toHexString(pos);
                report.problem("corrupt record", 0, report.truncation);
                break;
            }
            int body = (int) pos + 8;
            switch (type) {
                case RECORD_SAMPLE -> queue(sampleTime(body), pos);
                case RECORD_COMM, RECORD_FORK -> queue(trailerTime((int) (pos + size)), ~pos); // in time order
                case RECORD_FINISHED_ROUND -> {
                    flush(nextFlush);
                    nextFlush = maxTime;
                }
                case RECORD_LOST, RECORD_LOST_SAMPLES -> {
                    long lost = bb.getLong(type == RECORD_LOST ? body + 8 : body);
                    report.lostMarkers += lost;
                    report.problem("lost events", 0, "perf lost " + lost + " samples (record at file offset 0x"
                            + Long.toHexString(pos) + ")");
                }
                default -> { }
            }
            pos += size;
        }
        flush(Long.MAX_VALUE);
    }

    private long sampleTime(int p) {
        if ((sampleType & S_TIME) == 0) {
            return 0;
        }
        p += (sampleType & S_IDENTIFIER) != 0 ? 8 : 0;
        p += (sampleType & S_IP) != 0 ? 8 : 0;
        p += (sampleType & S_TID) != 0 ? 8 : 0;
        return bb.getLong(p);
    }

    /** The time of a non-sample record from its sample_id_all trailer (tid, time, id, stream_id, cpu, identifier). */
    private long trailerTime(int end) {
        if ((sampleType & S_TIME) == 0) {
            return 0;
        }
        int n = 0;
        for (long bit : new long[] {S_TIME, S_ID, S_STREAM_ID, S_CPU, S_IDENTIFIER}) {
            n += (sampleType & bit) != 0 ? 8 : 0;
        }
        return bb.getLong(end - n);
    }

    private void queue(long time, long pos) {
        if (pending == pendTime.length) {
            int n = pending * 2;
            pendTime = java.util.Arrays.copyOf(pendTime, n);
            pendPos = java.util.Arrays.copyOf(pendPos, n);
            order = new int[n];
            tmp = new int[n];
        }
        pendTime[pending] = time;
        pendPos[pending] = pos;
        pending++;
        maxTime = Math.max(maxTime, time);
    }

    /** Emits the pending samples with time <= limit in (time, file order); keeps the rest for a later round. */
    private void flush(long limit) {
        for (int i = 0; i < pending; i++) {
            order[i] = i;
        }
        mergeSort(0, pending);
        int kept = 0;
        for (int i = 0; i < pending; i++) {
            int k = order[i];
            if (pendTime[k] <= limit) {
                emit(pendPos[k], pendTime[k]);
            } else {
                order[kept++] = k;
            }
        }
        long[] t = new long[kept];
        long[] p = new long[kept];
        for (int i = 0; i < kept; i++) { // the kept ones are in time order already
            t[i] = pendTime[order[i]];
            p[i] = pendPos[order[i]];
        }
        System.arraycopy(t, 0, pendTime, 0, kept);
        System.arraycopy(p, 0, pendPos, 0, kept);
        pending = kept;
    }

    /** Stable sort of order[from, to) by pendTime (equal times keep file order, as perf's queue does). */
    private void mergeSort(int from, int to) {
        if (to - from < 2) {
            return;
        }
        int mid = (from + to) >>> 1;
        mergeSort(from, mid);
        mergeSort(mid, to);
        if (pendTime[order[mid - 1]] <= pendTime[order[mid]]) {
            return;
        }
        int i = from;
        int j = mid;
        int k = from;
        while (i < mid && j < to) {
            tmp[k++] = pendTime[order[j]] < pendTime[order[i]] ? order[j++] : order[i++];
        }
        while (i < mid) {
            tmp[k++] = order[i++];
        }
        while (j < to) {
            tmp[k++] = order[j++];
        }
        System.arraycopy(tmp, from, order, from, to - from);
    }

    /** One sample: fields in the order of enum perf_event_sample_format (include/uapi/linux/perf_event.h). */
    private void emit(long pos, long time) {
        if (pos < 0) {
            int at = (int) ~pos;
            if (bb.getInt(at) == RECORD_COMM) { // pid, tid, comm
                int end = at + (bb.getShort(at + 6) & 0xffff);
                comms.put(bb.getInt(at + 12), cstring(at + 16, end));
            } else { // PERF_RECORD_FORK: pid, ppid, tid, ptid: the child has its parent's name
                byte[] parent = comms.find(bb.getInt(at + 20));
                if (parent != null) {
                    comms.put(bb.getInt(at + 16), parent);
                }
            }
            return;
        }
        int p = (int) pos + 8;
        int tid = -1;
        int cpu = -1;
        if ((sampleType & S_IDENTIFIER) != 0) {
            p += 8;
        }
        if ((sampleType & S_IP) != 0) {
            p += 8;
        }
        if ((sampleType & S_TID) != 0) {
            tid = bb.getInt(p + 4);
            p += 8;
        }
        if ((sampleType & S_TIME) != 0) {
            p += 8;
        }
        if ((sampleType & S_ADDR) != 0) {
            p += 8;
        }
        if ((sampleType & S_ID) != 0) {
            p += 8;
        }
        if ((sampleType & S_STREAM_ID) != 0) {
            p += 8;
        }
        if ((sampleType & S_CPU) != 0) {
            cpu = bb.getInt(p);
            p += 8;
        }
        if ((sampleType & S_PERIOD) != 0) {
            p += 8;
        }
        if ((sampleType & S_CALLCHAIN) != 0) {
            p += 8 + 8 * (int) bb.getLong(p);
        }
        int size = bb.getInt(p);
        int end = (int) pos + (bb.getShort((int) pos + 6) & 0xffff);
        if (size < 0 || p + 4 + size > end) {
            report.problem("corrupt record", seq + 1, "perf sample at file offset 0x" + Long.toHexString(pos)
                    + ": raw data runs past the record");
            return;
        }
        if (raw.length < size) {
            raw = new byte[size];
        }
        bb.get(p + 4, raw, 0, size);
        byte[] comm = comms.find(tid);
        if (comm == null) { // perf's names for threads it saw no COMM record of
            comm = tid == 0 ? SWAPPER : (":" + tid).getBytes(StandardCharsets.US_ASCII);
        }
        decoder.decode(raw, 0, size, cpu, time, ++seq, comm);
    }

    private byte[] cstring(int from, int end) {
        int e = from;
        while (e < end && bb.get(e) != 0) {
            e++;
        }
        byte[] b = new byte[e - from];
        bb.get(from, b);
        return b;
    }
}
