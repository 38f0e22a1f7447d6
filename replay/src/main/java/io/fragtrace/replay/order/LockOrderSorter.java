package io.fragtrace.replay.order;

import io.fragtrace.parser.EventRing;
import io.fragtrace.parser.EventType;
import io.fragtrace.parser.Field;
import io.fragtrace.parser.ParsedEvent;
import io.fragtrace.parser.TraceVisitor;
import io.fragtrace.replay.ObservedReplay;
import io.fragtrace.replay.snapshot.SnapshotClock;

import java.nio.file.Path;

/**
 * Recovers the order in which CPUs took zone->lock from a trace that is a merge of per-CPU streams (Perfetto's sorter
 * stage, for the allocator). Each CPU's own order is exact; between CPUs the printed order is not always the lock
 * order: mm_page_free fires in free_pages_prepare() before any lock, mm_page_alloc after the page was taken, and
 * under a stalled clock many events of several CPUs share one timestamp and are printed in CPU order
 * (kernel/trace/ring_buffer.c merges per-CPU buffers by timestamp only).
 *
 * Events pass through a bounded window. When the oldest one would contradict the model (a block taken that is not
 * free, a free of a free page, a block taken from inside a larger free one), the window is searched for the first
 * event of another CPU, not later than the allowed slack, that touches the same pages and could have come first
 * under the lock (a free or drain before a take; an allocation before a free; a split before a take); that CPU's
 * pending events up to it are applied first, in their own order, and the reordering is counted by kind. When no such
 * event exists the event is applied as printed and the replay reconciles it as before.
 */
public final class LockOrderSorter implements TraceVisitor {
    /** Events held back at most: bounds memory and time whatever the input. */
    public static final int DEFAULT_WINDOW = 4096;
    /**
     * Slack for a trace whose clock is not known to be coherent across CPUs: trace_clock_local()
     * (kernel/trace/trace_clock.c, the default) is each CPU's own sched_clock, "the least coherent tracing clock", so
     * two CPUs' events inside one zone->lock section may be stamped out of lock order by the clocks' skew. An
     * enabling event up to this much later is still moved ahead (a perturbed capture with 0.5 ms of skew per CPU
     * stays exact with it, and not with 0.1 ms: scripts/perturb-check.sh).
     */
    public static final long LOCAL_CLOCK_SLACK_NS = 1_000_000;

    /**
     * The slack for a bundle: 0 when its meta.txt says the capture used trace_clock global or counter
     * (trace_clock_global() never returns less than the last value any CPU got, so events under one lock are stamped
     * in lock order, only ties are open: kernel/trace/trace_clock.c), else {@link #LOCAL_CLOCK_SLACK_NS}; the
     * fragtrace.lockSlackNs property overrides both.
     */
    public static long slackFor(Path bundle) {
        Long forced = Long.getLong("fragtrace.lockSlackNs");
        if (forced != null) {
            return Math.max(0, forced);
        }
        String clock = SnapshotClock.traceClock(bundle);
        return "global".equals(clock) || "counter".equals(clock) ? 0 : LOCAL_CLOCK_SLACK_NS;
    }

    private final ObservedReplay replay;
    private final TraceVisitor downstream;
    private final EventRing ring;
    private final long slackNs;
    private long reorderings;
    /** Step as soon as the outcome is settled (false: only when the window is full; tests compare the two). */
    boolean eager = true;

    /**
     * @param replay     the model the conflicts are checked against
     * @param downstream receives every event once, in the recovered order (the replay itself, or a visitor that
     *                   feeds it and others)
     * @param window     events held back at most
     * @param slackNs    how much later than the conflicting event another CPU's event may be printed and still be
     *                   moved before it (0: only events of the same instant)
     */
    public LockOrderSorter(ObservedReplay replay, TraceVisitor downstream, int window, long slackNs) {
        this(replay, downstream, window, slackNs, downstream != replay);
    }

