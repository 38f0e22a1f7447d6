package io.fragtrace.replay.model;

import java.util.BitSet;

import static io.fragtrace.replay.model.BuddyModel.KIND_BUDDY;
import static io.fragtrace.replay.model.KernelSemantics.MIGRATE_MOVABLE;
import static io.fragtrace.replay.model.KernelSemantics.PAGE_ALLOC_COSTLY_ORDER;

/**
 * mm/compaction.c on a {@link BuddyModel}, once for both drivers: the zone's compaction state (cached scanner
 * positions, compact_init_free_pfn, PB_migrate_skip bits, compact_blockskip_flush), __compact_finished(),
 * compaction_suitable() and compaction_capture()'s task test; the two scanners are {@link #migrate}
 * ({@link CompactionMigrateScanner}) and {@link #free} ({@link CompactionFreeScanner}).
 * Observed mode passes what the trace says (the traced block, the traced range and counts); simulate mode lets the
 * same rules decide. What a page is beyond the buddy allocator's view (compound, movable) comes from the driver's
 * {@link Pages}.
 */
public final class Compaction {
    /** COMPACT_CLUSTER_MAX = SWAP_CLUSTER_MAX (include/linux/swap.h). */
    public static final int COMPACT_CLUSTER_MAX = 32;

    /** What the driver knows about an allocated page (the buddy model only knows free blocks). */
    public interface Pages {
        /** PageCompound(page) ? compound_order(page) : -1, for a pfn that is not a free buddy block. */
        int compoundOrder(long pfn);

        /** Order of the allocated block headed at pfn (a non-compound high-order page is stepped over), else -1. */
        default int allocatedOrder(long pfn) {
            return compoundOrder(pfn);
        }

        /** An allocated order-0 page isolate_migratepages_block() can isolate (on the LRU, movable). */
        default boolean migratable(long pfn) {
            return false;
        }

        /** PageLRU(page) for an allocated page (what __reset_isolation_pfn() samples for the migration scanner). */
        default boolean lru(long pfn) {
            return false;
        }
    }

    /** __isolate_free_page()'s watermark test (order-0 at min + 2^order, ALLOC_CMA), answered by page_alloc. */
    public interface IsolateCheck {
        boolean ok(int z, int order);
    }

    /** The zone watermark tests compaction_suitable() uses, answered by page_alloc. */
    public interface Watermarks {
        /** __zone_watermark_ok(zone, order, mark of allocFlags + boost, highestKz, allocFlags, free). */
        boolean orderOk(int z, int order, int allocFlags, int highestKz);

        /** __zone_watermark_ok(zone, 0, (low or min) + boost + gap, highestKz, ALLOC_CMA, free). */
        boolean order0Ok(int z, boolean lowMark, long gap, int highestKz);

        /** find_suitable_fallback(area, order, mt, true) != -1 (mm/page_alloc.c). */
        boolean stealableFallback(int z, int order, int mt);
    }

    /** Observed mode: the trace's counts already reflect __isolate_free_page()'s watermark test. */
    public static final IsolateCheck TRACE_ISOLATES = (z, order) -> true;

    private final BuddyModel m;
    private final int pb;
    private final long pbPages;
    private final long base;

    // struct zone's compaction fields, per model zone
    /** zone->compact_cached_migrate_pfn[async, sync]. */
    public final long[][] cachedMigratePfn;
    /** zone->compact_cached_free_pfn. */
    public final long[] cachedFreePfn;
    /** zone->compact_init_free_pfn: 0 from boot, as struct zone starts zeroed (see {@link #initFreePfn}). */
    private final long[] initFreePfn;
    /** zone->compact_blockskip_flush. */
    public final boolean[] blockskipFlush;
    /** PB_migrate_skip of every pageblock (simulate mode; untraced in observed mode). */
    private final BitSet skip;


