package io.fragtrace.replay;

import io.fragtrace.parser.Field;
import io.fragtrace.parser.MigrateMode;
import io.fragtrace.parser.ParsedEvent;
import io.fragtrace.replay.Consistency.Kind;
import io.fragtrace.replay.model.BuddyModel;
import io.fragtrace.replay.model.KernelSemantics;

import java.util.Arrays;

import static io.fragtrace.replay.model.BuddyModel.KIND_BUDDY;
import static io.fragtrace.replay.model.KernelSemantics.MIGRATE_MOVABLE;

/**
 * Compaction in observed mode (mm/compaction.c): each compacting task's compact_control as its events tell it, and
 * the paths the kernel does not trace, inferred from the events around them: fast_isolate_freepages() (untraced on
 * 6.1, summarised on 6.5+), fast_find_migrateblock(), the free scanner's blocks (isolate_freepages_block()), and
 * compaction_capture()'s bookkeeping. Part of {@link ObservedReplay}, which owns the model and the counts.
 */
final class ObservedCompaction {
    private final ObservedReplay r;
    private final BuddyModel m;
    private final KernelSemantics ks;
    private final Consistency consistency;

    ObservedCompaction(ObservedReplay replay) {
        this.r = replay;
        this.m = replay.model();
        this.ks = m.ks;
        this.consistency = replay.consistency();
    }

    /** mm_compaction_try_to_compact_pages / kcompactd_wake: the order the task's next pass compacts for. */
    void compactionFor(ParsedEvent e) {
        compactionOf(e.pid()).order = e.order();
    }

    /** mm_compaction_finished: the order the pass compacts for (known even when the task's start was not seen). */
    void compactionFinished(ParsedEvent e) {
        Compaction c = compaction(e.pid());
        if (c != null && c.active) {
            c.order = e.order();
        }
    }

    /** A free by a task inside migrate_pages() of a compaction batch: one more migration target consumed. */
    void sourceFreed(ParsedEvent e, int order) {
        if (compactions.length != 0) {
            Compaction c = compaction(e.pid());
            if (c != null && c.migrating) {
                targetConsumed(e, c, order);
            }
        }
    }

    /** compaction_capture(): the order a direct compaction of this task in zone z would capture, else -1. */
    int captureOrder(int pid, int z) {
        Compaction c = compaction(pid);
        return c != null && c.active && c.direct && !c.captured && c.zone == z ? c.order : -1;
    }

    /** The task's compaction captured its page (capc->page set: no second capture in this pass). */
    void captured(int pid) {
        compaction(pid).captured = true;
    }

    /** Per compacting task (pid): what the trace told about its current compact_control. */
    private static final class Compaction {
        int zone = -1;
        int order = -1;
        boolean direct;
        boolean active;
        boolean captured;
        boolean async;
        long migratePfn;
        long freePfn;
        long zoneStart;
        long zoneEnd;
        /** Free pages isolated (traced + inferred) not yet consumed as migration targets or released. */
        long nrFreepages;
        /** cc->nr_migratepages of the batch being migrated. */
        long nrMigratepages;
        int searchOrder;
        int fastSearchFail;
        /** Inside migrate_pages() of a compaction batch. */
        boolean migrating;
        /** Target pages consumed so far in this batch (estimated from the source pages freed). */
        long consumed;
        /** Consumption level at which the isolated targets run out and isolate_freepages() runs again. */
        long refillAt;
        /** zone->compact_init_free_pfn as this compaction found it (approximated by its starting free_pfn). */
        long initFreePfn;
        long beginFreePfn;
        /** isolate_freepages() stride for the next block: 0 = a new call (COMPACT_CLUSTER_MAX if async, else 1). */
        int stride;
    }

    /** zone->compact_init_free_pfn per zone as the 6.12 fast-search summaries revealed it (MIN_VALUE: unknown). */
    private long[] zoneInitFreePfn;

