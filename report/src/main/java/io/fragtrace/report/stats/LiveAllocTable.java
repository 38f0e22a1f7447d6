package io.fragtrace.report.stats;

import io.fragtrace.replay.model.IntIntMap;

/**
 * perf kmem's page_live_tree as a pfn → int {@link IntIntMap} (two {@code int} arrays): one entry per allocated and
 * not yet freed head pfn, so its size follows the RAM the trace touches, never the trace length. Pfns from 2^31 − 1
 * up (physical addresses past 8 TiB)
 * go to a {@link LongLongTable}. At most {@code maxSize} entries; past that, inserts are refused and
 * {@link #overflowed()} says so.
 */
final class LiveAllocTable {
    private static final long INT_KEYS = Integer.MAX_VALUE;

    private final int maxSize;
    private final IntIntMap low = new IntIntMap(512);
    private boolean overflowed;
    private LongLongTable high;

    LiveAllocTable(int maxSize) {
        this.maxSize = maxSize;
    }

    boolean overflowed() {
        return overflowed || (high != null && high.overflowed());
    }

    /** Adds pfn → value (>= 0) unless the pfn is present (perf keeps the first allocation of a live pfn). */
    void putIfAbsent(long pfn, int value) {
        if (pfn < 0 || pfn >= INT_KEYS) {
            if (high == null) {
                high = new LongLongTable(16, maxSize);
            }
            high.putIfAbsent(pfn, value);
            return;
        }
        if (low.get((int) pfn) >= 0) {
            return;
        }
        if (low.size() >= maxSize) {
            overflowed = true;
            return;
        }
        low.put((int) pfn, value);
    }

    /** Removes a pfn; returns its value, or -1 if it was not live. */
    int remove(long pfn) {
        if (pfn < 0 || pfn >= INT_KEYS) {
            return high == null ? -1 : (int) high.remove(pfn, -1);
        }
        return low.remove((int) pfn);
    }

    @Override
    public String toString() {
        return "LiveAllocTable[" + low.size() + "]";
    }
}