    /** As above; keepText: keep every event's body text for the downstream (false: markers' only, as the replay). */
    public LockOrderSorter(ObservedReplay replay, TraceVisitor downstream, int window, long slackNs,
                           boolean keepText) {
        this.replay = replay;
        this.downstream = downstream;
        this.ring = new EventRing(window, keepText);
        this.slackNs = slackNs;
    }

    public LockOrderSorter(ObservedReplay replay) {
        this(replay, replay, DEFAULT_WINDOW, 0);
    }

    /** Events applied out of printed order. */
    public long reorderings() {
        return reorderings;
    }

    @Override
    public void onEvent(ParsedEvent e) {
        if (ring.isFull()) {
            step();
        }
        ring.add(e);
        while (eager && ring.size() > 1 && decidable()) {
            step();
        }
        if (eager) {
            ring.rebase();
        }
    }

    /**
     * Whether the oldest event can be stepped now with the outcome a full window would give, so that the window
     * stays a few events long (in cache) instead of 4096 when the trace moves on. A step only looks at the events up
     * to the first one later than the oldest's instant + slack (and resolve() at most up to the first such event of
     * another CPU): once that event is in the window, nothing later can change what the step does.
     */
    private boolean decidable() {
        int cpu = ring.cpu(0);
        if (cpu < 0) {
            return true; // no ordering against other CPUs: emitted as printed
        }
        int last = ring.size() - 1;
        long limit = ring.timestampNs(0) + slackNs;
        if (ring.timestampNs(last) <= limit) {
            return false;
        }
        int lastCpu = ring.cpu(last);
        if (lastCpu >= 0 && lastCpu != cpu && !ring.taken(last)) {
            return true; // every scan of the step stops at or before it
        }
        // another CPU within the slack: resolve() may run, wait for a later event of another CPU (or a full window);
        // none: the step emits the oldest as printed
        return firstOtherCpu() < 0;
    }

    /** Applies everything still held back; call once after the parse. */
    public void finish() {
        while (!ring.isEmpty()) {
            step();
        }
    }

    private void step() {
        if (!otherCpuAtSameInstant()) {
            ring.emit(0, downstream); // the common case: no other CPU's event to order against
            return;
        }
        ParsedEvent head = ring.peek(0);
        int conflict = replay.conflict(head);
        if (conflict != ObservedReplay.CONFLICT_NONE) {
            // a block taken under zone->lock must be in the buddy: a free only onto a pcp list does not enable it
            boolean needBuddy = head.type() != EventType.MM_PAGE_ALLOC;
            resolve(conflict, needBuddy, head.cpu(), head.timestampNs());
        }
        ring.emit(0, downstream);
    }

    /*
     * Memo of the scan for another CPU's event, kept while the oldest event's CPU stays the same: the events scanned
     * were that CPU's or already emitted, and stay so; a later oldest event only widens the limit (the trace is in
     * timestamp order), so a long run of one CPU's events is scanned once in all, not once per event (with a slack
     * of 1 ms the run can be the whole window).
     */
    private int memoCpu = Integer.MIN_VALUE;
    private long memoTime;
    private long memoScanned;
    private long memoFound = -1;

    /** Whether an event of another CPU within the slack follows the oldest one (the trace is in timestamp order). */
    private boolean otherCpuAtSameInstant() {
        return ring.cpu(0) >= 0 && firstOtherCpu() >= 0;
    }

