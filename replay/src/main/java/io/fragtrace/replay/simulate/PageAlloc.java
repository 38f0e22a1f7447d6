package io.fragtrace.replay.simulate;

import io.fragtrace.parser.CompactStatus;
import io.fragtrace.parser.Gfp;
import io.fragtrace.parser.ParsedEvent;
import io.fragtrace.replay.config.KernelConfig;
import io.fragtrace.replay.model.BuddyModel;
import io.fragtrace.replay.model.IntIntMap;
import io.fragtrace.replay.model.KernelSemantics;
import io.fragtrace.replay.model.StealFallback;

import static io.fragtrace.replay.model.KernelSemantics.MIGRATE_HIGHATOMIC;
import static io.fragtrace.replay.model.KernelSemantics.MIGRATE_MOVABLE;
import static io.fragtrace.replay.model.KernelSemantics.MIGRATE_PCPTYPES;
import static io.fragtrace.replay.model.KernelSemantics.PAGE_ALLOC_COSTLY_ORDER;
import static io.fragtrace.replay.simulate.Watermarks.ALLOC_CMA;
import static io.fragtrace.replay.simulate.Watermarks.ALLOC_CPUSET;
import static io.fragtrace.replay.simulate.Watermarks.ALLOC_HARDER;
import static io.fragtrace.replay.simulate.Watermarks.ALLOC_HIGH;
import static io.fragtrace.replay.simulate.Watermarks.ALLOC_HIGHATOMIC;
import static io.fragtrace.replay.simulate.Watermarks.ALLOC_MIN_RESERVE;
import static io.fragtrace.replay.simulate.Watermarks.ALLOC_NON_BLOCK;
import static io.fragtrace.replay.simulate.Watermarks.ALLOC_RESERVES;
import static io.fragtrace.replay.simulate.Watermarks.ALLOC_KSWAPD;
import static io.fragtrace.replay.simulate.Watermarks.ALLOC_NOFRAGMENT;
import static io.fragtrace.replay.simulate.Watermarks.ALLOC_NO_WATERMARKS;
import static io.fragtrace.replay.simulate.Watermarks.ALLOC_OOM;
import static io.fragtrace.replay.simulate.Watermarks.ALLOC_WMARK_LOW;
import static io.fragtrace.replay.simulate.Watermarks.ALLOC_WMARK_MASK;
import static io.fragtrace.replay.simulate.Watermarks.ALLOC_WMARK_MIN;
import static io.fragtrace.replay.simulate.Watermarks.WMARK_HIGH;
import static io.fragtrace.replay.simulate.Watermarks.WMARK_LOW;
import static io.fragtrace.replay.simulate.Watermarks.WMARK_MIN;

/**
 * mm/page_alloc.c, allocation side: __alloc_pages(), get_page_from_freelist(), the watermark checks, rmqueue() with the
 * per-CPU lists, __rmqueue_smallest()/__rmqueue_fallback() and stealing.
 * One layer of the simulator (see {@link Simulator}); every method names the kernel function it mirrors.
 */
abstract class PageAlloc extends PageFree implements StealFallback.Policy {
    /** alloc_flags of the allocation inside steal_suitable_fallback() (for ZONE_BOOSTED_WATERMARK). */
    int stealFlags;
    /**
     * enum rmqueue_mode (mm/page_alloc.c, 6.12 stable): where __rmqueue() starts ({@link #rmqueueModes}); the model has
     * no CMA, and RMQUEUE_CLAIM is never stored, so NORMAL and STEAL are the two it takes.
     */
    static final int RMQUEUE_NORMAL = 0, RMQUEUE_STEAL = 3;
    int rmqm;

    PageAlloc(BuddyModel model, KernelConfig cfg, int[][][] pcpCpus, long[] kpageflags, long startNs) {
        super(model, cfg, pcpCpus, kpageflags, startNs);
    }

    // ------------------------------------------------------------------ allocation

    /** gfp_zone() (include/linux/gfp.h): the highest zone index the request may use. */
    static int gfpZone(long gfp) {
        if ((gfp & Gfp.DMA) != 0) {
            return ZONE_DMA;
        }
        if ((gfp & Gfp.DMA32) != 0) {
            return ZONE_DMA32;
        }
        if ((gfp & Gfp.MOVABLE) != 0 && (gfp & Gfp.HIGHMEM) != 0) {
            return ZONE_MOVABLE;
        }
        return ZONE_NORMAL;
    }

