package io.fragtrace.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** -q, --json, --kernel and --force: declared once (SharedOptions), the same wherever a command takes them. */
class SharedOptionsTest {

    @Test
    void everyCommandTakesTheOneDeclaration() {
        Map<String, String> help = new HashMap<>();
        Map<String, Set<String>> takenBy = new HashMap<>();
        for (var e : Main.commandLine().getSubcommands().entrySet()) {
            for (String name : List.of("--quiet", "--json", "--kernel", "--force")) {
                OptionSpec o = e.getValue().getCommandSpec().findOption(name);
                if (o == null) {
                    continue;
                }
                takenBy.computeIfAbsent(name, k -> new TreeSet<>()).add(e.getKey());
                String text = String.join(" ", o.names()) + " " + o.paramLabel() + " " + String.join(" ", o.description());
                String first = help.putIfAbsent(name, text);
                assertEquals(first == null ? text : first, text, e.getKey() + " " + name);
            }
        }
        // the commands that had their own copy of each before
        assertEquals(Set.of("at", "blame", "calibrate", "diff", "replay", "stats", "validate"), takenBy.get("--quiet"));
        assertEquals(Set.of("at", "blame", "calibrate", "stats", "validate"), takenBy.get("--json"));
        assertEquals(Set.of("at", "blame", "replay", "validate"), takenBy.get("--kernel"));
        assertEquals(Set.of("at", "diff", "replay"), takenBy.get("--force"));
    }

    @Test
    void validateJsonDashPrintsTheJsonAlone() throws Exception {
        ValidateCommandTest.Run r = ValidateCommandTest.run("validate", "-q",
                ValidateCommandTest.samples().resolve("fragment-thp-256M-k6.12").toString(), "--json", "-");
        assertEquals(0, r.exit(), r.err());
        assertFalse(r.out().contains("EXACT"), "no text with --json -");
        JsonNode n = new ObjectMapper().readTree(r.out());
        // the capture's after/buddydump.txt is matched exactly (README: validate on the sample captures)
        assertTrue(n.get("exact").asBoolean());
        assertEquals(0, n.get("pages_mismatched").asInt());
    }

    @Test
    void kernelOptionPicksTheSemanticsObject() {
        CommandLine cl = Main.commandLine();
        cl.parseArgs("blame", "--order", "9", "--kernel", "6.12.107+deb13-amd64", "x");
        BlameCommand b = cl.getSubcommands().get("blame").getCommand();
        assertEquals("6.12", b.kernel.semantics().name(), "a 6.10+ release is 6.12 semantics (KernelSemantics.forRelease)");
    }
}