    /**
     * Sequence number of the first event after the oldest that another CPU printed within the slack and that is
     * still held back, or -1 when the window holds none (yet).
     */
    private long firstOtherCpu() {
        int cpu = ring.cpu(0);
        long time = ring.timestampNs(0);
        long base = ring.headSeq();
        long from = base + 1;
        if (cpu == memoCpu && time >= memoTime) {
            if (memoFound > base && !ring.taken((int) (memoFound - base))) {
                return memoFound; // within the old limit, so within the new one
            }
            from = Math.max(from, memoScanned + 1);
        } else {
            memoCpu = cpu;
            memoScanned = base;
        }
        memoTime = time;
        memoFound = -1;
        long limit = time + slackNs;
        for (long seq = from; seq - base < ring.size(); seq++) {
            int k = (int) (seq - base);
            if (ring.timestampNs(k) > limit) {
                break;
            }
            memoScanned = seq;
            if (!ring.taken(k) && ring.cpu(k) != cpu && ring.cpu(k) >= 0) {
                memoFound = seq;
                return seq;
            }
        }
        return -1;
    }

    /** Finds the enabling event of another CPU and applies that CPU's pending events up to it first. */
    private void resolve(int conflict, boolean needBuddy, int cpu, long timeNs) {
        if (cpu < 0) {
            return;
        }
        long lo = replay.conflictLo();
        long hi = replay.conflictHi();
        int found = -1;
        for (int k = 1; k < ring.size(); k++) {
            if (ring.taken(k) || ring.cpu(k) == cpu || ring.cpu(k) < 0) {
                continue;
            }
            if (ring.timestampNs(k) > timeNs + slackNs) {
                break;
            }
            if (enables(conflict, needBuddy, ring.peek(k), lo, hi)) {
                found = k;
                break;
            }
        }
        if (found < 0) {
            return;
        }
        int other = ring.cpu(found);
        if (conflict == ObservedReplay.CONFLICT_NOT_ALLOCATED && ring.peek(found).type() != EventType.MM_PAGE_ALLOC) {
            // the page was taken under the lock; its mm_page_alloc (traced after the lock) completes the allocation
            // before the free can have come
            for (int k = found + 1; k < ring.size() && ring.timestampNs(k) <= timeNs + slackNs; k++) {
                if (!ring.taken(k) && ring.cpu(k) == other) {
                    ParsedEvent e = ring.peek(k);
                    if (e.type() == EventType.MM_PAGE_ALLOC && e.has(Field.PFN) && e.pfn() >= lo && e.pfn() < hi) {
                        found = k;
                        break;
                    }
                }
            }
        }
        long otherLine = ring.peek(found).line();
        for (int k = 1; k <= found; k++) {
            if (!ring.taken(k) && ring.cpu(k) == other) {
                ring.emit(k, downstream);
            }
        }
        reorderings++;
        replay.countReordering(conflict, ring.peek(0), other, otherLine);
    }

    /** Whether e could be what the conflicting event waited for under the lock. */
    private boolean enables(int conflict, boolean needBuddy, ParsedEvent e, long lo, long hi) {
        EventType t = e.type();
        int order;
        switch (conflict) {
            case ObservedReplay.CONFLICT_NOT_FREE -> {
                if (t == EventType.MM_PAGE_PCPU_DRAIN) {
                    order = e.order();
                } else if (t == EventType.MM_PAGE_FREE) {
                    order = e.order();
                    if (needBuddy && replay.model().ks.pcpAllowedOrder(order)) {
                        return false;
                    }
                } else {
                    return false;
                }
            }
            case ObservedReplay.CONFLICT_NOT_ALLOCATED, ObservedReplay.CONFLICT_INSIDE_BLOCK -> {
                if (t == EventType.MM_PAGE_ALLOC_EXTFRAG) {
                    order = (int) Math.max(e.get(Field.ALLOC_ORDER), e.get(Field.FALLBACK_ORDER));
                } else if (t == EventType.MM_PAGE_ALLOC || t == EventType.MM_PAGE_ALLOC_ZONE_LOCKED) {
                    if (e.isFailedAlloc()) {
                        return false;
                    }
                    order = e.order();
                } else {
                    return false;
                }
            }
            default -> {
                return false;
            }
        }
        if (!e.has(Field.PFN) || order < 0 || order > 30) {
            return false;
        }
        long pfn = e.pfn();
        return pfn < hi && pfn + (1L << order) > lo;
    }
}
