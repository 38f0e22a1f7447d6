package io.fragtrace.replay.simulate;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Deferral arithmetic of mm/compaction.c (defer_compaction, compaction_deferred, compaction_defer_reset,
 * compaction_restarting). */
class DeferralTest {

    @Test
    void freshZoneIsNeverDeferred() {
        // compact_order_failed = 0, shift 0: ++considered (1) >= 1 << 0 → not deferred, considered stays 1
        Deferral d = new Deferral();
        assertFalse(d.compactionDeferred(9));
        assertEquals(1, d.considered);
    }

    @Test
    void eachDeferralDoublesTheSkips() {
        Deferral d = new Deferral();
        d.deferCompaction(9); // shift 1, considered 0; order_failed min(0, 9) stays 0
        assertEquals(1, d.deferShift);
        assertEquals(0, d.orderFailed);
        // limit 2: considered 1 → skip; 2 → run
        assertTrue(d.compactionDeferred(9));
        assertFalse(d.compactionDeferred(9));
        d.deferCompaction(9); // shift 2, limit 4: three skips, then run
        int skipped = 0;
        while (d.compactionDeferred(9)) {
            skipped++;
        }
        assertEquals(3, skipped);
        for (int i = 0; i < 10; i++) {
            d.deferCompaction(9);
        }
        assertEquals(Deferral.COMPACT_MAX_DEFER_SHIFT, d.deferShift); // capped at 6: 63 skips
        skipped = 0;
        while (d.compactionDeferred(9)) {
            skipped++;
        }
        assertEquals(63, skipped);
        // at the maximum, considered = 64 = 1 << 6 → compaction_restarting
        assertTrue(d.compactionRestarting(9));
    }

    @Test
    void resetAfterSuccessRaisesOrderFailed() {
        Deferral d = new Deferral();
        d.deferCompaction(9);
        d.deferCompaction(9);
        // compaction_defer_reset(zone, 9, true): shift 0, considered 0, order_failed = 10
        d.compactionDeferReset(9, true);
        assertEquals(0, d.deferShift);
        assertEquals(0, d.considered);
        assertEquals(10, d.orderFailed);
        // orders below order_failed are never deferred and do not count
        assertFalse(d.compactionDeferred(9));
        assertEquals(0, d.considered);
        // a failure at order 4 lowers order_failed to 4
        d.deferCompaction(4);
        assertEquals(4, d.orderFailed);
        assertFalse(d.compactionDeferred(3));
        assertTrue(d.compactionDeferred(9));
        // reset without alloc_success keeps the shift
        d.compactionDeferReset(9, false);
        assertEquals(1, d.deferShift);
        assertEquals(10, d.orderFailed);
        assertFalse(d.compactionRestarting(9));
    }
}
