package io.fragtrace.replay.compaction;

import io.fragtrace.parser.EventHandlers;
import io.fragtrace.parser.EventType;
import io.fragtrace.parser.Field;
import io.fragtrace.parser.ParsedEvent;
import io.fragtrace.replay.model.IntIntMap;

import java.util.Arrays;
import java.util.function.Supplier;

/**
 * Which task (pid) is inside which part of the kernel's compaction, as the trace shows it: the one open/close rule
 * for observed replay, compaction analytics and simulate mode (mm/compaction.c, mm/page_alloc.c, mm/migrate.c).
 * <ul>
 * <li>{@link #DIRECT}: a direct compaction request, opened by mm_compaction_try_to_compact_pages
 * (__alloc_pages_direct_compact()) and closed by the task's mm_page_alloc of the same order (the allocation that asked
 * for it; a zonelist walk compacts one zone after another under one request, each pass with current->capture_control).
 * <li>{@link #PASS}: one compact_zone() pass, mm_compaction_begin .. mm_compaction_end. Its context is fixed when it
 * begins: DIRECT under an open request, KCOMPACTD for kcompactdN after mm_compaction_kcompactd_wake of node N
 * (kcompactd_do_work()), PROACTIVE for kcompactdN with no wake since its kcompactd_sleep (proactive_compact_node(), the
 * timeout path of kcompactd()), MANUAL for any other task (a write to /proc/sys/vm/compact_memory).
 * <li>{@link #MIGRATING}: inside migrate_pages(), mm_migrate_pages_start .. mm_migrate_pages.
 * </ul>
 * State is per pid and never guessed: an end with no begin is reported (the trace started mid-pass), a begin with no
 * end is replaced by the task's next begin. A pid keeps its entry, and the consumer's data {@code T} for it, for the
 * whole trace; a reused pid starts its pass afresh, but inherits a direct request its previous task left open.
 *
 * @param <T> what the consumer keeps per task (its compact_control, its pass figures); Void for none
 */
public final class CompactingTasks<T> {
    public static final int DIRECT = 1;
    public static final int PASS = 2;
    public static final int MIGRATING = 4;
    private static final String KCOMPACTD = "kcompactd";
    /** No kcompactd_wake of the node since its last kcompactd_sleep. */
    private static final int ASLEEP = Integer.MIN_VALUE;

    /** One task (pid): what it is in, and the consumer's data. */
    private static final class Entry {
        int flags;
        int directOrder;
        int passOrder = -1;
        CompactionContext context;
        Object data;
    }

    /** pid -> index into entries (pids are keyed as non-negative ints; a parser's -1 "no pid" as Integer.MAX_VALUE). */
    private final IntIntMap index = new IntIntMap(64);
    private Entry[] entries = new Entry[16];
    private int n;
    private final Supplier<T> newData;
    /** Tasks with each flag (index = flag bit), so "none" is one read on hot paths. */
    private final int[] count = new int[MIGRATING + 1];
    /** Per node: the order of kcompactd's last wake, or ASLEEP. */
    private int[] kcompactdOrder = new int[0];

    /** A tracker with no per-task data of the consumer. */
    public CompactingTasks() {
        this(null);
    }

    /** A tracker keeping newData's object per task, made on the first {@link #data} of the task. */
    public CompactingTasks(Supplier<T> newData) {
        this.newData = newData;
    }

    /** The task's entry, or null when the trace has not shown it in compaction. */
    private Entry find(int pid) {
        int i = index.get(pid & Integer.MAX_VALUE);
        return i < 0 ? null : entries[i];
    }

    /** The task's entry, made if it has none. */
    private Entry entry(int pid) {
        Entry t = find(pid);
        if (t == null) {
            if (n == entries.length) {
                entries = Arrays.copyOf(entries, n * 2);
            }
            t = entries[n] = new Entry();
            index.put(pid & Integer.MAX_VALUE, n++);
        }
        return t;
    }

    /** Tasks the trace has shown in compaction so far. */
    public int seen() {
        return n;
    }

    /** The consumer's data of the task, made now if it has none. */
    @SuppressWarnings("unchecked")
    public T data(int pid) {
        Entry t = entry(pid);
        if (t.data == null) {
            t.data = newData.get();
        }
        return (T) t.data;
    }

    /** The consumer's data of the task, or null before {@link #data} made it. */
    @SuppressWarnings("unchecked")
    public T dataOrNull(int pid) {
        Entry t = find(pid);
        return t == null ? null : (T) t.data;
    }

    public boolean has(int pid, int flag) {
        if (count[flag] == 0) {
            return false;
        }
        Entry t = find(pid);
        return t != null && (t.flags & flag) != 0;
    }

    /** Whether any task has the flag now. */
    public boolean any(int flag) {
        return count[flag] > 0;
    }

    /** Context of the task's pass in progress or last pass (fixed at its begin), null before one. */
    public CompactionContext context(int pid) {
        Entry t = find(pid);
        return t == null ? null : t.context;
    }

