package io.fragtrace.replay;

import io.fragtrace.parser.EventType;
import io.fragtrace.parser.Field;
import io.fragtrace.parser.Gfp;
import io.fragtrace.parser.MigrateMode;
import io.fragtrace.parser.ParsedEvent;
import io.fragtrace.parser.TraceVisitor;
import io.fragtrace.replay.Consistency.Kind;
import io.fragtrace.replay.model.BuddyModel;
import io.fragtrace.replay.model.KernelSemantics;

import java.util.Arrays;

import static io.fragtrace.replay.model.BuddyModel.KIND_BUDDY;
import static io.fragtrace.replay.model.BuddyModel.KIND_PCP;
import static io.fragtrace.replay.model.BuddyModel.KIND_TAKEN;
import static io.fragtrace.replay.model.KernelSemantics.MIGRATE_HIGHATOMIC;
import static io.fragtrace.replay.model.KernelSemantics.MIGRATE_ISOLATE;
import static io.fragtrace.replay.model.KernelSemantics.MIGRATE_MOVABLE;
import static io.fragtrace.replay.model.KernelSemantics.MIGRATE_PCPTYPES;

/**
 * Applies kmem and compaction events to a {@link BuddyModel} as the kernel functions they come from would
 * (mm/page_alloc.c, mm/compaction.c). Each zone has a window (fromNs, toNs]: events of the zone outside it are
 * skipped (the start state already reflects those up to fromNs). Contradictions are reconciled (the trace wins) and
 * counted in {@link #consistency()}; nothing throws. No allocation per event on the hot path.
 */
public final class ObservedReplay implements TraceVisitor {
    /** Called at sample points (see {@link #setSampler}). */
    public interface Sampler {
        /** marker is the trace_marker text, or null for an interval sample. */
        void sample(ObservedReplay replay, long timeNs, String marker);
    }

    private final BuddyModel m;
    private final KernelSemantics ks;
    private final long[] fromNs;
    private final long[] toNs;
    private final Consistency consistency = new Consistency();
    private final long[] applied = new long[EventType.values().length];
    private long eventsApplied;
    private long eventsSkipped;
    private long lastTimeNs = Long.MIN_VALUE;
    private Sampler sampler;
    private long sampleIntervalNs;
    private long nextSampleNs = Long.MIN_VALUE;
    /** Model 6.1's untraced paths (fast free-page isolation, capture). */
    private boolean modelUntraced = true;

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
    private Compaction compaction(int pid) {
        for (int i = 0; i < compactionPids.length; i++) {
            if (compactionPids[i] == pid) {
                return compactions[i];
            }
        }
        return null;
    }

    public ObservedReplay(BuddyModel model, long[] fromNs, long[] toNs) {
        this.m = model;
        this.ks = model.ks;
        this.fromNs = fromNs.clone();
        this.toNs = toNs.clone();
    }

    /** A replay of a whole trace with no window. */
    public ObservedReplay(BuddyModel model) {
        this(model, filled(model.zoneCount(), Long.MIN_VALUE), filled(model.zoneCount(), Long.MAX_VALUE));
    }

    private static long[] filled(int n, long v) {
        long[] a = new long[n];
        Arrays.fill(a, v);
        return a;
    }

    public BuddyModel model() {
        return m;
    }

    public Consistency consistency() {
        return consistency;
    }

    public long eventsApplied() {
        return eventsApplied;
    }

    public long eventsSkipped() {
        return eventsSkipped;
    }

    public long applied(EventType t) {
        return applied[t.ordinal()];
    }

    public long lastTimeNs() {
        return lastTimeNs;
    }

    /** Turns the inference of untraced kernel paths on/off (off = naive replay, for measuring the gap). */
    public ObservedReplay modelUntracedPaths(boolean on) {
        this.modelUntraced = on;
        return this;
    }

    /** Samples every intervalNs of trace time (0: only at markers) and at every marker. */
    public void setSampler(Sampler s, long intervalNs) {
        this.sampler = s;
        this.sampleIntervalNs = intervalNs;
    }

    private boolean inWindow(int z, long ts) {
        return ts > fromNs[z] && ts <= toNs[z];
    }

