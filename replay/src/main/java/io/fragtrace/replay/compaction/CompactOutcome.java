package io.fragtrace.replay.compaction;

import io.fragtrace.parser.CompactStatus;

/**
 * Whether a compact_zone() pass did what it was run for, by the kernel's own meaning of enum compact_result
 * (include/linux/compaction.h) — the one success rule every count, rate and chart uses.
 * <ul>
 * <li>An order-N pass (direct, kcompactd_do_work()) is run to make an order-N page available: only
 *     {@code COMPACT_SUCCESS} ("the allocation should now succeed") is success; {@code COMPLETE} ("the full zone was
 *     scanned but wasn't successful"), {@code PARTIAL_SKIPPED} and {@code CONTENDED} are failures (they defer).</li>
 * <li>An order -1 pass (cc->order == -1: proactive_compact_node() and compact_node() for
 *     /proc/sys/vm/compact_memory) compacts the whole zone: __compact_finished() (mm/compaction.c) returns CONTINUE
 *     until the scanners meet, so {@code COMPLETE} is its normal end, and a proactive pass also ends in
 *     {@code SUCCESS} once the zone's fragmentation score is under the low mark. Both are success.</li>
 * </ul>
 */
public final class CompactOutcome {
    private CompactOutcome() {
    }

    /** The rule by the pass's order (-1 for whole-zone compaction). */
    public static boolean succeeded(int order, CompactStatus status) {
        return status == CompactStatus.SUCCESS || (order < 0 && status == CompactStatus.COMPLETE);
    }

    /** The rule by context: proactive and manual passes are order -1, direct and kcompactd passes order N. */
    public static boolean succeeded(CompactionContext context, CompactStatus status) {
        return succeeded(wholeZone(context) ? -1 : 1, status);
    }

    /** Whether passes of this context compact the whole zone (cc->order == -1). */
    public static boolean wholeZone(CompactionContext context) {
        return context == CompactionContext.PROACTIVE || context == CompactionContext.MANUAL;
    }

    /**
     * The rule on the text of compaction.csv and summary.json (context and status as enum names, order as printed);
     * an unknown context falls back to the order.
     */
    public static boolean succeeded(String context, int order, String status) {
        CompactStatus st;
        try {
            st = CompactStatus.valueOf(status);
        } catch (IllegalArgumentException | NullPointerException e) {
            return false;
        }
        if ("PROACTIVE".equals(context) || "MANUAL".equals(context)) {
            return succeeded(-1, st);
        }
        return succeeded(order, st);
    }
}
