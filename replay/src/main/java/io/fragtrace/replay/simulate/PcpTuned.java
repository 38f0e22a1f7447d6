package io.fragtrace.replay.simulate;

import static io.fragtrace.replay.model.KernelSemantics.PAGE_ALLOC_COSTLY_ORDER;

/**
 * One per-CPU pageset of mm/page_alloc.c from 6.7 on (as in 6.12, {@code KernelSemantics.pcpHighTuned}): pcp->high is
 * auto-tuned between high_min and high_max — raised by refills (nr_pcp_alloc()), lowered while the zone is below its
 * high watermark or kswapd reclaims (nr_pcp_high()) and by the periodic decay (decay_pcp_high()); the batch freed at
 * once follows pcp->free_count (nr_pcp_free()). The pcp lists and pcp->count stay the simulator's; this holds the
 * scalar fields of struct per_cpu_pages that 6.1 does not have, and the functions that read them.
 */
final class PcpTuned {
    /** CONFIG_PCP_BATCH_SCALE_MAX (mm/Kconfig, default 5). */
    static final int PCP_BATCH_SCALE_MAX = 5;
    /** MIN_PERCPU_PAGELIST_HIGH_FRACTION (mm/page_alloc.c): high_max = managed / 8 split across the CPUs. */
    static final int MIN_PERCPU_PAGELIST_HIGH_FRACTION = 8;
    static final int PCPF_PREV_FREE_HIGH_ORDER = 1;
    static final int PCPF_FREE_HIGH_BATCH = 2;

    int high;
    int highMin;
    int highMax;
    int batch;
    int freeCount;
    int allocFactor;
    int flags;

    PcpTuned(int high, int highMin, int highMax, int batch, int flags) {
        this.high = high;
        this.highMin = highMin;
        this.highMax = highMax;
        this.batch = batch;
        this.flags = flags;
    }

    /**
     * zone_highsize() (mm/page_alloc.c): highFraction 0 → the low watermark, else managed / highFraction; split
     * across nrSplitCpus, at least batch * 4.
     */
    static int zoneHighsize(long lowWmark, long managed, int batch, int nrSplitCpus, int highFraction) {
        long total = highFraction == 0 ? lowWmark : managed / highFraction;
        long high = total / Math.max(1, nrSplitCpus);
        return (int) Math.max(high, (long) batch << 2);
    }

    private static int clamp(int v, int lo, int hi) {
        return Math.max(lo, Math.min(v, hi));
    }

    /**
     * The start of free_unref_page_commit() (mm/page_alloc.c, 6.8+) once the page is on the list: alloc_factor
     * halves; a non-THP high-order free right after another one, with free_count at batch, is "free_high" (drain
     * as much as possible) unless PCPF_FREE_HIGH_BATCH keeps a batch; free_count grows up to batch << 5.
     */
    boolean commitFree(long count, int order) {
        allocFactor >>= 1;
        boolean freeHigh = false;
        if (order > 0 && order <= PAGE_ALLOC_COSTLY_ORDER) {
            freeHigh = freeCount >= batch && (flags & PCPF_PREV_FREE_HIGH_ORDER) != 0
                    && ((flags & PCPF_FREE_HIGH_BATCH) == 0 || count >= batch);
            flags |= PCPF_PREV_FREE_HIGH_ORDER;
        } else {
            flags &= ~PCPF_PREV_FREE_HIGH_ORDER;
        }
        if (freeCount < (batch << PCP_BATCH_SCALE_MAX)) {
            freeCount += 1 << order;
        }
        return freeHigh;
    }

    /** nr_pcp_high() (mm/page_alloc.c, 6.7+; as in 6.12): the count at which the free path drains, tuning high. */
    int nrPcpHigh(long count, boolean reclaimActive, boolean belowHigh, boolean freeHigh) {
        int h = high = clamp(high, highMin, highMax);
        if (h == 0) {
            return 0;
        }
        if (freeHigh) {
            high = Math.max(h - (batch << PCP_BATCH_SCALE_MAX), highMin);
            return 0;
        }
        if (reclaimActive) {
            int fc = Math.max(freeCount, batch);
            high = Math.max(h - fc, highMin);
            return Math.min(batch << 2, high);
        }
        if (highMin == highMax) {
            return h;
        }
        if (belowHigh) {
            int fc = Math.max(freeCount, batch);
            high = Math.max(h - fc, highMin);
            h = (int) Math.max(count, highMin);
        } else if (count >= h) {
            int needHigh = freeCount + batch;
            if (high < needHigh) {
                high = clamp(needHigh, highMin, highMax);
            }
        }
        return h;
    }

    /** nr_pcp_free() (mm/page_alloc.c, 6.7+): free_count clamped to [batch, high - batch]; all for free_high. */
    int nrPcpFree(long count, int h, boolean freeHigh) {
        if (freeHigh) {
            return (int) Math.min(count, (long) batch << PCP_BATCH_SCALE_MAX);
        }
        if (h < batch) {
            return 1;
        }
        return clamp(freeCount, batch, h - batch);
    }

    /**
     * pcp->alloc_factor after an order-0 refill of n pages, as nr_pcp_alloc() (mm/page_alloc.c, 6.7+) left it: a refill
     * of batch << k pages raised alloc_factor from k to k + 1 (up to CONFIG_PCP_BATCH_SCALE_MAX); a refill cut by
     * max_nr_alloc (batch << k &lt; n &lt; batch << (k + 1)) did not raise it from k + 1. Either way
     * floor(log2(n / batch)) + 1, capped.
     */
    static int allocFactorAfterRefill(int n, int batch) {
        if (batch <= 0 || n < batch) {
            return 0;
        }
        int k = 31 - Integer.numberOfLeadingZeros(n / batch);
        return Math.min(k + 1, PCP_BATCH_SCALE_MAX);
    }

    /**
     * nr_pcp_alloc() (mm/page_alloc.c, 6.7+): the refill size; order-0 refills double (alloc_factor) while no free
     * intervenes, and pcp->high grows by the batch unless the zone is below its high watermark.
     */
    int nrPcpAlloc(long count, int order, boolean belowHigh) {
        int baseBatch = batch;
        int h = high = clamp(high, highMin, highMax);
        if (h < baseBatch) {
            return 1;
        }
        int b = order > 0 ? baseBatch : baseBatch << allocFactor;
        if (highMin != highMax && !belowHigh) {
            h = high = Math.min(h + b, highMax);
        }
        if (order == 0) {
            int maxNrAlloc = (int) Math.max(h - count - baseBatch, baseBatch);
            if (b <= maxNrAlloc && allocFactor < PCP_BATCH_SCALE_MAX) {
                allocFactor++;
            }
            b = Math.min(b, maxNrAlloc);
        }
        if (b > 1) {
            b = Math.max(b >> order, 2);
        }
        return b;
    }

    /**
     * decay_pcp_high() (mm/page_alloc.c, 6.7+), from the vmstat updater: high drops by an eighth (at most to
     * count - (batch << 5), at least to high_min); returns the pages to drain (count - high, or 0).
     */
    long decayPcpHigh(long count) {
        if (high > highMin) {
            high = (int) Math.max(Math.max(count - ((long) batch << PCP_BATCH_SCALE_MAX), high - (high >> 3)),
                    highMin);
        }
        return Math.max(0, count - high);
    }
}
