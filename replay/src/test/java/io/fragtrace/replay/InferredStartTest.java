package io.fragtrace.replay;

import io.fragtrace.parser.Samples;

import io.fragtrace.replay.model.BuddyModel;
import io.fragtrace.replay.model.KernelSemantics;
import io.fragtrace.replay.snapshot.BuddyDump;
import io.fragtrace.replay.snapshot.PageTypeInfo;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The start state inferred from kpageflags + pagetypeinfo + zoneinfo, checked against the kernel's own exact dump
 * of the same instant (before/buddydump.txt) and the kernel's printed pagetypeinfo.
 */
class InferredStartTest {

    @ParameterizedTest
    @ValueSource(strings = {"fragment-thp-256M/before", "fragment-thp-256M/after", "mixed-churn-512M/before",
            "mixed-churn-512M/after", "fragment-thp-256M-k6.12/before", "fragment-thp-256M-k6.12/after"})
    void freeBlocksAreExactlyTheKernelsAndTypesMatchPagetypeinfo(String snapshot) throws Exception {
        String name = snapshot.substring(0, snapshot.indexOf('/'));
        Path before = Samples.dir().resolve(snapshot);
        BuddyDump dump = BuddyDump.load(before.resolve("buddydump.txt"));
        KernelSemantics ks = ModelLoader.semanticsFor(Samples.bundle(name), dump);
        InferredStart start = InferredStart.load(before, ks);
        BuddyModel m = start.model();

        // every free block (pfn, order) of the kernel's dump, no other (traces README: the greedy split of KPF_BUDDY
        // runs reproduces the dump's (pfn, order) set)
        Validation.Result r = Validation.compare(m, dump, before);
        assertEquals(0, r.freeBlocksMissing, start.notes().toString());
        assertEquals(0, r.freeBlocksExtra, start.notes().toString());
        assertEquals(0, r.buddyinfoCellsMismatched);

        // pagetypeinfo (the kernel's output): free blocks per order and migratetype, pageblocks per migratetype
        PageTypeInfo pti = PageTypeInfo.load(before.resolve("pagetypeinfo"));
        int[] mtOf = {KernelSemantics.MIGRATE_UNMOVABLE, KernelSemantics.MIGRATE_MOVABLE,
                KernelSemantics.MIGRATE_RECLAIMABLE, KernelSemantics.MIGRATE_HIGHATOMIC, -1,
                KernelSemantics.MIGRATE_ISOLATE};
        for (int z = 0; z < m.zoneCount(); z++) {
            String zone = m.zone(z).name;
            for (Map.Entry<String, long[]> e : pti.freeCounts().get(zone).entrySet()) {
                int mt = mtOf[PageTypeInfo.TYPE_NAMES.indexOf(e.getKey())];
                for (int o = 0; o < m.nrOrders(); o++) {
                    assertEquals(e.getValue()[o], m.freeListLength(z, o, mt), zone + " " + e.getKey() + " order " + o);
                }
            }
            long[] pageblocks = new long[KernelSemantics.MIGRATE_TYPES];
            long step = 1L << m.pageblockOrder();
            for (long pfn = m.zone(z).start & -step; pfn < m.zone(z).end; pfn += step) {
                pageblocks[m.pageblockMigratetype(Math.max(pfn, m.zone(z).start))]++;
            }
            for (Map.Entry<String, Long> e : pti.blockCounts().get(zone).entrySet()) {
                int mt = mtOf[PageTypeInfo.TYPE_NAMES.indexOf(e.getKey())];
                assertEquals(e.getValue(), pageblocks[mt], zone + " pageblocks " + e.getKey());
            }
        }
    }
}
