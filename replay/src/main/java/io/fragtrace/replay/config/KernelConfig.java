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

    /** The values under their docs/configs.md keys, in that order ("auto" for automatic values). */
    public java.util.Map<String, Object> values() {
        java.util.Map<String, Object> v = new java.util.LinkedHashMap<>();
        v.put("kernel", kernel);
        v.put("max_order", maxOrder);
        v.put("pageblock_order", pageblockOrder);
        v.put("min_free_kbytes", minFreeKbytes < 0 ? "auto" : minFreeKbytes);
        v.put("watermark_scale_factor", watermarkScaleFactor);
        v.put("watermark_boost_factor", watermarkBoostFactor);
        v.put("extfrag_threshold", extfragThreshold);
        v.put("compaction_proactiveness", compactionProactiveness);
        v.put("kcompactd", kcompactd ? "on" : "off");
        v.put("thp_enabled", thpEnabled.name().toLowerCase(java.util.Locale.ROOT));
        v.put("thp_defrag", thpDefrag.name().toLowerCase(java.util.Locale.ROOT).replace('_', '+'));
        v.put("pcp_high", pcpHigh < 0 ? "auto" : pcpHigh);
        v.put("pcp_batch", pcpBatch < 0 ? "auto" : pcpBatch);
        v.put("regions", regions ? "on" : "off");
        v.put("region_size_mb", regionSizeMb);
        v.put("region_evacuate_max_used", regionEvacuateMaxUsed);
        return v;
    }

    /** True when {@link #kernel} is at least major.minor. */
    public boolean atLeast(int major, int minor) {
        String[] p = kernel.split("\\.");
        int ma = Integer.parseInt(p[0]);
        int mi = p.length > 1 ? Integer.parseInt(p[1]) : 0;
        return ma > major || (ma == major && mi >= minor);
    }
}
