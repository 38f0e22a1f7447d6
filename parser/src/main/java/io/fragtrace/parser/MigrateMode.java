package io.fragtrace.parser;

/**
 * enum migrate_mode (include/linux/migrate_mode.h). The first three ordinals equal the kernel's numbers,
 * so the old numeric {@code mode=%d} of mm_compaction_try_to_compact_pages maps directly.
 * Compaction begin/end print only {@code sync} (mode != MIGRATE_ASYNC): that is {@link #SYNC_ANY}.
 */
public enum MigrateMode {
    ASYNC("MIGRATE_ASYNC", "async", "aysnc"),
    SYNC_LIGHT("MIGRATE_SYNC_LIGHT"),
    SYNC("MIGRATE_SYNC"),
    SYNC_NO_COPY("MIGRATE_SYNC_NO_COPY"),
    /** {@code sync} in compaction begin/end: sync-light or sync, not told apart. */
    SYNC_ANY("sync"),
    UNKNOWN("unknown");

    final String[] spellings;

    MigrateMode(String... spellings) {
        this.spellings = spellings;
    }

    private static final MigrateMode[] VALUES = values();

    public static MigrateMode byOrdinal(long ordinal) {
        return ordinal >= 0 && ordinal < VALUES.length ? VALUES[(int) ordinal] : UNKNOWN;
    }
}
