package io.fragtrace.replay.config;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.function.Function;

/**
 * Loads {@link KernelConfig}s: built-in presets by name, or properties files (which may {@code extends} a preset or
 * another file). Every key must be known and every value in range; errors name the file and the key.
 */
public final class Configs {
    /** The built-in presets, in the order {@code fragtrace configs} lists them. */
    public static final List<String> PRESETS = List.of("linux-6.1", "linux-4.4", "proactive", "regions");
    public static final String DEFAULT = "linux-6.1";

    private static final Map<String, String> KEYS = new LinkedHashMap<>();

    static {
        KEYS.put("extends", "preset name or file this one starts from");
        KEYS.put("description", "one line shown by 'fragtrace configs'");
        KEYS.put("kernel", "kernel version whose semantics apply: MAJOR.MINOR, 4.4 to 6.12");
        KEYS.put("max_order", "largest buddy order, inclusive: 1..15 (x86-64: 10)");
        KEYS.put("pageblock_order", "pageblock order: 1..max_order (x86-64: 9)");
        KEYS.put("min_free_kbytes", "auto, or 128..1048576 (vm.min_free_kbytes)");
        KEYS.put("watermark_scale_factor", "1..3000 (vm.watermark_scale_factor)");
        KEYS.put("watermark_boost_factor", "0..1000000 (vm.watermark_boost_factor; 0 = no boost)");
        KEYS.put("extfrag_threshold", "0..1000 (vm.extfrag_threshold)");
        KEYS.put("compaction_proactiveness", "0..100 (vm.compaction_proactiveness; 0 = off)");
        KEYS.put("kcompactd", "on|off");
        KEYS.put("thp_enabled", "always|madvise|never");
        KEYS.put("thp_defrag", "always|defer|defer+madvise|madvise|never");
        KEYS.put("pcp_high", "auto, or 0..1000000 pages");
        KEYS.put("pcp_batch", "auto, or 1..100000 pages");
        KEYS.put("regions", "on|off (memory-region compaction)");
        KEYS.put("region_size_mb", "region size in MiB, a power of two >= 4");
        KEYS.put("region_evacuate_max_used", "0..1000000: evacuate a region only with at most this many used pages");
    }

    private Configs() {
    }

    /** Key -> what it takes, for --help and docs. */
    public static Map<String, String> keys() {
        return KEYS;
    }

    /** A preset name or a path to a properties file. */
    public static KernelConfig load(String nameOrPath) throws ConfigException {
        return build(nameOrPath, resolve(nameOrPath, new ArrayList<>()));
    }

    private static Properties resolve(String nameOrPath, List<String> chain) throws ConfigException {
        if (chain.contains(nameOrPath)) {
            throw new ConfigException("config " + nameOrPath + ": 'extends' loops back (" + String.join(" -> ", chain)
                    + " -> " + nameOrPath + ")");
        }
        chain.add(nameOrPath);
        Properties own = read(nameOrPath);
        for (String k : own.stringPropertyNames()) {
            if (!KEYS.containsKey(k)) {
                throw new ConfigException("config " + nameOrPath + ": unknown key '" + k + "' (known: "
                        + String.join(", ", KEYS.keySet()) + ")");
            }
        }
        String parent = own.getProperty("extends");
        Properties merged = new Properties();
        if (parent != null) {
            merged.putAll(resolve(parent.trim(), chain));
            merged.remove("description");
        }
        merged.putAll(own);
        merged.remove("extends");
        return merged;
    }

