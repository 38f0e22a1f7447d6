package io.fragtrace.replay;

import io.fragtrace.replay.model.BuddyModel;
import io.fragtrace.replay.model.KernelSemantics;
import org.junit.jupiter.api.Test;

import static io.fragtrace.replay.ObservedReplayTest.line;
import static io.fragtrace.replay.ObservedReplayTest.model;
import static io.fragtrace.replay.ObservedReplayTest.replay;
import static io.fragtrace.replay.model.KernelSemantics.MIGRATE_MOVABLE;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Frees on a CPU whose pcp list another CPU is draining. mm/page_alloc.c (6.0+): __drain_all_pages() calls
 * drain_pages_zone(cpu, zone) for each CPU with pages, which holds that CPU's pcp->lock around free_pcppages_bulk()
 * (mm_page_pcpu_drain printed on the draining CPU, preempt depth 2: pcp lock + zone lock). Meanwhile the owner's
 * free_unref_page() fails pcp_spin_trylock() and calls free_one_page() (no event); free_unref_folios() prints
 * mm_page_free for each folio (free_pages_prepare()) before it tries the lock, and mm_page_free_batched for each page
 * it then commits under it.
 * Zone [0x1000, 0x2000), 2 CPUs; order-0 movable pages go to pcp index order_to_pindex(MOVABLE, 0) = 1.
 * Hand calculation common to the tests: cpu 1 frees 0x1100 and 0x1101 to its list; cpu 0 drains both (0x1101 first:
 * its buddy 0x1100 is on the list, no merge; then 0x1100 merges with it into the order-1 block 0x1100, whose buddy
 * 0x1102 is unknown, not free).
 */
class RemoteDrainLockTest {
    private static final int PINDEX_ORDER0_MOVABLE = 1;

    private static String cpu0DrainsCpu1sList() {
        return line(1, ".....", "1.000001", "mm_page_free", "page=00000000deadbeef pfn=0x1100 order=0")
                + line(1, ".....", "1.000002", "mm_page_free", "page=00000000deadbeef pfn=0x1101 order=0")
                + line(0, "d..2.", "1.000003", "mm_page_pcpu_drain", "page=00000000deadbeef pfn=0x1101 order=0 migratetype=1")
                + line(0, "d..2.", "1.000004", "mm_page_pcpu_drain", "page=00000000deadbeef pfn=0x1100 order=0 migratetype=1");
    }

    /** An allocation that failed (__alloc_pages() returned NULL: page=0): an event that changes no page. */
    private static String failedAlloc(int cpu, String ts) {
        return line(cpu, ".....", ts, "mm_page_alloc", "page=0000000000000000 pfn=0x0 order=9 migratetype=1 gfp_flags=0x0");
    }

    /** cpu 0's next event after its drain: drain_pages_zone() has returned. */
    private static String cpu0MovesOn(String ts) {
        return failedAlloc(0, ts);
    }

    /** cpu 1's next event of another kind than a free. */
    private static String cpu1GoesOn(String ts) {
        return failedAlloc(1, ts);
    }

    @Test
    void freesWhileTheDrainHoldsTheLockGoToTheBuddy() {
        // cpu 1 frees 0x1102 and 0x1103 while cpu 0 still holds its lock (cpu 0 prints nothing more until later):
        // free_one_page() each, 0x1102 alone, then 0x1103 merges with it into order 1 at 0x1102, which merges with
        // 0x1100 into order 2 at 0x1100 (its buddy 0x1104 is unknown). Known when cpu 1 goes on with something else
        // than a free (no mm_page_free_batched came: not free_unref_folios()).
        BuddyModel m = model(KernelSemantics.V6_12);
        ObservedReplay r = replay(m, cpu0DrainsCpu1sList()
                + line(1, ".....", "1.000010", "mm_page_free", "page=00000000deadbeef pfn=0x1102 order=0")
                + line(1, ".....", "1.000011", "mm_page_free", "page=00000000deadbeef pfn=0x1103 order=0")
                + cpu1GoesOn("1.000012")
                + cpu0MovesOn("1.000013"));
        assertArrayEquals(new long[] {0x1100}, m.freeList(0, 2, MIGRATE_MOVABLE));
        assertArrayEquals(new long[0], m.freeList(0, 1, MIGRATE_MOVABLE));
        assertArrayEquals(new long[0], m.pcpList(0, 1, PINDEX_ORDER0_MOVABLE));
        assertDrainLockedFrees(2, r);
    }

