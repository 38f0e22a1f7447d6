package io.fragtrace.replay.simulate;

import io.fragtrace.parser.CompactStatus;
import io.fragtrace.parser.MigrateMode;
import io.fragtrace.parser.ZoneType;
import io.fragtrace.replay.compaction.CompactionContext;
import io.fragtrace.replay.compaction.CompactionRun;
import io.fragtrace.replay.config.KernelConfig;
import io.fragtrace.replay.model.BuddyModel;
import io.fragtrace.replay.model.FragMetrics;
import io.fragtrace.replay.model.Zone;

import java.util.Arrays;

import static io.fragtrace.replay.model.KernelSemantics.MIGRATE_MOVABLE;
import static io.fragtrace.replay.model.KernelSemantics.PAGE_ALLOC_COSTLY_ORDER;
import static io.fragtrace.replay.simulate.Watermarks.ALLOC_CMA;
import static io.fragtrace.replay.simulate.Watermarks.ALLOC_NO_WATERMARKS;
import static io.fragtrace.replay.simulate.Watermarks.ALLOC_WMARK_MASK;
import static io.fragtrace.replay.simulate.Watermarks.WMARK_LOW;
import static io.fragtrace.replay.simulate.Watermarks.WMARK_MIN;

/**
 * mm/compaction.c: compaction_suitable(), try_to_compact_pages(), compact_zone() with its migrate and free scanners,
 * __compact_finished(), the skip bits and cached scanner positions; the state of one pass is a {@link CompactControl}.
 * One layer of the simulator (see {@link Simulator}); every method names the kernel function it mirrors.
 */
abstract class Compaction extends PageAlloc {
    Compaction(BuddyModel model, KernelConfig cfg, int[][][] pcpCpus, long[] kpageflags, long startNs) {
        super(model, cfg, pcpCpus, kpageflags, startNs);
    }

    // ------------------------------------------------------------------ compaction

    /**
     * compaction_suitable() (mm/compaction.c, 4.4-6.3): SUCCESS when the order-N watermark already holds; SKIPPED
     * when the order-0 watermark (low for costly orders, else min, plus compact_gap = 2 << order) fails; for costly
     * orders NOT_SUITABLE_ZONE (reported as SKIPPED) when 0 <= fragmentation index <= extfrag_threshold; else
     * CONTINUE. 6.4+ moved the first test to compaction_suit_allocation_order() and (mm-HEAD) adds low - min for
     * costly orders; not modelled.
     */
    CompactStatus compactionSuitable(int z, int order, int allocFlags, int highestKz) {
        if (order < 0) {
            return CompactStatus.CONTINUE;
        }
        long free = m.freePages(z);
        long mark = wmark[z][allocFlags & ALLOC_WMARK_MASK] + boost[z];
        CompactStatus ret;
        if (zoneWatermarkOk(z, order, mark, highestKz, allocFlags, free)) {
            ret = CompactStatus.SUCCESS;
        } else {
            long w = order > PAGE_ALLOC_COSTLY_ORDER ? wmark[z][WMARK_LOW] + boost[z] : wmark[z][WMARK_MIN] + boost[z];
            w += 2L << order;
            if (!zoneWatermarkOk(z, 0, w, highestKz, ALLOC_CMA, free)) {
                ret = CompactStatus.SKIPPED;
            } else {
                ret = CompactStatus.CONTINUE;
            }
        }
        if (ret == CompactStatus.CONTINUE && order > PAGE_ALLOC_COSTLY_ORDER) {
            int fi = FragMetrics.fragmentationIndex(nrFree(z), order);
            if (fi >= 0 && fi <= cfg.extfragThreshold()) {
                ret = CompactStatus.NOT_SUITABLE_ZONE;
            }
        }
        stats.suitable[ret.ordinal()]++;
        return ret == CompactStatus.NOT_SUITABLE_ZONE ? CompactStatus.SKIPPED : ret;
    }