    /** The preferred zone: the highest populated model zone at or below highestKz; -1 if none. */
    int preferredZone(int highestKz) {
        for (int z = nz - 1; z >= 0; z--) {
            if (kzone[z] <= highestKz && zones[z].managed > 0) {
                return z;
            }
        }
        return -1;
    }

    /** __alloc_pages() (mm/page_alloc.c): the fast path, then the slow path. Returns the model pfn or -1. */
    long allocPages(int order, long gfp, int cpu, ParsedEvent e) {
        int mt = Gfp.migratetype(gfp);
        int highestKz = gfpZone(gfp);
        int pref = preferredZone(highestKz);
        if (pref < 0) {
            return -1;
        }
        int flags = ALLOC_WMARK_LOW | allocFlagsNofragment(pref, gfp);
        long p = getPageFromFreelist(order, mt, flags, highestKz, cpu, gfp);
        if (p >= 0) {
            return p;
        }
        return allocPagesSlowpath(order, gfp, mt, highestKz, cpu);
    }

    /** compaction_ready() for some zone of the request (mm/vmscan.c); {@link Kswapd#compactionReady}. */
    abstract boolean compactionReady(int order, int highestKz);

    /** alloc_flags_nofragment() (mm/page_alloc.c, 5.0+): ALLOC_KSWAPD from the gfp, ALLOC_NOFRAGMENT when the
     * preferred zone is Normal and DMA32 below it exists. */
    int allocFlagsNofragment(int pref, long gfp) {
        int flags = (gfp & Gfp.KSWAPD_RECLAIM) != 0 ? ALLOC_KSWAPD : 0;
        if (!version.allocNofragment()) {
            return flags;
        }
        if (kzone[pref] != ZONE_NORMAL) {
            return flags;
        }
        return flags | ALLOC_NOFRAGMENT;
    }

    /** gfp_to_alloc_flags() (mm/page_alloc.c): {@link Watermarks#gfpToAllocFlags(long, int, boolean)}. */
    int gfpToAllocFlags(long gfp, int order) {
        return Watermarks.gfpToAllocFlags(gfp, order, version.allocReserveFlags());
    }

    /**
     * The highatomic pages __zone_watermark_unusable_free() subtracts: nr_free_highatomic (6.10+: the free pages on the
     * MIGRATE_HIGHATOMIC lists, account_freepages()), before nr_reserved_highatomic (the reserved blocks' pages).
     */
    long unusableHighatomic(int z) {
        if (!version.nrFreeHighatomic()) {
            return reservedHighatomic[z];
        }
        long free = 0;
        for (int o = 0; o <= maxOrder; o++) {
            free += (long) m.freeListLength(z, o, MIGRATE_HIGHATOMIC) << o;
        }
        return free;
    }

    /**
     * The start of __alloc_pages_slowpath() (mm/page_alloc.c, 6.1/6.12) where the trace shows it: wake_all_kswapds() is
     * its first step, traced (mm_vmscan_wakeup_kswapd, with the request's order and gfp) when kswapd waits, and the
     * task's mm_page_alloc comes only after its compaction, reclaim and retries (tens to hundreds of ms later). The
     * instant is the trace's; whether kswapd wakes is the model's: only if its own fast path (get_page_from_freelist()
     * at the low watermark, zone_watermark_fast()) fails now. The request itself is served at its mm_page_alloc
     * ({@link #allocPages}), whose slow path then does not run this first step again ({@link #slowpathBegun}).
     */
    void allocPagesSlowpathBegins(int pid, int order, long gfp) {
        int highestKz = gfpZone(gfp);
        int pref = preferredZone(highestKz);
        if (pref < 0 || (gfpToAllocFlags(gfp, order) & ALLOC_KSWAPD) == 0) {
            return;
        }
        int flags = ALLOC_WMARK_LOW | allocFlagsNofragment(pref, gfp);
        for (int z = nz - 1; z >= 0; z--) {
            if (kzone[z] <= highestKz && zones[z].managed > 0
                    && zoneWatermarkFast(z, order, wmark[z][WMARK_LOW] + boost[z], highestKz, flags, gfp)) {
                return;
            }
        }
        stats.slowpathStartsTraced++;
        wakeAllKswapds(order, gfp, highestKz);
        if (pid >= 0) {
            slowpathBegun.put(pid, order);
        }
    }

