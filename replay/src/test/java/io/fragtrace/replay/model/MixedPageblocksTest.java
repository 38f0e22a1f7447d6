package io.fragtrace.replay.model;

import org.junit.jupiter.api.Test;

import java.util.List;

import static io.fragtrace.replay.model.KernelSemantics.MIGRATE_MOVABLE;
import static io.fragtrace.replay.model.KernelSemantics.MIGRATE_RECLAIMABLE;
import static io.fragtrace.replay.model.KernelSemantics.MIGRATE_UNMOVABLE;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Mixed pageblocks: a pageblock holding an allocation of another migratetype (the fallback pollution). */
class MixedPageblocksTest {
    @Test
    void aForeignAllocationMakesItsPageblockMixedUntilFreed() {
        // 4 pageblocks of 512 pages, all movable (memmap_init_range's default)
        BuddyModel m = new BuddyModel(KernelSemantics.V6_1, List.of(new Zone(0, 0, "Normal", 0, 2048)), 1);
        assertEquals(0, m.mixedPageblocks(0));
        m.markAllocated(10, 0, false, MIGRATE_MOVABLE);           // same type: not mixed
        m.markAllocated(600, 0, false, MIGRATE_UNMOVABLE);        // pageblock 1: mixed
        m.markAllocated(700, 2, true, MIGRATE_RECLAIMABLE);       // pageblock 1 again: still one pageblock
        m.markAllocated(1100, 0, false, MIGRATE_UNMOVABLE);       // pageblock 2: mixed
        assertEquals(2, m.mixedPageblocks(0));
        m.setPageblockMigratetype(1024, MIGRATE_UNMOVABLE);      // pageblock 2 stolen by unmovable: no longer mixed
        assertEquals(1, m.mixedPageblocks(0));
        m.markAllocated(600, 0, false);                          // an allocation with no known migratetype
        m.markAllocated(700, 2, true);
        assertEquals(0, m.mixedPageblocks(0));
    }
}