    /**
     * __alloc_pages_direct_compact() (mm/page_alloc.c): try_to_compact_pages(), then get_page_from_freelist(); on
     * success compaction_defer_reset(zone, order, true).
     */
    long allocPagesDirectCompact(int order, long gfp, int flags, int mt, int highestKz, int prio, int cpu) {
        if (order == 0) {
            return -1;
        }
        CompactStatus rc = tryToCompactPages(order, gfp, flags, mt, highestKz, prio);
        lastCompactResult = rc.ordinal();
        if (rc == CompactStatus.SKIPPED) {
            return -1;
        }
        stats.compactStall++;
        long p = getPageFromFreelist(order, mt, flags & ~ALLOC_NO_WATERMARKS, highestKz, cpu, gfp);
        if (p >= 0) {
            int z = m.zoneOf(p);
            defer[z].compactionDeferReset(order, true);
            stats.deferReset++;
            stats.compactSuccess++;
            stats.directCompactionSucceededByOrder[order]++;
            return p;
        }
        stats.compactFail++;
        stats.directCompactionFailedByOrder[order]++;
        return -1;
    }

    /**
     * try_to_compact_pages() (mm/compaction.c, 6.1): each zone of the zonelist unless deferred (priorities above
     * MIN_COMPACT_PRIORITY), compact_zone_order(); stop at SUCCESS (compaction_defer_reset(zone, order, false)); a
     * non-async pass that ends COMPLETE or PARTIAL_SKIPPED defers the zone. Returns the highest result.
     */
    CompactStatus tryToCompactPages(int order, long gfp, int flags, int mt, int highestKz, int prio) {
        CompactStatus rc = CompactStatus.SKIPPED;
        for (int z = nz - 1; z >= 0; z--) {
            if (kzone[z] > highestKz || zones[z].managed == 0) {
                continue;
            }
            if (prio > PRIO_SYNC_FULL && defer[z].compactionDeferred(order)) {
                stats.deferred++;
                rc = max(rc, CompactStatus.DEFERRED);
                continue;
            }
            // compact_zone_order()
            CompactControl cc = new CompactControl(z, order,
                    prio == PRIO_ASYNC ? MigrateMode.ASYNC : MigrateMode.SYNC_LIGHT, mt, flags,
                    highestKz, CompactionContext.DIRECT);
            cc.wholeZone = prio == PRIO_SYNC_FULL;
            cc.ignoreSkipHint = prio == PRIO_SYNC_FULL;
            cc.ignoreBlockSuitable = prio == PRIO_SYNC_FULL;
            CompactStatus st = compactZone(cc);
            rc = max(rc, st);
            if (st == CompactStatus.SUCCESS) {
                defer[z].compactionDeferReset(order, false);
                stats.deferReset++;
                break;
            }
            if (prio != PRIO_ASYNC && (st == CompactStatus.COMPLETE || st == CompactStatus.PARTIAL_SKIPPED)) {
                defer[z].deferCompaction(order);
                stats.deferCompaction++;
            }
        }
        return rc;
    }

    /** try_to_compact_pages()'s rc = max(status, rc) over the zones (mm/compaction.c). */
    static CompactStatus max(CompactStatus a, CompactStatus b) {
        return a.ordinal() >= b.ordinal() ? a : b;
    }

    /** pageblock_start_pfn() (include/linux/pageblock-flags.h). */
    long pageblockStart(long pfn) {
        return pfn & -pbPages;
    }

    /** reset_cached_positions() (mm/compaction.c). */
    void resetCachedPositions(int z) {
        cachedMigrate[z][0] = zones[z].start;
        cachedMigrate[z][1] = zones[z].start;
        cachedFree[z] = pageblockStart(zones[z].end - 1);
    }

    /** __reset_isolation_suitable() (mm/compaction.c): clear the zone's skip bits and cached scanner positions. */
    void resetIsolationSuitable(int z) {
        blockskipFlush[z] = false;
        for (long pfn = pageblockStart(zones[z].start); pfn < zones[z].end; pfn += pbPages) {
            skip.clear(blockIndex(pfn));
        }
        resetCachedPositions(z);
    }

    /** The index of a pfn's pageblock in the skip bits (PB_migrate_skip, mm/compaction.c). */
    int blockIndex(long pfn) {
        return (int) ((pfn - base) >> pb);
    }

