package io.fragtrace.replay;

/**
 * A state of 0..3 per pfn of a zone, two bits each (32 pfns a word): {@link Validation#compare}'s page states of the
 * kernel's dump and of the model, an eighth of a byte array's memory (a 1 TiB zone: 64 MiB per side, not 256 MiB).
 */
final class PageStates {
    private static final long ONES = 0x5555_5555_5555_5555L;
    private final long[] w;
    private final long n;

    PageStates(long n) {
        this.n = n;
        this.w = new long[(int) ((n + 31) >>> 5)];
    }

    /** Heap bytes for n pfns. */
    static long bytesFor(long n) {
        return ((n + 31) >>> 5) * 8 + 16;
    }

    long size() {
        return n;
    }

    int get(long i) {
        return (int) (w[(int) (i >>> 5)] >>> ((i & 31) << 1)) & 3;
    }

    /** Sets [from, from+len) to v, clipped to [0, n). */
    void fill(long from, long len, int v) {
        long lo = Math.max(0, from);
        long hi = Math.min(n, from + len);
        long pattern = ONES * v;
        while (lo < hi) {
            int word = (int) (lo >>> 5);
            int bit = (int) (lo & 31);
            int k = (int) Math.min(32 - bit, hi - lo);
            long mask = k == 32 ? -1L : ((1L << (2 * k)) - 1) << (2 * bit);
            w[word] = (w[word] & ~mask) | (pattern & mask);
            lo += k;
        }
    }

    /** First pfn index at or after from whose state differs from other's, or -1. */
    long nextDiffering(PageStates other, long from) {
        int word = (int) (from >>> 5);
        long x = word < w.length ? (w[word] ^ other.w[word]) & (-1L << ((from & 31) << 1)) : 0;
        while (true) {
            if (x != 0) {
                long i = ((long) word << 5) + (Long.numberOfTrailingZeros(x) >>> 1);
                return i < n ? i : -1;
            }
            if (++word >= w.length) {
                return -1;
            }
            x = w[word] ^ other.w[word];
        }
    }
}
