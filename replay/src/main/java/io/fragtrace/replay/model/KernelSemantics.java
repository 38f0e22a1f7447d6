package io.fragtrace.replay.model;

/**
 * Every kernel-version difference the model knows about, in one place: each is a field, set from the version by
 * {@link #forVersion(int, int)} and nowhere else (no version test elsewhere). Pick with {@link #forRelease(String)}
 * (a bundle's {@code guest/uname.txt} or the 6.12 buddydump header {@code release=}; default {@link #V6_1}) or
 * {@link #forKernel(String)} (a config's {@code kernel}).
 *
 * @param name                 label
 * @param nrOrders             NR_PAGE_ORDERS (6.12) / MAX_ORDER (6.1, exclusive): orders 0..nrOrders-1
 * @param pageblockOrder       pageblock_order (9 on x86-64 with hugetlb)
 * @param pcpHighOrders        pcp_allowed_order(): orders 0..3 and pageblock_order go to per-CPU lists (5.13+);
 *                             before, order-0 pcp lists only, high = 6 * batch, drained a batch at a time
 * @param extfragTakesPage     mm_page_alloc_extfrag itself takes the page off the free lists (6.10+ steal path)
 * @param strictFreelistMt     free blocks always sit on their pageblock's list; a merge across pageblocks
 *                             re-types the buddy's pageblock (__free_one_page, 6.10+)
 * @param changeOwnershipIsBlockType change_ownership = (alloc_mt == pageblock mt after the steal) (5.x+; older:
 *                             alloc_mt == fallback_mt; the model uses the 6.1 form for every version before 6.10)
 * @param kcompactd            per-node kcompactd threads (4.6+)
 * @param proactiveCompaction  vm.compaction_proactiveness and the proactive fragmentation score (5.9+)
 * @param watermarkBoost       boost_watermark() after a fragmenting fallback (5.0+)
 * @param allocNofragment      ALLOC_NOFRAGMENT: avoid fallbacks that fragment while other zones have room (5.0+)
 * @param alikeSteal           steal_suitable_fallback() counts "alike" pages toward claiming a block (4.12+)
 * @param fallbackToSmallest   __rmqueue_fallback() takes the smallest page when it does not steal a whole block
 *                             (4.13+)
 * @param retryAfterSteal      __rmqueue() retries __rmqueue_smallest() after a steal (4.13+)
 * @param pcpHighTuned         pcp->high is auto-tuned between high_min and high_max (6.7+): a watermark change sets
 *                             high_min/high_max only; before, zone_set_pageset_high_and_batch() sets pcp->high
 * @param pageReporting        free page reporting, mm/page_reporting.c (5.7+)
 * @param movableNonLru        migration of movable non-LRU pages (zsmalloc, balloon: __SetPageMovable, 4.8+)
 * @param finishPageblock      cc->finish_pageblock replaces cc->rescan (6.3+, "mm, compaction: finish pageblocks on
 *                             complete migration failure"): a rescan of the last migrated block also keeps
 *                             fast_find_migrateblock() from choosing another block
 * @param skipFromValidPage    isolate_migratepages_block()'s test_and_set_skip() marks the block whenever the scan
 *                             started at its start (valid_page, also at the zone's first pfn; 6.5+: "Update
 *                             pageblock skip when first migration candidate is not at the start"); before, only when
 *                             the first isolated LRU page is the block's first pfn, with fast_find_migrateblock()
 *                             marking its block (not modelled: the block-end mark stands in, see Compaction)
 * @param lastMigratedFromBlock compact_zone()'s last_migrated_pfn after an isolation is the start of the pageblock
 *                             the isolation ended in, max(zone start, pageblock_start_pfn(migrate_pfn - 1)) (6.6+,
 *                             "correct last_migrated_pfn update in compact_zone"); before, iteration_start_pfn
 * @param freepagesByOrder     compaction keeps isolated free pages at their order, one cc->freepages list per order,
 *                             and compaction_alloc() splits the smallest one (6.10+); before, split_map_pages()
 *                             splits them all to order 0 and list_add()s them (reversed)
 * @param folioBatchFree       batched frees go through free_unref_folios() with one folio_batch, at most
 *                             {@link #PAGEVEC_SIZE} folios, whose mm_page_free all come before its first
 *                             mm_page_free_batched (6.10+); before, free_unref_page_list() takes a list of any length
 * @param pcpMigratetypeAtCommit free_unref_folios()' second loop reads the pageblock's migratetype at the commit
 *                             (get_pfnblock_migratetype(), 6.10+ "remove pcppage migratetype caching"), so a block
 *                             re-typed between a folio's mm_page_free and its mm_page_free_batched puts it on the new
 *                             type's list; before, free_unref_page_list() uses get_pcppage_migratetype(), cached by
 *                             its first loop (free_unref_page_prepare()); free_pcppages_bulk() likewise frees a
 *                             pcp page with its pageblock's migratetype at the drain (6.10+), before with the cached
 *                             one
 * @param aroundSkipsScannedBlock fast_isolate_around() skip-marks its block when isolate_freepages_block() reached
 *                             the block's end (6.5+, "mm: compaction: skip more fully scanned pageblock"); before, when
 *                             cc->nr_freepages < cc->nr_migratepages after it
 * @param fallbackTargetChecked fast_isolate_freepages()' direct-compaction fallback to the min_pfn block tests
 *                             suitable_migration_target() before handing it to fast_isolate_around() (6.8+, "mm:
 *                             compaction: avoid fast_isolate_freepages blindly choose improper pageblock")
 * @param targetBelowCcOrder   suitable_migration_target() refuses a block starting with a free page of cc->order or
 *                             more (6.9+, "mm: compaction: limit the suitable target page order to be less than
 *                             cc->order"); before, of pageblock_order or more
 * @param compactionFreeTraced compaction_free() (mm/compaction.c) runs free_pages_prepare() on a migration target
 *                             migrate_pages() gives back, so it prints an mm_page_free, and puts it back on
 *                             cc->freepages, not on a free list (6.9+, "mm/compaction: add support for >0 order
 *                             folio memory compaction"); before, a plain list_add(), untraced
 * @param thisnodeNoReclaim    __alloc_pages_slowpath() fails a costly __GFP_NORETRY | __GFP_THISNODE request (the
 *                             first, node-local THP attempt of alloc_pages_mpol() / vma_alloc_folio()) after its
 *                             initial compaction, whatever the result: no reclaim, no second compaction (9c9828d3ead6
 *                             "mm, page_alloc, thp: prevent reclaim for __GFP_THISNODE THP allocations", 6.19, in the
 *                             longterm stable branches 5.15, 6.1, 6.6 and 6.12 from 2026: the Debian 6.1.0-56 and
 *                             6.12.95 captures show it); before, only a SKIPPED or DEFERRED result failed it
 * @param captureMovableForMovable compaction_capture() takes a movable block below pageblock_order when the compaction
 *                             itself is for a movable request (cc->migratetype == MIGRATE_MOVABLE): in v6.12
 *                             mm/page_alloc.c, not in v6.1 (the introducing commit was not established; set from
 *                             6.12)
 * @param allocReserveFlags    gfp_to_alloc_flags() gives ALLOC_NON_BLOCK to every request that cannot direct-reclaim
 *                             (without __GFP_NOMEMALLOC), ALLOC_MIN_RESERVE for __GFP_HIGH and ALLOC_HIGHATOMIC to a
 *                             non-blocking __GFP_HIGH high-order request; __zone_watermark_ok() lowers min only for
 *                             ALLOC_MIN_RESERVE (a further quarter with ALLOC_NON_BLOCK), skips the highatomic
 *                             reserve for any ALLOC_RESERVES flag and offers the HIGHATOMIC lists to
 *                             ALLOC_HIGHATOMIC|ALLOC_OOM; rmqueue_buddy() falls back to the HIGHATOMIC list for
 *                             ALLOC_OOM|ALLOC_NON_BLOCK (mainline 6.3, "mm/page_alloc: explicitly define what alloc
 *                             flags deplete min reserves" and its series; carried by 6.1 stable, as v6.1
 *                             mm/page_alloc.c shows); before, ALLOC_HARDER for __GFP_ATOMIC
 * @param boostExemptMinReserve zone_watermark_fast() retries a boosted zone at the unboosted min for an
 *                             ALLOC_MIN_RESERVE request (6.3, "mm: discard __GFP_ATOMIC"; v6.12); before (v6.1),
 *                             for __GFP_ATOMIC
 * @param boostedWakeNeedsKswapd rmqueue() wakes kswapd for ZONE_BOOSTED_WATERMARK only with ALLOC_KSWAPD (v6.12
 *                             mm/page_alloc.c, "mm/page_alloc: don't wake kswapd from rmqueue() unless
 *                             __GFP_KSWAPD_RECLAIM is specified"; not in v6.1; set from 6.10)
 * @param nrFreeHighatomic     __zone_watermark_unusable_free() subtracts nr_free_highatomic, the free pages in
 *                             highatomic blocks (6.10, "mm: page_alloc: consolidate free page accounting"; v6.12);
 *                             before (v6.1), nr_reserved_highatomic, the reserved blocks' whole size
 * @param claimSteal           __rmqueue() falls back in two steps (mainline 6.15, "mm: page_alloc: don't steal single
 *                             pages from biggest buddy" and "mm: page_alloc: speed up fallbacks in rmqueue_bulk()";
 *                             carried by the 6.12 stable branch, as the Debian 6.12.95 capture kernels' mm/page_alloc.c
 *                             shows): __rmqueue_claim() claims a whole pageblock from the largest order down
 *                             (try_to_steal_block(): nothing moves unless free + alike pages reach half a pageblock),
 *                             then __rmqueue_steal() splits the smallest fallback block on its own type's lists;
 *                             rmqueue_bulk() resumes at the step that last succeeded; before, __rmqueue_fallback() +
 *                             steal_suitable_fallback() move the fallback block to the request's list and __rmqueue()
 *                             retries __rmqueue_smallest()
 */
