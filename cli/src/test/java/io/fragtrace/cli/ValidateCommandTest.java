package io.fragtrace.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ValidateCommandTest {
    static Path samples() {
        return io.fragtrace.parser.Samples.dir();
    }

    record Run(int exit, String out, String err) {
    }

    static Run run(String... args) {
        CommandLine cl = Main.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int exit = cl.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    @Test
    void exactCaptureExitsZeroAndWritesJson(@TempDir Path tmp) throws Exception {
        Path json = tmp.resolve("v.json");
        Run r = run("validate", samples().resolve("fragment-thp-256M-k6.12").toString(), "--json", json.toString());
        assertEquals(0, r.exit(), r.out() + r.err());
        assertTrue(r.out().contains("EXACT"), r.out());
        JsonNode n = new ObjectMapper().readTree(json.toFile());
        for (String k : new String[] {"pages_mismatched", "free_blocks_missing", "free_blocks_extra",
                "pageblocks_mismatched", "extfrag_index_max_error", "exact", "free_lists_order_mismatched"}) {
            assertTrue(n.has(k), k);
        }
        assertTrue(n.get("exact").asBoolean());
        assertEquals(0, n.get("free_blocks_missing").asInt());
    }

    @Test
    void mismatchExitsOne() {
        Run r = run("validate", samples().resolve("fragment-thp-256M").toString(), "--naive");
        assertEquals(1, r.exit(), r.out() + r.err());
        assertTrue(r.out().contains("MISMATCH"));
    }

    @Test
    void explainShowsTheHistoryOfTheFirstMismatchedPage(@TempDir Path tmp) throws Exception {
        // variants-fragment-thp-256M-k6.12 ends with pfn 0x97ff allocated in the kernel (a compaction target) and free
        // in the model. Read from trace.txt by hand: work (cpu 1) frees it at line 50737 (mm_page_free) and
        // 50738 (mm_page_free_batched, same pcp list), cpu 1's drain at line 51851 returns it to the buddy as an
        // order-0 block, and cpu 0's drain at line 94762 merges it with 0x97fe into an order-1 block
        Path json = tmp.resolve("v.json");
        Run r = run("validate", samples().resolve("variants-fragment-thp-256M-k6.12").toString(), "--explain", "1",
                "--json", json.toString());
        assertEquals(1, r.exit(), r.err());
        assertTrue(r.out().contains("Why they differ"), r.out());
        assertTrue(r.out().contains("pfn 0x97ff kernel allocated model free"), r.out());
        assertTrue(r.out().contains("line 51851"), r.out());
        assertTrue(r.out().contains("on cpu 1's pcp list (order-0 block 0x97ff) -> free (order-0 block 0x97ff, list mt 1)"),
                r.out());
        JsonNode steps = new ObjectMapper().readTree(json.toFile()).get("explain").get("0x97ff");
        assertTrue(steps.size() > 1);
        assertTrue(steps.get(steps.size() - 1).asText().startsWith("line 94762"));
    }

    @Test
    void missingSnapshotsExitTwoWithOneLine(@TempDir Path tmp) throws Exception {
        Files.writeString(tmp.resolve("trace.txt"), "# tracer: nop\n");
        Run r = run("validate", tmp.toString());
        assertEquals(2, r.exit());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(r.err().contains("after/buddydump.txt"), r.err());
        assertFalse(r.err().contains("Exception"), r.err());
        Run r2 = run("validate", tmp.resolve("nope").toString());
        assertEquals(2, r2.exit());
    }
}
