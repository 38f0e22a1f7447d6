package io.fragtrace.cli;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** No hidden switch: every environment variable and fragtrace.* system property the code reads is in docs/switches.md. */
class SwitchesDocTest {
    private static final Pattern READ = Pattern.compile(
            "(?:System\\.getenv|System\\.getProperty|Integer\\.getInteger|Long\\.getLong|Boolean\\.getBoolean)\\(\"([^\"]+)\"");

    @Test
    void everySwitchTheCodeReadsIsDocumented() throws IOException {
        Set<String> read = new TreeSet<>();
        for (String module : new String[] {"parser", "replay", "report", "cli"}) {
            try (Stream<Path> files = Files.walk(Path.of("..", module, "src", "main", "java"))) {
                for (Path f : (Iterable<Path>) files.filter(p -> p.toString().endsWith(".java"))::iterator) {
                    Matcher m = READ.matcher(Files.readString(f));
                    while (m.find()) {
                        String name = m.group(1);
                        if (!name.startsWith("java.")) { // JVM settings (java.awt.headless) are the JVM's
                            read.add(name);
                        }
                    }
                }
            }
        }
        assertTrue(read.contains("fragtrace.parseThreads") && read.contains("FRAGTRACE_DEBUG"), "the scan finds them: " + read);
        String doc = Files.readString(Path.of("..", "docs", "switches.md"));
        Set<String> missing = new TreeSet<>();
        for (String name : read) {
            if (!doc.contains("| `" + name + "` |")) {
                missing.add(name);
            }
        }
        assertEquals(Set.of(), missing, "read by the code, not in docs/switches.md");
    }
}
