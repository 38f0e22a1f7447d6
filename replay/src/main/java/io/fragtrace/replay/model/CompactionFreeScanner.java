package io.fragtrace.replay.model;

import io.fragtrace.replay.model.Compaction.IsolateCheck;
import io.fragtrace.replay.model.Compaction.Pages;

import java.util.Arrays;

import static io.fragtrace.replay.model.BuddyModel.KIND_BUDDY;
import static io.fragtrace.replay.model.Compaction.COMPACT_CLUSTER_MAX;
import static io.fragtrace.replay.model.KernelSemantics.MIGRATE_MOVABLE;

/**
 * mm/compaction.c's free scanner, once for both drivers: isolate_freepages(), isolate_freepages_block() with its
 * stride, suitable_migration_target(), fast_isolate_freepages() with next_search_order() and move_freelist_head(),
 * and fast_isolate_around(). The blocks a call isolates are kept in order (cc->freepages as {pfn, order}) for the
 * driver to take. The zone's compaction state (cached free pfn, skip bits) is {@link Compaction}'s.
 */
public final class CompactionFreeScanner {
    private final Compaction c;
    private final BuddyModel m;
    private final long pbPages;
    private final int pb;
    private final KernelSemantics ks;

    /** The free blocks the last free-scanner call isolated (cc->freepages as {pfn, order}), in isolation order. */
    private long[] isoPfn = new long[64];
    private int[] isoOrder = new int[64];
    private int isoN;
    /** nr_scanned of the last {@link #isolateFreepagesBlock} call. */
    private long blockScanned;

    CompactionFreeScanner(Compaction c, BuddyModel m) {
        this.c = c;
        this.m = m;
        this.pbPages = 1L << m.pageblockOrder();
        this.pb = m.pageblockOrder();
        this.ks = m.ks;
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
     * suitable_migration_target() (mm/compaction.c): not a block starting with a free page of pageblock order (6.9+:
     * of cc->order, when positive: {@link KernelSemantics#targetBelowCcOrder}); any block for ignore_block_suitable;
     * else only MOVABLE (or CMA) blocks.
     */
    public boolean suitableMigrationTarget(CompactControl cc, long blockStart) {
        int tooLarge = ks.targetBelowCcOrder() && cc.order > 0 ? cc.order : pb;
        if (m.kind(blockStart) == KIND_BUDDY && m.orderAt(blockStart) >= tooLarge) {
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
        long blockStart = c.pageblockStart(isolateStart);
        long blockEnd = Math.min(blockStart + pbPages, zone.end);
        long low = c.pageblockStart(cc.migratePfn) + pbPages;
        int stride = cc.async() ? COMPACT_CLUSTER_MAX : 1;
        for (; blockStart >= low; blockEnd = blockStart, blockStart -= pbPages, isolateStart = blockStart) {
            if (!zone.spans(blockStart) || !zone.spans(blockEnd - 1)) {
                continue;
            }
            if (!suitableMigrationTarget(cc, blockStart)) {
                continue;
            }
            if (!c.isolationSuitable(cc, blockStart)) {
                continue;
            }
            long before = cc.nrFreepages;
            isolateStart = isolateFreepagesBlock(cc, isolateStart, blockEnd, stride,
                    cc.nrMigratepages - cc.nrFreepages, true, true, pages, check);
            long nrIsolated = cc.nrFreepages - before;
            if (isolateStart >= blockEnd) {
                c.updatePageblockSkipFree(cc, blockStart);
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
        int limit = Math.max(1, c.freelistScanLimit(cc) >> 1);
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
                    // __isolate_free_page() refused (watermark): "order = cc->search_order + 1" aborts the search,
                    // and the loop's next_search_order() on it steps cc->search_order down once
                    page = -1;
                    nextSearchOrder(cc, cc.searchOrder + 1);
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
        long around = page; // the page fast_isolate_around() is given
        if (page < 0) {
            cc.fastSearchFail++;
            if (apply && scanStart && traced == null) {
                // a scan-start search that took nothing still hands a block to fast_isolate_around(): the highest
                // one seen at or above min_pfn, else (direct compaction) the min_pfn block itself
                if (Long.compareUnsigned(highest, minPfn) >= 0) {
                    cc.freePfn = highest;
                    around = highest;
                } else if (cc.direct && m.zoneOf(minPfn) >= 0) { // pfn_valid(min_pfn)
                    cc.freePfn = minPfn;
                    // pageblock_pfn_to_page(): the block must lie in the zone; 6.8+ also suitable_migration_target()
                    if (m.zoneOf(minPfn) == z && (!ks.fallbackTargetChecked() || suitableMigrationTarget(cc, minPfn))) {
                        around = minPfn;
                    }
                }
            }
        }
        if (apply) {
            if (highest != 0 && highest >= c.cachedFreePfn[z]) {
                c.cachedFreePfn[z] = highest - pbPages;
            }
            cc.fastFreeScanned += nrScanned;
            if (around >= 0) {
                fastIsolateAround(cc, around, pages, check);
            }
        } else {
            cc.searchOrder = savedSearchOrder;
            cc.fastSearchFail = savedFail;
        }
        return new long[] {nrScanned, pageOrder < 0 ? 0 : 1L << pageOrder, page};
    }

    /**
     * fast_isolate_around() (mm/compaction.c): after the fast search found a page, a sync (or kcompactd) pass
     * isolates the rest of its pageblock with a stride of 1 until enough pages are isolated, and skip-marks the
     * block: 6.5+ when it scanned it to the end, before when it still has fewer than cc->nr_migratepages
     * ({@link KernelSemantics#aroundSkipsScannedBlock}). Traced as an ordinary mm_compaction_isolate_freepages, so observed mode has it from the
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
        long start = Math.max(c.pageblockStart(pfn), zone.start);
        long end = Math.min(c.pageblockStart(pfn) + pbPages, zone.end);
        long reached = isolateFreepagesBlock(cc, start, end, 1, cc.nrMigratepages - cc.nrFreepages, true, true,
                pages, check);
        if (ks.aroundSkipsScannedBlock() ? reached == end : cc.nrFreepages < cc.nrMigratepages) {
            c.setPageblockSkip(start);
        }
    }
}
