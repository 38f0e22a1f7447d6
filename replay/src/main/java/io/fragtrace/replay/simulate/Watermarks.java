package io.fragtrace.replay.simulate;

import io.fragtrace.parser.Gfp;
import io.fragtrace.replay.model.KernelSemantics;

/**
 * Watermark arithmetic of mm/page_alloc.c as pure functions: __setup_per_zone_wmarks(), the order-0 part of
 * __zone_watermark_ok() and boost_watermark(). The high-order part of __zone_watermark_ok() needs the free lists and
 * lives in {@link Simulator#zoneWatermarkOk}.
 */
public final class Watermarks {
    public static final int WMARK_MIN = 0;
    public static final int WMARK_LOW = 1;
    public static final int WMARK_HIGH = 2;

    /** alloc_flags bits (mm/internal.h, 6.1 names; 6.3+ renamed HIGH/HARDER to MIN_RESERVE/NON_BLOCK). */
    public static final int ALLOC_WMARK_MIN = WMARK_MIN;
    public static final int ALLOC_WMARK_LOW = WMARK_LOW;
    public static final int ALLOC_WMARK_HIGH = WMARK_HIGH;
    public static final int ALLOC_NO_WATERMARKS = 0x04;
    public static final int ALLOC_WMARK_MASK = ALLOC_NO_WATERMARKS - 1;
    public static final int ALLOC_OOM = 0x08;
    /** ALLOC_HARDER (before 6.3 / 6.1 stable): __GFP_ATOMIC. */
    public static final int ALLOC_HARDER = 0x10;
    /** ALLOC_HIGH (before 6.3 / 6.1 stable): __GFP_HIGH. */
    public static final int ALLOC_HIGH = 0x20;
    /** ALLOC_NON_BLOCK (mm/internal.h, 6.3+ and 6.1 stable; ALLOC_HARDER's bit): the caller cannot block. */
    public static final int ALLOC_NON_BLOCK = 0x10;
    /** ALLOC_MIN_RESERVE (6.3+ and 6.1 stable; ALLOC_HIGH's bit): __GFP_HIGH, half of the min reserve. */
    public static final int ALLOC_MIN_RESERVE = 0x20;
    /** ALLOC_HIGHATOMIC (6.3+ and 6.1 stable): may use the MIGRATE_HIGHATOMIC lists. */
    public static final int ALLOC_HIGHATOMIC = 0x200;
    public static final int ALLOC_CPUSET = 0x40;
    public static final int ALLOC_CMA = 0x80;
    public static final int ALLOC_NOFRAGMENT = 0x100;
    public static final int ALLOC_KSWAPD = 0x800;
    /** ALLOC_RESERVES (mm/internal.h, 6.3+ and 6.1 stable): any flag that grants access to reserves. */
    public static final int ALLOC_RESERVES = ALLOC_NON_BLOCK | ALLOC_MIN_RESERVE | ALLOC_HIGHATOMIC | ALLOC_OOM;

    private Watermarks() {
    }

    /**
     * gfp_to_alloc_flags() (v6.1 and v6.12 mm/page_alloc.c, {@code KernelSemantics.allocReserveFlags}): WMARK_MIN |
     * ALLOC_CPUSET, ALLOC_MIN_RESERVE for __GFP_HIGH, ALLOC_KSWAPD for __GFP_KSWAPD_RECLAIM; without
     * __GFP_DIRECT_RECLAIM: ALLOC_NON_BLOCK unless __GFP_NOMEMALLOC (and then ALLOC_HIGHATOMIC for a __GFP_HIGH request
     * of order &gt; 0), and no ALLOC_CPUSET for __GFP_HIGH; ALLOC_CMA for a movable request. (ALLOC_MIN_RESERVE of an
     * RT task is not visible in a trace.) Before: {@link #gfpToAllocFlags(long)}.
     */
    public static int gfpToAllocFlags(long gfp, int order, boolean reserveFlags) {
        if (!reserveFlags) {
            return gfpToAllocFlags(gfp);
        }
        int flags = ALLOC_WMARK_MIN | ALLOC_CPUSET;
        if ((gfp & Gfp.HIGH) != 0) {
            flags |= ALLOC_MIN_RESERVE;
        }
        if ((gfp & Gfp.KSWAPD_RECLAIM) != 0) {
            flags |= ALLOC_KSWAPD;
        }
        if ((gfp & Gfp.DIRECT_RECLAIM) == 0) {
            if ((gfp & Gfp.NOMEMALLOC) == 0) {
                flags |= ALLOC_NON_BLOCK;
                if (order > 0 && (flags & ALLOC_MIN_RESERVE) != 0) {
                    flags |= ALLOC_HIGHATOMIC;
                }
            }
            if ((flags & ALLOC_MIN_RESERVE) != 0) {
                flags &= ~ALLOC_CPUSET;
            }
        }
        if (Gfp.migratetype(gfp) == KernelSemantics.MIGRATE_MOVABLE) {
            flags |= ALLOC_CMA;
        }
        return flags;
    }

