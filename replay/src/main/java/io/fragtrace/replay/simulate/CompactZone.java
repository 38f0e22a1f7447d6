package io.fragtrace.replay.simulate;

import io.fragtrace.parser.CompactStatus;
import io.fragtrace.parser.MigrateMode;
import io.fragtrace.parser.ZoneType;
import io.fragtrace.replay.compaction.CompactionContext;
import io.fragtrace.replay.compaction.CompactionRun;
import io.fragtrace.replay.config.KernelConfig;
import io.fragtrace.replay.model.BuddyModel;
import io.fragtrace.replay.model.CompactControl;
import io.fragtrace.replay.model.Compaction;
import io.fragtrace.replay.model.FragMetrics;
import io.fragtrace.replay.model.Freepages;
import io.fragtrace.replay.model.KernelSemantics;
import io.fragtrace.replay.model.Zone;

import static io.fragtrace.replay.model.KernelSemantics.MIGRATE_MOVABLE;
import static io.fragtrace.replay.simulate.Watermarks.ALLOC_CMA;
import static io.fragtrace.replay.simulate.Watermarks.ALLOC_NO_WATERMARKS;
import static io.fragtrace.replay.simulate.Watermarks.ALLOC_WMARK_MASK;
import static io.fragtrace.replay.simulate.Watermarks.WMARK_LOW;
import static io.fragtrace.replay.simulate.Watermarks.WMARK_MIN;

/**
 * Simulate mode's driver of mm/compaction.c: try_to_compact_pages(), compact_zone()'s loop and migrate_pages() with
 * compaction_alloc() on the simulator's page identities. The rules themselves (scanners, fast paths, skip bits,
 * __compact_finished(), compaction_suitable(), capture) are the one compaction model, {@link Compaction}, which
 * observed mode drives from the trace. One layer of the simulator (see {@link Simulator}).
 */
abstract class CompactZone extends PageAlloc {
    CompactZone(BuddyModel model, KernelConfig cfg, int[][][] pcpCpus, long[] kpageflags, long startNs) {
        super(model, cfg, pcpCpus, kpageflags, startNs);
    }

    /** What the simulator knows of an allocated page: compound head, order, movable (amt/aord). */
    final Compaction.Pages pages = new Compaction.Pages() {
        @Override
        public int compoundOrder(long pfn) {
            int r = (int) (pfn - base);
            return amt[r] != FREE && (amt[r] & COMPOUND_BIT) != 0 && aord[r] > 0 ? aord[r] : -1;
        }

        @Override
        public int allocatedOrder(long pfn) {
            int r = (int) (pfn - base);
            return amt[r] != FREE && aord[r] > 0 ? aord[r] : -1;
        }

        @Override
        public boolean lru(long pfn) {
            // PageLRU (PF_HEAD: a compound page's tails answer for its head): a movable user page; PINNED and
            // non-LRU movable pages are not on the LRU
            int r = (int) (pfn - base);
            return amt[r] != FREE && (amt[r] & NONLRU_BIT) == 0 && (amt[r] & ~COMPOUND_BIT) == MIGRATE_MOVABLE;
        }

        @Override
        public boolean migratable(long pfn) {
            int r = (int) (pfn - base);
            if (m.kind(pfn) != BuddyModel.KIND_NONE || amt[r] == FREE || aord[r] != 0) {
                return false;
            }
            if ((amt[r] & NONLRU_BIT) != 0 && !cfg.movableNonLru()) {
                stats.nonLruBlocked++; // !PageLRU and not __PageMovable: isolate_fail
                return false;
            }
            // a non-LRU page goes through isolate_movable_page() and its movable_operations
            return (amt[r] & ~NONLRU_BIT) == MIGRATE_MOVABLE;
        }
    };

    /** __isolate_free_page()'s watermark: order-0 at min + 2^order with ALLOC_CMA (mm/page_alloc.c). */
    final Compaction.IsolateCheck isolateCheck = (z, order) ->
            zoneWatermarkOk(z, 0, wmark[z][WMARK_MIN] + (1L << order), 0, ALLOC_CMA, m.freePages(z));