    private long initFreePfn(int z) {
        if (zoneInitFreePfn == null) {
            zoneInitFreePfn = new long[m.zoneCount()];
            Arrays.fill(zoneInitFreePfn, Long.MIN_VALUE);
        }
        return zoneInitFreePfn[z];
    }

    /** zone->compact_cached_free_pfn per zone, as fast_isolate_freepages() moves it. */
    private long[] cachedFreePfn;

    /** Compacting tasks seen (few): looked up by pid without boxing. */
    private Compaction[] compactions = new Compaction[0];
    private int[] compactionPids = new int[0];

    /** The compaction state of a task, or null (no allocation). */
    Compaction compaction(int pid) {
        for (int i = 0; i < compactionPids.length; i++) {
            if (compactionPids[i] == pid) {
                return compactions[i];
            }
        }
        return null;
    }

    Compaction compactionOf(int pid) {
        Compaction c = compaction(pid);
        if (c == null) {
            c = new Compaction();
            compactions = Arrays.copyOf(compactions, compactions.length + 1);
            compactionPids = Arrays.copyOf(compactionPids, compactionPids.length + 1);
            compactions[compactions.length - 1] = c;
            compactionPids[compactionPids.length - 1] = pid;
        }
        return c;
    }

    // ------------------------------------------------------------------ compaction

    void compactionBegin(ParsedEvent e) {
        Compaction c = compactionOf(e.pid());
        c.zoneStart = e.get(Field.ZONE_START);
        c.zoneEnd = e.get(Field.ZONE_END);
        c.zone = m.zoneOf(c.zoneStart);
        c.migratePfn = e.get(Field.MIGRATE_PFN);
        c.freePfn = e.get(Field.FREE_PFN);
        c.beginFreePfn = c.freePfn;
        // zone->compact_init_free_pfn: set by __reset_isolation_suitable() to the highest suitable pageblock; the
        // top pageblock unless a 6.12 fast-search summary tells otherwise (see fastIsolateFreepages)
        c.initFreePfn = c.zone >= 0 && initFreePfn(c.zone) != Long.MIN_VALUE ? initFreePfn(c.zone)
                : (c.zoneEnd - 1) & -(1L << ks.pageblockOrder());
        c.async = MigrateMode.byOrdinal(e.get(Field.MODE)) == MigrateMode.ASYNC;
        c.active = true;
        c.captured = false;
        c.nrFreepages = 0;
        c.nrMigratepages = 0;
        c.searchOrder = Integer.MAX_VALUE; // cc->search_order = cc->order (known from finished/try_to_compact/wake)
        c.fastSearchFail = 0;
        c.migrating = false;
        c.stride = 0;
        // kcompactd and proactive compaction never capture (task_capc: PF_KTHREAD); direct compaction follows
        // mm_compaction_try_to_compact_pages of the same task
        c.direct = c.order >= 0 && !e.comm().startsWith("kcompactd");
    }

    void compactionEnd(ParsedEvent e) {
        Compaction c = compaction(e.pid());
        if (c != null) {
            c.active = false;
            c.order = -1;
            c.nrFreepages = 0;
        }
    }

    void isolateMigratepages(ParsedEvent e) {
        Compaction c = compaction(e.pid());
        if (c != null && e.has(Field.RANGE_END)) {
            if (r.modelUntraced() && FAST_FIND_MIGRATEBLOCK && c.active && c.zone >= 0 && r.inWindow(c.zone, e.timestampNs())) {
                fastFindMigrateblock(c, e.get(Field.RANGE_START));
            }
            c.migratePfn = e.get(Field.RANGE_END);
            c.nrMigratepages = e.get(Field.NR_TAKEN);
            c.stride = 0;
        }
    }

    void compactionMigratepages(ParsedEvent e) {
        Compaction c = compaction(e.pid());
        if (c != null) {
            // migrate_pages() consumed nr_migrated targets; failed ones went back to cc->freepages (compaction_free)
            c.nrFreepages = Math.max(0, c.nrFreepages - e.get(Field.NR_MIGRATED));
            c.nrMigratepages = 0;
            c.migrating = false;
            c.stride = 0;
        }
    }