    /** The migration scanner (isolate_migratepages() and its helpers). */
    public final CompactionMigrateScanner migrate;
    /** The free scanner (isolate_freepages(), fast_isolate_freepages() and their helpers). */
    public final CompactionFreeScanner free;

    public Compaction(BuddyModel m) {
        this.m = m;
        this.pb = m.pageblockOrder();
        this.pbPages = 1L << pb;
        this.base = m.basePfn();
        int nz = m.zoneCount();
        cachedMigratePfn = new long[nz][2];
        cachedFreePfn = new long[nz];
        initFreePfn = new long[nz];
        blockskipFlush = new boolean[nz];
        skip = new BitSet((int) ((m.endPfn() - base) >> pb) + 1);
        for (int z = 0; z < nz; z++) {
            resetCachedPositions(z);
        }
        migrate = new CompactionMigrateScanner(this, m);
        free = new CompactionFreeScanner(this, m);
    }

    // ------------------------------------------------------------------ zone state

    /** pageblock_start_pfn() (include/linux/pageblock-flags.h). */
    public long pageblockStart(long pfn) {
        return pfn & -pbPages;
    }

    /** pageblock_end_pfn() (include/linux/pageblock-flags.h; block_end_pfn() of mm/compaction.c before 6.3). */
    public long pageblockEndPfn(long pfn) {
        return (pfn + 1 + pbPages - 1) & -pbPages;
    }

    /** reset_cached_positions() (mm/compaction.c). */
    public void resetCachedPositions(int z) {
        Zone zone = m.zone(z);
        cachedMigratePfn[z][0] = zone.start;
        cachedMigratePfn[z][1] = zone.start;
        cachedFreePfn[z] = pageblockStart(zone.end - 1);
    }

    /**
     * __reset_isolation_suitable() (mm/compaction.c, 5.1-6.12): only after a full compaction flagged the zone
     * (compact_blockskip_flush); walks pageblocks from both ends until they meet, the migration side from the zone
     * start, the free side from zone_end_pfn - 1 (not pageblock-aligned); {@link #resetIsolationPfn} clears a skip
     * bit only where a sample shows an LRU page (source) or a free page (target). The lowest source block becomes
     * compact_cached_migrate_pfn[], the highest target pfn compact_cached_free_pfn and compact_init_free_pfn; with no
     * distance left the cached positions are where the walk stopped.
     */
    public void resetIsolationSuitable(int z, Pages pages) {
        if (!blockskipFlush[z]) {
            return;
        }
        blockskipFlush[z] = false;
        Zone zone = m.zone(z);
        long migratePfn = zone.start;
        long freePfn = zone.end - 1;
        long resetMigrate = freePfn;
        long resetFree = migratePfn;
        boolean sourceSet = false;
        boolean freeSet = false;
        for (; migratePfn < freePfn; migratePfn += pbPages, freePfn -= pbPages) {
            if (resetIsolationPfn(z, migratePfn, true, sourceSet, pages) && migratePfn < resetMigrate) {
                sourceSet = true;
                resetMigrate = migratePfn;
                cachedMigratePfn[z][0] = resetMigrate;
                cachedMigratePfn[z][1] = resetMigrate;
            }
            if (resetIsolationPfn(z, freePfn, freeSet, true, pages) && freePfn > resetFree) {
                freeSet = true;
                resetFree = freePfn;
                initFreePfn[z] = resetFree;
                cachedFreePfn[z] = resetFree;
            }
        }
        if (resetMigrate >= resetFree) {
            cachedMigratePfn[z][0] = migratePfn;
            cachedMigratePfn[z][1] = migratePfn;
            cachedFreePfn[z] = freePfn;
        }
    }

    /** The sampling step of __reset_isolation_pfn(): every 1 << PAGE_ALLOC_COSTLY_ORDER pages. */
    private static final int RESET_SAMPLE = 1 << PAGE_ALLOC_COSTLY_ORDER;