    /** The watermark tests of compaction_suitable() and __compact_finished(), on this simulator's zones. */
    final Compaction.Watermarks compactionWatermarks = new Compaction.Watermarks() {
        @Override
        public boolean orderOk(int z, int order, int allocFlags, int highestKz) {
            long mark = wmark[z][allocFlags & ALLOC_WMARK_MASK] + boost[z];
            return zoneWatermarkOk(z, order, mark, highestKz, allocFlags, m.freePages(z));
        }

        @Override
        public boolean order0Ok(int z, boolean lowMark, long gap, int highestKz) {
            long w = (lowMark ? wmark[z][WMARK_LOW] : wmark[z][WMARK_MIN]) + boost[z] + gap;
            return zoneWatermarkOk(z, 0, w, highestKz, ALLOC_CMA, m.freePages(z));
        }

        @Override
        public boolean stealableFallback(int z, int order, int mt) {
            return findSuitableFallback(z, order, mt, true) != -1;
        }
    };

    // ------------------------------------------------------------------ compaction

    /**
     * compaction_suitable() as a caller sees it (mm/compaction.c): SUCCESS when the order-N watermark already holds
     * (inside compaction_suitable() until 6.3, compaction_suit_allocation_order() from 6.4), else the rule of
     * {@link Compaction#compactionSuitable}: SKIPPED, or NOT_SUITABLE_ZONE (reported as SKIPPED), or CONTINUE.
     */
    CompactStatus compactionSuitable(int z, int order, int allocFlags, int highestKz) {
        if (order < 0) {
            return CompactStatus.CONTINUE;
        }
        CompactStatus ret;
        if (compactionWatermarks.orderOk(z, order, allocFlags, highestKz)) {
            ret = CompactStatus.SUCCESS;
        } else {
            int s = cz.compactionSuitable(z, order, highestKz, cfg.extfragThreshold(), compactionWatermarks);
            ret = s == Compaction.SUITABLE_CONTINUE ? CompactStatus.CONTINUE
                    : s == Compaction.SUITABLE_SKIPPED ? CompactStatus.SKIPPED : CompactStatus.NOT_SUITABLE_ZONE;
        }
        stats.suitable[ret.ordinal()]++;
        return ret == CompactStatus.NOT_SUITABLE_ZONE ? CompactStatus.SKIPPED : ret;
    }

