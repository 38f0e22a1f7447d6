package io.fragtrace.replay.compaction;

import io.fragtrace.parser.CompactStatus;
import io.fragtrace.parser.MigrateMode;
import io.fragtrace.parser.ZoneType;

/**
 * One compact_zone() pass, from mm_compaction_begin to mm_compaction_end of the same task, with everything the
 * task traced in between. {@code order} is -1 for proactive and manual compaction (cc->order == -1).
 * {@code fragIndexAtBegin} is the fragmentation index of the order when the pass began, from the replay model
 * (Integer.MIN_VALUE when no model was attached or the order is -1).
 */
public record CompactionRun(
        long beginNs, long endNs, int pid, String comm, int cpu, CompactionContext context, int order,
        int nid, ZoneType zone, long zoneStart, long zoneEnd, MigrateMode mode, CompactStatus status,
        long migratePfnBegin, long migratePfnEnd, long freePfnBegin, long freePfnEnd,
        long migrateScanned, long migrateIsolated, long freeScanned, long freeIsolated,
        long fastFreeScanned, long fastFreeIsolated, long migrated, long migrateFailed,
        int finishedChecks, CompactStatus lastFinished, int fragIndexAtBegin) {

    public long durationNs() {
        return endNs - beginNs;
    }

    /** Success by the kernel's meaning of the status for this pass's order ({@link CompactOutcome}). */
    public boolean succeeded() {
        return CompactOutcome.succeeded(order, status);
    }
}