    /**
     * __reset_isolation_pfn() (mm/compaction.c, 5.1-6.12): false for a block under a compound page of pageblock
     * order or more (pageblock_skip_persistent()); true at once when both scanners' checks apply and the block is not
     * skip-marked; a target-only check rejects a non-MOVABLE block; else the block (clipped to the zone) is sampled
     * every 8 pages from its start and the skip bit cleared at the first LRU page (source) or free page (target).
     */
    boolean resetIsolationPfn(int z, long pfn, boolean checkSource, boolean checkTarget, Pages pages) {
        Zone zone = m.zone(z);
        // a compound page of pageblock order or more is aligned to its order: its head is pfn rounded down to it
        for (int o = pb; o < m.nrOrders(); o++) {
            long head = pfn & -(1L << o);
            if (m.kind(head) != KIND_BUDDY && pages.compoundOrder(head) >= o) {
                return false;
            }
        }
        if (checkSource && checkTarget && !pageblockSkip(pfn)) {
            return true;
        }
        if (!checkSource && checkTarget && m.pageblockMigratetype(pfn) != MIGRATE_MOVABLE) {
            return false;
        }
        long start = Math.max(pageblockStart(pfn), zone.start);
        long end = Math.min(pageblockStart(pfn) + pbPages - 1, zone.end - 1);
        for (long p = start; p <= end; p += RESET_SAMPLE) {
            if (checkSource && m.kind(p) != KIND_BUDDY && pages.lru(p)) {
                skip.clear(blockIndex(p));
                return true;
            }
            if (checkTarget && m.kind(p) == KIND_BUDDY) {
                skip.clear(blockIndex(p));
                return true;
            }
        }
        return false;
    }

    /**
     * zone->compact_init_free_pfn: 0 (struct zone starts zeroed) until __reset_isolation_suitable() sets it to the
     * highest pfn it found with a free page, so until then every fast_isolate_freepages() is a "scan start".
     */
    public long initFreePfn(int z) {
        return initFreePfn[z];
    }

    /** What the trace revealed of zone->compact_init_free_pfn (observed mode). */
    public void setInitFreePfn(int z, long pfn) {
        initFreePfn[z] = pfn;
    }

    private int blockIndex(long pfn) {
        return (int) ((pfn - base) >> pb);
    }

    /** get_pageblock_skip() (mm/compaction.c). */
    public boolean pageblockSkip(long pfn) {
        return skip.get(blockIndex(pfn));
    }

    /** set_pageblock_skip() (mm/compaction.c). */
    public void setPageblockSkip(long pfn) {
        skip.set(blockIndex(pfn));
    }

    /** isolation_suitable() (mm/compaction.c): the block is not skip-marked, or the pass ignores the hint. */
    public boolean isolationSuitable(CompactControl cc, long pfn) {
        return cc.ignoreSkipHint || !pageblockSkip(pfn);
    }

    /**
     * update_cached_migrate() (mm/compaction.c, 5.1-6.12): advance zone->compact_cached_migrate_pfn[sync] to
     * pageblock_end_pfn(pfn) = ALIGN(pfn + 1, pageblock_nr_pages). Its callers pass a block's END pfn (the scanned
     * block's low_pfn == end_pfn, isolate_migratepages()'s block_end_pfn), which is pageblock-aligned, so the cached
     * position lands one pageblock beyond the block just scanned: the next pass skips the block after it (the 6.1
     * trace's next mm_compaction_begin shows migrate_pfn = the previous end + pageblock_nr_pages).
     */
    public void updateCachedMigrate(CompactControl cc, long pfn) {
        if (cc.wholeZone && cc.ignoreSkipHint) {
            return;
        }
        pfn = pageblockEndPfn(pfn);
        if (pfn > cachedMigratePfn[cc.z][0]) {
            cachedMigratePfn[cc.z][0] = pfn;
        }
        if (!cc.async() && pfn > cachedMigratePfn[cc.z][1]) {
            cachedMigratePfn[cc.z][1] = pfn;
        }
    }