    @Test
    void onlyTheLastFolioBatchOfARunWaits() {
        // 6.10+: free_unref_folios() frees one folio_batch, at most PAGEVEC_SIZE = 31 folios, so of 33 frees in a run
        // while the lock is held the first 2 cannot be prepares of a commit still to come: they go to the buddy at the
        // 32nd and 33rd free. 0x1102 alone (its buddy 0x1103 is on the list), then 0x1103 merges with it (order 1 at
        // 0x1102) and with 0x1100 (order 1, drained) into order 2 at 0x1100 (buddy 0x1104 is on the list). The other
        // 31 (0x1104..0x1122) wait on the list, newest at the head. 6.1's free_unref_page_list() takes a list of any
        // length: all 33 wait.
        for (KernelSemantics ks : new KernelSemantics[] {KernelSemantics.V6_12, KernelSemantics.V6_1}) {
            BuddyModel m = model(ks);
            StringBuilder t = new StringBuilder(cpu0DrainsCpu1sList());
            for (long p = 0x1102; p <= 0x1122; p++) {
                t.append(line(1, ".....", String.format("1.%06d", p - 0x1100 + 10), "mm_page_free",
                        "page=00000000deadbeef pfn=0x" + Long.toHexString(p) + " order=0"));
            }
            ObservedReplay r = replay(m, t.toString());
            long[] list = m.pcpList(0, 1, PINDEX_ORDER0_MOVABLE);
            if (ks.folioBatchFree()) {
                assertArrayEquals(new long[] {0x1100}, m.freeList(0, 2, MIGRATE_MOVABLE));
                assertEquals(31, list.length);
                assertEquals(0x1122, list[0]);
                assertEquals(0x1104, list[30]);
                assertEquals(2, r.consistency().count(Consistency.Kind.DRAIN_LOCKED_FREE));
            } else {
                assertArrayEquals(new long[] {0x1100}, m.freeList(0, 1, MIGRATE_MOVABLE));
                assertEquals(33, list.length);
                assertEquals(0, r.consistency().count(Consistency.Kind.DRAIN_LOCKED_FREE));
            }
            assertEquals(0, r.consistency().contradictions());
        }
    }

    @Test
    void freeUnrefFoliosCommitShowsTheLockWasFree() {
        // the two frees are free_unref_folios()' first loop: each page's mm_page_free_batched follows (the trylock
        // succeeded), so both stay on cpu 1's list, each moved to its head in turn: [0x1103, 0x1102]
        BuddyModel m = model(KernelSemantics.V6_12);
        ObservedReplay r = replay(m, cpu0DrainsCpu1sList()
                + line(1, ".....", "1.000010", "mm_page_free", "page=00000000deadbeef pfn=0x1102 order=0")
                + line(1, ".....", "1.000011", "mm_page_free", "page=00000000deadbeef pfn=0x1103 order=0")
                + line(1, "...2.", "1.000012", "mm_page_free_batched", "page=00000000deadbeef pfn=0x1102 order=0")
                + line(1, "...2.", "1.000013", "mm_page_free_batched", "page=00000000deadbeef pfn=0x1103 order=0")
                + cpu1GoesOn("1.000014"));
        assertArrayEquals(new long[] {0x1100}, m.freeList(0, 1, MIGRATE_MOVABLE));
        assertArrayEquals(new long[] {0x1103, 0x1102}, m.pcpList(0, 1, PINDEX_ORDER0_MOVABLE));
        assertDrainLockedFrees(0, r);
    }

    @Test
    void freesAfterTheDrainerMovedOnGoToThePcpList() {
        // cpu 0's next event shows drain_pages_zone() returned (spin_unlock()): cpu 1's later frees take the lock
        BuddyModel m = model(KernelSemantics.V6_12);
        ObservedReplay r = replay(m, cpu0DrainsCpu1sList()
                + cpu0MovesOn("1.000005")
                + line(1, ".....", "1.000010", "mm_page_free", "page=00000000deadbeef pfn=0x1102 order=0")
                + cpu1GoesOn("1.000011"));
        assertArrayEquals(new long[] {0x1100}, m.freeList(0, 1, MIGRATE_MOVABLE));
        assertArrayEquals(new long[] {0x1102}, m.pcpList(0, 1, PINDEX_ORDER0_MOVABLE));
        assertDrainLockedFrees(0, r);
    }