    /**
     * Tasks whose request's __alloc_pages_slowpath() began at a traced wakeup_kswapd() where the model's fast path
     * failed too: pid → order, until the task's next mm_page_alloc. That first step (wake_all_kswapds()) has run, so
     * the serve goes on from the min-watermark retry; the retry loop's own wake_all_kswapds() ("retry:") still runs.
     */
    final IntIntMap slowpathBegun = new IntIntMap(16);

    /**
     * __alloc_pages_slowpath() (mm/page_alloc.c, 6.1), without reclaim: wake kswapd, retry at the min watermark,
     * async direct compaction (INIT_COMPACT_PRIORITY) for costly (or non-movable high-order) requests, then the retry
     * loop with compaction at compact_priority, which starts at DEF_COMPACT_PRIORITY (sync-light; async only for a
     * costly __GFP_NORETRY request; a costly __GFP_NORETRY | __GFP_THISNODE one fails after its first compaction,
     * {@link KernelSemantics#thisnodeNoReclaim}) and moves as {@link #shouldCompactRetry} says. Non-costly requests
     * that still fail are served with ALLOC_NO_WATERMARKS as a stand-in for the reclaim the trace's frees show
     * (counted).
     */
    long allocPagesSlowpath(int order, long gfp, int mt, int highestKz, int cpu) {
        boolean canDirect = (gfp & Gfp.DIRECT_RECLAIM) != 0;
        boolean costly = order > PAGE_ALLOC_COSTLY_ORDER;
        int flags = gfpToAllocFlags(gfp, order);
        boolean begun = curPid >= 0 && slowpathBegun.get(curPid) == order;
        if ((flags & ALLOC_KSWAPD) != 0 && !begun) {
            wakeAllKswapds(order, gfp, highestKz);
        }
        stats.slowpath++;
        long p = getPageFromFreelist(order, mt, flags, highestKz, cpu, gfp);
        if (p >= 0) {
            return p;
        }
        stats.belowMin++;
        boolean pfMemalloc = curEvent != null && Watermarks.pfMemallocTask(curEvent.comm());
        int reserveFlags = Watermarks.gfpPfmemallocFlags(gfp, pfMemalloc);
        int[] prio = {PRIO_SYNC_LIGHT, 0}; // compact_priority = DEF_COMPACT_PRIORITY; compaction_retries = 0
        boolean drained = false;
        if (canDirect && (costly || (order > 0 && mt != MIGRATE_MOVABLE))) {
            p = allocPagesDirectCompact(order, gfp, flags, mt, highestKz, PRIO_ASYNC, cpu);
            if (p >= 0) {
                return p;
            }
            if (costly && (gfp & Gfp.NORETRY) != 0) {
                if (lastCompactResult == CompactStatus.SKIPPED.ordinal()
                        || lastCompactResult == CompactStatus.DEFERRED.ordinal()) {
                    return -1;
                }
                if (version.thisnodeNoReclaim() && (gfp & Gfp.THISNODE) != 0) {
                    // "THP page faults may attempt local node only first, but are then allowed to only compact"
                    return -1;
                }
                prio[0] = PRIO_ASYNC; // "sync compaction could be very expensive, so keep using async compaction"
            }
        }
        for (int retries = 0; retries <= MAX_COMPACT_RETRIES; retries++) {
            if ((flags & ALLOC_KSWAPD) != 0) {
                wakeAllKswapds(order, gfp, highestKz);
            }
            // __gfp_pfmemalloc_flags(): reclaim itself and __GFP_MEMALLOC may use the reserves below min
            int f = reserveFlags != 0 ? reserveFlags | (flags & (ALLOC_KSWAPD | ALLOC_CMA)) : flags;
            p = getPageFromFreelist(order, mt, f, highestKz, cpu, gfp);
            if (p >= 0) {
                if (reserveFlags != 0) {
                    stats.pfmemalloc++;
                }
                return p;
            }
            if (!canDirect || pfMemalloc) {
                return -1; // "Avoid recursion of direct reclaim" for a PF_MEMALLOC task
            }
            // __alloc_pages_direct_reclaim(): the reclaim is not modelled (the trace's frees are the reclaim); for a
            // non-costly request (which the trace's reclaim serves) its retry is: "pages are pinned on the per-cpu
            // lists", drain_all_pages(NULL) once and get_page_from_freelist() again
            // a costly request's reclaim: shrink_zones() skips a zone that is compaction_ready() and
            // do_try_to_free_pages() reports progress 1 for it, so the drain and retry happen on every pass
            if (costly ? compactionReady(order, highestKz) : !drained) {
                drained = true;
                for (int z = 0; z < nz; z++) {
                    drainAllPages(z);
                }
                stats.directReclaimDrains++;
                p = getPageFromFreelist(order, mt, flags, highestKz, cpu, gfp);
                if (p >= 0) {
                    return p;
                }
            }
            if (order > 0) {
                p = allocPagesDirectCompact(order, gfp, flags, mt, highestKz, prio[0], cpu);
                if (p >= 0) {
                    return p;
                }
            }
            if ((gfp & Gfp.NORETRY) != 0) {
                return -1;
            }
            if (costly && (gfp & Gfp.RETRY_MAYFAIL) == 0) {
                return -1;
            }
            if (shouldCompactRetry(order, CompactStatus.byOrdinal(lastCompactResult), prio)) {
                continue;
            }
            if (!costly) {
                p = getPageFromFreelist(order, mt, flags | ALLOC_NO_WATERMARKS, highestKz, cpu, gfp);
                if (p >= 0) {
                    stats.reclaimStandIns++;
                }
                return p;
            }
            return -1;
        }
        return -1;
    }

