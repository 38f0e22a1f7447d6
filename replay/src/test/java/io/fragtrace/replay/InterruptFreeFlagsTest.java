package io.fragtrace.replay;

import io.fragtrace.replay.model.BuddyModel;
import io.fragtrace.replay.model.KernelSemantics;
import io.fragtrace.replay.model.Zone;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.fragtrace.replay.ObservedReplayTest.line;
import static io.fragtrace.replay.ObservedReplayTest.model;
import static io.fragtrace.replay.ObservedReplayTest.replay;
import static io.fragtrace.replay.model.KernelSemantics.MIGRATE_MOVABLE;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Interrupt frees against a pcp-locked loop, decided from the irq-flags column (hardirq/softirq character and
 * preempt depth). mm/page_alloc.c (6.1 with the 6.2 pcp locking, and 6.12): free_unref_page_list()/free_unref_folios()
 * hold the CPU's pcp lock with IRQs enabled (pcp_spin_lock: pcpu_task_pin() + spin_lock(), preempt depth 2); an
 * interrupt's free_unref_page() then fails pcp_spin_trylock() and calls free_one_page() (no further event).
 * Zone [0x1000, 0x2000); order-1 movable pages go to pcp index order_to_pindex(MOVABLE, 1) = 3 * 1 + 1 = 4.
 */
class InterruptFreeFlagsTest {
    private static final int PINDEX_ORDER1_MOVABLE = 4;

    /** pass 1 (task, preempt 0) frees A and B, pass 2 (pcp lock held, preempt 2) adds them to the pcp list. */
    private static String loop() {
        return line(0, ".....", "1.000001", "mm_page_free", "page=00000000deadbeef pfn=0x1100 order=0")
                + line(0, ".....", "1.000002", "mm_page_free", "page=00000000deadbeef pfn=0x1200 order=0")
                + line(0, "...2.", "1.000003", "mm_page_free_batched", "page=00000000deadbeef pfn=0x1100 order=0")
                + line(0, "...2.", "1.000004", "mm_page_free_batched", "page=00000000deadbeef pfn=0x1200 order=0");
    }

    @Test
    void softirqFreeRightAfterTheLoopsLastStepWhileTheLockIsHeldGoesToTheBuddy() {
        // the softirq free shows preempt depth 2 (the interrupted loop's pcp_spin_lock) and nothing of the task came
        // between the loop's last traced step and it; the task's next event is a new list's first pass
        BuddyModel m = model(KernelSemantics.V6_1);
        ObservedReplay r = replay(m, loop()
                + line(0, "..s2.", "1.000005", "mm_page_free", "page=00000000deadbeef pfn=0x1302 order=1")
                + line(0, ".....", "1.000006", "mm_page_free", "page=00000000deadbeef pfn=0x1400 order=0"));
        assertArrayEquals(new long[] {0x1302}, m.freeList(0, 1, MIGRATE_MOVABLE));
        assertArrayEquals(new long[0], m.pcpList(0, 0, PINDEX_ORDER1_MOVABLE));
        assertArrayEquals(new long[] {0x1400, 0x1200, 0x1100}, m.pcpList(0, 0, 1));
        assertEquals(1, r.consistency().count(Consistency.Kind.INTERRUPT_FREE));
    }

    @Test
    void softirqFreeWithNoSpinlockHeldGoesToThePcpList() {
        // preempt depth 0: the interrupted context held no spinlock, so not the pcp lock; the trylock succeeded
        BuddyModel m = model(KernelSemantics.V6_1);
        ObservedReplay r = replay(m, loop()
                + line(0, "..s..", "1.000005", "mm_page_free", "page=00000000deadbeef pfn=0x1302 order=1")
                + line(0, ".....", "1.000006", "mm_page_free", "page=00000000deadbeef pfn=0x1400 order=0"));
        assertArrayEquals(new long[0], m.freeList(0, 1, MIGRATE_MOVABLE));
        assertArrayEquals(new long[] {0x1302}, m.pcpList(0, 0, PINDEX_ORDER1_MOVABLE));
        assertEquals(0, r.consistency().count(Consistency.Kind.INTERRUPT_FREE));
    }

    @Test
    void softirqDrainOfTheLoopsZoneShowsTheInterruptHeldTheLock() {
        // the softirq's own free_pcppages_bulk (d.s5.) took this zone's pcp lock: no loop held it, the free went to
        // the pcp list and from there to the buddy by the traced drain
        BuddyModel m = model(KernelSemantics.V6_1);
        ObservedReplay r = replay(m, loop()
                + line(0, "..s2.", "1.000005", "mm_page_free", "page=00000000deadbeef pfn=0x1302 order=1")
                + line(0, "d.s5.", "1.000006", "mm_page_pcpu_drain", "page=00000000deadbeef pfn=0x1100 order=0 migratetype=1")
                + line(0, ".....", "1.000007", "mm_page_free", "page=00000000deadbeef pfn=0x1400 order=0"));
        assertArrayEquals(new long[] {0x1302}, m.pcpList(0, 0, PINDEX_ORDER1_MOVABLE));
        assertArrayEquals(new long[] {0x1100}, m.freeList(0, 0, MIGRATE_MOVABLE));
        assertEquals(0, r.consistency().count(Consistency.Kind.INTERRUPT_FREE));
    }

