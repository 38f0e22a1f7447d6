package io.fragtrace.replay.metrics;

import io.fragtrace.replay.model.BuddyModel;
import io.fragtrace.replay.model.KernelSemantics;
import io.fragtrace.replay.model.Zone;
import io.fragtrace.replay.snapshot.KpageFlags;

/**
 * Memory-region occupancy (the memory power management design: a node's memory cut into fixed regions, 512 MiB in
 * the RFC; a region with no page in use could go to a low-power state). A region's pages in use = its present pages
 * minus its free pages (buddy and per-CPU lists). Holes come from kpageflags (KPF_NOPAGE) when the bundle has it,
 * else every spanned pfn counts as present.
 */
public final class RegionSampler {
    private final int regionShift;
    private final long firstPfn;
    private final int[] nodeOf;
    private final long[] present;

    /** Regions of {@code 2^regionShift} pages from pfn 0 up to the end of the model's last zone. */
    public RegionSampler(BuddyModel m, int regionShift, KpageFlags holes) {
        this.regionShift = regionShift;
        this.firstPfn = 0;
        long end = 0;
        for (Zone z : m.zones()) {
            end = Math.max(end, z.end);
        }
        int n = (int) ((end - 1 >> regionShift) + 1);
        nodeOf = new int[n];
        present = new long[n];
        java.util.Arrays.fill(nodeOf, -1);
        m.trackRegions(regionShift);
        // region by region (a 1 TiB zone is 268 M pfns): only pfns kpageflags covers can be holes
        long holeEnd = holes == null ? 0 : holes.pfns();
        for (Zone z : m.zones()) {
            for (long lo = z.start; lo < z.end; ) {
                int r = (int) (lo >> regionShift);
                long hi = Math.min(z.end, (long) (r + 1) << regionShift);
                long count = hi - lo;
                for (long pfn = lo; pfn < Math.min(hi, holeEnd); pfn++) {
                    if (holes.isHole(pfn)) {
                        count--;
                    }
                }
                if (count > 0) {
                    present[r] += count;
                    nodeOf[r] = z.nid;
                }
                lo = hi;
            }
        }
    }

    public int regions() {
        return present.length;
    }

    public long regionPages() {
        return 1L << regionShift;
    }

    /** Node of region r, -1 when no zone covers it. */
    public int node(int r) {
        return nodeOf[r];
    }

    public long present(int r) {
        return present[r];
    }

    public long startPfn(int r) {
        return firstPfn + ((long) r << regionShift);
    }

    /**
     * Pages in use per region now, from the model's maintained free pages per region: O(regions), whatever the
     * number of free blocks (the first call on a model starts the counting, one pass over its lists).
     */
    public long[] used(BuddyModel m) {
        if (m.regionShift() != regionShift) {
            m.trackRegions(regionShift);
        }
        long[] used = new long[present.length];
        for (int r = 0; r < used.length; r++) {
            used[r] = Math.max(0, present[r] - m.regionFreePages(r));
        }
        return used;
    }

    /** {@link #used} by walking every free list and per-CPU list (the full recount tests compare with). */
    public long[] usedByScan(BuddyModel m) {
        long[] free = new long[present.length];
        for (int z = 0; z < m.zoneCount(); z++) {
            for (int o = 0; o < m.nrOrders(); o++) {
                for (int mt = 0; mt < KernelSemantics.MIGRATE_TYPES; mt++) {
                    for (long pfn : m.freeList(z, o, mt)) {
                        addRun(free, pfn, 1L << o);
                    }
                }
            }
            for (int cpu = 0; cpu < m.maxCpus(); cpu++) {
                for (int p = 0; p < m.ks.nrPcpLists(); p++) {
                    int order = m.ks.pindexToOrder(p);
                    for (long pfn : m.pcpList(z, cpu, p)) {
                        addRun(free, pfn, 1L << order);
                    }
                }
            }
        }
        long[] used = new long[present.length];
        for (int r = 0; r < used.length; r++) {
            used[r] = Math.max(0, present[r] - free[r]);
        }
        return used;
    }

    /** A free block may span regions when regions are smaller than the block. */
    private void addRun(long[] free, long pfn, long pages) {
        long end = pfn + pages;
        while (pfn < end) {
            int r = (int) (pfn >> regionShift);
            long regionEnd = (long) (r + 1) << regionShift;
            long n = Math.min(end, regionEnd) - pfn;
            if (r < free.length) {
                free[r] += n;
            }
            pfn += n;
        }
    }

    /** Regions of the node with present pages and none in use. */
    public static long freeRegions(RegionSampler rs, long[] used, int node) {
        long n = 0;
        for (int r = 0; r < used.length; r++) {
            if (rs.nodeOf[r] == node && rs.present[r] > 0 && used[r] == 0) {
                n++;
            }
        }
        return n;
    }
}
