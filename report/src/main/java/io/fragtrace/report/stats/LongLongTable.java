package io.fragtrace.report.stats;

/**
 * An open-addressing map from non-negative {@code long} keys to {@code long} values in two plain arrays (linear
 * probing, backward-shift removal), so counting allocates nothing per event. It holds at most {@code maxSize}
 * keys; past that, inserts are refused and {@link #overflowed()} says so.
 */
final class LongLongTable {
    private static final long EMPTY = Long.MIN_VALUE;

    private final int maxSize;
    private long[] keys;
    private long[] values;
    private int size;
    private boolean overflowed;

    LongLongTable(int initialCapacity, int maxSize) {
        int cap = Integer.highestOneBit(Math.max(16, initialCapacity) - 1) << 1;
        this.maxSize = maxSize;
        keys = new long[cap];
        values = new long[cap];
        java.util.Arrays.fill(keys, EMPTY);
    }

    int size() {
        return size;
    }

    boolean overflowed() {
        return overflowed;
    }

    long get(long key, long absent) {
        int i = find(key);
        return i < 0 ? absent : values[i];
    }

    /** Adds key → value unless the key is present; false if it was present or the table is full. */
    boolean putIfAbsent(long key, long value) {
        int mask = keys.length - 1;
        int i = slot(key, mask);
        while (keys[i] != EMPTY) {
            if (keys[i] == key) {
                return false;
            }
            i = (i + 1) & mask;
        }
        if (size >= maxSize) {
            overflowed = true;
            return false;
        }
        keys[i] = key;
        values[i] = value;
        if (++size * 2 > keys.length) {
            grow();
        }
        return true;
    }

    /** Removes a key; returns its value, or {@code absent} if it was not there. */
    long remove(long key, long absent) {
        int i = find(key);
        if (i < 0) {
            return absent;
        }
        long v = values[i];
        int mask = keys.length - 1;
        // backward-shift deletion: move later entries of the probe run into the hole
        int hole = i;
        int j = i;
        while (true) {
            j = (j + 1) & mask;
            if (keys[j] == EMPTY) {
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
        keys[hole] = EMPTY;
        size--;
        return v;
    }

    private int find(long key) {
        int mask = keys.length - 1;
        int i = slot(key, mask);
        while (keys[i] != EMPTY) {
            if (keys[i] == key) {
                return i;
            }
            i = (i + 1) & mask;
        }
        return -1;
    }

    private static int slot(long key, int mask) {
        long k = key * 0x9E3779B97F4A7C15L;
        return (int) (k ^ (k >>> 32)) & mask;
    }

    private void grow() {
        long[] ok = keys;
        long[] ov = values;
        keys = new long[ok.length * 2];
        values = new long[ok.length * 2];
        java.util.Arrays.fill(keys, EMPTY);
        int mask = keys.length - 1;
        for (int i = 0; i < ok.length; i++) {
            if (ok[i] != EMPTY) {
                int s = slot(ok[i], mask);
                while (keys[s] != EMPTY) {
                    s = (s + 1) & mask;
                }
                keys[s] = ok[i];
                values[s] = ov[i];
            }
        }
    }
}