    /**
     * compact_zone() (mm/compaction.c, 6.1): compaction_suitable, the scanners' start (cached positions, or the zone
     * ends for whole-zone compaction; whole_zone also when the migrate scanner starts at the zone start), then
     * compact_finished() / isolate_migratepages() / migrate_pages() until a result. Untraced in this model: the fast
     * paths fast_find_migrateblock()/fast_isolate_freepages(), capture, and the free scanner stride; migrated-from
     * and unused target pages go straight back to the buddy (the kernel frees them to the pcp and drains).
     */
    CompactStatus compactZone(CompactControl cc) {
        int z = cc.z;
        Zone zone = zones[z];
        if (cc.order >= 0) {
            CompactStatus s = compactionSuitable(z, cc.order, cc.allocFlags, cc.highestKz);
            if (s == CompactStatus.SUCCESS || s == CompactStatus.SKIPPED) {
                return s;
            }
        }
        if (cc.order >= 0 && defer[z].compactionRestarting(cc.order)) {
            resetIsolationSuitable(z);
        }
        int sync = cc.async() ? 0 : 1;
        long startPfn = zone.start;
        long endPfn = zone.end;
        if (cc.wholeZone) {
            cc.migratePfn = startPfn;
            cc.freePfn = pageblockStart(endPfn - 1);
        } else {
            cc.migratePfn = cachedMigrate[z][sync];
            cc.freePfn = cachedFree[z];
            if (cc.freePfn < startPfn || cc.freePfn >= endPfn) {
                cc.freePfn = pageblockStart(endPfn - 1);
                cachedFree[z] = cc.freePfn;
            }
            if (cc.migratePfn < startPfn || cc.migratePfn >= endPfn) {
                cc.migratePfn = startPfn;
                cachedMigrate[z][0] = startPfn;
                cachedMigrate[z][1] = startPfn;
            }
            if (cc.migratePfn <= startPfn) {
                cc.wholeZone = true;
            }
        }
        long beginNs = nowNs;
        long migrateBegin = cc.migratePfn;
        long freeBegin = cc.freePfn;
        int fragAtBegin = cc.order >= 0 ? FragMetrics.fragmentationIndex(nrFree(z), cc.order) : Integer.MIN_VALUE;
        nrMigrate = 0;
        targetHead = 0;
        targetTail = 0;
        CompactStatus ret;
        while (true) {
            ret = compactFinished(cc);
            if (ret != CompactStatus.CONTINUE) {
                break;
            }
            if (!isolateMigratepages(cc)) {
                continue;
            }
            if (!migratePages(cc)) {
                if (!scannersMet(cc)) {
                    ret = CompactStatus.CONTENDED;
                    break;
                }
                if (cc.direct && cc.async() && cc.order > 0) {
                    long o = 1L << cc.order;
                    cc.migratePfn = ((cc.migratePfn - 1) & -o) + o;
                }
            }
        }
        // release_freepages(): unused targets back; the cached free pfn only goes back
        if (targetTail > targetHead) {
            long lowest = Long.MAX_VALUE;
            for (int i = targetHead; i < targetTail; i++) {
                long p = base + targets[i];
                lowest = Math.min(lowest, p);
                m.freeOnePage(z, p, 0, m.pageblockMigratetype(p), false);
            }
            long fp = pageblockStart(lowest);
            if (fp > cachedFree[z]) {
                cachedFree[z] = fp;
            }
            targetHead = targetTail = 0;
        }
        stats.passes[cc.context.ordinal()][ret.ordinal()]++;
        stats.migrateScanned += cc.migrateScanned;
        stats.freeScanned += cc.freeScanned;
        stats.migrated += cc.migrated;
        stats.migratedByContext[cc.context.ordinal()] += cc.migrated;
        stats.migrateFailed += cc.failed;
        stats.freeIsolated += cc.freeIsolated;
        if (runs.size() < 200_000) {
            runs.add(new CompactionRun(beginNs, nowNs, cc.direct ? curPid : -1,
                    cc.direct ? (curEvent == null ? "" : curEvent.comm()) : "kcompactd" + zone.nid, cc.direct ? curCpu : -1, cc.context, cc.order, zone.nid,
                    ZoneType.byName(zone.name), zone.start, zone.end, cc.mode, ret, migrateBegin, cc.migratePfn,
                    freeBegin, cc.freePfn, cc.migrateScanned, cc.migrateIsolated, cc.freeScanned, cc.freeIsolated,
                    0, 0, cc.migrated, cc.failed, cc.finishedChecks, ret, fragAtBegin));
        }
        return ret;
    }

    /** compact_scanners_met() (mm/compaction.c): the scanners are in the same pageblock or crossed. */
    boolean scannersMet(CompactControl cc) {
        return (cc.freePfn >> pb) <= (cc.migratePfn >> pb);
    }