    /**
     * mm_migrate_pages_start of a compacting task: migrate_pages() is about to call compaction_alloc() for each
     * page. On 6.1 the free scanner's fast path (fast_isolate_freepages) is not traced: when cc->freepages is empty
     * it runs here, and again each time the isolated targets run out during the batch (see {@link #pageFree}).
     */
    void migratePagesStart(ParsedEvent e) {
        Compaction c = compaction(e.pid());
        if (c == null || !c.active || c.zone < 0 || ks.extfragTakesPage() || !r.modelUntraced()) {
            return;
        }
        c.migrating = true;
        c.stride = 0;
        c.consumed = 0;
        c.refillAt = c.nrFreepages;
        if (c.nrFreepages == 0 && c.nrMigratepages > 0) {
            fastIsolateFreepages61(e, c);
            c.refillAt = c.nrFreepages;
        }
    }

    /** A source page freed during a compaction batch = one more target consumed; refill when they run out. */
    void targetConsumed(ParsedEvent e, Compaction c, int order) {
        c.consumed += 1L << order;
        if (c.consumed >= c.refillAt && c.consumed < c.nrMigratepages) {
            long before = c.nrFreepages;
            c.nrFreepages = Math.max(0, c.nrFreepages - c.consumed);
            c.nrMigratepages -= c.consumed;
            c.consumed = 0;
            fastIsolateFreepages61(e, c);
            c.refillAt = c.nrFreepages;
            if (c.nrFreepages == 0) {
                c.nrFreepages = before; // nothing found: the linear (traced) scanner takes over
                c.refillAt = Long.MAX_VALUE;
            }
        }
    }

    static final boolean FAST_FIND_MIGRATEBLOCK = !Boolean.getBoolean("fragtrace.noFastFindMigrateblock");

    /**
     * fast_find_migrateblock() (mm/compaction.c), untraced: at the start of a migration-scanner pageblock, for
     * orders cc->order-1 .. PAGE_ALLOC_COSTLY_ORDER scan free_list[MIGRATE_MOVABLE] from the head for a free page
     * below high_pfn whose pageblock is not skip-marked; move_freelist_tail() it (and the entries before it), or the
     * entry where the scan limit ran out. Skip bits are not traced: the pageblock the scanner then starts in (range
     * start) tells which candidate was taken; candidates before it were skip-marked.
     */
    void fastFindMigrateblock(Compaction c, long rangeStart) {
        long pfn = c.migratePfn;
        var zone = m.zone(c.zone);
        long pbMask = -(1L << ks.pageblockOrder());
        if (pfn != zone.start && pfn != (pfn & pbMask)) {
            return;
        }
        if (c.order <= KernelSemantics.PAGE_ALLOC_COSTLY_ORDER) {
            return;
        }
        int limit = (32 >> Math.min(31, c.fastSearchFail)) + 1;
        long distance = (c.freePfn - pfn) >> 1;
        if (pfn != zone.start) {
            distance >>= 2;
        }
        long highPfn = (pfn + distance) & pbMask;
        long target = Math.max(rangeStart & pbMask, zone.start);
        int nrScanned = 0;
        boolean found = false;
        for (int order = c.order - 1; order >= KernelSemantics.PAGE_ALLOC_COSTLY_ORDER && !found && nrScanned < limit;
                order--) {
            if (m.nrFree(c.zone, order) == 0) {
                continue;
            }
            long[] list = m.freeList(c.zone, order, MIGRATE_MOVABLE);
            for (int i = 0; i < list.length; i++) {
                if (nrScanned++ >= limit) {
                    moveFreelistTail(c.zone, list, i, order);
                    break;
                }
                long fp = list[i];
                if (fp < highPfn && Math.max(fp & pbMask, zone.start) == target) {
                    moveFreelistTail(c.zone, list, i, order);
                    found = true;
                    break;
                }
            }
        }
        if (found) {
            c.fastSearchFail = 0;
        } else {
            c.fastSearchFail++;
        }
    }

