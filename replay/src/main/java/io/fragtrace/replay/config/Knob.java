package io.fragtrace.replay.config;

import io.fragtrace.replay.model.KernelSemantics;

import java.util.List;
import java.util.Locale;

/**
 * Each kernel knob a simulation runs under, declared once: key, type and range, default, the sysctl (or sysfs file,
 * or kernel constant) it mirrors, and a one-line meaning. {@link Configs} validates with it, {@link KernelConfig}
 * holds and prints its values, {@code fragtrace configs} lists it and the table in docs/configs.md is generated
 * from {@link #markdownTable()} (a test compares the two). Defaults are the Linux 6.1 x86-64 defaults of the sample
 * captures; {@code auto} is computed as the kernel computes it at boot.
 */
public enum Knob {
    KERNEL("kernel", Type.VERSION, 0, 0, "6.1", "`uname -r`",
            "whose semantics apply: pcp orders (order 0 only before 5.13), `change_ownership`, the extfrag path of 6.10+"),
    MAX_ORDER("max_order", Type.INT, 1, 15, "10", "`MAX_ORDER - 1` (< 6.4), `MAX_PAGE_ORDER` (6.8+)",
            "largest buddy order, inclusive (x86-64: 10)"),
    PAGEBLOCK_ORDER("pageblock_order", Type.INT, 1, 15, "9", "`pageblock_order`",
            "pageblock order, at most `max_order` (x86-64 with hugetlb: 9)"),
    MIN_FREE_KBYTES("min_free_kbytes", Type.AUTO_INT, 128, 1 << 20, "auto", "`vm.min_free_kbytes`",
            "reserve behind the min watermark; `auto` = `calculate_min_free_kbytes()`"),
    WATERMARK_SCALE_FACTOR("watermark_scale_factor", Type.INT, 1, 3000, "10", "`vm.watermark_scale_factor`",
            "gap between the min, low and high watermarks, in 1/10000 of the zone"),
    WATERMARK_BOOST_FACTOR("watermark_boost_factor", Type.INT, 0, 1_000_000, "15000", "`vm.watermark_boost_factor`",
            "watermark boost after a fragmenting fallback (0: no boost; boosting came with 5.0)"),
    EXTFRAG_THRESHOLD("extfrag_threshold", Type.INT, 0, 1000, "500", "`vm.extfrag_threshold`",
            "fragmentation index above which `compaction_suitable()` compacts rather than reclaims"),
    COMPACTION_PROACTIVENESS("compaction_proactiveness", Type.INT, 0, 100, "20", "`vm.compaction_proactiveness`",
            "proactive compaction by kcompactd (0: off; needs kernel >= 5.9)"),
    KCOMPACTD("kcompactd", Type.ON_OFF, 0, 0, "on", "`kcompactdN` threads",
            "per-node kcompactd thread (needs kernel >= 4.6)"),
    HZ("hz", Type.INT, 100, 1000, "250", "`CONFIG_HZ` (Debian x86-64: 250)",
            "timer ticks per second: kcompactd's 500 ms proactive wait fires at the timer wheel's bucket after it"
            + " (512 ms at 250, 504 at 1000)"),
    THP_ENABLED("thp_enabled", Type.CHOICE, 0, 0, "always", "`/sys/kernel/mm/transparent_hugepage/enabled`",
            "when page faults ask for a huge page"),
    THP_DEFRAG("thp_defrag", Type.CHOICE, 0, 0, "madvise", "`/sys/kernel/mm/transparent_hugepage/defrag`",
            "whether a huge-page fault stalls for direct compaction"),
    PCP_HIGH("pcp_high", Type.AUTO_INT, 0, 1_000_000, "auto", "`vm.percpu_pagelist_high_fraction`",
            "per-CPU list high mark in pages; `auto` = `zone_highsize()`"),
    PCP_BATCH("pcp_batch", Type.AUTO_INT, 1, 100_000, "auto", "`zone_batchsize()`",
            "per-CPU list batch in pages; `auto` = `zone_batchsize()`"),
    REGIONS("regions", Type.ON_OFF, 0, 0, "off", "(RFC, not in mainline)",
            "memory-region compaction of the power-management RFC"),
    REGION_SIZE_MB("region_size_mb", Type.POWER_OF_TWO, 4, 1 << 20, "512", "(RFC)",
            "region size in MiB (the RFC used 512 MiB per node)"),
    REGION_EVACUATE_MAX_USED("region_evacuate_max_used", Type.INT, 0, 1_000_000, "32", "(RFC)",
            "evacuate a region only if at most this many pages are used (the RFC: 32)"),
    PAGE_REPORTING("page_reporting", Type.ON_OFF, 0, 0, "off", "a registered `page_reporting_dev_info` (virtio-balloon)",
            "free page reporting to a hypervisor (needs kernel >= 5.7)"),
    PAGE_REPORTING_ORDER("page_reporting_order", Type.AUTO_INT, 0, 15, "auto", "`page_reporting.page_reporting_order`",
            "smallest order reported; `auto` = `pageblock_order`"),
    PAGE_REPORTING_CAPACITY("page_reporting_capacity", Type.INT, 1, 4096, "32", "`PAGE_REPORTING_CAPACITY`",
            "blocks reported per batch (per report() call)"),
    PAGE_REPORTING_DELAY_MS("page_reporting_delay_ms", Type.INT, 0, 3_600_000, "2000", "`PAGE_REPORTING_DELAY`",
            "delay from the first free at or above the order to the reporting pass"),
    MOVABLE_NON_LRU("movable_non_lru", Type.ON_OFF, 0, 0, "on", "`movable_operations` (zsmalloc, balloon; 4.8+)",
            "compaction migrates movable non-LRU pages (zram's zsmalloc pages, balloon pages); off: they pin their"
            + " pageblock as before 4.8");

