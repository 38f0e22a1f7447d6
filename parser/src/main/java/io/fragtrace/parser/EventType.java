package io.fragtrace.parser;

/**
 * The tracepoints Fragtrace understands, named as in include/trace/events/{kmem,compaction,vmscan,migrate}.h.
 * {@link #names} lists every spelling seen across kernel versions; the first is the current one.
 */
public enum EventType {
    MM_PAGE_ALLOC("mm_page_alloc"),
    /** mm_page_free_direct before ~3.3. */
    MM_PAGE_FREE("mm_page_free", "mm_page_free_direct"),
    /**
     * Always prints order=0, even for a 6.12 order-9 folio (which also gets mm_page_free order=9): size a free from
     * mm_page_free, never from this event alone. On 6.1 every batched page also has its own mm_page_free.
     */
    MM_PAGE_FREE_BATCHED("mm_page_free_batched"),
    MM_PAGE_ALLOC_ZONE_LOCKED("mm_page_alloc_zone_locked"),
    MM_PAGE_PCPU_DRAIN("mm_page_pcpu_drain"),
    /** Only in very new kernels (mm tree); optional. */
    MM_PAGE_PCPU_REFILL("mm_page_pcpu_refill"),
    MM_PAGE_ALLOC_EXTFRAG("mm_page_alloc_extfrag"),

    MM_COMPACTION_ISOLATE_MIGRATEPAGES("mm_compaction_isolate_migratepages"),
    MM_COMPACTION_ISOLATE_FREEPAGES("mm_compaction_isolate_freepages"),
    /** New in 6.5: fast_isolate_freepages() summary. */
    MM_COMPACTION_FAST_ISOLATE_FREEPAGES("mm_compaction_fast_isolate_freepages"),
    MM_COMPACTION_MIGRATEPAGES("mm_compaction_migratepages"),
    MM_COMPACTION_BEGIN("mm_compaction_begin"),
    MM_COMPACTION_END("mm_compaction_end"),
    MM_COMPACTION_TRY_TO_COMPACT_PAGES("mm_compaction_try_to_compact_pages"),
    MM_COMPACTION_FINISHED("mm_compaction_finished"),
    MM_COMPACTION_SUITABLE("mm_compaction_suitable"),
    MM_COMPACTION_DEFERRED("mm_compaction_deferred"),
    MM_COMPACTION_DEFER_COMPACTION("mm_compaction_defer_compaction"),
    MM_COMPACTION_DEFER_RESET("mm_compaction_defer_reset"),
    MM_COMPACTION_KCOMPACTD_SLEEP("mm_compaction_kcompactd_sleep"),
    MM_COMPACTION_WAKEUP_KCOMPACTD("mm_compaction_wakeup_kcompactd"),
    MM_COMPACTION_KCOMPACTD_WAKE("mm_compaction_kcompactd_wake"),

    MM_VMSCAN_KSWAPD_WAKE("mm_vmscan_kswapd_wake"),
    MM_VMSCAN_KSWAPD_SLEEP("mm_vmscan_kswapd_sleep"),
    MM_VMSCAN_WAKEUP_KSWAPD("mm_vmscan_wakeup_kswapd"),

    MM_MIGRATE_PAGES("mm_migrate_pages"),
    MM_MIGRATE_PAGES_START("mm_migrate_pages_start"),

    /** trace_marker writes ({@code tracing_mark_write:} in raw ftrace, {@code print:} in trace-cmd). */
    MARKER("tracing_mark_write", "print");

    private final String[] names;

    EventType(String... names) {
        this.names = names;
    }

    /** The kernel's current name of the tracepoint. */
    public String kernelName() {
        return names[0];
    }

    String[] names() {
        return names;
    }

    private static final EventType[] VALUES = values();

    public static EventType byOrdinal(int ordinal) {
        return VALUES[ordinal];
    }

    /** Lookup by any known spelling; null when unknown. Not for the hot path. */
    public static EventType byName(String name) {
        for (EventType t : VALUES) {
            for (String n : t.names) {
                if (n.equals(name)) {
                    return t;
                }
            }
        }
        return null;
    }
}
