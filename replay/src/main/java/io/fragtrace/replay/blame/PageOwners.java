package io.fragtrace.replay.blame;

import io.fragtrace.parser.EventType;
import io.fragtrace.parser.Gfp;
import io.fragtrace.parser.ParsedEvent;
import io.fragtrace.parser.TraceVisitor;
import io.fragtrace.replay.model.BuddyModel;
import io.fragtrace.replay.model.IntIntMap;
import io.fragtrace.replay.model.UnmovableLru;
import io.fragtrace.replay.model.Zone;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static io.fragtrace.replay.model.BuddyModel.KIND_BUDDY;
import static io.fragtrace.replay.model.BuddyModel.KIND_PCP;
import static io.fragtrace.replay.model.KernelSemantics.MIGRATE_MOVABLE;

/**
 * page_owner from the trace (mm/page_owner.c: __set_page_owner() at allocation, __reset_page_owner() at free): for
 * every page, who allocated it (task, gfp flags, migratetype, order, time, trace line). Fed the events the replay
 * applies, in the same (lock-recovered) order and with the same per-zone window, after the replay has applied each.
 * Plain arrays indexed by pfn: 25 bytes per modelled page, whatever the trace's length; task names and gfp strings
 * are the parser's interned ids.
 */
public final class PageOwners implements TraceVisitor {
    /** Allocated before the trace (or a hole): only the start snapshot knows about it. */
    public static final byte BEFORE = 0;
    /** Allocated by a traced mm_page_alloc: the record is valid. */
    public static final byte TRACED = 1;
    /**
     * Free at the start or freed in the trace: if the model has it allocated now, an untraced path allocated it
     * (a compaction migration target, __alloc_pages_bulk()).
     */
    public static final byte UNTRACED = 2;

    /** Task id of pages allocated before the trace. */
    public static final int TASK_BEFORE = 0;
    /** Task id of pages allocated by an untraced path. */
    public static final int TASK_UNTRACED = 1;

    /** Heap bytes per modelled page. */
    public static final long BYTES_PER_PAGE = 1 + 4 + 4 + 1 + 8 + 8;

    private final BuddyModel m;
    private final long base;
    private final long[] fromNs;
    private final long[] toNs;
    final byte[] origin;
    final int[] task;
    final int[] gfp;
    /** gfp_migratetype() of the allocation (mm_page_alloc's migratetype) and its order, packed: mt << 4 | order. */
    final byte[] mtOrder;
    final long[] timeNs;
    final long[] line;

    private final IntIntMap taskOfPid = new IntIntMap(256);
    private final List<String> taskComm = new ArrayList<>(List.of("(before trace)", "(untraced allocation)"));
    private int[] taskPid = {-1, -1};
    private int[] taskCommId = {-1, -1};
    private String[] gfpNames = new String[64];
    /** The gfp bits of each name (Gfp.parse()), for the rules that read the mask. */
    private long[] gfpBits = new long[64];

    /** Owners of a model whose zones all replay every event (no window). */
    public PageOwners(BuddyModel model) {
        this(model, filled(model.zoneCount(), Long.MIN_VALUE), filled(model.zoneCount(), Long.MAX_VALUE));
    }

    /** fromNs/toNs: each zone's window (fromNs, toNs], as the {@code ObservedReplay} fed alongside has it. */
    public PageOwners(BuddyModel model, long[] fromNs, long[] toNs) {
        this.m = model;
        this.base = model.basePfn();
        this.fromNs = fromNs.clone();
        this.toNs = toNs.clone();
        int n = (int) (model.endPfn() - base);
        origin = new byte[n];
        task = new int[n];
        gfp = new int[n];
        mtOrder = new byte[n];
        timeNs = new long[n];
        line = new long[n];
        // pages free in the start state: whatever allocates them later without an mm_page_alloc is untraced
        for (int z = 0; z < model.zoneCount(); z++) {
            Zone zone = model.zone(z);
            for (long p = zone.start; p < zone.end; ) {
                int k = model.kind(p);
                if (k == KIND_BUDDY || k == KIND_PCP) {
                    int len = 1 << model.orderAt(p);
                    Arrays.fill(origin, (int) (p - base), (int) Math.min(p + len - base, n), UNTRACED);
                    p += len;
                } else {
                    p++;
                }
            }
        }
    }