    /**
     * __compact_finished() (mm/compaction.c, 6.1): scanners met → COMPLETE (whole zone) or PARTIAL_SKIPPED; proactive
     * → PARTIAL_SKIPPED while kswapd runs, else CONTINUE while the zone's score is above the low mark; order -1 →
     * CONTINUE; finish the current pageblock; SUCCESS when a free page of the order sits on cc->migratetype's list or
     * a stealable fallback exists; else NO_SUITABLE_PAGE, which compact_finished() turns into CONTINUE.
     */
    CompactStatus compactFinished(CompactControl cc) {
        cc.finishedChecks++;
        int z = cc.z;
        if (scannersMet(cc)) {
            resetCachedPositions(z);
            if (cc.direct) {
                blockskipFlush[z] = true;
            }
            return cc.wholeZone ? CompactStatus.COMPLETE : CompactStatus.PARTIAL_SKIPPED;
        }
        if (cc.proactive) {
            if (kswapdAwake) {
                return CompactStatus.PARTIAL_SKIPPED;
            }
            int score = FragMetrics.fragmentationScoreZone(nrFree(z));
            return score > proactiveWmarks[0] ? CompactStatus.CONTINUE : CompactStatus.SUCCESS;
        }
        if (cc.order < 0) {
            return CompactStatus.CONTINUE;
        }
        if ((cc.migratePfn & (pbPages - 1)) != 0) {
            return CompactStatus.CONTINUE;
        }
        for (int o = cc.order; o <= maxOrder; o++) {
            if (m.freeListLength(z, o, cc.migratetype) > 0) {
                return CompactStatus.SUCCESS;
            }
            if (findSuitableFallback(z, o, cc.migratetype, true) != -1) {
                return CompactStatus.SUCCESS;
            }
        }
        return CompactStatus.CONTINUE;
    }

    /**
     * suitable_migration_source() (mm/compaction.c, 6.1): not a block headed by a pageblock-or-larger compound page;
     * async direct compaction only scans blocks of the request's migratetype (movable: MOVABLE or CMA).
     */
    boolean suitableMigrationSource(CompactControl cc, long blockStart) {
        int r = (int) (blockStart - base);
        if (amt[r] != FREE && (amt[r] & COMPOUND_BIT) != 0 && aord[r] >= pb) {
            return false;
        }
        if (!cc.async() || !cc.direct) {
            return true;
        }
        int blockMt = m.pageblockMigratetype(blockStart);
        if (cc.migratetype == MIGRATE_MOVABLE) {
            return blockMt == MIGRATE_MOVABLE;
        }
        return blockMt == cc.migratetype;
    }

    /**
     * isolate_migratepages() (mm/compaction.c, 6.1, without fast_find_migrateblock()): from the migrate pfn, the next
     * pageblock below the free scanner that is not skip-marked and is a suitable source; isolate_migratepages_block()
     * on it; one block per call. Returns true when pages were isolated.
     */
    boolean isolateMigratepages(CompactControl cc) {
        Zone zone = zones[cc.z];
        long low = cc.migratePfn;
        long blockStart = Math.max(pageblockStart(low), zone.start);
        long blockEnd = pageblockStart(low) + pbPages;
        for (; blockEnd <= cc.freePfn; low = blockEnd, blockStart = blockEnd, blockEnd += pbPages) {
            long end = Math.min(blockEnd, zone.end);
            if (!cc.ignoreSkipHint && skip.get(blockIndex(blockStart))) {
                continue;
            }
            if (!suitableMigrationSource(cc, blockStart)) {
                updateCachedMigrate(cc, blockEnd);
                continue;
            }
            low = isolateMigratepagesBlock(cc, low, end, blockStart);
            break;
        }
        cc.migratePfn = low;
        return nrMigrate > 0;
    }

    /** update_cached_migrate() (mm/compaction.c): advance zone->compact_cached_migrate_pfn[sync]. */
    void updateCachedMigrate(CompactControl cc, long pfn) {
        if (cc.wholeZone && cc.ignoreSkipHint) {
            return;
        }
        int z = cc.z;
        if (pfn > cachedMigrate[z][0]) {
            cachedMigrate[z][0] = pfn;
        }
        if (!cc.async() && pfn > cachedMigrate[z][1]) {
            cachedMigrate[z][1] = pfn;
        }
    }

