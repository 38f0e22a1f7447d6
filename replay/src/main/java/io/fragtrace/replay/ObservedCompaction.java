package io.fragtrace.replay;

import io.fragtrace.parser.CompactStatus;
import io.fragtrace.parser.EventType;
import io.fragtrace.parser.Gfp;
import io.fragtrace.parser.Field;
import io.fragtrace.parser.MigrateMode;
import io.fragtrace.parser.ParsedEvent;
import io.fragtrace.replay.Consistency.Kind;
import io.fragtrace.replay.compaction.CompactingTasks;
import io.fragtrace.replay.compaction.CompactionContext;
import io.fragtrace.replay.model.BuddyModel;
import io.fragtrace.replay.model.CompactControl;
import io.fragtrace.replay.model.Compaction;
import io.fragtrace.replay.model.CompactionFreeScanner;
import io.fragtrace.replay.model.CompactionMigrateScanner;
import io.fragtrace.replay.model.KernelSemantics;


import java.util.ArrayList;
import java.util.List;

import static io.fragtrace.replay.model.BuddyModel.KIND_NONE;
import static io.fragtrace.replay.model.KernelSemantics.MIGRATE_MOVABLE;

/**
 * Compaction in observed mode: each compacting task's compact_control as its events tell it, handed to the one
 * compaction model ({@link Compaction}, mm/compaction.c) for the paths the kernel does not trace:
 * fast_isolate_freepages() (untraced on 6.1, summarised on 6.5+), fast_find_migrateblock(), the free scanner's blocks
 * (isolate_freepages_block() with its stride), and compaction_capture()'s task test. Part of {@link ObservedReplay},
 * which owns the model and the counts.
 */
final class ObservedCompaction {
    private final ObservedReplay r;
    private final BuddyModel m;
    private final KernelSemantics ks;
    private final Consistency consistency;
    /** The compaction model shared with simulate mode; here the trace decides where it can. */
    private final Compaction cz;
    /** What an allocated page is, as the trace told it (compound heads from __GFP_COMP allocations). */
    private final Compaction.Pages pages;

    ObservedCompaction(ObservedReplay replay) {
        this.r = replay;
        this.m = replay.model();
        this.ks = m.ks;
        this.consistency = replay.consistency();
        this.cz = new Compaction(m);
        this.flushNs = new long[m.zoneCount()];
        this.pages = pfn -> m.kind(pfn) == KIND_NONE && m.isCompoundHead(pfn) ? m.orderAt(pfn) : -1;
    }

    /** mm_compaction_try_to_compact_pages / kcompactd_wake: the order the task's next pass compacts for. */
    void compactionFor(ParsedEvent e) {
        tasks.onEvent(e);
        Task c = taskOf(e.pid());
        c.order = e.order();
        // cc->migratetype = gfp_migratetype(gfp_mask) of try_to_compact_pages(); kcompactd_wake carries no gfp
        long gfp = e.gfpBits();
        c.gfpMigratetype = e.gfpId() >= 0 ? Gfp.migratetype(gfp) : -1;
    }

    /** mm_page_alloc (closes the task's direct compaction request of its order) and kcompactd_sleep. */
    void follow(ParsedEvent e) {
        tasks.onEvent(e);
    }