    private static long[] filled(int n, long v) {
        long[] a = new long[n];
        Arrays.fill(a, v);
        return a;
    }

    @Override
    public void onEvent(ParsedEvent e) {
        EventType t = e.type();
        if (t == EventType.MM_PAGE_ALLOC) {
            if (!e.isFailedAlloc()) {
                int order = e.order();
                int r = rel(e, e.pfn(), order);
                if (r >= 0) {
                    set(r, 1 << order, taskOf(e), gfpOf(e), e.migratetype(), order, e.timestampNs(), e.line());
                }
            }
        } else if (t == EventType.MM_PAGE_FREE || t == EventType.MM_PAGE_FREE_BATCHED) {
            // mm_page_free_batched prints order=0 even for a large folio, whose mm_page_free gives the order
            int order = t == EventType.MM_PAGE_FREE ? e.order() : 0;
            int r = rel(e, e.pfn(), order);
            if (r >= 0) {
                if (order == 0) {
                    origin[r] = UNTRACED;
                } else {
                    Arrays.fill(origin, r, r + (1 << order), UNTRACED);
                }
            }
        }
    }

    /** Index of [pfn, pfn + 2^order) when the replay applied the event (same checks as its zoneFor), else -1. */
    private int rel(ParsedEvent e, long pfn, int order) {
        int z = m.zoneOf(pfn);
        if (z < 0 || order < 0 || order >= m.nrOrders()) {
            return -1;
        }
        long ts = e.timestampNs();
        if (ts <= fromNs[z] || ts > toNs[z] || (pfn & ((1L << order) - 1)) != 0 || pfn + (1L << order) > m.zone(z).end) {
            return -1;
        }
        return (int) (pfn - base);
    }

    /** Records an allocation of pages [r, r + len) (also for tests building a model by hand). */
    void set(int r, int len, int taskId, int gfpId, int mt, int order, long time, long lineNo) {
        if (len == 1) { // most allocations: plain stores
            origin[r] = TRACED;
            task[r] = taskId;
            gfp[r] = gfpId;
            mtOrder[r] = (byte) ((mt & 7) << 4);
            timeNs[r] = time;
            line[r] = lineNo;
            return;
        }
        Arrays.fill(origin, r, r + len, TRACED);
        Arrays.fill(task, r, r + len, taskId);
        Arrays.fill(gfp, r, r + len, gfpId);
        Arrays.fill(mtOrder, r, r + len, (byte) ((mt & 7) << 4 | order));
        Arrays.fill(timeNs, r, r + len, time);
        Arrays.fill(line, r, r + len, lineNo);
    }

    /** A traced allocation of [pfn, pfn + 2^order) by a task, for hand-built cases. */
    public void recordAllocation(long pfn, int order, int pid, String comm, String gfpText, int mt, long time,
                                 long lineNo) {
        int t = taskComm.size();
        for (int i = 2; i < taskComm.size(); i++) {
            if (taskPid[i] == pid && taskComm.get(i).equals(comm)) {
                t = i;
            }
        }
        if (t == taskComm.size()) {
            t = newTask(pid, -1, comm);
        }
        int g = -1;
        for (int i = 0; i < gfpNames.length && gfpNames[i] != null; i++) {
            if (gfpNames[i].equals(gfpText)) {
                g = i;
            }
        }
        if (g < 0) {
            g = 0;
            while (g < gfpNames.length && gfpNames[g] != null) {
                g++;
            }
            nameGfp(g, gfpText);
        }
        set((int) (pfn - base), 1 << order, t, g, mt, order, time, lineNo);
    }

    private int lastPid = Integer.MIN_VALUE;
    private int lastCommId = -1;
    private int lastTask = -1;

