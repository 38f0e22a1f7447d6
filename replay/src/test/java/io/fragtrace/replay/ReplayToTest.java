package io.fragtrace.replay;

import io.fragtrace.parser.Samples;
import io.fragtrace.parser.TraceInput;
import io.fragtrace.replay.model.BuddyModel;
import io.fragtrace.replay.model.KernelSemantics;
import org.junit.jupiter.api.Test;

import java.util.BitSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link ReplayTo}: the observed state at an instant, as {@code at}, {@code blame} and {@code calibrate --from} read it. */
class ReplayToTest {

    /**
     * A free page is on one list: a PageBuddy block on zone->free_area[order].free_list[mt], or a pcp page on one
     * CPU's pcp->lists[pindex] (mm/page_alloc.c: __free_one_page() and free_pcppages_bulk() move it from one to the
     * other, never leave it on both). The replay must hand over such a state at any instant, not only at the end.
     * Past the instant its window skips the events, but the steps it runs for every event (remote-drain locks,
     * compaction it follows) ran for them too and left a page of parallel-512M-smp4-k6.12-b that is in a free
     * order-10 block (0x15c00) linked into CPU 3's pcp list at 13.775 s, and so handed to the simulator twice.
     */
    @Test
    void eachFreePageIsOnOneListAtAnyInstant() throws Exception {
        for (String time : new String[] {"13.775", "16.005806", "24.929029"}) {
            ReplayTo.Result r = ReplayTo.run(TraceInput.of(Samples.bundle("parallel-512M-smp4-k6.12-b").toString()),
                    null, Instant.parse(time));
            BuddyModel m = r.model();
            BitSet seen = new BitSet();
            long pages = 0;
            long twice = 0;
            for (int z = 0; z < m.zoneCount(); z++) {
                for (int o = 0; o < m.nrOrders(); o++) {
                    for (int mt = 0; mt < KernelSemantics.MIGRATE_TYPES; mt++) {
                        for (long p : m.freeList(z, o, mt)) {
                            twice += mark(seen, (int) (p - m.basePfn()), 1 << o);
                            pages += 1L << o;
                        }
                    }
                }
                for (int c = 0; c < m.maxCpus(); c++) {
                    for (int pi = 0; pi < m.ks.nrPcpLists(); pi++) {
                        for (long p : m.pcpList(z, c, pi)) {
                            twice += mark(seen, (int) (p - m.basePfn()), 1 << m.ks.pindexToOrder(pi));
                            pages += 1L << m.ks.pindexToOrder(pi);
                        }
                    }
                }
            }
            assertTrue(pages > 0, time);
            assertEquals(0, twice, time + ": free pages on two lists");
        }
    }

    private static long mark(BitSet seen, int from, int n) {
        long twice = 0;
        for (int i = from; i < from + n; i++) {
            if (seen.get(i)) {
                twice++;
            }
            seen.set(i);
        }
        return twice;
    }
}
