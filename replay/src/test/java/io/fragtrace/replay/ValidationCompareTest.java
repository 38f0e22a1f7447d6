package io.fragtrace.replay;

import io.fragtrace.replay.model.BuddyModel;
import io.fragtrace.replay.model.KernelSemantics;
import io.fragtrace.replay.model.Zone;
import io.fragtrace.replay.snapshot.BuddyDump;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Validation.compare on a model and a dump that differ in known ways, every count worked out by hand (zone Normal
 * [0x1000, 0x2000), one CPU, 6.1 layout).
 */
class ValidationCompareTest {
    @Test
    void eachKindOfDifferenceIsCountedOnce(@TempDir Path dir) throws Exception {
        BuddyModel m = new BuddyModel(KernelSemantics.V6_1, List.of(new Zone(0, 0, "Normal", 0x1000, 0x1000)), 1);
        m.addToFreeList(0, 0x1000, 3, 1, true);
        m.addToFreeList(0, 0x1200, 3, 1, true); // the kernel's list is 0x1000 0x1100 0x1200: same set, other order
        m.addToFreeList(0, 0x1100, 3, 1, true);
        m.addToFreeList(0, 0x1010, 0, 1, true); // the kernel has it as migratetype 2
        m.addToFreeList(0, 0x1020, 2, 0, true); // not free in the kernel
        Files.writeString(dir.resolve("buddydump.txt"), String.join("\n",
                "# buddydump v1 MAX_ORDER=11 MIGRATE_TYPES=5 MIGRATE_PCPTYPES=3 NR_PCP_LISTS=12 pageblock_order=9",
                "Z 0 Normal start=4096 spanned=4096 present=4096 managed=4096 nr_free=1,1,0,3,0,0,0,0,0,0,0",
                "B 3 1 1000", "B 3 1 1100", "B 3 1 1200",
                "B 0 2 1010",
                "B 1 1 1040", // not free in the model
                "C 0 count=1 high=10 batch=1",
                "P 0 1 0 1 1080", // a movable order-0 page on CPU 0's pcp list; the model's lists are empty
                "") + "\n");
        BuddyDump after = BuddyDump.load(dir.resolve("buddydump.txt"));
        Validation.Result r = Validation.compare(m, after, dir);
        Validation.ZoneResult z = r.zones.get(0);
        // buddyinfo: order 1 model 0 / kernel 1, order 2 model 1 / kernel 0
        assertEquals(2, r.buddyinfoCellsMismatched);
        assertEquals(1, z.freeBlocksMissing); // 0x1040 order 1
        assertEquals(1, z.freeBlocksExtra); // 0x1020 order 2
        assertEquals(1, z.freeBlocksWrongMigratetype); // 0x1010
        assertEquals(1, z.freeListsOrderDiffer); // order 3 movable
        // pages: 0x1020-0x1023 free only in the model (4), 0x1040-0x1041 free only in the kernel (2), 0x1080 on a
        // pcp list only in the kernel (1, not a buddy page)
        assertEquals(7, z.pagesMismatched);
        assertEquals(6, z.buddyPagesMismatched);
        assertEquals("0x1020 kernel allocated model free", z.pageExamples.get(0));
        assertEquals("0x1040 kernel free model allocated", z.pageExamples.get(4)); // the 5th and last kept
        assertEquals(List.of("0x1020 order 2 mt 0"), z.extraExamples);
        assertEquals(List.of("0x1040 order 1 mt 1"), z.missingExamples);
        assertEquals(1, z.pcpListsDiffer);
    }

    @Test
    void pageStatesFillAndFindDifferencesAcrossWords() {
        PageStates a = new PageStates(100);
        PageStates b = new PageStates(100);
        a.fill(30, 40, 1); // pfns 30..69: across the words of pfns 0-31, 32-63, 64-95
        b.fill(30, 40, 1);
        b.fill(63, 2, 2); // 63 and 64 differ
        b.fill(99, 10, 3); // clipped to 99
        assertEquals(63, a.nextDiffering(b, 0));
        assertEquals(64, a.nextDiffering(b, 64));
        assertEquals(99, a.nextDiffering(b, 65));
        assertEquals(-1, a.nextDiffering(b, 100));
        assertEquals(1, a.get(69));
        assertEquals(0, a.get(70));
        assertEquals(2, b.get(64));
        assertEquals(3, b.get(99));
    }
}
