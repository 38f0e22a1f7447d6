package io.fragtrace.replay.simulate;

import io.fragtrace.replay.config.KernelConfig;
import io.fragtrace.replay.model.BuddyModel;

import java.util.Arrays;

import static io.fragtrace.replay.model.KernelSemantics.MIGRATE_ISOLATE;
import static io.fragtrace.replay.model.KernelSemantics.MIGRATE_MOVABLE;
import static io.fragtrace.replay.model.KernelSemantics.MIGRATE_PCPTYPES;
import static io.fragtrace.replay.model.KernelSemantics.PAGE_ALLOC_COSTLY_ORDER;
import static io.fragtrace.replay.simulate.Watermarks.WMARK_LOW;

/**
 * mm/page_alloc.c, free side: free_unref_page(), free_unref_page_commit(), free_pcppages_bulk(), drain_all_pages();
 * __free_one_page() is BuddyModel's.
 * One layer of the simulator (see {@link Simulator}); every method names the kernel function it mirrors.
 */
abstract class PageFree extends SimState {
    PageFree(BuddyModel model, KernelConfig cfg, int[][][] pcpCpus, long[] kpageflags, long startNs) {
        super(model, cfg, pcpCpus, kpageflags, startNs);
    }

    // ------------------------------------------------------------------ free

    /** free_the_page() (mm/page_alloc.c): pcp for pcp_allowed_order(), else __free_pages_ok() → __free_one_page(). */
    void freeUnit(int r, int order, int cpu) {
        long pfn = base + r;
        stats.pagesFreed += 1L << order;
        freedSinceKswapdWake += 1L << order;
        regionUsed[(int) (pfn / regionPages)] -= 1L << order;
        if (regionsOn && regionHint >= 0 && !evacuationPending) {
            // the free side: hand the hint to the single evacuation worker when none is running (no re-trigger)
            evacuationRegion = regionHint;
            regionHint = -1;
            evacuationPending = true;
        }
        int z = m.zoneOf(pfn);
        for (int i = 0; i < 1 << order; i++) {
            amt[r + i] = FREE;
            aord[r + i] = -1;
        }
        if (z < 0) {
            return;
        }
        int mt = m.pageblockMigratetype(pfn);
        if (ks.pcpAllowedOrder(order) && (version.pcpHighOrders() || order == 0) && mt != MIGRATE_ISOLATE) {
            freeUnrefPageCommit(z, cpu, pfn, order, mt);
        } else {
            m.freeOnePage(z, pfn, order, mt, false);
        }
    }

    /** free_unref_page_commit() (mm/page_alloc.c, 6.1): to the head of the pcp list, drain when count >= high. */
    void freeUnrefPageCommit(int z, int cpu, long pfn, int order, int mt) {
        ensureCpu(cpu);
        int listMt = mt >= MIGRATE_PCPTYPES ? MIGRATE_MOVABLE : mt;
        int pindex = ks.orderToPindex(listMt, order);
        m.pcpAdd(z, cpu, pfn, order, pindex, false);
        pcpMt[(int) (pfn - base)] = (byte) mt;
        pcpCount[z][cpu] += 1L << order;
        int batch = pcpBatch[z][cpu];
        if (!version.pcpHighOrders()) {
            if (pcpCount[z][cpu] >= pcpHigh[z][cpu]) {
                freePcppagesBulk(z, cpu, batch, pindex);
            }
            return;
        }
        boolean freeHigh = freeFactor[z][cpu] > 0 && order > 0 && order <= PAGE_ALLOC_COSTLY_ORDER;
        int high = nrPcpHigh(z, cpu, freeHigh);
        if (pcpCount[z][cpu] >= high) {
            freePcppagesBulk(z, cpu, nrPcpFree(z, cpu, high, batch, freeHigh), pindex);
        }
    }

    /** nr_pcp_high() (mm/page_alloc.c, 6.1): 0 for free_high; batch*4 while kswapd reclaims (ZONE_RECLAIM_ACTIVE). */
    int nrPcpHigh(int z, int cpu, boolean freeHigh) {
        int high = pcpHigh[z][cpu];
        if (high == 0 || freeHigh) {
            return 0;
        }
        if (!kswapdAwake) {
            return high;
        }
        return Math.min(pcpBatch[z][cpu] << 2, high);
    }

    /** nr_pcp_free() (mm/page_alloc.c, 6.1): batch << free_factor, clamped to [batch, high - batch]. */
    int nrPcpFree(int z, int cpu, int high, int batch, boolean freeHigh) {
        if (freeHigh) {
            return (int) pcpCount[z][cpu];
        }
        if (high < batch) {
            return 1;
        }
        int minNrFree = batch;
        int maxNrFree = high - batch;
        long b = (long) batch << freeFactor[z][cpu];
        if (b < maxNrFree) {
            freeFactor[z][cpu]++;
        }
        return (int) Math.max(minNrFree, Math.min(b, maxNrFree));
    }

