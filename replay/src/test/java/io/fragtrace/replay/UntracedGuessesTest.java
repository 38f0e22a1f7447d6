package io.fragtrace.replay;

import io.fragtrace.parser.TraceParser;
import io.fragtrace.replay.model.BuddyModel;
import io.fragtrace.replay.model.KernelSemantics;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;

import static io.fragtrace.replay.ObservedReplayTest.line;
import static io.fragtrace.replay.ObservedReplayTest.model;
import static io.fragtrace.replay.model.KernelSemantics.MIGRATE_MOVABLE;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A guess of 6.1's untraced fast_isolate_freepages() (mm/compaction.c) refuted by the frees that follow: zone
 * [0x1000, 0x2000), two free order-2 movable blocks G = 0x1100 and X = 0x1200; the model's emulated search isolated G.
 * The kernel's compaction_alloc() hands isolated pages to migration as order-0 pages (split_map_pages()), and they
 * are freed later like any page (mm_page_free, 6.1: to this CPU's pcp list, order-0 movable = pindex 1).
 * G's buddy 0x1104 is allocated, so G goes back as the order-2 block it was.
 */
class UntracedGuessesTest {
    private static final int PINDEX_ORDER0_MOVABLE = 1;

    private static BuddyModel withGuess(ObservedReplay[] out) {
        BuddyModel m = model(KernelSemantics.V6_1);
        m.addToFreeList(0, 0x1100, 2, MIGRATE_MOVABLE, false);
        m.addToFreeList(0, 0x1200, 2, MIGRATE_MOVABLE, false);
        m.isolateFreePage(0x1100, 2);
        ObservedReplay r = new ObservedReplay(m).modelUntracedPaths(true);
        r.guesses.record(0x1100, 2, MIGRATE_MOVABLE, 0);
        out[0] = r;
        return m;
    }

    private static void feed(ObservedReplay r, String trace) {
        new TraceParser().parse(new ByteArrayInputStream(trace.getBytes(StandardCharsets.UTF_8)), "test", r);
    }

    private static String free(String ts, int pfn) {
        return line(0, ".....", ts, "mm_page_free", "page=00000000deadbeef pfn=0x" + Integer.toHexString(pfn) + " order=0");
    }

    @Test
    void everyPageOfAnotherBlockFreedPutsTheGuessBack() {
        // the four pages of X are freed while the model has X free: the search took X, not G, so G is free again
        ObservedReplay[] r = new ObservedReplay[1];
        BuddyModel m = withGuess(r);
        feed(r[0], free("1.000001", 0x1200) + free("1.000002", 0x1201) + free("1.000003", 0x1202)
                + free("1.000004", 0x1203));
        assertArrayEquals(new long[] {0x1100}, m.freeList(0, 2, MIGRATE_MOVABLE));
        assertArrayEquals(new long[] {0x1203, 0x1202, 0x1201, 0x1200}, m.pcpList(0, 0, PINDEX_ORDER0_MOVABLE));
        assertEquals(1, r[0].consistency().count(Consistency.Kind.UNTRACED_GUESS_CORRECTED));
        assertEquals(4, r[0].consistency().count(Consistency.Kind.FREE_OF_FREE));
    }

    @Test
    void aFreeOfAGuessedPageConfirmsTheGuess() {
        // the kernel freed a page of G: the search did take G; X's frees are other untraced isolations
        ObservedReplay[] r = new ObservedReplay[1];
        BuddyModel m = withGuess(r);
        feed(r[0], free("1.000001", 0x1101) + free("1.000002", 0x1200) + free("1.000003", 0x1201)
                + free("1.000004", 0x1202) + free("1.000005", 0x1203));
        assertArrayEquals(new long[0], m.freeList(0, 2, MIGRATE_MOVABLE));
        assertEquals(0, r[0].consistency().count(Consistency.Kind.UNTRACED_GUESS_CORRECTED));
    }

    @Test
    void anAllocationOfAnUnfreedPageOfTheBlockShowsTheKernelHadItFree() {
        // X's last two pages were still in the kernel's free lists (rmqueue_bulk takes 0x1202): only part of X was
        // isolated, which G's order cannot explain; G stays isolated
        ObservedReplay[] r = new ObservedReplay[1];
        BuddyModel m = withGuess(r);
        feed(r[0], free("1.000001", 0x1200) + free("1.000002", 0x1201)
                + line(0, "d..3.", "1.000003", "mm_page_alloc_zone_locked",
                        "page=00000000deadbeef pfn=0x1202 order=0 migratetype=1 percpu_refill=1")
                + free("1.000004", 0x1203));
        assertArrayEquals(new long[0], m.freeList(0, 2, MIGRATE_MOVABLE));
        assertEquals(0, r[0].consistency().count(Consistency.Kind.UNTRACED_GUESS_CORRECTED));
    }

    @Test
    void aTargetReleasedAtThePassEndPutsTheGuessBackAtOnce() {
        // release_freepages() (mm/compaction.c) at the end of compact_zone(): the kernel's last fast search isolated
        // X, not G. split_map_pages() list_add()s X's pages one by one, so cc->freepages is [0x1203, 0x1202, 0x1201,
        // 0x1200]; compaction_alloc() took the head, 0x1203, as the one migration target used, and release_freepages()
        // frees the rest from the head: 0x1202, 0x1201, 0x1200 (__free_page: order-0 pcp list, head insertion).
        // The first of them shows X was the isolated block: X is taken whole (0x1203 stays allocated, a used target),
        // G goes back to the free list, and the two later frees are ordinary frees of allocated pages.
        ObservedReplay[] r = new ObservedReplay[1];
        BuddyModel m = withGuess(r);
        String begin = line(0, ".....", "1.000000", "mm_compaction_begin",
                "zone_start=0x1000 migrate_pfn=0x1000 free_pfn=0x1e00 zone_end=0x2000, mode=async");
        feed(r[0], begin + free("1.000001", 0x1202) + free("1.000002", 0x1201) + free("1.000003", 0x1200));
        assertArrayEquals(new long[] {0x1100}, m.freeList(0, 2, MIGRATE_MOVABLE));
        assertArrayEquals(new long[] {0x1200, 0x1201, 0x1202}, m.pcpList(0, 0, PINDEX_ORDER0_MOVABLE));
        assertEquals(BuddyModel.KIND_NONE, m.kind(0x1203));
        assertEquals(-1, m.findBuddyHead(0x1203));
        assertEquals(1, r[0].consistency().count(Consistency.Kind.UNTRACED_GUESS_CORRECTED));
        assertEquals(1, r[0].consistency().count(Consistency.Kind.FREE_OF_FREE));
    }

    @Test
    void aFreeOutsideACompactionPassWaitsForTheWholeBlock() {
        // the same free without a pass of this task is no release_freepages(): one page of X proves nothing yet
        ObservedReplay[] r = new ObservedReplay[1];
        BuddyModel m = withGuess(r);
        feed(r[0], free("1.000001", 0x1202));
        assertArrayEquals(new long[0], m.freeList(0, 2, MIGRATE_MOVABLE));
        assertEquals(0, r[0].consistency().count(Consistency.Kind.UNTRACED_GUESS_CORRECTED));
    }
}
