package io.fragtrace.replay.config;

import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The kernel knobs a simulation runs under, one value per {@link Knob} (the declaration of each knob: key, range,
 * default, what it mirrors). {@code -1} means "auto": computed as the kernel computes it at boot (min_free_kbytes
 * from calculate_min_free_kbytes(), pcp batch/high from zone_batchsize()/zone_highsize(), mm/page_alloc.c).
 * Built by {@link Configs}; format and keys: docs/configs.md.
 */
public final class KernelConfig {
    /** /sys/kernel/mm/transparent_hugepage/enabled. */
    public enum ThpMode { ALWAYS, MADVISE, NEVER }

    /** /sys/kernel/mm/transparent_hugepage/defrag. */
    public enum ThpDefrag { ALWAYS, DEFER, DEFER_MADVISE, MADVISE, NEVER }

    private final String name;
    private final String description;
    private final EnumMap<Knob, Object> values;

    KernelConfig(String name, String description, EnumMap<Knob, Object> values) {
        for (Knob k : Knob.values()) {
            if (!values.containsKey(k)) {
                throw new IllegalArgumentException("no value for " + k.key);
            }
        }
        this.name = name;
        this.description = description;
        this.values = new EnumMap<>(values);
    }

    public String name() {
        return name;
    }

    public String description() {
        return description;
    }

    /** The value of a knob (see {@link Knob#parse} for its Java type). */
    public Object get(Knob k) {
        return values.get(k);
    }

    private int integer(Knob k) {
        return ((Number) values.get(k)).intValue();
    }

    private long number(Knob k) {
        return ((Number) values.get(k)).longValue();
    }

    /** Kernel version whose semantics apply, e.g. "6.1". */
    public String kernel() {
        return (String) values.get(Knob.KERNEL);
    }

    /** Largest buddy order, inclusive (MAX_ORDER - 1 before 6.4, MAX_PAGE_ORDER since 6.8). */
    public int maxOrder() {
        return integer(Knob.MAX_ORDER);
    }

    public int pageblockOrder() {
        return integer(Knob.PAGEBLOCK_ORDER);
    }

    public long minFreeKbytes() {
        return number(Knob.MIN_FREE_KBYTES);
    }

    public int watermarkScaleFactor() {
        return integer(Knob.WATERMARK_SCALE_FACTOR);
    }

    public int watermarkBoostFactor() {
        return integer(Knob.WATERMARK_BOOST_FACTOR);
    }

    public int extfragThreshold() {
        return integer(Knob.EXTFRAG_THRESHOLD);
    }

    public int compactionProactiveness() {
        return integer(Knob.COMPACTION_PROACTIVENESS);
    }

    /** CONFIG_HZ: jiffies per second. */
    public int hz() {
        return integer(Knob.HZ);
    }

    public boolean kcompactd() {
        return (Boolean) values.get(Knob.KCOMPACTD);
    }

    public ThpMode thpEnabled() {
        return (ThpMode) values.get(Knob.THP_ENABLED);
    }

    public ThpDefrag thpDefrag() {
        return (ThpDefrag) values.get(Knob.THP_DEFRAG);
    }

    public int pcpHigh() {
        return integer(Knob.PCP_HIGH);
    }

    public int pcpBatch() {
        return integer(Knob.PCP_BATCH);
    }

    public boolean regions() {
        return (Boolean) values.get(Knob.REGIONS);
    }

    public long regionSizeMb() {
        return number(Knob.REGION_SIZE_MB);
    }

    public int regionEvacuateMaxUsed() {
        return integer(Knob.REGION_EVACUATE_MAX_USED);
    }

    public boolean pageReporting() {
        return (Boolean) values.get(Knob.PAGE_REPORTING);
    }

    /** page_reporting_order, -1 = auto (pageblock_order). */
    public long pageReportingOrder() {
        return number(Knob.PAGE_REPORTING_ORDER);
    }

    public int pageReportingCapacity() {
        return integer(Knob.PAGE_REPORTING_CAPACITY);
    }

    public int pageReportingDelayMs() {
        return integer(Knob.PAGE_REPORTING_DELAY_MS);
    }

    public boolean movableNonLru() {
        return (Boolean) values.get(Knob.MOVABLE_NON_LRU);
    }

    /**
     * The values under their docs/configs.md keys, in {@link Knob} order: "auto" for automatic values, on/off for
     * switches, the config words for choices, numbers as numbers.
     */
    public Map<String, Object> values() {
        Map<String, Object> v = new LinkedHashMap<>();
        for (Knob k : Knob.values()) {
            Object val = values.get(k);
            v.put(k.key, val instanceof Number n && !(k.type == Knob.Type.AUTO_INT && n.longValue() < 0)
                    ? val : k.format(val));
        }
        return v;
    }
}
