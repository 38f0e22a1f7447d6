package io.fragtrace.replay.metrics;

import io.fragtrace.parser.Gfp;
import io.fragtrace.replay.model.BuddyModel;
import io.fragtrace.replay.model.KernelSemantics;
import io.fragtrace.replay.model.PageReporting;
import io.fragtrace.replay.model.Zone;
import io.fragtrace.replay.simulate.Watermarks;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.fragtrace.replay.simulate.Watermarks.WMARK_HIGH;
import static io.fragtrace.replay.simulate.Watermarks.WMARK_LOW;
import static io.fragtrace.replay.simulate.Watermarks.WMARK_MIN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Allocations against the watermarks: __zone_watermark_ok()'s order-0 test, gfp_to_alloc_flags(),
 * __gfp_pfmemalloc_flags() (mm/page_alloc.c, 6.1). Watermarks min 100, low 125, high 150; hand numbers beside.
 */
class ReserveWatchTest {
    static final long GFP_KERNEL = Gfp.parse("GFP_KERNEL");
    static final long GFP_ATOMIC = Gfp.parse("GFP_ATOMIC");

    @Test
    void belowWhichWatermark() {
        // __zone_watermark_ok() fails when free <= mark: 100 is below min, 101 only below low (125), 126 below high
        // (150), 151 above all
        assertEquals(WMARK_MIN, Watermarks.belowWmark(100, 100, 125, 150));
        assertEquals(WMARK_LOW, Watermarks.belowWmark(101, 100, 125, 150));
        assertEquals(WMARK_LOW, Watermarks.belowWmark(125, 100, 125, 150));
        assertEquals(WMARK_HIGH, Watermarks.belowWmark(126, 100, 125, 150));
        assertEquals(3, Watermarks.belowWmark(151, 100, 125, 150));
    }

    @Test
    void gfpToAllocFlags() {
        // GFP_ATOMIC = __GFP_HIGH|__GFP_ATOMIC|__GFP_KSWAPD_RECLAIM: WMARK_MIN|ALLOC_HIGH|ALLOC_KSWAPD|ALLOC_HARDER,
        // no ALLOC_CPUSET; GFP_KERNEL: WMARK_MIN|ALLOC_CPUSET|ALLOC_KSWAPD
        assertEquals(Watermarks.ALLOC_WMARK_MIN | Watermarks.ALLOC_HIGH | Watermarks.ALLOC_KSWAPD
                | Watermarks.ALLOC_HARDER, Watermarks.gfpToAllocFlags(GFP_ATOMIC));
        assertEquals(Watermarks.ALLOC_WMARK_MIN | Watermarks.ALLOC_CPUSET | Watermarks.ALLOC_KSWAPD,
                Watermarks.gfpToAllocFlags(GFP_KERNEL));
    }

    @Test
    void gfpPfmemallocFlags() {
        // __GFP_MEMALLOC or PF_MEMALLOC: ALLOC_NO_WATERMARKS; __GFP_NOMEMALLOC wins over both
        assertEquals(Watermarks.ALLOC_NO_WATERMARKS, Watermarks.gfpPfmemallocFlags(GFP_KERNEL | Gfp.MEMALLOC, false));
        assertEquals(Watermarks.ALLOC_NO_WATERMARKS, Watermarks.gfpPfmemallocFlags(GFP_KERNEL, true));
        assertEquals(0, Watermarks.gfpPfmemallocFlags(GFP_KERNEL | Gfp.MEMALLOC | Gfp.NOMEMALLOC, true));
        assertEquals(0, Watermarks.gfpPfmemallocFlags(GFP_KERNEL, false));
        assertTrue(Watermarks.pfMemallocTask("kswapd0"));
        assertFalse(Watermarks.pfMemallocTask("work"));
    }

    private static ReserveWatch watch(BuddyModel m) {
        return new ReserveWatch(m, new PageReporting.ZoneWatermarks() {
            public long wmark(int z, int which) {
                return which == 0 ? 100 : which == 1 ? 125 : 150;
            }

            public long boost(int z) {
                return 0;
            }

            public long reservedHighatomic(int z) {
                return 0;
            }
        });
    }

    @Test
    void allocationsClassedByWatermarkAndReserve() {
        BuddyModel m = new BuddyModel(KernelSemantics.V6_1, List.of(new Zone(0, 0, "Normal", 0, 4096)), 1);
        ReserveWatch w = watch(m);
        // free 200: above high, not counted; free 140: below high; 120: below low and high
        w.allocation(0, 200, 0, GFP_KERNEL, 1, null);
        w.allocation(0, 140, 0, GFP_KERNEL, 2, null);
        w.allocation(0, 120, 0, GFP_KERNEL, 3, null);
        // free 60, GFP_ATOMIC: min 100 - 100/2 = 50, - 50/4 = 38 (integer) → 60 > 38: the gfp's own reserve, below min
        w.allocation(0, 60, 0, GFP_ATOMIC, 4, null);
        // free 30, GFP_ATOMIC: 30 <= 38 → beyond the atomic reserve: ALLOC_NO_WATERMARKS
        w.allocation(0, 30, 0, GFP_ATOMIC, 5, null);
        // free 90, GFP_KERNEL, order 1 (2 pages): 90 <= 100 and no reserve flag → ALLOC_NO_WATERMARKS
        w.allocation(0, 90, 1, GFP_KERNEL, 6, null);
        assertEquals(5, w.allocationsBelow(0, WMARK_HIGH));
        assertEquals(4, w.allocationsBelow(0, WMARK_LOW));
        assertEquals(3, w.allocationsBelow(0, WMARK_MIN));
        assertEquals(4, w.pagesBelow(0, WMARK_MIN)); // 1 + 1 + 2
        assertEquals(2, w.noWatermarks(0));
        assertEquals(3, w.noWatermarkPages(0));
        // lowest headroom: 30 - 100 = -70 at t=5
        assertEquals(-70, w.lowestHeadroom(0));
        assertEquals(5, w.lowestAtNs(0));
        ReserveWatch.TaskRow row = w.byTask().get(0);
        assertEquals("?", row.task());
        assertEquals(3, row.belowMin());
        assertEquals(2, row.noWatermarks());
    }

    @Test
    void refusalsCountPerTaskAndFirst() {
        // two refusals of the unnamed task: its row sorts before one with only allocations below min
        BuddyModel m = new BuddyModel(KernelSemantics.V6_1, List.of(new Zone(0, 0, "Normal", 0, 4096)), 1);
        ReserveWatch w = watch(m);
        w.refused(null);
        w.refused(null);
        assertEquals(2, w.refused());
        assertEquals(2, w.byTask().get(0).refused());
        assertEquals(0, w.byTask().get(0).belowHigh());
    }
}