    /** How a value is written and read. */
    public enum Type { VERSION, INT, AUTO_INT, ON_OFF, CHOICE, POWER_OF_TWO }

    /** The config's own keys that are not knobs. */
    public static final List<String[]> META = List.of(
            new String[]{"extends", "preset or file", "start from that configuration"},
            new String[]{"description", "text", "one line shown by `fragtrace configs`"});

    public final String key;
    public final Type type;
    public final long min;
    public final long max;
    public final String dflt;
    public final String mirrors;
    public final String meaning;

    Knob(String key, Type type, long min, long max, String dflt, String mirrors, String meaning) {
        this.key = key;
        this.type = type;
        this.min = min;
        this.max = max;
        this.dflt = dflt;
        this.mirrors = mirrors;
        this.meaning = meaning;
    }

    /**
     * The sysctl or sysfs file whose content is this knob's value, from the {@code mirrors} declaration
     * ({@code vm.X} is /proc/sys/vm/X), or null: a kernel constant, or a file in other units
     * ({@code percpu_pagelist_high_fraction} is a fraction of the zone, not {@code pcp_high}'s pages).
     */
    public String file() {
        if (this == PCP_HIGH) {
            return null;
        }
        String m = mirrors.replace("`", "");
        if (m.startsWith("vm.") && m.indexOf(' ') < 0) {
            return "/proc/sys/vm/" + m.substring(3);
        }
        return m.startsWith("/sys/") && m.indexOf(' ') < 0 ? m : null;
    }

    /**
     * The kernel build option ({@code CONFIG_X}) this knob is, from the {@code mirrors} declaration, or null: read from
     * a bundle's {@code before/kconfig.txt} ({@link BundleConfig}).
     */
    public String kconfig() {
        String m = mirrors.replace("`", "");
        int end = m.indexOf(' ');
        String name = end < 0 ? m : m.substring(0, end);
        return name.startsWith("CONFIG_") ? name : null;
    }

