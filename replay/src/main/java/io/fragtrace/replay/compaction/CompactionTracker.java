package io.fragtrace.replay.compaction;

import io.fragtrace.parser.CompactStatus;
import io.fragtrace.parser.EventHandlers;
import io.fragtrace.parser.EventType;
import io.fragtrace.parser.Field;
import io.fragtrace.parser.MigrateMode;
import io.fragtrace.parser.ParsedEvent;
import io.fragtrace.parser.ZoneType;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Rebuilds what compaction did from the trace's own events (observed mode). The events of one compact_zone() pass
 * come from one task, so state is kept per pid: try_to_compact_pages() opens a direct request, each zone then shows
 * mm_compaction_deferred or mm_compaction_suitable, and a pass runs from mm_compaction_begin to mm_compaction_end
 * with finished / isolate_* / migratepages in between (mm/compaction.c). kcompactd's loop (kcompactd()) traces
 * kcompactd_sleep before each wait; a pass after kcompactd_wake is kcompactd_do_work(), a pass without one is the
 * timeout path, proactive_compact_node().
 *
 * <p>Memory: aggregates are fixed arrays; the per-pass list keeps the first {@link #MAX_RUNS} passes.
 */
public final class CompactionTracker {
    public static final int MAX_RUNS = 200_000;
    /** Orders -1 (whole-zone compaction) to 15 are kept; index = order + 1. */
    public static final int ORDER_SLOTS = 17;
    private static final int STATUSES = CompactStatus.values().length;
    private static final int CONTEXTS = CompactionContext.values().length;

    /** The replay model's view, to note the fragmentation index when a pass begins. */
    @FunctionalInterface
    public interface FragmentationIndexSource {
        /** __fragmentation_index() of the zone starting at zoneStart for this order, or Integer.MIN_VALUE. */
        int fragmentationIndex(long zoneStartPfn, int order);
    }

    /** What the analytics add to a task's pass (which task is in which pass: {@link CompactingTasks}). */
    private static final class PidState {
        long beginNs;
        int cpu;
        String comm;
        int nid = -1;
        ZoneType zone = ZoneType.UNKNOWN;
        long zoneStart;
        long zoneEnd;
        MigrateMode mode;
        long migrateBegin;
        long freeBegin;
        long migrateScanned;
        long migrateIsolated;
        long freeScanned;
        long freeIsolated;
        long fastScanned;
        long fastIsolated;
        long migrated;
        long migrateFailed;
        int finished;
        CompactStatus lastFinished;
        int fragIndex;
    }

    private final CompactingTasks<PidState> tasks = new CompactingTasks<>(PidState::new);
    private final List<CompactionRun> runs = new ArrayList<>();
    private final long[][] byContextStatus = new long[CONTEXTS][STATUSES];
    private final long[][] byOrderStatus = new long[ORDER_SLOTS][STATUSES];
    private final long[] deferred = new long[ORDER_SLOTS];
    private final long[] deferCompaction = new long[ORDER_SLOTS];
    private final long[] deferReset = new long[ORDER_SLOTS];
    private final long[] allocOk = new long[ORDER_SLOTS];
    private final long[] allocFailed = new long[ORDER_SLOTS];
    private final long[] allocOkAfterCompaction = new long[ORDER_SLOTS];
    private final long[] allocFailedAfterCompaction = new long[ORDER_SLOTS];
    private final List<Interval> kcompactd = new ArrayList<>();
    private final List<Interval> kswapd = new ArrayList<>();
    private final Map<Integer, Integer> openKcompactd = new HashMap<>(); // nid -> index into kcompactd
    private final Map<Integer, Integer> openKswapd = new HashMap<>();
    private long wakeupKcompactd;
    private long kcompactdWakes;
    private long wakeupKswapd;
    private long kswapdWakes;
    private long passes;
    private long unmatchedEnds;
    private FragmentationIndexSource fragSource = (z, o) -> Integer.MIN_VALUE;

    public void setFragmentationIndexSource(FragmentationIndexSource source) {
        this.fragSource = source;
    }

    private static int slot(long order) {
        return (int) Math.max(0, Math.min(ORDER_SLOTS - 1, order + 1));
    }

    private PidState state(int pid) {
        return tasks.data(pid);
    }

    /** The task's pass in progress, or null. */
    private PidState running(int pid) {
        return tasks.has(pid, CompactingTasks.PASS) ? tasks.dataOrNull(pid) : null;
    }

    /** What each event type adds to the passes, counters and daemon intervals. */
    private final EventHandlers handlers = new EventHandlers()
            .on(this::pageAlloc, EventType.MM_PAGE_ALLOC)
            .on(e -> tasks.directRequest(e.pid(), e.order()), EventType.MM_COMPACTION_TRY_TO_COMPACT_PAGES)
            .on(this::noteZone, EventType.MM_COMPACTION_SUITABLE)
            .on(e -> deferred[slot(e.order())]++, EventType.MM_COMPACTION_DEFERRED)
            .on(e -> deferCompaction[slot(e.order())]++, EventType.MM_COMPACTION_DEFER_COMPACTION)
            .on(e -> deferReset[slot(e.order())]++, EventType.MM_COMPACTION_DEFER_RESET)
            .on(this::begin, EventType.MM_COMPACTION_BEGIN)
            .on(e -> {
                PidState s = running(e.pid());
                if (s != null) {
                    s.finished++;
                    s.lastFinished = CompactStatus.byOrdinal(e.get(Field.STATUS));
                }
                noteZone(e);
            }, EventType.MM_COMPACTION_FINISHED)
            .on(this::isolate, EventType.MM_COMPACTION_ISOLATE_MIGRATEPAGES, EventType.MM_COMPACTION_ISOLATE_FREEPAGES,
                    EventType.MM_COMPACTION_FAST_ISOLATE_FREEPAGES)
            .on(e -> {
                PidState s = running(e.pid());
                if (s != null) {
                    s.migrated += e.get(Field.NR_MIGRATED);
                    s.migrateFailed += e.get(Field.NR_FAILED);
                }
            }, EventType.MM_COMPACTION_MIGRATEPAGES)
            .on(this::end, EventType.MM_COMPACTION_END)
            .on(e -> wakeupKcompactd++, EventType.MM_COMPACTION_WAKEUP_KCOMPACTD)
            .on(e -> {
                kcompactdWakes++;
                int nid = (int) e.get(Field.NID);
                tasks.kcompactdWake(nid, e.order());
                close(openKcompactd, kcompactd, nid, e.timestampNs());
                openKcompactd.put(nid, kcompactd.size());
                kcompactd.add(new Interval(nid, e.timestampNs(), -1, e.order()));
            }, EventType.MM_COMPACTION_KCOMPACTD_WAKE)
            .on(e -> {
                int nid = (int) e.get(Field.NID);
                tasks.kcompactdSleep(nid);
                close(openKcompactd, kcompactd, nid, e.timestampNs());
            }, EventType.MM_COMPACTION_KCOMPACTD_SLEEP)
            .on(e -> wakeupKswapd++, EventType.MM_VMSCAN_WAKEUP_KSWAPD)
            .on(e -> {
                kswapdWakes++;
                int nid = (int) e.get(Field.NID);
                close(openKswapd, kswapd, nid, e.timestampNs());
                openKswapd.put(nid, kswapd.size());
                kswapd.add(new Interval(nid, e.timestampNs(), -1, e.order()));
            }, EventType.MM_VMSCAN_KSWAPD_WAKE)
            .on(e -> close(openKswapd, kswapd, (int) e.get(Field.NID), e.timestampNs()),
                    EventType.MM_VMSCAN_KSWAPD_SLEEP);

    /** Feed every event in trace order. */
    public void onEvent(ParsedEvent e) {
        handlers.onEvent(e);
    }

    private static void close(Map<Integer, Integer> open, List<Interval> list, int nid, long ts) {
        Integer idx = open.remove(nid);
        if (idx != null) {
            Interval i = list.get(idx);
            list.set(idx, new Interval(i.nid(), i.beginNs(), ts, i.order()));
        }
    }

    /** High-order allocation outcome; when the task had asked for compaction of this order, it counts as after it. */
    private void pageAlloc(ParsedEvent e) {
        int order = e.order();
        boolean failed = e.isFailedAlloc();
        int slot = slot(order);
        if (failed) {
            allocFailed[slot]++;
        } else {
            allocOk[slot]++;
        }
        if (tasks.allocated(e.pid(), order)) {
            if (failed) {
                allocFailedAfterCompaction[slot]++;
            } else {
                allocOkAfterCompaction[slot]++;
            }
        }
    }

    private void noteZone(ParsedEvent e) {
        PidState s = state(e.pid());
        s.nid = (int) e.get(Field.NID);
        s.zone = ZoneType.byOrdinal(e.get(Field.ZONE));
    }

    private void begin(ParsedEvent e) {
        PidState s = state(e.pid());
        tasks.passBegin(e.pid(), e.comm());
        s.beginNs = e.timestampNs();
        s.cpu = e.cpu();
        s.comm = e.comm();
        s.zoneStart = e.get(Field.ZONE_START);
        s.zoneEnd = e.get(Field.ZONE_END);
        s.migrateBegin = e.get(Field.MIGRATE_PFN);
        s.freeBegin = e.get(Field.FREE_PFN);
        s.mode = MigrateMode.byOrdinal(e.get(Field.MODE));
        s.migrateScanned = s.migrateIsolated = s.freeScanned = s.freeIsolated = 0;
        s.fastScanned = s.fastIsolated = s.migrated = s.migrateFailed = 0;
        s.finished = 0;
        s.lastFinished = null;
        int order = tasks.passOrder(e.pid());
        s.fragIndex = order > 0 ? fragSource.fragmentationIndex(s.zoneStart, order) : Integer.MIN_VALUE;
    }

    private void isolate(ParsedEvent e) {
        PidState s = running(e.pid());
        if (s == null) {
            return;
        }
        long scanned = e.get(Field.NR_SCANNED);
        long taken = e.get(Field.NR_TAKEN);
        switch (e.type()) {
            case MM_COMPACTION_ISOLATE_MIGRATEPAGES -> {
                s.migrateScanned += scanned;
                s.migrateIsolated += taken;
            }
            case MM_COMPACTION_ISOLATE_FREEPAGES -> {
                s.freeScanned += scanned;
                s.freeIsolated += taken;
            }
            default -> {
                s.fastScanned += scanned;
                s.fastIsolated += taken;
            }
        }
    }

    private void end(ParsedEvent e) {
        CompactStatus status = CompactStatus.byOrdinal(e.get(Field.STATUS));
        if (!tasks.passEnd(e.pid())) {
            unmatchedEnds++;
            return;
        }
        PidState s = tasks.dataOrNull(e.pid());
        CompactionContext context = tasks.context(e.pid());
        int order = tasks.passOrder(e.pid());
        passes++;
        byContextStatus[context.ordinal()][status.ordinal()]++;
        byOrderStatus[slot(order)][status.ordinal()]++;
        if (runs.size() < MAX_RUNS) {
            runs.add(new CompactionRun(s.beginNs, e.timestampNs(), e.pid(), s.comm, s.cpu, context, order,
                    s.nid, s.zone, s.zoneStart, s.zoneEnd, s.mode, status, s.migrateBegin, e.get(Field.MIGRATE_PFN),
                    s.freeBegin, e.get(Field.FREE_PFN), s.migrateScanned, s.migrateIsolated, s.freeScanned,
                    s.freeIsolated, s.fastScanned, s.fastIsolated, s.migrated, s.migrateFailed, s.finished,
                    s.lastFinished, s.fragIndex));
        }
    }

    /** Completed passes (begin matched with end), the first {@link #MAX_RUNS} kept in detail. */
    public List<CompactionRun> runs() {
        return Collections.unmodifiableList(runs);
    }

    public long passes() {
        return passes;
    }

    /** mm_compaction_end with no begin of the same task before it (the trace started mid-pass). */
    public long unmatchedEnds() {
        return unmatchedEnds;
    }

    public long passes(CompactionContext c, CompactStatus s) {
        return byContextStatus[c.ordinal()][s.ordinal()];
    }

    public long passesByOrder(int order, CompactStatus s) {
        return byOrderStatus[slot(order)][s.ordinal()];
    }

    /** compaction_deferred() said skip (mm_compaction_deferred) for this order. */
    public long deferred(int order) {
        return deferred[slot(order)];
    }

    public long deferCompaction(int order) {
        return deferCompaction[slot(order)];
    }

    public long deferReset(int order) {
        return deferReset[slot(order)];
    }

    public long allocations(int order, boolean succeeded) {
        return succeeded ? allocOk[slot(order)] : allocFailed[slot(order)];
    }

    /** mm_page_alloc of this order by a task right after its try_to_compact_pages() of the same order. */
    public long allocationsAfterCompaction(int order, boolean succeeded) {
        return succeeded ? allocOkAfterCompaction[slot(order)] : allocFailedAfterCompaction[slot(order)];
    }

    public List<Interval> kcompactdIntervals() {
        return Collections.unmodifiableList(kcompactd);
    }

    public List<Interval> kswapdIntervals() {
        return Collections.unmodifiableList(kswapd);
    }

    /** wakeup_kcompactd() calls that found work (mm_compaction_wakeup_kcompactd). */
    public long wakeupKcompactd() {
        return wakeupKcompactd;
    }

    /** kcompactd_do_work() starts (mm_compaction_kcompactd_wake). */
    public long kcompactdWakes() {
        return kcompactdWakes;
    }

    public long wakeupKswapd() {
        return wakeupKswapd;
    }

    public long kswapdWakes() {
        return kswapdWakes;
    }
}
