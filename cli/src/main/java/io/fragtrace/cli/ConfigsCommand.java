package io.fragtrace.cli;

import io.fragtrace.replay.config.ConfigException;
import io.fragtrace.replay.config.Configs;
import io.fragtrace.replay.config.KernelConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.util.Map;
import java.util.concurrent.Callable;

/** Lists the built-in kernel configurations, or shows one resolved. */
@Command(name = "configs", mixinStandardHelpOptions = true,
        description = "List the built-in kernel configurations, or show one (a preset or a file) fully resolved.",
        footer = {"%nExamples:%n  fragtrace configs%n  fragtrace configs proactive%n  fragtrace configs my.properties",
                "%nA file is Java properties; 'extends = PRESET' starts from a preset. Keys: docs/configs.md"})
final class ConfigsCommand implements Callable<Integer> {
    @Parameters(arity = "0..1", paramLabel = "CONFIG", description = "preset name or properties file")
    String config;

    @Override
    public Integer call() throws ConfigException {
        if (config == null) {
            for (String name : Configs.PRESETS) {
                System.out.printf("%-10s  %s%n", name, Configs.load(name).description());
            }
            return Main.EXIT_OK;
        }
        KernelConfig c = Configs.load(config);
        System.out.println("# " + c.description());
        Map<String, Object> v = new java.util.LinkedHashMap<>();
        v.put("kernel", c.kernel());
        v.put("max_order", c.maxOrder());
        v.put("pageblock_order", c.pageblockOrder());
        v.put("min_free_kbytes", auto(c.minFreeKbytes()));
        v.put("watermark_scale_factor", c.watermarkScaleFactor());
        v.put("watermark_boost_factor", c.watermarkBoostFactor());
        v.put("extfrag_threshold", c.extfragThreshold());
        v.put("compaction_proactiveness", c.compactionProactiveness());
        v.put("kcompactd", c.kcompactd() ? "on" : "off");
        v.put("thp_enabled", c.thpEnabled().name().toLowerCase(java.util.Locale.ROOT));
        v.put("thp_defrag", c.thpDefrag().name().toLowerCase(java.util.Locale.ROOT).replace('_', '+'));
        v.put("pcp_high", auto(c.pcpHigh()));
        v.put("pcp_batch", auto(c.pcpBatch()));
        v.put("regions", c.regions() ? "on" : "off");
        v.put("region_size_mb", c.regionSizeMb());
        v.put("region_evacuate_max_used", c.regionEvacuateMaxUsed());
        v.forEach((k, val) -> System.out.println(k + " = " + val));
        return Main.EXIT_OK;
    }

    private static Object auto(long v) {
        return v < 0 ? "auto" : v;
    }
}