    /**
     * should_compact_retry() (mm/page_alloc.c, 6.1; the same in 6.12) on {compact_priority, compaction_retries}:
     * SUCCESS (compaction_made_progress) counts a retry and retries at the same priority while compaction_retries
     * <= MAX_COMPACT_RETRIES (a quarter of it for costly orders); COMPLETE (compaction_failed) and the withdrawn
     * results (DEFERRED, CONTENDED, PARTIAL_SKIPPED) go to check_priority: one priority higher (retries reset) unless
     * already at the highest allowed, MIN_COMPACT_COSTLY_PRIORITY (sync-light) for costly orders, else
     * MIN_COMPACT_PRIORITY (sync-full). SKIPPED (compaction_needs_reclaim) retries only when
     * compaction_zonelist_suitable() finds room after reclaim: reclaim is not modelled, so no retry.
     */
    static boolean shouldCompactRetry(int order, CompactStatus result, int[] prioRetries) {
        if (order == 0) {
            return false;
        }
        if (result == CompactStatus.SUCCESS) {
            prioRetries[1]++; // compaction_made_progress()
        }
        boolean failedOrWithdrawn = result == CompactStatus.COMPLETE || result == CompactStatus.DEFERRED
                || result == CompactStatus.CONTENDED || result == CompactStatus.PARTIAL_SKIPPED;
        if (!failedOrWithdrawn) {
            if (result == CompactStatus.SKIPPED) {
                return false;
            }
            int maxRetries = order > PAGE_ALLOC_COSTLY_ORDER ? MAX_COMPACT_RETRIES / 4 : MAX_COMPACT_RETRIES;
            if (prioRetries[1] <= maxRetries) {
                return true;
            }
        }
        // check_priority
        int minPriority = order > PAGE_ALLOC_COSTLY_ORDER ? PRIO_SYNC_LIGHT : PRIO_SYNC_FULL;
        if (prioRetries[0] > minPriority) {
            prioRetries[0]--;
            prioRetries[1] = 0;
            return true;
        }
        return false;
    }

