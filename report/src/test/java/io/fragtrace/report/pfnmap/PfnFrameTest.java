package io.fragtrace.report.pfnmap;

import io.fragtrace.parser.Samples;
import io.fragtrace.parser.TraceInput;
import io.fragtrace.replay.Instant;
import io.fragtrace.replay.ReplayTo;
import io.fragtrace.replay.model.BuddyModel;
import io.fragtrace.replay.model.KernelSemantics;
import io.fragtrace.replay.model.Zone;
import org.junit.jupiter.api.Test;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.util.List;

import static io.fragtrace.replay.model.KernelSemantics.MIGRATE_MOVABLE;
import static io.fragtrace.replay.model.KernelSemantics.MIGRATE_RECLAIMABLE;
import static io.fragtrace.replay.model.KernelSemantics.MIGRATE_UNMOVABLE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The pfn map's cells: what each page (or pageblock) is, from the model's states. */
class PfnFrameTest {
    @Test
    void everyPageGetsItsState() {
        // one zone, pfns 1..2047 (pageblocks 0-3 of 512, all movable but pageblock 3 reclaimable); pfn 0 is a hole
        Zone z = new Zone(0, 0, "Normal", 1, 2047);
        z.present = 2047;
        BuddyModel m = new BuddyModel(KernelSemantics.V6_1, List.of(z), 1);
        m.setPageblockMigratetype(1536, MIGRATE_RECLAIMABLE);
        m.addToFreeList(0, 512, 9, MIGRATE_MOVABLE, false);      // pageblock 1 wholly free
        m.addToFreeList(0, 8, 3, MIGRATE_MOVABLE, false);        // pfns 8-15 free, order 3
        m.pcpAdd(0, 0, 20, 0, MIGRATE_MOVABLE, false);           // pfn 20 on a per-CPU list
        m.markAllocated(1100, 0, false, MIGRATE_UNMOVABLE);      // an unmovable page in a movable pageblock: mixed
        m.markAllocated(1104, 2, true, MIGRATE_MOVABLE);         // a compound order-2 movable page: 1104-1107
        m.markAllocated(1600, 0, false, MIGRATE_RECLAIMABLE);    // its own type: not mixed
        PfnFrame f = PfnFrame.capture(m, "t", 0, 0);
        assertTrue(f.perPage);
        PfnFrame.ZoneCells c = f.zones.get(0);
        assertEquals(4, c.pageblocks());
        assertEquals(0, c.firstPbPfn());
        byte[] cell = c.cells();
        assertEquals(PfnFrame.HOLE, cell[0]);
        for (int pfn = 8; pfn < 16; pfn++) {
            assertEquals(PfnFrame.FREE + 3, cell[pfn], "pfn " + pfn);
        }
        for (int pfn = 512; pfn < 1024; pfn++) {
            assertEquals(PfnFrame.FREE + 9, cell[pfn], "pfn " + pfn);
        }
        assertEquals(PfnFrame.PCP, cell[20]);
        assertEquals(PfnFrame.ALLOC + MIGRATE_UNMOVABLE, cell[1100]);
        for (int pfn = 1104; pfn < 1108; pfn++) {
            assertEquals(PfnFrame.ALLOC + MIGRATE_MOVABLE, cell[pfn], "pfn " + pfn);
        }
        // pages the trace did not tell about: allocated, drawn in their pageblock's type
        assertEquals(PfnFrame.UNTAGGED + MIGRATE_MOVABLE, cell[1108]);
        assertEquals(PfnFrame.UNTAGGED + MIGRATE_RECLAIMABLE, cell[1601]);
        assertEquals(PfnFrame.ALLOC + MIGRATE_RECLAIMABLE, cell[1600]);
        // pageblock 2 (1024-1535) holds the unmovable page: the only mixed one, as the model counts
        assertEquals(List.of(false, false, true, false), List.of(c.pbMixed()[0], c.pbMixed()[1], c.pbMixed()[2],
                c.pbMixed()[3]));
        assertEquals(1, c.mixed());
        assertEquals(m.mixedPageblocks(0), c.mixed());
        assertEquals(MIGRATE_RECLAIMABLE, c.pbType()[3]);
    }

