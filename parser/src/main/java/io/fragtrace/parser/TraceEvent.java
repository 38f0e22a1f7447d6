package io.fragtrace.parser;

/**
 * Immutable typed events, built from a {@link ParsedEvent} only where a caller asks for them (tests, tools that keep
 * events). The streaming hot path never builds these.
 */
public sealed interface TraceEvent {
    Header header();

    /** The line prefix: where and when the event happened. */
    record Header(long line, long timestampNs, int cpu, int pid, String comm) {
    }

    /** mm_page_alloc; {@code failed} when no page was returned. */
    record PageAlloc(Header header, long pfn, int order, int migratetype, long gfp, String gfpText, boolean failed)
            implements TraceEvent {
    }

    /** mm_page_free or mm_page_free_batched. */
    record PageFree(Header header, long pfn, int order, boolean batched) implements TraceEvent {
    }

    /** mm_page_alloc_zone_locked: a block taken off the buddy lists under zone->lock. */
    record ZoneLocked(Header header, long pfn, int order, int migratetype, boolean percpuRefill) implements TraceEvent {
    }

    /** mm_page_pcpu_drain (back to the buddy) or mm_page_pcpu_refill. */
    record PcpuMove(Header header, EventType kind, long pfn, int order, int migratetype) implements TraceEvent {
    }

    /** mm_page_alloc_extfrag: a fallback to another migratetype's free list. */
    record Extfrag(Header header, long pfn, int allocOrder, int fallbackOrder, int pageblockOrder,
                   int allocMigratetype, int fallbackMigratetype, boolean fragmenting, boolean changeOwnership)
            implements TraceEvent {
    }

    /** mm_compaction_isolate_migratepages / _isolate_freepages / _fast_isolate_freepages; range is -1 when absent. */
    record IsolateScan(Header header, EventType kind, long start, long end, long nrScanned, long nrTaken)
            implements TraceEvent {
    }

    /** mm_compaction_migratepages. */
    record CompactionMigrate(Header header, long nrMigrated, long nrFailed) implements TraceEvent {
    }

    /** mm_compaction_begin / mm_compaction_end (status null for begin). */
    record CompactionScanners(Header header, EventType kind, long zoneStart, long migratePfn, long freePfn,
                              long zoneEnd, MigrateMode mode, CompactStatus status) implements TraceEvent {
    }

    /** mm_compaction_try_to_compact_pages; priority is the old migrate mode number on 4.1-4.7. */
    record TryToCompact(Header header, int order, long gfp, String gfpText, int priority) implements TraceEvent {
    }

    /** mm_compaction_finished / mm_compaction_suitable. */
    record CompactionResult(Header header, EventType kind, int nid, ZoneType zone, int order, CompactStatus ret)
            implements TraceEvent {
    }

    /** mm_compaction_deferred / _defer_compaction / _defer_reset. */
    record CompactionDefer(Header header, EventType kind, int nid, ZoneType zone, int order, int orderFailed,
                           long considered, long limit) implements TraceEvent {
    }

    /** mm_compaction_wakeup_kcompactd / _kcompactd_wake / _kcompactd_sleep (order -1 and zone UNKNOWN for sleep). */
    record Kcompactd(Header header, EventType kind, int nid, int order, ZoneType highestZone) implements TraceEvent {
    }

    /** mm_vmscan_kswapd_wake / _kswapd_sleep / _wakeup_kswapd; zid -1 when not printed. */
    record Kswapd(Header header, EventType kind, int nid, int order, int zid, long gfp) implements TraceEvent {
    }

    /** mm_migrate_pages / mm_migrate_pages_start. */
    record MigratePages(Header header, EventType kind, long nrSucceeded, long nrFailed, long nrThpSucceeded,
                        long nrThpFailed, long nrThpSplit, long nrSplit, MigrateMode mode, MigrateReason reason)
            implements TraceEvent {
    }

    /** tracing_mark_write / print. */
    record Marker(Header header, String text) implements TraceEvent {
    }