    @Test
    void ksoftirqdDrainAfterTheLoopDoesNotShowTheInterruptHeldTheLock() {
        // mixed-churn-512M-k6.12 line 873696: a softirq free at depth 3 over the loop (pcp lock held, 2), then
        // ksoftirqd (another task) frees and drains on that CPU. pcp_spin_lock() pins the task (pcpu_task_pin() =
        // preempt_disable()) until pcp_spin_unlock(), so ksoftirqd ran only after the loop dropped the lock: the
        // softirq's trylock had failed (free_one_page(): 0x1302 alone on the order-1 free list), and ksoftirqd's own
        // free (depth 0) went to the pcp list
        BuddyModel m = model(KernelSemantics.V6_12);
        ObservedReplay r = replay(m, loop()
                + line(0, "..s3.", "1.000005", "mm_page_free", "page=00000000deadbeef pfn=0x1302 order=1")
                + String.format("     ksoftirqd/0-14      [000] ..s..    1.000006: mm_page_free: "
                        + "page=00000000deadbeef pfn=0x1304 order=1%n")
                + String.format("     ksoftirqd/0-14      [000] d.s3.    1.000007: mm_page_pcpu_drain: "
                        + "page=00000000deadbeef pfn=0x1100 order=0 migratetype=1%n"));
        assertArrayEquals(new long[] {0x1302}, m.freeList(0, 1, MIGRATE_MOVABLE));
        assertArrayEquals(new long[] {0x1304}, m.pcpList(0, 0, PINDEX_ORDER1_MOVABLE));
        assertEquals(1, r.consistency().count(Consistency.Kind.INTERRUPT_FREE));
    }

    @Test
    void softirqDrainOfAnotherZoneLeavesTheLoopHoldingItsLock() {
        // DMA [0, 0x1000) and DMA32 [0x1000, 0x2000): the loop holds DMA32's pcp lock; the softirq frees a DMA32 page
        // (trylock fails: buddy) and a DMA page (DMA's lock is free: pcp, then its own drain); the loop then continues
        BuddyModel m = new BuddyModel(KernelSemantics.V6_1,
                List.of(new Zone(0, 0, "DMA", 0, 4096), new Zone(1, 0, "DMA32", 4096, 4096)), 2);
        String t = line(0, ".....", "1.000001", "mm_page_free", "page=00000000deadbeef pfn=0x1100 order=0")
                + line(0, ".....", "1.000002", "mm_page_free", "page=00000000deadbeef pfn=0x1200 order=0")
                + line(0, "...2.", "1.000003", "mm_page_free_batched", "page=00000000deadbeef pfn=0x1100 order=0")
                + line(0, "..s3.", "1.000004", "mm_page_free", "page=00000000deadbeef pfn=0x1302 order=1")
                + line(0, "..s3.", "1.000005", "mm_page_free", "page=00000000deadbeef pfn=0x802 order=1")
                + line(0, "d.s6.", "1.000006", "mm_page_pcpu_drain", "page=00000000deadbeef pfn=0x802 order=1 migratetype=1")
                + line(0, "...2.", "1.000007", "mm_page_free_batched", "page=00000000deadbeef pfn=0x1200 order=0");
        ObservedReplay r = replay(m, t);
        assertArrayEquals(new long[] {0x1302}, m.freeList(1, 1, MIGRATE_MOVABLE));
        assertArrayEquals(new long[] {0x802}, m.freeList(0, 1, MIGRATE_MOVABLE));
        assertArrayEquals(new long[] {0x1200, 0x1100}, m.pcpList(1, 0, 1));
        assertEquals(1, r.consistency().count(Consistency.Kind.INTERRUPT_FREE));
    }

    /** pass 1 only: the task (preempt 0) has freed A and B; its loop has not begun. */
    private static String firstPass() {
        return line(0, ".....", "1.000001", "mm_page_free", "page=00000000deadbeef pfn=0x1100 order=0")
                + line(0, ".....", "1.000002", "mm_page_free", "page=00000000deadbeef pfn=0x1200 order=0");
    }

    private static String loopSteps() {
        return line(0, "...2.", "1.000004", "mm_page_free_batched", "page=00000000deadbeef pfn=0x1100 order=0")
                + line(0, "...2.", "1.000005", "mm_page_free_batched", "page=00000000deadbeef pfn=0x1200 order=0");
    }