    /** The knob whose value a sysctl/sysfs file holds ({@link #file()}), or null. */
    public static Knob ofFile(String file) {
        for (Knob k : values()) {
            if (file.equals(k.file())) {
                return k;
            }
        }
        return null;
    }

    /** The words a {@link Type#CHOICE} knob takes. */
    public List<String> choices() {
        return switch (this) {
            case THP_ENABLED -> words(KernelConfig.ThpMode.values());
            case THP_DEFRAG -> words(KernelConfig.ThpDefrag.values());
            default -> List.of();
        };
    }

    private static List<String> words(Enum<?>[] values) {
        return java.util.Arrays.stream(values).map(Knob::word).toList();
    }

    /** An enum constant as written in a config: lower case, {@code _} as {@code +}. */
    static String word(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT).replace('_', '+');
    }

    /** What the knob takes, for messages and docs: {@code 0..1000}, {@code auto, or 128..1048576}, {@code on|off}. */
    public String range() {
        return switch (type) {
            case VERSION -> "MAJOR.MINOR, 4.4 to 6.12";
            case INT -> min + ".." + max;
            case AUTO_INT -> "auto, or " + min + ".." + max;
            case ON_OFF -> "on|off";
            case CHOICE -> String.join("|", choices());
            case POWER_OF_TWO -> "a power of two >= " + min;
        };
    }

    /**
     * The value of a text, or null when it is out of type or range: String (version), Integer, Long (-1 = auto,
     * region size), Boolean, or the enum constant.
     */
    Object parse(String v) {
        switch (type) {
            case VERSION -> {
                return v.matches("\\d+\\.\\d+") && supported(v) ? v : null;
            }
            case INT -> {
                Long n = number(v);
                return n != null && n >= min && n <= max ? (Object) n.intValue() : null;
            }
            case AUTO_INT -> {
                if (v.equals("auto")) {
                    return -1L;
                }
                Long n = number(v);
                return n != null && n >= min && n <= max ? n : null;
            }
            case ON_OFF -> {
                return v.equals("on") ? Boolean.TRUE : v.equals("off") ? Boolean.FALSE : null;
            }
            case CHOICE -> {
                Enum<?>[] values = this == THP_ENABLED ? KernelConfig.ThpMode.values() : KernelConfig.ThpDefrag.values();
                for (Enum<?> e : values) {
                    if (word(e).equals(v)) {
                        return e;
                    }
                }
                return null;
            }
            case POWER_OF_TWO -> {
                Long n = number(v);
                return n != null && n >= min && n <= max && Long.bitCount(n) == 1 ? n : null;
            }
        }
        return null;
    }

    /** A value as written in a config ("auto" for -1 of an auto knob). */
    String format(Object value) {
        return switch (type) {
            case AUTO_INT -> ((Number) value).longValue() < 0 ? "auto" : value.toString();
            case ON_OFF -> (Boolean) value ? "on" : "off";
            case CHOICE -> word((Enum<?>) value);
            default -> value.toString();
        };
    }

    private static boolean supported(String v) {
        String[] p = v.split("\\.");
        return KernelSemantics.covers(Integer.parseInt(p[0]), Integer.parseInt(p[1]));
    }

    private static Long number(String v) {
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** The key table of docs/configs.md. */
    public static String markdownTable() {
        StringBuilder b = new StringBuilder("| key | values | default | mirrors | meaning |\n|---|---|---|---|---|\n");
        for (String[] m : META) {
            b.append("| `").append(m[0]).append("` | ").append(m[1]).append(" | | | ").append(m[2]).append(" |\n");
        }
        for (Knob k : values()) {
            b.append("| `").append(k.key).append("` | ").append(k.range().replace("|", "\\|")).append(" | `")
                    .append(k.dflt).append("` | ").append(k.mirrors).append(" | ").append(k.meaning).append(" |\n");
        }
        return b.toString();
    }
}
