package io.fragtrace.replay.simulate;

import io.fragtrace.parser.CompactStatus;
import io.fragtrace.replay.compaction.CompactionContext;

/** Counters of one simulation: what the model's own allocator, compaction and daemons did. */
public final class SimStats {
    public static final int ORDERS = 16;

    /** mm_page_alloc requests replayed, by order. */
    public final long[] requests = new long[ORDERS];
    /** Requests the model could not serve, by order. */
    public final long[] modelFailed = new long[ORDERS];
    /** Requests the kernel failed in the trace (mm_page_alloc with no page), by order. */
    public final long[] traceFailed = new long[ORDERS];
    /** Trace failures the model served (the page is given back at once: the trace has no lifetime for it). */
    public long modelServedTraceFailed;
    /** Non-costly requests served only after the direct-reclaim stand-in (ALLOC_NO_WATERMARKS; no reclaim modelled). */
    public long reclaimStandIns;
    /** Allocations whose fast path failed at the low watermark (__alloc_pages_slowpath(), kswapd woken). */
    public long slowpath;
    /** Slow path starts the trace shows (an allocating task's mm_vmscan_wakeup_kswapd) that fail the model's fast path too. */
    public long slowpathStartsTraced;
    /** Of those, the ones that failed again at min (direct reclaim/compaction, or the reserves). */
    public long belowMin;
    /** Served with ALLOC_NO_WATERMARKS from __gfp_pfmemalloc_flags() (PF_MEMALLOC task or __GFP_MEMALLOC). */
    public long pfmemalloc;
    /** Allocations recognised as movable non-LRU (zsmalloc, balloon: {@link io.fragtrace.replay.model.NonLruMovable}). */
    public long nonLruAllocated;
    /**
     * Pages allocated without __GFP_MOVABLE that go on the LRU: a block device's page cache
     * ({@link io.fragtrace.replay.model.UnmovableLru}); compaction migrates them.
     */
    public long unmovableLruAllocated;
    /** Of those pages, migrated by compaction through movable_operations (movable_non_lru = on). */
    public long nonLruMigrated;
    /** Scanned by compaction and not isolatable (movable_non_lru = off): isolate_fail. */
    public long nonLruBlocked;
    public long frees;
    /** Pages handed out and given back by the model's allocator (trace requests only). */
    public long pagesAllocated;
    public long pagesFreed;
    /** Frees of pages whose allocation the model failed. */
    public long freesOfModelFailed;
    /** Frees of pages the model does not hold (not counting a batched free's second event, mm_page_free_batched). */
    public long freesUnmatched;
    /** Pages the kernel migrated in the trace (old pfn freed inside mm_migrate_pages); their new pfn's free is
     * matched to the model page first-in first-out by order. */
    public long kernelMigrated;
    /** Frees, inside the kernel's own compaction, of free pages it had isolated (release_freepages); ignored. */
    public long kernelReleasedFree;
    /** __rmqueue_fallback() steals (the model's mm_page_alloc_extfrag), and how many changed pageblock ownership. */
    public long fallbacks;
    public long fallbacksChangedOwnership;
    public long pcpRefills;
    public long pcpDrains;

    /** compact_zone() passes by context and status (a pass = a compact_zone() that got past compaction_suitable). */
    public final long[][] passes = new long[CompactionContext.values().length][CompactStatus.values().length];
    /** compaction_suitable() results, by status. */
    public final long[] suitable = new long[CompactStatus.values().length];
    public long deferred;
    public long deferCompaction;
    /** Pages compaction_capture() handed to a direct compaction (the freed source completed the block). */
    public long captured;
    /** compact_memory passes the model ran where the trace shows the kernel's (one per zone and write). */
    public long manualPasses;
    /** compact_zone() passes ended by the model's iteration bound (0 unless the model is inconsistent). */
    public long compactionPassesCutShort;
    public long deferReset;
    /** __alloc_pages_direct_compact() outcomes (vmstat compact_stall / compact_success / compact_fail). */
    public long compactStall;
    public long compactSuccess;
    public long compactFail;
    public final long[] directCompactionSucceededByOrder = new long[ORDERS];
    public final long[] directCompactionFailedByOrder = new long[ORDERS];
    public long migrateScanned;
    public long freeScanned;
    public long migrated;
    /** Pages migrated by the model's compaction, by context. */
    public final long[] migratedByContext = new long[CompactionContext.values().length];
    public long migrateFailed;
    public long freeIsolated;

    /** wakeup_kcompactd() calls that woke the thread (trace mm_compaction_wakeup_kcompactd). */
    public long wakeupKcompactd;
    /** kcompactd_do_work() runs (trace mm_compaction_kcompactd_wake). */
    public long kcompactdWakes;
    /** Of those, the runs a proactive timeout found requested (kcompactd_max_order set without a wake-up). */
    public long kcompactdTimeoutWork;
    /** kcompactd timeouts that found should_proactive_compact_node() true. */
    public long proactiveRuns;
    /** __alloc_pages_direct_reclaim()'s drain_all_pages() before its retry (once per slow path). */
    public long directReclaimDrains;
    /** Workload writes of a non-zero compaction_proactiveness that woke kcompactd (proactive_compact_trigger). */
    public long proactiveTriggers;
    /** kcompactd timeouts (proactive checks). */
    public long proactiveChecks;
    /** wakeup_kswapd() calls that woke kswapd (trace mm_vmscan_wakeup_kswapd). */
    public long wakeupKswapd;
    /** kswapd runs (trace mm_vmscan_kswapd_wake). */
    public long kswapdWakes;
    public long kswapdSleeps;
    public long boosts;
    /** Region compaction: first allocations in a fresh region, worker runs by outcome, pages moved. */
    public long regionHints;
    public long evacuationsRejected;
    public long evacuationsAttempted;
    public long evacuationsSucceeded;
    public long regionPagesMoved;
    /** The model kswapd's high order kept at a check without reclaim because the kernel's kswapd was still running. */
    public long kswapdGiveUpsHeld;

    public long passes(CompactionContext c) {
        long s = 0;
        for (long v : passes[c.ordinal()]) {
            s += v;
        }
        return s;
    }

    public long passes(CompactionContext c, CompactStatus st) {
        return passes[c.ordinal()][st.ordinal()];
    }

    public long passes() {
        long s = 0;
        for (CompactionContext c : CompactionContext.values()) {
            s += passes(c);
        }
        return s;
    }

    public long passesWith(CompactStatus st) {
        long s = 0;
        for (CompactionContext c : CompactionContext.values()) {
            s += passes[c.ordinal()][st.ordinal()];
        }
        return s;
    }

    /** Pages kcompactd migrated: woken (kcompactd_do_work) plus proactive. */
    public long kcompactdMigrated() {
        return migratedByContext[CompactionContext.KCOMPACTD.ordinal()]
                + migratedByContext[CompactionContext.PROACTIVE.ordinal()];
    }

    /** kcompactd passes: woken (kcompactd_do_work) plus proactive. */
    public long kcompactdPasses() {
        return passes(CompactionContext.KCOMPACTD) + passes(CompactionContext.PROACTIVE);
    }
}
