package io.fragtrace.replay.simulate;

import io.fragtrace.replay.model.CompactControl;
import io.fragtrace.replay.model.Freepages;

/**
 * One compact_zone() pass (mm/compaction.c) that may pause between two iterations of its loop: its compact_control,
 * the figures its mm_compaction_begin would show, and the free pages it holds isolated (cc->freepages, the
 * migration targets) with last_migrated_pfn, which stay the pass's own while other compaction runs in the pause.
 */
final class ZonePass {
    final CompactControl cc;
    long beginNs;
    long migrateBegin;
    long freeBegin;
    int fragAtBegin;
    long iterations;
    long iterationBound;
    // the pass's own isolated pages, swapped with the simulator's while it runs (CompactZone.swapBuffers)
    int[] targets;
    int targetHead;
    int targetTail;
    Freepages freepages;
    long lastMigratedPfn;

    /** A pass run whole: it works in the simulator's buffers. */
    ZonePass(CompactControl cc) {
        this.cc = cc;
    }

    /** A pass through trace time: buffers of its own. */
    ZonePass(CompactControl cc, int nrOrders) {
        this.cc = cc;
        this.targets = new int[1024];
        this.freepages = new Freepages(nrOrders);
    }
}