    /**
     * get_page_from_freelist() (mm/page_alloc.c): the zonelist from the preferred zone down, zone_watermark_fast()
     * against the flags' watermark plus boost, then rmqueue(); without ALLOC_NOFRAGMENT on a second pass.
     */
    long getPageFromFreelist(int order, int mt, int flags, int highestKz, int cpu, long gfp) {
        while (true) {
            for (int z = nz - 1; z >= 0; z--) {
                if (kzone[z] > highestKz || zones[z].managed == 0) {
                    continue;
                }
                if ((flags & ALLOC_NO_WATERMARKS) == 0) {
                    if (tuned != null && !belowHigh[z]) {
                        // 6.7+: "detect whether the number of free pages is below high watermark"
                        if (zoneWatermarkFast(z, order, wmark[z][WMARK_HIGH] + boost[z], highestKz, flags, gfp)) {
                            long p = rmqueue(z, order, mt, flags, cpu);
                            if (p >= 0) {
                                return p;
                            }
                            continue;
                        }
                        belowHigh[z] = true;
                    }
                    long mark = wmark[z][flags & ALLOC_WMARK_MASK] + boost[z];
                    if (!zoneWatermarkFast(z, order, mark, highestKz, flags, gfp)) {
                        continue;
                    }
                }
                long p = rmqueue(z, order, mt, flags, cpu);
                if (p >= 0) {
                    return p;
                }
            }
            if ((flags & ALLOC_NOFRAGMENT) != 0) {
                flags &= ~ALLOC_NOFRAGMENT;
                continue;
            }
            return -1;
        }
    }

    /** zone_watermark_fast() (mm/page_alloc.c, 6.1). */
    boolean zoneWatermarkFast(int z, int order, long mark, int highestKz, int flags, long gfp) {
        long free = m.freePages(z);
        if (order == 0) {
            long reserved = (flags & (version.allocReserveFlags() ? ALLOC_RESERVES : ALLOC_HARDER)) == 0
                    ? unusableHighatomic(z) : 0;
            long usable = free - Math.min(free, reserved);
            if (usable > mark + lowmem[z][highestKz]) {
                return true;
            }
        }
        if (zoneWatermarkOk(z, order, mark, highestKz, flags, free)) {
            return true;
        }
        boolean exempt = version.boostExemptMinReserve() ? (flags & ALLOC_MIN_RESERVE) != 0 : (gfp & Gfp.ATOMIC) != 0;
        if (order == 0 && exempt && boost[z] > 0 && (flags & ALLOC_WMARK_MASK) == WMARK_MIN) {
            return zoneWatermarkOk(z, order, wmark[z][WMARK_MIN], highestKz, flags, free);
        }
        return false;
    }

    /**
     * __zone_watermark_ok() (mm/page_alloc.c, 4.4-6.12): the order-0 test of {@link Watermarks#order0Ok}, then for a
     * high-order request a free block of at least that order on a MIGRATE_PCPTYPES list (or HIGHATOMIC for
     * ALLOC_HARDER/ALLOC_OOM).
     */
    public boolean zoneWatermarkOk(int z, int order, long mark, int highestKz, int flags, long freePages) {
        if (!Watermarks.order0Ok(freePages, order, mark, lowmem[z][highestKz], flags, unusableHighatomic(z),
                version.allocReserveFlags())) {
            return false;
        }
        if (order == 0) {
            return true;
        }
        boolean harder = (flags & ((version.allocReserveFlags() ? ALLOC_HIGHATOMIC : ALLOC_HARDER) | ALLOC_OOM)) != 0;
        for (int o = order; o <= maxOrder; o++) {
            for (int mt = 0; mt < MIGRATE_PCPTYPES; mt++) {
                if (m.freeListLength(z, o, mt) > 0) {
                    return true;
                }
            }
            if (harder && m.freeListLength(z, o, MIGRATE_HIGHATOMIC) > 0) {
                return true;
            }
        }
        return false;
    }

    /** rmqueue() (mm/page_alloc.c, 6.1): per-CPU list for pcp_allowed_order(), else rmqueue_buddy(). */
    long rmqueue(int z, int order, int mt, int flags, int cpu) {
        long p = -1;
        if (ks.pcpAllowedOrder(order) && (version.pcpHighOrders() || order == 0)) {
            p = rmqueuePcplist(z, order, mt, flags, cpu);
        }
        if (p < 0) {
            // rmqueue_buddy()
            boolean highatomic = version.allocReserveFlags() ? (flags & ALLOC_HIGHATOMIC) != 0
                    : order > 0 && (flags & ALLOC_HARDER) != 0;
            if (highatomic) {
                p = m.rmqueueSmallest(z, order, MIGRATE_HIGHATOMIC);
            }
            if (p < 0) {
                p = rmqueueMain(z, order, mt, flags);
                // 6.1 stable / 6.3+: a failed request of an OOM victim or a non-blocking caller may use HIGHATOMIC
                if (p < 0 && version.allocReserveFlags() && (flags & (ALLOC_OOM | ALLOC_NON_BLOCK)) != 0) {
                    p = m.rmqueueSmallest(z, order, MIGRATE_HIGHATOMIC);
                }
            }
        }
        // 6.10+: only an allocation that may wake kswapd (ALLOC_KSWAPD) does it for ZONE_BOOSTED_WATERMARK
        if (boostedFlag[z] && (!version.boostedWakeNeedsKswapd() || (flags & ALLOC_KSWAPD) != 0)) {
            boostedFlag[z] = false;
            wakeupKswapd(z, 0, 0, kzone[z]);
        }
        return p;
    }

