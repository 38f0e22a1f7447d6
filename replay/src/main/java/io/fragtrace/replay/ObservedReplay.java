package io.fragtrace.replay;

import io.fragtrace.parser.EventHandlers;
import io.fragtrace.parser.EventType;
import io.fragtrace.parser.Field;
import io.fragtrace.parser.Gfp;
import io.fragtrace.parser.ParsedEvent;
import io.fragtrace.parser.TraceVisitor;
import io.fragtrace.replay.Consistency.Kind;
import io.fragtrace.replay.metrics.ReserveWatch;
import io.fragtrace.replay.metrics.SampleClock;
import io.fragtrace.replay.model.BuddyModel;
import io.fragtrace.replay.model.PageReporting;
import io.fragtrace.replay.model.StealFallback;
import io.fragtrace.replay.model.KernelSemantics;

import java.util.Arrays;

import static io.fragtrace.replay.model.BuddyModel.KIND_BUDDY;
import static io.fragtrace.replay.model.BuddyModel.KIND_NONE;
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
    private final SampleClock clock = new SampleClock();
    /** Model 6.1's untraced paths (fast free-page isolation, capture). */
    private boolean modelUntraced = true;
    /** The compacting tasks' compact_control as the trace tells it, and the untraced compaction paths. */
    private final ObservedCompaction compaction;
    /** What each event type does to the model ({@link #handlers()}). */
    private final EventHandlers handlers;
    private PageReporting reporting;
    private ReserveWatch reserves;

    public ObservedReplay(BuddyModel model, long[] fromNs, long[] toNs) {
        this.m = model;
        this.ks = model.ks;
        this.fromNs = fromNs.clone();
        this.toNs = toNs.clone();
        this.compaction = new ObservedCompaction(this);
        this.drainLock = new RemoteDrainLock(model);
        this.handlers = handlers();
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

    /** Marks what free page reporting would have reported (mark-only {@link PageReporting}); null: off. */
    public ObservedReplay withReporting(PageReporting r) {
        this.reporting = r;
        return this;
    }

    /** Classes every allocation against its zone's watermarks; null: off. */
    public ObservedReplay withReserves(ReserveWatch w) {
        this.reserves = w;
        return this;
    }

    public PageReporting reporting() {
        return reporting;
    }

    public ReserveWatch reserves() {
        return reserves;
    }

    /** Turns the inference of untraced kernel paths on/off (off = naive replay, for measuring the gap). */
    public ObservedReplay modelUntracedPaths(boolean on) {
        this.modelUntraced = on;
        return this;
    }

    /** Samples every intervalNs of trace time (0: only at markers) and at every marker. */
    public void setSampler(Sampler s, long intervalNs) {
        clock.set(s == null ? null : (t, marker) -> s.sample(this, t, marker), intervalNs);
    }

    boolean modelUntraced() {
        return modelUntraced;
    }

    /** Counts an event applied (compaction events are counted by {@link ObservedCompaction}). */
    void countApplied(ParsedEvent e) {
        eventsApplied++;
        applied[e.type().ordinal()]++;
    }

    void countSkipped() {
        eventsSkipped++;
    }

    boolean inWindow(int z, long ts) {
        return ts > fromNs[z] && ts <= toNs[z];
    }

    @Override
    public void onEvent(ParsedEvent e) {
        long ts = e.timestampNs();
        clock.advance(ts);
        if (e.type() == EventType.MARKER) {
            clock.marker(ts, e.text());
        }
        lastTimeNs = ts;
        if (reporting != null) {
            reporting.advance(ts);
        }
        drainLock.resolve(e, toBuddy);
        drainLock.before(e);
        endRefillBatch(e);
        compaction.beforeEvent(e);
        long dst = compaction.heldRealFree(e); // mm/migrate.c migrate_folio_move()'s folio_put(dst): a real free
        if (dst >= 0 && m.zoneOf(dst) >= 0 && m.kind(dst) == KIND_NONE) {
            m.clearState(dst);
            freeCommit(e, m.zoneOf(dst), compaction.heldCpu(), dst, compaction.heldOrder());
        }
        otherTask(e);
        handlers.onEvent(e);
        int cpu = e.cpu();
        if (cpu >= 0 && cpu < singleFreePfn.length && e.type() != EventType.MM_PAGE_FREE
                && !(e.hasIrqFlags() && e.inInterrupt())) {
            singleFreePfn[cpu] = -1; // the task went on: its last free is committed
        }
    }

    /**
     * Per CPU: the page of the task's last event if that was its own mm_page_free with irq flags, else -1.
     * free_unref_page() traces in free_pages_prepare() before pcp_spin_trylock() and free_unref_page_commit()'s
     * list_add(): interrupt frees printed after it may be under it on the list (mm/page_alloc.c).
     */
    private long[] singleFreePfn = filledLong(8);

    private static long[] filledLong(int n) {
        long[] a = new long[n];
        Arrays.fill(a, -1);
        return a;
    }

    /** The pcp locks other CPUs' drain_pages_zone() hold (free_unref_page() then falls back to free_one_page()). */
    private final RemoteDrainLock drainLock;
    private final RemoteDrainLock.ToBuddy toBuddy = this::drainLockedFree;

    /** free_one_page() of a free whose pcp_spin_trylock() failed under a drain's hold (on this CPU's pcp list here). */
    private void drainLockedFree(ParsedEvent e, long pfn, int order, int mt) {
        if (!modelUntraced) {
            return;
        }
        int z = m.zoneOf(pfn);
        m.pcpDel(pfn);
        freeToBuddy(e, z, pfn, order, mt);
        consistency.add(Kind.DRAIN_LOCKED_FREE, e.timestampNs(), e.line(), "free_one_page, pcp lock held by a drain", pfn,
                order);
    }

    /** Each kmem and compaction event type as the kernel functions it comes from. */
    private EventHandlers handlers() {
        ObservedCompaction c = compaction;
        return new EventHandlers()
                .on(e -> {
                    endPcpLoop(e);
                    forgetAmbiguous(e.pfn(), e.has(Field.ORDER) ? e.order() : 0);
                    pageAlloc(e);
                    c.follow(e);
                }, EventType.MM_PAGE_ALLOC)
                .on(e -> {
                    if (c.targetReturned(e, e.pfn())) {
                        endPcpLoop(e); // compaction_free(): back on cc->freepages, still isolated (allocated here)
                        return;
                    }
                    pageFree(e, false);
                    maybeInterruptFree(e);
                }, EventType.MM_PAGE_FREE)
                .on(e -> {
                    batchedLoopStep(e);
                    pageFree(e, true);
                }, EventType.MM_PAGE_FREE_BATCHED)
                .on(e -> {
                    endPcpLoop(e);
                    forgetAmbiguous(e.pfn(), e.order());
                    zoneLocked(e);
                }, EventType.MM_PAGE_ALLOC_ZONE_LOCKED)
                .on(e -> {
                    interruptTookPcpLock(e);
                    pcpuDrain(e);
                }, EventType.MM_PAGE_PCPU_DRAIN)
                .on(this::extfrag, EventType.MM_PAGE_ALLOC_EXTFRAG)
                .on(c::compactionFor, EventType.MM_COMPACTION_TRY_TO_COMPACT_PAGES,
                        EventType.MM_COMPACTION_KCOMPACTD_WAKE)
                .on(c::compactionBegin, EventType.MM_COMPACTION_BEGIN)
                .on(c::compactionEnd, EventType.MM_COMPACTION_END)
                .on(c::isolateMigratepages, EventType.MM_COMPACTION_ISOLATE_MIGRATEPAGES)
                .on(c::isolateFreepages, EventType.MM_COMPACTION_ISOLATE_FREEPAGES)
                .on(c::fastIsolateFreepages, EventType.MM_COMPACTION_FAST_ISOLATE_FREEPAGES)
                .on(c::compactionMigratepages, EventType.MM_COMPACTION_MIGRATEPAGES)
                .on(c::migratePagesStart, EventType.MM_MIGRATE_PAGES_START)
                .on(c::compactionFinished, EventType.MM_COMPACTION_FINISHED)
                .on(c::follow, EventType.MM_COMPACTION_KCOMPACTD_SLEEP)
                .on(c::kswapdSlept, EventType.MM_VMSCAN_KSWAPD_WAKE, EventType.MM_VMSCAN_KSWAPD_SLEEP);
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
        if (e.type() != EventType.MM_PAGE_FREE && e.type() != EventType.MM_PAGE_FREE_BATCHED) {
            guesses.touched(pfn, order, e.type() == EventType.MM_PAGE_ALLOC
                    || e.type() == EventType.MM_PAGE_ALLOC_ZONE_LOCKED || e.type() == EventType.MM_PAGE_ALLOC_EXTFRAG);
        }
        return z;
    }

    /** The current event's pages were unknown until now (no contradiction is possible then). */
    private boolean evUnknown;

    /** Blocks taken by untraced paths, open to correction by later frees (see {@link UntracedGuesses}). */
    final UntracedGuesses guesses = new UntracedGuesses();

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
        if (reserves != null) {
            reserves.allocation(z, m.freePages(z), order, ReserveWatch.GFP_OF_EVENT, e.timestampNs(), e);
        }
        int kind = m.kind(pfn);
        if (kind == KIND_PCP && m.orderAt(pfn) == order) {
            int cpu = e.cpu();
            if (cpu >= 0 && cpu < singleFreePfn.length && singleFreePfn[cpu] == pfn && m.pcpHeadOfListOf(pfn) != pfn) {
                // the task's next event after freeing it: only interrupt frees came between, and they were under
                // the page (list_add() of free_unref_page_commit() after them), not taken by a bulk allocation
                consistency.add(Kind.INTERRUPT_FREE_UNDER_COMMIT, e.timestampNs(), e.line(), "free_unref_page_commit",
                        pfn, order);
            } else if (modelUntraced && m.unknownPages() == 0 && m.pcpCpuOf(pfn) == cpu) {
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
    /** Per CPU: the task (pid) whose loop it is. */
    private int[] loopPid = new int[8];
    /** Per CPU: frees seen inside that loop, not yet known to be interrupt frees (pfn, order). */
    private long[][] pendingPfn = new long[8][16];
    private int[][] pendingOrder = new int[8][16];
    private int[][] pendingDepth = new int[8][16];
    private int[] pendingN = new int[8];
    /** Per CPU: preempt depth of the loop's batched frees (b + 2). */
    private int[] loopDepth = new int[8];
    /** Per CPU: preempt depth of the task's last event if it was a first-pass mm_page_free (free_pages_prepare()
     * outside the pcp lock), else -1: a list's first pass is open and its pcp-locked loop may start next. */
    private int[] firstPassDepth = filled(8);
    /** Per CPU: interrupt frees sent to the buddy whose depth could also be the interrupt's own nesting over an
     * unlocked task (pfn, order); a later drain of that CPU listing one shows the trylock had succeeded. */
    private long[][] ambiguousPfn = new long[8][4];
    private int[][] ambiguousOrder = new int[8][4];
    private int[] ambiguousN = new int[8];

    private static int[] filled(int n) {
        int[] a = new int[n];
        Arrays.fill(a, -1);
        return a;
    }

    private void ensureCpu(int cpu) {
        if (cpu >= loopActive.length) {
            int n = Math.max(cpu + 1, loopActive.length * 2);
            loopActive = Arrays.copyOf(loopActive, n);
            loopZone = Arrays.copyOf(loopZone, n);
            loopPid = Arrays.copyOf(loopPid, n);
            pendingN = Arrays.copyOf(pendingN, n);
            pendingPfn = Arrays.copyOf(pendingPfn, n);
            pendingOrder = Arrays.copyOf(pendingOrder, n);
            pendingDepth = Arrays.copyOf(pendingDepth, n);
            loopDepth = Arrays.copyOf(loopDepth, n);
            int oldSingle = singleFreePfn.length;
            singleFreePfn = Arrays.copyOf(singleFreePfn, n);
            Arrays.fill(singleFreePfn, oldSingle, n, -1L);
            int old = firstPassDepth.length;
            firstPassDepth = Arrays.copyOf(firstPassDepth, n);
            Arrays.fill(firstPassDepth, old, n, -1);
            ambiguousPfn = Arrays.copyOf(ambiguousPfn, n);
            ambiguousOrder = Arrays.copyOf(ambiguousOrder, n);
            ambiguousN = Arrays.copyOf(ambiguousN, n);
            for (int i = 0; i < n; i++) {
                if (pendingPfn[i] == null) {
                    pendingPfn[i] = new long[16];
                    pendingOrder[i] = new int[16];
                    pendingDepth[i] = new int[16];
                }
                if (ambiguousPfn[i] == null) {
                    ambiguousPfn[i] = new long[4];
                    ambiguousOrder[i] = new int[4];
                }
            }
        }
    }

    /**
     * A kmem event of the task itself on this CPU: any loop is over. Without irq flags the frees seen since were
     * ordinary pcp frees (a new list's first pass). With them, the frees that came in interrupt context came while
     * the loop still held the pcp lock, after its last traced step: pcp_spin_trylock() failed, free_one_page().
     * Frees pending before a loop began (first pass open) came while the task was outside the lock: they stay.
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
            sendPendingToBuddy(cpu, e, true);
        }
        loopActive[cpu] = false;
        pendingN[cpu] = 0;
        firstPassDepth[cpu] = -1;
    }

    /**
     * Another task's event on a CPU whose loop is active (ksoftirqd's too; an interrupt shows the interrupted pid):
     * pcp_spin_lock() pins the task until pcp_spin_unlock() (pcpu_task_pin() = preempt_disable(), mm/page_alloc.c),
     * so the loop is over and, as at the task's own next event, the interrupt frees it saw went to the buddy.
     */
    private void otherTask(ParsedEvent e) {
        int cpu = e.cpu();
        if (cpu >= 0 && cpu < loopActive.length && loopActive[cpu] && e.pid() != loopPid[cpu] && e.hasIrqFlags()) {
            sendPendingToBuddy(cpu, e, true);
            loopActive[cpu] = false;
            firstPassDepth[cpu] = -1;
        }
    }

    /**
     * An interrupt-context drain on this CPU: the interrupt itself took the pcp lock of the drained page's zone, so no
     * loop held that zone's lock (a loop holding another zone's lock does not stop it), nor was one about to.
     */
    private void interruptTookPcpLock(ParsedEvent e) {
        int cpu = e.cpu();
        if (cpu >= 0 && e.inInterrupt()) {
            ensureCpu(cpu);
            int z = m.zoneOf(e.pfn());
            if (loopActive[cpu] && z == loopZone[cpu]) {
                loopActive[cpu] = false;
                pendingN[cpu] = 0;
            } else if (!loopActive[cpu] && pendingN[cpu] > 0 && m.zoneOf(pendingPfn[cpu][0]) == z) {
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
     * <p>
     * Between a first pass (task at depth b) and its loop's first mm_page_free_batched the task takes the lock
     * (pcp_spin_trylock() in free_unref_folios()/free_unref_page_list(), depth b + 2) without an event; an interrupt
     * there shows b or b + 2 plus its own nesting. Its own nesting is at most 2 in every capture (replay/README.md), so
     * a depth above b + 2 means the lock was taken: the free is kept pending and goes to the buddy if the task's next
     * event is that loop's first batched free of the same zone.
     */
    private void maybeInterruptFree(ParsedEvent e) {
        int cpu = e.cpu();
        if (cpu < 0 || !modelUntraced) {
            return;
        }
        ensureCpu(cpu);
        if (!e.hasIrqFlags()) {
            if (loopActive[cpu]) {
                pendingAdd(cpu, e); // without flags: decided at the next batched free
            }
            return;
        }
        if (!e.inInterrupt()) {
            endPcpLoop(e); // the task's own free: a new list, its previous loop is over
            firstPassDepth[cpu] = e.preemptDepth();
            singleFreePfn[cpu] = m.inRange(e.pfn()) && m.kind(e.pfn()) == KIND_PCP ? e.pfn() : -1;
            return;
        }
        int least = loopActive[cpu] ? PCP_LOCK_DEPTH
                : firstPassDepth[cpu] >= 0 ? firstPassDepth[cpu] + PCP_LOCK_DEPTH + 1 : Integer.MAX_VALUE;
        if (e.preemptDepth() < least) {
            return; // the interrupted context did not hold the pcp lock: the trylock succeeded
        }
        pendingAdd(cpu, e);
    }

    private void pendingAdd(int cpu, ParsedEvent e) {
        long pfn = e.pfn();
        if (!m.inRange(pfn) || m.kind(pfn) != KIND_PCP) {
            return;
        }
        int n = pendingN[cpu];
        if (n == pendingPfn[cpu].length) {
            pendingPfn[cpu] = Arrays.copyOf(pendingPfn[cpu], n * 2);
            pendingOrder[cpu] = Arrays.copyOf(pendingOrder[cpu], n * 2);
            pendingDepth[cpu] = Arrays.copyOf(pendingDepth[cpu], n * 2);
        }
        pendingPfn[cpu][n] = pfn;
        pendingOrder[cpu][n] = e.order();
        pendingDepth[cpu][n] = e.hasIrqFlags() ? e.preemptDepth() : -1;
        pendingN[cpu] = n + 1;
    }

    /** preempt_count() depth of a task holding a pcp lock: pcpu_task_pin() + spin_lock() (mm/page_alloc.c). */
    private static final int PCP_LOCK_DEPTH = 2;

    /**
     * The pending frees of this CPU were interrupt frees of the loop's zone: they went to the buddy. After the loop's
     * last step (afterLoop) a depth equal to the loop's own is also what an interrupt nesting 2 deep shows over the
     * task after pcp_spin_unlock(): kept as ambiguous, a drain listing the page later shows it was on the pcp list.
     */
    private void sendPendingToBuddy(int cpu, ParsedEvent e, boolean afterLoop) {
        for (int i = 0; i < pendingN[cpu]; i++) {
            long p = pendingPfn[cpu][i];
            int o = pendingOrder[cpu][i];
            if (m.zoneOf(p) == loopZone[cpu] && m.kind(p) == KIND_PCP && m.orderAt(p) == o) {
                int listMt = m.listMigratetype(p);
                m.pcpDel(p);
                m.freeOnePage(loopZone[cpu], p, o, listMt, false);
                consistency.add(Kind.INTERRUPT_FREE, e.timestampNs(), e.line(), "free_one_page fallback", p, o);
                if (afterLoop && pendingDepth[cpu][i] == loopDepth[cpu]) {
                    ambiguousAdd(cpu, p, o);
                }
            }
        }
        pendingN[cpu] = 0;
    }

    private void ambiguousAdd(int cpu, long pfn, int order) {
        int n = ambiguousN[cpu];
        if (n == ambiguousPfn[cpu].length) {
            ambiguousPfn[cpu] = Arrays.copyOf(ambiguousPfn[cpu], n * 2);
            ambiguousOrder[cpu] = Arrays.copyOf(ambiguousOrder[cpu], n * 2);
        }
        ambiguousPfn[cpu][n] = pfn;
        ambiguousOrder[cpu][n] = order;
        ambiguousN[cpu] = n + 1;
        ambiguousTotal++;
    }

    private int ambiguousTotal;

    /** An allocation or drain naming [pfn, order): the ambiguous frees inside it are decided by it. */
    private boolean forgetAmbiguous(long pfn, int order) {
        return ambiguousTotal > 0 && m.inRange(pfn) && ambiguousTake(pfn, order);
    }

    /**
     * Whether an ambiguous interrupt free of [pfn, order) is still open (removed if so): a drain or allocation naming
     * the page decides it. Any event on a range forgets the entries inside it.
     */
    private boolean ambiguousTake(long pfn, int order) {
        boolean found = false;
        long end = pfn + (1L << order);
        for (int c = 0; c < ambiguousN.length; c++) {
            int n = ambiguousN[c];
            for (int i = n - 1; i >= 0; i--) {
                long p = ambiguousPfn[c][i];
                if (p >= pfn && p < end) {
                    found |= p == pfn && ambiguousOrder[c][i] == order;
                    n--;
                    ambiguousTotal--;
                    ambiguousPfn[c][i] = ambiguousPfn[c][n];
                    ambiguousOrder[c][i] = ambiguousOrder[c][n];
                }
            }
            ambiguousN[c] = n;
        }
        return found;
    }

    /**
     * mm_page_free_batched: if it continues the loop (its page is not one of the frees seen since the previous
     * batched free), those frees were interrupt frees of the loop's zone and went to the buddy (free_one_page). The
     * loop's first batched free decides the frees pending from before it the same way.
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
        if (n > 0 && !loopActive[cpu]) {
            loopZone[cpu] = z; // pending since the first pass: the trylock of this zone came before them
            sendPendingToBuddy(cpu, e, false);
        } else if (n > 0) {
            boolean newList = false;
            for (int i = 0; i < n; i++) {
                if (pendingPfn[cpu][i] == pfn) {
                    newList = true;
                    break;
                }
            }
            // a page whose mm_page_free the model never saw (before the window) proves nothing about the loop
            if (!newList && m.inRange(pfn) && m.kind(pfn) == KIND_PCP) {
                sendPendingToBuddy(cpu, e, false);
            }
        }
        pendingN[cpu] = 0;
        loopActive[cpu] = true;
        loopPid[cpu] = e.pid();
        loopZone[cpu] = z;
        loopDepth[cpu] = e.hasIrqFlags() ? e.preemptDepth() : -2;
        firstPassDepth[cpu] = -1;
    }

    /** True when any part of [pfn, pfn+2^order) is free, on a pcp list or taken-but-not-allocated in the model. */
    private boolean anyFree(long pfn, int order) {
        if (m.inFreeOrPcpBlock(pfn)) {
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
            freeUnrefFoliosCommit(z, pfn);
            return;
        }
        if (!batched && modelUntraced) {
            compaction.sourceFreed(e, order);
        }
        if (m.kind(pfn) == KIND_TAKEN) {
            // the captured / taken block was never seen allocated; the free tells us it was
            m.clearState(pfn);
        } else if (anyFree(pfn, order)) {
            long h = m.findBuddyHead(pfn);
            int k = h >= 0 ? m.orderAt(h) : -1;
            int listMt = h >= 0 ? m.listMigratetype(h) : -1;
            consistency.add(Kind.FREE_OF_FREE, e.timestampNs(), e.line(), e.type().kernelName(), pfn, order);
            // mm/compaction.c release_freepages(): a compacting task frees its unused targets before its pass ends
            long released = modelUntraced && h >= 0 && !guesses.isEmpty() && compaction.releasing(e.pid())
                    ? guesses.releasedWhileFree(m, z, pfn, k, listMt) : -1;
            if (released >= 0) {
                consistency.add(Kind.UNTRACED_GUESS_CORRECTED, e.timestampNs(), e.line(), "target 0x"
                        + Long.toHexString(pfn) + " released: the untraced search took its block, not", released, k);
            }
            if (released < 0) {
                m.takeRange(pfn, order);
            }
            long back = released < 0 && modelUntraced && !guesses.isEmpty()
                    ? guesses.freedWhileFree(m, z, pfn, order, h, k, listMt) : -1;
            if (back >= 0) {
                consistency.add(Kind.UNTRACED_GUESS_CORRECTED, e.timestampNs(), e.line(),
                        "block 0x" + Long.toHexString(h) + " freed whole: the untraced search took it, not", back, k);
            }
        } else {
            guesses.touched(pfn, order, false);
        }
        m.clearState(pfn);
        if (freeCommit(e, z, e.cpu(), pfn, order) && !batched && modelUntraced && drainLock.trylockFails(e.cpu(), z)) {
            drainLock.pendingFree(e, pfn, order, toBuddy);
        }
    }

    /** A free's page onto cpu's pcp list (true) or, for another order or an isolated block, to the buddy. */
    private boolean freeCommit(ParsedEvent e, int z, int cpu, long pfn, int order) {
        int mt = m.pageblockMigratetype(pfn);
        if (ks.pcpAllowedOrder(order) && mt != MIGRATE_ISOLATE) {
            int listMt = mt >= MIGRATE_PCPTYPES ? MIGRATE_MOVABLE : mt;
            m.pcpAdd(z, Math.max(0, cpu), pfn, order, ks.orderToPindex(listMt, order), false);
            return true;
        }
        freeToBuddy(e, z, pfn, order, mt);
        return false;
    }

    /**
     * mm/page_alloc.c free_unref_folios(), second loop: free_unref_page_commit() list_add()s the folio to the list of
     * get_pfnblock_migratetype() read now (6.10+), which may differ from the first loop's when the pageblock was
     * re-typed in between (a claim by another CPU while this task was preempted); 6.1 keeps the cached type.
     */
    private void freeUnrefFoliosCommit(int z, long pfn) {
        int mt = m.pageblockMigratetype(pfn);
        int listMt = mt >= MIGRATE_PCPTYPES ? MIGRATE_MOVABLE : mt;
        if (!ks.pcpMigratetypeAtCommit() || mt == MIGRATE_ISOLATE || m.listMigratetype(pfn) == listMt) {
            m.pcpMoveToHead(pfn);
            return;
        }
        int order = m.orderAt(pfn);
        int cpu = m.pcpCpuOf(pfn);
        m.pcpDel(pfn);
        m.pcpAdd(z, cpu, pfn, order, ks.orderToPindex(listMt, order), false);
    }

    private void freeToBuddy(ParsedEvent e, int z, long pfn, int order, int mt) {
        int capOrder = modelUntraced ? compaction.captureOrder(e.pid(), z) : -1;
        int capMt = capOrder >= 0 ? compaction.captureMigratetype(e.pid()) : -1;
        long r = m.freeOnePage(z, pfn, order, mt, false, capOrder, capMt);
        if (r == BuddyModel.CAPTURED) {
            compaction.captured(e.pid());
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
        boolean ambiguous = forgetAmbiguous(pfn, order);
        if (m.kind(pfn) == KIND_PCP && m.orderAt(pfn) == order) {
            m.pcpDel(pfn);
        } else {
            if (ambiguous && anyFree(pfn, order)) {
                // the interrupt free sent to the buddy after its loop was on the pcp list: its trylock succeeded
                consistency.add(Kind.INTERRUPT_FREE_ON_PCP, e.timestampNs(), e.line(), "mm_page_pcpu_drain", pfn, order);
            } else if (!evUnknown) {
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
        if (e.get(Field.PERCPU_REFILL) != 0 && ks.pcpAllowedOrder(order) && !rmqueueBuddy(e)) {
            int cpu = Math.max(0, e.cpu());
            int pindex = ks.orderToPindex(mt, order);
            if (refillStarts(cpu, z, pindex)) {
                // mm/page_alloc.c __rmqueue_pcplist(): rmqueue_bulk() refills only an empty list (list_add_tail) and
                // list_first_entry() takes the batch's first page at once; its mm_page_alloc comes only after
                // post_alloc_hook() (init_on_alloc zeroing), possibly after a snapshot or another CPU's drain
                m.markTaken(pfn, order);
            } else {
                m.pcpAdd(z, cpu, pfn, order, pindex, true);
            }
        } else {
            m.markTaken(pfn, order);
        }
    }

    /**
     * mm/page_alloc.c rmqueue_buddy(): __rmqueue_smallest() prints percpu_refill = pcp_allowed_order(order) whoever
     * calls it, but rmqueue_bulk() runs under the pcp lock (pcpu_task_pin() + spin_lock(), then zone->lock: preempt
     * depth at least 3), so a line at depth 2 or less took zone->lock without it (rmqueue_pcplist()'s trylock failed):
     * the page goes to the caller, not to the pcp list.
     */
    private static boolean rmqueueBuddy(ParsedEvent e) {
        return e.hasIrqFlags() && e.preemptDepth() <= PCP_LOCK_DEPTH;
    }

    /** Per CPU: 1 + the pcp list (zone, pindex) its current rmqueue_bulk() batch fills, 0 when none. */
    private int[] refillBatch = new int[8];

    /**
     * Whether a percpu_refill line begins a refill of an empty list: the first of a batch (rmqueue_bulk() runs under
     * zone->lock with interrupts off, so a batch's lines are consecutive on its CPU) into a list the model has empty.
     */
    private boolean refillStarts(int cpu, int z, int pindex) {
        if (cpu >= refillBatch.length) {
            refillBatch = Arrays.copyOf(refillBatch, Math.max(cpu + 1, refillBatch.length * 2));
        }
        int list = 1 + z * 1024 + pindex;
        boolean first = refillBatch[cpu] != list;
        refillBatch[cpu] = list;
        return first && m.pcpHeadPfn(z, cpu, pindex) < 0;
    }

    /**
     * Any line of a CPU but a percpu_refill or a fallback (__rmqueue_fallback() inside rmqueue_bulk()'s __rmqueue())
     * ends the batch that CPU was refilling.
     */
    private void endRefillBatch(ParsedEvent e) {
        int cpu = e.cpu();
        if (cpu >= 0 && cpu < refillBatch.length && refillBatch[cpu] != 0
                && e.type() != EventType.MM_PAGE_ALLOC_EXTFRAG
                && (e.type() != EventType.MM_PAGE_ALLOC_ZONE_LOCKED || e.get(Field.PERCPU_REFILL) == 0)) {
            refillBatch[cpu] = 0;
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
        // 6.10+ claim path: steal_suitable_fallback() returns __rmqueue_smallest()'s page, which __rmqueue_fallback()
        // traces with current_order: a page aligned to alloc_order only, inside the claimed pageblock
        boolean claimedPage = ks.extfragTakesPage() && (pfn & ((1L << fallbackOrder) - 1)) != 0;
        int z = zoneFor(e, pfn, claimedPage ? allocOrder : Math.max(allocOrder, fallbackOrder));
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
            StealFallback.stealSuitableFallback61(m, z, pfn, fallbackOrder, allocMt, changeOwnership);
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
        if (blockType != MIGRATE_HIGHATOMIC && k >= ks.pageblockOrder()) {
            StealFallback.claimWholeRange(m, z, pfn, k, allocOrder, allocMt);
        } else {
            StealFallback.stealPage(m, z, pfn, allocOrder, k, blockType);
        }
        int cpu = Math.max(0, e.cpu());
        int pindex = ks.orderToPindex(allocMt, allocOrder);
        if (ks.pcpAllowedOrder(allocOrder) && allocMt < MIGRATE_PCPTYPES && !refillStarts(cpu, z, pindex)) {
            m.pcpAdd(z, cpu, pfn, allocOrder, pindex, true);
        } else {
            m.markTaken(pfn, allocOrder); // or the first page of a pcp refill: the request's (zoneLocked())
        }
    }

}
