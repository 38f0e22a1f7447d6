package io.fragtrace.parser;

import java.util.Arrays;
import java.util.List;

/**
 * Each tracepoint declared once: its fields, which are required (a line without one is reported, not delivered),
 * the default of each optional field (what {@link ParsedEvent#get(Field)} returns when the line does not print it),
 * and every spelling of each key across kernels and text variants. Raw ftrace and {@code trace-cmd report} print
 * the event's TP_printk text; {@code trace-cmd report -R} prints the raw entry fields (numbers for enums, hex gfp
 * masks, {@code sync=} instead of {@code mode=}, no computed fields such as {@code pageblock_order}).
 * The parser, {@code stats} and the model read events through this table only.
 */
public final class EventTable {
    /** How the text of one spelling becomes the field's value. */
    enum Read {
        NUMBER, GFP,
        /** {@code range=(0xa ~ 0xb)}: fills RANGE_START and RANGE_END. */
        RANGE,
        /** A vocabulary word or its enum number: {@link MigrateMode}, {@link CompactStatus}, {@link ZoneType}, {@link MigrateReason}. */
        MODE, STATUS, ZONE, REASON,
        /** -R compaction begin/end {@code sync=0|1} (the kernel's {@code bool sync}): MODE async or {@link MigrateMode#SYNC_ANY}. */
        SYNC_FLAG,
        /** -R defer events {@code defer_shift=n}: the printed {@code limit} is {@code 1UL << defer_shift}. */
        SHIFT
    }

    /** A derived default: a value the kernel's TP_printk computes from other fields. */
    enum Derived {
        NONE,
        /** mm_page_alloc_zone_locked before 6.2 printed {@code percpu_refill=order == 0} (include/trace/events/kmem.h). */
        ORDER_IS_ZERO,
        /**
         * mm_page_alloc_extfrag prints {@code fragmenting=fallback_order < pageblock_order}: recomputed whenever
         * pageblock_order is printed, because trace-cmd 3.1 evaluates that expression wrongly (prints
         * {@code fragmenting=10} for fallback_order 10, pageblock_order 9); 0 when neither is printed (-R).
         */
        FALLBACK_BELOW_PAGEBLOCK
    }

    /** One key spelling: the field it fills and how its text is read. */
    record Spelling(String key, Field field, Read read) {
    }

