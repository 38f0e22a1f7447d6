package io.fragtrace.replay.snapshot;

import io.fragtrace.replay.model.FragMetrics;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SnapshotLoadersTest {
    static Path samples() {
        return io.fragtrace.parser.Samples.dir();
    }

    @Test
    void buddydump61And612() throws Exception {
        BuddyDump d = BuddyDump.load(samples().resolve("fragment-thp-256M/after/buddydump.txt"));
        assertEquals(11, d.nrOrders());
        assertEquals(9, d.pageblockOrder());
        assertEquals(2, d.zones().size());
        BuddyDump.Zone dma32 = d.zone("DMA32");
        assertEquals(4096, dma32.start);
        assertEquals(61399, dma32.spanned);
        assertEquals(13_077_654_000L, dma32.lockNs); // "L DMA32 13.077654"
        long blocks = 0;
        for (int n : dma32.nrFree) {
            blocks += n;
        }
        assertEquals(blocks, dma32.blocks.size()); // B lines == nr_free
        assertEquals(128, d.pageblockCount());
        assertEquals(0, d.problems().count());
        BuddyDump d12 = BuddyDump.load(samples().resolve("fragment-thp-256M-k6.12/after/buddydump.txt"));
        assertTrue(d12.pcpMigratetypeFromPindex());
        assertEquals("6.12.107+deb13-amd64", d12.release());
        assertEquals(11, d12.nrOrders());
    }

    @Test
    void malformedLinesAreCounted(@TempDir Path tmp) throws Exception {
        Path f = tmp.resolve("buddydump.txt");
        Files.writeString(f, "# buddydump v1 MAX_ORDER=11 pageblock_order=9\n"
                + "B 0 1 10\n" // before any zone
                + "Z 0 DMA start=1 spanned=4095 present=3998 managed=3840 nr_free=1,0,0,0,0,0,0,0,0,0,0\n"
                + "B 0 1 zz\n"
                + "B 0 1 20\n"
                + "Q what\n"
                + "L DMA 1.5\n");
        BuddyDump d = BuddyDump.load(f);
        assertEquals(3, d.problems().count());
        assertEquals(1, d.zone("DMA").blocks.size());
        assertEquals(1_500_000_000L, d.zone("DMA").lockNs);
        Files.writeString(f, "not a dump\n");
        SnapshotException e = assertThrows(SnapshotException.class, () -> BuddyDump.load(f));
        assertTrue(e.getMessage().contains("not a buddydump"));
        assertThrows(SnapshotException.class, () -> BuddyDump.load(tmp.resolve("missing.txt")));
    }

    @Test
    void zoneinfoPagetypeinfoBuddyinfoIndexes() throws Exception {
        Path d = samples().resolve("fragment-thp-256M/after");
        ZoneInfo zi = ZoneInfo.load(d.resolve("zoneinfo"));
        ZoneInfo.Zone dma32 = zi.zone("DMA32");
        assertEquals(4096, dma32.startPfn);
        assertEquals(2382, dma32.min);
        assertEquals(2977, dma32.low);
        assertEquals(3572, dma32.high);
        assertEquals(48272, dma32.managed);
        assertEquals(2, dma32.pagesets.size());
        assertEquals(564, dma32.pagesets.get(1)[0]);
        assertEquals(1488, dma32.pagesets.get(1)[1]);
        assertEquals(15, dma32.pagesets.get(1)[2]);
        assertEquals(178, zi.zone("DMA").protection[1]);
        PageTypeInfo pt = PageTypeInfo.load(d.resolve("pagetypeinfo"));
        assertEquals(9, pt.pageblockOrder());
        assertEquals(72L, pt.blockCounts().get("DMA32").get("Movable"));
        assertEquals(66, pt.freeCounts().get("DMA").get("Movable")[0]);
        ZoneTable bi = ZoneTable.loadBuddyInfo(d.resolve("buddyinfo"));
        assertEquals(17, bi.row("DMA32").values()[10]);
        ZoneTable ef = ZoneTable.loadIndex(d.resolve("extfrag_index"));
        assertEquals(962, ef.row("DMA").values()[10]);
        assertEquals(-1000, ef.row("DMA").values()[0]);
        assertNotNull(FragMetrics.format3(962));
    }
}
