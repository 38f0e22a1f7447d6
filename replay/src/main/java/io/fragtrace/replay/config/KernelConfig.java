package io.fragtrace.replay.config;

/**
 * The kernel knobs a simulation runs under. Values mirror the sysctls and build constants of the same names;
 * {@code -1} means "auto": computed as the kernel computes it at boot (min_free_kbytes from
 * calculate_min_free_kbytes(), pcp batch/high from zone_batchsize()/zone_highsize(), mm/page_alloc.c).
 * Format and keys: docs/configs.md.
 */
public record KernelConfig(
        String name,
        String description,
        /** Kernel version whose semantics apply, e.g. "6.1" (see {@link #atLeast}). */
        String kernel,
        /** Largest buddy order, inclusive (MAX_ORDER - 1 before 6.4, MAX_PAGE_ORDER since 6.8). */
        int maxOrder,
        int pageblockOrder,
        long minFreeKbytes,
        int watermarkScaleFactor,
        int watermarkBoostFactor,
        int extfragThreshold,
        int compactionProactiveness,
        boolean kcompactd,
        ThpMode thpEnabled,
        ThpDefrag thpDefrag,
        int pcpHigh,
        int pcpBatch,
        boolean regions,
        long regionSizeMb,
        int regionEvacuateMaxUsed) {

    /** /sys/kernel/mm/transparent_hugepage/enabled. */
    public enum ThpMode { ALWAYS, MADVISE, NEVER }

    /** /sys/kernel/mm/transparent_hugepage/defrag. */
    public enum ThpDefrag { ALWAYS, DEFER, DEFER_MADVISE, MADVISE, NEVER }

    /** True when {@link #kernel} is at least major.minor. */
    public boolean atLeast(int major, int minor) {
        String[] p = kernel.split("\\.");
        int ma = Integer.parseInt(p[0]);
        int mi = p.length > 1 ? Integer.parseInt(p[1]) : 0;
        return ma > major || (ma == major && mi >= minor);
    }
}
