package io.fragtrace.parser;

/**
 * Byte scans of the text parser eight bytes at a time (SWAR: a zero byte of x ^ c...c marks a match), on the byte
 * arrays the parser works in; each returns what the byte-at-a-time loop it replaced returned.
 */
final class ByteScan {
    private ByteScan() {
    }

    static final java.lang.invoke.VarHandle LONGS =
            java.lang.invoke.MethodHandles.byteArrayViewVarHandle(long[].class, java.nio.ByteOrder.LITTLE_ENDIAN);
    static final long ONES = 0x0101010101010101L;
    private static final long HIGHS = 0x8080808080808080L;

    /**
     * The first c (a newline, '[') in b[from, to), or -1. Kept out of line on purpose: the parser's line loop runs
     * once per chunk, so it may run in C1's profiled code for long.
     */
    static int indexOf(byte[] b, int from, int to, byte c) {
        long pattern = ONES * (c & 0xff);
        int i = from;
        for (; i + 16 <= to; i += 16) { // two words a step: one exit test for sixteen bytes
            long x = (long) LONGS.get(b, i) ^ pattern;
            long y = (long) LONGS.get(b, i + 8) ^ pattern;
            long fx = (x - ONES) & ~x & HIGHS;
            long fy = (y - ONES) & ~y & HIGHS;
            if ((fx | fy) != 0) {
                return fx != 0 ? i + (Long.numberOfTrailingZeros(fx) >>> 3) : i + 8 + (Long.numberOfTrailingZeros(fy) >>> 3);
            }
        }
        for (; i + 8 <= to; i += 8) {
            long x = (long) LONGS.get(b, i) ^ pattern;
            long found = (x - ONES) & ~x & HIGHS;
            if (found != 0) {
                return i + (Long.numberOfTrailingZeros(found) >>> 3);
            }
        }
        for (; i < to; i++) {
            if (b[i] == c) {
                return i;
            }
        }
        return -1;
    }

    private static final long SPACES = ONES * ' ';

    /** The first byte of b[i, e) that is not a space, or e: eight bytes at a time. */
    static int skipSpaces(byte[] b, int i, int e) {
        for (; i + 8 <= e; i += 8) {
            long x = (long) LONGS.get(b, i) ^ SPACES; // non-zero bytes: not a space
            if (x != 0) {
                return i + (Long.numberOfTrailingZeros(x) >>> 3);
            }
        }
        while (i < e && b[i] == ' ') {
            i++;
        }
        return i;
    }

    /** The first space in b[i, e), or e: eight bytes at a time. */
    static int nextSpace(byte[] b, int i, int e) {
        for (; i + 8 <= e; i += 8) {
            long x = (long) LONGS.get(b, i) ^ SPACES;
            long found = (x - ONES) & ~x & HIGHS; // exact at the lowest zero byte
            if (found != 0) {
                return i + (Long.numberOfTrailingZeros(found) >>> 3);
            }
        }
        while (i < e && b[i] != ' ') {
            i++;
        }
        return i;
    }

    /**
     * Whether a[ao, ao+len) equals b[bo, bo+len): eight bytes a compare, the last eight overlapping the one before
     * (no byte loop for the tail); a byte loop only under eight bytes. For the parser's short names and keys.
     */
    static boolean equal(byte[] a, int ao, byte[] b, int bo, int len) {
        if (len < 8) {
            for (int i = 0; i < len; i++) {
                if (a[ao + i] != b[bo + i]) {
                    return false;
                }
            }
            return true;
        }
        int last = len - 8;
        for (int i = 0; i < last; i += 8) {
            if ((long) LONGS.get(a, ao + i) != (long) LONGS.get(b, bo + i)) {
                return false;
            }
        }
        return (long) LONGS.get(a, ao + last) == (long) LONGS.get(b, bo + last);
    }
}
