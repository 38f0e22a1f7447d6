package io.fragtrace.report.stats;

/**
 * A sparse set of pfns with two bit planes per page, kept in an open-addressing table of 64-page chunks
 * ({@code pfn >>> 6} → two {@code long} words). Memory grows with the number of distinct 64-page chunks a trace
 * touches (the modelled RAM), never with trace length; a hostile trace with pfns spread over more than
 * {@link #MAX_CHUNKS} chunks stops being tracked and {@link #overflowed()} says so.
 */
final class PageBitmap {
    /**
     * 2^22 chunks of 64 pages = 256 Mi pages = 1 TiB of 4 KiB pages, or less on a small heap (a chunk costs about
     * 100 bytes at the table's worst load, growth copy included).
     */
    static final int MAX_CHUNKS = (int) Math.min(1 << 22, Runtime.getRuntime().maxMemory() / 400);

    private long[] keys = new long[1024];
    private long[] plane0 = new long[1024];
    private long[] plane1 = new long[1024];
    private boolean[] used = new boolean[1024];
    private int size;
    private boolean overflowed;

    boolean overflowed() {
        return overflowed;
    }

    /** Sets bits [pfn, pfn+count) of a plane; returns how many were already set. count ≤ 2^20. */
    long set(int plane, long pfn, long count) {
        long already = 0;
        long p = pfn;
        long end = pfn + count;
        while (p < end) {
            int bit = (int) (p & 63);
            int n = (int) Math.min(64 - bit, end - p);
            long mask = n == 64 ? -1L : ((1L << n) - 1) << bit;
            int slot = slot(p >>> 6, true);
            if (slot < 0) {
                return already;
            }
            long[] w = plane == 0 ? plane0 : plane1;
            already += Long.bitCount(w[slot] & mask);
            w[slot] |= mask;
            p += n;
        }
        return already;
    }

    /** Clears bits [pfn, pfn+count) of a plane; returns how many were set. */
    long clear(int plane, long pfn, long count) {
        long cleared = 0;
        long p = pfn;
        long end = pfn + count;
        while (p < end) {
            int bit = (int) (p & 63);
            int n = (int) Math.min(64 - bit, end - p);
            long mask = n == 64 ? -1L : ((1L << n) - 1) << bit;
            int slot = slot(p >>> 6, false);
            if (slot >= 0) {
                long[] w = plane == 0 ? plane0 : plane1;
                cleared += Long.bitCount(w[slot] & mask);
                w[slot] &= ~mask;
            }
            p += n;
        }
        return cleared;
    }

    /** Bits set in a plane. */
    long count(int plane) {
        long[] w = plane == 0 ? plane0 : plane1;
        long n = 0;
        for (int i = 0; i < w.length; i++) {
            if (used[i]) {
                n += Long.bitCount(w[i]);
            }
        }
        return n;
    }

    private int slot(long key, boolean create) {
        int mask = keys.length - 1;
        int s = (int) mix(key) & mask;
        while (used[s]) {
            if (keys[s] == key) {
                return s;
            }
            s = (s + 1) & mask;
        }
        if (!create) {
            return -1;
        }
        if (size >= MAX_CHUNKS) {
            overflowed = true;
            return -1;
        }
        used[s] = true;
        keys[s] = key;
        size++;
        if (size * 2 > keys.length) {
            grow();
            return slot(key, false);
        }
        return s;
    }

    private void grow() {
        long[] ok = keys;
        long[] o0 = plane0;
        long[] o1 = plane1;
        boolean[] ou = used;
        int n = ok.length * 2;
        keys = new long[n];
        plane0 = new long[n];
        plane1 = new long[n];
        used = new boolean[n];
        int mask = n - 1;
        for (int i = 0; i < ok.length; i++) {
            if (ou[i]) {
                int s = (int) mix(ok[i]) & mask;
                while (used[s]) {
                    s = (s + 1) & mask;
                }
                used[s] = true;
                keys[s] = ok[i];
                plane0[s] = o0[i];
                plane1[s] = o1[i];
            }
        }
    }

    private static long mix(long k) {
        k *= 0x9E3779B97F4A7C15L;
        return k ^ (k >>> 32);
    }
}