    /** Every spelling of every field, current spelling first. */
    private static final List<Spelling> SPELLINGS = List.of(
            sp("pfn", Field.PFN, Read.NUMBER),
            sp("order", Field.ORDER, Read.NUMBER),
            sp("migratetype", Field.MIGRATETYPE, Read.NUMBER),
            sp("gfp_flags", Field.GFP, Read.GFP),
            sp("gfp_mask", Field.GFP, Read.GFP),                              // try_to_compact_pages
            sp("percpu_refill", Field.PERCPU_REFILL, Read.NUMBER),
            sp("cold", Field.COLD, Read.NUMBER),                              // mm_page_free_batched before 4.15
            sp("alloc_order", Field.ALLOC_ORDER, Read.NUMBER),
            sp("fallback_order", Field.FALLBACK_ORDER, Read.NUMBER),
            sp("pageblock_order", Field.PAGEBLOCK_ORDER, Read.NUMBER),        // not a raw field: absent with -R
            sp("alloc_migratetype", Field.ALLOC_MIGRATETYPE, Read.NUMBER),
            sp("fallback_migratetype", Field.FALLBACK_MIGRATETYPE, Read.NUMBER),
            sp("fragmenting", Field.FRAGMENTING, Read.NUMBER),                // not a raw field: absent with -R
            sp("change_ownership", Field.CHANGE_OWNERSHIP, Read.NUMBER),
            sp("range", Field.RANGE_START, Read.RANGE),
            sp("start_pfn", Field.RANGE_START, Read.NUMBER),                  // -R isolate events
            sp("end_pfn", Field.RANGE_END, Read.NUMBER),                      // -R isolate events
            sp("nr_scanned", Field.NR_SCANNED, Read.NUMBER),
            sp("nr_taken", Field.NR_TAKEN, Read.NUMBER),
            sp("nr_migrated", Field.NR_MIGRATED, Read.NUMBER),
            sp("nr_failed", Field.NR_FAILED, Read.NUMBER),
            sp("failed", Field.NR_FAILED, Read.NUMBER),                       // -R mm_migrate_pages
            sp("zone_start", Field.ZONE_START, Read.NUMBER),
            sp("migrate_pfn", Field.MIGRATE_PFN, Read.NUMBER),
            sp("free_pfn", Field.FREE_PFN, Read.NUMBER),
            sp("zone_end", Field.ZONE_END, Read.NUMBER),
            sp("mode", Field.MODE, Read.MODE),
            sp("sync", Field.MODE, Read.SYNC_FLAG),                           // -R compaction begin/end
            sp("status", Field.STATUS, Read.STATUS),
            sp("ret", Field.STATUS, Read.STATUS),
            sp("priority", Field.PRIORITY, Read.NUMBER),
            sp("prio", Field.PRIORITY, Read.NUMBER),                          // -R try_to_compact_pages
            sp("nid", Field.NID, Read.NUMBER),
            sp("node", Field.NID, Read.NUMBER),
            sp("node_id", Field.NID, Read.NUMBER),
            sp("zone", Field.ZONE, Read.ZONE),
            sp("idx", Field.ZONE, Read.ZONE),                                 // -R: zone_idx(), a number
            sp("zid", Field.ZID, Read.NUMBER),
            sp("classzone_idx", Field.HIGHEST_ZONEIDX, Read.ZONE),            // label kept after the 5.8 rename
            sp("highest_zoneidx", Field.HIGHEST_ZONEIDX, Read.ZONE),
            sp("order_failed", Field.ORDER_FAILED, Read.NUMBER),
            sp("consider", Field.CONSIDER, Read.NUMBER),
            sp("considered", Field.CONSIDER, Read.NUMBER),                    // -R defer events
            sp("limit", Field.LIMIT, Read.NUMBER),
            sp("defer_shift", Field.LIMIT, Read.SHIFT),                       // -R defer events
            sp("nr_succeeded", Field.NR_SUCCEEDED, Read.NUMBER),
            sp("succeeded", Field.NR_SUCCEEDED, Read.NUMBER),                 // -R mm_migrate_pages
            sp("nr_thp_succeeded", Field.NR_THP_SUCCEEDED, Read.NUMBER),
            sp("thp_succeeded", Field.NR_THP_SUCCEEDED, Read.NUMBER),
            sp("nr_thp_failed", Field.NR_THP_FAILED, Read.NUMBER),
            sp("thp_failed", Field.NR_THP_FAILED, Read.NUMBER),
            sp("nr_thp_split", Field.NR_THP_SPLIT, Read.NUMBER),
            sp("thp_split", Field.NR_THP_SPLIT, Read.NUMBER),
            sp("nr_split", Field.NR_SPLIT, Read.NUMBER),
            sp("large_folio_split", Field.NR_SPLIT, Read.NUMBER),
            sp("reason", Field.REASON, Read.REASON));

    /** The fields of one event type. */
    static final class Spec {
        long required;
        long optional;
        final long[] defaults = new long[Field.COUNT];
        final Derived[] derived = new Derived[Field.COUNT];
        /** Key -> index into {@link #SPELLINGS}, only for this event's fields; {@link #PAGE_KEY} for {@code page=}. */
        final ByteKeyTable keys = new ByteKeyTable(32);

        Spec() {
            Arrays.fill(derived, Derived.NONE);
        }

        /** The value of a field the line did not print: its declared default (0 for a field the event lacks). */
        long absent(int field, long[] values) {
            return derived[field] == Derived.ORDER_IS_ZERO
                    ? (values[Field.ORDER.ordinal()] == 0 ? 1 : 0) : defaults[field];
        }
    }