    /** rmqueue_pcplist() + __rmqueue_pcplist() (mm/page_alloc.c, 6.1): refill with rmqueue_bulk() when empty. */
    long rmqueuePcplist(int z, int order, int mt, int flags, int cpu) {
        ensureCpu(cpu);
        int pindex = ks.orderToPindex(mt, order);
        freeFactor[z][cpu] >>= 1;
        if (tuned != null) {
            tuned[z][cpu].freeCount >>= 1; // 6.7+: "on allocation, reduce the number of pages that are batch freed"
        }
        long p = m.pcpHeadPfn(z, cpu, pindex);
        if (p < 0) {
            int batch = pcpBatch[z][cpu];
            if (tuned != null) {
                batch = tuned[z][cpu].nrPcpAlloc(pcpCount[z][cpu], order, belowHigh[z]); // nr_pcp_alloc(), 6.7+
                pcpHigh[z][cpu] = tuned[z][cpu].high;
            } else if (version.pcpHighOrders() && batch > 1) {
                batch = Math.max(batch >> order, 2);
            }
            rmqueueBulk(z, order, batch, cpu, pindex, mt, flags);
            p = m.pcpHeadPfn(z, cpu, pindex);
            if (p < 0) {
                return -1;
            }
        }
        m.pcpDel(p);
        pcpCount[z][cpu] -= 1L << order;
        return p;
    }

    /**
     * rmqueue_bulk() (mm/page_alloc.c, 6.1): up to count blocks from __rmqueue() to the tail of the pcp list; 6.12
     * stable passes __rmqueue() one enum rmqueue_mode for the whole batch.
     */
    void rmqueueBulk(int z, int order, int count, int cpu, int pindex, int mt, int flags) {
        rmqm = RMQUEUE_NORMAL;
        for (int i = 0; i < count; i++) {
            long p = version.claimSteal() ? rmqueueModes(z, order, mt, flags) : rmqueueMain(z, order, mt, flags);
            if (p < 0) {
                break;
            }
            m.pcpAdd(z, cpu, p, order, pindex, true);
            pcpMt[(int) (p - base)] = (byte) mt;
            pcpCount[z][cpu] += 1L << order;
        }
        stats.pcpRefills++;
    }

    /**
     * __rmqueue() (mm/page_alloc.c, 4.13-6.11): __rmqueue_smallest, else steal with __rmqueue_fallback and retry; one
     * call of the 6.12-stable form ({@link #rmqueueModes}) with a fresh mode otherwise.
     */
    long rmqueueMain(int z, int order, int mt, int flags) {
        if (version.claimSteal()) {
            rmqm = RMQUEUE_NORMAL;
            return rmqueueModes(z, order, mt, flags);
        }
        while (true) {
            long p = rmqueueSmallest(z, order, mt);
            if (p >= 0) {
                return p;
            }
            if (!version.retryAfterSteal()) {
                return rmqueueFallback44(z, order, mt);
            }
            if (!rmqueueFallback(z, order, mt, flags)) {
                return -1;
            }
        }
    }

    private long rmqueueSmallest(int z, int order, int mt) {
        return regionsOn ? rmqueueSmallestRegion(z, order, mt) : m.rmqueueSmallest(z, order, mt);
    }