    /**
     * mm_compaction_finished: the order the pass compacts for (known even when the task's start was not seen). On
     * continue / no_suitable_page (compact_finished() turns the latter into COMPACT_CONTINUE) compact_zone() goes on
     * to isolate_migratepages(), whose first step is fast_find_migrateblock() under zone->lock: the search sees the
     * free lists as they are now. What it found shows only at the task's mm_compaction_isolate_migratepages, printed
     * at the end of isolate_migratepages_block(), whose cond_resched() at its first pfn may switch the task out
     * while other CPUs free to the lists; the lists as the search saw them are kept for then. The isolate event
     * applies the search as of now when the trace shows the task left its CPU in between (the search came before
     * that), else as of itself (nothing tells when it ran: a virtual CPU can stall anywhere in between).
     */
    void compactionFinished(ParsedEvent e) {
        Task c = task(e.pid());
        if (c != null && tasks.has(e.pid(), CompactingTasks.PASS)) {
            c.order = e.order();
            dropSearch(c);
            CompactStatus st = CompactStatus.byOrdinal(e.get(Field.STATUS));
            if ((st == CompactStatus.CONTINUE || st == CompactStatus.NO_SUITABLE_PAGE) && r.modelUntraced()
                    && FAST_FIND_MIGRATEBLOCK && c.z >= 0 && r.inWindow(c.z, e.timestampNs())) {
                c.fastSearch = cz.migrate.fastSearchNow(c);
                if (c.fastSearch != null) {
                    c.searchPid = e.pid();
                    c.searchCpu = e.cpu();
                    c.switchedOut = false;
                    searching.add(c);
                }
            }
        }
    }

    /** A free by a task inside migrate_pages() of a compaction batch: one more migration target consumed. */
    void sourceFreed(ParsedEvent e, int order) {
        if (tasks.seen() != 0) {
            Task c = task(e.pid());
            if (c != null && c.migrating) {
                targetConsumed(e, c, order);
            }
        }
    }

    /**
     * mm/compaction.c compaction_free() (6.9+): a migration target that migrate_pages() gives back (the move failed
     * or will be retried) goes through free_pages_prepare(), which prints mm_page_free, and back to the head of
     * cc->freepages, where the next compaction_alloc() takes it again: no free list sees it. True when this free is
     * one: an mm_page_free in task context by a compacting task inside migrate_pages() of its batch, of a page
     * outside the batch's source range (the pages isolate_migratepages() took, whose frees are the migrated ones).
     */
    boolean targetReturned(ParsedEvent e, long pfn) {
        // migrate_pages() may sleep: it runs at preempt depth 0 (a deeper free is another path's, e.g. a folio_batch)
        if (!ks.compactionFreeTraced() || tasks.seen() == 0 || (e.hasIrqFlags() && (e.inInterrupt() || e.preemptDepth() != 0))) {
            return false;
        }
        Task c = task(e.pid());
        if (c == null || !c.inBatch || !tasks.has(e.pid(), CompactingTasks.PASS) || (pfn >= c.sourceStart && pfn < c.sourceEnd)) {
            return false;
        }
        c.heldPfn = pfn;
        c.heldOrder = e.has(Field.ORDER) ? e.order() : 0;
        c.heldCpu = e.cpu();
        held++;
        return true;
    }

    /** Tasks with a {@link Task#heldPfn}. */
    private int held;

    /**
     * mm/migrate.c migrate_folio_move(): after a move, folio_put(dst) frees the target when its owner let go of it
     * meanwhile, and migrate_folio_done(src) frees the source next. So a free {@link #targetReturned} took for
     * compaction_free() that the task's next event shows followed by a source free (in the batch's range, depth 0)
     * was that folio_put(dst): a real free. Returns the held pfn to free (order: {@link #heldOrder(int)}), or -1;
     * any other next event of the task leaves it returned.
     */
    long heldRealFree(ParsedEvent e) {
        if (held == 0 || (e.hasIrqFlags() && e.inInterrupt())) {
            return -1;
        }
        Task c = task(e.pid());
        if (c == null || c.heldPfn < 0) {
            return -1;
        }
        long pfn = c.heldPfn;
        c.heldPfn = -1;
        held--;
        boolean source = e.type() == EventType.MM_PAGE_FREE && c.inBatch && e.pfn() >= c.sourceStart
                && e.pfn() < c.sourceEnd && !(e.hasIrqFlags() && e.preemptDepth() != 0);
        lastHeldOrder = c.heldOrder;
        lastHeldCpu = c.heldCpu;
        return source ? pfn : -1;
    }

    private int lastHeldOrder;
    private int lastHeldCpu;

