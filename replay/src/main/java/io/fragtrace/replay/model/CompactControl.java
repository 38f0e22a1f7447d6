package io.fragtrace.replay.model;

import io.fragtrace.parser.MigrateMode;
import io.fragtrace.replay.compaction.CompactionContext;

/**
 * struct compact_control (mm/internal.h): what one compact_zone() pass works with. Simulate mode fills it from its
 * own policy; observed mode from the pass's events (mm_compaction_begin, try_to_compact_pages, finished, ...). The
 * rules of {@link Compaction} read and update it the same way in both modes.
 */
public class CompactControl {
    /** The zone (index into the model's zones); -1 while unknown. */
    public int z = -1;
    /** cc->order: -1 for compact_memory and proactive passes (is_via_compact_memory). */
    public int order = -1;
    public MigrateMode mode = MigrateMode.ASYNC;
    /** cc->migratetype = gfp_migratetype(cc->gfp_mask). */
    public int migratetype = KernelSemantics.MIGRATE_MOVABLE;
    public int allocFlags;
    public int highestKz;
    public CompactionContext context = CompactionContext.DIRECT;
    public boolean wholeZone;
    public boolean ignoreSkipHint;
    public boolean ignoreBlockSuitable;
    public boolean proactive;
    /** cc->direct_compaction. */
    public boolean direct;
    /** cc->finish_pageblock (6.3+): finish the block, no fast_find_migrateblock() (simulate: = rescan from 6.3). */
    public boolean finishPageblock;
    /**
     * cc->rescan (5.1-6.2; cc->finish_pageblock from 6.3), set by compact_zone() when this isolation starts in the
     * pageblock of the last migrated batch: isolate_migratepages_block() then skip-marks the block and updates the
     * cached migrate pfn at its end even though it isolated pages.
     */
    public boolean rescan;
    public long migratePfn;
    public long freePfn;
    /** cc->fast_start_pfn (0: none yet, Long.MAX_VALUE: used). */
    public long fastStartPfn;
    /** cc->search_order: where fast_isolate_freepages() starts (next_search_order()). */
    public int searchOrder = Integer.MAX_VALUE;
    /** cc->fast_search_fail. */
    public int fastSearchFail;
    /** zone->compact_init_free_pfn as this pass found it: fast_isolate_freepages()'s scan_start threshold. */
    public long initFreePfn;
    /** cc->nr_freepages: free pages isolated and not yet used as migration targets. */
    public long nrFreepages;
    /** cc->nr_migratepages of the batch being isolated or migrated. */
    public long nrMigratepages;
    // totals of the pass (cc->total_*_scanned and the pass's figures for the report)
    public long migrateScanned;
    public long migrateIsolated;
    public long freeScanned;
    public long freeIsolated;
    /** What fast_isolate_freepages() scanned and isolated (not in freeScanned / freeIsolated). */
    public long fastFreeScanned;
    public long fastFreeIsolated;
    public long migrated;
    public long failed;
    public int finishedChecks;
    /** Head pfn of the page compaction_capture() handed to this pass (capc->page), else -1. */
    public long capturedPfn = -1;

    /** An empty compact_control, filled from the trace (observed mode). */
    public CompactControl() {
    }

    /** compact_zone_order() / kcompactd_do_work() / proactive_compact_node()'s initialiser (simulate mode). */
    public CompactControl(int z, int order, MigrateMode mode, int migratetype, int allocFlags, int highestKz,
                          CompactionContext context) {
        this.z = z;
        this.order = order;
        this.searchOrder = order;
        this.mode = mode;
        this.migratetype = migratetype;
        this.allocFlags = allocFlags;
        this.highestKz = highestKz;
        this.context = context;
        this.direct = context == CompactionContext.DIRECT;
    }

    public boolean async() {
        return mode == MigrateMode.ASYNC;
    }
}