    /**
     * isolate_migratepages_block() (mm/compaction.c, 6.1): free buddy blocks are stepped over; allocated order-0
     * movable pages are isolated, up to COMPACT_CLUSTER_MAX; anything else fails (compound pages stepped over whole).
     * Async direct compaction gives up an order-aligned chunk at its first failure (skip_on_failure) and puts back what
     * it isolated. A fully scanned block that yielded nothing is skip-marked. Version difference not modelled: since
     * 6.9 (skip_isolation_on_order()) compound pages smaller than cc->order (any order for order -1) are migrated too;
     * 6.1 skips every compound page, as the model does for all versions.
     */
    long isolateMigratepagesBlock(CompactControl cc, long low, long end, long blockStart) {
        boolean skipOnFailure = cc.direct && cc.async() && cc.order > 0;
        long chunk = skipOnFailure ? 1L << cc.order : 0;
        long nextSkip = skipOnFailure ? ((low + chunk) & -chunk) : end;
        long pfn = low;
        boolean isolatedAny = false;
        for (; pfn < end; pfn++) {
            if (skipOnFailure && pfn >= nextSkip) {
                if (nrMigrate > 0) {
                    break;
                }
                nextSkip = (pfn + chunk) & -chunk;
            }
            cc.migrateScanned++;
            int r = (int) (pfn - base);
            int kind = m.kind(pfn);
            if (kind == BuddyModel.KIND_BUDDY) {
                pfn += (1L << m.orderAt(pfn)) - 1;
                continue;
            }
            byte a = amt[r];
            if (kind == BuddyModel.KIND_NONE && a != FREE && (a & NONLRU_BIT) != 0 && !cfg.movableNonLru()) {
                stats.nonLruBlocked++; // !PageLRU and not __PageMovable: isolate_fail
            } else if (kind == BuddyModel.KIND_NONE && a != FREE && a != PINNED && (a & COMPOUND_BIT) == 0
                    && aord[r] == 0 && (a & ~NONLRU_BIT) == MIGRATE_MOVABLE) {
                // a non-LRU page goes through isolate_movable_page() and its movable_operations
                migrateList[nrMigrate++] = r;
                cc.migrateIsolated++;
                isolatedAny = true;
                if (nrMigrate == COMPACT_CLUSTER_MAX) {
                    pfn++;
                    break;
                }
                continue;
            }
            if (kind == BuddyModel.KIND_NONE && a != FREE && aord[r] > 0) {
                pfn += (1L << aord[r]) - 1;
            }
            // isolate_fail
            if (!skipOnFailure) {
                continue;
            }
            if (nrMigrate > 0) {
                cc.migrateIsolated -= nrMigrate;
                nrMigrate = 0;
            }
            if (pfn < nextSkip) {
                pfn = nextSkip - 1;
                nextSkip += chunk;
            }
        }
        if (pfn > end) {
            pfn = end;
        }
        if (pfn >= end && !isolatedAny && low == blockStart) {
            skip.set(blockIndex(blockStart));
        }
        if (pfn >= end && nrMigrate == 0) {
            updateCachedMigrate(cc, pfn);
        }
        return pfn;
    }

    /**
     * migrate_pages() for compaction (mm/migrate.c): each isolated page gets a target from compaction_alloc(); the
     * page identity moves (trace pfn map, migratetype), the old page is freed. False when targets ran out (-ENOMEM).
     */
    boolean migratePages(CompactControl cc) {
        for (int i = 0; i < nrMigrate; i++) {
            int src = migrateList[i];
            int dst = compactionAlloc(cc);
            if (dst < 0) {
                cc.failed += nrMigrate - i;
                nrMigrate = 0;
                return false;
            }
            if ((amt[src] & NONLRU_BIT) != 0) {
                stats.nonLruMigrated++;
            }
            amt[dst] = amt[src];
            aord[dst] = 0;
            map.moved(src, dst);
            amt[src] = FREE;
            aord[src] = -1;
            long sp = base + src;
            regionUsed[(int) (sp / regionPages)]--;
            regionUsed[(int) ((base + dst) / regionPages)]++;
            m.freeOnePage(cc.z, sp, 0, m.pageblockMigratetype(sp), false);
            cc.migrated++;
        }
        nrMigrate = 0;
        return true;
    }

    /** compaction_alloc() (mm/compaction.c, 6.1): the head of cc->freepages, isolate_freepages() when empty. */
    int compactionAlloc(CompactControl cc) {
        if (targetHead == targetTail) {
            targetHead = targetTail = 0;
            isolateFreepages(cc);
            if (targetHead == targetTail) {
                return -1;
            }
        }
        return targets[targetHead++];
    }

