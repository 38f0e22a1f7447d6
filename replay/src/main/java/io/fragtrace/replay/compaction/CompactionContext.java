package io.fragtrace.replay.compaction;

/** Who ran a compact_zone() pass (mm/compaction.c). */
public enum CompactionContext {
    /** try_to_compact_pages() from the allocator slow path of the task that needs the page. */
    DIRECT,
    /** kcompactd_do_work(), after wakeup_kcompactd() (kswapd going to sleep, or a boosted watermark). */
    KCOMPACTD,
    /** proactive_compact_node(): kcompactd's timeout path, with no kcompactd_wake before it. */
    PROACTIVE,
    /** compact_node()/compact_nodes() from /proc/sys/vm/compact_memory or the per-node sysfs file. */
    MANUAL
}
