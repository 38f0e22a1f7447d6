package io.fragtrace.parser;

/**
 * Every {@code key=value} field of the supported events; which event prints which field, and every spelling of
 * its key across kernels and text variants, is declared in {@link EventTable}.
 * Values are always held as a {@code long}: numbers as such, symbolic values as the ordinal of their
 * vocabulary enum ({@link ZoneType}, {@link CompactStatus}, {@link MigrateMode}, {@link MigrateReason}),
 * gfp flags as {@link Gfp} bits.
 */
public enum Field {
    PFN,
    ORDER,
    MIGRATETYPE,
    /** gfp_flags (kmem, vmscan) or gfp_mask (try_to_compact_pages): {@link Gfp} bits. */
    GFP,
    PERCPU_REFILL,
    /** mm_page_free_batched before 4.15. */
    COLD,
    ALLOC_ORDER,
    FALLBACK_ORDER,
    PAGEBLOCK_ORDER,
    ALLOC_MIGRATETYPE,
    FALLBACK_MIGRATETYPE,
    FRAGMENTING,
    CHANGE_OWNERSHIP,

    /** {@code range=(0xa ~ 0xb)} start pfn. */
    RANGE_START,
    /** {@code range=(0xa ~ 0xb)} end pfn (exclusive). Filled together with RANGE_START. */
    RANGE_END,
    NR_SCANNED,
    NR_TAKEN,
    NR_MIGRATED,
    NR_FAILED,
    ZONE_START,
    MIGRATE_PFN,
    FREE_PFN,
    ZONE_END,
    /** compaction begin/end {@code sync|async}, migrate {@code MIGRATE_*}, old try_to_compact_pages number. */
    MODE,
    /** mm_compaction_end status, finished/suitable ret: {@link CompactStatus}. */
    STATUS,
    PRIORITY,
    /** node= (compaction) and nid= (vmscan, kcompactd). */
    NID,
    ZONE,
    /** zid= of vmscan events (4.8-era); optional. */
    ZID,
    /** classzone_idx= (printed label kept after the 5.8 rename) or highest_zoneidx=: {@link ZoneType}. */
    HIGHEST_ZONEIDX,
    ORDER_FAILED,
    CONSIDER,
    LIMIT,
    NR_SUCCEEDED,
    NR_THP_SUCCEEDED,
    NR_THP_FAILED,
    NR_THP_SPLIT,
    NR_SPLIT,
    REASON;

    static final Field[] VALUES = values();
    static final int COUNT = VALUES.length;
}
