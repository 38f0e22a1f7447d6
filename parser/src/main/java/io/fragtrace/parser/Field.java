package io.fragtrace.parser;

/**
 * Every {@code key=value} field of the supported events, with all the spellings kernels used.
 * Values are always held as a {@code long}: numbers as such, symbolic values as the ordinal of their
 * vocabulary enum ({@link ZoneType}, {@link CompactStatus}, {@link MigrateMode}, {@link MigrateReason}),
 * gfp flags as {@link Gfp} bits.
 */
public enum Field {
    PFN(Kind.NUMBER, "pfn"),
    ORDER(Kind.NUMBER, "order"),
    MIGRATETYPE(Kind.NUMBER, "migratetype"),
    /** gfp_flags (kmem, vmscan) or gfp_mask (try_to_compact_pages): {@link Gfp} bits. */
    GFP(Kind.GFP, "gfp_flags", "gfp_mask"),
    PERCPU_REFILL(Kind.NUMBER, "percpu_refill"),
    /** mm_page_free_batched before 4.15. */
    COLD(Kind.NUMBER, "cold"),
    ALLOC_ORDER(Kind.NUMBER, "alloc_order"),
    FALLBACK_ORDER(Kind.NUMBER, "fallback_order"),
    PAGEBLOCK_ORDER(Kind.NUMBER, "pageblock_order"),
    ALLOC_MIGRATETYPE(Kind.NUMBER, "alloc_migratetype"),
    FALLBACK_MIGRATETYPE(Kind.NUMBER, "fallback_migratetype"),
    FRAGMENTING(Kind.NUMBER, "fragmenting"),
    CHANGE_OWNERSHIP(Kind.NUMBER, "change_ownership"),

    /** {@code range=(0xa ~ 0xb)} start pfn. */
    RANGE_START(Kind.RANGE, "range"),
    /** {@code range=(0xa ~ 0xb)} end pfn (exclusive). Filled together with RANGE_START. */
    RANGE_END(Kind.NUMBER),
    NR_SCANNED(Kind.NUMBER, "nr_scanned"),
    NR_TAKEN(Kind.NUMBER, "nr_taken"),
    NR_MIGRATED(Kind.NUMBER, "nr_migrated"),
    NR_FAILED(Kind.NUMBER, "nr_failed"),
    ZONE_START(Kind.NUMBER, "zone_start"),
    MIGRATE_PFN(Kind.NUMBER, "migrate_pfn"),
    FREE_PFN(Kind.NUMBER, "free_pfn"),
    ZONE_END(Kind.NUMBER, "zone_end"),
    /** compaction begin/end {@code sync|async}, migrate {@code MIGRATE_*}, old try_to_compact_pages number. */
    MODE(Kind.MODE, "mode"),
    /** mm_compaction_end status, finished/suitable ret: {@link CompactStatus}. */
    STATUS(Kind.STATUS, "status", "ret"),
    PRIORITY(Kind.NUMBER, "priority"),
    /** node= (compaction) and nid= (vmscan, kcompactd). */
    NID(Kind.NUMBER, "nid", "node", "node_id"),
    ZONE(Kind.ZONE, "zone"),
    /** zid= of vmscan events (4.8-era); optional. */
    ZID(Kind.NUMBER, "zid"),
    /** classzone_idx= (printed label kept after the 5.8 rename) or highest_zoneidx=: {@link ZoneType}. */
    HIGHEST_ZONEIDX(Kind.ZONE, "classzone_idx", "highest_zoneidx"),
    ORDER_FAILED(Kind.NUMBER, "order_failed"),
    CONSIDER(Kind.NUMBER, "consider"),
    LIMIT(Kind.NUMBER, "limit"),
    SYNC(Kind.NUMBER, "sync"),
    NR_SUCCEEDED(Kind.NUMBER, "nr_succeeded"),
    NR_THP_SUCCEEDED(Kind.NUMBER, "nr_thp_succeeded"),
    NR_THP_FAILED(Kind.NUMBER, "nr_thp_failed"),
    NR_THP_SPLIT(Kind.NUMBER, "nr_thp_split"),
    NR_SPLIT(Kind.NUMBER, "nr_split"),
    REASON(Kind.REASON, "reason");

    /** How the value text is read. */
    enum Kind { NUMBER, GFP, RANGE, MODE, STATUS, ZONE, REASON }

    final Kind kind;
    final String[] keys;

    Field(Kind kind, String... keys) {
        this.kind = kind;
        this.keys = keys;
    }

    static final Field[] VALUES = values();
    static final int COUNT = VALUES.length;
}