    /** move_freelist_tail() (mm/compaction.c): the entries up to and including list[idx] go to the tail. */
    void moveFreelistTail(int z, long[] list, int idx, int order) {
        if (idx == 0) {
            return; // list_is_first(): nothing to move
        }
        for (int i = 0; i <= idx; i++) {
            m.moveToFreeList(z, list[i], order, MIGRATE_MOVABLE);
        }
    }

    /** next_search_order() (mm/compaction.c). */
    private static int nextSearchOrder(Compaction c, int order) {
        order--;
        if (order < 0) {
            order = c.order - 1;
        }
        if (order == c.searchOrder) {
            c.searchOrder--;
            if (c.searchOrder < 0) {
                c.searchOrder = c.order - 1;
            }
            return -1;
        }
        return order;
    }

    /**
     * fast_isolate_freepages() (mm/compaction.c; untraced in 6.1, summarised by mm_compaction_fast_isolate_freepages
     * from 6.5): searches free_list[MIGRATE_MOVABLE] from the tail, orders from cc->search_order down
     * (next_search_order), for a block at or above low_pfn (top quarter of the scan space), else the highest one above
     * min_pfn (top half), within a scan limit; rotates each scanned list (move_freelist_head) and isolates at most
     * one block. With apply=false nothing changes (dry run). Returns {nr_scanned, nr_isolated, pfn or -1}.
     */
    long[] fastSearch(ParsedEvent e, Compaction c, long freePfn, boolean apply) {
        if (c.order <= 0) {
            return new long[] {0, 0, -1};
        }
        int savedSearchOrder = c.searchOrder;
        int savedFail = c.fastSearchFail;
        int z = c.zone;
        var zone = m.zone(z);
        if (cachedFreePfn == null) {
            cachedFreePfn = new long[m.zoneCount()];
            Arrays.fill(cachedFreePfn, Long.MIN_VALUE);
        }
        int pbOrder = ks.pageblockOrder();
        long pbMask = -(1L << pbOrder);
        int limit = Math.max(1, ((32 >> Math.min(31, c.fastSearchFail)) + 1) >> 1);
        boolean scanStart = false;
        long initFree = c.initFreePfn;
        if (freePfn >= initFree) {
            limit = (1 << pbOrder) >> 1;
            scanStart = true;
        }
        long distance = freePfn - c.migratePfn;
        long lowPfn = (freePfn - (distance >> 2)) & pbMask;
        long minPfn = (freePfn - (distance >> 1)) & pbMask;
        if (minPfn > lowPfn) {
            lowPfn = minPfn;
        }
        c.searchOrder = Math.min(c.order - 1, c.searchOrder);
        long page = -1;
        int pageOrder = -1;
        long highest = 0;
        long nrScanned = 0;
        for (int order = c.searchOrder; page < 0 && order >= 0; order = nextSearchOrder(c, order)) {
            if (m.nrFree(z, order) == 0) {
                continue;
            }
            long[] list = m.freeList(z, order, MIGRATE_MOVABLE);
            int orderScanned = 0;
            long highPfn = 0;
            int freepageIdx = -1;
            int highIdx = -1;
            for (int i = list.length - 1; i >= 0; i--) {
                orderScanned++;
                nrScanned++;
                long pfn = list[i];
                if (pfn >= highest) {
                    highest = Math.max(pfn & pbMask, zone.start);
                }
                if (pfn >= lowPfn) {
                    c.fastSearchFail = 0;
                    c.searchOrder = order;
                    page = pfn;
                    freepageIdx = i;
                    break;
                }
                if (pfn >= minPfn && pfn > highPfn) {
                    highPfn = pfn;
                    highIdx = i;
                    limit >>= 1;
                }
                if (orderScanned >= limit) {
                    freepageIdx = i;
                    break;
                }
            }
            if (page < 0 && highPfn != 0) {
                page = highPfn;
                freepageIdx = highIdx;
            }
            if (apply) {
                // move_freelist_head(): the entries before freepage go to the tail
                for (int i = 0; i < freepageIdx; i++) {
                    m.moveToFreeList(z, list[i], order, MIGRATE_MOVABLE);
                }
            }
            if (page >= 0) {
                pageOrder = order;
                nrScanned += (1L << order) - 1;
                if (apply) {
                    m.isolateFreePage(page, order);
                    c.nrFreepages += 1L << order;
                }
            }
            if (orderScanned >= limit) {
                limit = Math.max(1, limit >> 1);
            }
        }
        if (page < 0) {
            c.fastSearchFail++;
            if (apply && scanStart) {
                if (highest >= minPfn) {
                    c.freePfn = highest;
                } else if (c.direct) {
                    c.freePfn = minPfn;
                }
            }
        }
        if (apply) {
            if (highest != 0 && highest >= cachedFreePfn[z]) {
                cachedFreePfn[z] = highest - (1L << pbOrder);
            }
        } else {
            c.searchOrder = savedSearchOrder;
            c.fastSearchFail = savedFail;
        }
        return new long[] {nrScanned, pageOrder < 0 ? 0 : 1L << pageOrder, page};
    }

