package io.fragtrace.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Issue 8 part 2: a trace file that lies in a bundle is read with the bundle's snapshots, and the user is told. */
class BundleInputTest {

    @Test
    void traceFileInABundleIsReplayedFromTheBundlesSnapshots(@TempDir Path tmp) throws Exception {
        Path bundle = ValidateCommandTest.samples().resolve("fragment-thp-256M");
        Path out = tmp.resolve("out");
        ValidateCommandTest.Run r = ValidateCommandTest.run("replay", bundle.resolve("trace.txt.gz").toString(),
                "--out", out.toString(), "-q");
        assertEquals(0, r.exit(), r.err());
        assertEquals("fragtrace: " + bundle.resolve("trace.txt.gz") + " lies in a bundle: using the bundle's "
                + "snapshots in " + bundle + " (before/, after/)", r.err().strip());
        JsonNode s = new ObjectMapper().readTree(out.resolve("summary.json").toFile());
        // before: a bare trace, x86-64 default zones and 59 % of the pages unknown; now the kernel's before/ dump
        assertEquals("buddydump", s.at("/start_state/from").asText());
        assertEquals(0.0, s.get("unknown_fraction").asDouble());
        // README's fidelity table: this capture ends exactly on the kernel's after/buddydump.txt
        assertTrue(s.at("/fidelity/exact").asBoolean(), s.get("fidelity").toString());
        assertTrue(r.out().contains("fidelity against after/: free lists exact"), r.out());
    }

    /**
     * perf-script.txt.gz holds the same events as the bundle's trace.txt.gz (the bundle's README: event counts per
     * format agree), so validating it against the bundle's after/ dump gives the figures of the bundle itself.
     */
    @Test
    void perfScriptInABundleValidatesLikeTheBundle(@TempDir Path tmp) throws Exception {
        Path bundle = ValidateCommandTest.samples().resolve("variants-fragment-thp-256M-k6.12");
        ValidateCommandTest.Run viaFile = ValidateCommandTest.run("validate",
                bundle.resolve("perf-script.txt.gz").toString(), "--json", tmp.resolve("file.json").toString());
        assertTrue(viaFile.err().contains("using the bundle's snapshots in " + bundle), viaFile.err());
        ValidateCommandTest.Run viaBundle = ValidateCommandTest.run("validate", bundle.toString(), "--json",
                tmp.resolve("bundle.json").toString());
        assertEquals(viaBundle.exit(), viaFile.exit(), viaFile.out() + viaFile.err());
        JsonNode f = new ObjectMapper().readTree(tmp.resolve("file.json").toFile());
        JsonNode b = new ObjectMapper().readTree(tmp.resolve("bundle.json").toFile());
        for (String k : new String[] {"kernel", "pages_mismatched", "free_blocks_missing", "free_blocks_extra",
                "pageblocks_mismatched", "pcp_lists_mismatched"}) {
            assertEquals(b.get(k), f.get(k), k);
        }
        assertEquals("6.12", f.get("kernel").asText());
    }
}
