package io.fragtrace.report.output;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * A CSV writer that formats numbers straight into a byte buffer: the same bytes as Commons CSV's
 * {@code CSVFormat.DEFAULT} (comma, CRLF records, minimal quoting, UTF-8), without a String, a Formatter or a
 * regex per cell. The report's CSV files are written with it, so their cost is proportional to the cells.
 * {@link #finish()} flushes; the caller closes the stream.
 */
final class CsvBytes {
    private final OutputStream out;
    private final byte[] buf = new byte[1 << 16];
    private int pos;
    private boolean newRecord = true;

    CsvBytes(OutputStream out) {
        this.out = out;
    }

    /** A header (or any all-text) record. */
    CsvBytes record(String... fields) throws IOException {
        for (String f : fields) {
            text(f);
        }
        return end();
    }

    /** A whole number (never quoted: it cannot start with a character at or below '#'). */
    CsvBytes num(long v) throws IOException {
        sep();
        ensure(20);
        if (v < 0) {
            if (v == Long.MIN_VALUE) {
                ascii(Long.toString(v));
                return this;
            }
            buf[pos++] = '-';
            v = -v;
        }
        digits(v, 0);
        return this;
    }

    /** An empty cell (quoted "" when first on the line, as Commons CSV does so that the line is not empty). */
    CsvBytes empty() throws IOException {
        return text("");
    }

    /** Trace-clock seconds with 6 decimals (%d.%06d of ns / 1e9 and its µs), as {@link ReplayCsv#seconds}. */
    CsvBytes seconds(long ns) throws IOException {
        if (ns < 0) {
            return text(ReplayCsv.seconds(ns));
        }
        sep();
        ensure(20 + 7);
        digits(ns / 1_000_000_000L, 0);
        buf[pos++] = '.';
        digits((ns % 1_000_000_000L) / 1000, 6);
        return this;
    }

    /** The kernel's %d.%03d of a thousandths index, as {@code FragMetrics.format3}. */
    CsvBytes index3(int v) throws IOException {
        sep();
        ensure(16);
        if (v < 0) {
            buf[pos++] = '-';
        }
        digits(Math.abs((long) (v / 1000)), 0);
        buf[pos++] = '.';
        digits(Math.abs(v % 1000), 3);
        return this;
    }

    /** A cell of any value's toString(); null is an empty cell never quoted (Commons CSV with no null string). */
    CsvBytes obj(Object o) throws IOException {
        if (o == null) {
            sep();
            return this;
        }
        return text(o.toString());
    }

    /** A text cell, quoted as Commons CSV's QuoteMode.MINIMAL does. */
    CsvBytes text(String s) throws IOException {
        boolean first = newRecord;
        sep();
        int len = s.length();
        boolean quote;
        if (len == 0) {
            quote = first;
        } else if (s.charAt(0) <= '#') {
            quote = true;
        } else {
            quote = false;
            for (int i = 0; i < len; i++) {
                char c = s.charAt(i);
                if (c == '\n' || c == '\r' || c == '"' || c == ',') {
                    quote = true;
                    break;
                }
            }
            if (!quote && s.charAt(len - 1) <= ' ') {
                quote = true;
            }
        }
        if (!quote) {
            raw(s);
            return this;
        }
        ensure(1);
        buf[pos++] = '"';
        raw(s.indexOf('"') < 0 ? s : s.replace("\"", "\"\""));
        ensure(1);
        buf[pos++] = '"';
        return this;
    }

    /** Ends the record with CRLF. */
    CsvBytes end() throws IOException {
        ensure(2);
        buf[pos++] = '\r';
        buf[pos++] = '\n';
        newRecord = true;
        return this;
    }

    /** Writes out what is buffered (the stream stays open). */
    void finish() throws IOException {
        out.write(buf, 0, pos);
        pos = 0;
        out.flush();
    }

    private void sep() throws IOException {
        if (!newRecord) {
            ensure(1);
            buf[pos++] = ',';
        }
        newRecord = false;
    }

    /** A non-negative number in decimal, left-padded with zeros to {@code width}. */
    private void digits(long v, int width) {
        int n = 1;
        for (long t = v; t >= 10; t /= 10) {
            n++;
        }
        for (int i = n; i < width; i++) {
            buf[pos++] = '0';
        }
        int end = pos + n;
        for (int i = end - 1; i >= pos; i--) {
            buf[i] = (byte) ('0' + (v % 10));
            v /= 10;
        }
        pos = end;
    }

    private void raw(String s) throws IOException {
        int len = s.length();
        for (int i = 0; i < len; i++) {
            if (s.charAt(i) >= 0x80) {
                bytes(s.getBytes(StandardCharsets.UTF_8));
                return;
            }
        }
        ascii(s);
    }

    @SuppressWarnings("deprecation")
    private void ascii(String s) throws IOException {
        int len = s.length();
        int i = 0;
        while (i < len) {
            if (pos == buf.length) {
                drain();
            }
            int n = Math.min(len - i, buf.length - pos);
            s.getBytes(i, i + n, buf, pos); // Latin-1 low byte: exact for ASCII
            pos += n;
            i += n;
        }
    }

    private void bytes(byte[] b) throws IOException {
        if (b.length > buf.length - pos) {
            drain();
            if (b.length > buf.length) {
                out.write(b);
                return;
            }
        }
        System.arraycopy(b, 0, buf, pos, b.length);
        pos += b.length;
    }

    private void ensure(int n) throws IOException {
        if (buf.length - pos < n) {
            drain();
        }
    }

    private void drain() throws IOException {
        out.write(buf, 0, pos);
        pos = 0;
    }

    /** The locale-independent %.3f of compaction.csv's duration_ms. */
    static String fixed3(double v) {
        return String.format(Locale.ROOT, "%.3f", v);
    }
}
