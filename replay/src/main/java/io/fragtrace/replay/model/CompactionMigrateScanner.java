package io.fragtrace.replay.model;

import io.fragtrace.replay.model.Compaction.Pages;
import static io.fragtrace.replay.model.BuddyModel.KIND_BUDDY;
import static io.fragtrace.replay.model.Compaction.COMPACT_CLUSTER_MAX;
import static io.fragtrace.replay.model.KernelSemantics.MIGRATE_MOVABLE;
import static io.fragtrace.replay.model.KernelSemantics.PAGE_ALLOC_COSTLY_ORDER;

/**
 * mm/compaction.c's migration scanner, once for both drivers: fast_find_migrateblock() with move_freelist_tail(),
 * isolate_migratepages(), suitable_migration_source() and isolate_migratepages_block(). The zone's compaction state
 * (cached positions, skip bits) is {@link Compaction}'s.
 */
public final class CompactionMigrateScanner {
    private final Compaction c;
    private final BuddyModel m;
    private final long pbPages;
    private final KernelSemantics ks;
    private final int pb;

    CompactionMigrateScanner(Compaction c, BuddyModel m) {
        this.c = c;
        this.m = m;
        this.pbPages = 1L << m.pageblockOrder();
        this.ks = m.ks;
        this.pb = m.pageblockOrder();
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
        return fastFindMigrateblock(cc, tracedBlock, null);
    }

    /**
     * The free lists as fast_find_migrateblock() found them, taken when it ran (observed mode: right after the task's
     * mm_compaction_finished, compact_zone() -> isolate_migratepages()) and resolved at its traced outcome, the
     * task's later mm_compaction_isolate_migratepages ({@link #fastFindMigrateblock(CompactControl, long,
     * FastSearch)}). Between the two the task may sleep (isolate_migratepages_block()'s cond_resched() at its first
     * pfn) while other CPUs free to these lists.
     */
    public static final class FastSearch {
        final int z;
        final int firstOrder;
        /** Per order from firstOrder down: the first limit + 1 entries of free_list[MIGRATE_MOVABLE], head first. */
        final long[][] heads;
        /** {@link FreeListStamps#seq()} when the search ran. */
        final int seq;

        /** {@link FreeListStamps#seq()} when the search ran: later searches have a larger or equal one. */
        public int seq() {
            return seq;
        }

        FastSearch(int z, int firstOrder, long[][] heads, int seq) {
            this.z = z;
            this.firstOrder = firstOrder;
            this.heads = heads;
            this.seq = seq;
        }
    }

    /**
     * The lists fast_find_migrateblock() sees now, for a search whose outcome the trace tells later; null when it
     * returns before looking at them (the checks only read cc, which the task does not change meanwhile).
     */
    public FastSearch fastSearchNow(CompactControl cc) {
        if (searchSkipped(cc)) {
            return null;
        }
        int limit = c.freelistScanLimit(cc);
        int first = cc.order - 1;
        long[][] heads = new long[Math.max(0, first - PAGE_ALLOC_COSTLY_ORDER + 1)][];
        for (int order = first; order >= PAGE_ALLOC_COSTLY_ORDER; order--) {
            int len = (int) Math.min(limit + 1L, m.freeListLength(cc.z, order, MIGRATE_MOVABLE));
            long[] h = new long[len];
            long fp = m.freeListHeadPfn(cc.z, order, MIGRATE_MOVABLE);
            for (int i = 0; i < len; i++, fp = m.listNextPfn(fp)) {
                h[i] = fp;
            }
            heads[first - order] = h;
        }
        return new FastSearch(cc.z, first, heads, m.stamps.seq());
    }

    /** fast_find_migrateblock()'s early returns: no search, the scanner starts at cc->migrate_pfn. */
    private boolean searchSkipped(CompactControl cc) {
        long pfn = cc.migratePfn;
        Zone zone = m.zone(cc.z);
        return cc.ignoreSkipHint || cc.finishPageblock
                || pfn != zone.start && pfn != (pfn & -pbPages)
                || cc.order <= PAGE_ALLOC_COSTLY_ORDER
                || cc.direct && cc.migratetype != MIGRATE_MOVABLE;
    }