    @Test
    void aCpuDrainingItsOwnListHoldsNoOtherLock() {
        // drain_local_pages() / free_pcppages_bulk() from free_unref_page_commit() on cpu 1 itself: its own frees
        // before and after are ordinary pcp frees
        BuddyModel m = model(KernelSemantics.V6_12);
        ObservedReplay r = replay(m, line(1, ".....", "1.000001", "mm_page_free", "page=00000000deadbeef pfn=0x1100 order=0")
                + line(1, "d..3.", "1.000002", "mm_page_pcpu_drain", "page=00000000deadbeef pfn=0x1100 order=0 migratetype=1")
                + line(1, ".....", "1.000003", "mm_page_free", "page=00000000deadbeef pfn=0x1102 order=0")
                + cpu1GoesOn("1.000004"));
        assertArrayEquals(new long[] {0x1102}, m.pcpList(0, 1, PINDEX_ORDER0_MOVABLE));
        assertDrainLockedFrees(0, r);
    }

    /** n free_one_page() reconciliations of frees under a drain's hold, and no contradiction. */
    private static void assertDrainLockedFrees(int n, ObservedReplay r) {
        assertEquals(n, r.consistency().count(Consistency.Kind.DRAIN_LOCKED_FREE));
        assertEquals(0, r.consistency().contradictions());
    }

    private static String at(int t) {
        return String.format("1.%06d", t);
    }

    /** A task's mm_page_free of order-0 pfn (free_pages_prepare()) at time 1.000000 + t us. */
    private static String free(int cpu, int t, long pfn) {
        return line(cpu, ".....", at(t), "mm_page_free", "page=00000000deadbeef pfn=0x" + Long.toHexString(pfn)
                + " order=0");
    }

    /** The commit of pfn by free_unref_page_list()'s second loop (pcp lock held: depth 2). */
    private static String batched(int cpu, int t, long pfn) {
        return line(cpu, "...2.", at(t), "mm_page_free_batched",
                "page=00000000deadbeef pfn=0x" + Long.toHexString(pfn) + " order=0");
    }

    /** free_pcppages_bulk() of an order-0 movable pfn (pcp lock + zone lock: depth 2). */
    private static String drain(int cpu, int t, long pfn) {
        return line(cpu, "d..2.", at(t), "mm_page_pcpu_drain",
                "page=00000000deadbeef pfn=0x" + Long.toHexString(pfn) + " order=0 migratetype=1");
    }

    /** cpu 1 frees 0x1100, 0x1101 and 0x1103 one by one (free_unref_page(): each on its list at once), then goes on. */
    private static String cpu1FreesThreeSingles() {
        return free(1, 1, 0x1100) + free(1, 2, 0x1101) + free(1, 3, 0x1103) + cpu1GoesOn(at(4));
    }

    /** cpu 0's drain_pages_zone(1, zone) frees cpu 1's three singles, tail first: 0x1100, 0x1101, 0x1103. */
    private static String cpu0DrainsTheSingles(int t) {
        return drain(0, t, 0x1100) + drain(0, t + 1, 0x1101) + drain(0, t + 2, 0x1103);
    }

    @Test
    void freeUnrefPageListPassesOverAPageWhoseTrylockFailed() {
        // mm/page_alloc.c free_unref_page_list() (6.1; free_unref_folios() on 6.12): cpu 1's task frees the list
        // [0x1102, 0x1104]; its first loop prints both mm_page_free (free_pages_prepare()). Then cpu 0's
        // drain_pages_zone() holds cpu 1's pcp lock and drains the three singles: 0x1100 alone (buddy 0x1101 on the
        // list), 0x1101 merges with it (order 1 at 0x1100; its buddy 0x1102 is in the task's list, not PageBuddy),
        // 0x1103 alone (buddy 0x1102 not free). The second loop's pcp_spin_trylock() at 0x1102 (first page,
        // locked_zone NULL) fails: free_one_page(0x1102), no mm_page_free_batched; __free_one_page merges it with
        // 0x1103 (order 1 at 0x1102), then with 0x1100 (order 2 at 0x1100); the order-2 buddy 0x1104 is not free.
        // locked_zone stays NULL, so 0x1104 tries again after cpu 0 moved on: it succeeds, mm_page_free_batched,
        // list_add() to the head of cpu 1's order-0 movable list. The capture's case: kswapd's 0x1a749 on
        // mixed-churn-512M-k6.1.0-57.
        for (KernelSemantics ks : new KernelSemantics[] {KernelSemantics.V6_1, KernelSemantics.V6_12}) {
            BuddyModel m = model(ks);
            ObservedReplay r = replay(m, cpu1FreesThreeSingles()
                    + free(1, 10, 0x1102) + free(1, 11, 0x1104)
                    + cpu0DrainsTheSingles(12)
                    + cpu0MovesOn(at(15))
                    + batched(1, 16, 0x1104)
                    + cpu1GoesOn(at(17)));
            assertArrayEquals(new long[] {0x1100}, m.freeList(0, 2, MIGRATE_MOVABLE), ks.name());
            assertArrayEquals(new long[0], m.freeList(0, 1, MIGRATE_MOVABLE));
            assertArrayEquals(new long[0], m.freeList(0, 0, MIGRATE_MOVABLE));
            assertArrayEquals(new long[] {0x1104}, m.pcpList(0, 1, PINDEX_ORDER0_MOVABLE));
            assertDrainLockedFrees(1, r);
        }
    }

