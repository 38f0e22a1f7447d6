package io.fragtrace.replay.config;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** docs/configs.md's key table is the {@link Knob} declaration, generated; and each default is a valid value. */
class ConfigsDocTest {
    private static Path doc() {
        Path p = Path.of("").toAbsolutePath();
        while (p != null && !Files.isRegularFile(p.resolve("docs/configs.md"))) {
            p = p.getParent();
        }
        if (p == null) {
            throw new IllegalStateException("docs/configs.md not found");
        }
        return p.resolve("docs/configs.md");
    }

    @Test
    void docTableIsGeneratedFromTheKnobs() throws Exception {
        String doc = Files.readString(doc());
        String begin = "<!-- knobs: generated from Knob.markdownTable() -->\n";
        String end = "<!-- /knobs -->";
        int a = doc.indexOf(begin);
        int b = doc.indexOf(end);
        assertTrue(a >= 0 && b > a, "docs/configs.md has the generated block");
        assertEquals(Knob.markdownTable(), doc.substring(a + begin.length(), b),
                "docs/configs.md key table differs from Knob; paste Knob.markdownTable()");
    }

    @Test
    void everyDefaultParsesAndEveryKeyIsKnown() throws Exception {
        for (Knob k : Knob.values()) {
            assertTrue(k.parse(k.dflt) != null, k.key + " default " + k.dflt);
            assertTrue(Configs.keys().containsKey(k.key), k.key);
        }
        // a file of only 'description' is the defaults: the linux-6.1 preset
        Path f = Files.createTempFile("defaults", ".properties");
        Files.writeString(f, "description = defaults\n");
        assertEquals(Configs.load("linux-6.1").values(), Configs.load(f.toString()).values());
        Files.delete(f);
    }
}