    /** {@code page=} (the struct page pointer; {@code (null)} for a failed allocation). */
    static final int PAGE_KEY = -2;
    private static final int UNKNOWN_MT = -1;
    private static final long NO_NUMBER = -1;
    static final Spelling[] SPELLING = SPELLINGS.toArray(new Spelling[0]);
    /** Per spelling, the ordinal of the field a {@link Read#NUMBER} spelling fills, else -1 (the parser's one-pass read). */
    static final int[] NUMBER_FIELD = new int[SPELLING.length];

    static {
        for (int i = 0; i < SPELLING.length; i++) {
            NUMBER_FIELD[i] = SPELLING[i].read == Read.NUMBER ? SPELLING[i].field.ordinal() : -1;
        }
    }

    private static final Spec[] SPECS = new Spec[EventType.values().length];

    static {
        long unknownMode = MigrateMode.UNKNOWN.ordinal();
        long unknownZone = ZoneType.UNKNOWN.ordinal();
        long unknownReason = MigrateReason.UNKNOWN.ordinal();
        event(EventType.MM_PAGE_ALLOC, req(Field.PFN), req(Field.ORDER), opt(Field.MIGRATETYPE, UNKNOWN_MT),
                opt(Field.GFP, 0));
        event(EventType.MM_PAGE_FREE, req(Field.PFN), req(Field.ORDER));
        // 6.1 prints no order (every page of a batch is order 0); 4.14 and older print cold=
        event(EventType.MM_PAGE_FREE_BATCHED, req(Field.PFN), opt(Field.ORDER, 0), opt(Field.COLD, 0));
        event(EventType.MM_PAGE_ALLOC_ZONE_LOCKED, req(Field.PFN), req(Field.ORDER), req(Field.MIGRATETYPE),
                derived(Field.PERCPU_REFILL, Derived.ORDER_IS_ZERO));
        event(EventType.MM_PAGE_PCPU_DRAIN, req(Field.PFN), req(Field.ORDER), req(Field.MIGRATETYPE));
        event(EventType.MM_PAGE_PCPU_REFILL, req(Field.PFN), req(Field.ORDER), req(Field.MIGRATETYPE));
        // pageblock_order and fragmenting are computed in TP_printk: absent from -R records
        event(EventType.MM_PAGE_ALLOC_EXTFRAG, req(Field.PFN), req(Field.ALLOC_ORDER), req(Field.FALLBACK_ORDER),
                req(Field.ALLOC_MIGRATETYPE), req(Field.FALLBACK_MIGRATETYPE), opt(Field.PAGEBLOCK_ORDER, NO_NUMBER),
                derived(Field.FRAGMENTING, Derived.FALLBACK_BELOW_PAGEBLOCK), opt(Field.CHANGE_OWNERSHIP, 0));
        for (EventType t : new EventType[]{EventType.MM_COMPACTION_ISOLATE_MIGRATEPAGES,
                EventType.MM_COMPACTION_ISOLATE_FREEPAGES, EventType.MM_COMPACTION_FAST_ISOLATE_FREEPAGES}) {
            event(t, req(Field.NR_SCANNED), req(Field.NR_TAKEN), opt(Field.RANGE_START, NO_NUMBER),
                    opt(Field.RANGE_END, NO_NUMBER));
        }
        event(EventType.MM_COMPACTION_MIGRATEPAGES, req(Field.NR_MIGRATED), req(Field.NR_FAILED));
        event(EventType.MM_COMPACTION_BEGIN, req(Field.ZONE_START), req(Field.MIGRATE_PFN), req(Field.FREE_PFN),
                req(Field.ZONE_END), opt(Field.MODE, unknownMode));
        event(EventType.MM_COMPACTION_END, req(Field.ZONE_START), req(Field.MIGRATE_PFN), req(Field.FREE_PFN),
                req(Field.ZONE_END), req(Field.STATUS), opt(Field.MODE, unknownMode));
        // 4.1-4.7 print the migrate mode number as mode= instead of priority=
        event(EventType.MM_COMPACTION_TRY_TO_COMPACT_PAGES, req(Field.ORDER), opt(Field.GFP, 0),
                opt(Field.PRIORITY, NO_NUMBER), opt(Field.MODE, NO_NUMBER));
        for (EventType t : new EventType[]{EventType.MM_COMPACTION_FINISHED, EventType.MM_COMPACTION_SUITABLE}) {
            event(t, req(Field.ORDER), req(Field.STATUS), opt(Field.NID, NO_NUMBER), opt(Field.ZONE, unknownZone));
        }
        for (EventType t : new EventType[]{EventType.MM_COMPACTION_DEFERRED, EventType.MM_COMPACTION_DEFER_COMPACTION,
                EventType.MM_COMPACTION_DEFER_RESET}) {
            event(t, req(Field.ORDER), opt(Field.NID, NO_NUMBER), opt(Field.ZONE, unknownZone),
                    opt(Field.ORDER_FAILED, NO_NUMBER), opt(Field.CONSIDER, NO_NUMBER), opt(Field.LIMIT, NO_NUMBER));
        }
        event(EventType.MM_COMPACTION_KCOMPACTD_SLEEP, req(Field.NID));
        event(EventType.MM_COMPACTION_WAKEUP_KCOMPACTD, req(Field.NID), req(Field.ORDER),
                opt(Field.HIGHEST_ZONEIDX, unknownZone));
        event(EventType.MM_COMPACTION_KCOMPACTD_WAKE, req(Field.NID), req(Field.ORDER),
                opt(Field.HIGHEST_ZONEIDX, unknownZone));
        event(EventType.MM_VMSCAN_KSWAPD_WAKE, req(Field.NID), req(Field.ORDER), opt(Field.ZID, NO_NUMBER));
        event(EventType.MM_VMSCAN_KSWAPD_SLEEP, req(Field.NID));
        event(EventType.MM_VMSCAN_WAKEUP_KSWAPD, req(Field.NID), req(Field.ORDER), opt(Field.ZID, NO_NUMBER),
                opt(Field.GFP, 0));
        event(EventType.MM_MIGRATE_PAGES, req(Field.NR_SUCCEEDED), req(Field.NR_FAILED), opt(Field.NR_THP_SUCCEEDED, 0),
                opt(Field.NR_THP_FAILED, 0), opt(Field.NR_THP_SPLIT, 0), opt(Field.NR_SPLIT, 0),
                opt(Field.MODE, unknownMode), opt(Field.REASON, unknownReason));
        event(EventType.MM_MIGRATE_PAGES_START, opt(Field.MODE, unknownMode), opt(Field.REASON, unknownReason));
        event(EventType.MARKER);
    }