    /** gfp_to_alloc_flags() before 6.3 (mainline 6.1.0): ALLOC_HARDER for __GFP_ATOMIC without __GFP_NOMEMALLOC. */
    public static int gfpToAllocFlags(long gfp) {
        int flags = ALLOC_WMARK_MIN | ALLOC_CPUSET;
        if ((gfp & Gfp.HIGH) != 0) {
            flags |= ALLOC_HIGH;
        }
        if ((gfp & Gfp.KSWAPD_RECLAIM) != 0) {
            flags |= ALLOC_KSWAPD;
        }
        if ((gfp & Gfp.ATOMIC) != 0) {
            if ((gfp & Gfp.NOMEMALLOC) == 0) {
                flags |= ALLOC_HARDER;
            }
            flags &= ~ALLOC_CPUSET;
        }
        if (Gfp.migratetype(gfp) == KernelSemantics.MIGRATE_MOVABLE) {
            flags |= ALLOC_CMA;
        }
        return flags;
    }

    /**
     * __gfp_pfmemalloc_flags() (mm/page_alloc.c, 6.1) outside interrupts: ALLOC_NO_WATERMARKS for __GFP_MEMALLOC or a
     * PF_MEMALLOC task (reclaim itself: kswapd, a direct reclaimer), none with __GFP_NOMEMALLOC. (ALLOC_OOM for an
     * OOM victim is not visible in a trace.)
     */
    public static int gfpPfmemallocFlags(long gfp, boolean pfMemalloc) {
        if ((gfp & Gfp.NOMEMALLOC) != 0) {
            return 0;
        }
        if ((gfp & Gfp.MEMALLOC) != 0 || pfMemalloc) {
            return ALLOC_NO_WATERMARKS;
        }
        return 0;
    }

    /**
     * The task runs with PF_MEMALLOC: kswapd (kswapd() sets it for its life, mm/vmscan.c). Direct reclaimers set it
     * only inside reclaim, which a page trace does not show, so a task name is all there is: a guess for the rest.
     */
    public static boolean pfMemallocTask(String comm) {
        return kswapdTask(comm);
    }

    /** The node's kswapd thread, named "kswapd%d" by kswapd_run() (mm/vmscan.c). */
    static boolean kswapdTask(String comm) {
        return comm.startsWith("kswapd");
    }

    /**
     * Which watermark a zone with freePages free was below for an order-0 check without reserve flags
     * (__zone_watermark_ok(): free &lt;= mark fails): 0 min, 1 low, 2 high, 3 none (above high).
     */
    public static int belowWmark(long freePages, long min, long low, long high) {
        if (!order0Ok(freePages, 0, min, 0, 0, 0)) {
            return WMARK_MIN;
        }
        if (!order0Ok(freePages, 0, low, 0, 0, 0)) {
            return WMARK_LOW;
        }
        return order0Ok(freePages, 0, high, 0, 0, 0) ? 3 : WMARK_HIGH;
    }

    /**
     * __setup_per_zone_wmarks() (mm/page_alloc.c) for zones that are neither highmem nor ZONE_MOVABLE:
     * {@code tmp = pages_min * managed / lowmem_pages}; min = tmp; gap = max(tmp >> 2, managed * wsf / 10000);
     * low = min + gap; high = min + 2 * gap. Returns {min, low, high} per zone (zones with managed 0 get 0s).
     * Same formula 4.4 (watermark_scale_factor since 4.6; before that gap = tmp >> 2) to 6.12.
     */
    public static long[][] setupPerZoneWmarks(long minFreeKbytes, int watermarkScaleFactor, long[] managed) {
        long pagesMin = minFreeKbytes >> 2; // PAGE_SHIFT - 10 = 2 for 4 KiB pages
        long lowmem = 0;
        for (long m : managed) {
            lowmem += m;
        }
        long[][] out = new long[managed.length][3];
        for (int i = 0; i < managed.length; i++) {
            if (managed[i] == 0 || lowmem == 0) {
                continue;
            }
            long tmp = pagesMin * managed[i] / lowmem;
            long gap = Math.max(tmp >> 2, managed[i] * watermarkScaleFactor / 10000);
            out[i][WMARK_MIN] = tmp;
            out[i][WMARK_LOW] = tmp + gap;
            out[i][WMARK_HIGH] = tmp + 2 * gap;
        }
        return out;
    }

