package io.fragtrace.replay;

import io.fragtrace.replay.model.BuddyModel;
import io.fragtrace.replay.model.KernelSemantics;
import io.fragtrace.replay.snapshot.BuddyDump;
import io.fragtrace.replay.snapshot.ZoneInfo;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The kpageflags start: greedy aligned split of the KPF_BUDDY runs gives exactly the dump's (pfn, order) set (the
 * kernel's own blocks; meta.txt reports the same cross-check).
 */
class KpageflagsStartTest {
    @ParameterizedTest
    @ValueSource(strings = {"fragment-thp-256M/before", "fragment-thp-256M/after", "mixed-churn-512M/after",
            "fragment-thp-256M-k6.12/before"})
    void greedySplitOfKpfBuddyRunsEqualsTheDump(String dir) throws Exception {
        Path d = Samples.dir().resolve(dir);
        BuddyModel m = ModelLoader.fromZoneInfo(ZoneInfo.load(d.resolve("zoneinfo")), KernelSemantics.V6_1);
        long blocks = ModelLoader.loadKpageflags(m, d.resolve("kpageflags.bin.gz"));
        BuddyDump dump = BuddyDump.load(d.resolve("buddydump.txt"));
        Set<String> expected = new HashSet<>();
        for (BuddyDump.Zone z : dump.zones()) {
            for (BuddyDump.Block b : z.blocks) {
                expected.add(b.pfn() + "/" + b.order());
            }
        }
        Set<String> got = new HashSet<>();
        for (int z = 0; z < m.zoneCount(); z++) {
            for (int o = 0; o < m.nrOrders(); o++) {
                for (long pfn : m.freeList(z, o, KernelSemantics.MIGRATE_MOVABLE)) {
                    got.add(pfn + "/" + o);
                }
            }
        }
        assertEquals(expected.size(), blocks);
        assertEquals(expected, got);
        // everything not free stays unknown (allocated or on a per-CPU list)
        assertEquals(true, m.unknownFraction() > 0 && m.unknownFraction() < 1);
    }
}
