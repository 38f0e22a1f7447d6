package io.fragtrace.report.stats;

/**
 * A sparse set of pfns with two bit planes per page, kept in an open-addressing table of 64-page chunks
 * ({@code pfn >>> 6} → two {@code long} words), each slot's key and words side by side in one array (a lookup touches
 * one cache line, not one per array: the table of a 64 GiB trace is far larger than the caches). Memory grows with the number of distinct 64-page chunks a trace
 * touches (the modelled RAM), never with trace length; a hostile trace with pfns spread over more than
 * {@link #MAX_CHUNKS} chunks stops being tracked and {@link #overflowed()} says so.
 */
final class PageBitmap {
    /**
     * 2^22 chunks of 64 pages = 256 Mi pages = 1 TiB of 4 KiB pages, or less on a small heap (a chunk costs about
     * 100 bytes at the table's worst load, growth copy included).
     */
    static final int MAX_CHUNKS = (int) Math.min(1 << 22, Runtime.getRuntime().maxMemory() / 400);

    /** Per slot: key + 1 (0: empty), plane 0's word, plane 1's word. */
    private long[] table = new long[1024 * SLOT];
    private static final int SLOT = 3;
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
            long[] t = table;
            int w = slot * SLOT + 1 + plane;
            already += Long.bitCount(t[w] & mask);
            t[w] |= mask;
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
                long[] t = table;
                int w = slot * SLOT + 1 + plane;
                cleared += Long.bitCount(t[w] & mask);
                t[w] &= ~mask;
            }
            p += n;
        }
        return cleared;
    }

    /** Bits set in a plane. */
    long count(int plane) {
        long n = 0;
        for (int i = 0; i < table.length; i += SLOT) {
            if (table[i] != 0) {
                n += Long.bitCount(table[i + 1 + plane]);
            }
        }
        return n;
    }

    private int slot(long key, boolean create) {
        long[] t = table;
        int mask = t.length / SLOT - 1;
        int s = (int) mix(key) & mask;
        long k1 = key + 1;
        long kk;
        while ((kk = t[s * SLOT]) != 0) {
            if (kk == k1) {
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
        t[s * SLOT] = k1;
        size++;
        if (size * 2 > t.length / SLOT) {
            grow();
            return slot(key, false);
        }
        return s;
    }

    private void grow() {
        long[] old = table;
        int n = old.length / SLOT * 2;
        long[] t = new long[n * SLOT];
        int mask = n - 1;
        for (int i = 0; i < old.length; i += SLOT) {
            if (old[i] != 0) {
                int s = (int) mix(old[i] - 1) & mask;
                while (t[s * SLOT] != 0) {
                    s = (s + 1) & mask;
                }
                t[s * SLOT] = old[i];
                t[s * SLOT + 1] = old[i + 1];
                t[s * SLOT + 2] = old[i + 2];
            }
        }
        table = t;
    }

    private static long mix(long k) {
        k *= 0x9E3779B97F4A7C15L;
        return k ^ (k >>> 32);
    }
}