    /** The order of the pfn {@link #heldRealFree} returned. */
    int heldOrder() {
        return lastHeldOrder;
    }

    /** The CPU whose pcp list the pfn {@link #heldRealFree} returned went to. */
    int heldCpu() {
        return lastHeldCpu;
    }

    /** compaction_capture(): the order a direct compaction of this task in zone z would capture, else -1. */
    int captureOrder(int pid, int z) {
        Task c = task(pid);
        return c != null && tasks.has(pid, CompactingTasks.PASS) ? Compaction.compactionCapture(c, z) : -1;
    }

    /** cc->migratetype of the task's compaction (compaction_capture()'s 6.12 movable rule), -1 when not traced. */
    int captureMigratetype(int pid) {
        Task c = task(pid);
        return c != null ? c.gfpMigratetype : -1;
    }

    /**
     * The task is inside a compaction pass (compact_zone() between mm_compaction_begin and _end) and not inside
     * migrate_pages(), whose frees are the migrated source pages: where release_freepages() frees cc->freepages.
     */
    boolean releasing(int pid) {
        if (tasks.seen() == 0 || !tasks.has(pid, CompactingTasks.PASS)) {
            return false;
        }
        Task c = task(pid);
        return c != null && !c.migrating;
    }

    /** The task's compaction captured its page (capc->page set: no second capture in this pass). */
    void captured(int pid) {
        task(pid).capturedPfn = m.lastCaptured();
    }

    /**
     * Per compacting task: the compact_control as the trace told it, and what observed mode adds (which task is in
     * a pass, and whether it is a direct one: {@link CompactingTasks}).
     */
    private static final class Task extends CompactControl {
        long zoneStart;
        long zoneEnd;
        /** gfp_migratetype() of the last mm_compaction_try_to_compact_pages' gfp_mask, -1 when not traced. */
        int gfpMigratetype = -1;
        /** Inside migrate_pages() of a compaction batch. */
        boolean migrating;
        /** Target pages consumed so far in this batch (estimated from the source pages freed). */
        long consumed;
        /** Targets of this batch already taken off nrFreepages at a refill. */
        long accounted;
        /** Consumption level at which the isolated targets run out and isolate_freepages() runs again. */
        long refillAt;
        long beginFreePfn;
        /** isolate_freepages() stride for the next block: 0 = a new call (COMPACT_CLUSTER_MAX if async, else 1). */
        int stride;
        /** cc->nr_migratepages of the batch (compaction_alloc() does not lower it). */
        long batch;
        /** The untraced fast search found a page: its fast_isolate_around() is the next traced free-scanner block. */
        boolean aroundPending;
        /** Inside migrate_pages() of a compaction batch (mm_migrate_pages_start to mm_compaction_migratepages). */
        boolean inBatch;
        /** The batch's source range, [start, end) of its mm_compaction_isolate_migratepages. */
        long sourceStart;
        long sourceEnd;
        /** The last target taken as given back (compaction_free()), until the task's next event decides; -1: none. */
        long heldPfn = -1;
        int heldOrder;
        int heldCpu;
        /** The lists fast_find_migrateblock() saw at the last mm_compaction_finished, until its isolate event. */
        CompactionMigrateScanner.FastSearch fastSearch;
        /** The pid and CPU of that mm_compaction_finished. */
        int searchPid;
        int searchCpu;
        /** The task has left that CPU since (another task's event on it, or its isolate event on another CPU). */
        boolean switchedOut;
    }

    /** Which task is in which part of compaction, and each one's {@link Task}. */
    private final CompactingTasks<Task> tasks = new CompactingTasks<>(Task::new);

    /** The compaction state of a task, or null (no allocation). */
    private Task task(int pid) {
        return tasks.dataOrNull(pid);
    }

    private Task taskOf(int pid) {
        return tasks.data(pid);
    }

    // ------------------------------------------------------------------ compaction