    /**
     * {@link #fastFindMigrateblock(CompactControl, long)} over the lists as they were when the search ran (at
     * {@link #fastSearchNow}), null: as they are now. Its move_freelist_tail() took the entries up to the one it
     * stopped at from the head to the tail of the list as it was then: a block another CPU freed to the head since
     * stays ahead of them, one freed to the tail stays behind them.
     */
    public long fastFindMigrateblock(CompactControl cc, long tracedBlock, FastSearch then) {
        long pfn = cc.migratePfn;
        Zone zone = m.zone(cc.z);
        long pbMask = -pbPages;
        if (searchSkipped(cc) || then != null && (then.z != cc.z || then.firstOrder != cc.order - 1)) {
            return pfn;
        }
        int limit = c.freelistScanLimit(cc);
        long distance = (cc.freePfn - pfn) >> 1;
        if (pfn != zone.start) {
            distance >>= 2;
        }
        long highPfn = (pfn + distance) & pbMask;
        long target = tracedBlock >= 0 ? Math.max(tracedBlock & pbMask, zone.start) : tracedBlock;
        int nrScanned = 0;
        boolean found = false;
        for (int order = cc.order - 1; order >= PAGE_ALLOC_COSTLY_ORDER && !found && nrScanned < limit; order--) {
            long[] h = then != null ? then.heads[then.firstOrder - order] : null;
            if (h == null && m.nrFree(cc.z, order) == 0) {
                continue;
            }
            int i = 0;
            for (long fp = h != null ? (h.length > 0 ? h[0] : -1) : m.freeListHeadPfn(cc.z, order, MIGRATE_MOVABLE);
                 fp >= 0; i++, fp = h != null ? (i < h.length ? h[i] : -1) : m.listNextPfn(fp)) {
                if (nrScanned++ >= limit) {
                    moveFreelistTail(then, order, i, fp);
                    break;
                }
                if (fp >= highPfn) {
                    continue;
                }
                boolean skipped = target >= 0 ? Math.max(fp & pbMask, zone.start) != target
                        : target == NO_BLOCK || c.pageblockSkip(fp);
                if (skipped) {
                    continue;
                }
                moveFreelistTail(then, order, i, fp);
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

    /**
     * move_freelist_tail() of the search's entry i (freepage) of its order's list; then != null: of the list as it
     * was at {@link #fastSearchNow}. The list now is what has joined the head since, the entries that were on it then
     * and still are (in their order: those up to freepage first), what has joined the tail since; the move puts the
     * still-present entries up to freepage behind the others of then, ahead of the tail's newcomers.
     */
    private void moveFreelistTail(FastSearch then, int order, int i, long freepage) {
        if (then == null) {
            moveFreelistTail(freepage);
            return;
        }
        long[] h = then.heads[then.firstOrder - order];
        int moved = 0;
        for (int k = 0; k <= i; k++) {
            if (m.stamps.onListSince(m, h[k], then.z, order, MIGRATE_MOVABLE, then.seq)) {
                moved++;
            }
        }
        if (moved == 0) {
            return;
        }
        // the tail's newcomers, last first: the entries behind the last one that was on the list then
        int late = 0;
        for (long t = m.freeListTailPfn(then.z, order, MIGRATE_MOVABLE); t >= 0 && m.stamps.addedAfter(m, t, then.seq);
             t = m.listPrevPfn(t)) {
            late++;
        }
        long[] tailNew = new long[late];
        long t = m.freeListTailPfn(then.z, order, MIGRATE_MOVABLE);
        for (int k = late - 1; k >= 0; k--, t = m.listPrevPfn(t)) {
            tailNew[k] = t;
        }
        for (int k = 0; k <= i; k++) {
            if (m.stamps.onListSince(m, h[k], then.z, order, MIGRATE_MOVABLE, then.seq)) {
                m.stamps.moveWithinListToTail(m, h[k]);
            }
        }
        for (long p : tailNew) {
            m.stamps.moveWithinListToTail(m, p);
        }
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
        long blockStart = Math.max(c.pageblockStart(low), zone.start);
        boolean fastFindBlock = low != cc.migratePfn && cc.fastSearchFail == 0;
        long blockEnd = c.pageblockStart(low) + pbPages;
        cc.nrMigratepages = 0;
        for (; blockEnd <= cc.freePfn; fastFindBlock = false, cc.migratePfn = low = blockEnd, blockStart = blockEnd,
                blockEnd += pbPages) {
            long end = Math.min(blockEnd, zone.end);
            if ((low == c.pageblockStart(low) || low == zone.start) && !fastFindBlock && !c.isolationSuitable(cc, blockStart)) {
                continue;
            }
            if (!suitableMigrationSource(cc, blockStart, pages)) {
                c.updateCachedMigrate(cc, blockEnd);
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
        if (validPage && !c.isolationSuitable(cc, blockStart)) {
            cc.migrateScanned++;
            c.updateCachedMigrate(cc, end); // low_pfn = end_pfn, nothing isolated
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
                        c.setPageblockSkip(blockStart);
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
                c.setPageblockSkip(blockStart);
            }
            c.updateCachedMigrate(cc, pfn);
        }
        return pfn;
    }
}