    /**
     * update_pageblock_skip(cc, page, block_start_pfn - pageblock_nr_pages) (mm/compaction.c), as isolate_freepages()
     * calls it after scanning a block to its end: the block is skip-marked and the cached free pfn is pulled down to
     * the block below it (where the free scanner continues).
     */
    public void updatePageblockSkipFree(CompactControl cc, long blockStart) {
        setPageblockSkip(blockStart);
        long next = blockStart - pbPages;
        if (next < cachedFreePfn[cc.z]) {
            cachedFreePfn[cc.z] = next;
        }
    }

    /**
     * compact_zone()'s end (mm/compaction.c, 6.1-6.12): release_freepages() (release_free_list() since 6.10) returns
     * the HIGHEST pfn of the unused targets it frees; the cached free pfn moves up to that pfn's pageblock ("Only go
     * back, not forward"), so the next pass's free scanner starts again where free pages were left.
     */
    public void releasedFreepages(int z, long highPfn) {
        long fp = pageblockStart(highPfn);
        if (fp > cachedFreePfn[z]) {
            cachedFreePfn[z] = fp;
        }
    }

    /** compact_scanners_met() (mm/compaction.c): the scanners are in the same pageblock or crossed. */
    public boolean scannersMet(CompactControl cc) {
        return (cc.freePfn >> pb) <= (cc.migratePfn >> pb);
    }

    // ------------------------------------------------------------------ compaction_suitable, __compact_finished

    /**
     * compaction_suitable() (mm/compaction.c): the order-0 watermark (low for costly orders, else min) plus
     * compact_gap() = 2 << order must hold (else SKIPPED); for costly orders a fragmentation index in
     * [0, extfrag_threshold] means the failure is lack of memory, not fragmentation: NOT_SUITABLE_ZONE. Until 6.3 the
     * function first answered SUCCESS when the order-N watermark held; 6.4 moved that test into its callers
     * (compact_zone(), kcompactd_node_suitable() via compaction_suit_allocation_order()), so the answer is the same
     * for both versions here and the callers do the SUCCESS test with {@link #allocationCanSucceed}.
     * Returns 0 = CONTINUE, 1 = SKIPPED, 2 = NOT_SUITABLE_ZONE.
     */
    public int compactionSuitable(int z, int order, int highestKz, int extfragThreshold, Watermarks w) {
        if (!w.order0Ok(z, order > PAGE_ALLOC_COSTLY_ORDER, compactGap(order), highestKz)) {
            return SUITABLE_SKIPPED;
        }
        if (order > PAGE_ALLOC_COSTLY_ORDER) {
            int fi = FragMetrics.fragmentationIndex(nrFree(z), order);
            if (fi >= 0 && fi <= extfragThreshold) {
                return SUITABLE_NOT_SUITABLE_ZONE;
            }
        }
        return SUITABLE_CONTINUE;
    }

    public static final int SUITABLE_CONTINUE = 0, SUITABLE_SKIPPED = 1, SUITABLE_NOT_SUITABLE_ZONE = 2;

    /** compact_gap() (mm/internal.h): 2 << order, the free pages migration targets need beyond the watermark. */
    public static long compactGap(int order) {
        return 2L << order;
    }

    /** The order-N watermark test compact_zone() starts with ("allocation can already succeed"). */
    public boolean allocationCanSucceed(CompactControl cc, Watermarks w) {
        return w.orderOk(cc.z, cc.order, cc.allocFlags, cc.highestKz);
    }

    /** __compact_finished() results (enum compact_result subset). */
    public static final int FIN_CONTINUE = 0, FIN_COMPLETE = 1, FIN_PARTIAL_SKIPPED = 2, FIN_SUCCESS = 3,
            FIN_NO_SUITABLE_PAGE = 4;