    void compactionBegin(ParsedEvent e) {
        Task c = taskOf(e.pid());
        c.zoneStart = e.get(Field.ZONE_START);
        c.zoneEnd = e.get(Field.ZONE_END);
        c.z = m.zoneOf(c.zoneStart);
        c.migratePfn = e.get(Field.MIGRATE_PFN);
        c.freePfn = e.get(Field.FREE_PFN);
        c.beginFreePfn = c.freePfn;
        // zone->compact_init_free_pfn: 0 from boot (struct zone is zeroed) until __reset_isolation_suitable() sets it
        // and compact_cached_free_pfn to one reset_free, walked down from zone_end_pfn - 1 in pageblock steps: a pass
        // that starts at a free_pfn that is no pageblock start (every other writer stores one) shows it
        if (c.z >= 0 && (c.freePfn & ((1L << ks.pageblockOrder()) - 1)) != 0) {
            cz.setInitFreePfn(c.z, c.freePfn);
        }
        c.initFreePfn = c.z >= 0 ? cz.initFreePfn(c.z) : 0;
        c.mode = MigrateMode.byOrdinal(e.get(Field.MODE));
        c.capturedPfn = -1;
        c.fastStartPfn = 0;
        c.nrFreepages = 0;
        c.nrMigratepages = 0;
        c.searchOrder = Integer.MAX_VALUE; // cc->search_order = cc->order (known from finished/try_to_compact/wake)
        c.fastSearchFail = 0;
        c.migrating = false;
        c.stride = 0;
        dropSearch(c);
        // only direct compaction captures (task_capc: not kcompactd, PF_KTHREAD, nor a compact_memory write)
        c.direct = tasks.passBegin(e.pid(), e.comm()) == CompactionContext.DIRECT;
    }

    void compactionEnd(ParsedEvent e) {
        Task c = task(e.pid());
        CompactStatus st = CompactStatus.byOrdinal(e.get(Field.STATUS));
        if (c != null && c.z >= 0 && c.direct && tasks.has(e.pid(), CompactingTasks.PASS)
                && (st == CompactStatus.COMPLETE || st == CompactStatus.PARTIAL_SKIPPED)) {
            cz.blockskipFlush[c.z] = true; // __compact_finished(): a direct pass whose scanners met
            flushNs[c.z] = e.timestampNs();
        }
        tasks.passEnd(e.pid());
        if (c != null) {
            c.order = -1;
            c.nrFreepages = 0;
            c.inBatch = false;
            dropSearch(c);
        }
    }

    /** Tasks whose fast_find_migrateblock() ran (at mm_compaction_finished) and whose outcome is not traced yet. */
    private final List<Task> searching = new ArrayList<>();

    private void dropSearch(Task c) {
        c.fastSearch = null;
        if (!searching.isEmpty()) {
            searching.remove(c);
        }
    }

    /**
     * c's search is resolved (its move_freelist_tail() applied as of when it ran). Another task's search that ran
     * after it, in the same zone, saw the lists with that move done: it sees them as they are now (what changed in
     * between counts as before it, as when the searches are applied at their isolate events).
     */
    private void searchResolved(Task c) {
        // searching holds the tasks in the order their searches ran
        for (int i = searching.indexOf(c) + 1; i > 0 && i < searching.size(); i++) {
            Task o = searching.get(i);
            if (o.z == c.z) {
                o.fastSearch = cz.migrate.fastSearchNow(o);
            }
        }
    }

    /** When a direct pass flagged the zone (compact_blockskip_flush), per zone. */
    private final long[] flushNs;
    /** kswapd's last event was mm_vmscan_kswapd_sleep (a full sleep), not a wake. */
    private boolean kswapdAsleep;
    /** kswapd_try_to_sleep()'s nap: schedule_timeout(HZ/10), a tenth of a second whatever HZ is. */
    static final long KSWAPD_NAP_NS = 100_000_000L;