    /**
     * free_pcppages_bulk() (mm/page_alloc.c, 6.1): round-robin over the pcp lists starting with pindex, each time
     * taking from the tail, to __free_one_page() with the page's pcp migratetype.
     */
    void freePcppagesBulk(int z, int cpu, long count, int pindex) {
        count = Math.min(pcpCount[z][cpu], count);
        int nrPcp = ks.nrPcpLists();
        int minPindex = 0;
        int maxPindex = nrPcp - 1;
        pindex = pindex - 1;
        while (count > 0) {
            long p;
            int guard = 0;
            while (true) {
                if (++pindex > maxPindex) {
                    pindex = minPindex;
                }
                p = m.pcpTailPfn(z, cpu, pindex);
                if (p >= 0) {
                    break;
                }
                if (pindex == maxPindex) {
                    maxPindex--;
                }
                if (pindex == minPindex) {
                    minPindex++;
                }
                if (++guard > 4 * nrPcp || minPindex > maxPindex) {
                    pcpCount[z][cpu] = 0;
                    return;
                }
            }
            int order = ks.pindexToOrder(pindex);
            do {
                int mt = pcpMt[(int) (p - base)];
                m.pcpDel(p);
                count -= 1L << order;
                pcpCount[z][cpu] -= 1L << order;
                m.freeOnePage(z, p, order, mt, false);
                stats.pcpDrains++;
                p = m.pcpTailPfn(z, cpu, pindex);
            } while (count > 0 && p >= 0);
        }
    }

    /** drain_local_pages(zone) (mm/page_alloc.c): this CPU's pcp lists of the zone back to the buddy. */
    void drainLocalPages(int z, int cpu) {
        if (cpu >= 0 && cpu < cpus && pcpCount[z][cpu] > 0) {
            freePcppagesBulk(z, cpu, pcpCount[z][cpu], 0);
        }
    }

    /** drain_all_pages(zone) (mm/page_alloc.c): every CPU's pcp lists of the zone back to the buddy. */
    void drainAllPages(int z) {
        for (int c = 0; c < cpus; c++) {
            if (pcpCount[z][c] > 0) {
                freePcppagesBulk(z, c, pcpCount[z][c], 0);
            }
        }
    }

    /**
     * zone_highsize() (mm/page_alloc.c, 5.14+, percpu_pagelist_high_fraction 0): the zone's low watermark split
     * across the node's CPUs, at least batch * 4.
     */
    static int zoneHighsize(long lowWmark, int batch, int nrSplitCpus) {
        long high = lowWmark / Math.max(1, nrSplitCpus);
        return (int) Math.max(high, (long) batch << 2);
    }

    /**
     * setup_per_zone_wmarks() → zone_pcp_update(zone, 0) → zone_set_pageset_high_and_batch() (mm/page_alloc.c,
     * 5.14+): "the watermark size have changed so update the pcpu batch and high limits". pcp->high follows the new
     * low watermark (zone_highsize()); batch depends on the managed pages only and stays. Not for a configured
     * {@code pcp_high}, nor before pcp_allowed_order() kernels (high = 6 * batch there), nor from 6.7, where it sets
     * high_min/high_max and pcp->high keeps its auto-tuned value (the model keeps the start state's); at the start the
     * pagesets are the start state's own (SimState), so only a change at runtime recomputes them.
     */
    void zonePcpUpdate() {
        if (pcpHigh == null || cfg.pcpHigh() >= 0 || !version.pcpHighOrders() || version.pcpHighTuned()) {
            return;
        }
        for (int z = 0; z < nz; z++) {
            for (int c = 0; c < cpus; c++) {
                pcpHigh[z][c] = zoneHighsize(wmark[z][WMARK_LOW], pcpBatch[z][c], cpus);
            }
        }
    }

    /** The per-CPU pagesets of a CPU first seen in the trace (setup_zone_pageset(), mm/page_alloc.c). */
    void ensureCpu(int cpu) {
        if (cpu < cpus) {
            return;
        }
        int nc = cpu + 1;
        for (int z = 0; z < nz; z++) {
            int h = pcpHigh[z][0];
            int b = pcpBatch[z][0];
            pcpHigh[z] = Arrays.copyOf(pcpHigh[z], nc);
            pcpBatch[z] = Arrays.copyOf(pcpBatch[z], nc);
            pcpCount[z] = Arrays.copyOf(pcpCount[z], nc);
            freeFactor[z] = Arrays.copyOf(freeFactor[z], nc);
            for (int c = cpus; c < nc; c++) {
                pcpHigh[z][c] = h;
                pcpBatch[z][c] = b;
            }
        }
        cpus = nc;
    }

    // ------------------------------------------------------------------ implemented by the layers above

    abstract void wakeupKswapd(int z, long gfp, int order, int highestKz);
}