    /**
     * The order-0 test of __zone_watermark_ok() (mm/page_alloc.c, 6.1): free pages minus
     * __zone_watermark_unusable_free() must exceed min + lowmem_reserve, min lowered by half for ALLOC_HIGH and by a
     * quarter for ALLOC_HARDER (a half for ALLOC_OOM).
     */
    public static boolean order0Ok(long freePages, int order, long mark, long lowmemReserve, int allocFlags,
                                   long reservedHighatomic) {
        return order0Ok(freePages, order, mark, lowmemReserve, allocFlags, reservedHighatomic, false);
    }

    /**
     * The order-0 test of __zone_watermark_ok(): with reserveFlags ({@code KernelSemantics.allocReserveFlags}, v6.1
     * and v6.12 mm/page_alloc.c) the highatomic reserve is unusable without an ALLOC_RESERVES flag, ALLOC_MIN_RESERVE
     * halves min and ALLOC_NON_BLOCK with it takes a further quarter, ALLOC_OOM halves it again; without, the 6.0
     * rules of {@link #order0Ok(long, int, long, long, int, long)}. unusableHighatomic is nr_reserved_highatomic (6.1)
     * or nr_free_highatomic (6.10+).
     */
    public static boolean order0Ok(long freePages, int order, long mark, long lowmemReserve, int allocFlags,
                                   long unusableHighatomic, boolean reserveFlags) {
        if (reserveFlags) {
            long min = mark;
            freePages -= (1L << order) - 1;
            if ((allocFlags & ALLOC_RESERVES) == 0) {
                freePages -= unusableHighatomic;
            }
            if ((allocFlags & ALLOC_RESERVES) != 0) {
                if ((allocFlags & ALLOC_MIN_RESERVE) != 0) {
                    min -= min / 2;
                    if ((allocFlags & ALLOC_NON_BLOCK) != 0) {
                        min -= min / 4;
                    }
                }
                if ((allocFlags & ALLOC_OOM) != 0) {
                    min -= min / 2;
                }
            }
            return freePages > min + lowmemReserve;
        }
        long reservedHighatomic = unusableHighatomic;
        long min = mark;
        boolean allocHarder = (allocFlags & (ALLOC_HARDER | ALLOC_OOM)) != 0;
        long unusable = (1L << order) - 1;
        if ((allocFlags & ALLOC_HARDER) == 0) {
            unusable += reservedHighatomic;
        }
        freePages -= unusable;
        if ((allocFlags & ALLOC_HIGH) != 0) {
            min -= min / 2;
        }
        if (allocHarder) {
            if ((allocFlags & ALLOC_OOM) != 0) {
                min -= min / 2;
            } else {
                min -= min / 4;
            }
        }
        return freePages > min + lowmemReserve;
    }

    /**
     * boost_watermark() (mm/page_alloc.c, 5.0+): returns the new watermark_boost, or -1 when the zone is not boosted
     * (factor 0, a zone smaller than 4 pageblocks, or a zero maximum).
     */
    public static long boostWatermark(long boost, long highWmark, long managed, int boostFactor, int pageblockOrder) {
        long pb = 1L << pageblockOrder;
        if (boostFactor == 0) {
            return -1;
        }
        if (pb * 4 > managed) {
            return -1;
        }
        long maxBoost = highWmark * boostFactor / 10000; // mult_frac
        if (maxBoost == 0) {
            return -1;
        }
        maxBoost = Math.max(pb, maxBoost);
        return Math.min(boost + pb, maxBoost);
    }

    /**
     * set_recommended_min_free_kbytes() (mm/khugepaged.c, 4.4-6.12) when THP is enabled: 2 pageblocks per populated
     * zone up to ZONE_NORMAL plus MIGRATE_PCPTYPES^2 pageblocks per zone, at most 5% of nr_free_buffer_pages()
     * (Σ managed - high watermark), in kB; min_free_kbytes is raised to it, never lowered.
     */
    public static long recommendedMinFreeKbytes(long currentMinFreeKbytes, int pageblockOrder, int nrZones,
                                                long freeBufferPages) {
        long pb = 1L << pageblockOrder;
        long recommended = pb * nrZones * 2;
        recommended += pb * nrZones * 3 * 3;
        recommended = Math.min(recommended, freeBufferPages / 20);
        recommended <<= 2; // PAGE_SHIFT - 10
        return Math.max(recommended, currentMinFreeKbytes);
    }

    /**
     * Proactive compaction thresholds, fragmentation_score_wmark() (mm/compaction.c, 5.9-6.15): low =
     * max(100 - proactiveness, 5) (the cap "to avoid excessive compaction activity"), high = min(low + 10, 100).
     * Returns {low, high}.
     */
    public static int[] fragmentationScoreWmarks(int proactiveness) {
        int low = Math.max(100 - proactiveness, 5);
        return new int[] {low, Math.min(low + 10, 100)};
    }
}
