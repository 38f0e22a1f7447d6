package io.fragtrace.replay;

import io.fragtrace.parser.Samples;

import io.fragtrace.replay.model.BuddyModel;
import io.fragtrace.replay.snapshot.BuddyDump;
import io.fragtrace.replay.snapshot.PageTypeInfo;
import io.fragtrace.replay.snapshot.ZoneTable;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** The model loaded from a dump reports the kernel's own buddyinfo, pagetypeinfo and extfrag_index. */
class ZoneStatsTest {
    @Test
    void statsOfTheAfterDumpMatchTheKernelsFiles() throws Exception {
        Path d = Samples.bundle("fragment-thp-256M").resolve("after");
        BuddyDump dump = BuddyDump.load(d.resolve("buddydump.txt"));
        BuddyModel m = ModelLoader.fromDump(dump, ModelLoader.semanticsFor(d.getParent(), dump), null);
        ZoneTable bi = ZoneTable.loadBuddyInfo(d.resolve("buddyinfo"));
        ZoneTable ef = ZoneTable.loadIndex(d.resolve("extfrag_index"));
        PageTypeInfo pt = PageTypeInfo.load(d.resolve("pagetypeinfo"));
        for (int z = 0; z < m.zoneCount(); z++) {
            ZoneStats s = ZoneStats.of(m, z);
            assertArrayEquals(bi.row(s.zone()).values(), s.nrFree(), s.zone());
            long[] kernelEf = ef.row(s.zone()).values();
            for (int o = 0; o < kernelEf.length; o++) {
                assertEquals(kernelEf[o], s.extfragIndex()[o], s.zone() + " order " + o);
            }
            // pagetypeinfo "Number of blocks type": Unmovable, Movable, Reclaimable
            var blocks = pt.blockCounts().get(s.zone());
            assertEquals(blocks.get("Unmovable"), s.pageblocksByMt()[0], s.zone());
            assertEquals(blocks.get("Movable"), s.pageblocksByMt()[1], s.zone());
            assertEquals(blocks.get("Reclaimable"), s.pageblocksByMt()[2], s.zone());
            // pagetypeinfo free counts per type × 2^order
            long movable = 0;
            long[] c = pt.freeCounts().get(s.zone()).get("Movable");
            for (int o = 0; o < c.length; o++) {
                movable += c[o] << o;
            }
            assertEquals(movable, s.freePagesByMt()[1], s.zone());
        }
    }
}