    @Test
    void aSingleFreeAheadOfAListWithoutADrainSinceStaysOnTheList() {
        // the same events, but cpu 0's drain came and went before the list's first loop: no trylock of the commit
        // loop could fail, so 0x1102 (no mm_page_free_batched) was a free_unref_page() of its own, committed to the
        // head of cpu 1's list before 0x1104's mm_page_free; 0x1104's commit then goes to the head: [0x1104, 0x1102].
        // The drain left order 1 at 0x1100 and order 0 at 0x1103 (its buddy 0x1102 on the list).
        for (KernelSemantics ks : new KernelSemantics[] {KernelSemantics.V6_1, KernelSemantics.V6_12}) {
            BuddyModel m = model(ks);
            ObservedReplay r = replay(m, cpu1FreesThreeSingles()
                    + cpu0DrainsTheSingles(5)
                    + cpu0MovesOn(at(8))
                    + free(1, 10, 0x1102) + free(1, 11, 0x1104)
                    + batched(1, 12, 0x1104)
                    + cpu1GoesOn(at(13)));
            assertArrayEquals(new long[] {0x1100}, m.freeList(0, 1, MIGRATE_MOVABLE), ks.name());
            assertArrayEquals(new long[] {0x1103}, m.freeList(0, 0, MIGRATE_MOVABLE));
            assertArrayEquals(new long[] {0x1104, 0x1102}, m.pcpList(0, 1, PINDEX_ORDER0_MOVABLE));
            assertDrainLockedFrees(0, r);
        }
    }

    @Test
    void freeUnrefPageListTriesTheLockAgainAfterSwapClusterMaxCommits() {
        // 6.1 free_unref_page_list(): after SWAP_CLUSTER_MAX = 32 commits (batch_count) it unlocks, locked_zone =
        // NULL, and the next page takes the lock again with pcp_spin_trylock(). List [0x1200..0x121f, 0x1102,
        // 0x1104]: the first 32 commit (list_add() each: 0x121f at the head). cpu 0's drain_pages_zone() then holds
        // cpu 1's lock and drains all 35 pages from the tail: 0x1100, 0x1101 (order 1 at 0x1100), 0x1103 alone,
        // 0x1200..0x121f (merging up to order 5 at 0x1200; the order-5 buddy 0x1220 is unknown, not free). The 33rd
        // page's trylock fails: free_one_page(0x1102) merges with 0x1103 and 0x1100 into order 2 at 0x1100 (buddy
        // 0x1104 not free); the 34th's succeeds after cpu 0 moved on: cpu 1's list is [0x1104]. Were the lock still
        // held (no unlock after 32 commits), 0x1102 would have been committed, not passed over at a trylock.
        BuddyModel m = model(KernelSemantics.V6_1);
        StringBuilder t = new StringBuilder(cpu1FreesThreeSingles());
        int ts = 10;
        for (long p = 0x1200; p <= 0x121f; p++) {
            t.append(free(1, ts++, p));
        }
        t.append(free(1, ts++, 0x1102)).append(free(1, ts++, 0x1104));
        for (long p = 0x1200; p <= 0x121f; p++) {
            t.append(batched(1, ts++, p));
        }
        t.append(cpu0DrainsTheSingles(ts));
        ts += 3;
        for (long p = 0x1200; p <= 0x121f; p++) {
            t.append(drain(0, ts++, p));
        }
        t.append(cpu0MovesOn(at(ts++))).append(batched(1, ts++, 0x1104)).append(cpu1GoesOn(at(ts)));
        ObservedReplay r = replay(m, t.toString());
        assertArrayEquals(new long[] {0x1200}, m.freeList(0, 5, MIGRATE_MOVABLE));
        assertArrayEquals(new long[] {0x1100}, m.freeList(0, 2, MIGRATE_MOVABLE));
        assertArrayEquals(new long[0], m.freeList(0, 1, MIGRATE_MOVABLE));
        assertArrayEquals(new long[0], m.freeList(0, 0, MIGRATE_MOVABLE));
        assertArrayEquals(new long[] {0x1104}, m.pcpList(0, 1, PINDEX_ORDER0_MOVABLE));
        assertDrainLockedFrees(1, r);
    }
}
