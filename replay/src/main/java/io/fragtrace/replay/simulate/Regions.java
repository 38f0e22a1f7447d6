package io.fragtrace.replay.simulate;

import io.fragtrace.replay.config.KernelConfig;
import io.fragtrace.replay.model.BuddyModel;

import static io.fragtrace.replay.model.KernelSemantics.MIGRATE_MOVABLE;

/**
 * Memory regions of the memory-power-management RFC (not in mainline): region-sorted __rmqueue_smallest(), region
 * accounting and the evacuation worker.
 * One layer of the simulator (see {@link Simulator}); every method names the kernel function it mirrors.
 */
abstract class Regions extends Kswapd {
    Regions(BuddyModel model, KernelConfig cfg, int[][][] pcpCpus, long[] kpageflags, long startNs) {
        super(model, cfg, pcpCpus, kpageflags, startNs);
    }

    /**
     * __rmqueue_smallest() with region-sorted free lists ("Sorted-buddy", memory power management v2): the list head
     * is the block of the lowest-numbered region, so allocations fill regions in ascending order. Within a region the
     * kernel's list order is kept.
     */
    long rmqueueSmallestRegion(int z, int order, int mt) {
        long lowest = zones[z].start / regionPages;
        for (int o = order; o <= maxOrder; o++) {
            long best = -1;
            long bestReg = Long.MAX_VALUE;
            for (long p = m.freeListHeadPfn(z, o, mt); p >= 0; p = m.listNextPfn(p)) {
                long reg = p / regionPages;
                if (reg < bestReg) {
                    best = p;
                    bestReg = reg;
                    if (reg == lowest) {
                        break;
                    }
                }
            }
            if (best >= 0) {
                m.delPageFromFreeList(best);
                m.expand(z, best, order, o, mt);
                return best;
            }
        }
        return -1;
    }

    /**
     * The evacuation worker (kmempowerd, memory power management v4): re-checks the hinted region's occupancy
     * (0 < used <= region_evacuate_max_used, not the lowest region) and migrates its movable pages into free pages
     * of lower regions ("allocate in increasing region order, compact in reverse order").
     */
    void evacuateRegion(int reg) {
        if (reg <= 0 || reg >= nRegions || regionUsed[reg] == 0 || regionUsed[reg] > cfg.regionEvacuateMaxUsed()) {
            stats.evacuationsRejected++;
            return;
        }
        stats.evacuationsAttempted++;
        long start = Math.max(base, reg * regionPages);
        long end = Math.min(base + n, (reg + 1) * regionPages);
        for (long pfn = start; pfn < end; pfn++) {
            int r = (int) (pfn - base);
            byte a = amt[r];
            if (a == FREE || a == PINNED || (a & COMPOUND_BIT) != 0 || aord[r] != 0
                    || (a & ~NONLRU_BIT) != MIGRATE_MOVABLE || ((a & NONLRU_BIT) != 0 && !cfg.movableNonLru())
                    || m.kind(pfn) != BuddyModel.KIND_NONE) {
                continue;
            }
            int z = m.zoneOf(pfn);
            long dst = lowerFreePage(z, reg);
            if (dst < 0) {
                break;
            }
            int d = (int) (dst - base);
            amt[d] = amt[r];
            aord[d] = 0;
            map.moved(r, d);
            amt[r] = FREE;
            aord[r] = -1;
            regionUsed[reg]--;
            regionUsed[(int) (dst / regionPages)]++;
            m.freeOnePage(z, pfn, 0, m.pageblockMigratetype(pfn), false);
            stats.regionPagesMoved++;
        }
        if (regionUsed[reg] == 0) {
            stats.evacuationsSucceeded++;
        }
    }

    /** A free page of zone z below region reg, lowest first, taken off the free lists (-1 if none). */
    long lowerFreePage(int z, int reg) {
        long end = Math.min(zones[z].end, reg * regionPages);
        for (long p = zones[z].start; p < end; ) {
            if (m.kind(p) == BuddyModel.KIND_BUDDY) {
                m.takeFromBuddy(z, p, 0, m.listMigratetype(p));
                return p;
            }
            p++;
        }
        return -1;
    }

    /** Regions of zone z (by start pfn) with no allocated page: candidates for a low-power state. */
    public long freeRegions(int z) {
        long c = 0;
        for (int r = 0; r < nRegions; r++) {
            long start = r * regionPages;
            if (start >= zones[z].start && start < zones[z].end && regionPresent[r] > 0 && regionUsed[r] == 0) {
                c++;
            }
        }
        return c;
    }

    /** Regions with no allocated page, over all zones. */
    public long freeRegions() {
        long c = 0;
        for (int r = 0; r < nRegions; r++) {
            if (regionPresent[r] > 0 && regionUsed[r] == 0) {
                c++;
            }
        }
        return c;
    }

    public int regionCount() {
        return nRegions;
    }

    public boolean regionsOn() {
        return regionsOn;
    }
}
