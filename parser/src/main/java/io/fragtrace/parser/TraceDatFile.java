package io.fragtrace.parser;

import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * The metadata of a trace-cmd {@code trace.dat}, file versions 6 and 7, as trace-cmd.dat.v6(5) / .v7(5) describe
 * it (lib/trace-cmd/trace-input.c reads the same): initial header, header_page/header_event, ftrace and event
 * format files, saved cmdlines, options (v6 inline, v7 in OPTIONS sections), and where each CPU's ring-buffer
 * pages are. v7 sections flagged compressed are inflated here (zstd, zlib); per-CPU chunked data is left to
 * {@link TraceDatCpu}.
 */
final class TraceDatFile implements Closeable {
    static final byte[] MAGIC = {0x17, 0x08, 0x44, 't', 'r', 'a', 'c', 'i', 'n', 'g'};

    /** Where one CPU's pages are stored. */
    record CpuData(int cpu, long offset, long size, boolean compressed) { }

    /** The file, or null when the whole trace.dat is in {@link #mem}. */
    private final FileChannel ch;
    private final byte[] mem;
    final long fileSize;
    ByteOrder order = ByteOrder.LITTLE_ENDIAN;
    int version;
    int longSize;
    int pageSize;
    String compression = "none";
    /** ring-buffer page header layout (header_page). */
    int commitOffset = 8;
    int commitSize = 8;
    int dataOffset = 16;
    TraceDatFormat[] byId = new TraceDatFormat[0];
    final List<TraceDatFormat> formats = new ArrayList<>();
    final TraceDatComms comms = new TraceDatComms();
    final List<CpuData> cpus = new ArrayList<>();
    String clock = "";
    String uname = "";
    /** per_cpu/cpuN/stats texts saved by trace-cmd (CPUSTAT option), in CPU order. */
    final List<String> cpuStats = new ArrayList<>();
    final List<String> notes = new ArrayList<>();

    private TraceDatFile(FileChannel ch, byte[] mem, long memSize) throws IOException {
        this.ch = ch;
        this.mem = mem;
        this.fileSize = ch != null ? ch.size() : memSize;
    }

    /** True when the bytes start with trace-cmd's magic {@code 17 08 44 "tracing"}. */
    static boolean isTraceDat(byte[] b, int n) {
        if (n < MAGIC.length) {
            return false;
        }
        for (int i = 0; i < MAGIC.length; i++) {
            if (b[i] != MAGIC[i]) {
                return false;
            }
        }
        return true;
    }

