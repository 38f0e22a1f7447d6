package io.fragtrace.parser;

/** enum migrate_reason as printed by MIGRATE_REASON (include/trace/events/migrate.h); {@code cma} is the old contig_range. */
public enum MigrateReason {
    COMPACTION("compaction"),
    MEMORY_FAILURE("memory_failure"),
    MEMORY_HOTPLUG("memory_hotplug"),
    SYSCALL_OR_CPUSET("syscall_or_cpuset"),
    MEMPOLICY_MBIND("mempolicy_mbind"),
    NUMA_MISPLACED("numa_misplaced"),
    CONTIG_RANGE("contig_range", "cma"),
    LONGTERM_PIN("longterm_pin"),
    DEMOTION("demotion"),
    DAMON("damon"),
    NEVER_MIGRATED("never_migrated"),
    UNKNOWN("unknown");

    final String[] spellings;

    MigrateReason(String... spellings) {
        this.spellings = spellings;
    }

    private static final MigrateReason[] VALUES = values();

    public static MigrateReason byOrdinal(long ordinal) {
        return ordinal >= 0 && ordinal < VALUES.length ? VALUES[(int) ordinal] : UNKNOWN;
    }
}
