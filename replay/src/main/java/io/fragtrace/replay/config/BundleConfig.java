package io.fragtrace.replay.config;

import io.fragtrace.replay.ModelLoader;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The configuration of the kernel a bundle was captured on: the kernel version ({@code release=} of the buddydump
 * header, else guest/uname.txt), max_order and pageblock_order (buddydump header), and every {@link Knob} whose
 * sysctl or sysfs file ({@link Knob#file()}) the bundle recorded at the start: {@code before/sysctl_vm.txt} and
 * {@code before/thp.txt} (scripts/fragtrace-record), else {@code guest/settings.txt}, else the "settings at boot"
 * block of {@code meta.txt} (all as {@code FILE: VALUE} lines; a THP file's value is its bracketed word). Knobs the
 * bundle does not tell come from a base configuration. The workload's own writes during the trace are trace
 * markers ({@code ... set FILE = VALUE}), read with {@link #parseWrite}.
 */
public record BundleConfig(KernelConfig config, List<Setting> settings) {
    /** The config name that means "the bundle's own configuration" (over {@link Configs#DEFAULT}). */
    public static final String OWN = "bundle";

    /** The knobs a simulation changes at runtime when a marker writes them (Simulator.marker()). */
    public static final Set<Knob> APPLIED_AT_RUNTIME = Set.of(Knob.THP_ENABLED, Knob.THP_DEFRAG,
            Knob.COMPACTION_PROACTIVENESS);

    /** One knob's value and where it came from (a bundle file, or "config NAME" for the base). */
    public record Setting(Knob knob, String value, String from) {
    }

    /** A write to a sysctl/sysfs file that a trace marker records; knob null when the file is not a knob. */
    public record SysctlWrite(long timeNs, String file, String value, Knob knob) {
        /** Whether the simulation applies it when it reaches the marker. */
        public boolean appliedByModel() {
            return knob != null && APPLIED_AT_RUNTIME.contains(knob);
        }
    }

    /**
     * The build options of the captured kernel, as its .config spells them ({@code CONFIG_HZ=250}): written by
     * scripts/fragtrace-record (from /proc/config.gz or /boot/config-RELEASE) and scripts/capture-vm (the booted
     * kernel's /boot/config-KVER).
     */
    static final String KCONFIG = "before/kconfig.txt";

    /** Where settings are looked for, first found wins. */
    static final List<String> SOURCES = List.of("before/sysctl_vm.txt", "before/thp.txt", "guest/settings.txt",
            "meta.txt");

    /** The bundle's configuration over {@code base} (a preset or file; knobs the bundle does not record). */
    public static BundleConfig read(Path bundle, String base) throws ConfigException {
        KernelConfig baseCfg = Configs.load(base);
        Map<String, String[]> files = settingFiles(bundle);
        Map<String, String> kconfig = kconfig(bundle.resolve(KCONFIG));
        Map<String, String> values = new LinkedHashMap<>();
        List<Setting> settings = new ArrayList<>();
        String[] header = dumpHeader(bundle.resolve("before").resolve("buddydump.txt"));
        String release = ModelLoader.release(bundle, null);
        if (header[2] != null) {
            release = header[2];
        }
        String version = version(release);
        for (Knob k : Knob.values()) {
            String v = null;
            String from = null;
            if (k == Knob.KERNEL && version != null) {
                v = version;
                from = header[2] != null ? "before/buddydump.txt release=" + release : "guest/uname.txt " + release;
            } else if (k == Knob.MAX_ORDER && header[0] != null) {
                v = header[0];
                from = "before/buddydump.txt MAX_ORDER - 1";
            } else if (k == Knob.PAGEBLOCK_ORDER && header[1] != null) {
                v = header[1];
                from = "before/buddydump.txt pageblock_order";
            } else if (k.file() != null && files.containsKey(k.file())) {
                String[] f = files.get(k.file());
                v = k.type == Knob.Type.CHOICE ? bracketed(f[0]) : f[0];
                from = f[1] + " " + k.file();
            } else if (k.kconfig() != null && kconfig.containsKey(k.kconfig())) {
                v = kconfig.get(k.kconfig());
                from = KCONFIG + " " + k.kconfig();
            }
            if (v != null) {
                values.put(k.key, v);
            } else {
                from = "config " + baseCfg.name();
            }
            settings.add(new Setting(k, v != null ? v : baseCfg.values().get(k.key).toString(), from));
        }
        String name = bundle.getFileName() + " (" + baseCfg.name() + " + bundle)";
        KernelConfig cfg = Configs.derive(base, name, "the capture's own kernel configuration, read from "
                + bundle.getFileName() + "; other knobs from " + baseCfg.name(), values);
        return new BundleConfig(cfg, List.copyOf(settings));
    }

    /** "6.12.107+deb13-amd64" → "6.12"; null when not MAJOR.MINOR... */
    static String version(String release) {
        if (release == null) {
            return null;
        }
        int i = 0;
        int dots = 0;
        while (i < release.length() && (Character.isDigit(release.charAt(i)) || release.charAt(i) == '.')) {
            if (release.charAt(i) == '.' && ++dots == 2) {
                break;
            }
            i++;
        }
        String v = release.substring(0, i);
        return v.matches("\\d+\\.\\d+") ? v : null;
    }

    /** "always madvise [never]" → "never"; a plain value stays. */
    static String bracketed(String v) {
        int a = v.indexOf('[');
        int b = v.indexOf(']', a + 1);
        return a >= 0 && b > a ? v.substring(a + 1, b) : v.trim();
    }

    /** {max_order, pageblock_order, release} from the buddydump header line; nulls when absent. */
    static String[] dumpHeader(Path dump) {
        String[] out = new String[3];
        if (!Files.isRegularFile(dump)) {
            return out;
        }
        try (BufferedReader r = Files.newBufferedReader(dump, StandardCharsets.ISO_8859_1)) {
            String line = r.readLine();
            if (line == null || !line.startsWith("# buddydump")) {
                return out;
            }
            for (String t : line.split("\\s+")) {
                if (t.startsWith("MAX_ORDER=")) {
                    out[0] = Integer.toString(Integer.parseInt(t.substring(10)) - 1);
                } else if (t.startsWith("MAX_PAGE_ORDER=")) {
                    out[0] = t.substring(15);
                } else if (t.startsWith("pageblock_order=")) {
                    out[1] = t.substring(16);
                } else if (t.startsWith("release=")) {
                    out[2] = t.substring(8);
                }
            }
        } catch (IOException | NumberFormatException e) {
            return new String[3];
        }
        return out;
    }

    /** CONFIG_X → value from a .config-style file ({@code CONFIG_X=value}; comments and other lines skipped); empty if none. */
    static Map<String, String> kconfig(Path file) {
        Map<String, String> out = new LinkedHashMap<>();
        if (!Files.isRegularFile(file)) {
            return out;
        }
        try {
            for (String line : Files.readAllLines(file, StandardCharsets.ISO_8859_1)) {
                String l = line.trim();
                int eq = l.indexOf('=');
                if (l.startsWith("CONFIG_") && eq > 0) {
                    out.putIfAbsent(l.substring(0, eq), l.substring(eq + 1).replace("\"", ""));
                }
            }
        } catch (IOException e) {
            return out; // unreadable: the base configuration's values, as for a missing file
        }
        return out;
    }

    /** file → {value, source} from the bundle's setting files, first source wins. */
    static Map<String, String[]> settingFiles(Path bundle) {
        Map<String, String[]> out = new LinkedHashMap<>();
        for (String src : SOURCES) {
            Path p = bundle.resolve(src);
            if (!Files.isRegularFile(p)) {
                continue;
            }
            List<String> lines;
            try {
                lines = Files.readAllLines(p, StandardCharsets.ISO_8859_1);
            } catch (IOException e) {
                continue;
            }
            boolean meta = src.equals("meta.txt");
            boolean inBlock = !meta;
            for (String line : lines) {
                if (meta) {
                    if (line.startsWith("settings at boot")) {
                        inBlock = true;
                        continue;
                    }
                    if (inBlock && line.isBlank()) {
                        break;
                    }
                }
                String l = line.trim();
                int c = l.indexOf(": ");
                if (!inBlock || c < 0 || !l.startsWith("/")) {
                    continue;
                }
                out.putIfAbsent(l.substring(0, c), new String[] {l.substring(c + 2).trim(), src});
            }
        }
        return out;
    }

    /**
     * A write the marker text records: {@code ... set /proc/sys/vm/FILE = VALUE} (or a /sys/ file), as the capture
     * scripts mark them; null when the marker is no such write.
     */
    public static SysctlWrite parseWrite(long timeNs, String text) {
        int s = text.indexOf("set /");
        if (s < 0) {
            return null;
        }
        int p = s + 4;
        int e = text.indexOf(' ', p);
        if (e < 0 || !(text.startsWith("/proc/sys/", p) || text.startsWith("/sys/", p))) {
            return null;
        }
        String file = text.substring(p, e);
        String rest = text.substring(e).trim();
        if (!rest.startsWith("=")) {
            return null;
        }
        String value = rest.substring(1).trim();
        int sp = value.indexOf(' ');
        if (sp >= 0) {
            value = value.substring(0, sp);
        }
        return new SysctlWrite(timeNs, file, value, Knob.ofFile(file));
    }
}
