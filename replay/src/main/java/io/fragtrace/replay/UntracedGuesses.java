package io.fragtrace.replay;

import io.fragtrace.replay.model.BuddyModel;

/**
 * Free blocks the model took by an untraced path whose choice no event names: 6.1's fast_isolate_freepages() and
 * 6.12 fast searches the model could not reproduce exactly (mm/compaction.c). A guess stands until the trace refutes
 * it. The refutation: every page of another free block of the guess's size and list is freed while the model still
 * has it free. Only an untraced isolation explains that (compaction_alloc() hands isolated pages to migration, and
 * they are freed later like any page; split_map_pages() made them order-0 pages on 6.1), so the search took that
 * block, not the guessed one, which the kernel left free: it goes back to the free list.
 * <p>
 * Bounded: the last {@link #MAX} guesses and candidate blocks; an event that allocates or frees a page of a guess
 * confirms it (the guess is dropped), one that allocates a page of a candidate block shows the kernel had it free.
 */
final class UntracedGuesses {
    static final int MAX = 16;
    private final long[] pfn = new long[MAX];
    private final int[] order = new int[MAX];
    private final int[] mt = new int[MAX];
    private final int[] zone = new int[MAX];
    private int n;

    /** Candidate blocks: free in the model when the first of their pages was freed; pages freed so far. */
    private final long[] cand = new long[MAX];
    private final int[] candOrder = new int[MAX];
    private final long[] candFreed = new long[MAX];
    /** Which pages of each candidate were freed (bit per page; 2^10 pages at most). */
    private final long[][] candBits = new long[MAX][16];
    private int nc;

    /** The model isolated the free block [pfn, pfn + 2^order) of free_list[mt] of zone z by an untraced path. */
    void record(long pfn, int order, int mt, int z) {
        if (n == MAX) {
            drop(0);
        }
        this.pfn[n] = pfn;
        this.order[n] = order;
        this.mt[n] = mt;
        this.zone[n] = z;
        n++;
    }

    boolean isEmpty() {
        return n == 0;
    }

    /**
     * An event other than a free-of-free named [p, p + 2^o): a guess it overlaps is settled (the kernel used that
     * block); an allocation of a candidate page not freed yet shows the kernel had it free.
     */
    void touched(long p, int o, boolean allocation) {
        if (n == 0 && nc == 0) {
            return;
        }
        long e = p + (1L << o);
        for (int i = n - 1; i >= 0; i--) {
            if (p < pfn[i] + (1L << order[i]) && e > pfn[i]) {
                drop(i);
            }
        }
        if (!allocation) {
            return;
        }
        for (int i = nc - 1; i >= 0; i--) {
            long ce = cand[i] + (1L << candOrder[i]);
            for (long q = Math.max(p, cand[i]); q < Math.min(e, ce); q++) {
                int b = (int) (q - cand[i]);
                if ((candBits[i][b >>> 6] & (1L << b)) == 0) {
                    dropCandidate(i);
                    break;
                }
            }
        }
    }

    /**
     * [p, p + 2^o) is freed while the model had it in the free block [h, h + 2^k) of free_list[listMt] (before
     * the reconciliation took it). Returns the pfn of the guess put back on the free list when this free completes the refutation of
     * one, else -1.
     */
    long freedWhileFree(BuddyModel m, int z, long p, int o, long h, int k, int listMt) {
        for (int i = nc - 1; i >= 0; i--) {
            if (p >= cand[i] && p < cand[i] + (1L << candOrder[i])) {
                mark(i, p, o);
                return candFreed[i] >= 1L << candOrder[i] ? restore(m, z, i) : -1;
            }
        }
        if (h < 0 || n == 0) {
            return -1;
        }
        for (int i = n - 1; i >= 0; i--) {
            if (zone[i] == z && mt[i] == listMt && order[i] == k && o <= k && stillIsolated(m, pfn[i], k)) {
                if (nc == MAX) {
                    dropCandidate(0);
                }
                cand[nc] = h;
                candOrder[nc] = k;
                candFreed[nc] = 0;
                java.util.Arrays.fill(candBits[nc], 0);
                nc++;
                mark(nc - 1, p, o);
                return candFreed[nc - 1] >= 1L << k ? restore(m, z, nc - 1) : -1;
            }
        }
        return -1;
    }