    /**
     * __rmqueue() (mm/page_alloc.c, 6.12 stable, 6.15+): the request's own lists, then __rmqueue_claim(), then (not
     * under ALLOC_NOFRAGMENT) __rmqueue_steal(), starting at the step {@link #rmqm} says: a batch whose page came
     * from a steal goes on stealing, a claim (which refilled the request's lists) goes back to normal.
     */
    long rmqueueModes(int z, int order, int mt, int flags) {
        long p;
        if (rmqm == RMQUEUE_NORMAL) {
            p = rmqueueSmallest(z, order, mt);
            if (p >= 0) {
                return p;
            }
        }
        if (rmqm != RMQUEUE_STEAL) {
            p = rmqueueClaim(z, order, mt, flags);
            if (p >= 0) {
                rmqm = RMQUEUE_NORMAL;
                return p;
            }
        }
        if ((flags & ALLOC_NOFRAGMENT) != 0) {
            return -1;
        }
        p = rmqueueSteal(z, order, mt);
        if (p >= 0) {
            rmqm = RMQUEUE_STEAL;
        }
        return p;
    }

    /**
     * __rmqueue_claim() (mm/page_alloc.c, 6.12 stable, 6.15+): from the largest order down (to pageblock_order
     * under ALLOC_NOFRAGMENT), the first fallback list's head block goes to try_to_steal_block(); the search stops
     * at the first order whose fallback cannot be stolen (can_steal_fallback()) and goes on below a refused claim.
     */
    long rmqueueClaim(int z, int order, int startMt, int flags) {
        int minOrder = order < pb && (flags & ALLOC_NOFRAGMENT) != 0 ? pb : order;
        for (int co = maxOrder; co >= minOrder; co--) {
            int fb = findSuitableFallback(z, co, startMt, false);
            if (fb == -1) {
                continue;
            }
            if (!canSteal) {
                break;
            }
            stealFlags = flags;
            long p = StealFallback.tryToStealBlock(m, z, m.freeListHeadPfn(z, co, fb), co, order, startMt, this);
            if (p >= 0) {
                stats.fallbacks++;
                stats.fallbacksChangedOwnership++;
                return p;
            }
        }
        return -1;
    }

    /**
     * __rmqueue_steal() (mm/page_alloc.c, 6.12 stable, 6.15+): from the request's order up, the first fallback
     * list's head block is split on its own type's lists (page_del_and_expand()); the pageblock keeps its owner.
     */
    long rmqueueSteal(int z, int order, int startMt) {
        for (int co = order; co <= maxOrder; co++) {
            int fb = findSuitableFallback(z, co, startMt, false);
            if (fb == -1) {
                continue;
            }
            long p = m.freeListHeadPfn(z, co, fb);
            StealFallback.stealPage(m, z, p, order, co, fb);
            stats.fallbacks++;
            return p;
        }
        return -1;
    }

    /**
     * find_suitable_fallback() (mm/page_alloc.c, 4.4-6.14): the first fallbacks[mt] list of this order that is not
     * empty; sets {@link #canSteal} from can_steal_fallback(). -1 if none (or none stealable when onlyStealable).
     */
    int findSuitableFallback(int z, int order, int mt, boolean onlyStealable) {
        canSteal = false;
        if (mt >= FALLBACKS.length || m.nrFree(z, order) == 0) {
            return -1;
        }
        for (int fb : FALLBACKS[mt]) {
            if (m.freeListLength(z, order, fb) == 0) {
                continue;
            }
            if (ks.canStealFallback(order, mt)) {
                canSteal = true;
            }
            if (!onlyStealable || canSteal) {
                return fb;
            }
        }
        return -1;
    }

    /**
     * __rmqueue_fallback() (mm/page_alloc.c, 4.13-6.14): search from the largest order down for a fallback list
     * (down to pageblock_order under ALLOC_NOFRAGMENT); a movable request that cannot steal the whole block takes
     * the smallest fallback page instead (find_smallest); steal_suitable_fallback() moves it to our list.
     */
    boolean rmqueueFallback(int z, int order, int startMt, int flags) {
        int minOrder = order;
        if ((flags & ALLOC_NOFRAGMENT) != 0) {
            minOrder = pb;
        }
        int co;
        int fb = -1;
        boolean found = false;
        for (co = maxOrder; co >= minOrder; co--) {
            fb = findSuitableFallback(z, co, startMt, false);
            if (fb == -1) {
                continue;
            }
            if (version.fallbackToSmallest() && !canSteal && startMt == MIGRATE_MOVABLE && co > order) {
                fb = -1;
                for (co = order; co <= maxOrder; co++) {
                    fb = findSuitableFallback(z, co, startMt, false);
                    if (fb != -1) {
                        break;
                    }
                }
            }
            found = fb != -1;
            break;
        }
        if (!found) {
            return false;
        }
        long p = m.freeListHeadPfn(z, co, fb);
        stealSuitableFallback(z, p, co, flags, startMt, canSteal);
        stats.fallbacks++;
        return true;
    }

