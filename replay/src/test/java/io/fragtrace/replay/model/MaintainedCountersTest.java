package io.fragtrace.replay.model;

import io.fragtrace.replay.metrics.RegionSampler;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.SplittableRandom;

import static io.fragtrace.replay.model.KernelSemantics.MIGRATE_TYPES;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The maintained counters (pageblocks per migratetype, mixed pageblocks, free pages per memory region) equal a full
 * recount after every step of random operation sequences: frees that merge, allocations that split, per-CPU list
 * adds and drains, steals, pageblock retypes, isolation and reconciliation. The zones start and end off pageblock
 * boundaries so that edge pageblocks (shared by two zones, or half outside every zone) are exercised.
 */
class MaintainedCountersTest {

    @Test
    void randomOperationSequencesOn61() {
        for (long seed = 1; seed <= 6; seed++) {
            run(KernelSemantics.V6_1, seed);
        }
    }

    @Test
    void randomOperationSequencesOnStrictFreelist() {
        KernelSemantics ks = KernelSemantics.forRelease("6.12");
        for (long seed = 11; seed <= 14; seed++) {
            run(ks, seed);
        }
    }

    private static void run(KernelSemantics ks, long seed) {
        // DMA 100..4196 and Normal 4196..12288 (pageblock 8 shared), Movable 12900..16384 (pageblock 25 half out)
        List<Zone> zones = List.of(new Zone(0, 0, "DMA", 100, 4096), new Zone(1, 0, "Normal", 4196, 8092),
                new Zone(2, 0, "Movable", 12900, 3484));
        BuddyModel m = new BuddyModel(ks, zones, 2);
        SplittableRandom rnd = new SplittableRandom(seed);
        // start: every zone free in maximal blocks through __free_one_page
        for (int z = 0; z < zones.size(); z++) {
            for (long p = zones.get(z).start; p < zones.get(z).end; p++) {
                m.freeOnePage(z, p, 0, rnd.nextInt(3), false);
            }
        }
        RegionSampler rs = new RegionSampler(m, 8, null); // 256-page regions: order-9/10 blocks span several
        check(m, rs);
        for (int step = 0; step < 4000; step++) {
            int z = rnd.nextInt(zones.size());
            Zone zone = zones.get(z);
            long pfn = zone.start + rnd.nextLong(zone.spanned());
            int op = rnd.nextInt(10);
            switch (op) {
                case 0, 1 -> { // an allocation: rmqueue_smallest, tagged with its gfp migratetype
                    int order = rnd.nextInt(4);
                    int mt = rnd.nextInt(3);
                    long got = m.rmqueueSmallest(z, order, mt);
                    if (got >= 0) {
                        m.markAllocated(got, order, order > 0, rnd.nextInt(4) == 0 ? rnd.nextInt(3) : mt);
                    }
                }
                case 2 -> { // a free of an allocated order-0 page
                    if (m.kind(pfn) == BuddyModel.KIND_NONE && m.findBuddyHead(pfn) < 0 && m.findPcpHead(pfn) < 0) {
                        m.freeOnePage(z, pfn, 0, m.pageblockMigratetype(pfn), rnd.nextBoolean());
                    }
                }
                case 3 -> { // a free to a per-CPU list, then maybe a drain of it
                    if (m.kind(pfn) == BuddyModel.KIND_NONE && m.findBuddyHead(pfn) < 0 && m.findPcpHead(pfn) < 0) {
                        m.pcpAdd(z, rnd.nextInt(3), pfn, 0, rnd.nextInt(3), rnd.nextBoolean());
                    }
                }
                case 4 -> {
                    long h = m.findPcpHead(pfn);
                    if (h >= 0) {
                        m.pcpDel(h);
                        if (rnd.nextBoolean()) {
                            m.freeOnePage(z, h, m.orderAt(h), m.pageblockMigratetype(h), false);
                        } else {
                            m.markAllocated(h, 0, false, rnd.nextInt(3));
                        }
                    }
                }
                case 5 -> m.setPageblockMigratetype(pfn, rnd.nextInt(MIGRATE_TYPES));
                case 6 -> m.moveFreepagesBlock(z, pfn, rnd.nextInt(3));
                case 7 -> { // a reconciliation: the trace allocated a range the model had free
                    int order = rnd.nextInt(3);
                    long p = pfn & -(1L << order);
                    if (zone.spans(p) && zone.spans(p + (1L << order) - 1)) {
                        m.takeRange(p, order);
                        m.markAllocated(p, order, false, rnd.nextInt(3));
                    }
                }
                case 8 -> {
                    long h = m.findBuddyHead(pfn);
                    if (h >= 0) {
                        m.isolateFreePage(h, m.orderAt(h));
                    }
                }
                default -> { // an allocated page loses its tag (compaction migrated it, mt unknown)
                    if (m.kind(pfn) == BuddyModel.KIND_NONE && m.findBuddyHead(pfn) < 0 && m.findPcpHead(pfn) < 0) {
                        m.markAllocated(pfn, 0, false);
                    }
                }
            }
            if (step % 7 == 0) {
                check(m, rs);
            }
        }
        check(m, rs);
    }

    /** Every maintained figure against its recount. */
    static void check(BuddyModel m, RegionSampler rs) {
        for (int z = 0; z < m.zoneCount(); z++) {
            assertEquals(m.mixedPageblocksByScan(z), m.mixedPageblocks(z), "mixed pageblocks, zone " + z);
            long[] pb = new long[MIGRATE_TYPES];
            Zone zone = m.zone(z);
            long step = 1L << m.pageblockOrder();
            for (long p = zone.start & -step; p < zone.end; p += step) {
                int mt = m.pageblockMigratetype(p);
                if (mt >= 0 && mt < MIGRATE_TYPES) {
                    pb[mt]++;
                }
            }
            for (int mt = 0; mt < MIGRATE_TYPES; mt++) {
                assertEquals(pb[mt], m.pageblocksOfType(z, mt), "pageblocks of type " + mt + ", zone " + z);
            }
        }
        if (rs != null) {
            assertArrayEquals(rs.usedByScan(m), rs.used(m), "pages in use per region");
        }
    }
}