    @Test
    void aLargeZoneIsACellPerPageblockAndABoundedImage() {
        // 1 TiB of 4 KiB pages: 2^28 pfns, 2^19 pageblocks. The frame holds a byte per pageblock, the image
        // 1024 cells (of 1 pixel) per row: 512 rows, whatever the page count.
        long pages = 1L << 28;
        Zone z = new Zone(0, 0, "Normal", 0, pages);
        z.present = pages;
        BuddyModel m = new BuddyModel(KernelSemantics.V6_1, List.of(z), 1);
        m.addToFreeList(0, 0, 10, MIGRATE_MOVABLE, false);               // pageblocks 0, 1 free
        m.addToFreeList(0, 1536, 0, MIGRATE_MOVABLE, false);             // pageblock 3: one free page of 512
        m.markAllocated(2048 + 5, 0, false, MIGRATE_UNMOVABLE);          // pageblock 4: mixed
        PfnFrame f = PfnFrame.capture(m, "t", 0, 0);
        assertFalse(f.perPage);
        PfnFrame.ZoneCells c = f.zones.get(0);
        assertEquals(1 << 19, c.cells().length);
        assertEquals(PfnFrame.PB_FREE, c.cells()[0]);
        assertEquals(PfnFrame.PB_FREE, c.cells()[1]);
        assertEquals(PfnFrame.PB_USED + MIGRATE_MOVABLE, c.cells()[3]);
        assertTrue(c.pbMixed()[4]);
        assertEquals(1, c.mixed());
        BufferedImage img = PfnMapImage.draw(f, "1 TiB");
        assertTrue(img.getWidth() <= PfnMapImage.WIDTH_TARGET, "width " + img.getWidth());
        assertTrue(img.getHeight() < 512 + 400, "height " + img.getHeight());
    }

    @Test
    void theCountersGiveThePageblockCellsAPassOverThePagesGives() {
        // 1100 pageblocks (above the per-page limit), the zone starting mid-pageblock (pfn 100) so its first pageblock
        // is an edge; free blocks of every order, per-CPU pages, allocations of every type scattered
        Zone z = new Zone(0, 0, "Normal", 100, 1100 * 512 - 100);
        z.present = z.spanned();
        BuddyModel m = new BuddyModel(KernelSemantics.V6_1, List.of(z), 2);
        java.util.Random rnd = new java.util.Random(14);
        for (int pb = 1; pb < 1100; pb++) {
            long s = pb * 512L;
            if (pb == 1000 || pb == 1001) {
                continue; // the order-10 block below
            }
            m.setPageblockMigratetype(s, rnd.nextInt(3));
            switch (rnd.nextInt(5)) {
                case 0 -> m.addToFreeList(0, s, 9, MIGRATE_MOVABLE, false);
                case 1 -> m.addToFreeList(0, s + 256, 8, MIGRATE_MOVABLE, false);        // exactly half free
                case 2 -> {
                    m.addToFreeList(0, s, 8, MIGRATE_UNMOVABLE, false);
                    m.addToFreeList(0, s + 256, 4, MIGRATE_UNMOVABLE, false);           // more than half
                    m.pcpAdd(0, 1, s + 300, 0, MIGRATE_MOVABLE, false);
                }
                case 3 -> m.markAllocated(s + rnd.nextInt(512), 0, false, rnd.nextInt(3));
                default -> m.markAllocated(s + 64, 3, true, rnd.nextInt(3));
            }
        }
        m.addToFreeList(0, 1000 * 512, 10, MIGRATE_MOVABLE, false);                     // over two pageblocks
        // the edge pageblock (first pfn 0 in no zone) keeps UNMOVABLE (memmap_init_range): a movable page mixes it
        m.markAllocated(150, 0, false, MIGRATE_MOVABLE);
        PfnFrame fast = PfnFrame.capture(m, "t", 0, 0);
        PfnFrame walk = PfnFrame.capture(m, "t", 0, 0, true);
        assertFalse(fast.perPage);
        PfnFrame.ZoneCells a = fast.zones.get(0);
        PfnFrame.ZoneCells b = walk.zones.get(0);
        assertEquals(1100, a.pageblocks());
        assertTrue(a.pbMixed()[0]);
        for (int i = 0; i < 1100; i++) {
            assertEquals(b.cells()[i], a.cells()[i], "pageblock " + i);
            assertEquals(b.pbMixed()[i], a.pbMixed()[i], "pageblock " + i);
        }
        assertEquals(b.mixed(), a.mixed());
        assertEquals(m.mixedPageblocks(0), a.mixed());
    }

    @Test
    void theMapOfTheAfterDumpAgreesWithTheModelsCounts() throws Exception {
        // fragment-thp-256M replayed to its after/ dump (DMA32's L line: 13.077654): per zone, free pages counted
        // from the cells = the model's free pages; mixed pageblocks = the model's maintained count
        ReplayTo.Result r = ReplayTo.run(TraceInput.of(Samples.bundle("fragment-thp-256M").toString()), null,
                Instant.parse("13.077654"));
        BuddyModel m = r.model();
        PfnFrame f = PfnFrame.capture(m, "after", r.atNs(), 0);
        for (int z = 0; z < m.zoneCount(); z++) {
            PfnFrame.ZoneCells c = f.zones.get(z);
            long free = 0;
            for (byte b : c.cells()) {
                free += b >= PfnFrame.FREE && b < PfnFrame.ALLOC ? 1 : 0;
            }
            assertEquals(m.freePages(z), free, c.name());
            assertEquals(m.mixedPageblocks(z), c.mixed(), c.name());
        }
        byte[] png = PfnMapImage.png(f, "after");
        BufferedImage back = ImageIO.read(new ByteArrayInputStream(png));
        assertTrue(back.getWidth() > 1000 && back.getHeight() > 300);
    }
}