    @Override
    public void onEvent(ParsedEvent e) {
        long ts = e.timestampNs();
        if (sampler != null) {
            if (sampleIntervalNs > 0) {
                if (nextSampleNs == Long.MIN_VALUE) {
                    nextSampleNs = ts + sampleIntervalNs;
                }
                while (ts >= nextSampleNs) {
                    sampler.sample(this, nextSampleNs, null);
                    nextSampleNs += sampleIntervalNs;
                }
            }
            if (e.type() == EventType.MARKER) {
                sampler.sample(this, ts, e.text());
            }
        }
        lastTimeNs = ts;
        switch (e.type()) {
            case MM_PAGE_ALLOC -> {
                endPcpLoop(e);
                pageAlloc(e);
            }
            case MM_PAGE_FREE -> {
                pageFree(e, false);
                maybeInterruptFree(e);
            }
            case MM_PAGE_FREE_BATCHED -> {
                batchedLoopStep(e);
                pageFree(e, true);
            }
            case MM_PAGE_ALLOC_ZONE_LOCKED -> {
                endPcpLoop(e);
                zoneLocked(e);
            }
            case MM_PAGE_PCPU_DRAIN -> {
                interruptTookPcpLock(e);
                pcpuDrain(e);
            }
            case MM_PAGE_ALLOC_EXTFRAG -> extfrag(e);
            case MM_COMPACTION_TRY_TO_COMPACT_PAGES, MM_COMPACTION_KCOMPACTD_WAKE -> compactionOf(e.pid()).order = e.order();
            case MM_COMPACTION_BEGIN -> compactionBegin(e);
            case MM_COMPACTION_END -> compactionEnd(e);
            case MM_COMPACTION_ISOLATE_MIGRATEPAGES -> isolateMigratepages(e);
            case MM_COMPACTION_ISOLATE_FREEPAGES -> isolateFreepages(e);
            case MM_COMPACTION_FAST_ISOLATE_FREEPAGES -> fastIsolateFreepages(e);
            case MM_COMPACTION_MIGRATEPAGES -> compactionMigratepages(e);
            case MM_MIGRATE_PAGES_START -> migratePagesStart(e);
            case MM_COMPACTION_FINISHED -> {
                Compaction c = compaction(e.pid());
                if (c != null && c.active) {
                    c.order = e.order();
                }
            }
            default -> {
            }
        }
    }

    // ------------------------------------------------------------------ conflicts (for the lock-order stage)

    /** What an event applied now would contradict, see {@link #conflict}. */
    public static final int CONFLICT_NONE = 0;
    /** It needs a free block the model does not have free. */
    public static final int CONFLICT_NOT_FREE = 1;
    /** It frees pages the model has free or on a pcp list. */
    public static final int CONFLICT_NOT_ALLOCATED = 2;
    /** It takes a block the model has merged into a larger free block. */
    public static final int CONFLICT_INSIDE_BLOCK = 3;

    private long conflictLo;
    private long conflictHi;

    /** First pfn of the range the last conflict concerns. */
    public long conflictLo() {
        return conflictLo;
    }

    /** End (exclusive) of the range the last conflict concerns. */
    public long conflictHi() {
        return conflictHi;
    }

