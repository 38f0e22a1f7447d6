package io.fragtrace.replay.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConfigsTest {
    @TempDir
    Path tmp;

    @Test
    void linux61PresetHasTheSampleCapturesSysctls() throws Exception {
        // sample-traces/*/meta.txt "settings at boot": proactiveness 20, extfrag_threshold 500,
        // watermark_scale_factor 10, watermark_boost_factor 15000; pageblock_order=9 in buddydump.txt
        KernelConfig c = Configs.load("linux-6.1");
        assertEquals(20, c.compactionProactiveness());
        assertEquals(500, c.extfragThreshold());
        assertEquals(10, c.watermarkScaleFactor());
        assertEquals(15000, c.watermarkBoostFactor());
        assertEquals(9, c.pageblockOrder());
        assertEquals(10, c.maxOrder());
        assertEquals(-1, c.minFreeKbytes(), "auto");
        assertTrue(c.kcompactd());
        assertFalse(c.regions());
    }

    @Test
    void presetsDifferWhereTheirNamesSay() throws Exception {
        KernelConfig old = Configs.load("linux-4.4");
        assertFalse(old.kcompactd());
        assertEquals(0, old.compactionProactiveness());
        assertEquals(0, old.watermarkBoostFactor());
        assertFalse(io.fragtrace.replay.model.KernelSemantics.forKernel(old.kernel()).kcompactd());
        KernelConfig pro = Configs.load("proactive");
        assertEquals(90, pro.compactionProactiveness());
        assertEquals(500, pro.extfragThreshold(), "the rest comes from linux-6.1");
        KernelConfig reg = Configs.load("regions");
        assertTrue(reg.regions());
        assertEquals(512, reg.regionSizeMb());
        assertEquals(32, reg.regionEvacuateMaxUsed());
        for (String name : Configs.PRESETS) {
            assertFalse(Configs.load(name).description().isBlank(), name);
        }
    }

    @Test
    void fileExtendsAPreset() throws Exception {
        Path f = tmp.resolve("mine.properties");
        Files.writeString(f, "extends = proactive\nextfrag_threshold = 300\nthp_defrag = defer+madvise\n");
        KernelConfig c = Configs.load(f.toString());
        assertEquals(300, c.extfragThreshold());
        assertEquals(90, c.compactionProactiveness());
        assertEquals(KernelConfig.ThpDefrag.DEFER_MADVISE, c.thpDefrag());
    }

    @Test
    void unknownKeysAndBadValuesNameTheKey() throws Exception {
        Path f = tmp.resolve("bad.properties");
        Files.writeString(f, "extends = linux-6.1\nextfrag_treshold = 300\n");
        ConfigException unknown = assertThrows(ConfigException.class, () -> Configs.load(f.toString()));
        assertTrue(unknown.getMessage().contains("unknown key 'extfrag_treshold'"), unknown.getMessage());
        Files.writeString(f, "extends = linux-6.1\nextfrag_threshold = 1001\n");
        ConfigException range = assertThrows(ConfigException.class, () -> Configs.load(f.toString()));
        assertTrue(range.getMessage().contains("'extfrag_threshold' must be 0..1000"), range.getMessage());
        Files.writeString(f, "extends = linux-6.1\nkcompactd = maybe\n");
        assertTrue(assertThrows(ConfigException.class, () -> Configs.load(f.toString())).getMessage()
                .contains("'kcompactd' must be on|off"));
        Files.writeString(f, "extends = linux-6.1\npageblock_order = 11\n");
        assertThrows(ConfigException.class, () -> Configs.load(f.toString()), "pageblock above max_order");
    }

    @Test
    void versionRulesAreEnforced() throws Exception {
        Path f = tmp.resolve("old.properties");
        Files.writeString(f, "extends = linux-6.1\nkernel = 4.4\n");
        ConfigException e = assertThrows(ConfigException.class, () -> Configs.load(f.toString()));
        assertTrue(e.getMessage().contains("kcompactd = on needs kernel >= 4.6"), e.getMessage());
        Files.writeString(f, "extends = linux-6.1\nkernel = 5.6\ncompaction_proactiveness = 0\npage_reporting = on\n");
        e = assertThrows(ConfigException.class, () -> Configs.load(f.toString()));
        assertTrue(e.getMessage().contains("page_reporting = on needs kernel >= 5.7"), e.getMessage());
        Files.writeString(f, "extends = linux-6.1\nkernel = 4.7\ncompaction_proactiveness = 0\nmovable_non_lru = on\n");
        e = assertThrows(ConfigException.class, () -> Configs.load(f.toString()));
        assertTrue(e.getMessage().contains("movable_non_lru = on needs kernel >= 4.8"), e.getMessage());
        Files.writeString(f, "extends = linux-6.1\nkernel = 5.7\ncompaction_proactiveness = 0\npage_reporting = on\n");
        assertTrue(Configs.load(f.toString()).pageReporting(), "5.7 has it");
    }

    @Test
    void missingFilesAndLoopsAreClearErrors() throws Exception {
        assertTrue(assertThrows(ConfigException.class, () -> Configs.load("linux-9.9")).getMessage()
                .contains("no such preset or file"));
        Path a = tmp.resolve("a.properties");
        Path b = tmp.resolve("b.properties");
        Files.writeString(a, "extends = " + b + "\n");
        Files.writeString(b, "extends = " + a + "\n");
        assertTrue(assertThrows(ConfigException.class, () -> Configs.load(a.toString())).getMessage()
                .contains("loops back"));
    }
}
