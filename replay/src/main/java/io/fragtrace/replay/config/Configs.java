package io.fragtrace.replay.config;

import io.fragtrace.replay.model.KernelSemantics;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * Loads {@link KernelConfig}s: built-in presets by name, or properties files (which may {@code extends} a preset or
 * another file). Every key must be known and every value in range; errors name the file and the key.
 */
public final class Configs {
    /** The built-in presets, in the order {@code fragtrace configs} lists them. */
    public static final List<String> PRESETS = List.of("linux-6.1", "linux-4.4", "proactive", "regions",
            "page-reporting", "reserves", "zram-pinned");
    public static final String DEFAULT = "linux-6.1";

    private Configs() {
    }

    /** Key -> what it takes, for --help and docs (the meta keys, then every {@link Knob}). */
    public static Map<String, String> keys() {
        Map<String, String> keys = new LinkedHashMap<>();
        for (String[] m : Knob.META) {
            keys.put(m[0], m[2]);
        }
        for (Knob k : Knob.values()) {
            keys.put(k.key, k.range() + ": " + k.meaning);
        }
        return keys;
    }

    /** A preset name or a path to a properties file. */
    public static KernelConfig load(String nameOrPath) throws ConfigException {
        return build(nameOrPath, resolve(nameOrPath, new ArrayList<>()));
    }

    /**
     * A configuration derived from {@code base} (preset or file) with some keys replaced, each value checked as in a
     * file; {@code name} and {@code description} name the result.
     */
    public static KernelConfig derive(String base, String name, String description, Map<String, String> values)
            throws ConfigException {
        Properties p = resolve(base, new ArrayList<>());
        for (Map.Entry<String, String> e : values.entrySet()) {
            if (!keys().containsKey(e.getKey())) {
                throw new ConfigException("config " + name + ": unknown key '" + e.getKey() + "'");
            }
            p.setProperty(e.getKey(), e.getValue());
        }
        p.setProperty("description", description);
        return build(name, p);
    }

    private static Properties resolve(String nameOrPath, List<String> chain) throws ConfigException {
        if (chain.contains(nameOrPath)) {
            throw new ConfigException("config " + nameOrPath + ": 'extends' loops back (" + String.join(" -> ", chain)
                    + " -> " + nameOrPath + ")");
        }
        chain.add(nameOrPath);
        Properties own = read(nameOrPath);
        for (String k : own.stringPropertyNames()) {
            if (!keys().containsKey(k)) {
                throw new ConfigException("config " + nameOrPath + ": unknown key '" + k + "' (known: "
                        + String.join(", ", keys().keySet()) + ")");
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

    /** Every knob from the file, or its declared default; each value in its declared range. */
    private static KernelConfig build(String name, Properties p) throws ConfigException {
        EnumMap<Knob, Object> values = new EnumMap<>(Knob.class);
        for (Knob k : Knob.values()) {
            String raw = p.getProperty(k.key, k.dflt).trim();
            Object v = k.parse(raw);
            if (v == null) {
                throw new ConfigException("config " + name + ": key '" + k.key + "' must be " + k.range()
                        + ", got '" + raw + "'");
            }
            values.put(k, v);
        }
        int maxOrder = (Integer) values.get(Knob.MAX_ORDER);
        if ((Integer) values.get(Knob.PAGEBLOCK_ORDER) > maxOrder) {
            throw new ConfigException("config " + name + ": key 'pageblock_order' must be 1.." + maxOrder
                    + " (at most max_order), got '" + values.get(Knob.PAGEBLOCK_ORDER) + "'");
        }
        KernelConfig c = new KernelConfig(name, p.getProperty("description", name), values);
        KernelSemantics version = KernelSemantics.forKernel(c.kernel());
        if (!version.kcompactd() && c.kcompactd()) {
            throw new ConfigException("config " + name + ": kcompactd = on needs kernel >= 4.6 (it came with 4.6)");
        }
        if (!version.proactiveCompaction() && c.compactionProactiveness() > 0) {
            throw new ConfigException("config " + name
                    + ": compaction_proactiveness > 0 needs kernel >= 5.9 (proactive compaction came with 5.9)");
        }
        if (c.pageReporting() && !version.pageReporting()) {
            throw new ConfigException("config " + name + ": page_reporting = on needs kernel >= 5.7 (it came with 5.7)");
        }
        if (c.movableNonLru() && !version.movableNonLru()) {
            throw new ConfigException("config " + name
                    + ": movable_non_lru = on needs kernel >= 4.8 (zsmalloc and balloon page migration came with 4.8)");
        }
        if (c.pageReportingOrder() > maxOrder) {
            throw new ConfigException("config " + name + ": key 'page_reporting_order' must be auto or 0.." + maxOrder
                    + " (at most max_order), got '" + c.pageReportingOrder() + "'");
        }
        return c;
    }
}