    /**
     * Whether e, applied to the model as it is now, would contradict it, and how (CONFLICT_*); nothing changes.
     * Only the kmem events whose page the trace names are checked, inside their zone's window, on known pages.
     */
    public int conflict(ParsedEvent e) {
        EventType t = e.type();
        if (t != EventType.MM_PAGE_ALLOC && t != EventType.MM_PAGE_FREE && t != EventType.MM_PAGE_ALLOC_ZONE_LOCKED
                && !(t == EventType.MM_PAGE_ALLOC_EXTFRAG && !ks.extfragTakesPage())) {
            return CONFLICT_NONE;
        }
        if (t == EventType.MM_PAGE_ALLOC && e.isFailedAlloc()) {
            return CONFLICT_NONE;
        }
        long pfn = e.pfn();
        int order = t == EventType.MM_PAGE_ALLOC_EXTFRAG ? (int) e.get(Field.FALLBACK_ORDER) : e.order();
        int z = m.zoneOf(pfn);
        if (z < 0 || order < 0 || order > ks.maxOrder() || !inWindow(z, e.timestampNs())
                || pfn + (1L << order) > m.zone(z).end || m.anyUnknown(pfn, order)) {
            return CONFLICT_NONE;
        }
        conflictLo = pfn;
        conflictHi = pfn + (1L << order);
        int kind = m.kind(pfn);
        switch (t) {
            case MM_PAGE_ALLOC -> {
                if ((kind == KIND_PCP && m.orderAt(pfn) == order) || kind == KIND_TAKEN) {
                    return CONFLICT_NONE;
                }
                return m.findBuddyHead(pfn) >= 0 || m.findPcpHead(pfn) >= 0 ? CONFLICT_NONE : CONFLICT_NOT_FREE;
            }
            case MM_PAGE_FREE -> {
                return kind != KIND_TAKEN && anyFree(pfn, order) ? CONFLICT_NOT_ALLOCATED : CONFLICT_NONE;
            }
            default -> { // zone_locked, 6.1 extfrag: the block must be a free buddy head of at least that order
                long h = m.findBuddyHead(pfn);
                if (h < 0) {
                    return CONFLICT_NOT_FREE;
                }
                if (h != pfn || m.orderAt(h) < order) {
                    conflictLo = h;
                    conflictHi = h + (1L << m.orderAt(h));
                    return CONFLICT_INSIDE_BLOCK;
                }
                return CONFLICT_NONE;
            }
        }
    }

    /** Counts a reordering the lock-order stage made (see {@code order.LockOrderSorter}). */
    public void countReordering(int conflict, ParsedEvent e, int otherCpu, long otherLine) {
        Kind k = conflict == CONFLICT_NOT_FREE ? Kind.REORDERED_AFTER_FREE
                : conflict == CONFLICT_NOT_ALLOCATED ? Kind.REORDERED_AFTER_ALLOC : Kind.REORDERED_AFTER_SPLIT;
        consistency.add(k, e.timestampNs(), e.line(), e.type().kernelName() + " on cpu " + e.cpu() + " after cpu "
                + otherCpu + "'s line " + otherLine, e.pfn(), e.order());
    }

    /** Zone of an event's pfn, or -1 when the event is outside its zone's window or the pfn outside every zone. */
    private int zoneFor(ParsedEvent e, long pfn, int order) {
        int z = m.zoneOf(pfn);
        if (z < 0) {
            consistency.add(Kind.PFN_OUTSIDE_ZONES, e.timestampNs(), e.line(), e.type().kernelName(), pfn, order);
            return -1;
        }
        if (!inWindow(z, e.timestampNs())) {
            eventsSkipped++;
            return -1;
        }
        if (order < 0 || order > ks.maxOrder()) {
            consistency.add(Kind.ORDER_TOO_LARGE, e.timestampNs(), e.line(), e.type().kernelName(), pfn, order);
            return -1;
        }
        long end = pfn + (1L << order);
        if ((pfn & ((1L << order) - 1)) != 0 || end > m.zone(z).end) {
            consistency.add(Kind.PFN_OUTSIDE_ZONES, e.timestampNs(), e.line(), e.type().kernelName() + " (misaligned/over end)",
                    pfn, order);
            return -1;
        }
        eventsApplied++;
        applied[e.type().ordinal()]++;
        evUnknown = m.anyUnknown(pfn, order);
        if (evUnknown) {
            m.markKnown(pfn, order);
        }
        return z;
    }

    /** The current event's pages were unknown until now (no contradiction is possible then). */
    private boolean evUnknown;

