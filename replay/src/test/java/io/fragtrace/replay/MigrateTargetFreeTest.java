package io.fragtrace.replay;

import io.fragtrace.replay.model.BuddyModel;
import io.fragtrace.replay.model.KernelSemantics;
import org.junit.jupiter.api.Test;

import static io.fragtrace.replay.ObservedReplayTest.model;
import static io.fragtrace.replay.ObservedReplayTest.replay;
import static io.fragtrace.replay.model.BuddyModel.KIND_NONE;
import static io.fragtrace.replay.model.KernelSemantics.MIGRATE_MOVABLE;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The frees of migration targets inside a compaction batch's migrate_pages() on 6.12 (zone [0x1000, 0x2000), one
 * free order-0 page 0x1800 the free scanner isolates; the batch's source range [0x1000, 0x1200)).
 * mm/compaction.c compaction_free() (6.9+): free_pages_prepare() prints mm_page_free, then list_add() back onto
 * cc->freepages, whose head the next compaction_alloc() takes again. mm/migrate.c migrate_folio_move(): after a move,
 * folio_put(dst) (a real free when the target's owner let go meanwhile), then migrate_folio_done(src) frees the source.
 */
class MigrateTargetFreeTest {

    private static String kcompactd(String ts, String event, String body) {
        return String.format("      kcompactd0-39      [000] .....    %s: %s: %s%n", ts, event, body);
    }

    /** A sync pass isolates 1 source in [0x1000, 0x1200) and the target 0x1800, then migrate_pages() starts. */
    private static String batch() {
        return kcompactd("1.000001", "mm_compaction_begin",
                "zone_start=0x1000 migrate_pfn=0x1000 free_pfn=0x1e00 zone_end=0x2000, mode=sync")
                + kcompactd("1.000002", "mm_compaction_isolate_migratepages",
                "range=(0x1000 ~ 0x1200) nr_scanned=512 nr_taken=1")
                + kcompactd("1.000003", "mm_migrate_pages_start", "mode=MIGRATE_SYNC_LIGHT reason=compaction")
                + kcompactd("1.000004", "mm_compaction_isolate_freepages", "range=(0x1800 ~ 0x1801) nr_scanned=1 nr_taken=1");
    }

    private static BuddyModel zone() {
        BuddyModel m = model(KernelSemantics.V6_12);
        m.addToFreeList(0, 0x1800, 0, MIGRATE_MOVABLE, false);
        return m;
    }

    @Test
    void targetGivenBackThreeTimesStaysIsolated() {
        // the source's unmap fails (-EAGAIN) three passes running: each time compaction_alloc() takes 0x1800 from
        // the head of cc->freepages and compaction_free() puts it back (one mm_page_free each); the fourth try
        // succeeds and 0x1800 becomes the new page. It never reached a pcp or free list: allocated, and no free of
        // a free page
        BuddyModel m = zone();
        ObservedReplay r = replay(m, batch()
                + kcompactd("1.000005", "mm_page_free", "page=00000000deadbeef pfn=0x1800 order=0")
                + kcompactd("1.000006", "mm_page_free", "page=00000000deadbeef pfn=0x1800 order=0")
                + kcompactd("1.000007", "mm_page_free", "page=00000000deadbeef pfn=0x1800 order=0")
                + kcompactd("1.000008", "mm_migrate_pages", "nr_succeeded=1 nr_failed=0 nr_thp_succeeded=0 "
                        + "nr_thp_failed=0 nr_thp_split=0 nr_split=0 mode=MIGRATE_SYNC_LIGHT reason=compaction")
                + kcompactd("1.000009", "mm_compaction_migratepages", "nr_migrated=1 nr_failed=0"));
        assertEquals(KIND_NONE, m.kind(0x1800));
        assertEquals(0, m.pcpPages(0));
        assertArrayEquals(new long[0], m.freeList(0, 0, MIGRATE_MOVABLE));
        assertEquals(0, r.consistency().count(Consistency.Kind.FREE_OF_FREE));
    }

    @Test
    void targetFreedRightBeforeItsSourceIsFolioPutOfTheMovedPage() {
        // the move succeeded but the target's owner had gone: folio_put(dst) frees 0x1800 (free_unref_page(): cpu 0's
        // order-0 movable pcp list, pindex 1), then migrate_folio_done() frees the source 0x1000 on top of it
        BuddyModel m = zone();
        ObservedReplay r = replay(m, batch()
                + kcompactd("1.000005", "mm_page_free", "page=00000000deadbeef pfn=0x1800 order=0")
                + kcompactd("1.000006", "mm_page_free", "page=00000000deadbeef pfn=0x1000 order=0"));
        assertArrayEquals(new long[] {0x1000, 0x1800}, m.pcpList(0, 0, 1));
        assertEquals(0, r.consistency().count(Consistency.Kind.FREE_OF_FREE));
    }
}