    /** 6.1: the untraced fast search, applied where compaction_alloc() found cc->freepages empty. */
    void fastIsolateFreepages61(ParsedEvent e, Compaction c) {
        long[] r = fastSearch(e, c, c.freePfn, true);
        if (r[2] >= 0) {
            this.r.guesses.record(r[2], Long.numberOfTrailingZeros(r[1]), MIGRATE_MOVABLE, c.zone);
            consistency.add(Kind.UNTRACED_ISOLATION, e.timestampNs(), e.line(), "fast_isolate_freepages", r[2],
                    Long.numberOfTrailingZeros(r[1]));
        }
    }

    // scratch for the free scanner simulation (no allocation per event)
    private long[] scanPfn = new long[64];
    private int[] scanOrder = new int[64];
    private int scanN;

    /**
     * mm_compaction_isolate_freepages (isolate_freepages_block): the free scanner walked [start, end) with some
     * stride (32 for async, halved/doubled per block; 1 in sync), isolating every PageBuddy head it landed on
     * (__isolate_free_page) and jumping over compound pages, until it had nr_taken pages. The stride is the one whose
     * simulation reproduces nr_scanned and nr_taken.
     */
    void isolateFreepages(ParsedEvent e) {
        long start = e.get(Field.RANGE_START);
        long end = e.get(Field.RANGE_END);
        long nrTaken = e.get(Field.NR_TAKEN);
        long nrScanned = e.get(Field.NR_SCANNED);
        int z = m.zoneOf(start);
        if (z < 0) {
            consistency.add(Kind.PFN_OUTSIDE_ZONES, e.timestampNs(), e.line(), "mm_compaction_isolate_freepages", start, 0);
            return;
        }
        if (!r.inWindow(z, e.timestampNs())) {
            r.countSkipped();
            return;
        }
        r.countApplied(e);
        Compaction c = compaction(e.pid());
        if (c != null) {
            long blockEnd = (start & -(1L << ks.pageblockOrder())) + (1L << ks.pageblockOrder());
            c.freePfn = end < blockEnd ? end : (start & -(1L << ks.pageblockOrder())) - (1L << ks.pageblockOrder());
            c.nrFreepages += nrTaken;
            if (c.migrating) {
                c.refillAt = c.consumed + c.nrFreepages;
            }
        }
        if (nrTaken == 0) {
            return;
        }
        end = Math.min(end, m.zone(z).end);
        // isolate_freepages(): stride = COMPACT_CLUSTER_MAX (32) for async, 1 for sync at each call; after a block
        // that isolated something 1, else doubled up to 32. The predicted stride stands unless another one, and not
        // it, reproduces the kernel's nr_scanned and nr_taken (the counts are exact; the prediction can be off)
        int predicted = -1;
        if (c != null) {
            predicted = c.stride != 0 ? c.stride : (c.async ? 32 : 1);
            c.stride = nrTaken > 0 ? 1 : Math.min(32, predicted * 2);
        }
        int best = predicted;
        if (predicted < 0 || !reproduces(start, end, predicted, nrScanned, nrTaken)) {
            int takenOnly = -1;
            for (int stride : STRIDES) {
                if (reproduces(start, end, stride, nrScanned, nrTaken)) {
                    best = stride;
                    takenOnly = -1;
                    break;
                }
                if (takenOnly < 0 && scanTaken == nrTaken) {
                    takenOnly = stride;
                }
            }
            if (best == predicted && takenOnly >= 0 && predicted < 0) {
                best = takenOnly;
            }
        }
        if (best < 0) {
            best = 1;
        }
        simulateFreeScan(start, end, best, nrTaken);
        long taken = 0;
        for (int i = 0; i < scanN; i++) {
            m.isolateFreePage(scanPfn[i], scanOrder[i]);
            taken += 1L << scanOrder[i];
        }
        if (taken < nrTaken) {
            consistency.add(Kind.ISOLATE_SHORT, e.timestampNs(), e.line(),
                    "isolate_freepages took " + taken + " of " + nrTaken, start, 0);
        }
    }