    static TraceDatFile open(Path p) throws IOException {
        FileChannel ch = FileChannel.open(p, StandardOpenOption.READ);
        try {
            TraceDatFile f = new TraceDatFile(ch, null, 0);
            f.readAll();
            return f;
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    /** A trace.dat held in memory: bytes [0, size) of {@code b}. */
    static TraceDatFile open(byte[] b, int size) throws IOException {
        TraceDatFile f = new TraceDatFile(null, b, size);
        f.readAll();
        return f;
    }

    /**
     * perf.data's HEADER_TRACING_DATA feature: the same header_page, formats and cmdlines blocks as a version-6
     * trace.dat (tools/perf/util/trace-event-info.c writes them), version string "0.5"/"0.6", no CPU data.
     */
    static TraceDatFile ofPerfTracingData(byte[] blob) throws IOException {
        TraceDatFile f = new TraceDatFile(null, blob, blob.length);
        if (!isTraceDat(blob, blob.length)) {
            throw new IOException("perf.data tracing data has no 17 08 44 'tracing' magic");
        }
        Src s = f.new Src(MAGIC.length);
        String v = s.cstr();
        f.order = s.u8() == 0 ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN;
        s = f.new Src(s.pos());
        f.longSize = s.u8();
        f.pageSize = (int) s.u32();
        f.headerInfo(s);
        f.ftraceEvents(s);
        f.eventFormats(s);
        s.skip(s.u32()); // kallsyms
        s.skip(s.u32()); // printk formats
        if (!v.equals("0.5")) {
            f.cmdlines(s);
        }
        return f;
    }

    @Override
    public void close() throws IOException {
        if (ch != null) {
            ch.close();
        }
    }

    /** Fills {@code bb} from file offset {@code pos} as far as the file goes; -1 at the end. */
    int readAt(ByteBuffer bb, long pos) throws IOException {
        if (ch != null) {
            return ch.read(bb, pos);
        }
        if (pos >= fileSize) {
            return -1;
        }
        int n = (int) Math.min(bb.remaining(), fileSize - pos);
        bb.put(mem, (int) pos, n);
        return n;
    }

    // ---- positional reads

    byte[] read(long off, int len) throws IOException {
        if (off < 0 || len < 0 || off + len > fileSize) {
            throw new EOFException("needs bytes " + off + ".." + (off + len) + " of a " + fileSize + "-byte file");
        }
        byte[] b = new byte[len];
        ByteBuffer bb = ByteBuffer.wrap(b);
        while (bb.hasRemaining()) {
            if (readAt(bb, off + bb.position()) < 0) {
                throw new EOFException("file ends at " + fileSize);
            }
        }
        return b;
    }

    /** A cursor over the file (v6 metadata) or over an inflated section (v7). */
    final class Src {
        private ByteBuffer buf;
        private long base; // file offset of buf[0], -1 for an inflated section

        Src(long fileOff) {
            this.base = fileOff;
            this.buf = ByteBuffer.allocate(0).order(order);
        }

        Src(byte[] section) {
            this.base = -1;
            this.buf = ByteBuffer.wrap(section).order(order);
        }

        private void need(int n) throws IOException {
            if (buf.remaining() >= n) {
                return;
            }
            if (base < 0) {
                throw new EOFException("section ends early");
            }
            long at = base + buf.position();
            int len = (int) Math.min(Math.max(n, 1 << 16), fileSize - at);
            if (len < n) {
                throw new EOFException("file ends at " + fileSize + " inside the header");
            }
            buf = ByteBuffer.wrap(read(at, len)).order(order);
            base = at;
        }

        long pos() {
            return base < 0 ? buf.position() : base + buf.position();
        }

        int u8() throws IOException {
            need(1);
            return buf.get() & 0xff;
        }

        int u16() throws IOException {
            need(2);
            return buf.getShort() & 0xffff;
        }

        long u32() throws IOException {
            need(4);
            return buf.getInt() & 0xffffffffL;
        }

        long u64() throws IOException {
            need(8);
            return buf.getLong();
        }

        byte[] bytes(long n) throws IOException {
            if (n < 0 || n > Integer.MAX_VALUE - 16) {
                throw new IOException("implausible length " + n);
            }
            if (base >= 0 && n > (1 << 16)) { // large blobs (kallsyms) straight from the file
                long at = pos();
                byte[] b = read(at, (int) n);
                base = at + n;
                buf = ByteBuffer.allocate(0).order(order);
                return b;
            }
            need((int) n);
            byte[] b = new byte[(int) n];
            buf.get(b);
            return b;
        }

        void skip(long n) throws IOException {
            if (base >= 0) {
                long at = pos() + n;
                base = at;
                buf = ByteBuffer.allocate(0).order(order);
            } else {
                need((int) n);
                buf.position(buf.position() + (int) n);
            }
        }

        String cstr() throws IOException {
            StringBuilder sb = new StringBuilder();
            for (int c = u8(); c != 0; c = u8()) {
                sb.append((char) c);
            }
            return sb.toString();
        }
    }

    // ---- the file

    private void readAll() throws IOException {
        byte[] head = read(0, (int) Math.min(fileSize, 64));
        if (!isTraceDat(head, head.length)) {
            throw new IOException("not a trace-cmd file (no 17 08 44 'tracing' magic)");
        }
        Src s = new Src(MAGIC.length);
        String v = s.cstr();
        try {
            version = Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new IOException("unreadable file version '" + v + "'");
        }
        order = s.u8() == 0 ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN;
        long at = s.pos();
        s = new Src(at); // numbers from here on in the file's byte order
        longSize = s.u8();
        pageSize = (int) s.u32();
        if (pageSize <= 0 || pageSize > (1 << 24)) {
            throw new IOException("implausible page size " + pageSize);
        }
        if (version < 7) {
            readV6(s);
        } else if (version == 7) {
            readV7(s);
        } else {
            throw new IOException("trace-cmd file version " + version + " (versions 6 and 7 are read)");
        }
    }

    private void readV6(Src s) throws IOException {
        headerInfo(s);
        ftraceEvents(s);
        eventFormats(s);
        s.skip(s.u32()); // kallsyms
        s.skip(s.u32()); // printk formats
        cmdlines(s);
        int ncpu = (int) s.u32();
        String tag = new String(s.bytes(10), StandardCharsets.ISO_8859_1);
        if (tag.startsWith("options")) {
            for (int id = s.u16(); id != 0; id = s.u16()) {
                long size = s.u32();
                option(id, s.bytes(size));
            }
            tag = new String(s.bytes(10), StandardCharsets.ISO_8859_1);
        }
        if (!tag.startsWith("flyrecord")) {
            throw new IOException("no flyrecord data (found '" + tag.trim() + "'; latency traces are text: read "
                    + "them with trace-cmd report)");
        }
        for (int i = 0; i < ncpu; i++) {
            cpus.add(new CpuData(i, s.u64(), s.u64(), false));
        }
    }

    private void readV7(Src s) throws IOException {
        compression = s.cstr();
        s.cstr(); // compressor version
        long next = s.u64();
        long header = -1;
        long ftrace = -1;
        long events = -1;
        long cmd = -1;
        int guard = 0;
        while (next != 0 && guard++ < 1000) {
            Src o = section(next, 0);
            next = 0;
            while (true) {
                int id = o.u16();
                long size = o.u32();
                byte[] data = o.bytes(size);
                ByteBuffer d = ByteBuffer.wrap(data).order(order);
                switch (id) {
                    case 0 -> next = size >= 8 ? d.getLong() : 0;
                    case 16 -> header = d.getLong();
                    case 17 -> ftrace = d.getLong();
                    case 18 -> events = d.getLong();
                    case 21 -> cmd = d.getLong();
                    case 3 -> buffer(data);
                    default -> option(id, data);
                }
                if (id == 0) {
                    break;
                }
            }
        }
        if (header < 0) {
            throw new IOException("no HEADER_INFO section");
        }
        headerInfo(section(header, 16));
        if (ftrace >= 0) {
            ftraceEvents(section(ftrace, 17));
        }
        if (events >= 0) {
            eventFormats(section(events, 18));
        }
        if (cmd >= 0) {
            cmdlines(section(cmd, 21));
        }
        if (cpus.isEmpty()) {
            throw new IOException("no flyrecord BUFFER of the top instance");
        }
    }

    /** v7 BUFFER option: offset, instance name, clock, page size, cpu count, (cpu, offset, size)*. */
    private void buffer(byte[] data) throws IOException {
        Src b = new Src(data);
        long sectionOff = b.u64();
        String name = b.cstr();
        String clk = b.cstr();
        if (!name.isEmpty()) {
            notes.add("instance '" + name + "' skipped (only the top-level buffer is read)");
            return;
        }
        clock = clk;
        int ps = (int) b.u32();
        if (ps > 0) {
            pageSize = ps;
        }
        int n = (int) b.u32();
        byte[] sh = read(sectionOff, 16);
        ByteBuffer h = ByteBuffer.wrap(sh).order(order);
        h.getShort();
        boolean compressed = (h.getShort() & 1) != 0;
        for (int i = 0; i < n; i++) {
            int cpu = (int) b.u32();
            cpus.add(new CpuData(cpu, b.u64(), b.u64(), compressed));
        }
    }

    /** A v7 section's contents (inflated when flagged compressed). */
    private Src section(long off, int expectId) throws IOException {
        byte[] h = read(off, 16);
        ByteBuffer b = ByteBuffer.wrap(h).order(order);
        int id = b.getShort() & 0xffff;
        int flags = b.getShort() & 0xffff;
        b.getInt();
        long size = b.getLong();
        if (id != expectId) {
            throw new IOException("section at " + off + " has id " + id + ", expected " + expectId);
        }
        if ((flags & 1) == 0) {
            if (size < 0 || off + 16 + size > fileSize) {
                throw new EOFException("section " + id + " at " + off + " runs past the end of the file");
            }
            return new Src(read(off + 16, (int) size));
        }
        byte[] ch = read(off + 16, 8);
        ByteBuffer c = ByteBuffer.wrap(ch).order(order);
        int csize = c.getInt();
        int usize = c.getInt();
        if (usize < 0 || usize > (1 << 30)) {
            throw new IOException("section " + id + " at " + off + " claims " + (usize & 0xffffffffL) + " bytes");
        }
        return new Src(decompress(read(off + 24, csize), usize));
    }

    byte[] decompress(byte[] src, int usize) throws IOException {
        return decompress(src, 0, src.length, new byte[usize], usize);
    }

    /** Inflates with the file's algorithm into dst[0..usize). */
    byte[] decompress(byte[] src, int off, int len, byte[] dst, int usize) throws IOException {
        if (compression.startsWith("zstd")) {
            long n = com.github.luben.zstd.Zstd.decompressByteArray(dst, 0, usize, src, off, len);
            if (com.github.luben.zstd.Zstd.isError(n) || n != usize) {
                throw new IOException("zstd: " + (com.github.luben.zstd.Zstd.isError(n)
                        ? com.github.luben.zstd.Zstd.getErrorName(n) : "short block (" + n + " of " + usize + ")"));
            }
            return dst;
        }
        if (compression.startsWith("zlib")) {
            Inflater inf = new Inflater();
            try {
                inf.setInput(src, off, len);
                int n = 0;
                while (n < usize && !inf.finished()) {
                    int k = inf.inflate(dst, n, usize - n);
                    if (k == 0 && (inf.needsInput() || inf.needsDictionary())) {
                        break;
                    }
                    n += k;
                }
                if (n != usize) {
                    throw new IOException("zlib: short block (" + n + " of " + usize + ")");
                }
                return dst;
            } catch (DataFormatException e) {
                throw new IOException("zlib: " + e.getMessage());
            } finally {
                inf.end();
            }
        }
        throw new IOException("compression '" + compression + "' is not supported (zstd and zlib are)");
    }

    // ---- section contents (same layout in v6 and v7)

    private void headerInfo(Src s) throws IOException {
        expectTag(s, "header_page");
        byte[] page = s.bytes(s.u64());
        for (String line : new String(page, StandardCharsets.ISO_8859_1).split("\n")) {
            TraceDatFormat.FieldDef f = TraceDatFormat.field(line.trim());
            if (f == null) {
                continue;
            }
            if (f.name().equals("commit")) {
                commitOffset = f.offset();
                commitSize = f.size();
            } else if (f.name().equals("data")) {
                dataOffset = f.offset();
            }
        }
        expectTag(s, "header_event");
        s.bytes(s.u64());
    }

    private static void expectTag(Src s, String tag) throws IOException {
        String got = s.cstr();
        if (!got.equals(tag)) {
            throw new IOException("expected '" + tag + "', found '" + got + "'");
        }
    }

    private void ftraceEvents(Src s) throws IOException {
        long n = s.u32();
        for (long i = 0; i < n; i++) {
            addFormat("ftrace", s.bytes(s.u64()));
        }
    }

    private void eventFormats(Src s) throws IOException {
        long systems = s.u32();
        for (long i = 0; i < systems; i++) {
            String sys = s.cstr();
            long n = s.u32();
            for (long j = 0; j < n; j++) {
                addFormat(sys, s.bytes(s.u64()));
            }
        }
    }

    private void addFormat(String system, byte[] text) {
        TraceDatFormat f;
        try {
            f = TraceDatFormat.parse(system, text, commitSize * 8);
        } catch (RuntimeException e) {
            notes.add("format of " + system + " unreadable: " + e.getMessage());
            return;
        }
        if (f.id >= 0 && f.id < 1 << 16) {
            if (f.id >= byId.length) {
                byId = java.util.Arrays.copyOf(byId, Math.max(f.id + 1, byId.length * 2));
            }
            byId[f.id] = f;
            formats.add(f);
        }
    }

    private void cmdlines(Src s) throws IOException {
        byte[] text = s.bytes(s.u64());
        comms.load(text);
    }

    private void option(int id, byte[] data) {
        String text = cstring(data);
        switch (id) {
            case 2 -> cpuStats.add(text); // CPUSTAT
            case 4 -> { // TRACECLOCK: "local [global] counter" → the bracketed one
                int a = text.indexOf('[');
                int b = text.indexOf(']');
                if (a >= 0 && b > a && clock.isEmpty()) {
                    clock = text.substring(a + 1, b);
                }
            }
            case 5 -> uname = text;
            default -> { }
        }
    }

    private static String cstring(byte[] d) {
        int n = 0;
        while (n < d.length && d[n] != 0) {
            n++;
        }
        return new String(d, 0, n, StandardCharsets.UTF_8);
    }
}