    static TraceEvent of(ParsedEvent e) {
        Header h = new Header(e.line(), e.timestampNs(), e.cpu(), e.pid(), e.comm());
        EventType k = e.type();
        return switch (k) {
            case MM_PAGE_ALLOC -> new PageAlloc(h, e.pfn(), e.order(), e.migratetype(), e.gfpBits(), e.gfpText(),
                    e.isFailedAlloc());
            case MM_PAGE_FREE -> new PageFree(h, e.pfn(), e.order(), false);
            case MM_PAGE_FREE_BATCHED -> new PageFree(h, e.pfn(), (int) e.get(Field.ORDER), true);
            case MM_PAGE_ALLOC_ZONE_LOCKED -> new ZoneLocked(h, e.pfn(), e.order(), e.migratetype(),
                    e.get(Field.PERCPU_REFILL) != 0);
            case MM_PAGE_PCPU_DRAIN, MM_PAGE_PCPU_REFILL -> new PcpuMove(h, k, e.pfn(), e.order(), e.migratetype());
            case MM_PAGE_ALLOC_EXTFRAG -> new Extfrag(h, e.pfn(), (int) e.get(Field.ALLOC_ORDER),
                    (int) e.get(Field.FALLBACK_ORDER), (int) e.get(Field.PAGEBLOCK_ORDER),
                    (int) e.get(Field.ALLOC_MIGRATETYPE), (int) e.get(Field.FALLBACK_MIGRATETYPE),
                    e.get(Field.FRAGMENTING) != 0, e.get(Field.CHANGE_OWNERSHIP) != 0);
            case MM_COMPACTION_ISOLATE_MIGRATEPAGES, MM_COMPACTION_ISOLATE_FREEPAGES,
                    MM_COMPACTION_FAST_ISOLATE_FREEPAGES -> new IsolateScan(h, k, e.get(Field.RANGE_START),
                    e.get(Field.RANGE_END), e.get(Field.NR_SCANNED), e.get(Field.NR_TAKEN));
            case MM_COMPACTION_MIGRATEPAGES -> new CompactionMigrate(h, e.get(Field.NR_MIGRATED), e.get(Field.NR_FAILED));
            case MM_COMPACTION_BEGIN, MM_COMPACTION_END -> new CompactionScanners(h, k, e.get(Field.ZONE_START),
                    e.get(Field.MIGRATE_PFN), e.get(Field.FREE_PFN), e.get(Field.ZONE_END),
                    MigrateMode.byOrdinal(e.get(Field.MODE)),
                    k == EventType.MM_COMPACTION_END
                            ? CompactStatus.byOrdinal(e.get(Field.STATUS)) : null);
            case MM_COMPACTION_TRY_TO_COMPACT_PAGES -> new TryToCompact(h, e.order(), e.gfpBits(), e.gfpText(),
                    (int) (e.has(Field.PRIORITY) ? e.get(Field.PRIORITY) : e.get(Field.MODE)));
            case MM_COMPACTION_FINISHED, MM_COMPACTION_SUITABLE -> new CompactionResult(h, k, (int) e.get(Field.NID),
                    ZoneType.byOrdinal(e.get(Field.ZONE)), e.order(),
                    CompactStatus.byOrdinal(e.get(Field.STATUS)));
            case MM_COMPACTION_DEFERRED, MM_COMPACTION_DEFER_COMPACTION, MM_COMPACTION_DEFER_RESET ->
                    new CompactionDefer(h, k, (int) e.get(Field.NID), ZoneType.byOrdinal(e.get(Field.ZONE)),
                            e.order(), (int) e.get(Field.ORDER_FAILED), e.get(Field.CONSIDER),
                            e.get(Field.LIMIT));
            case MM_COMPACTION_KCOMPACTD_SLEEP, MM_COMPACTION_WAKEUP_KCOMPACTD, MM_COMPACTION_KCOMPACTD_WAKE ->
                    new Kcompactd(h, k, (int) e.get(Field.NID), (int) orNone(e, Field.ORDER),
                            ZoneType.byOrdinal(orNone(e, Field.HIGHEST_ZONEIDX)));
            case MM_VMSCAN_KSWAPD_WAKE, MM_VMSCAN_KSWAPD_SLEEP, MM_VMSCAN_WAKEUP_KSWAPD ->
                    new Kswapd(h, k, (int) e.get(Field.NID), (int) orNone(e, Field.ORDER),
                            (int) orNone(e, Field.ZID), e.gfpBits());
            case MM_MIGRATE_PAGES, MM_MIGRATE_PAGES_START -> new MigratePages(h, k, e.get(Field.NR_SUCCEEDED),
                    e.get(Field.NR_FAILED), e.get(Field.NR_THP_SUCCEEDED), e.get(Field.NR_THP_FAILED),
                    e.get(Field.NR_THP_SPLIT), e.get(Field.NR_SPLIT),
                    MigrateMode.byOrdinal(e.get(Field.MODE)),
                    MigrateReason.byOrdinal(e.get(Field.REASON)));
            case MARKER -> new Marker(h, e.text());
        };
    }

    /**
     * The sleep events print only nid: their records say "none" (-1, {@link ZoneType#UNKNOWN}) for the order and zone
     * fields the wake events have; a field the line did not print is -1 here.
     */
    private static long orNone(ParsedEvent e, Field f) {
        return e.has(f) ? e.get(f) : -1;
    }
}