    @Test
    void softirqFreeAboveTheLockDepthBeforeTheLoopsFirstStepGoesToTheBuddy() {
        // kcompactd-4G-k6.12 line 4440350: free_unref_folios() took the pcp lock (pcp_spin_trylock(): task depth
        // 0 + 2) before its first mm_page_free_batched; the softirq shows 4 = 2 + its own nesting 2 (0 + 4 would need
        // an interrupt nested 4 deep). Its trylock fails: free_one_page(), 0x1302 alone on the order-1 free list.
        BuddyModel m = model(KernelSemantics.V6_12);
        ObservedReplay r = replay(m, firstPass()
                + line(0, "..s4.", "1.000003", "mm_page_free", "page=00000000deadbeef pfn=0x1302 order=1")
                + loopSteps());
        assertArrayEquals(new long[] {0x1302}, m.freeList(0, 1, MIGRATE_MOVABLE));
        assertArrayEquals(new long[0], m.pcpList(0, 0, PINDEX_ORDER1_MOVABLE));
        assertArrayEquals(new long[] {0x1200, 0x1100}, m.pcpList(0, 0, 1));
        assertEquals(1, r.consistency().count(Consistency.Kind.INTERRUPT_FREE));
    }

    @Test
    void softirqFreeAtTheLockDepthBeforeTheLoopsFirstStepStaysOnThePcpList() {
        // depth 2 before the loop: the task outside the lock (0) under a softirq nesting 2 (as between two first-pass
        // frees in the captures), or inside it under one nesting 0; the lock is held only from the trylock to the
        // first batched trace, so the trylock succeeded: free_unref_page_commit(), the order-1 pcp list
        BuddyModel m = model(KernelSemantics.V6_12);
        ObservedReplay r = replay(m, firstPass()
                + line(0, "..s2.", "1.000003", "mm_page_free", "page=00000000deadbeef pfn=0x1302 order=1")
                + loopSteps());
        assertArrayEquals(new long[] {0x1302}, m.pcpList(0, 0, PINDEX_ORDER1_MOVABLE));
        assertArrayEquals(new long[0], m.freeList(0, 1, MIGRATE_MOVABLE));
        assertEquals(0, r.consistency().count(Consistency.Kind.INTERRUPT_FREE));
    }

    @Test
    void drainNamingAnAfterLoopInterruptFreeShowsItWasOnThePcpList() {
        // depth 2 after the loop's last step: the loop's lock (buddy, the default) or a softirq nesting 2 after
        // pcp_spin_unlock(). The later drain of cpu 0's list names 0x1302: it was on the pcp list (trylock
        // succeeded); free_pcppages_bulk() frees it to the buddy, where it ends alone on the order-1 list either way
        BuddyModel m = model(KernelSemantics.V6_12);
        ObservedReplay r = replay(m, loop()
                + line(0, "..s2.", "1.000005", "mm_page_free", "page=00000000deadbeef pfn=0x1302 order=1")
                + line(0, ".....", "1.000006", "mm_page_free", "page=00000000deadbeef pfn=0x1400 order=0")
                + line(0, "d..3.", "1.000007", "mm_page_pcpu_drain",
                        "page=00000000deadbeef pfn=0x1302 order=1 migratetype=1"));
        assertArrayEquals(new long[] {0x1302}, m.freeList(0, 1, MIGRATE_MOVABLE));
        assertEquals(1, r.consistency().count(Consistency.Kind.INTERRUPT_FREE_ON_PCP));
        assertEquals(0, r.consistency().count(Consistency.Kind.DRAIN_NOT_ON_PCP));
    }

    @Test
    void allocationOfTheTasksFreedPageFromBehindInterruptFreesShowsTheyCameBeforeItsCommit() {
        // kcompactd-4G-k6.12 line 3,431,097: free_unref_page() traces 0x1100 (free_pages_prepare()) before its
        // pcp_spin_trylock(); a softirq (depth 1: the task held no lock) frees 0x1200 and 0x1300 in between, then
        // the task's list_add() puts 0x1100 on top and its next allocation takes it from the head. The list keeps
        // the softirq's pages in their order (0x1300 was added last): {0x1300, 0x1200}, no bulk allocation.
        BuddyModel m = model(KernelSemantics.V6_12);
        ObservedReplay r = replay(m, line(0, ".....", "1.000001", "mm_page_free", "page=00000000deadbeef pfn=0x1100 order=0")
                + line(0, "..s1.", "1.000002", "mm_page_free", "page=00000000deadbeef pfn=0x1200 order=0")
                + line(0, "..s1.", "1.000003", "mm_page_free", "page=00000000deadbeef pfn=0x1300 order=0")
                + line(0, ".N.1.", "1.000004", "mm_page_alloc",
                        "page=00000000deadbeef pfn=0x1100 order=0 migratetype=1 gfp_flags=GFP_NOWAIT"));
        assertArrayEquals(new long[] {0x1300, 0x1200}, m.pcpList(0, 0, 1));
        assertEquals(0, r.consistency().count(Consistency.Kind.UNTRACED_BULK_ALLOC));
        assertEquals(1, r.consistency().count(Consistency.Kind.INTERRUPT_FREE_UNDER_COMMIT));
    }
}
