package io.fragtrace.replay.model;

/**
 * Free pages (buddy and per-CPU lists) per memory region of 2^shift pfns from pfn 0, counted by {@link BuddyModel}
 * at every list add and del, so that region occupancy is read, not recounted, at a sample. A block may span
 * regions when regions are smaller than it.
 */
final class RegionCounters {
    final int shift;
    private final long[] free;

    RegionCounters(int shift, long endPfn) {
        this.shift = shift;
        this.free = new long[(int) ((endPfn - 1 >> shift) + 1)];
    }

    void add(long pfn, int pages, int sign) {
        long end = pfn + pages;
        while (pfn < end) {
            int reg = (int) (pfn >> shift);
            long k = Math.min(end, (long) (reg + 1) << shift) - pfn;
            free[reg] += sign * k;
            pfn += k;
        }
    }

    long get(int reg) {
        return reg < free.length ? free[reg] : 0;
    }
}