    /**
     * __compact_finished() (mm/compaction.c, 5.9-6.12): scanners met → reset the cached positions, flag the skip
     * bits for kswapd (direct only), COMPLETE for a whole-zone pass else PARTIAL_SKIPPED; a proactive pass →
     * PARTIAL_SKIPPED while kswapd runs, else CONTINUE while the zone's fragmentation score is above the low mark;
     * order -1 (compact_memory) → CONTINUE; an unfinished pageblock → CONTINUE; SUCCESS when a free page of the order
     * or above is on cc->migratetype's list or a stealable fallback exists; else NO_SUITABLE_PAGE.
     */
    public int compactFinished(CompactControl cc, boolean kswapdRunning, int proactiveLowMark, Watermarks w) {
        cc.finishedChecks++;
        int z = cc.z;
        if (scannersMet(cc)) {
            resetCachedPositions(z);
            if (cc.direct) {
                blockskipFlush[z] = true;
            }
            return cc.wholeZone ? FIN_COMPLETE : FIN_PARTIAL_SKIPPED;
        }
        if (cc.proactive) {
            if (kswapdRunning) {
                return FIN_PARTIAL_SKIPPED;
            }
            int score = FragMetrics.fragmentationScoreZone(nrFree(z));
            return score > proactiveLowMark ? FIN_CONTINUE : FIN_SUCCESS;
        }
        if (cc.order < 0) {
            return FIN_CONTINUE;
        }
        if ((cc.migratePfn & (pbPages - 1)) != 0) {
            return FIN_CONTINUE;
        }
        for (int o = cc.order; o < m.nrOrders(); o++) {
            if (m.freeListLength(z, o, cc.migratetype) > 0) {
                return FIN_SUCCESS;
            }
            if (w.stealableFallback(z, o, cc.migratetype)) {
                return FIN_SUCCESS;
            }
        }
        return FIN_NO_SUITABLE_PAGE;
    }

    /** zone->free_area[order].nr_free for every order (what fill_contig_page_info() reads, mm/vmstat.c). */
    public long[] nrFree(int z) {
        long[] a = new long[m.nrOrders()];
        for (int o = 0; o < a.length; o++) {
            a[o] = m.nrFree(z, o);
        }
        return a;
    }

    // ------------------------------------------------------------------ compaction_capture

    /**
     * compaction_capture()'s task side (mm/page_alloc.c, task_capc()): only a direct compaction (never kcompactd or
     * proactive: PF_KTHREAD) of a positive order in the zone of the free, that has not captured yet, takes a page;
     * returns the order it would capture, else -1. The free-list side is {@link BuddyModel#freeOnePage(int, long,
     * int, int, boolean, int)}.
     */
    public static int compactionCapture(CompactControl cc, int z) {
        return cc != null && cc.direct && cc.order > 0 && cc.capturedPfn < 0 && cc.z == z ? cc.order : -1;
    }

    /**
     * compaction_capture() (mm/page_alloc.c) once the order matches: never an isolated block; a movable block below
     * pageblock_order only when the compaction is for a movable request too (v6.12, {@link
     * KernelSemantics#captureMovableForMovable}; v6.1 never). ccMigratetype -1: not known, taken as not movable.
     */
    static boolean captureSuits(KernelSemantics ks, int order, int mt, int ccMigratetype) {
        if (mt == KernelSemantics.MIGRATE_ISOLATE) {
            return false;
        }
        return !(order < ks.pageblockOrder() && mt == KernelSemantics.MIGRATE_MOVABLE
                && !(ks.captureMovableForMovable() && ccMigratetype == KernelSemantics.MIGRATE_MOVABLE));
    }

    // ------------------------------------------------------------------ shared by both scanners

    /** freelist_scan_limit() (mm/compaction.c): (COMPACT_CLUSTER_MAX >> fast_search_fail) + 1. */
    public static int freelistScanLimit(CompactControl cc) {
        return (COMPACT_CLUSTER_MAX >> Math.min(31, cc.fastSearchFail)) + 1;
    }
}