    /** The task id of (pid, comm): a pid whose comm changed (exec) is a new task. No allocation on a hit. */
    private int taskOf(ParsedEvent e) {
        int pid = e.pid();
        int commId = e.commId();
        if (pid == lastPid && commId == lastCommId) {
            return lastTask;
        }
        int key = Math.max(0, pid + 1);
        int t = taskOfPid.get(key);
        if (t < 0 || taskCommId[t] != commId) {
            t = newTask(pid, commId, e.comm());
            taskOfPid.put(key, t);
        }
        lastPid = pid;
        lastCommId = commId;
        lastTask = t;
        return t;
    }

    private int newTask(int pid, int commId, String comm) {
        int t = taskComm.size();
        taskComm.add(comm);
        if (t >= taskPid.length) {
            taskPid = Arrays.copyOf(taskPid, t * 2);
            taskCommId = Arrays.copyOf(taskCommId, t * 2);
        }
        taskPid[t] = pid;
        taskCommId[t] = commId;
        return t;
    }

    private int gfpOf(ParsedEvent e) {
        int id = e.gfpId();
        if (id < 0) {
            return -1;
        }
        if (id >= gfpNames.length || gfpNames[id] == null) {
            nameGfp(id, e.gfpText());
        }
        return id;
    }

    private void nameGfp(int id, String text) {
        if (id >= gfpNames.length) {
            gfpNames = Arrays.copyOf(gfpNames, Math.max(id + 1, gfpNames.length * 2));
            gfpBits = Arrays.copyOf(gfpBits, gfpNames.length);
        }
        gfpNames[id] = text;
        gfpBits[id] = Gfp.parse(text);
    }

    // ------------------------------------------------------------------ lookups (by pfn)

    public BuddyModel model() {
        return m;
    }

    public byte origin(long pfn) {
        return origin[(int) (pfn - base)];
    }

    public int task(long pfn) {
        int r = (int) (pfn - base);
        return origin[r] == TRACED ? task[r] : origin[r] == BEFORE ? TASK_BEFORE : TASK_UNTRACED;
    }

    /** gfp id of a traced page, -1 otherwise. */
    public int gfp(long pfn) {
        int r = (int) (pfn - base);
        return origin[r] == TRACED ? gfp[r] : -1;
    }

    /** The allocation's migratetype (gfp_migratetype()) of a traced page, -1 otherwise. */
    public int migratetype(long pfn) {
        int r = (int) (pfn - base);
        return origin[r] == TRACED ? (mtOrder[r] >> 4) & 7 : -1;
    }

    /**
     * Whether a traced page is one compaction can migrate as its gfp tells (PageLRU; the trace has no page flags):
     * a movable allocation, or a block device's page-cache folio allocated as unmovable ({@link UnmovableLru}).
     */
    public boolean movable(long pfn) {
        int r = (int) (pfn - base);
        return origin[r] == TRACED && (((mtOrder[r] >> 4) & 7) == MIGRATE_MOVABLE
                || gfp[r] >= 0 && UnmovableLru.blockDeviceFolio(gfpBits[gfp[r]], mtOrder[r] & 15));
    }

    public int order(long pfn) {
        return mtOrder[(int) (pfn - base)] & 15;
    }

    public long timeNs(long pfn) {
        return timeNs[(int) (pfn - base)];
    }

    public long line(long pfn) {
        return line[(int) (pfn - base)];
    }

    public int taskCount() {
        return taskComm.size();
    }

    public String taskComm(int t) {
        return taskComm.get(t);
    }

    /** pid of a task, -1 for the pseudo tasks. */
    public int taskPid(int t) {
        return taskPid[t];
    }

    /** "comm-pid" as ftrace prints a task, or the pseudo task's name. */
    public String taskName(int t) {
        return t < 2 ? taskComm.get(t) : taskComm.get(t) + "-" + taskPid[t];
    }

    public String gfpName(int id) {
        return id < 0 || id >= gfpNames.length || gfpNames[id] == null ? "?" : gfpNames[id];
    }
}
