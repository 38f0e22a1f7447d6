package io.fragtrace.parser;

/**
 * enum compact_result as printed by COMPACTION_STATUS (include/trace/events/mmflags.h), plus old spellings:
 * {@code partial} (before ~4.7) and {@code contended_lock}/{@code contended_sched} (~4.1-4.5).
 */
public enum CompactStatus {
    NOT_SUITABLE_ZONE("not_suitable_zone"),
    SKIPPED("skipped"),
    DEFERRED("deferred"),
    NO_SUITABLE_PAGE("no_suitable_page"),
    CONTINUE("continue"),
    COMPLETE("complete"),
    PARTIAL_SKIPPED("partial_skipped"),
    CONTENDED("contended", "contended_lock", "contended_sched"),
    SUCCESS("success", "partial"),
    UNKNOWN("unknown");

    final String[] spellings;

    CompactStatus(String... spellings) {
        this.spellings = spellings;
    }

    public String kernelName() {
        return spellings[0];
    }

    private static final CompactStatus[] VALUES = values();

    public static CompactStatus byOrdinal(long ordinal) {
        return ordinal >= 0 && ordinal < VALUES.length ? VALUES[(int) ordinal] : UNKNOWN;
    }
}
