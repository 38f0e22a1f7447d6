package io.fragtrace.replay.simulate;

import java.util.ArrayDeque;
import java.util.Arrays;

/**
 * The trace↔model page map of simulate mode. The model serves the trace's requests with its own pages, so a trace
 * pfn and the model page standing for it differ: {@link #t2m} maps a trace page to its model page, {@link #m2t} the
 * reverse; compaction and region evacuation move a page's identity with it ({@link #moved}). A model page whose trace
 * page the kernel migrated to an untraced pfn stays allocated as an orphan until a free of that order releases it.
 * Indexes are relative to the zone span's base pfn.
 */
final class PfnMap {
    /** t2m: the trace page has no model page. */
    static final int UNMAPPED = -1;
    /** t2m: the model could not serve the trace's allocation. */
    static final int MODEL_FAILED = -2;
    /** m2t values at or below this mark orphans: slot = ORPHAN_BASE - value. */
    static final int ORPHAN_BASE = -10;

    final int[] t2m;
    final int[] m2t;
    /** Orphan slot → model page; FIFO of slots per order. */
    int[] orphanSlots = new int[64];
    int nOrphanSlots;
    final ArrayDeque<Integer>[] orphans;

    @SuppressWarnings("unchecked")
    PfnMap(int n, int maxOrder) {
        t2m = new int[n];
        m2t = new int[n];
        Arrays.fill(t2m, UNMAPPED);
        Arrays.fill(m2t, -1);
        orphans = new ArrayDeque[maxOrder + 1];
        for (int i = 0; i <= maxOrder; i++) {
            orphans[i] = new ArrayDeque<>();
        }
    }

    /** migrate_pages() moved model page src to dst: the trace page (or orphan) it stands for follows it. */
    void moved(int src, int dst) {
        int t = m2t[src];
        m2t[dst] = t;
        if (t >= 0) {
            t2m[t] = dst;
        } else if (t <= ORPHAN_BASE) {
            orphanSlots[ORPHAN_BASE - t] = dst;
        }
        m2t[src] = -1;
    }

    /** Model pages still held for kernel-migrated trace pages whose new pfn was not freed yet. */
    int orphansPending() {
        int c = 0;
        for (var q : orphans) {
            c += q.size();
        }
        return c;
    }
}