    /**
     * suitable_migration_target() (mm/compaction.c, 6.1): not a block starting with a free page of pageblock order;
     * any block for ignore_block_suitable; else only MOVABLE (or CMA) blocks.
     */
    boolean suitableMigrationTarget(CompactControl cc, long blockStart) {
        if (m.kind(blockStart) == BuddyModel.KIND_BUDDY && m.orderAt(blockStart) >= pb) {
            return false;
        }
        if (cc.ignoreBlockSuitable) {
            return true;
        }
        return m.pageblockMigratetype(blockStart) == MIGRATE_MOVABLE;
    }

    /**
     * isolate_freepages() (mm/compaction.c, 6.1, without fast_isolate_freepages() and without the stride): pageblock
     * by pageblock down from the free pfn while above the migrate scanner's block; split_map_pages() leaves the
     * targets in reverse isolation order.
     */
    void isolateFreepages(CompactControl cc) {
        Zone zone = zones[cc.z];
        long isolateStart = cc.freePfn;
        long blockStart = pageblockStart(isolateStart);
        long blockEnd = Math.min(blockStart + pbPages, zone.end);
        long low = pageblockStart(cc.migratePfn) + pbPages;
        int need = nrMigrate;
        int got = 0;
        for (; blockStart >= low; blockEnd = blockStart, blockStart -= pbPages, isolateStart = blockStart) {
            if (!zone.spans(blockStart) || !zone.spans(blockEnd - 1)) {
                continue;
            }
            if (!suitableMigrationTarget(cc, blockStart)) {
                continue;
            }
            if (!cc.ignoreSkipHint && skip.get(blockIndex(blockStart))) {
                continue;
            }
            long[] res = isolateFreepagesBlock(cc, isolateStart, blockEnd, got, need);
            isolateStart = res[0];
            got = (int) res[1];
            if (isolateStart >= blockEnd) {
                skip.set(blockIndex(blockStart));
                if (!(cc.wholeZone && cc.ignoreSkipHint) && blockStart < cachedFree[cc.z]) {
                    cachedFree[cc.z] = blockStart;
                }
            }
            if (got >= need) {
                if (isolateStart >= blockEnd) {
                    isolateStart = blockStart - pbPages;
                }
                break;
            } else if (isolateStart < blockEnd) {
                break;
            }
        }
        cc.freePfn = isolateStart;
        // split_map_pages(): list_add of every page → reverse order
        if (targets.length < got) {
            targets = new int[Math.max(got, targets.length * 2)];
        }
        for (int i = 0; i < got; i++) {
            targets[i] = callIsolated[got - 1 - i];
        }
        targetHead = 0;
        targetTail = got;
    }

    /**
     * isolate_freepages_block() (mm/compaction.c, 6.1, not strict): every free buddy block from start is taken with
     * __isolate_free_page() (order-0 watermark: min + 2^order, else stop) until enough targets are isolated.
     * Returns {pfn reached, pages isolated so far}.
     */
    long[] isolateFreepagesBlock(CompactControl cc, long start, long end, int got, int need) {
        long pfn = start;
        for (; pfn < end; pfn++) {
            cc.freeScanned++;
            if (m.kind(pfn) != BuddyModel.KIND_BUDDY) {
                int r = (int) (pfn - base);
                if (amt[r] != FREE && aord[r] > 0) {
                    pfn += (1L << aord[r]) - 1;
                }
                continue;
            }
            int k = m.orderAt(pfn);
            long mark = wmark[cc.z][WMARK_MIN] + (1L << k);
            if (!zoneWatermarkOk(cc.z, 0, mark, 0, ALLOC_CMA, m.freePages(cc.z))) {
                break;
            }
            m.isolateFreePage(pfn, k);
            if (callIsolated.length < got + (1 << k)) {
                callIsolated = Arrays.copyOf(callIsolated, Math.max(got + (1 << k), callIsolated.length * 2));
            }
            for (int i = 0; i < 1 << k; i++) {
                callIsolated[got++] = (int) (pfn - base) + i;
            }
            cc.freeIsolated += 1L << k;
            if (got >= need) {
                pfn += 1L << k;
                break;
            }
            pfn += (1L << k) - 1;
        }
        return new long[] {Math.min(pfn, end), got};
    }

    /** zone->free_area[order].nr_free for every order (what fill_contig_page_info() reads, mm/vmstat.c). */
    long[] nrFree(int z) {
        long[] a = new long[maxOrder + 1];
        for (int o = 0; o <= maxOrder; o++) {
            a[o] = m.nrFree(z, o);
        }
        return a;
    }
}
