package io.fragtrace.replay.simulate;

import java.util.Arrays;

/**
 * The kernel's own compaction as the trace shows it, per task (pid), in one table: inside compact_zone()
 * (mm_compaction_begin .. end), inside migrate_pages() (mm_migrate_pages_start .. mm_migrate_pages), and a direct
 * compaction opened by try_to_compact_pages() and not yet closed by the allocation of its order. Few tasks at a
 * time: looked up by pid without boxing.
 */
final class TracedTasks {
    static final int COMPACTING = 1;
    static final int MIGRATING = 2;
    static final int DIRECT = 4;

    private int[] pids = new int[8];
    private int[] flags = new int[8];
    private int[] directOrder = new int[8];
    private int n;
    /** Tasks with each flag (index = flag bit), so "none" is one read. */
    private final int[] count = new int[8];

    private int indexOf(int pid) {
        for (int i = 0; i < n; i++) {
            if (pids[i] == pid) {
                return i;
            }
        }
        return -1;
    }

    boolean has(int pid, int flag) {
        if (count[flag] == 0) {
            return false;
        }
        int i = indexOf(pid);
        return i >= 0 && (flags[i] & flag) != 0;
    }

    boolean any(int flag) {
        return count[flag] > 0;
    }

    void set(int pid, int flag) {
        int i = indexOf(pid);
        if (i < 0) {
            if (n == pids.length) {
                pids = Arrays.copyOf(pids, n * 2);
                flags = Arrays.copyOf(flags, n * 2);
                directOrder = Arrays.copyOf(directOrder, n * 2);
            }
            i = n++;
            pids[i] = pid;
            flags[i] = 0;
        }
        if ((flags[i] & flag) == 0) {
            flags[i] |= flag;
            count[flag]++;
        }
    }

    void clear(int pid, int flag) {
        int i = indexOf(pid);
        if (i < 0 || (flags[i] & flag) == 0) {
            return;
        }
        flags[i] &= ~flag;
        count[flag]--;
        if (flags[i] == 0) {
            n--;
            pids[i] = pids[n];
            flags[i] = flags[n];
            directOrder[i] = directOrder[n];
        }
    }

    /** mm_compaction_try_to_compact_pages: the task compacts directly for this order. */
    void directOpen(int pid, int order) {
        set(pid, DIRECT);
        directOrder[indexOf(pid)] = order;
    }

    /** mm_page_alloc of the task: its allocation of the compaction's order closes the direct compaction. */
    void allocated(int pid, int order) {
        if (count[DIRECT] > 0) {
            int i = indexOf(pid);
            if (i >= 0 && (flags[i] & DIRECT) != 0 && directOrder[i] == order) {
                clear(pid, DIRECT);
            }
        }
    }
}
