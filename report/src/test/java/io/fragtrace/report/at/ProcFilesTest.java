package io.fragtrace.report.at;

import io.fragtrace.replay.model.BuddyModel;
import io.fragtrace.replay.model.KernelSemantics;
import io.fragtrace.replay.model.Zone;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.fragtrace.replay.model.KernelSemantics.MIGRATE_MOVABLE;
import static io.fragtrace.replay.model.KernelSemantics.MIGRATE_RECLAIMABLE;
import static io.fragtrace.replay.model.KernelSemantics.MIGRATE_UNMOVABLE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The kernel's text layouts (mm/vmstat.c) of a small hand-built model; every expected line is written out by hand
 * from the kernel's format strings, the index values worked out below each.
 */
class ProcFilesTest {
    /**
     * Node 0: DMA pfns 0-1023 (pageblocks 0 movable, 1 unmovable), Normal 1024-3071 (pageblocks 1024, 1536, 2560
     * movable, 2048 reclaimable). Free: DMA order 0 at 512 (unmovable list), order 1 at 514 (movable), order 8 at 256
     * (movable); Normal order 10 at 1024 (movable), order 3 at 2048 (reclaimable). CPU 1 holds one Normal page.
     */
    static BuddyModel model() {
        Zone dma = new Zone(0, 0, "DMA", 0, 1024);
        dma.present = 1024;
        Zone normal = new Zone(1, 0, "Normal", 1024, 2048);
        normal.present = 2048;
        BuddyModel m = new BuddyModel(KernelSemantics.V6_1, List.of(dma, normal), 2);
        m.setPageblockMigratetype(512, MIGRATE_UNMOVABLE);
        m.setPageblockMigratetype(2048, MIGRATE_RECLAIMABLE);
        m.addToFreeList(0, 512, 0, MIGRATE_UNMOVABLE, false);
        m.addToFreeList(0, 514, 1, MIGRATE_MOVABLE, false);
        m.addToFreeList(0, 256, 8, MIGRATE_MOVABLE, false);
        m.addToFreeList(1, 1024, 10, MIGRATE_MOVABLE, false);
        m.addToFreeList(1, 2048, 3, MIGRATE_RECLAIMABLE, false);
        m.pcpAdd(1, 1, 2100, 0, MIGRATE_MOVABLE, false);
        return m;
    }

    @Test
    void buddyinfoIsFragShowPrint() {
        // "Node %d, zone %8s " then "%6lu " per order
        assertEquals("Node 0, zone      DMA      1      1      0      0      0      0      0      0      1      0      0 \n"
                   + "Node 0, zone   Normal      0      0      0      1      0      0      0      0      0      0      1 \n",
                ProcFiles.buddyinfo(model()));
    }

    @Test
    void pagetypeinfoIsPagetypeinfoShow() {
        // the two header lines are copied from a 6.1 kernel's own /proc/pagetypeinfo (sample-traces/*/after)
        String expected = "Page block order: 9\n"
                + "Pages per block:  512\n"
                + "\n"
                + "Free pages count per migrate type at order       0      1      2      3      4      5      6      7      8      9     10 \n"
                + "Node    0, zone      DMA, type    Unmovable      1      0      0      0      0      0      0      0      0      0      0 \n"
                + "Node    0, zone      DMA, type      Movable      0      1      0      0      0      0      0      0      1      0      0 \n"
                + "Node    0, zone      DMA, type  Reclaimable      0      0      0      0      0      0      0      0      0      0      0 \n"
                + "Node    0, zone      DMA, type   HighAtomic      0      0      0      0      0      0      0      0      0      0      0 \n"
                + "Node    0, zone      DMA, type      Isolate      0      0      0      0      0      0      0      0      0      0      0 \n"
                + "Node    0, zone   Normal, type    Unmovable      0      0      0      0      0      0      0      0      0      0      0 \n"
                + "Node    0, zone   Normal, type      Movable      0      0      0      0      0      0      0      0      0      0      1 \n"
                + "Node    0, zone   Normal, type  Reclaimable      0      0      0      1      0      0      0      0      0      0      0 \n"
                + "Node    0, zone   Normal, type   HighAtomic      0      0      0      0      0      0      0      0      0      0      0 \n"
                + "Node    0, zone   Normal, type      Isolate      0      0      0      0      0      0      0      0      0      0      0 \n"
                + "\n"
                + "Number of blocks type     Unmovable      Movable  Reclaimable   HighAtomic      Isolate \n"
                + "Node 0, zone      DMA            1            1            0            0            0 \n"
                + "Node 0, zone   Normal            0            3            1            0            0 \n";
        assertEquals(expected, ProcFiles.pagetypeinfo(model()));
    }

