package io.fragtrace.replay.simulate;

import io.fragtrace.parser.MigrateMode;
import io.fragtrace.replay.compaction.CompactionContext;

/** struct compact_control: what one compact_zone() pass works with. */
final class CompactControl {
    final int z;
    final int order;
    final MigrateMode mode;
    final int migratetype;
    final int allocFlags;
    final int highestKz;
    final CompactionContext context;
    boolean wholeZone;
    boolean ignoreSkipHint;
    boolean ignoreBlockSuitable;
    boolean proactive;
    boolean direct;
    long migratePfn;
    long freePfn;
    long migrateScanned;
    long migrateIsolated;
    long freeScanned;
    long freeIsolated;
    long migrated;
    long failed;
    int finishedChecks;

    CompactControl(int z, int order, MigrateMode mode, int migratetype, int allocFlags, int highestKz,
       CompactionContext context) {
        this.z = z;
        this.order = order;
        this.mode = mode;
        this.migratetype = migratetype;
        this.allocFlags = allocFlags;
        this.highestKz = highestKz;
        this.context = context;
        this.direct = context == CompactionContext.DIRECT;
    }

    boolean async() {
        return mode == MigrateMode.ASYNC;
    }
}
