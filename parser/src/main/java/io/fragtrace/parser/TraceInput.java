package io.fragtrace.parser;

import com.github.luben.zstd.ZstdInputStream;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorInputStream;
import org.tukaani.xz.XZInputStream;

import java.io.BufferedInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPInputStream;

/**
 * Where a trace comes from: a file, a bundle folder (trace.txt[.gz|.xz|.zst|.bz2], trace.dat[.gz|.xz|.zst] or
 * perf.data[.gz] plus snapshots), or {@code -} for stdin. Compression and the binary formats (trace-cmd's trace.dat,
 * perf.data) are recognised by magic bytes, never by file name.
 */
public final class TraceInput {
    /** Trace file names looked for inside a bundle folder, in order. */
    public static final List<String> BUNDLE_TRACE_NAMES =
            List.of("trace.txt", "trace.txt.gz", "trace.txt.xz", "trace.txt.zst", "trace.txt.bz2", "trace",
                    "trace.dat", "trace.dat.gz", "trace.dat.xz", "trace.dat.zst", "perf.data", "perf.data.gz");

    public enum Compression { NONE, GZIP, XZ, ZSTD, BZIP2 }

    private final Path file;
    private final Path bundle;
    private final String displayName;
    private volatile long rawBytesRead;

    private TraceInput(Path file, Path bundle, String displayName) {
        this.file = file;
        this.bundle = bundle;
        this.displayName = displayName;
    }

    /** Resolves a command-line argument; throws with a one-line message when there is nothing to read. */
    public static TraceInput of(String arg) throws TraceInputException {
        if (arg.equals("-")) {
            return new TraceInput(null, null, "<stdin>");
        }
        Path p = Path.of(arg);
        if (!Files.exists(p)) {
            throw new TraceInputException(arg + ": no such file or directory");
        }
        if (Files.isDirectory(p)) {
            for (String name : BUNDLE_TRACE_NAMES) {
                Path t = p.resolve(name);
                if (Files.isRegularFile(t)) {
                    checkReadable(t, t.toString());
                    return new TraceInput(t, p, t.toString());
                }
            }
            throw new TraceInputException(arg + ": folder holds no trace (looked for "
                    + String.join(", ", BUNDLE_TRACE_NAMES) + ")");
        }
        checkReadable(p, arg);
        Path dir = p.getParent() != null ? p.getParent() : Path.of(".");
        return new TraceInput(p, isBundle(dir) ? dir : null, arg);
    }

    /** A folder with before/ or after/ snapshots: a trace file in it is read with them (sample-traces/README.md). */
    public static boolean isBundle(Path dir) {
        return Files.isDirectory(dir.resolve("before")) || Files.isDirectory(dir.resolve("after"));
    }

    private static void checkReadable(Path p, String shown) throws TraceInputException {
        if (!Files.isReadable(p)) {
            throw new TraceInputException(shown + ": not readable (permission denied)");
        }
    }

    /** The same trace read again from its start, with its own byte count (not for stdin, which is read once). */
    public TraceInput reopen() {
        if (file == null) {
            throw new IllegalStateException("stdin cannot be read twice");
        }
        return new TraceInput(file, bundle, displayName);
    }

    public String displayName() {
        return displayName;
    }

    /** The trace file, null for stdin. */
    public Path file() {
        return file;
    }

    /** The bundle folder when the input was one or the trace file lies in one (snapshots beside it), else null. */
    public Path bundle() {
        return bundle;
    }

    /**
     * The kernel release of a bundle from {@code guest/uname.txt} ({@code uname -a}, or {@code uname -r} alone), null
     * without a bundle or that file.
     */
    public static String unameRelease(Path bundle) {
        Path uname = bundle == null ? null : bundle.resolve("guest").resolve("uname.txt");
        if (uname == null || !java.nio.file.Files.isRegularFile(uname)) {
            return null;
        }
        try {
            String[] t = java.nio.file.Files.readString(uname, java.nio.charset.StandardCharsets.ISO_8859_1).trim()
                    .split("\\s+");
            return t.length >= 3 ? t[2] : t[0];
        } catch (java.io.IOException e) {
            return null;
        }
    }

    /** The gfp bit layout of the bundle's kernel (how flag names become bits), null when the kernel is not known. */
    public Gfp.Layout gfpLayout() {
        String release = unameRelease(bundle);
        return release == null ? null : Gfp.Layout.forKernel(release);
    }

    /** Size of the stored file (compressed if it is), -1 for stdin. */
    public long sizeBytes() {
        try {
            return file == null ? -1 : Files.size(file);
        } catch (IOException e) {
            return -1;
        }
    }

    /** Stored bytes consumed so far (for progress and truncation offsets). */
    public long rawBytesRead() {
        return rawBytesRead;
    }

    /** For readers that do not go through {@link #open()} ({@link ChunkedParser}): stored bytes consumed so far. */
    void rawBytesRead(long n) {
        rawBytesRead = n;
    }

    /** Opens the decompressed stream. */
    public InputStream open() throws TraceInputException {
        InputStream raw;
        try {
            raw = file == null ? System.in : Files.newInputStream(file);
        } catch (IOException e) {
            throw new TraceInputException(displayName + ": cannot open (" + e.getMessage() + ")");
        }
        rawBytesRead = 0;
        InputStream counted = new BufferedInputStream(new FilterInputStream(raw) {
            @Override
            public int read() throws IOException {
                int c = super.read();
                if (c >= 0) {
                    rawBytesRead++;
                }
                return c;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                int n = super.read(b, off, len);
                if (n > 0) {
                    rawBytesRead += n;
                }
                return n;
            }
        }, 1 << 16);
        try {
            return decompress(counted);
        } catch (IOException e) {
            throw new TraceInputException(displayName + ": cannot read (" + e.getMessage() + ")");
        }
    }

    static Compression detect(BufferedInputStream in) throws IOException {
        in.mark(8);
        byte[] m = new byte[6];
        int n = in.readNBytes(m, 0, 6);
        in.reset();
        if (n >= 2 && (m[0] & 0xff) == 0x1f && (m[1] & 0xff) == 0x8b) {
            return Compression.GZIP;
        }
        if (n >= 6 && (m[0] & 0xff) == 0xfd && m[1] == '7' && m[2] == 'z' && m[3] == 'X' && m[4] == 'Z' && m[5] == 0) {
            return Compression.XZ;
        }
        if (n >= 4 && (m[0] & 0xff) == 0x28 && (m[1] & 0xff) == 0xb5 && (m[2] & 0xff) == 0x2f && (m[3] & 0xff) == 0xfd) {
            return Compression.ZSTD;
        }
        if (n >= 3 && m[0] == 'B' && m[1] == 'Z' && m[2] == 'h') {
            return Compression.BZIP2;
        }
        return Compression.NONE;
    }

    private static InputStream decompress(InputStream counted) throws IOException {
        BufferedInputStream in = (BufferedInputStream) counted;
        // compressed input decompresses on its own thread, ahead of the parser
        return switch (detect(in)) {
            case GZIP -> new ReadAheadInputStream(new GZIPInputStream(in, 1 << 16));
            case XZ -> new ReadAheadInputStream(new XZInputStream(in));
            case ZSTD -> new ReadAheadInputStream(new ZstdInputStream(in));
            case BZIP2 -> new ReadAheadInputStream(new BZip2CompressorInputStream(in, true));
            case NONE -> in;
        };
    }
}
