package io.fragtrace.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StatsCommandTest {
    @TempDir
    Path tmp;

    record Run(int exit, String out, String err) {
        List<String> errLines() {
            return err.lines().toList();
        }
    }

    static Run run(String... args) {
        CommandLine cl = Main.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int exit = cl.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    static Path samples() {
        return io.fragtrace.parser.Samples.dir();
    }

    static void assertOneLineError(Run r, String expectedPart) {
        assertEquals(2, r.exit(), r.err());
        assertEquals(1, r.errLines().size(), r.err());
        assertTrue(r.err().contains(expectedPart), r.err());
        assertFalse(r.err().contains("Exception"), r.err());
        assertFalse(r.err().contains("\tat "), r.err());
        assertEquals("", r.out());
    }

    @Test
    void missingFile() {
        assertOneLineError(run("stats", tmp.resolve("nope.txt").toString()), "no such file");
    }

    @Test
    void folderWithoutTrace() {
        assertOneLineError(run("stats", tmp.toString()), "holds no trace");
    }

    @Test
    void notATrace() throws Exception {
        Path f = tmp.resolve("notes.txt");
        Files.writeString(f, "hello\nthis is not a trace\n");
        assertOneLineError(run("stats", f.toString()), "not a trace");
        Path empty = tmp.resolve("empty.txt");
        Files.write(empty, new byte[0]);
        assertOneLineError(run("stats", empty.toString()), "not a trace");
    }

    @Test
    void negativeTopIsAUsageError() {
        Run r = run("stats", samples().resolve("fragment-thp-256M").toString(), "--top", "-1");
        assertEquals(2, r.exit());
        assertEquals(1, r.errLines().size(), r.err());
    }

    @Test
    void helpHasAnExample() {
        Run r = run("stats", "--help");
        assertEquals(0, r.exit());
        assertTrue(r.out().contains("Examples:"), r.out());
        assertTrue(r.out().contains("fragtrace stats sample-traces/fragment-thp-256M"), r.out());
        assertTrue(r.out().contains("--json"), r.out());
        assertTrue(r.out().contains("--top"), r.out());
    }

    @Test
    void tablesOnTheSample() {
        Run r = run("stats", samples().resolve("fragment-thp-256M").toString(), "--top", "3");
        assertEquals(0, r.exit(), r.err());
        assertEquals("", r.err());
        // meta.txt: mm_page_alloc 25377, entries-in-buffer/entries-written 133204/133204
        assertTrue(r.out().lines().anyMatch(l -> l.matches("\\s+mm_page_alloc\\s+25377")), r.out());
        assertTrue(r.out().contains("133204/133204"), r.out());
        assertTrue(r.out().contains("Page allocations by gfp flags (top 3 of "), r.out());
    }

    @Test
    void jsonToStdoutIsOnlyJson() throws Exception {
        Run r = run("stats", samples().resolve("fragment-thp-256M").toString(), "--json", "-");
        assertEquals(0, r.exit(), r.err());
        JsonNode j = new ObjectMapper().readTree(r.out());
        assertEquals(1, j.get("schema_version").asInt());
        // meta.txt "event counts by name": mm_page_alloc 25377 and no failed allocation (no pfn=0x0 in the trace)
        assertEquals(25377, j.at("/events/by_name/mm_page_alloc").asLong());
        assertEquals(25377, j.at("/allocations/requests").asLong());
    }

    /** Every documented path is in the JSON and every JSON value is documented (docs/stats-json.md). */
    @Test
    void jsonMatchesTheDocumentedSchema() throws Exception {
        Path trace = tmp.resolve("t.txt");
        String p = "page=00000000deadbeef ";
        Files.writeString(trace, String.join("\n",
                "# tracer: nop",
                "# entries-in-buffer/entries-written: 9/9   #P:1",
                "  a-1 [000] .....  1.000000: mm_page_alloc: " + p + "pfn=0x100 order=0 migratetype=1 gfp_flags=GFP_KERNEL",
                "  a-1 [000] .....  1.000001: mm_page_alloc: " + p + "pfn=0x200 order=0 migratetype=1 gfp_flags=GFP_USER",
                "  a-1 [000] .....  1.000002: mm_page_free: " + p + "pfn=0x100 order=0",
                "  a-1 [000] .....  1.000003: mm_page_alloc_extfrag: " + p + "pfn=0x1000 alloc_order=0 fallback_order=2 "
                        + "pageblock_order=9 alloc_migratetype=0 fallback_migratetype=1 fragmenting=1 change_ownership=0",
                "  a-1 [000] .....  1.000004: mm_migrate_pages: nr_succeeded=3 nr_failed=1 nr_thp_succeeded=0 "
                        + "nr_thp_failed=0 nr_thp_split=0 mode=MIGRATE_ASYNC reason=compaction",
                "  a-1 [000] .....  1.000005: mm_filemap_delete_from_page_cache: dev 0:0 ino 0",
                "  a-1 [000] .....  1.000006: mm_page_free: " + p + "order=0",
                "  b-2 [000] .....  1.000007: mm_page_alloc: " + p + "pfn=0x300 order=0 migratetype=1 gfp_flags=GFP_NOWAIT",
                ""));
        Path json = tmp.resolve("out/stats.json");
        Run r = run("stats", trace.toString(), "--json", json.toString(), "--top", "1");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("Events by name"), "tables still go to stdout");
        JsonNode j = new ObjectMapper().readTree(json.toFile());

        List<String> documented = new ArrayList<>();
        Matcher m = Pattern.compile("(?m)^\\| `([a-z_{}\\[\\].]+)` \\|").matcher(
                Files.readString(Path.of("..", "docs", "stats-json.md"), StandardCharsets.UTF_8));
        while (m.find()) {
            documented.add(m.group(1));
        }
        assertTrue(documented.size() > 80, "docs list the keys: " + documented.size());
        List<String> actual = new ArrayList<>();
        leaves(j, "", actual);
        for (String a : actual) {
            assertTrue(documented.stream().anyMatch(d -> matches(d, a)), "not documented: " + a);
        }
        for (String d : documented) {
            assertTrue(actual.stream().anyMatch(a -> matches(d, a)), "documented but missing: " + d);
        }
        assertEquals(1, j.at("/lines/bad").asLong(), "the mm_page_free without pfn");
        assertEquals(1, j.at("/events/unknown/mm_filemap_delete_from_page_cache").asLong());
    }

    private static void leaves(JsonNode n, String path, List<String> out) {
        if (n.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                leaves(e.getValue(), path.isEmpty() ? e.getKey() : path + "." + e.getKey(), out);
            }
        } else if (n.isArray()) {
            for (JsonNode x : n) {
                leaves(x, path + "[]", out);
            }
        } else {
            out.add(path);
        }
    }

    /** Documented path with {x} segments matching any key. */
    private static boolean matches(String documented, String actual) {
        String[] d = documented.split("\\.");
        String[] a = actual.split("\\.");
        if (d.length != a.length) {
            return false;
        }
        for (int i = 0; i < d.length; i++) {
            if (!(d[i].startsWith("{") || d[i].equals(a[i]))) {
                return false;
            }
        }
        return true;
    }

    @Test
    void truncatedGzipStillPrintsStats() throws Exception {
        byte[] gz = Files.readAllBytes(samples().resolve("fragment-thp-256M/trace.txt.gz"));
        Path cut = tmp.resolve("cut.txt.gz");
        Files.write(cut, java.util.Arrays.copyOf(gz, 300_000));
        Path json = tmp.resolve("cut.json");
        Run r = run("stats", cut.toString(), "--json", json.toString());
        assertEquals(2, r.exit());
        assertEquals(1, r.errLines().size(), r.err());
        assertTrue(r.err().contains("ends early near stored byte"), r.err());
        assertTrue(r.out().contains("WARNING: input ends early"), r.out());
        JsonNode j = new ObjectMapper().readTree(json.toFile());
        assertTrue(j.at("/input/truncated").asBoolean());
        assertTrue(j.at("/allocations/requests").asLong() > 0);
        assertTrue(j.at("/allocations/requests").asLong() < 25377, "only the part before the break");
    }
}
