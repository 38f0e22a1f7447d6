package io.fragtrace.cli;

import io.fragtrace.replay.config.ConfigException;
import io.fragtrace.replay.config.Configs;
import io.fragtrace.replay.config.KernelConfig;
import io.fragtrace.replay.config.Knob;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.concurrent.Callable;

/** Lists the built-in kernel configurations, or shows one resolved. */
@Command(name = "configs", mixinStandardHelpOptions = true,
        header = "List the kernel configurations, or show one fully resolved.",
        description = "List the built-in kernel configurations, or show one (a preset or a file) fully resolved.",
        footer = {"%nExamples:%n  fragtrace configs%n  fragtrace configs proactive%n  fragtrace configs my.properties"
                + "%n  fragtrace configs --keys",
                "%nA file is Java properties; 'extends = PRESET' starts from a preset. Keys: docs/configs.md"})
final class ConfigsCommand implements Callable<Integer> {
    @Parameters(arity = "0..1", paramLabel = "CONFIG", description = "preset name or properties file")
    String config;

    @Option(names = "--keys", description = "list every key a config file takes: values, default, meaning")
    boolean keys;

    @Override
    public Integer call() throws ConfigException {
        if (keys) {
            for (String[] m : Knob.META) {
                System.out.printf("%-26s %s: %s%n", m[0], m[1], m[2].replace("`", ""));
            }
            for (Knob k : Knob.values()) {
                System.out.printf("%-26s %s (default %s): %s%n", k.key, k.range(), k.dflt,
                        k.meaning.replace("`", ""));
            }
            return Main.EXIT_OK;
        }
        if (config == null) {
            for (String name : Configs.PRESETS) {
                int width = Configs.PRESETS.stream().mapToInt(String::length).max().orElse(10);
                System.out.printf("%-" + width + "s  %s%n", name, Configs.load(name).description());
            }
            return Main.EXIT_OK;
        }
        KernelConfig c = Configs.load(config);
        System.out.println("# " + c.description());
        c.values().forEach((k, val) -> System.out.println(k + " = " + val));
        return Main.EXIT_OK;
    }
}