    @Test
    void aFreeListOf100000BlocksPrintsTheCap() {
        // pagetypeinfo_showfree_print(): "if (++freecount >= 100000) overflow" -> "%s%6lu " with ">" and 100000
        Zone z = new Zone(0, 0, "Normal", 0, 1 << 18);
        z.present = 1 << 18;
        BuddyModel m = new BuddyModel(KernelSemantics.V6_1, List.of(z), 1);
        for (int i = 0; i < 100000; i++) {
            m.addToFreeList(0, 2L * i, 0, MIGRATE_MOVABLE, true);
        }
        for (int i = 0; i < 15000; i++) {
            m.addToFreeList(0, 200000 + 4L * i, 0, MIGRATE_UNMOVABLE, true); // a list of 15000: printed as is
        }
        String text = ProcFiles.pagetypeinfo(m);
        assertTrue(text.contains("type      Movable >100000      0 "), text);
        assertTrue(text.contains("type    Unmovable  15000      0 "), text);
    }

    @Test
    void extfragIndexIsExtfragShowPrint() {
        // DMA: nr_free o0=1 o1=1 o8=1 -> 259 free pages in 3 blocks. Orders 0-8 have a suitable block: -1000.
        // order 9: 1000 - (1000 + 259*1000/512) / 3 = 1000 - (1000 + 505) / 3 = 1000 - 501 = 499 -> " 0.499"
        // order 10: 1000 - (1000 + 259*1000/1024) / 3 = 1000 - (1000 + 252) / 3 = 1000 - 417 = 583 -> " 0.583"
        // Normal: an order-10 block is free: every order -1000. "%2d.%03d " of -1000: "-1.000 "
        assertEquals("Node 0, zone      DMA -1.000 -1.000 -1.000 -1.000 -1.000 -1.000 -1.000 -1.000 -1.000  0.499  0.583 \n"
                   + "Node 0, zone   Normal -1.000 -1.000 -1.000 -1.000 -1.000 -1.000 -1.000 -1.000 -1.000 -1.000 -1.000 \n",
                ProcFiles.extfragIndex(model()));
    }

    @Test
    void unusableIndexIsUnusableShowPrint() {
        // DMA, 259 free pages: order 1: suitable = 1 (o1) + 256>>1 = 129 blocks of 2 = 258 pages -> 1*1000/259 = 3;
        // orders 2-8: only the order-8 block, 256 pages -> 3*1000/259 = 11; orders 9, 10: nothing suitable -> 1000.
        // Normal, 1032 free pages: orders 0-3 all usable -> 0; orders 4-10: the order-3 block's 8 pages are not ->
        // 8*1000/1032 = 7. "%d.%03d "
        assertEquals("Node 0, zone      DMA 0.000 0.003 0.011 0.011 0.011 0.011 0.011 0.011 0.011 1.000 1.000 \n"
                   + "Node 0, zone   Normal 0.000 0.000 0.000 0.000 0.007 0.007 0.007 0.007 0.007 0.007 0.007 \n",
                ProcFiles.unusableIndex(model()));
    }

    @Test
    void pcpCountsAsZoneinfoPagesets() {
        assertEquals("Node 0, zone      DMA\n  pagesets\n    cpu: 0\n              count: 0\n    cpu: 1\n"
                        + "              count: 0\n"
                        + "Node 0, zone   Normal\n  pagesets\n    cpu: 0\n              count: 0\n    cpu: 1\n"
                        + "              count: 1\n",
                ProcFiles.pcp(model()));
    }

    @Test
    void fragmentationScores() {
        // fragmentation_score_zone() = extfrag_for_order(zone, 9): DMA (259 - 0) * 100 / 259 = 100;
        // Normal (1032 - 1024) * 100 / 1032 = 0. Weighted: DMA 1024 * 100 / (3072 + 1) = 33, Normal 0; node 33.
        assertEquals("Node 0, zone      DMA score 100 weighted  33\n"
                   + "Node 0, zone   Normal score   0 weighted   0\n"
                   + "Node 0 score  33\n", ProcFiles.fragmentationScore(model()));
    }

    @Test
    void unpopulatedZonesAreNotPrinted() {
        Zone dma = new Zone(0, 0, "DMA", 0, 1024);
        dma.present = 1024;
        Zone movable = new Zone(1, 0, "Movable", 1024, 1024); // spanned but no present pages
        BuddyModel m = new BuddyModel(KernelSemantics.V6_1, List.of(dma, movable), 1);
        assertEquals("Node 0, zone      DMA      0      0      0      0      0      0      0      0      0      0      0 \n",
                ProcFiles.buddyinfo(m));
    }
}
