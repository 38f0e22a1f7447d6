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

    private static final long NIBBLE_HIGHS = 0xF0F0F0F0F0F0F0F0L;
    private static final long ZEROS = ONES * '0';

    /**
     * How many bytes from b[i] on are decimal digits, counting at most eight and not past e; reads the eight bytes
     * at i, so i + 8 <= b.length. A byte is a digit when its high nibble is 3 and stays 3 with 6 added.
     */
    static int digits8(byte[] b, int i, int e) {
        long w = (long) LONGS.get(b, i);
        long nonDigit = ((w & NIBBLE_HIGHS) ^ ZEROS) | (((w + ONES * 6) & NIBBLE_HIGHS) ^ ZEROS); // a carry out of a
        // byte of 0xfa or more reaches only bytes after that non-digit
        int n = nonDigit == 0 ? 8 : Long.numberOfTrailingZeros(nonDigit) >>> 3;
        return Math.min(n, e - i);
    }

    /**
     * The value of the n (1 to 8) decimal digits at b[i], i + 8 <= b.length: the digits shifted to the top of the
     * word (the bytes shifted in read as leading zeros) and combined pairwise (Lemire's eight-digit parse).
     */
    static long digitsValue(byte[] b, int i, int n) {
        long w = (long) LONGS.get(b, i) << ((8 - n) << 3);
        w = ((w & 0x0F0F0F0F0F0F0F0FL) * 2561) >>> 8;
        w = ((w & 0x00FF00FF00FF00FFL) * 6553601) >>> 16;
        return ((w & 0x0000FFFF0000FFFFL) * 42949672960001L) >>> 32;
    }

    /** A printed null pointer: {@code (null)}, or zeros with or without 0x. */
    static boolean isNullPointer(byte[] b, int s, int e) {
        if (e > s && b[e - 1] != '0' && b[e - 1] != ')') { // a hashed %p pointer: ends in a non-zero digit nearly always
            return false;
        }
        if (e - s == 6 && b[s] == '(' && b[s + 1] == 'n' && b[s + 2] == 'u' && b[s + 3] == 'l' && b[s + 4] == 'l'
                && b[s + 5] == ')') {
            return true;
        }
        int i = s;
        if (e - s > 2 && b[s] == '0' && (b[s + 1] == 'x' || b[s + 1] == 'X')) {
            i += 2;
        }
        if (i == e) {
            return false;
        }
        for (; i + 8 <= e; i += 8) {
            if ((long) LONGS.get(b, i) != ONES * '0') {
                return false;
            }
        }
        for (; i < e; i++) {
            if (b[i] != '0') {
                return false;
            }
        }
        return true;
    }
}