    /**
     * mm_vmscan_kswapd_wake / _sleep (mm/vmscan.c kswapd_try_to_sleep()): reset_isolation_suitable(), which runs
     * __reset_isolation_suitable() on a zone a direct compaction flagged, is called as kswapd starts its HZ/10 nap,
     * untraced. A wake that ends a nap (kswapd was not in a full sleep) follows it; a full sleep (mm_vmscan_kswapd_sleep,
     * after a nap that ran out) had it a nap's length before, when the flag had to be set already. A wake from a full
     * sleep had none (the next nap comes after this balance_pgdat()).
     */
    void kswapdSlept(ParsedEvent e) {
        boolean sleep = e.type() == EventType.MM_VMSCAN_KSWAPD_SLEEP;
        if (sleep || !kswapdAsleep) {
            long napStart = sleep ? e.timestampNs() - KSWAPD_NAP_NS : Long.MAX_VALUE;
            for (int z = 0; z < flushNs.length; z++) {
                if (cz.blockskipFlush[z] && flushNs[z] <= napStart && r.inWindow(z, e.timestampNs())) {
                    cz.resetIsolationSuitable(z, pages);
                }
            }
        }
        kswapdAsleep = sleep;
    }

    void isolateMigratepages(ParsedEvent e) {
        Task c = task(e.pid());
        if (c != null && e.has(Field.RANGE_END)) {
            if (r.modelUntraced() && FAST_FIND_MIGRATEBLOCK && tasks.has(e.pid(), CompactingTasks.PASS) && c.z >= 0 && r.inWindow(c.z, e.timestampNs())) {
                long start = e.get(Field.RANGE_START);
                long pbMask = -(1L << ks.pageblockOrder());
                // fast_find_migrateblock() returns a pageblock start when it finds a block, and cc->migrate_pfn
                // when that is no pageblock start; any other start is reinit_migrate_pfn()'s cc->fast_start_pfn
                // (a free page's pfn) after a search that found nothing
                boolean failed = (start & ~pbMask) != 0 && start != c.migratePfn && start != m.zone(c.z).start;
                // the search ran before the task left its CPU: as of mm_compaction_finished when the trace shows it
                // left in between, else (no sign of when it ran) as of this event
                boolean switched = c.fastSearch != null && (c.switchedOut || e.cpu() != c.searchCpu);
                cz.migrate.fastFindMigrateblock(c, failed ? CompactionMigrateScanner.NO_BLOCK : start,
                        switched ? c.fastSearch : null);
                searchResolved(c);
            }
            dropSearch(c);
            c.sourceStart = e.get(Field.RANGE_START);
            c.sourceEnd = e.get(Field.RANGE_END);
            c.migratePfn = e.get(Field.RANGE_END);
            c.nrMigratepages = e.get(Field.NR_TAKEN);
            c.batch = c.nrMigratepages;
            c.aroundPending = false;
            c.stride = 0;
        }
    }

    void compactionMigratepages(ParsedEvent e) {
        Task c = task(e.pid());
        if (c != null) {
            // migrate_pages() consumed nr_migrated targets (compaction_alloc(): cc->nr_freepages-- once per target;
            // failed ones went back, compaction_free()); those consumed before a refill are already taken off
            c.nrFreepages = Math.max(0, c.nrFreepages - Math.max(0, e.get(Field.NR_MIGRATED) - c.accounted));
            c.accounted = 0;
            c.nrMigratepages = 0;
            c.migrating = false;
            c.inBatch = false;
            c.stride = 0;
        }
    }

