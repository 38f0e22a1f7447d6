package io.fragtrace.parser;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * A binary trace (trace.dat, perf.data) read from a stream, for the readers that seek in it: into memory up to
 * {@link #IN_MEMORY} bytes, a larger one inflated to a temporary file (the caller deletes it). A stream that fails
 * part-way keeps what was read and notes the truncation in the report.
 */
final class Spool {
    /** Decompressed traces up to this size are read in memory, larger ones through a temporary file. */
    static final int IN_MEMORY = 64 << 20;

    /** The bytes when they fit in memory ({@code file} null), of which the first {@code length} count. */
    final byte[] bytes;
    final int length;
    /** The temporary file holding the trace, or null. */
    final Path file;

    private Spool(byte[] bytes, int length, Path file) {
        this.bytes = bytes;
        this.length = length;
        this.file = file;
    }

    /** Room for an in-memory read: what the stream says it holds (exact for byte arrays), at least 1 MiB. */
    static int initialBuffer(InputStream in) {
        try {
            return (int) Math.min(IN_MEMORY, Math.max(1 << 20, (long) in.available() + 1));
        } catch (IOException e) {
            return 1 << 20;
        }
    }

    /** Reads {@code in} to its end; a temporary file gets {@code suffix}. */
    static Spool read(InputStream in, String suffix, ParseReport report) {
        byte[] head = new byte[initialBuffer(in)];
        int n = 0;
        Path temp = null;
        try {
            while (true) {
                if (n == head.length) {
                    if (head.length >= IN_MEMORY) {
                        break;
                    }
                    head = Arrays.copyOf(head, head.length * 2);
                }
                // small reads: a decompressor failing at a truncation loses only the current request
                int k = in.read(head, n, Math.min(1 << 16, head.length - n));
                if (k < 0) {
                    break;
                }
                n += k;
            }
            if (n < head.length) {
                return new Spool(head, n, null);
            }
            temp = Files.createTempFile("fragtrace-", suffix);
            try (OutputStream out = Files.newOutputStream(temp)) {
                out.write(head, 0, n);
                head = null;
                in.transferTo(out);
            }
        } catch (IOException e) {
            report.truncation = "input ends early (" + e.getMessage() + "); the complete part is used";
            report.problem("input ends early", 0, report.truncation);
        }
        return temp != null ? new Spool(null, 0, temp) : new Spool(head, n, null);
    }
}