    private EventTable() {
    }

    private static Spelling sp(String key, Field field, Read read) {
        return new Spelling(key, field, read);
    }

    /** A field declaration: required, or optional with a constant or derived default. */
    private record Decl(Field field, boolean required, long dflt, Derived derived) {
    }

    private static Decl req(Field f) {
        return new Decl(f, true, 0, Derived.NONE);
    }

    private static Decl opt(Field f, long dflt) {
        return new Decl(f, false, dflt, Derived.NONE);
    }

    private static Decl derived(Field f, Derived d) {
        return new Decl(f, false, 0, d);
    }

    private static void event(EventType t, Decl... decls) {
        Spec s = new Spec();
        s.keys.put("page", PAGE_KEY);
        for (Decl d : decls) {
            long bit = 1L << d.field.ordinal();
            if (d.required) {
                s.required |= bit;
            } else {
                s.optional |= bit;
                s.defaults[d.field.ordinal()] = d.dflt;
                s.derived[d.field.ordinal()] = d.derived;
            }
            for (int i = 0; i < SPELLING.length; i++) {
                if (SPELLING[i].field == d.field
                        || (d.field == Field.RANGE_END && SPELLING[i].read == Read.RANGE)) {
                    s.keys.put(SPELLING[i].key, i);
                }
            }
        }
        SPECS[t.ordinal()] = s;
    }

    static Spec spec(EventType t) {
        return SPECS[t.ordinal()];
    }

    /** The current spelling of a field (for messages). */
    public static String key(Field f) {
        for (Spelling s : SPELLING) {
            if (s.field == f) {
                return s.key;
            }
        }
        return f.name().toLowerCase();
    }
}