    private Compaction compactionOf(int pid) {
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

    // ------------------------------------------------------------------ kmem

    /** mm_page_alloc (rmqueue / rmqueue_pcplist / compaction capture). */
    private void pageAlloc(ParsedEvent e) {
        if (e.isFailedAlloc()) {
            consistency.add(Kind.FAILED_ALLOC, e.timestampNs(), e.line(), "mm_page_alloc", 0, e.order());
            return;
        }
        long pfn = e.pfn();
        int order = e.order();
        int z = zoneFor(e, pfn, order);
        if (z < 0) {
            return;
        }
        int kind = m.kind(pfn);
        if (kind == KIND_PCP && m.orderAt(pfn) == order) {
            if (modelUntraced && m.unknownPages() == 0 && m.pcpCpuOf(pfn) == e.cpu()) {
                // __rmqueue_pcplist() takes list_first_entry(): blocks still ahead of the page were taken by
                // __alloc_pages_bulk(), which fires no mm_page_alloc
                for (long h = m.pcpHeadOfListOf(pfn); h != pfn; h = m.pcpHeadOfListOf(pfn)) {
                    consistency.add(Kind.UNTRACED_BULK_ALLOC, e.timestampNs(), e.line(), "__alloc_pages_bulk", h,
                            m.orderAt(h));
                    m.pcpDel(h);
                }
            }
            m.pcpDel(pfn); // __rmqueue_pcplist(): list_first_entry + list_del
        } else if (kind == KIND_TAKEN) {
            m.clearState(pfn); // taken by __rmqueue_smallest (zone_locked), extfrag, or captured
        } else if (m.findBuddyHead(pfn) >= 0) {
            // still free: an allocation that skipped the buddy trace (compaction capture not seen as such)
            consistency.add(Kind.ALLOC_NOT_FREE, e.timestampNs(), e.line(), "mm_page_alloc of a free buddy page", pfn,
                    order);
            m.takeFromBuddy(z, pfn, order, m.listMigratetype(m.findBuddyHead(pfn)));
            m.takeRange(pfn, order);
        } else if (kind == KIND_PCP || m.findPcpHead(pfn) >= 0) {
            consistency.add(Kind.ALLOC_NOT_FREE, e.timestampNs(), e.line(), "mm_page_alloc of part of a pcp block", pfn,
                    order);
            m.takeRange(pfn, order);
        } else if (!evUnknown) {
            consistency.add(Kind.ALLOC_NOT_FREE, e.timestampNs(), e.line(), "mm_page_alloc of an allocated page", pfn,
                    order);
            m.takeRange(pfn, order);
        }
        m.markAllocated(pfn, order, (e.gfpBits() & Gfp.COMP) != 0, e.migratetype());
    }

    // ------------------------------------------------------------------ interrupted pcp-locked loops

    /** Per CPU: inside free_unref_page_list()'s pcp-locked loop (mm_page_free_batched seen), and its zone. */
    private boolean[] loopActive = new boolean[8];
    private int[] loopZone = new int[8];
    /** Per CPU: frees seen inside that loop, not yet known to be interrupt frees (pfn, order). */
    private long[][] pendingPfn = new long[8][16];
    private int[][] pendingOrder = new int[8][16];
    private int[] pendingN = new int[8];
    private long interruptFrees;


    private void ensureCpu(int cpu) {
        if (cpu >= loopActive.length) {
            int n = Math.max(cpu + 1, loopActive.length * 2);
            loopActive = Arrays.copyOf(loopActive, n);
            loopZone = Arrays.copyOf(loopZone, n);
            pendingN = Arrays.copyOf(pendingN, n);
            pendingPfn = Arrays.copyOf(pendingPfn, n);
            pendingOrder = Arrays.copyOf(pendingOrder, n);
            for (int i = 0; i < n; i++) {
                if (pendingPfn[i] == null) {
                    pendingPfn[i] = new long[16];
                    pendingOrder[i] = new int[16];
                }
            }
        }
    }

    /** Frees that were interrupts of a pcp-locked loop (see {@link #batchedLoopStep}). */
    public long interruptFrees() {
        return interruptFrees;
    }

    /**
     * A kmem event of the task itself on this CPU: any loop is over. Without irq flags the frees seen since were
     * ordinary pcp frees (a new list's first pass). With them, the frees that came in interrupt context came while
     * the loop still held the pcp lock, after its last traced step: pcp_spin_trylock() failed, free_one_page().
     */
    private void endPcpLoop(ParsedEvent e) {
        int cpu = e.cpu();
        if (cpu < 0) {
            return;
        }
        ensureCpu(cpu);
        if (e.hasIrqFlags() && e.inInterrupt()) {
            return; // an interrupt's own event says nothing about the interrupted loop
        }
        if (e.hasIrqFlags() && loopActive[cpu]) {
            sendPendingToBuddy(cpu, e);
        }
        loopActive[cpu] = false;
        pendingN[cpu] = 0;
    }

    /**
     * An interrupt-context drain on this CPU: the interrupt itself took the pcp lock of the drained page's zone, so no
     * loop held that zone's lock (a loop holding another zone's lock does not stop it).
     */
    private void interruptTookPcpLock(ParsedEvent e) {
        int cpu = e.cpu();
        if (cpu >= 0 && e.inInterrupt()) {
            ensureCpu(cpu);
            if (loopActive[cpu] && m.zoneOf(e.pfn()) == loopZone[cpu]) {
                loopActive[cpu] = false;
                pendingN[cpu] = 0;
            }
        }
    }

    /**
     * mm_page_free while this CPU is inside free_unref_page_list()'s loop: either the list's first pass of a new
     * batch, or a free from an interrupt (softirq) that hit the loop while it held the zone's pcp lock. 6.1 (with the
     * 6.2 pcp locking) and 6.12 take that lock with interrupts enabled; the interrupt's pcp_spin_trylock() fails and
     * free_unref_page() falls back to free_one_page(). Which one it was shows at the next batched free, or directly
     * in the irq-flags column where the trace has one.
     */
    private void maybeInterruptFree(ParsedEvent e) {
        int cpu = e.cpu();
        if (cpu < 0 || !modelUntraced) {
            return;
        }
        ensureCpu(cpu);
        if (!loopActive[cpu]) {
            return;
        }
        if (e.hasIrqFlags() && !e.inInterrupt()) {
            endPcpLoop(e); // the task's own free: a new list, its previous loop is over
            return;
        }
        if (e.hasIrqFlags() && e.preemptDepth() < PCP_LOCK_DEPTH) {
            return; // the interrupted context held no spinlock, so not the pcp lock: the trylock succeeded
        }
        long pfn = e.pfn();
        if (!m.inRange(pfn) || m.kind(pfn) != KIND_PCP) {
            return;
        }
        int n = pendingN[cpu];
        if (n == pendingPfn[cpu].length) {
            pendingPfn[cpu] = Arrays.copyOf(pendingPfn[cpu], n * 2);
            pendingOrder[cpu] = Arrays.copyOf(pendingOrder[cpu], n * 2);
        }
        pendingPfn[cpu][n] = pfn;
        pendingOrder[cpu][n] = e.order();
        pendingN[cpu] = n + 1;
    }

    /** preempt_count() depth of a task holding a pcp lock: pcpu_task_pin() + spin_lock() (mm/page_alloc.c). */
    private static final int PCP_LOCK_DEPTH = 2;

    /** The pending frees of this CPU were interrupt frees of the loop's zone: they went to the buddy. */
    private void sendPendingToBuddy(int cpu, ParsedEvent e) {
        for (int i = 0; i < pendingN[cpu]; i++) {
            long p = pendingPfn[cpu][i];
            int o = pendingOrder[cpu][i];
            if (m.zoneOf(p) == loopZone[cpu] && m.kind(p) == KIND_PCP && m.orderAt(p) == o) {
                int listMt = m.listMigratetype(p);
                m.pcpDel(p);
                m.freeOnePage(loopZone[cpu], p, o, listMt, false);
                interruptFrees++;
                consistency.add(Kind.INTERRUPT_FREE, e.timestampNs(), e.line(), "free_one_page fallback", p, o);
            }
        }
        pendingN[cpu] = 0;
    }

    /**
     * mm_page_free_batched: if it continues the loop (its page is not one of the frees seen since the previous
     * batched free), those frees were interrupt frees of the loop's zone and went to the buddy (free_one_page).
     */
    private void batchedLoopStep(ParsedEvent e) {
        int cpu = e.cpu();
        if (cpu < 0) {
            return;
        }
        ensureCpu(cpu);
        long pfn = e.pfn();
        int z = m.zoneOf(pfn);
        int n = pendingN[cpu];
        if (n > 0 && loopActive[cpu]) {
            boolean newList = false;
            for (int i = 0; i < n; i++) {
                if (pendingPfn[cpu][i] == pfn) {
                    newList = true;
                    break;
                }
            }
            // a page whose mm_page_free the model never saw (before the window) proves nothing about the loop
            if (!newList && m.inRange(pfn) && m.kind(pfn) == KIND_PCP) {
                sendPendingToBuddy(cpu, e);
            }
        }
        pendingN[cpu] = 0;
        loopActive[cpu] = true;
        loopZone[cpu] = z;
    }

    /** True when any part of [pfn, pfn+2^order) is free, on a pcp list or taken-but-not-allocated in the model. */
    private boolean anyFree(long pfn, int order) {
        if (m.findBuddyHead(pfn) >= 0 || m.findPcpHead(pfn) >= 0) {
            return true;
        }
        long end = pfn + (1L << order);
        for (long p = pfn; p < end; p++) {
            if (m.kind(p) != 0) {
                return true;
            }
        }
        return false;
    }

    /**
     * mm_page_free (free_pages_prepare) and mm_page_free_batched (free_unref_page_list): order 0-3 and THP go to the
     * head of this CPU's pcp list for the pageblock's migratetype (highatomic → movable list, isolate → buddy),
     * other orders straight to __free_one_page(). 6.1 emits both events for a batched page: the second one only
     * repeats the list_add() of free_unref_page_commit().
     */
    private void pageFree(ParsedEvent e, boolean batched) {
        long pfn = e.pfn();
        int order = e.has(Field.ORDER) ? e.order() : 0;
        int z = zoneFor(e, pfn, order);
        if (z < 0) {
            return;
        }
        if (batched && m.kind(pfn) == KIND_PCP) {
            // mm_page_free_batched prints a literal "order=0" (include/trace/events/kmem.h: its entry has no order
            // field); on 6.12 free_unref_folios() commits large folios too, so the page's order is the one its
            // mm_page_free (free_pages_prepare, first loop) gave
            m.pcpMoveToHead(pfn);
            return;
        }
        if (!batched && modelUntraced && compactions.length != 0) {
            Compaction c = compaction(e.pid());
            if (c != null && c.migrating) {
                targetConsumed(e, c, order);
            }
        }
        if (m.kind(pfn) == KIND_TAKEN) {
            // the captured / taken block was never seen allocated; the free tells us it was
            m.clearState(pfn);
        } else if (anyFree(pfn, order)) {
            consistency.add(Kind.FREE_OF_FREE, e.timestampNs(), e.line(), e.type().kernelName(), pfn, order);
            m.takeRange(pfn, order);
        }
        m.clearState(pfn);
        int mt = m.pageblockMigratetype(pfn);
        if (ks.pcpAllowedOrder(order) && mt != MIGRATE_ISOLATE) {
            int listMt = mt >= MIGRATE_PCPTYPES ? MIGRATE_MOVABLE : mt;
            m.pcpAdd(z, Math.max(0, e.cpu()), pfn, order, ks.orderToPindex(listMt, order), false);
        } else {
            freeToBuddy(e, z, pfn, order, mt);
        }
    }

    private void freeToBuddy(ParsedEvent e, int z, long pfn, int order, int mt) {
        int capOrder = -1;
        Compaction c = null;
        if (modelUntraced) {
            c = compaction(e.pid());
            if (c != null && c.active && c.direct && !c.captured && c.zone == z) {
                capOrder = c.order;
            }
        }
        long r = m.freeOnePage(z, pfn, order, mt, false, capOrder);
        if (r == BuddyModel.CAPTURED) {
            c.captured = true;
            consistency.add(Kind.CAPTURE, e.timestampNs(), e.line(), "compaction_capture", m.lastCaptured(), capOrder);
        }
    }

    /** mm_page_pcpu_drain (free_pcppages_bulk → __free_one_page with the pcp page's migratetype). */
    private void pcpuDrain(ParsedEvent e) {
        long pfn = e.pfn();
        int order = e.order();
        int z = zoneFor(e, pfn, order);
        if (z < 0) {
            return;
        }
        int mt = e.migratetype();
        if (m.kind(pfn) == KIND_PCP && m.orderAt(pfn) == order) {
            m.pcpDel(pfn);
        } else {
            if (!evUnknown) {
                consistency.add(Kind.DRAIN_NOT_ON_PCP, e.timestampNs(), e.line(), "mm_page_pcpu_drain", pfn, order);
            }
            if (anyFree(pfn, order)) {
                m.takeRange(pfn, order);
            }
            m.clearState(pfn);
        }
        freeToBuddy(e, z, pfn, order, mt);
    }

    /**
     * mm_page_alloc_zone_locked (__rmqueue_smallest): the block at pfn leaves free_list[mt], the rest split off by
     * expand(); percpu_refill=1 puts the page at the tail of this CPU's pcp list (rmqueue_bulk). On 6.10+ a page
     * taken from another migratetype's list is the claim path of steal_suitable_fallback(): the pageblock's free
     * blocks moved to free_list[mt] first (move_freepages_block), then __rmqueue_smallest took the page.
     */
    private void zoneLocked(ParsedEvent e) {
        long pfn = e.pfn();
        int order = e.order();
        int z = zoneFor(e, pfn, order);
        if (z < 0) {
            return;
        }
        int mt = e.migratetype();
        long h = m.findBuddyHead(pfn);
        if (h < 0) {
            if (!evUnknown) {
                consistency.add(Kind.ZONE_LOCKED_NOT_FREE, e.timestampNs(), e.line(), "mm_page_alloc_zone_locked", pfn,
                        order);
            }
            m.takeRange(pfn, order);
        } else {
            if (ks.extfragTakesPage() && mt < MIGRATE_PCPTYPES && m.listMigratetype(h) != mt) {
                m.moveFreepagesBlock(z, h, mt);
                m.setPageblockMigratetype(h, mt);
            }
            if (h != pfn || m.orderAt(h) < order) {
                consistency.add(Kind.ZONE_LOCKED_INSIDE_BLOCK, e.timestampNs(), e.line(), "mm_page_alloc_zone_locked", pfn,
                        order);
            }
            m.takeFromBuddy(z, pfn, order, mt);
        }
        if (e.get(Field.PERCPU_REFILL) != 0 && ks.pcpAllowedOrder(order)) {
            m.pcpAdd(z, Math.max(0, e.cpu()), pfn, order, ks.orderToPindex(mt, order), true);
        } else {
            m.markTaken(pfn, order);
        }
    }

    /**
     * mm_page_alloc_extfrag (__rmqueue_fallback). 6.1: steal_suitable_fallback() moved the fallback block (or the
     * whole pageblock's free blocks) to free_list[alloc_mt]; zone_locked follows. 6.10+: the event's page was
     * taken here (≥ pageblock: change_pageblock_range + expand; single steal: expand into the block's own type),
     * unless the claim path already took it via __rmqueue_smallest (zone_locked before this event).
     */
    private void extfrag(ParsedEvent e) {
        long pfn = e.pfn();
        int allocOrder = (int) e.get(Field.ALLOC_ORDER);
        int fallbackOrder = (int) e.get(Field.FALLBACK_ORDER);
        int z = zoneFor(e, pfn, Math.max(allocOrder, fallbackOrder));
        if (z < 0) {
            return;
        }
        int allocMt = (int) e.get(Field.ALLOC_MIGRATETYPE);
        boolean changeOwnership = e.get(Field.CHANGE_OWNERSHIP) != 0;
        if (!ks.extfragTakesPage()) {
            if (m.kind(pfn) != KIND_BUDDY || m.orderAt(pfn) != fallbackOrder) {
                if (!evUnknown) {
                    consistency.add(Kind.EXTFRAG_NOT_FREE, e.timestampNs(), e.line(), "mm_page_alloc_extfrag", pfn,
                            fallbackOrder);
                }
                if (changeOwnership) {
                    m.setPageblockMigratetype(pfn, allocMt);
                }
                return;
            }
            m.stealSuitableFallback61(z, pfn, fallbackOrder, allocMt, changeOwnership);
            return;
        }
        if (m.kind(pfn) != KIND_BUDDY) {
            // claim path: __rmqueue_smallest already took it (zone_locked before this event)
            if (changeOwnership && m.pageblockMigratetype(pfn) != allocMt) {
                m.setPageblockMigratetype(pfn, allocMt);
            }
            return;
        }
        int k = m.orderAt(pfn);
        if (k != fallbackOrder) {
            consistency.add(Kind.EXTFRAG_NOT_FREE, e.timestampNs(), e.line(), "mm_page_alloc_extfrag (order differs)", pfn,
                    fallbackOrder);
        }
        int blockType = m.pageblockMigratetype(pfn);
        m.delPageFromFreeList(pfn);
        if (blockType != MIGRATE_HIGHATOMIC && k >= ks.pageblockOrder()) {
            m.changePageblockRange(pfn, k, allocMt);
            m.expand(z, pfn, allocOrder, k, allocMt);
        } else {
            m.expand(z, pfn, allocOrder, k, blockType);
        }
        if (ks.pcpAllowedOrder(allocOrder) && allocMt < MIGRATE_PCPTYPES) {
            m.pcpAdd(z, Math.max(0, e.cpu()), pfn, allocOrder, ks.orderToPindex(allocMt, allocOrder), true);
        } else {
            m.markTaken(pfn, allocOrder);
        }
    }

    // ------------------------------------------------------------------ compaction

    private void compactionBegin(ParsedEvent e) {
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

    private void compactionEnd(ParsedEvent e) {
        Compaction c = compaction(e.pid());
        if (c != null) {
            c.active = false;
            c.order = -1;
            c.nrFreepages = 0;
        }
    }

    private void isolateMigratepages(ParsedEvent e) {
        Compaction c = compaction(e.pid());
        if (c != null && e.has(Field.RANGE_END)) {
            if (modelUntraced && FAST_FIND_MIGRATEBLOCK && c.active && c.zone >= 0 && inWindow(c.zone, e.timestampNs())) {
                fastFindMigrateblock(c, e.get(Field.RANGE_START));
            }
            c.migratePfn = e.get(Field.RANGE_END);
            c.nrMigratepages = e.get(Field.NR_TAKEN);
            c.stride = 0;
        }
    }

    private void compactionMigratepages(ParsedEvent e) {
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
    private void migratePagesStart(ParsedEvent e) {
        Compaction c = compaction(e.pid());
        if (c == null || !c.active || c.zone < 0 || ks.extfragTakesPage() || !modelUntraced) {
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
    private void targetConsumed(ParsedEvent e, Compaction c, int order) {
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
    private void fastFindMigrateblock(Compaction c, long rangeStart) {
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
    private void moveFreelistTail(int z, long[] list, int idx, int order) {
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
    private long[] fastSearch(ParsedEvent e, Compaction c, long freePfn, boolean apply) {
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
    private void fastIsolateFreepages61(ParsedEvent e, Compaction c) {
        long[] r = fastSearch(e, c, c.freePfn, true);
        if (r[2] >= 0) {
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
    private void isolateFreepages(ParsedEvent e) {
        long start = e.get(Field.RANGE_START);
        long end = e.get(Field.RANGE_END);
        long nrTaken = e.get(Field.NR_TAKEN);
        long nrScanned = e.get(Field.NR_SCANNED);
        int z = m.zoneOf(start);
        if (z < 0) {
            consistency.add(Kind.PFN_OUTSIDE_ZONES, e.timestampNs(), e.line(), "mm_compaction_isolate_freepages", start, 0);
            return;
        }
        if (!inWindow(z, e.timestampNs())) {
            eventsSkipped++;
            return;
        }
        eventsApplied++;
        applied[e.type().ordinal()]++;
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
    private void fastIsolateFreepages(ParsedEvent e) {
        long minPfn = e.get(Field.RANGE_START);
        long freePfn = e.get(Field.RANGE_END);
        long nrTaken = e.get(Field.NR_TAKEN);
        int z = m.zoneOf(minPfn);
        if (z < 0 || !inWindow(z, e.timestampNs())) {
            eventsSkipped++;
            return;
        }
        eventsApplied++;
        applied[e.type().ordinal()]++;
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
        if (c != null) {
            c.nrFreepages += nrTaken;
            c.freePfn = freePfn;
        }
    }
}
