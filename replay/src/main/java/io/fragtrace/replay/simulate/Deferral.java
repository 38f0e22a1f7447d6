package io.fragtrace.replay.simulate;

/**
 * Per-zone compaction deferral state (struct zone: compact_considered, compact_defer_shift,
 * compact_order_failed) and the four functions of mm/compaction.c that use it. Identical in 4.4, 6.1 and 6.12
 * (mm-HEAD additionally keeps the arrays per sync mode in the tracepoint only).
 */
public final class Deferral {
    /** COMPACT_MAX_DEFER_SHIFT (mm/compaction.c). */
    public static final int COMPACT_MAX_DEFER_SHIFT = 6;

    /** zone->compact_considered. */
    public long considered;
    /** zone->compact_defer_shift. */
    public int deferShift;
    /** zone->compact_order_failed (zero-initialised with the zone). */
    public int orderFailed;

    /** defer_compaction() (mm/compaction.c): called after a failed non-async compaction of the zone. */
    public void deferCompaction(int order) {
        considered = 0;
        deferShift++;
        if (order < orderFailed) {
            orderFailed = order;
        }
        if (deferShift > COMPACT_MAX_DEFER_SHIFT) {
            deferShift = COMPACT_MAX_DEFER_SHIFT;
        }
    }

    /** compaction_deferred() (mm/compaction.c): true when this attempt should be skipped. */
    public boolean compactionDeferred(int order) {
        long deferLimit = 1L << deferShift;
        if (order < orderFailed) {
            return false;
        }
        if (++considered >= deferLimit) {
            considered = deferLimit;
            return false;
        }
        return true;
    }

    /** compaction_defer_reset() (mm/compaction.c): after a compaction success (allocSuccess: page obtained). */
    public void compactionDeferReset(int order, boolean allocSuccess) {
        if (allocSuccess) {
            considered = 0;
            deferShift = 0;
        }
        if (order >= orderFailed) {
            orderFailed = order + 1;
        }
    }

    /** compaction_restarting() (mm/compaction.c): at maximum deferral the skip hints are cleared. */
    public boolean compactionRestarting(int order) {
        if (order < orderFailed) {
            return false;
        }
        return deferShift == COMPACT_MAX_DEFER_SHIFT && considered >= 1L << deferShift;
    }
}