    /**
     * mm_migrate_pages_start of a compacting task: migrate_pages() is about to call compaction_alloc() for each
     * page. On 6.1 the free scanner's fast path (fast_isolate_freepages) is not traced: when cc->freepages is empty
     * it runs here, and again each time the isolated targets run out during the batch (see {@link #pageFree}).
     */
    void migratePagesStart(ParsedEvent e) {
        Task c = task(e.pid());
        if (c != null) {
            c.inBatch = tasks.has(e.pid(), CompactingTasks.PASS);
        }
        if (c == null || !tasks.has(e.pid(), CompactingTasks.PASS) || c.z < 0 || ks.extfragTakesPage() || !r.modelUntraced()) {
            return;
        }
        c.migrating = true;
        c.stride = 0;
        c.consumed = 0;
        c.accounted = 0;
        c.refillAt = c.nrFreepages;
        if (c.nrFreepages == 0 && c.nrMigratepages > 0) {
            fastIsolateFreepages61(e, c);
            c.refillAt = c.nrFreepages;
        }
    }

    /** A source page freed during a compaction batch = one more target consumed; refill when they run out. */
    private void targetConsumed(ParsedEvent e, Task c, int order) {
        c.consumed += 1L << order;
        if (c.consumed >= c.refillAt && c.consumed < c.nrMigratepages) {
            refillPending = c;
            refillPid = e.pid();
        }
    }

    /** The task whose next compaction_alloc() finds cc->freepages empty, and its pid; null when none is due. */
    private Task refillPending;
    private int refillPid;

    /**
     * Before each event: run a due refill. migrate_pages() (mm/migrate.c, 6.1) calls compaction_alloc() for the next
     * page only after the previous source page's free returned, and that free_unref_page() drains the pcp list
     * (free_unref_page_commit() -> free_pcppages_bulk(), the task's mm_page_pcpu_drain events after its
     * mm_page_free) when it exceeds pcp->high: the fast search sees the free lists after that drain.
     */
    void beforeEvent(ParsedEvent e) {
        for (int i = 0; i < searching.size(); i++) {
            Task t = searching.get(i);
            if (!t.switchedOut && e.cpu() == t.searchCpu && e.pid() != t.searchPid) {
                t.switchedOut = true; // another task runs on its CPU: it was switched out, its search done
            }
        }
        Task c = refillPending;
        if (c == null || e.type() == EventType.MM_PAGE_PCPU_DRAIN && e.pid() == refillPid) {
            return;
        }
        refillPending = null;
        if (!c.migrating || task(refillPid) != c) {
            return;
        }
        c.nrFreepages = Math.max(0, c.nrFreepages - c.consumed);
        c.nrMigratepages -= c.consumed;
        long used = c.consumed;
        c.consumed = 0;
        fastIsolateFreepages61(e, c);
        c.refillAt = c.nrFreepages;
        c.accounted += used; // compaction_alloc(): the targets used are gone whether or not the search finds one
        if (c.nrFreepages == 0) {
            c.refillAt = Long.MAX_VALUE; // nothing found: the linear (traced) scanner takes over
        }
    }

    static final boolean FAST_FIND_MIGRATEBLOCK = !Boolean.getBoolean("fragtrace.noFastFindMigrateblock");