    private static Properties read(String nameOrPath) throws ConfigException {
        Properties p = new Properties();
        if (PRESETS.contains(nameOrPath)) {
            try (InputStream in = Configs.class.getResourceAsStream(nameOrPath + ".properties")) {
                p.load(new java.io.InputStreamReader(in, StandardCharsets.UTF_8));
                return p;
            } catch (IOException | NullPointerException e) {
                throw new ConfigException("config " + nameOrPath + ": built-in preset missing from the jar");
            }
        }
        Path file = Path.of(nameOrPath);
        if (!Files.isRegularFile(file)) {
            throw new ConfigException("config " + nameOrPath + ": no such preset or file (presets: "
                    + String.join(", ", PRESETS) + ")");
        }
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
        } catch (IOException | IllegalArgumentException e) {
            throw new ConfigException("config " + nameOrPath + ": cannot read (" + e.getMessage() + ")");
        }
        return p;
    }

    private static KernelConfig build(String name, Properties p) throws ConfigException {
        KeyReader r = new KeyReader(name, p);
        String kernel = r.get("kernel", v -> v.matches("\\d+\\.\\d+") && inRange(v) ? v : null);
        int maxOrder = r.integer("max_order", 1, 15);
        int pageblockOrder = r.integer("pageblock_order", 1, maxOrder);
        KernelConfig c = new KernelConfig(name, p.getProperty("description", name), kernel, maxOrder, pageblockOrder,
                r.autoOr("min_free_kbytes", 128, 1 << 20), r.integer("watermark_scale_factor", 1, 3000),
                r.integer("watermark_boost_factor", 0, 1_000_000), r.integer("extfrag_threshold", 0, 1000),
                r.integer("compaction_proactiveness", 0, 100), r.onOff("kcompactd"),
                r.get("thp_enabled", v -> enumValue(KernelConfig.ThpMode.class, v)),
                r.get("thp_defrag", v -> enumValue(KernelConfig.ThpDefrag.class, v)),
                (int) r.autoOr("pcp_high", 0, 1_000_000), (int) r.autoOr("pcp_batch", 1, 100_000),
                r.onOff("regions"), r.get("region_size_mb", v -> {
                    long mb = parseLong(v);
                    return mb >= 4 && Long.bitCount(mb) == 1 ? mb : null;
                }), r.integer("region_evacuate_max_used", 0, 1_000_000));
        if (!c.atLeast(4, 6) && c.kcompactd()) {
            throw new ConfigException("config " + name + ": kcompactd = on needs kernel >= 4.6 (it came with 4.6)");
        }
        if (!c.atLeast(5, 9) && c.compactionProactiveness() > 0) {
            throw new ConfigException("config " + name
                    + ": compaction_proactiveness > 0 needs kernel >= 5.9 (proactive compaction came with 5.9)");
        }
        return c;
    }

    private static boolean inRange(String v) {
        String[] p = v.split("\\.");
        int major = Integer.parseInt(p[0]);
        int minor = Integer.parseInt(p[1]);
        return (major == 4 && minor >= 4) || major == 5 || (major == 6 && minor <= 12);
    }

    private static Long parseLong(String v) {
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static <E extends Enum<E>> E enumValue(Class<E> type, String v) {
        try {
            return Enum.valueOf(type, v.toUpperCase(Locale.ROOT).replace('+', '_'));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** Reads one key at a time and names the key and file in every error. */
    private static final class KeyReader {
        private final String name;
        private final Properties p;

        KeyReader(String name, Properties p) {
            this.name = name;
            this.p = p;
        }

        <T> T get(String key, Function<String, T> parse) throws ConfigException {
            String raw = p.getProperty(key);
            if (raw == null) {
                throw new ConfigException("config " + name + ": key '" + key + "' is missing (" + KEYS.get(key) + ")");
            }
            T v = parse.apply(raw.trim());
            if (v == null) {
                throw new ConfigException("config " + name + ": key '" + key + "' must be " + KEYS.get(key)
                        + ", got '" + raw.trim() + "'");
            }
            return v;
        }

        int integer(String key, long min, long max) throws ConfigException {
            return get(key, v -> {
                Long n = parseLong(v);
                return n != null && n >= min && n <= max ? n.intValue() : null;
            });
        }

        long autoOr(String key, long min, long max) throws ConfigException {
            return get(key, v -> {
                if (v.equals("auto")) {
                    return -1L;
                }
                Long n = parseLong(v);
                return n != null && n >= min && n <= max ? n : null;
            });
        }

        boolean onOff(String key) throws ConfigException {
            return get(key, v -> v.equals("on") ? Boolean.TRUE : v.equals("off") ? Boolean.FALSE : null);
        }
    }
}
