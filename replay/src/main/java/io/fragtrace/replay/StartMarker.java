package io.fragtrace.replay;

import io.fragtrace.parser.EventType;
import io.fragtrace.parser.TraceInput;
import io.fragtrace.parser.TraceInputException;
import io.fragtrace.parser.TraceParser;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/** Finds the instant of a snapshot marker (tracing_mark_write) near the start of a trace, reading at most 64 MiB. */
final class StartMarker {
    static final long SCAN_BYTES = 64L << 20;

    private StartMarker() {
    }

    /** Timestamp of the first marker containing {@code text} in the first {@link #SCAN_BYTES}, or Long.MIN_VALUE. */
    static long find(TraceInput input, String text) throws TraceInputException {
        long[] found = {Long.MIN_VALUE};
        try (InputStream in = limited(input.open(), SCAN_BYTES)) {
            new TraceParser().parse(in, input.displayName(), e -> {
                if (found[0] == Long.MIN_VALUE && e.type() == EventType.MARKER && e.text().contains(text)) {
                    found[0] = e.timestampNs();
                }
            });
        } catch (IOException e) {
            return found[0];
        }
        return found[0];
    }

    private static InputStream limited(InputStream in, long max) {
        return new FilterInputStream(in) {
            private long left = max;

            @Override
            public int read() throws IOException {
                return left-- > 0 ? super.read() : -1;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (left <= 0) {
                    return -1;
                }
                int n = super.read(b, off, (int) Math.min(len, left));
                left -= Math.max(n, 0);
                return n;
            }
        };
    }
}
