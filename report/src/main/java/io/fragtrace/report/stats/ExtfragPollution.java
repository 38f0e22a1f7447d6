package io.fragtrace.report.stats;

import io.fragtrace.parser.ParsedEvent;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Who put unmovable or reclaimable pages into movable pageblocks: mm_page_alloc_extfrag events whose allocating
 * migratetype is unmovable (0) or reclaimable (2) and whose fallback (stolen-from) migratetype is movable (1)
 * (mm/page_alloc.c: __rmqueue_fallback → steal_suitable_fallback, traced by trace_mm_page_alloc_extfrag).
 *
 * <p>The event has no gfp flags; the allocation it served is the next {@code mm_page_alloc} on the same CPU by the
 * same task with the event's alloc_order and alloc_migratetype (the fallback happens inside rmqueue, before
 * __alloc_pages traces the allocation). The first {@link #MAX_EVENTS} events are kept; tasks are counted with the
 * Space-Saving algorithm in {@link #MAX_TASKS} counters (exact while there are no more distinct tasks than that).
 */
public final class ExtfragPollution {
    static final int MAX_EVENTS = 1000;
    static final int MAX_TASKS = 1024;
    static final int TOP_TASKS = 50;
    /** An unmatched event stops waiting for its allocation after this much trace time. */
    private static final long PENDING_NS = 1_000_000_000L;
    private static final int MAX_PENDING = 64;

    /** One polluting fallback; {@code gfp} is null until (unless) its allocation is seen. */
    public static final class Event {
        final long timeNs;
        final boolean hasTime;
        final long line;
        final String comm;
        final int pid;
        final int cpu;
        final int order;
        final int allocSlot;
        final int fallbackSlot;
        final boolean fragmenting;
        final boolean changeOwnership;
        String gfp;

        Event(ParsedEvent e, int order, int allocSlot, int fallbackSlot, boolean fragmenting, boolean changeOwnership) {
            this.timeNs = e.timestampNs();
            this.hasTime = e.hasTimestamp();
            this.line = e.line();
            this.comm = e.comm();
            this.pid = e.pid();
            this.cpu = e.cpu();
            this.order = order;
            this.allocSlot = allocSlot;
            this.fallbackSlot = fallbackSlot;
            this.fragmenting = fragmenting;
            this.changeOwnership = changeOwnership;
        }

        public long timeNs() {
            return timeNs;
        }

        public boolean hasTime() {
            return hasTime;
        }

        public long line() {
            return line;
        }

        public String comm() {
            return comm;
        }

        public int pid() {
            return pid;
        }

        public int order() {
            return order;
        }

        public int allocSlot() {
            return allocSlot;
        }

        public int fallbackSlot() {
            return fallbackSlot;
        }

        public boolean fragmenting() {
            return fragmenting;
        }

        public boolean changeOwnership() {
            return changeOwnership;
        }

        /** The gfp flags of the allocation this fallback served, as printed; null if it was not found. */
        public String gfp() {
            return gfp;
        }
    }

    /** A task's count; {@code error} is the Space-Saving overestimate bound (0 = exact). */
    public record Task(String comm, int pid, long count, long error) {
    }

    private final List<Event> events = new ArrayList<>();
    private final List<Event> pending = new ArrayList<>();
    private long total;

    private final LongLongTable taskSlot = new LongLongTable(64, Integer.MAX_VALUE);
    private long[] taskKey = new long[16];
    private long[] taskCount = new long[16];
    private long[] taskError = new long[16];
    private String[] taskComm = new String[16];
    private int tasks;
    private boolean exact = true;

    static boolean isPollution(int allocSlot, int fallbackSlot) {
        return (allocSlot == 0 || allocSlot == 2) && fallbackSlot == 1;
    }

    void onExtfrag(ParsedEvent e, int order, int allocSlot, int fallbackSlot, boolean fragmenting,
                   boolean changeOwnership) {
        total++;
        countTask(e);
        if (events.size() < MAX_EVENTS) {
            Event x = new Event(e, order, allocSlot, fallbackSlot, fragmenting, changeOwnership);
            events.add(x);
            if (pending.size() == MAX_PENDING) {
                pending.remove(0);
            }
            pending.add(x);
        }
    }

    /** An mm_page_alloc: the allocation a pending fallback served gets its gfp flags. */
    void onAlloc(ParsedEvent e, int order, int slot) {
        if (pending.isEmpty()) {
            return;
        }
        if (e.hasTimestamp()) {
            pending.removeIf(x -> x.hasTime && e.timestampNs() - x.timeNs > PENDING_NS);
        }
        for (int i = 0; i < pending.size(); i++) {
            Event x = pending.get(i);
            if (x.cpu == e.cpu() && x.pid == e.pid() && x.order == order && x.allocSlot == slot) {
                x.gfp = e.gfpText();
                pending.remove(i);
                break;
            }
        }
    }

    private void countTask(ParsedEvent e) {
        long key = ((long) e.commId() << 32) | (e.pid() & 0xffffffffL);
        long s = taskSlot.get(key, -1);
        if (s >= 0) {
            taskCount[(int) s]++;
            return;
        }
        int slot;
        if (tasks < MAX_TASKS) {
            if (tasks == taskKey.length) {
                int n = tasks * 2;
                taskKey = Arrays.copyOf(taskKey, n);
                taskCount = Arrays.copyOf(taskCount, n);
                taskError = Arrays.copyOf(taskError, n);
                taskComm = Arrays.copyOf(taskComm, n);
            }
            slot = tasks++;
            taskCount[slot] = 0;
        } else { // Space-Saving: the least-counted task gives its counter to the new one
            exact = false;
            slot = 0;
            for (int i = 1; i < tasks; i++) {
                if (taskCount[i] < taskCount[slot]) {
                    slot = i;
                }
            }
            taskSlot.remove(taskKey[slot], -1);
            taskError[slot] = taskCount[slot];
        }
        taskKey[slot] = key;
        taskComm[slot] = e.comm();
        taskCount[slot]++;
        taskSlot.putIfAbsent(key, slot);
    }

    /** Polluting fallbacks in the trace. */
    public long total() {
        return total;
    }

    /** The first {@link #MAX_EVENTS} of them, in trace order. */
    public List<Event> events() {
        return List.copyOf(events);
    }

    /** The {@link #TOP_TASKS} tasks (comm and pid) with most polluting fallbacks, most first. */
    public List<Task> byTask() {
        List<Task> all = new ArrayList<>();
        for (int i = 0; i < tasks; i++) {
            all.add(new Task(taskComm[i], (int) taskKey[i], taskCount[i], taskError[i]));
        }
        all.sort(Comparator.comparingLong(Task::count).reversed().thenComparing(Task::comm)
                .thenComparingInt(Task::pid));
        return List.copyOf(all.subList(0, Math.min(TOP_TASKS, all.size())));
    }

    /** True when every task had its own counter (at most {@link #MAX_TASKS} distinct tasks): counts are exact. */
    public boolean byTaskExact() {
        return exact;
    }
}