public record KernelSemantics(String name, int nrOrders, int pageblockOrder, boolean pcpHighOrders,
                              boolean extfragTakesPage, boolean strictFreelistMt,
                              boolean changeOwnershipIsBlockType, boolean kcompactd, boolean proactiveCompaction,
                              boolean watermarkBoost, boolean allocNofragment, boolean alikeSteal,
                              boolean fallbackToSmallest, boolean retryAfterSteal, boolean pcpHighTuned,
                              boolean pageReporting, boolean movableNonLru, boolean finishPageblock,
                              boolean skipFromValidPage, boolean lastMigratedFromBlock,
                              boolean freepagesByOrder, boolean folioBatchFree,
                              boolean pcpMigratetypeAtCommit, boolean aroundSkipsScannedBlock,
                              boolean fallbackTargetChecked, boolean targetBelowCcOrder,
                              boolean compactionFreeTraced, boolean thisnodeNoReclaim,
                              boolean captureMovableForMovable,
                              boolean allocReserveFlags, boolean boostExemptMinReserve,
                              boolean boostedWakeNeedsKswapd, boolean nrFreeHighatomic, boolean claimSteal) {

    public static final int MIGRATE_UNMOVABLE = 0;
    public static final int MIGRATE_MOVABLE = 1;
    public static final int MIGRATE_RECLAIMABLE = 2;
    public static final int MIGRATE_PCPTYPES = 3;
    public static final int MIGRATE_HIGHATOMIC = 3;
    public static final int MIGRATE_ISOLATE = 4;
    public static final int MIGRATE_TYPES = 5;
    public static final int PAGE_ALLOC_COSTLY_ORDER = 3;
    /** PAGEVEC_SIZE (include/linux/pagevec.h): the folios a folio_batch holds. */
    public static final int PAGEVEC_SIZE = 31;
    /** SWAP_CLUSTER_MAX (include/linux/swap.h): also the commits free_unref_page_list() makes per pcp lock (6.1). */
    public static final int SWAP_CLUSTER_MAX = 32;

    public static final KernelSemantics V6_1 = forVersion(6, 1);
    public static final KernelSemantics V6_12 = forVersion(6, 12);

    /** The semantics of kernel major.minor (x86-64: 11 orders, pageblock order 9). */
    public static KernelSemantics forVersion(int major, int minor) {
        int v = major * 1000 + minor;
        boolean v610 = v >= 6010;
        return new KernelSemantics(major + "." + minor, 11, 9, v >= 5013, v610, v610, true, v >= 4006,
                v >= 5009, v >= 5000, v >= 5000, v >= 4012, v >= 4013, v >= 4013, v >= 6007, v >= 5007, v >= 4008,
                v >= 6003, v >= 6005, v >= 6006, v610, v610, v610, v >= 6005, v >= 6008, v >= 6009,
                v >= 6009,
                v == 5015 || v == 6001 || v == 6006 || v == 6012 || v >= 6019,
                v >= 6012, v >= 6001, v >= 6003, v610, v610, v >= 6012);
    }

    /** Whether the model's semantics cover kernel major.minor: 4.4 to 6.12 (a config's {@code kernel} range). */
    public static boolean covers(int major, int minor) {
        return (major > 4 || (major == 4 && minor >= 4)) && (major < 6 || (major == 6 && minor <= 12));
    }

    /** A config's {@code kernel} ("6.1", "4.4"). */
    public static KernelSemantics forKernel(String version) {
        String[] p = version.split("\\.");
        return forVersion(Integer.parseInt(p[0]), p.length > 1 ? Integer.parseInt(p[1]) : 0);
    }

    /** Kernel release string ("6.1.0-56-amd64", "6.12.107+deb13-amd64", or a uname -a line) to semantics. */
    public static KernelSemantics forRelease(String release) {
        if (release == null) {
            return V6_1;
        }
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d+)\\.(\\d+)").matcher(release);
        while (m.find()) {
            int major = Integer.parseInt(m.group(1));
            int minor = Integer.parseInt(m.group(2));
            if (major >= 3 && major < 100) {
                return (major > 6 || (major == 6 && minor >= 10)) ? V6_12 : V6_1;
            }
        }
        return V6_1;
    }

    public KernelSemantics withPageblockOrder(int order) {
        return new KernelSemantics(name, nrOrders, order, pcpHighOrders, extfragTakesPage,
                strictFreelistMt, changeOwnershipIsBlockType, kcompactd, proactiveCompaction, watermarkBoost,
                allocNofragment, alikeSteal, fallbackToSmallest, retryAfterSteal, pcpHighTuned, pageReporting,
                movableNonLru, finishPageblock, skipFromValidPage,
                lastMigratedFromBlock, freepagesByOrder, folioBatchFree, pcpMigratetypeAtCommit,
                aroundSkipsScannedBlock, fallbackTargetChecked, targetBelowCcOrder,
                compactionFreeTraced, thisnodeNoReclaim,
                captureMovableForMovable, allocReserveFlags, boostExemptMinReserve, boostedWakeNeedsKswapd,
                nrFreeHighatomic, claimSteal);
    }

    public KernelSemantics withNrOrders(int n) {
        return new KernelSemantics(name, n, pageblockOrder, pcpHighOrders, extfragTakesPage,
                strictFreelistMt, changeOwnershipIsBlockType, kcompactd, proactiveCompaction, watermarkBoost,
                allocNofragment, alikeSteal, fallbackToSmallest, retryAfterSteal, pcpHighTuned, pageReporting,
                movableNonLru, finishPageblock, skipFromValidPage,
                lastMigratedFromBlock, freepagesByOrder, folioBatchFree, pcpMigratetypeAtCommit,
                aroundSkipsScannedBlock, fallbackTargetChecked, targetBelowCcOrder,
                compactionFreeTraced, thisnodeNoReclaim,
                captureMovableForMovable, allocReserveFlags, boostExemptMinReserve, boostedWakeNeedsKswapd,
                nrFreeHighatomic, claimSteal);
    }

    public KernelSemantics withName(String label) {
        return new KernelSemantics(label, nrOrders, pageblockOrder, pcpHighOrders,
                extfragTakesPage, strictFreelistMt, changeOwnershipIsBlockType, kcompactd, proactiveCompaction,
                watermarkBoost, allocNofragment, alikeSteal, fallbackToSmallest, retryAfterSteal, pcpHighTuned,
                pageReporting, movableNonLru, finishPageblock, skipFromValidPage,
                lastMigratedFromBlock, freepagesByOrder, folioBatchFree, pcpMigratetypeAtCommit,
                aroundSkipsScannedBlock, fallbackTargetChecked, targetBelowCcOrder,
                compactionFreeTraced, thisnodeNoReclaim,
                captureMovableForMovable, allocReserveFlags, boostExemptMinReserve, boostedWakeNeedsKswapd,
                nrFreeHighatomic, claimSteal);
    }

    /** Highest order (MAX_ORDER-1 in 6.1, MAX_PAGE_ORDER in 6.12). */
    public int maxOrder() {
        return nrOrders - 1;
    }

    /** pcp_allowed_order() of mm/page_alloc.c: orders up to PAGE_ALLOC_COSTLY_ORDER, and the THP order. */
    public boolean pcpAllowedOrder(int order) {
        if (order <= PAGE_ALLOC_COSTLY_ORDER) {
            return true;
        }
        return pcpHighOrders && order == pageblockOrder;
    }

    /** NR_PCP_LISTS: MIGRATE_PCPTYPES lists per low order plus two THP lists (unmovable-ish, movable). */
    public int nrPcpLists() {
        return MIGRATE_PCPTYPES * (PAGE_ALLOC_COSTLY_ORDER + 1) + 2;
    }

    /** order_to_pindex() of mm/page_alloc.c (CONFIG_TRANSPARENT_HUGEPAGE: THP list = NR_LOWORDER_PCP_LISTS + movable). */
    public int orderToPindex(int migratetype, int order) {
        if (order > PAGE_ALLOC_COSTLY_ORDER) {
            return MIGRATE_PCPTYPES * (PAGE_ALLOC_COSTLY_ORDER + 1) + (migratetype == MIGRATE_MOVABLE ? 1 : 0);
        }
        return MIGRATE_PCPTYPES * order + migratetype;
    }

    /** pindex_to_order() of mm/page_alloc.c. */
    public int pindexToOrder(int pindex) {
        int low = MIGRATE_PCPTYPES * (PAGE_ALLOC_COSTLY_ORDER + 1);
        return pindex >= low ? pageblockOrder : pindex / MIGRATE_PCPTYPES;
    }

    /** migratetype_is_mergeable() of include/linux/mmzone.h: only the pcp types merge across pageblocks freely. */
    public static boolean migratetypeIsMergeable(int mt) {
        return mt < MIGRATE_PCPTYPES;
    }

    /** can_steal_fallback() of mm/page_alloc.c (6.1 / 6.12 identical). */
    public boolean canStealFallback(int order, int startMt) {
        if (order >= pageblockOrder) {
            return true;
        }
        return order >= pageblockOrder / 2 || startMt == MIGRATE_RECLAIMABLE || startMt == MIGRATE_UNMOVABLE;
    }
}