    /**
     * __rmqueue_fallback() of 4.4-4.12: the largest fallback page, stolen (move_freepages_block, claim when half the
     * block moved) when can_steal, then split with expand() onto the requested type's list.
     */
    long rmqueueFallback44(int z, int order, int startMt) {
        for (int co = maxOrder; co >= order; co--) {
            int fb = findSuitableFallback(z, co, startMt, false);
            if (fb == -1) {
                continue;
            }
            long p = m.freeListHeadPfn(z, co, fb);
            if (canSteal) {
                if (co >= pb) {
                    m.changePageblockRange(p, co, startMt);
                    stats.fallbacksChangedOwnership++;
                } else {
                    int moved = m.moveFreepagesBlock(z, p, startMt);
                    if (moved >= 1 << (pb - 1)) {
                        m.setPageblockMigratetype(p, startMt);
                        stats.fallbacksChangedOwnership++;
                    }
                }
            }
            m.delPageFromFreeList(p);
            m.expand(z, p, order, co, startMt);
            stats.fallbacks++;
            return p;
        }
        return -1;
    }

    /** steal_suitable_fallback() (mm/page_alloc.c): BuddyModel's, with this allocation's boost and claim rule. */
    void stealSuitableFallback(int z, long p, int co, int flags, int startMt, boolean wholeBlock) {
        stealFlags = flags;
        int r = StealFallback.stealSuitableFallback(m, z, p, co, startMt, wholeBlock, this);
        if (r == StealFallback.STEAL_BLOCK_RANGE || r == StealFallback.STEAL_CLAIMED) {
            stats.fallbacksChangedOwnership++;
        }
    }

    /** boost_watermark() (mm/page_alloc.c, 5.0+) and ZONE_BOOSTED_WATERMARK when the allocation may wake kswapd. */
    @Override
    public void boostWatermark(int z) {
        if (!version.watermarkBoost()) {
            return;
        }
        long nb = Watermarks.boostWatermark(boost[z], wmark[z][WMARK_HIGH], zones[z].managed,
                cfg.watermarkBoostFactor(), pb);
        if (nb >= 0) {
            boost[z] = nb;
            stats.boosts++;
            if ((stealFlags & ALLOC_KSWAPD) != 0) {
                boostedFlag[z] = true;
            }
        }
    }

    /**
     * steal_suitable_fallback()'s claim (mm/page_alloc.c): free + alike pages of at least half a pageblock; alike
     * are the movable pages for a movable request, the non-free non-movable pages of a movable block otherwise
     * (4.12+; before, free pages only).
     */
    @Override
    public boolean claimBlock(long p, int free, int oldType, int startMt) {
        long movable = countMovable(p & -pbPages);
        long alike;
        if (!version.alikeSteal()) {
            alike = 0;
        } else if (startMt == MIGRATE_MOVABLE) {
            alike = movable;
        } else if (oldType == MIGRATE_MOVABLE) {
            alike = pbPages - (free + movable);
        } else {
            alike = 0;
        }
        return free + alike >= 1L << (pb - 1);
    }

    /** move_freepages()' num_movable: allocated pages of the block that are movable (PageLRU). */
    long countMovable(long blockStart) {
        long c = 0;
        int r0 = (int) (blockStart - base);
        for (int r = r0; r < r0 + pbPages && r < n; r++) {
            if ((amt[r] & 0x0f) == MIGRATE_MOVABLE && amt[r] != FREE
                    && ((amt[r] & NONLRU_BIT) == 0 || cfg.movableNonLru())) { // PageLRU || __PageMovable
                c++;
            }
        }
        return c;
    }

    // ------------------------------------------------------------------ implemented by the layers above

    abstract void wakeAllKswapds(int order, long gfp, int highestKz);

    abstract long allocPagesDirectCompact(int order, long gfp, int flags, int mt, int highestKz, int prio, int cpu);

    abstract long rmqueueSmallestRegion(int z, int order, int mt);
}
