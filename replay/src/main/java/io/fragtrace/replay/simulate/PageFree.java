package io.fragtrace.replay.simulate;

import io.fragtrace.replay.config.KernelConfig;
import io.fragtrace.replay.model.BuddyModel;
import io.fragtrace.replay.model.CompactControl;
import io.fragtrace.replay.model.Compaction;

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
        if (tuned != null) {
            freeUnrefPageCommitTuned(z, cpu, order, pindex);
            return;
        }
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

    /**
     * free_unref_page_commit() (mm/page_alloc.c, 6.7+; as in 6.12) after list_add(): free_count and the free_high
     * rule ({@link PcpTuned#commitFree}), nr_pcp_high() tuning pcp->high ({@link #zoneReclaimActive}),
     * free_pcppages_bulk(nr_pcp_free()); a drain clears ZONE_BELOW_HIGH once the zone meets its high
     * watermark again (zone_watermark_ok(zone, 0, high_wmark_pages(zone), ZONE_MOVABLE, 0)).
     */
    void freeUnrefPageCommitTuned(int z, int cpu, int order, int pindex) {
        PcpTuned t = tuned[z][cpu];
        boolean freeHigh = t.commitFree(pcpCount[z][cpu], order);
        int high = t.nrPcpHigh(pcpCount[z][cpu], zoneReclaimActive(), belowHigh[z], freeHigh);
        if (pcpCount[z][cpu] >= high) {
            freePcppagesBulk(z, cpu, t.nrPcpFree(pcpCount[z][cpu], high, freeHigh), pindex);
            if (belowHigh[z] && zoneWatermarkOk(z, 0, wmark[z][Watermarks.WMARK_HIGH] + boost[z], ZONE_MOVABLE, 0,
                    m.freePages(z))) {
                belowHigh[z] = false;
            }
        }
        pcpHigh[z][cpu] = t.high;
    }

    /**
     * decay_pcp_high() for each of a CPU's pagesets (mm/page_alloc.c, 6.7+), run by refresh_cpu_vm_stats() from the
     * CPU's vmstat_update() every sysctl_stat_interval (1 s, {@link VmstatClock}): pcp->high decays by an eighth toward
     * high_min and what is over it is drained (v6.12: pcp->batch pages per free_pcppages_bulk(.., 0) call, which frees
     * the same pages in the same order as one call).
     */
    void decayPcpHigh(int c) {
        ensureCpu(c);
        for (int z = 0; z < nz; z++) {
            PcpTuned t = tuned[z][c];
            long toDrain = t.decayPcpHigh(pcpCount[z][c]);
            if (toDrain > 0) {
                freePcppagesBulk(z, c, toDrain, 0);
            }
            pcpHigh[z][c] = t.high;
        }
    }

    /** The free being applied is the kernel's kswapd's (its reclaim: {@link #zoneReclaimActive}). */
    boolean reclaimFree;

    /**
     * ZONE_RECLAIM_ACTIVE as nr_pcp_high() reads it: balance_pgdat() (mm/vmscan.c) sets it for its round's zones
     * (set_reclaim_active()) and clears it as the round ends (clear_reclaim_active()), before kswapd's HZ/10 nap. Set
     * for a free by the kernel's kswapd (it frees only from its reclaim, inside balance_pgdat(), whatever the model's
     * own kswapd is doing), and while the model's kswapd is in its round ({@link #kswapdInBalancePgdat}).
     */
    boolean zoneReclaimActive() {
        return reclaimFree || kswapdInBalancePgdat();
    }

    abstract boolean kswapdInBalancePgdat();

    /**
     * nr_pcp_high() (mm/page_alloc.c, 6.1): 0 for free_high; batch*4 while kswapd reclaims
     * ({@link #zoneReclaimActive}).
     */
    int nrPcpHigh(int z, int cpu, boolean freeHigh) {
        int high = pcpHigh[z][cpu];
        if (high == 0 || freeHigh) {
            return 0;
        }
        if (!zoneReclaimActive()) {
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

    /** The direct compaction running in the current task (current->capture_control), null outside one. */
    CompactControl capturing;

    /**
     * free_pcppages_bulk() (mm/page_alloc.c): round-robin over the pcp lists starting with pindex, each time taking
     * from the tail, to __free_one_page() with the page's pcp migratetype (v6.1) or its pageblock's now (v6.12).
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
                // 6.10+ (v6.12): get_pfnblock_migratetype() at the drain; v6.1: get_pcppage_migratetype(), cached at
                // the free
                int mt = version.pcpMigratetypeAtCommit() ? m.pageblockMigratetype(p) : pcpMt[(int) (p - base)];
                m.pcpDel(p);
                count -= 1L << order;
                pcpCount[z][cpu] -= 1L << order;
                if (m.freeOnePage(z, p, order, mt, false, Compaction.compactionCapture(capturing, z),
                        capturing != null ? capturing.migratetype : -1)
                        == BuddyModel.CAPTURED) {
                    capturing.capturedPfn = m.lastCaptured(); // compaction_capture() in __free_one_page()
                    stats.captured++;
                }
                stats.pcpDrains++;
                p = m.pcpTailPfn(z, cpu, pindex);
            } while (count > 0 && p >= 0);
        }
    }

    /**
     * drain_local_pages(zone) (mm/page_alloc.c): this CPU's pcp lists of the zone back to the buddy. The kernel's
     * drain_pages_zone() (v6.1 and v6.12) frees at most batch &lt;&lt; CONFIG_PCP_BATCH_SCALE_MAX pages per
     * free_pcppages_bulk(.., 0) call; one call for the whole count frees the same pages in the same order (each call
     * empties whole lists in pindex order, so the next one starts where the last stopped).
     */
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
     * setup_per_zone_wmarks() → zone_pcp_update(zone, 0) → zone_set_pageset_high_and_batch() (mm/page_alloc.c,
     * 5.14+): "the watermark size have changed so update the pcpu batch and high limits". pcp->high follows the new
     * low watermark (zone_highsize()); batch depends on the managed pages only and stays. Not for a configured
     * {@code pcp_high}, nor before pcp_allowed_order() kernels (high = 6 * batch there), nor from 6.7, where it sets
     * high_min/high_max and pcp->high keeps its auto-tuned value (the model keeps the start state's); at the start the
     * pagesets are the start state's own (SimState), so only a change at runtime recomputes them.
     */
    void zonePcpUpdate() {
        if (tuned != null) {
            // 6.7+: zone_set_pageset_high_and_batch() → pageset_update() sets high_min/high_max only
            for (int z = 0; z < nz; z++) {
                for (int c = 0; c < cpus; c++) {
                    PcpTuned t = newPcpTuned(z, c, 0);
                    tuned[z][c].highMin = t.highMin;
                    tuned[z][c].highMax = t.highMax;
                }
            }
            return;
        }
        if (pcpHigh == null || cfg.pcpHigh() >= 0 || !version.pcpHighOrders() || version.pcpHighTuned()) {
            return;
        }
        for (int z = 0; z < nz; z++) {
            for (int c = 0; c < cpus; c++) {
                // zone_highsize() with percpu_pagelist_high_fraction 0: the low watermark split across the CPUs
                pcpHigh[z][c] = PcpTuned.zoneHighsize(wmark[z][WMARK_LOW], zones[z].managed, pcpBatch[z][c], cpus, 0);
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
        int old = cpus;
        cpus = nc;
        if (tuned != null) {
            for (int z = 0; z < nz; z++) {
                tuned[z] = Arrays.copyOf(tuned[z], nc);
                for (int c = old; c < nc; c++) {
                    tuned[z][c] = newPcpTuned(z, c, pcpHigh[z][c]);
                    tuned[z][c].highMin = tuned[z][0].highMin;
                    tuned[z][c].highMax = tuned[z][0].highMax;
                }
            }
        }
    }

    // ------------------------------------------------------------------ implemented by the layers above

    abstract void wakeupKswapd(int z, long gfp, int order, int highestKz);

    public abstract boolean zoneWatermarkOk(int z, int order, long mark, int highestKz, int flags, long freePages);
}