    /**
     * release_freepages() (mm/compaction.c): before its pass ends the compacting task frees the targets it isolated
     * and did not use. Only its last isolation can still be on cc->freepages (compaction_alloc() isolates again only
     * when the list is empty), so a released page p that the model has free (in a block of order k of
     * free_list[listMt]) was isolated by the kernel's last untraced search, and the model's newest guess in the zone
     * was not: the search isolated a whole free block of the guessed order (the size its next_search_order() walk
     * settled on), the aligned one around p, whose other pages are used targets or come later in this release. That
     * block is taken and the guess goes back to the free list. Each released page still free in the model repeats it
     * (a kernel block larger than the guess replaces the newer guesses one by one). Returns the guess put back, else
     * -1 (no guess, or the newest is not isolated any more, or larger than the model's free block).
     */
    long releasedWhileFree(BuddyModel m, int z, long p, int k, int listMt) {
        for (int g = n - 1; g >= 0; g--) {
            if (zone[g] != z) {
                continue;
            }
            if (mt[g] != listMt || order[g] > k || !stillIsolated(m, pfn[g], order[g])) {
                return -1;
            }
            long back = pfn[g];
            int go = order[g];
            drop(g);
            m.takeRange(p & -(1L << go), go);
            m.freeOnePage(z, back, go, listMt, false);
            return back;
        }
        return -1;
    }

    private void mark(int i, long p, int o) {
        for (long q = p; q < p + (1L << o); q++) {
            int b = (int) (q - cand[i]);
            if ((candBits[i][b >>> 6] & (1L << b)) == 0) {
                candBits[i][b >>> 6] |= 1L << b;
                candFreed[i]++;
            }
        }
    }

    /** Candidate i is wholly freed: the newest untouched guess of its size and zone goes back to the free list. */
    private long restore(BuddyModel m, int z, int i) {
        int k = candOrder[i];
        dropCandidate(i);
        for (int g = n - 1; g >= 0; g--) {
            if (zone[g] == z && order[g] == k && stillIsolated(m, pfn[g], k)) {
                long back = pfn[g];
                int gmt = mt[g];
                drop(g);
                m.freeOnePage(z, back, k, gmt, false);
                return back;
            }
        }
        return -1;
    }

    /** Every page of the guessed block is still out of the free and pcp lists, as the isolation left it. */
    private static boolean stillIsolated(BuddyModel m, long head, int order) {
        long end = head + (1L << order);
        for (long q = head; q < end; q++) {
            if (m.kind(q) != 0) {
                return false;
            }
        }
        return m.findBuddyHead(head) < 0 && m.findPcpHead(head) < 0;
    }

    private void drop(int i) {
        System.arraycopy(pfn, i + 1, pfn, i, n - i - 1);
        System.arraycopy(order, i + 1, order, i, n - i - 1);
        System.arraycopy(mt, i + 1, mt, i, n - i - 1);
        System.arraycopy(zone, i + 1, zone, i, n - i - 1);
        n--;
    }

    private void dropCandidate(int i) {
        System.arraycopy(cand, i + 1, cand, i, nc - i - 1);
        System.arraycopy(candOrder, i + 1, candOrder, i, nc - i - 1);
        System.arraycopy(candFreed, i + 1, candFreed, i, nc - i - 1);
        long[] bits = candBits[i];
        System.arraycopy(candBits, i + 1, candBits, i, nc - i - 1);
        candBits[nc - 1] = bits;
        nc--;
    }
}
