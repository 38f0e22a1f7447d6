package io.fragtrace.report.stats;

import java.util.Arrays;

/**
 * perf kmem's page_live_tree as an open-addressing pfn → int map in two {@code int} arrays (8 bytes a slot, load up
 * to 3/4, linear probing, backward-shift removal): one entry per allocated and not yet freed head pfn, so its size
 * follows the RAM the trace touches, never the trace length. Pfns from 2^31 − 1 up (physical addresses past 8 TiB)
 * go to a {@link LongLongTable}. At most {@code maxSize} entries; past that, inserts are refused and
 * {@link #overflowed()} says so.
 */
final class LiveAllocTable {
    private static final long INT_KEYS = Integer.MAX_VALUE - 1L;

    private final int maxSize;
    private int[] keys = new int[1024]; // pfn + 1, 0 = empty
    private int[] values = new int[1024];
    private int size;
    private boolean overflowed;
    private LongLongTable high;

    LiveAllocTable(int maxSize) {
        this.maxSize = maxSize;
    }

    boolean overflowed() {
        return overflowed || (high != null && high.overflowed());
    }

    /** Adds pfn → value unless the pfn is present (perf keeps the first allocation of a live pfn). */
    void putIfAbsent(long pfn, int value) {
        if (pfn < 0 || pfn >= INT_KEYS) {
            if (high == null) {
                high = new LongLongTable(16, maxSize);
            }
            high.putIfAbsent(pfn, value);
            return;
        }
        int key = (int) pfn + 1;
        int mask = keys.length - 1;
        int i = slot(key, mask);
        while (keys[i] != 0) {
            if (keys[i] == key) {
                return;
            }
            i = (i + 1) & mask;
        }
        if (size >= maxSize) {
            overflowed = true;
            return;
        }
        keys[i] = key;
        values[i] = value;
        if (++size * 4L > keys.length * 3L) {
            grow();
        }
    }

    /** Removes a pfn; returns its value, or -1 if it was not live. */
    int remove(long pfn) {
        if (pfn < 0 || pfn >= INT_KEYS) {
            return high == null ? -1 : (int) high.remove(pfn, -1);
        }
        int key = (int) pfn + 1;
        int mask = keys.length - 1;
        int i = slot(key, mask);
        while (keys[i] != key) {
            if (keys[i] == 0) {
                return -1;
            }
            i = (i + 1) & mask;
        }
        int v = values[i];
        int hole = i;
        int j = i;
        while (true) {
            j = (j + 1) & mask;
            if (keys[j] == 0) {
                break;
            }
            int home = slot(keys[j], mask);
            boolean between = hole <= j ? (hole < home && home <= j) : (hole < home || home <= j);
            if (!between) {
                keys[hole] = keys[j];
                values[hole] = values[j];
                hole = j;
            }
        }
        keys[hole] = 0;
        size--;
        return v;
    }

    private static int slot(int key, int mask) {
        int h = key * 0x9E3779B9;
        return (h ^ (h >>> 16)) & mask;
    }

    private void grow() {
        int[] ok = keys;
        int[] ov = values;
        keys = new int[ok.length * 2];
        values = new int[ok.length * 2];
        int mask = keys.length - 1;
        for (int i = 0; i < ok.length; i++) {
            if (ok[i] != 0) {
                int s = slot(ok[i], mask);
                while (keys[s] != 0) {
                    s = (s + 1) & mask;
                }
                keys[s] = ok[i];
                values[s] = ov[i];
            }
        }
    }

    @Override
    public String toString() {
        return "LiveAllocTable" + Arrays.toString(new int[] {size, keys.length});
    }
}
