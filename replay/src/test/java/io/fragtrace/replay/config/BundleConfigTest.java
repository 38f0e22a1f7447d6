package io.fragtrace.replay.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The capture's own configuration, read from the bundle's files (values as the files print them). */
class BundleConfigTest {
    static Path samples() {
        return io.fragtrace.parser.Samples.dir();
    }

    @Test
    void fragmentThp256MOn61() throws Exception {
        BundleConfig b = BundleConfig.read(samples().resolve("fragment-thp-256M"), "linux-6.1");
        KernelConfig c = b.config();
        // guest/settings.txt and meta.txt "settings at boot": min_free_kbytes 1782, THP "always madvise [never]"
        assertEquals("6.1", c.kernel());
        assertEquals(1782, c.minFreeKbytes());
        assertEquals(10, c.watermarkScaleFactor());
        assertEquals(15000, c.watermarkBoostFactor());
        assertEquals(500, c.extfragThreshold());
        assertEquals(20, c.compactionProactiveness());
        assertEquals(KernelConfig.ThpMode.NEVER, c.thpEnabled());
        assertEquals(KernelConfig.ThpDefrag.NEVER, c.thpDefrag());
        // buddydump header MAX_ORDER=11 pageblock_order=9
        assertEquals(10, c.maxOrder());
        assertEquals(9, c.pageblockOrder());
        BundleConfig.Setting mf = b.settings().stream().filter(s -> s.knob() == Knob.MIN_FREE_KBYTES).findFirst()
                .orElseThrow();
        assertEquals("guest/settings.txt /proc/sys/vm/min_free_kbytes", mf.from());
        BundleConfig.Setting pcp = b.settings().stream().filter(s -> s.knob() == Knob.PCP_HIGH).findFirst()
                .orElseThrow();
        assertEquals("config linux-6.1", pcp.from()); // percpu_pagelist_high_fraction is not pcp_high's pages
    }

    @Test
    void theKernelVersionOf612() throws Exception {
        // buddydump release=6.12.107+deb13-amd64; min_free_kbytes 2725 in guest/settings.txt
        KernelConfig c = BundleConfig.read(samples().resolve("compact-memory-512M-k6.12"), "linux-6.1").config();
        assertEquals("6.12", c.kernel());
        assertEquals(2725, c.minFreeKbytes());
    }

    @Test
    void theRecorderLayoutWinsAndMetaIsTheLastResort(@TempDir Path tmp) throws Exception {
        Files.createDirectories(tmp.resolve("before"));
        Files.writeString(tmp.resolve("before/sysctl_vm.txt"), "/proc/sys/vm/min_free_kbytes: 4096 \n"
                + "/proc/sys/vm/compaction_proactiveness: 0 \n");
        Files.writeString(tmp.resolve("before/thp.txt"),
                "/sys/kernel/mm/transparent_hugepage/defrag: always defer [defer+madvise] madvise never\n");
        Files.writeString(tmp.resolve("meta.txt"), "capture: x\n\nsettings at boot:\n"
                + "  /proc/sys/vm/min_free_kbytes: 1000\n  /proc/sys/vm/watermark_scale_factor: 200\n\n"
                + "later:\n  /proc/sys/vm/extfrag_threshold: 900\n");
        BundleConfig b = BundleConfig.read(tmp, "linux-6.1");
        assertEquals(4096, b.config().minFreeKbytes());
        assertEquals(0, b.config().compactionProactiveness());
        assertEquals(KernelConfig.ThpDefrag.DEFER_MADVISE, b.config().thpDefrag());
        assertEquals(200, b.config().watermarkScaleFactor());
        assertEquals(500, b.config().extfragThreshold(), "outside the settings block: not read");
    }

    /** CONFIG_HZ from before/kconfig.txt (the kernel's .config lines); without the file the base config's 250. */
    @Test
    void theTimerFrequencyFromTheKernelsBuildConfig(@TempDir Path tmp) throws Exception {
        Files.createDirectories(tmp.resolve("before"));
        assertEquals(250, BundleConfig.read(tmp, "linux-6.1").config().hz());
        Files.writeString(tmp.resolve("before/kconfig.txt"), "# CONFIG_HZ_250 is not set\nCONFIG_HZ_1000=y\n"
                + "CONFIG_HZ=1000\n");
        BundleConfig b = BundleConfig.read(tmp, "linux-6.1");
        assertEquals(1000, b.config().hz());
        assertTrue(b.settings().stream().anyMatch(s -> s.knob() == Knob.HZ
                && s.from().equals("before/kconfig.txt CONFIG_HZ")));
        assertEquals("CONFIG_HZ", Knob.HZ.kconfig());
        assertEquals(null, Knob.MIN_FREE_KBYTES.kconfig());
    }

    @Test
    void markerWrites() {
        BundleConfig.SysctlWrite w = BundleConfig.parseWrite(5, "capture: phase set /proc/sys/vm/"
                + "compaction_proactiveness = 100");
        assertEquals("/proc/sys/vm/compaction_proactiveness", w.file());
        assertEquals("100", w.value());
        assertEquals(Knob.COMPACTION_PROACTIVENESS, w.knob());
        assertTrue(w.appliedByModel()); // compaction_proactiveness_sysctl_handler(), Simulator.marker()
        BundleConfig.SysctlWrite t = BundleConfig.parseWrite(5, "capture: phase set "
                + "/sys/kernel/mm/transparent_hugepage/defrag = defer");
        assertEquals(Knob.THP_DEFRAG, t.knob());
        assertTrue(t.appliedByModel());
        BundleConfig.SysctlWrite cm = BundleConfig.parseWrite(5, "capture: phase set /proc/sys/vm/compact_memory = 1");
        assertNull(cm.knob());
        assertNull(BundleConfig.parseWrite(5, "capture: phase hugetlb request nr_hugepages=16"));
    }

    @Test
    void knobFiles() {
        assertEquals("/proc/sys/vm/min_free_kbytes", Knob.MIN_FREE_KBYTES.file());
        assertEquals("/sys/kernel/mm/transparent_hugepage/enabled", Knob.THP_ENABLED.file());
        assertNull(Knob.PCP_HIGH.file());
        assertNull(Knob.KERNEL.file());
        assertEquals("6.12", BundleConfig.version("6.12.107+deb13-amd64"));
        assertEquals("6.1", BundleConfig.version("6.1.0-56-amd64"));
    }
}
