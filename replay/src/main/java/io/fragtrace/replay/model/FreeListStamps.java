package io.fragtrace.replay.model;

import static io.fragtrace.replay.model.KernelSemantics.PAGE_ALLOC_COSTLY_ORDER;

/**
 * When each free block of order ≥ PAGE_ALLOC_COSTLY_ORDER (the orders fast_find_migrateblock() of mm/compaction.c
 * searches) last joined its buddy list, as a count of such additions (add_to_free_list(), move_to_free_list(),
 * __free_one_page()): observed mode applies a search as of an earlier moment ({@link CompactionMigrateScanner}) and
 * needs to tell a block that has stayed on its list since then from one that left and came back. A map, not a
 * per-pfn array: its size is bounded by those free blocks, not by the modelled RAM. Kept only from the first
 * {@link #seq()} on (the first recorded search): a block without a stamp joined its list before every mark, which is
 * what {@link #onListSince} and {@link #addedAfter} take it for, so a replay that never asks (simulate mode, 6.12)
 * pays one test per list operation.
 */
public final class FreeListStamps {
    private final IntIntMap addedAt = new IntIntMap(1024);
    private int seq;
    private boolean on;

    /** A block of order joined a buddy list at relative pfn r (BuddyModel's list add). */
    void added(int order, int r) {
        if (on && order >= PAGE_ALLOC_COSTLY_ORDER) {
            addedAt.put(r, ++seq);
        }
    }

    /** It left its list (BuddyModel's list del). */
    void removed(int order, int r) {
        if (on && order >= PAGE_ALLOC_COSTLY_ORDER) {
            addedAt.remove(r);
        }
    }

    /** Additions so far: a mark to test {@link #onListSince} against; from the first call on, additions are kept. */
    public int seq() {
        on = true;
        return seq;
    }

    /**
     * pfn heads a free block of order (≥ PAGE_ALLOC_COSTLY_ORDER) on zone z's free_list[mt] and has stayed on it since
     * {@link #seq} was seq (it was on it then): it has not left the list and come back since.
     */
    public boolean onListSince(BuddyModel m, long pfn, int z, int order, int mt, int seq) {
        return m.inRange(pfn) && m.kind(pfn) == BuddyModel.KIND_BUDDY && m.orderAt(pfn) == order
                && m.listMigratetype(pfn) == mt && m.zoneOf(pfn) == z && addedAt.get((int) (pfn - m.basePfn())) <= seq;
    }

    /** pfn (a free block of order ≥ PAGE_ALLOC_COSTLY_ORDER) joined its buddy list after {@link #seq} was seq. */
    public boolean addedAfter(BuddyModel m, long pfn, int seq) {
        return addedAt.get((int) (pfn - m.basePfn())) > seq;
    }

    /**
     * list_move_tail() of pfn within its buddy list (move_freelist_tail()'s list_cut_position + list_splice_tail, one
     * entry at a time): BuddyModel's move_to_free_list() to the same list, which is no new addition: the block keeps
     * its mark.
     */
    public void moveWithinListToTail(BuddyModel m, long pfn) {
        int r = (int) (pfn - m.basePfn());
        int keep = addedAt.get(r);
        m.moveToFreeList(m.zoneOf(pfn), pfn, m.orderAt(pfn), m.listMigratetype(pfn));
        if (keep >= 0) {
            addedAt.put(r, keep);
        } else {
            addedAt.remove(r); // unstamped: on its list since before every mark, and still so
        }
    }
}