    private long scanTaken;

    private boolean reproduces(long start, long end, int stride, long nrScanned, long nrTaken) {
        long[] r = simulateFreeScan(start, end, stride, nrTaken);
        scanTaken = r[1];
        return r[0] == nrScanned && r[1] == nrTaken;
    }

    /** isolate_freepages() strides: 1 (sync, or after a block that isolated), 32 (async start), halvings between. */
    private static final int[] STRIDES = {1, 32, 16, 8, 4, 2};

    /** Returns {nr_scanned, nr_taken}; fills scanPfn/scanOrder with the blocks isolate_freepages_block() takes. */
    private long[] simulateFreeScan(long start, long end, int stride, long nrTaken) {
        // isolate_freepages_block() (mm/compaction.c): one nr_scanned per step, plus the rest of an isolated buddy
        // block or of a compound page it jumps over. It stops early only when enough pages are isolated, and then
        // the traced range ends right after that block, so the whole traced range is walked here; blocks beyond
        // nr_taken (the model has more free there than the kernel had) are counted as scanned, not taken.
        scanN = 0;
        long scanned = 0;
        long taken = 0;
        long bp = start;
        while (bp < end) {
            scanned++;
            int kind = m.kind(bp);
            if (kind == KIND_BUDDY && taken < nrTaken) {
                int k = m.orderAt(bp);
                if (scanN == scanPfn.length) {
                    scanPfn = Arrays.copyOf(scanPfn, scanN * 2);
                    scanOrder = Arrays.copyOf(scanOrder, scanN * 2);
                }
                scanPfn[scanN] = bp;
                scanOrder[scanN++] = k;
                scanned += (1L << k) - 1;
                taken += 1L << k;
                bp += (1L << k) - 1 + stride;
                continue;
            }
            if (kind == 0 && m.isCompoundHead(bp) && bp + (1L << m.orderAt(bp)) <= end) {
                scanned += (1L << m.orderAt(bp)) - 1;
                bp += (1L << m.orderAt(bp)) - 1;
            }
            bp += stride;
        }
        return new long[] {scanned, taken};
    }