    /**
     * __alloc_pages_direct_compact() (mm/page_alloc.c): try_to_compact_pages(), then get_page_from_freelist(); on
     * success zone->compact_blockskip_flush = false (kswapd's sleep then leaves the skip bits alone) and
     * compaction_defer_reset(zone, order, true).
     */
    long allocPagesDirectCompact(int order, long gfp, int flags, int mt, int highestKz, int prio, int cpu) {
        if (order == 0) {
            return -1;
        }
        capturedPage = -1;
        CompactStatus rc = tryToCompactPages(order, gfp, flags, mt, highestKz, prio);
        lastCompactResult = rc.ordinal();
        if (rc == CompactStatus.SKIPPED) {
            return -1;
        }
        stats.compactStall++;
        long p = capturedPage;
        if (p >= 0) {
            m.clearState(p); // compaction_capture() handed the page over: prep_new_page(), no free list
        } else {
            p = getPageFromFreelist(order, mt, flags & ~ALLOC_NO_WATERMARKS, highestKz, cpu, gfp);
        }
        if (p >= 0) {
            int z = m.zoneOf(p);
            cz.blockskipFlush[z] = false;
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
                if (decisions != null) {
                    decide("try_to_compact_pages", zones[z].name + " order " + order + ": deferred");
                }
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
            capturing = cc; // current->capture_control (compact_zone_order()): frees in this task may capture
            CompactStatus st;
            try {
                st = compactZone(cc);
            } finally {
                capturing = null;
            }
            if (cc.capturedPfn >= 0) {
                capturedPage = cc.capturedPfn; // compact_zone_order(): *capture = capc.page
            }
            rc = max(rc, st);
            if (st == CompactStatus.SKIPPED && decisions != null) {
                decide("try_to_compact_pages", zones[z].name + " order " + order + ": compaction_suitable() skipped");
            }
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

    /** The page compaction_capture() took for the current direct compaction (capc->page), else -1. */
    long capturedPage = -1;

    /** try_to_compact_pages()'s rc = max(status, rc) over the zones (mm/compaction.c). */
    static CompactStatus max(CompactStatus a, CompactStatus b) {
        return a.ordinal() >= b.ordinal() ? a : b;
    }

    /** __reset_isolation_suitable() (mm/compaction.c), for kswapd's sleep. */
    void resetIsolationSuitable(int z) {
        cz.resetIsolationSuitable(z, pages);
    }

    /**
     * compact_zone() (mm/compaction.c, 6.1-6.12): compaction_suitable, the scanners' start (cached positions, or the
     * zone ends for whole-zone compaction; whole_zone also when the migrate scanner starts at the zone start), then
     * compact_finished() / isolate_migratepages() / migrate_pages() until a result; a direct pass whose freed page
     * compaction_capture() took ends SUCCESS. Unused targets go back with release_freepages(). Run whole; kcompactd's
     * and compact_memory's passes run the same three parts through trace time ({@link Kcompactd}).
     */
    CompactStatus compactZone(CompactControl cc) {
        ZonePass p = new ZonePass(cc);
        CompactStatus ret = compactZoneBegin(p);
        if (ret != CompactStatus.CONTINUE) {
            return ret;
        }
        while ((ret = compactZoneIteration(p)) == CompactStatus.CONTINUE) {
            // each iteration advances a scanner, or ends the pass
        }
        compactZoneEnd(p, ret);
        return ret;
    }

    /**
     * compact_zone()'s set-up, up to its loop: SUCCESS or SKIPPED when compaction_suitable() ends the pass before it
     * begins (no mm_compaction_begin), else CONTINUE with the scanners placed.
     */
    CompactStatus compactZoneBegin(ZonePass p) {
        CompactControl cc = p.cc;
        int z = cc.z;
        Zone zone = zones[z];
        if (cc.order >= 0) {
            CompactStatus s = compactionSuitable(z, cc.order, cc.allocFlags, cc.highestKz);
            if (s == CompactStatus.SUCCESS || s == CompactStatus.SKIPPED) {
                return s;
            }
        }
        if (cc.order >= 0 && defer[z].compactionRestarting(cc.order)) {
            cz.resetIsolationSuitable(z, pages);
        }
        int sync = cc.async() ? 0 : 1;
        long startPfn = zone.start;
        long endPfn = zone.end;
        cc.fastStartPfn = 0;
        cc.initFreePfn = cz.initFreePfn(z);
        if (cc.wholeZone) {
            cc.migratePfn = startPfn;
            cc.freePfn = cz.pageblockStart(endPfn - 1);
        } else {
            cc.migratePfn = cz.cachedMigratePfn[z][sync];
            cc.freePfn = cz.cachedFreePfn[z];
            if (cc.freePfn < startPfn || cc.freePfn >= endPfn) {
                cc.freePfn = cz.pageblockStart(endPfn - 1);
                cz.cachedFreePfn[z] = cc.freePfn;
            }
            if (cc.migratePfn < startPfn || cc.migratePfn >= endPfn) {
                cc.migratePfn = startPfn;
                cz.cachedMigratePfn[z][0] = startPfn;
                cz.cachedMigratePfn[z][1] = startPfn;
            }
            if (cc.migratePfn <= startPfn) {
                cc.wholeZone = true;
            }
        }
        p.beginNs = nowNs;
        p.migrateBegin = cc.migratePfn;
        p.freeBegin = cc.freePfn;
        p.fragAtBegin = cc.order >= 0 ? FragMetrics.fragmentationIndex(cz.nrFree(z), cc.order) : Integer.MIN_VALUE;
        cc.nrMigratepages = 0;
        cc.nrFreepages = 0;
        targetHead = 0;
        targetTail = 0;
        p.iterations = 0;
        lastMigratedPfn = 0;
        p.iterationBound = 4 * ((zone.end - zone.start) / COMPACT_CLUSTER_MAX + ((zone.end - zone.start) >> pb)) + 64;
        return CompactStatus.CONTINUE;
    }

    /**
     * One iteration of compact_zone()'s loop, {@code while ((ret = compact_finished(cc)) == COMPACT_CONTINUE)}:
     * isolate_migratepages(), migrate_pages(), check_drain. CONTINUE, or the pass's result.
     */
    CompactStatus compactZoneIteration(ZonePass p) {
        CompactControl cc = p.cc;
        CompactStatus ret = compactFinished(cc);
        if (ret != CompactStatus.CONTINUE) {
            return ret;
        }
        if (++p.iterations > p.iterationBound) {
            // every iteration advances a scanner or skip-marks a block, so a pass ends well within this bound;
            // should a model inconsistency break that, end the pass (counted) instead of spinning
            stats.compactionPassesCutShort++;
            return CompactStatus.CONTENDED;
        }
        long iterationStartPfn = cc.migratePfn;
        // "Avoid multiple rescans of the same pageblock": cc->rescan (cc->finish_pageblock from 6.3) when this
        // isolation starts in the pageblock the last migrated batch started in (last_migrated_pfn 0 is block 0)
        cc.rescan = cz.pageblockStart(lastMigratedPfn) == cz.pageblockStart(iterationStartPfn);
        cc.finishPageblock = cc.rescan && ks.finishPageblock();
        cz.migrate.isolateMigratepages(cc, migrateList, pages);
        if (cc.nrMigratepages == 0) {
            checkDrain(cc); // ISOLATE_NONE: goto check_drain
            return cc.capturedPfn >= 0 ? CompactStatus.SUCCESS : CompactStatus.CONTINUE;
        }
        // ISOLATE_SUCCESS: last_migrated_pfn = iteration_start_pfn until 6.5; from 6.6 ("correct last_migrated_pfn
        // update in compact_zone") the start of the pageblock the isolation ended in
        lastMigratedPfn = ks.lastMigratedFromBlock() ? Math.max(zones[cc.z].start, cz.pageblockStart(cc.migratePfn - 1))
                : iterationStartPfn;
        if (!migratePages(cc)) {
            if (!cz.scannersMet(cc)) {
                return CompactStatus.CONTENDED;
            }
            if (cc.direct && cc.async() && cc.order > 0) {
                long o = 1L << cc.order;
                cc.migratePfn = ((cc.migratePfn - 1) & -o) + o;
                lastMigratedPfn = 0; // "Draining pcplists is useless in this case"
            }
        }
        checkDrain(cc); // the drain may complete the block: capture is checked after it, as compact_zone() does
        // "Stop if a page has been captured"
        return cc.capturedPfn >= 0 ? CompactStatus.SUCCESS : CompactStatus.CONTINUE;
    }

    /** compact_zone()'s end: release_freepages() (the cached free pfn only goes back), the pass counted and kept. */
    void compactZoneEnd(ZonePass p, CompactStatus ret) {
        CompactControl cc = p.cc;
        int z = cc.z;
        Zone zone = zones[z];
        if (targetTail > targetHead) {
            long highest = 0;
            for (int i = targetHead; i < targetTail; i++) {
                long pfn = base + targets[i];
                highest = Math.max(highest, pfn);
                m.freeOnePage(z, pfn, 0, m.pageblockMigratetype(pfn), false);
            }
            cz.releasedFreepages(z, highest);
            targetHead = targetTail = 0;
        }
        if (freepages.pages() > 0) {
            cz.releasedFreepages(z, releaseFreeList(z));
        }
        cc.nrFreepages = 0;
        stats.passes[cc.context.ordinal()][ret.ordinal()]++;
        if (decisions != null) {
            decide("compact_zone", cc.context + " " + zone.name + " order " + cc.order + ": " + ret + ", "
                    + cc.migrated + " migrated");
        }
        stats.migrateScanned += cc.migrateScanned;
        stats.freeScanned += cc.freeScanned;
        stats.migrated += cc.migrated;
        stats.migratedByContext[cc.context.ordinal()] += cc.migrated;
        stats.migrateFailed += cc.failed;
        stats.freeIsolated += cc.freeIsolated + cc.fastFreeIsolated;
        if (runs.size() < 200_000) {
            runs.add(new CompactionRun(p.beginNs, nowNs, cc.direct ? curPid : -1,
                    cc.direct ? (curEvent == null ? "" : curEvent.comm()) : "kcompactd" + zone.nid, cc.direct ? curCpu : -1, cc.context, cc.order, zone.nid,
                    ZoneType.byName(zone.name), zone.start, zone.end, cc.mode, ret, p.migrateBegin, cc.migratePfn,
                    p.freeBegin, cc.freePfn, cc.migrateScanned, cc.migrateIsolated, cc.freeScanned, cc.freeIsolated,
                    cc.fastFreeScanned, cc.fastFreeIsolated, cc.migrated, cc.failed, cc.finishedChecks, ret, p.fragAtBegin));
        }
    }

    /**
     * Exchanges the pass's isolated pages (targets, cc->freepages, last_migrated_pfn) with the simulator's: before
     * and after each part of a pass that pauses, so a direct compaction in the pause works with its own.
     */
    void swapBuffers(ZonePass p) {
        int[] t = targets;
        targets = p.targets;
        p.targets = t;
        int h = targetHead;
        targetHead = p.targetHead;
        p.targetHead = h;
        h = targetTail;
        targetTail = p.targetTail;
        p.targetTail = h;
        Freepages f = freepages;
        freepages = p.freepages;
        p.freepages = f;
        long l = lastMigratedPfn;
        lastMigratedPfn = p.lastMigratedPfn;
        p.lastMigratedPfn = l;
    }

    /** last_migrated_pfn of the compact_zone() pass in progress (0: nothing to flush). */
    long lastMigratedPfn;

    /**
     * compact_zone()'s check_drain (mm/compaction.c): once the migration scanner has left the cc->order-aligned block
     * it migrated from, lru_add_drain_cpu_zone() drains this CPU's pcp lists of the zone so the freed pages merge and
     * compact_finished() can see the result. The compacting CPU is the direct compactor's; kcompactd's is not traced.
     */
    void checkDrain(CompactControl cc) {
        if (cc.order > 0 && lastMigratedPfn != 0) {
            long currentBlockStart = cc.migratePfn & -(1L << cc.order);
            if (lastMigratedPfn < currentBlockStart) {
                drainLocalPages(cc.z, cc.direct ? curCpu : daemonCpu);
                lastMigratedPfn = 0;
            }
        }
    }

    /**
     * How long the kernel's kswapd may go without a traced event and still count as on a CPU. Measured on five
     * captures (docs/calibrate.md): inside a balance_pgdat() round its frees and drains come at most 0.004–0.094 ms
     * apart in 99 % of the 174,000 gaps, 0.2–0.7 ms in 99.9 %; a round's last event lies 2.1 ms or more before the
     * traced wakeup_kswapd() that proves kswapd was waiting on kswapd_wait again.
     */
    static final long KSWAPD_SILENT_NS = 200_000;

    /**
     * The model's kswapd is inside balance_pgdat() (mm/vmscan.c): awake, and where its round follows a traced round of
     * the kernel's, while the kernel's task runs ({@link #kernelKswapdTaskRunning}): the kernel's round that freed
     * nothing more has ended and kswapd naps, outside balance_pgdat(), while the model holds its round open
     * ({@link Kswapd#kernelKswapdRunning}).
     */
    @Override
    boolean kswapdInBalancePgdat() {
        return kswapdAwake && (!kernelKswapdRound || kernelKswapdTaskRunning());
    }

    /**
     * kswapd_is_running() (mm/compaction.c): task_is_running(pgdat->kswapd), which a proactive check
     * (should_proactive_compact_node()) and pass (__compact_finished()) read: the model's kswapd in its round, unless
     * it follows a traced round of the kernel's whose task is waiting ({@link #kernelKswapdTaskRunning}) or shares
     * kcompactd's CPU ({@link #kswapdOnKcompactdsCpu}).
     */
    boolean kswapdIsRunning() {
        return kswapdAwake && (!kernelKswapdRound || kernelKswapdTaskRunning() && !kswapdOnKcompactdsCpu());
    }

    /**
     * kswapd last ran on the CPU kcompactd runs on (the kernel's tasks' last traced events): kcompactd cannot test
     * kswapd_is_running() while kswapd is on that CPU, and a woken kswapd gets it at kcompactd's next cond_resched()
     * (isolate_migratepages_block(), migrate_pages()), before kcompactd's next __compact_finished(); a round that
     * needs no reclaim ends in its HZ/10 nap (TASK_INTERRUPTIBLE) before kcompactd runs again. (A round reclaiming
     * for longer than a scheduler slice could be preempted back to kcompactd while runnable: not modelled.)
     */
    boolean kswapdOnKcompactdsCpu() {
        return kernelKswapdCpu >= 0 && kernelKswapdCpu == daemonCpu;
    }

    /**
     * The kernel's kswapd task runnable or on a CPU as its events show it: woken and not yet run (a traced
     * wakeup_kswapd() finds it waiting on kswapd_wait and makes it TASK_RUNNING) or traced within
     * {@link #KSWAPD_SILENT_NS}; a longer silence inside its round is a wait that mm_vmscan_kswapd_sleep does not
     * trace: kswapd_try_to_sleep()'s HZ/10 nap after a balanced round, or reclaim_throttle() (mm/vmscan.c).
     */
    boolean kernelKswapdTaskRunning() {
        return kernelKswapdWokenNs > kernelKswapdLastNs || nowNs - kernelKswapdLastNs <= KSWAPD_SILENT_NS;
    }

    /** compact_finished() (mm/compaction.c): __compact_finished(), with NO_SUITABLE_PAGE reported as CONTINUE. */
    CompactStatus compactFinished(CompactControl cc) {
        return switch (cz.compactFinished(cc, kswapdIsRunning(), proactiveWmarks[0], compactionWatermarks)) {
            case Compaction.FIN_COMPLETE -> CompactStatus.COMPLETE;
            case Compaction.FIN_PARTIAL_SKIPPED -> CompactStatus.PARTIAL_SKIPPED;
            case Compaction.FIN_SUCCESS -> CompactStatus.SUCCESS;
            default -> CompactStatus.CONTINUE;
        };
    }

    /**
     * migrate_pages() for compaction (mm/migrate.c): each isolated page gets a target from compaction_alloc(); the
     * page identity moves (trace pfn map, migratetype), the old page is freed, through compaction_capture() for a
     * direct pass (the freed page may complete the block it compacts for). False when targets ran out (-ENOMEM).
     */
    boolean migratePages(CompactControl cc) {
        int n = (int) cc.nrMigratepages;
        for (int i = 0; i < n; i++) {
            int src = (int) (migrateList[i] - base);
            int dst = compactionAlloc(cc);
            if (dst < 0) {
                cc.failed += n - i;
                cc.nrMigratepages = 0;
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
            int smt = m.pageblockMigratetype(sp);
            if (smt != KernelSemantics.MIGRATE_ISOLATE) {
                // the migrated-from folio is put: free_unref_page() -> the pcp list of the compacting CPU
                // (mm/page_alloc.c); it merges (and a direct pass captures) only when the list is flushed
                freeUnrefPageCommit(cc.z, cc.direct ? curCpu : daemonCpu, sp, 0, smt);
            } else if (m.freeOnePage(cc.z, sp, 0, smt, false, Compaction.compactionCapture(cc, cc.z), cc.migratetype)
                    == BuddyModel.CAPTURED) {
                cc.capturedPfn = m.lastCaptured();
                stats.captured++;
            }
            cc.migrated++;
        }
        cc.nrMigratepages = 0;
        return true;
    }

    /**
     * The CPU a kcompactd or compact_memory pass runs on: the writer's for /proc/sys/vm/compact_memory, kcompactd's as
     * its latest traced event shows it.
     */
    int daemonCpu;

    /** cc->freepages by order (6.10+); empty between passes. */
    Freepages freepages = new Freepages(m.nrOrders());

    /** compaction_alloc() (mm/compaction.c): the head of cc->freepages, isolate_freepages() when empty. */
    int compactionAlloc(CompactControl cc) {
        if (version.freepagesByOrder()) {
            return compactionAllocNoprof(cc);
        }
        if (targetHead == targetTail) {
            targetHead = targetTail = 0;
            cc.nrFreepages = 0;
            cz.free.isolateFreepages(cc, pages, isolateCheck);
            splitMapPages();
            if (targetHead == targetTail) {
                return -1;
            }
        }
        cc.nrFreepages--;
        return targets[targetHead++];
    }

    /**
     * compaction_alloc_noprof() (mm/compaction.c, 6.10+) for an order-0 page: the smallest isolated free page split
     * ({@link Freepages#compactionAlloc}); when all lists are empty, isolate_freepages() once, its pages
     * list_add_tail()ed at their order.
     */
    int compactionAllocNoprof(CompactControl cc) {
        long p = freepages.compactionAlloc(0);
        if (p < 0) {
            cc.nrFreepages = 0;
            cz.free.isolateFreepages(cc, pages, isolateCheck);
            for (int i = 0; i < cz.free.isolatedBlocks(); i++) {
                freepages.add(cz.free.isolatedPfn(i), cz.free.isolatedOrder(i));
            }
            cz.free.clearIsolated();
            p = freepages.compactionAlloc(0);
            if (p < 0) {
                return -1;
            }
        }
        cc.nrFreepages--;
        return (int) (p - base);
    }

    /**
     * release_free_list() (mm/compaction.c, 6.10+): every page left on cc->freepages freed at its order, lowest order
     * first; returns the highest pfn freed (0: none).
     */
    long releaseFreeList(int z) {
        long highest = 0;
        for (int o = 0; o < m.nrOrders(); o++) {
            long p;
            while ((p = freepages.poll(o)) >= 0) {
                highest = Math.max(highest, p);
                m.freeOnePage(z, p, o, m.pageblockMigratetype(p), false);
            }
        }
        return highest;
    }

    /** split_map_pages() (mm/compaction.c): every isolated block split to order-0 pages, list_add()ed: reversed. */
    void splitMapPages() {
        int got = 0;
        for (int i = 0; i < cz.free.isolatedBlocks(); i++) {
            got += 1 << cz.free.isolatedOrder(i);
        }
        if (targets.length < got) {
            targets = new int[Math.max(got, targets.length * 2)];
        }
        int k = got;
        for (int i = 0; i < cz.free.isolatedBlocks(); i++) {
            int r = (int) (cz.free.isolatedPfn(i) - base);
            for (int j = 0; j < 1 << cz.free.isolatedOrder(i); j++) {
                targets[--k] = r + j;
            }
        }
        cz.free.clearIsolated();
        targetHead = 0;
        targetTail = got;
    }
}