    /**
     * cc->order of the task's pass in progress or last pass as its context gives it: the request's order (direct),
     * the wake's order (kcompactd), -1 (proactive and manual: whole-zone compaction).
     */
    public int passOrder(int pid) {
        Entry t = find(pid);
        return t == null ? -1 : t.passOrder;
    }

    private void set(Entry t, int flag) {
        if ((t.flags & flag) == 0) {
            t.flags |= flag;
            count[flag]++;
        }
    }

    /** Clears the flag; returns whether it was set. */
    private boolean clear(Entry t, int flag) {
        if (t == null || (t.flags & flag) == 0) {
            return false;
        }
        t.flags &= ~flag;
        count[flag]--;
        return true;
    }

    // ------------------------------------------------------------------ the rules, one per event

    /** The rules below by event type. */
    private final EventHandlers handlers = new EventHandlers()
            .on(e -> directRequest(e.pid(), e.order()), EventType.MM_COMPACTION_TRY_TO_COMPACT_PAGES)
            .on(e -> allocated(e.pid(), e.order()), EventType.MM_PAGE_ALLOC)
            .on(e -> passBegin(e.pid(), e.comm()), EventType.MM_COMPACTION_BEGIN)
            .on(e -> passEnd(e.pid()), EventType.MM_COMPACTION_END)
            .on(e -> kcompactdWake((int) e.get(Field.NID), e.order()), EventType.MM_COMPACTION_KCOMPACTD_WAKE)
            .on(e -> kcompactdSleep((int) e.get(Field.NID)), EventType.MM_COMPACTION_KCOMPACTD_SLEEP)
            .on(e -> set(entry(e.pid()), MIGRATING), EventType.MM_MIGRATE_PAGES_START)
            .on(e -> clear(find(e.pid()), MIGRATING), EventType.MM_MIGRATE_PAGES);

    /** Feeds one event (those of the rules below; any other is ignored). */
    public void onEvent(ParsedEvent e) {
        handlers.onEvent(e);
    }

    /** mm_compaction_try_to_compact_pages: the task compacts directly for this order. */
    public void directRequest(int pid, int order) {
        Entry t = entry(pid);
        set(t, DIRECT);
        t.directOrder = order;
    }

    /** mm_page_alloc: the task's allocation of its request's order closes it; returns whether it did. */
    public boolean allocated(int pid, int order) {
        if (count[DIRECT] == 0) {
            return false;
        }
        Entry t = find(pid);
        return t != null && (t.flags & DIRECT) != 0 && t.directOrder == order && clear(t, DIRECT);
    }

    /** mm_compaction_begin: a compact_zone() pass of the task starts; its context and order are fixed now. */
    public CompactionContext passBegin(int pid, String comm) {
        Entry t = entry(pid);
        set(t, PASS);
        if ((t.flags & DIRECT) != 0) {
            t.context = CompactionContext.DIRECT;
            t.passOrder = t.directOrder;
        } else if (comm.startsWith(KCOMPACTD)) {
            int nid = kcompactdNid(comm);
            int woken = nid >= 0 && nid < kcompactdOrder.length ? kcompactdOrder[nid] : ASLEEP;
            t.context = woken != ASLEEP ? CompactionContext.KCOMPACTD : CompactionContext.PROACTIVE;
            t.passOrder = woken != ASLEEP ? woken : -1;
        } else {
            t.context = CompactionContext.MANUAL;
            t.passOrder = -1;
        }
        return t.context;
    }

    /** mm_compaction_end: the task's pass ends; false when none was open (the trace began mid-pass). */
    public boolean passEnd(int pid) {
        return clear(find(pid), PASS);
    }

    /** mm_compaction_kcompactd_wake: kcompactd of the node starts kcompactd_do_work() for this order. */
    public void kcompactdWake(int nid, int order) {
        if (nid < 0) {
            return;
        }
        if (nid >= kcompactdOrder.length) {
            int old = kcompactdOrder.length;
            kcompactdOrder = Arrays.copyOf(kcompactdOrder, nid + 1);
            Arrays.fill(kcompactdOrder, old, nid + 1, ASLEEP);
        }
        kcompactdOrder[nid] = order;
    }

    /** mm_compaction_kcompactd_sleep: kcompactd of the node waits again; a pass before its next wake is proactive. */
    public void kcompactdSleep(int nid) {
        if (nid >= 0 && nid < kcompactdOrder.length) {
            kcompactdOrder[nid] = ASLEEP;
        }
    }

    /** kcompactd's node from its name (kcompactdN), as a pass has not traced its zone when it begins; 0 if none. */
    private static int kcompactdNid(String comm) {
        int nid = 0;
        int len = comm.length();
        if (len == KCOMPACTD.length()) {
            return 0;
        }
        for (int k = KCOMPACTD.length(); k < len; k++) {
            char ch = comm.charAt(k);
            if (ch < '0' || ch > '9' || nid > 100_000) {
                return 0;
            }
            nid = nid * 10 + (ch - '0');
        }
        return nid;
    }
}