    /**
     * mm_compaction_fast_isolate_freepages (6.5+, fast_isolate_freepages): range = (min_pfn ~ cc->free_pfn), at most
     * one block of order log2(nr_taken) taken from the tail side of free_list[MIGRATE_MOVABLE]: the first block at
     * or above low_pfn, else the highest candidate at or above min_pfn; move_freelist_head() rotates the list so
     * the blocks before it go to the tail.
     */
    void fastIsolateFreepages(ParsedEvent e) {
        long minPfn = e.get(Field.RANGE_START);
        long freePfn = e.get(Field.RANGE_END);
        long nrTaken = e.get(Field.NR_TAKEN);
        int z = m.zoneOf(minPfn);
        if (z < 0 || !r.inWindow(z, e.timestampNs())) {
            r.countSkipped();
            return;
        }
        r.countApplied(e);
        Compaction c = compaction(e.pid());
        if (c != null && c.active && c.zone == z) {
            // the event closes the kernel's own fast_isolate_freepages(): replay the search exactly when a dry run
            // reproduces its figures (range start = min_pfn, end = cc->free_pfn at entry)
            long[] dry = fastSearch(e, c, freePfn, false);
            initFreePfn(z);
            if (dry[0] != e.get(Field.NR_SCANNED) || dry[1] != nrTaken) {
                // zone->compact_init_free_pfn is untraced: 0 until the first __reset_isolation_suitable(), then the
                // highest pageblock it found with a free page; try the values it can have
                long top = c.initFreePfn;
                for (long cand : new long[] {c.beginFreePfn, m.zone(z).start}) {
                    if (cand == top) {
                        continue;
                    }
                    c.initFreePfn = cand;
                    long[] alt = fastSearch(e, c, freePfn, false);
                    if (alt[1] == nrTaken && alt[0] == e.get(Field.NR_SCANNED)) {
                        dry = alt;
                        zoneInitFreePfn[z] = cand;
                        break;
                    }
                    c.initFreePfn = top;
                }
            }
            if (dry[1] == nrTaken && dry[0] == e.get(Field.NR_SCANNED)) {
                fastSearch(e, c, freePfn, true);
                return;
            }
            consistency.add(Kind.FAST_ISOLATE_APPROX, e.timestampNs(), e.line(),
                    "fast_isolate_freepages nr_scanned not reproduced (" + dry[0] + " vs " + e.get(Field.NR_SCANNED) + ")",
                    minPfn, Long.numberOfTrailingZeros(Math.max(1, nrTaken)));
            // keep cc->search_order / fast_search_fail as the kernel left them
            if (nrTaken > 0 && Long.bitCount(nrTaken) == 1) {
                c.searchOrder = Long.numberOfTrailingZeros(nrTaken);
                c.fastSearchFail = 0;
            } else {
                c.fastSearchFail++;
            }
        }
        if (nrTaken == 0 || Long.bitCount(nrTaken) != 1) {
            return;
        }
        int order = Long.numberOfTrailingZeros(nrTaken);
        long migratePfn = c != null ? c.migratePfn : minPfn;
        long pbMask = -(1L << ks.pageblockOrder());
        long distance = freePfn - migratePfn;
        long lowPfn = (freePfn - (distance >> 2)) & pbMask;
        if (((freePfn - (distance >> 1)) & pbMask) != minPfn) {
            // migrate_pfn unknown: approximate distance from min_pfn
            long half = freePfn - minPfn;
            lowPfn = (freePfn - (half >> 1)) & pbMask;
        }
        long[] list = m.freeList(z, order, MIGRATE_MOVABLE);
        long page = -1;
        long high = -1;
        for (int i = list.length - 1; i >= 0; i--) {
            long p = list[i];
            if (p >= lowPfn) {
                page = p;
                break;
            }
            if (p >= minPfn && p > high) {
                high = p;
            }
        }
        if (page < 0) {
            page = high;
        }
        if (page < 0) {
            consistency.add(Kind.FAST_ISOLATE_NOT_FOUND, e.timestampNs(), e.line(), "fast_isolate_freepages", minPfn, order);
            return;
        }
        // move_freelist_head(): the entries before page go to the tail
        int idx = -1;
        for (int i = 0; i < list.length; i++) {
            if (list[i] == page) {
                idx = i;
                break;
            }
        }
        for (int i = 0; i < idx; i++) {
            m.moveToFreeList(z, list[i], order, MIGRATE_MOVABLE);
        }
        m.isolateFreePage(page, order);
        r.guesses.record(page, order, MIGRATE_MOVABLE, z);
        if (c != null) {
            c.nrFreepages += nrTaken;
            c.freePfn = freePfn;
        }
    }
}
