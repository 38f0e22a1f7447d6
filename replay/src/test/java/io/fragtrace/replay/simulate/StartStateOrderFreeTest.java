package io.fragtrace.replay.simulate;

import io.fragtrace.parser.TraceParser;
import io.fragtrace.replay.model.BuddyModel;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;

import static io.fragtrace.replay.simulate.SimulatorRulesTest.sim;
import static io.fragtrace.replay.simulate.SimulatorRulesTest.zone;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A traced order-N free of a page allocated before the capture: the start state holds its 2^N pages as order-0 pages
 * (kpageflags marks compound pages only), but the kernel frees one order-N page, free_the_page(page, order) ->
 * free_unref_page(page, order) (mm/page_alloc.c, 6.1): it goes to the order-N pcp list, and free_unref_page_commit()'s
 * free_high = pcp->free_factor && order && order <= PAGE_ALLOC_COSTLY_ORDER makes nr_pcp_high() 0 and nr_pcp_free()
 * pcp->count, so the whole list goes to the buddy. Fixture of {@link SimulatorRulesTest}: one DMA32 zone [0, 4096),
 * every page allocated order 0 in the start state, one CPU, pcp high 186, batch 31.
 */
class StartStateOrderFreeTest {

    private static final String ORDER0_FREE_0X10 =
            "          work-1     [000] .....     1.000000: mm_page_free: page=0000000000000000 pfn=0x10 order=0\n";
    private static final String ORDER1_FREE_0X20 =
            "          work-1     [000] .....     1.000100: mm_page_free: page=0000000000000000 pfn=0x20 order=1\n";

    private static void feed(Simulator s, String lines) {
        new TraceParser().parse(new ByteArrayInputStream(lines.getBytes(StandardCharsets.UTF_8)), "t", s);
    }

    @Test
    void anOrderOneFreeOfStartStatePagesGoesToTheOrderOnePcpList() {
        // free_factor 0: no free_high; 0x10 (order 0) and 0x20 (order 1) on CPU 0's lists, count 1 + 2 = 3 < high 186
        Simulator s = sim(zone(), "linux-6.1");
        feed(s, ORDER0_FREE_0X10 + ORDER1_FREE_0X20);
        assertEquals(3, s.pcpCount[0][0]);
        assertEquals(BuddyModel.KIND_PCP, s.m.kind(0x20));
        assertEquals(1, s.m.orderAt(0x20)); // one order-1 page, not two order-0 pages
        assertEquals(0, s.m.freePages(0));
    }

    @Test
    void withFreeFactorItsFreeHighDrainsTheWholeList() {
        // free_factor 1 (as an earlier nr_pcp_free() left it): the order-0 free of 0x10 has free_high false (order 0),
        // count 1 < 186 stays; the order-1 free of 0x20 has free_high true: nr_pcp_high() = 0 <= count 3, so
        // free_pcppages_bulk(nr_pcp_free() = count = 3): 0x10 to the buddy at order 0 (its buddy 0x11 is allocated),
        // 0x20 at order 1 (buddy 0x22 allocated): 3 free pages, none left on the pcp lists
        Simulator s = sim(zone(), "linux-6.1");
        s.freeFactor[0][0] = 1;
        feed(s, ORDER0_FREE_0X10 + ORDER1_FREE_0X20);
        assertEquals(0, s.pcpCount[0][0]);
        assertEquals(3, s.m.freePages(0));
        assertEquals(BuddyModel.KIND_BUDDY, s.m.kind(0x10));
        assertEquals(0, s.m.orderAt(0x10));
        assertEquals(BuddyModel.KIND_BUDDY, s.m.kind(0x20));
        assertEquals(1, s.m.orderAt(0x20));
    }
}