    /** 6.1: the untraced fast search, applied where compaction_alloc() found cc->freepages empty. */
    private void fastIsolateFreepages61(ParsedEvent e, Task c) {
        cz.free.clearIsolated();
        c.initFreePfn = cz.initFreePfn(c.z); // read from the zone at each search, as the kernel does
        long[] r = cz.free.fastIsolateFreepages(c, c.freePfn, null, true, null, Compaction.TRACE_ISOLATES);
        // fast_isolate_around() (mm/compaction.c): after a found page, unless the pass is direct and async, and
        // only while cc->nr_freepages < cc->nr_migratepages, isolate_freepages_block() over the page's pageblock
        c.aroundPending = r[2] >= 0 && !(c.direct && c.async()) && c.nrFreepages < c.batch;
        if (r[2] >= 0) {
            this.r.guesses.record(r[2], Long.numberOfTrailingZeros(r[1]), MIGRATE_MOVABLE, c.z);
            consistency.add(Kind.UNTRACED_ISOLATION, e.timestampNs(), e.line(), "fast_isolate_freepages", r[2],
                    Long.numberOfTrailingZeros(r[1]));
        }
    }

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
        Task c = task(e.pid());
        boolean around = c != null && c.aroundPending;
        if (c != null) {
            // fast_isolate_around() scans with a local start pfn: cc->free_pfn stays where the free scanner was
            long blockEnd = (start & -(1L << ks.pageblockOrder())) + (1L << ks.pageblockOrder());
            c.nrFreepages += nrTaken;
            if (!around) {
                // isolate_freepages(): cc->free_pfn = isolate_start_pfn at the loop's end: where a block stopped
                // early, the block below one that gave enough, else (not enough yet: the loop walks on over the
                // untraced unsuitable blocks to low_pfn = pageblock_end_pfn(cc->migrate_pfn)) the block below it
                long pb = 1L << ks.pageblockOrder();
                long lowPfn = (c.migratePfn & -pb) + pb;
                c.freePfn = end < blockEnd ? end
                        : c.migrating && c.nrFreepages < c.batch ? lowPfn - pb
                        : (start & -pb) - pb;
            }
            c.aroundPending = false;
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
        if (around) {
            predicted = 1; // fast_isolate_around(): stride 1; the linear scanner's stride is its own
        } else if (c != null) {
            predicted = c.stride != 0 ? c.stride : (c.async() ? Compaction.COMPACT_CLUSTER_MAX : 1);
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
        freeScan(start, end, best, nrTaken);
        long taken = 0;
        for (int i = 0; i < cz.free.isolatedBlocks(); i++) {
            m.isolateFreePage(cz.free.isolatedPfn(i), cz.free.isolatedOrder(i));
            taken += 1L << cz.free.isolatedOrder(i);
        }
        cz.free.clearIsolated();
        if (taken < nrTaken) {
            consistency.add(Kind.ISOLATE_SHORT, e.timestampNs(), e.line(),
                    "isolate_freepages took " + taken + " of " + nrTaken, start, 0);
        }
    }

    private long scanTaken;

    private boolean reproduces(long start, long end, int stride, long nrScanned, long nrTaken) {
        long scanned = freeScan(start, end, stride, nrTaken);
        cz.free.clearIsolated();
        return scanned == nrScanned && scanTaken == nrTaken;
    }

    /** isolate_freepages() strides: 1 (sync, or after a block that isolated), 32 (async start), halvings between. */
    private static final int[] STRIDES = {1, 32, 16, 8, 4, 2};

    /**
     * A dry run of isolate_freepages_block() over the whole traced range (the kernel stops early only when enough
     * pages are isolated, and then the traced range ends right after that block); blocks beyond nr_taken (the model
     * has more free there than the kernel had) are counted as scanned, not taken. Returns nr_scanned; the blocks it
     * would take are the model's isolated list, their pages in {@link #scanTaken}.
     */
    private long freeScan(long start, long end, int stride, long nrTaken) {
        cz.free.clearIsolated();
        cz.free.isolateFreepagesBlock(null, start, end, stride, nrTaken, false, false, pages, Compaction.TRACE_ISOLATES);
        long taken = 0;
        for (int i = 0; i < cz.free.isolatedBlocks(); i++) {
            taken += 1L << cz.free.isolatedOrder(i);
        }
        scanTaken = taken;
        return cz.free.lastBlockScanned();
    }

    /**
     * mm_compaction_fast_isolate_freepages (6.5+, fast_isolate_freepages): range = (min_pfn ~ cc->free_pfn), at most
     * one block of order log2(nr_taken). The model's search is replayed as is when a dry run reproduces nr_scanned
     * and nr_taken; else (the lists, cc->migrate_pfn or the pass's start are not the kernel's) it runs with what the
     * trace says ({@link CompactionFreeScanner.FastTrace}: the order, min_pfn, nr_scanned as the scan limit) and picks the block.
     */
    void fastIsolateFreepages(ParsedEvent e) {
        long minPfn = e.get(Field.RANGE_START);
        long freePfn = e.get(Field.RANGE_END);
        long nrScanned = e.get(Field.NR_SCANNED);
        long nrTaken = e.get(Field.NR_TAKEN);
        int z = m.zoneOf(minPfn);
        if (z < 0 || !r.inWindow(z, e.timestampNs())) {
            r.countSkipped();
            return;
        }
        r.countApplied(e);
        Task c = task(e.pid());
        boolean known = c != null && tasks.has(e.pid(), CompactingTasks.PASS) && c.z == z;
        if (known) {
            // the event closes the kernel's own fast_isolate_freepages(): replay the search exactly when a dry run
            // reproduces its figures (range start = min_pfn, end = cc->free_pfn at entry)
            long[] dry = cz.free.fastIsolateFreepages(c, freePfn, null, false, null, Compaction.TRACE_ISOLATES);
            if (dry[0] != nrScanned || dry[1] != nrTaken) {
                // zone->compact_init_free_pfn is untraced: 0 until the first __reset_isolation_suitable(), then the
                // highest pageblock it found with a free page; try the values it can have
                long top = c.initFreePfn;
                for (long cand : new long[] {c.beginFreePfn, m.zone(z).start}) {
                    if (cand == top) {
                        continue;
                    }
                    c.initFreePfn = cand;
                    long[] alt = cz.free.fastIsolateFreepages(c, freePfn, null, false, null, Compaction.TRACE_ISOLATES);
                    if (alt[1] == nrTaken && alt[0] == nrScanned) {
                        dry = alt;
                        cz.setInitFreePfn(z, cand);
                        break;
                    }
                    c.initFreePfn = top;
                }
            }
            if (dry[1] == nrTaken && dry[0] == nrScanned) {
                cz.free.clearIsolated();
                cz.free.fastIsolateFreepages(c, freePfn, null, true, null, Compaction.TRACE_ISOLATES);
                cz.free.clearIsolated();
                return;
            }
            consistency.add(Kind.FAST_ISOLATE_APPROX, e.timestampNs(), e.line(),
                    "fast_isolate_freepages nr_scanned not reproduced (" + dry[0] + " vs " + nrScanned + ")",
                    minPfn, Long.numberOfTrailingZeros(Math.max(1, nrTaken)));
        } else {
            consistency.add(Kind.FAST_ISOLATE_APPROX, e.timestampNs(), e.line(),
                    "fast_isolate_freepages of a pass begun before the trace", minPfn,
                    Long.numberOfTrailingZeros(Math.max(1, nrTaken)));
            if (nrTaken == 0) {
                return; // its cc->order and search_order unknown: which lists it scanned is unknown too
            }
        }
        CompactControl cc = known ? c : passUnseen(z, minPfn, nrTaken);
        cz.free.clearIsolated();
        long[] got = cz.free.fastIsolateFreepages(cc, freePfn, new CompactionFreeScanner.FastTrace(minPfn, nrScanned, nrTaken), true,
                null, Compaction.TRACE_ISOLATES);
        cz.free.clearIsolated();
        if (got[2] >= 0) {
            r.guesses.record(got[2], Long.numberOfTrailingZeros(got[1]), MIGRATE_MOVABLE, z);
        } else if (nrTaken > 0) {
            consistency.add(Kind.FAST_ISOLATE_NOT_FOUND, e.timestampNs(), e.line(), "fast_isolate_freepages", minPfn,
                    Long.numberOfTrailingZeros(nrTaken));
        }
        if (known) {
            c.freePfn = freePfn;
        }
    }

    /** The compact_control of a pass whose mm_compaction_begin the trace does not have (it began before). */
    private static CompactControl passUnseen(int z, long minPfn, long nrTaken) {
        CompactControl cc = new CompactControl();
        cc.z = z;
        cc.order = Long.numberOfTrailingZeros(Math.max(1, nrTaken)) + 1;
        cc.migratePfn = minPfn;
        cc.initFreePfn = Long.MAX_VALUE;
        return cc;
    }
}
