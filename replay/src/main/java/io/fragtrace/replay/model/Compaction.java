package io.fragtrace.replay.model;

import java.util.Arrays;
import java.util.BitSet;

import static io.fragtrace.replay.model.BuddyModel.KIND_BUDDY;
import static io.fragtrace.replay.model.KernelSemantics.MIGRATE_MOVABLE;
import static io.fragtrace.replay.model.KernelSemantics.PAGE_ALLOC_COSTLY_ORDER;

/**
 * mm/compaction.c on a {@link BuddyModel}, once for both drivers: the zone's compaction state (cached scanner
 * positions, compact_init_free_pfn, PB_migrate_skip bits, compact_blockskip_flush), the free scanner
 * (isolate_freepages(), isolate_freepages_block() with its stride, fast_isolate_freepages(), fast_isolate_around()),
 * the migration scanner's block choice (fast_find_migrateblock(), isolate_migratepages() and
 * isolate_migratepages_block()), __compact_finished(), compaction_suitable() and compaction_capture()'s task test.
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
    private final KernelSemantics ks;
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

    /** The free blocks the last free-scanner call isolated (cc->freepages as {pfn, order}), in isolation order. */
    private long[] isoPfn = new long[64];
    private int[] isoOrder = new int[64];
    private int isoN;
    /** nr_scanned of the last {@link #isolateFreepagesBlock} call. */
    private long blockScanned;

    public Compaction(BuddyModel m) {
        this.m = m;
        this.ks = m.ks;
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

    // ------------------------------------------------------------------ the migration scanner

    /** freelist_scan_limit() (mm/compaction.c): (COMPACT_CLUSTER_MAX >> fast_search_fail) + 1. */
    public static int freelistScanLimit(CompactControl cc) {
        return (COMPACT_CLUSTER_MAX >> Math.min(31, cc.fastSearchFail)) + 1;
    }

    /** tracedBlock of {@link #fastFindMigrateblock}: the trace shows the search found no block. */
    public static final long NO_BLOCK = -2;

    /**
     * fast_find_migrateblock() (mm/compaction.c, 6.1-6.12; untraced): at the start of a migration-scanner pageblock,
     * for orders cc->order-1 .. PAGE_ALLOC_COSTLY_ORDER scan free_list[MIGRATE_MOVABLE] from the head for a free page
     * below high_pfn whose pageblock is not skip-marked; move_freelist_tail() it (and the entries before it), or the
     * entry where the scan limit ran out. Observed mode passes tracedBlock, the pageblock the scanner then started
     * in (the traced range's start): the skip bits are not traced, so candidates before it count as skip-marked.
     * Simulate mode passes -1 and the skip bits decide; {@link #NO_BLOCK}: the trace shows the search failed, every
     * candidate counts as skip-marked. Returns the pfn the migration scanner starts from.
     */
    public long fastFindMigrateblock(CompactControl cc, long tracedBlock) {
        long pfn = cc.migratePfn;
        Zone zone = m.zone(cc.z);
        long pbMask = -pbPages;
        if (cc.ignoreSkipHint || cc.finishPageblock) {
            return pfn;
        }
        if (pfn != zone.start && pfn != (pfn & pbMask)) {
            return pfn;
        }
        if (cc.order <= PAGE_ALLOC_COSTLY_ORDER) {
            return pfn;
        }
        if (cc.direct && cc.migratetype != MIGRATE_MOVABLE) {
            return pfn;
        }
        int limit = freelistScanLimit(cc);
        long distance = (cc.freePfn - pfn) >> 1;
        if (pfn != zone.start) {
            distance >>= 2;
        }
        long highPfn = (pfn + distance) & pbMask;
        long target = tracedBlock >= 0 ? Math.max(tracedBlock & pbMask, zone.start) : tracedBlock;
        int nrScanned = 0;
        boolean found = false;
        for (int order = cc.order - 1; order >= PAGE_ALLOC_COSTLY_ORDER && !found && nrScanned < limit; order--) {
            if (m.nrFree(cc.z, order) == 0) {
                continue;
            }
            for (long fp = m.freeListHeadPfn(cc.z, order, MIGRATE_MOVABLE); fp >= 0; fp = m.listNextPfn(fp)) {
                if (nrScanned++ >= limit) {
                    moveFreelistTail(fp);
                    break;
                }
                if (fp >= highPfn) {
                    continue;
                }
                boolean skipped = target >= 0 ? Math.max(fp & pbMask, zone.start) != target
                        : target == NO_BLOCK || pageblockSkip(fp);
                if (skipped) {
                    continue;
                }
                moveFreelistTail(fp);
                if (cc.fastStartPfn != Long.MAX_VALUE) {
                    cc.fastStartPfn = cc.fastStartPfn == 0 ? fp : Math.min(cc.fastStartPfn, fp);
                }
                pfn = Math.max(fp & pbMask, zone.start);
                found = true;
                break;
            }
        }
        cc.migrateScanned += nrScanned;
        if (found) {
            cc.fastSearchFail = 0;
        } else {
            cc.fastSearchFail++;
            pfn = reinitMigratePfn(cc);
        }
        return pfn;
    }

    /** reinit_migrate_pfn() (mm/compaction.c): after a failed fast search, restart at the lowest candidate seen. */
    private static long reinitMigratePfn(CompactControl cc) {
        if (cc.fastStartPfn == 0 || cc.fastStartPfn == Long.MAX_VALUE) {
            return cc.migratePfn;
        }
        cc.migratePfn = cc.fastStartPfn;
        cc.fastStartPfn = Long.MAX_VALUE;
        return cc.migratePfn;
    }

    /**
     * move_freelist_tail() (mm/compaction.c): the entries up to and including freepage go to the tail, in order: a
     * rotation that makes the entry after freepage the head (O(1), as the kernel's list_cut_position + splice). Its
     * guard, {@code !list_is_first(freelist, &freepage->lru)} (6.1; {@code !list_is_last(&freepage->buddy_list,
     * freelist)} since 6.6, the same test), is true unless freepage is the last entry, where the move changes nothing.
     */
    public void moveFreelistTail(long freepage) {
        long next = m.listNextPfn(freepage);
        if (next >= 0) {
            m.rotateToFront(next);
        }
    }

    /**
     * move_freelist_head() (mm/compaction.c): the entries before freepage go to the tail, in order: a rotation that
     * makes freepage the head. A search that ran off the list's end (freepage the list head itself) moves nothing.
     */
    public void moveFreelistHead(long freepage) {
        if (freepage >= 0) {
            m.rotateToFront(freepage);
        }
    }

    /**
     * suitable_migration_source() (mm/compaction.c, 6.1): not a block headed by a pageblock-or-larger compound page;
     * async direct compaction only scans blocks of the request's migratetype (movable: MOVABLE or CMA).
     */
    public boolean suitableMigrationSource(CompactControl cc, long blockStart, Pages pages) {
        if (m.kind(blockStart) != KIND_BUDDY && pages.compoundOrder(blockStart) >= pb) {
            return false;
        }
        if (!cc.async() || !cc.direct) {
            return true;
        }
        return m.pageblockMigratetype(blockStart) == cc.migratetype;
    }

    /**
     * isolate_migratepages() (mm/compaction.c, 6.1-6.12): fast_find_migrateblock(), then from there the next
     * pageblock below the free scanner that isolation_suitable() (unless the fast search chose it) and
     * suitable_migration_source() accept; isolate_migratepages_block() on it, one block per call. The isolated pfns
     * are in list[0 .. cc.nrMigratepages). Simulate mode.
     */
    public void isolateMigratepages(CompactControl cc, long[] list, Pages pages) {
        Zone zone = m.zone(cc.z);
        long low = fastFindMigrateblock(cc, -1);
        long blockStart = Math.max(pageblockStart(low), zone.start);
        boolean fastFindBlock = low != cc.migratePfn && cc.fastSearchFail == 0;
        long blockEnd = pageblockStart(low) + pbPages;
        cc.nrMigratepages = 0;
        for (; blockEnd <= cc.freePfn; fastFindBlock = false, cc.migratePfn = low = blockEnd, blockStart = blockEnd,
                blockEnd += pbPages) {
            long end = Math.min(blockEnd, zone.end);
            if ((low == pageblockStart(low) || low == zone.start) && !fastFindBlock && !isolationSuitable(cc, blockStart)) {
                continue;
            }
            if (!suitableMigrationSource(cc, blockStart, pages)) {
                updateCachedMigrate(cc, blockEnd);
                continue;
            }
            low = isolateMigratepagesBlock(cc, low, end, blockStart, list, pages);
            cc.migratePfn = low;
            return;
        }
    }

    /**
     * isolate_migratepages_block() (mm/compaction.c, 6.1): free buddy blocks are stepped over; allocated order-0
     * movable pages are isolated, up to COMPACT_CLUSTER_MAX; anything else fails (compound pages stepped over whole).
     * Async direct compaction gives up an order-aligned chunk at its first failure (skip_on_failure) and puts back
     * what it isolated. The skip bit: 6.5+ test_and_set_skip(cc, valid_page) when the first LRU page is isolated
     * (the lru lock is first taken, skip_updated) marks a block whose scan started at its start ({@link
     * KernelSemantics#skipFromValidPage}). A block scanned to its end with nothing isolated in this call, or in a
     * rescan (cc->rescan, cc->finish_pageblock from 6.3), is skip-marked unless skip_updated, and
     * update_cached_migrate() moves the cached migrate pfn past it. Not modelled: 6.1.y marks at the first LRU
     * isolation only when that page is the block's first pfn and fast_find_migrateblock() marks the block it found
     * (7efc3b726103 reverted in 6.1 stable; without both, the first rule alone re-finds a block whose scan kept
     * nothing forever, the 6.1.0 compaction stalls), so before 6.5 the block-end mark stands in for both.
     * Version difference not modelled:
     * since 6.9 (skip_isolation_on_order()) compound pages smaller than cc->order are migrated too. Returns the pfn
     * reached.
     */
    public long isolateMigratepagesBlock(CompactControl cc, long low, long end, long blockStart, long[] list,
                                         Pages pages) {
        boolean skipOnFailure = cc.direct && cc.async() && cc.order > 0;
        long chunk = skipOnFailure ? 1L << cc.order : 0;
        long nextSkip = skipOnFailure ? ((low + chunk) & -chunk) : end;
        long pfn = low;
        int n = (int) cc.nrMigratepages;
        int nrIsolated = 0;
        // valid_page: the scan starts at the block's start (or the zone's first pfn), where "Check if the pageblock
        // has already been marked skipped" aborts a skip-marked block at once
        boolean validPage = low == blockStart;
        if (validPage && !isolationSuitable(cc, blockStart)) {
            cc.migrateScanned++;
            updateCachedMigrate(cc, end); // low_pfn = end_pfn, nothing isolated
            return end;
        }
        boolean skipUpdated = false;
        for (; pfn < end; pfn++) {
            if (skipOnFailure && pfn >= nextSkip) {
                if (n > 0) {
                    break;
                }
                nextSkip = (pfn + chunk) & -chunk;
            }
            cc.migrateScanned++;
            if (m.kind(pfn) == KIND_BUDDY) {
                pfn += (1L << m.orderAt(pfn)) - 1;
                continue;
            }
            if (pages.migratable(pfn)) {
                if (!skipUpdated && pages.lru(pfn) && ks.skipFromValidPage()) {
                    // "Try get exclusive access under lock" (6.5+): test_and_set_skip(cc, valid_page) as the lru lock
                    // is first taken; the block passed isolation_suitable() at its start, so nothing aborts
                    skipUpdated = true;
                    if (validPage && !cc.ignoreSkipHint) {
                        setPageblockSkip(blockStart);
                    }
                }
                list[n++] = pfn;
                nrIsolated++;
                cc.migrateIsolated++;
                if (n == COMPACT_CLUSTER_MAX) {
                    pfn++;
                    break;
                }
                continue;
            }
            int ao = pages.allocatedOrder(pfn);
            if (ao > 0) {
                pfn += (1L << ao) - 1;
            }
            // isolate_fail
            if (!skipOnFailure) {
                continue;
            }
            if (n > 0) {
                cc.migrateIsolated -= n;
                nrIsolated -= n;
                n = 0;
            }
            if (pfn < nextSkip) {
                pfn = nextSkip - 1;
                nextSkip += chunk;
            }
        }
        cc.nrMigratepages = n;
        if (pfn > end) {
            pfn = end;
        }
        // a block scanned to its end that keeps nothing isolated (what async put back counts as nothing), or rescanned
        if (pfn >= end && (nrIsolated == 0 || cc.rescan)) {
            if (validPage && !skipUpdated) {
                setPageblockSkip(blockStart);
            }
            updateCachedMigrate(cc, pfn);
        }
        return pfn;
    }

    // ------------------------------------------------------------------ the free scanner

    /** Free blocks the last free-scanner call isolated. */
    public int isolatedBlocks() {
        return isoN;
    }

    public long isolatedPfn(int i) {
        return isoPfn[i];
    }

    public int isolatedOrder(int i) {
        return isoOrder[i];
    }

    /** Forget the isolated blocks (the driver took them). */
    public void clearIsolated() {
        isoN = 0;
    }

    /** nr_scanned of the last isolate_freepages_block() call. */
    public long lastBlockScanned() {
        return blockScanned;
    }

    private void addIsolated(long pfn, int order) {
        if (isoN == isoPfn.length) {
            isoPfn = Arrays.copyOf(isoPfn, isoN * 2);
            isoOrder = Arrays.copyOf(isoOrder, isoN * 2);
        }
        isoPfn[isoN] = pfn;
        isoOrder[isoN++] = order;
    }

    /**
     * isolate_freepages_block() (mm/compaction.c, not strict): from start with the given stride, one nr_scanned per
     * step; a free buddy block is taken whole (__isolate_free_page(), the rest of it counted as scanned) while fewer
     * than limit pages are taken; a compound page is jumped over (counted) when it ends inside the range.
     * stopAtLimit (simulate mode) ends the walk right after the block that reached the limit, as the kernel does;
     * observed mode walks the whole traced range (it ends where the kernel stopped) and counts blocks beyond the
     * traced nr_taken as scanned only. With apply=false nothing is isolated (a dry run). The blocks taken are
     * appended to the isolated list; {@link #lastBlockScanned()} is nr_scanned. Returns the pfn reached.
     */
    public long isolateFreepagesBlock(CompactControl cc, long start, long end, int stride, long limit,
                                      boolean stopAtLimit, boolean apply, Pages pages, IsolateCheck check) {
        long scanned = 0;
        long taken = 0;
        long bp = start;
        while (bp < end) {
            scanned++;
            int kind = m.kind(bp);
            if (kind == KIND_BUDDY && taken < limit) {
                int k = m.orderAt(bp);
                if (!check.ok(cc == null ? m.zoneOf(bp) : cc.z, k)) {
                    break;
                }
                if (apply) {
                    m.isolateFreePage(bp, k);
                }
                addIsolated(bp, k);
                scanned += (1L << k) - 1;
                taken += 1L << k;
                if (stopAtLimit && taken >= limit) {
                    bp += 1L << k;
                    break;
                }
                bp += (1L << k) - 1 + stride;
                continue;
            }
            if (kind != KIND_BUDDY) {
                int co = pages.compoundOrder(bp);
                if (co > 0 && bp + (1L << co) <= end) {
                    scanned += (1L << co) - 1;
                    bp += (1L << co) - 1;
                }
            }
            bp += stride;
        }
        blockScanned = scanned;
        if (cc != null) {
            cc.freeScanned += scanned;
            cc.freeIsolated += taken;
            cc.nrFreepages += taken;
        }
        return Math.min(bp, end);
    }

    /**
     * suitable_migration_target() (mm/compaction.c, 6.1): not a block starting with a free page of pageblock order;
     * any block for ignore_block_suitable; else only MOVABLE (or CMA) blocks.
     */
    public boolean suitableMigrationTarget(CompactControl cc, long blockStart) {
        if (m.kind(blockStart) == KIND_BUDDY && m.orderAt(blockStart) >= pb) {
            return false;
        }
        if (cc.ignoreBlockSuitable) {
            return true;
        }
        return m.pageblockMigratetype(blockStart) == MIGRATE_MOVABLE;
    }

    /**
     * isolate_freepages() (mm/compaction.c, 6.1-6.12): fast_isolate_freepages() first (done when it isolated
     * something); else pageblock by pageblock down from cc->free_pfn while above the migration scanner's block, with
     * a stride of COMPACT_CLUSTER_MAX for async passes (1 for sync), reset to 1 after a block that isolated and
     * doubled after one that did not; a fully scanned block is skip-marked. Simulate mode. The isolated blocks are
     * in the isolated list.
     */
    public void isolateFreepages(CompactControl cc, Pages pages, IsolateCheck check) {
        clearIsolated();
        fastIsolateFreepages(cc, cc.freePfn, null, true, pages, check);
        if (cc.nrFreepages > 0) {
            return;
        }
        Zone zone = m.zone(cc.z);
        long isolateStart = cc.freePfn;
        long blockStart = pageblockStart(isolateStart);
        long blockEnd = Math.min(blockStart + pbPages, zone.end);
        long low = pageblockStart(cc.migratePfn) + pbPages;
        int stride = cc.async() ? COMPACT_CLUSTER_MAX : 1;
        for (; blockStart >= low; blockEnd = blockStart, blockStart -= pbPages, isolateStart = blockStart) {
            if (!zone.spans(blockStart) || !zone.spans(blockEnd - 1)) {
                continue;
            }
            if (!suitableMigrationTarget(cc, blockStart)) {
                continue;
            }
            if (!isolationSuitable(cc, blockStart)) {
                continue;
            }
            long before = cc.nrFreepages;
            isolateStart = isolateFreepagesBlock(cc, isolateStart, blockEnd, stride,
                    cc.nrMigratepages - cc.nrFreepages, true, true, pages, check);
            long nrIsolated = cc.nrFreepages - before;
            if (isolateStart >= blockEnd) {
                updatePageblockSkipFree(cc, blockStart);
            }
            if (cc.nrFreepages >= cc.nrMigratepages) {
                if (isolateStart >= blockEnd) {
                    isolateStart = blockStart - pbPages;
                }
                break;
            } else if (isolateStart < blockEnd) {
                break;
            }
            stride = nrIsolated > 0 ? 1 : Math.min(COMPACT_CLUSTER_MAX, stride << 1);
        }
        cc.freePfn = isolateStart;
    }

    /** next_search_order() (mm/compaction.c). */
    static int nextSearchOrder(CompactControl cc, int order) {
        order--;
        if (order < 0) {
            order = cc.order - 1;
        }
        if (order == cc.searchOrder) {
            cc.searchOrder--;
            if (cc.searchOrder < 0) {
                cc.searchOrder = cc.order - 1;
            }
            return -1;
        }
        return order;
    }

    /**
     * What a 6.5+ mm_compaction_fast_isolate_freepages event says of one fast_isolate_freepages(): min_pfn, the
     * entries scanned (nr_scanned, with the 2^order - 1 an isolation adds) and total_isolated (one block: the order).
     */
    public record FastTrace(long minPfn, long nrScanned, long nrIsolated) {
        /** The order of the block taken, or -1 when nothing was. */
        int order() {
            return nrIsolated > 0 && Long.bitCount(nrIsolated) == 1 ? Long.numberOfTrailingZeros(nrIsolated) : -1;
        }
    }

    /**
     * fast_isolate_freepages() (mm/compaction.c; untraced in 6.1, summarised by mm_compaction_fast_isolate_freepages
     * from 6.5): searches free_list[MIGRATE_MOVABLE] from the tail, orders from cc->search_order down
     * (next_search_order), for a block at or above low_pfn (top quarter of the scan space), else the highest one
     * above min_pfn (top half), within a scan limit; rotates each scanned list (move_freelist_head) and isolates at
     * most one block, then fast_isolate_around() it (sync or kcompactd passes). freePfn is cc->free_pfn at entry.
     * With apply=false nothing changes (a dry run). traced (observed mode, when the model's own search does not
     * reproduce the event: its lists or cc->migrate_pfn are not the kernel's): min_pfn is the traced one (low_pfn
     * from it when cc->migrate_pfn does not give it); the orders before the one taken are scanned to their limits
     * and rotated without a candidate (the kernel had none); the order taken, log2(total_isolated), is scanned as far
     * as the traced nr_scanned leaves (the kernel's limit, counted), and only when nothing qualifies within that does
     * the walk go on to the list's head (the trace says a block was taken). Returns {nr_scanned, nr_isolated, pfn or
     * -1}.
     */
    public long[] fastIsolateFreepages(CompactControl cc, long freePfn, FastTrace traced, boolean apply, Pages pages,
                                       IsolateCheck check) {
        if (cc.order <= 0) {
            return new long[] {0, 0, -1};
        }
        int savedSearchOrder = cc.searchOrder;
        int savedFail = cc.fastSearchFail;
        int z = cc.z;
        Zone zone = m.zone(z);
        long pbMask = -pbPages;
        int limit = Math.max(1, freelistScanLimit(cc) >> 1);
        boolean scanStart = false;
        if (freePfn >= cc.initFreePfn) {
            limit = (int) (pbPages >> 1);
            scanStart = true;
        }
        // unsigned long arithmetic, as the kernel's: a free scanner below the migration scanner wraps the distance,
        // and min_pfn / low_pfn then lie above every pfn (no candidate)
        long distance = freePfn - cc.migratePfn;
        long lowPfn = (freePfn - (distance >>> 2)) & pbMask;
        long minPfn = (freePfn - (distance >>> 1)) & pbMask;
        if (traced != null && minPfn != traced.minPfn()) {
            // cc->migrate_pfn is not the kernel's: distance >> 2 is about half of free_pfn - min_pfn
            minPfn = traced.minPfn();
            lowPfn = (freePfn - ((freePfn - minPfn) >>> 1)) & pbMask;
        }
        if (Long.compareUnsigned(minPfn, lowPfn) > 0) {
            lowPfn = minPfn;
        }
        cc.searchOrder = Math.min(cc.order - 1, cc.searchOrder);
        // traced: an order searched before the one taken had no candidate in the kernel (scanned to its limit and
        // rotated, nothing taken); the order taken is scanned as far as the traced nr_scanned leaves. A cc->order
        // not above the order taken is not the kernel's (a pass begun before the trace): that order alone then
        int tracedOrder = traced != null ? traced.order() : -1;
        boolean onlyTraced = traced != null && tracedOrder >= cc.order;
        long budget = traced != null ? traced.nrScanned() - Math.max(0, traced.nrIsolated() - 1) : 0;
        long page = -1;
        int pageOrder = -1;
        long highest = 0;
        long nrScanned = 0;
        for (int order = onlyTraced ? tracedOrder : cc.searchOrder; page < 0 && order >= 0;
             order = onlyTraced || traced != null && order == tracedOrder ? -1 : nextSearchOrder(cc, order)) {
            if (m.nrFree(z, order) == 0) {
                continue;
            }
            boolean takes = traced == null || order == tracedOrder;
            if (traced != null && takes) {
                limit = (int) Math.min(Integer.MAX_VALUE, Math.max(1, budget - nrScanned));
            }
            int orderScanned = 0;
            long highPfn = 0;
            long freepage = -1; // where list_for_each_entry_reverse stopped, -1 when it ran off the head
            boolean beyond = false;
            for (long pfn = m.freeListTailPfn(z, order, MIGRATE_MOVABLE); pfn >= 0; pfn = m.listPrevPfn(pfn)) {
                orderScanned++;
                nrScanned++;
                if (pfn >= highest) {
                    highest = Math.max(pfn & pbMask, zone.start);
                }
                if (takes && Long.compareUnsigned(pfn, lowPfn) >= 0) {
                    cc.fastSearchFail = 0;
                    cc.searchOrder = order;
                    page = pfn;
                    freepage = pfn;
                    break;
                }
                if (takes && Long.compareUnsigned(pfn, minPfn) >= 0 && pfn > highPfn) {
                    highPfn = pfn;
                    if (traced == null) {
                        limit >>= 1;
                    }
                }
                if (orderScanned >= limit && (traced == null || !takes || highPfn != 0 && !beyond)) {
                    freepage = pfn;
                    break;
                }
                beyond |= orderScanned >= limit; // traced, nothing within the limit: on to the head
            }
            if (page < 0 && highPfn != 0) {
                page = highPfn;
                freepage = highPfn;
            }
            if (apply) {
                moveFreelistHead(freepage);
            }
            if (page >= 0) {
                if (!check.ok(z, order)) {
                    // __isolate_free_page() refused (watermark): abort the search
                    page = -1;
                    break;
                }
                pageOrder = order;
                nrScanned += (1L << order) - 1;
                if (apply) {
                    m.isolateFreePage(page, order);
                    addIsolated(page, order);
                    cc.nrFreepages += 1L << order;
                    cc.fastFreeIsolated += 1L << order;
                }
            }
            if (orderScanned >= limit) {
                limit = Math.max(1, limit >> 1);
            }
        }
        if (page < 0) {
            cc.fastSearchFail++;
            if (apply && scanStart && traced == null) {
                if (Long.compareUnsigned(highest, minPfn) >= 0) {
                    cc.freePfn = highest;
                } else if (cc.direct && m.zoneOf(minPfn) >= 0) { // pfn_valid(min_pfn)
                    cc.freePfn = minPfn;
                }
            }
        }
        if (apply) {
            if (highest != 0 && highest >= cachedFreePfn[z]) {
                cachedFreePfn[z] = highest - pbPages;
            }
            cc.fastFreeScanned += nrScanned;
            if (page >= 0) {
                fastIsolateAround(cc, page, pages, check);
            }
        } else {
            cc.searchOrder = savedSearchOrder;
            cc.fastSearchFail = savedFail;
        }
        return new long[] {nrScanned, pageOrder < 0 ? 0 : 1L << pageOrder, page};
    }

    /**
     * fast_isolate_around() (mm/compaction.c): after the fast search found a page, a sync (or kcompactd) pass
     * isolates the rest of its pageblock with a stride of 1 until enough pages are isolated, and skip-marks a block
     * it scanned to the end. Traced as an ordinary mm_compaction_isolate_freepages, so observed mode has it from the
     * trace: this runs only for the driver that decides (pages != null).
     */
    void fastIsolateAround(CompactControl cc, long pfn, Pages pages, IsolateCheck check) {
        if (pages == null || cc.nrFreepages >= cc.nrMigratepages) {
            return;
        }
        if (cc.direct && cc.async()) {
            return;
        }
        Zone zone = m.zone(cc.z);
        long start = Math.max(pageblockStart(pfn), zone.start);
        long end = Math.min(pageblockStart(pfn) + pbPages, zone.end);
        long reached = isolateFreepagesBlock(cc, start, end, 1, cc.nrMigratepages - cc.nrFreepages, true, true,
                pages, check);
        if (reached == end) {
            setPageblockSkip(start);
        }
    }
}
