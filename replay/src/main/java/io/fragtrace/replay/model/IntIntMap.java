package io.fragtrace.replay.model;

import java.util.Arrays;

/**
 * Open-addressing int → int map (keys and values >= 0; linear probing, backward-shift removal) for the per-CPU list
 * members and for stats' live allocations; allocates only when it grows. Each slot's key and value sit side by side
 * in one array (slot i: key at 2i, value at 2i + 1), so a lookup in a table larger than the caches misses once, not
 * once per array.
 */
public final class IntIntMap {
    /** Key (-1: empty) and value of each slot. */
    private int[] slots;
    private int size;
    /** Slots - 1 (a power of two minus one). */
    private int mask;

    public IntIntMap(int capacity) {
        int cap = Integer.highestOneBit(Math.max(16, capacity) * 2 - 1);
        slots = new int[2 * cap];
        Arrays.fill(slots, -1);
        mask = cap - 1;
    }

    /**
     * MurmurHash3's fmix32: every key bit reaches the low bits the mask keeps. The multiplicative hash before it
     * (k * 0x9E3779B1 ^ h >>> 16) put runs of nearby pfns, what allocations are, into long clusters: 25 probes an
     * insert and runs of ~90 slots at load 0.6 for aligned pfns of a dense range, against 0.75 and ~2.6 with this.
     */
    private static int hash(int k) {
        int h = k ^ (k >>> 16);
        h *= 0x85EBCA6B;
        h ^= h >>> 13;
        h *= 0xC2B2AE35;
        return h ^ (h >>> 16);
    }

    /** The value of k, -1 when absent. */
    public int get(int k) {
        int[] t = slots;
        for (int i = hash(k) & mask; ; i = (i + 1) & mask) {
            int kk = t[2 * i];
            if (kk == k) {
                return t[2 * i + 1];
            }
            if (kk < 0) {
                return -1;
            }
        }
    }

    public void put(int k, int v) {
        if ((size + 1) * 4L > (mask + 1) * 3L) { // load up to 3/4: 8 bytes a slot, pfns of a whole machine
            grow();
        }
        int[] t = slots;
        for (int i = hash(k) & mask; ; i = (i + 1) & mask) {
            int kk = t[2 * i];
            if (kk == k) {
                t[2 * i + 1] = v;
                return;
            }
            if (kk < 0) {
                t[2 * i] = k;
                t[2 * i + 1] = v;
                size++;
                return;
            }
        }
    }

    /** Removes k; returns its value, -1 when it was absent. */
    public int remove(int k) {
        int[] t = slots;
        int i = hash(k) & mask;
        while (t[2 * i] != k) {
            if (t[2 * i] < 0) {
                return -1;
            }
            i = (i + 1) & mask;
        }
        int removed = t[2 * i + 1];
        // backward-shift deletion: move later entries of the cluster whose home slot is not in (i, j]
        int j = i;
        while (true) {
            j = (j + 1) & mask;
            int kj = t[2 * j];
            if (kj < 0) {
                break;
            }
            int h = hash(kj) & mask;
            boolean stays = i <= j ? (i < h && h <= j) : (i < h || h <= j);
            if (!stays) {
                t[2 * i] = kj;
                t[2 * i + 1] = t[2 * j + 1];
                i = j;
            }
        }
        t[2 * i] = -1;
        size--;
        return removed;
    }

    public int size() {
        return size;
    }

    /** Applies f to every value in place. */
    void replaceValues(java.util.function.IntUnaryOperator f) {
        for (int i = 0; i < slots.length; i += 2) {
            if (slots[i] >= 0) {
                slots[i + 1] = f.applyAsInt(slots[i + 1]);
            }
        }
    }

    private void grow() {
        int[] old = slots;
        slots = new int[old.length * 2];
        Arrays.fill(slots, -1);
        mask = slots.length / 2 - 1;
        size = 0;
        for (int i = 0; i < old.length; i += 2) {
            if (old[i] >= 0) {
                put(old[i], old[i + 1]);
            }
        }
    }
}
