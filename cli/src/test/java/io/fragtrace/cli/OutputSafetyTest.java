package io.fragtrace.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fragtrace.report.OutputGuard;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Issue 8 part 1 through the commands: no command destroys a file or folder Fragtrace did not write. */
class OutputSafetyTest {
    private static final String P = "page=00000000deadbeef ";

    /** A bare trace of four page events (replayed with --mem 64M: x86-64 default zones, fast). */
    static Path tinyTrace(Path dir) throws IOException {
        return Files.writeString(dir.resolve("tiny.txt"), String.join("\n",
                "# tracer: nop",
                "  a-1 [000] .....  1.000000: mm_page_alloc: " + P + "pfn=0x1100 order=0 migratetype=1 gfp_flags=GFP_KERNEL",
                "  a-1 [000] .....  1.000001: mm_page_alloc: " + P + "pfn=0x1200 order=2 migratetype=0 gfp_flags=GFP_KERNEL",
                "  a-1 [000] .....  1.500000: mm_page_free: " + P + "pfn=0x1100 order=0",
                "  a-1 [000] .....  2.000000: mm_page_free: " + P + "pfn=0x1200 order=2",
                ""));
    }

    private static ValidateCommandTest.Run replay(Path trace, Path out, String... extra) {
        List<String> args = new ArrayList<>(List.of("replay", trace.toString(), "--mem", "64M", "--out", out.toString(),
                "-q"));
        args.addAll(List.of(extra));
        return ValidateCommandTest.run(args.toArray(String[]::new));
    }

    /** Everything under {@code dir} (hidden files included) with each file's content. */
    static List<String> snapshot(Path dir) throws IOException {
        List<String> all = new ArrayList<>();
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted().toList()) {
                all.add(dir.relativize(p) + (Files.isRegularFile(p) ? " = " + Files.size(p) + ":"
                        + Integer.toHexString(java.util.Arrays.hashCode(Files.readAllBytes(p))) : ""));
            }
        }
        return all;
    }

    /** Exit 2, one line on stderr naming the path and the flag to choose another, no stack trace. */
    static void assertRefused(ValidateCommandTest.Run r, Path path, String flag) {
        assertEquals(2, r.exit(), r.out() + r.err());
        String err = r.err().strip();
        assertEquals(1, err.lines().count(), err);
        assertTrue(err.startsWith("fragtrace: " + path + ": "), err);
        assertTrue(err.contains("choose another " + flag), err);
        assertFalse(err.contains("Exception"), err);
    }

    @Test
    void foreignFolderAndPlainFileAreRefusedAndUntouched(@TempDir Path tmp) throws IOException {
        Path trace = tinyTrace(tmp);
        Path precious = Files.createDirectories(tmp.resolve("precious/photos"));
        Files.writeString(precious.resolve("cat.jpg"), "meow");
        Path file = Files.writeString(tmp.resolve("some-file.txt"), "my notes");
        List<String> before = snapshot(tmp);
        assertRefused(replay(trace, tmp.resolve("precious")), tmp.resolve("precious"), "--out");
        ValidateCommandTest.Run forced = replay(trace, tmp.resolve("precious"), "--force");
        assertRefused(forced, tmp.resolve("precious"), "--out");
        assertTrue(forced.err().contains("even with --force"), forced.err());
        assertRefused(replay(trace, file), file, "--out");
        assertRefused(ValidateCommandTest.run("diff", tmp.resolve("a").toString(), tmp.resolve("b").toString(),
                "--out", tmp.resolve("precious").toString()), tmp.resolve("precious"), "--out");
        assertEquals(before, snapshot(tmp), "nothing written, nothing removed");
    }

    @Test
    void previousOutputIsReplacedOneWithAddedFilesOnlyWithForce(@TempDir Path tmp) throws IOException {
        Path trace = tinyTrace(tmp);
        Path out = tmp.resolve("out");
        assertEquals(0, replay(trace, out).exit());
        assertTrue(Files.isRegularFile(out.resolve(OutputGuard.MANIFEST)));
        JsonNode manifest = new ObjectMapper().readTree(out.resolve(OutputGuard.MANIFEST).toFile());
        List<String> listed = new ArrayList<>();
        manifest.get("files").forEach(f -> listed.add(f.asText()));
        try (Stream<String> s = Files.list(out).map(p -> p.getFileName().toString())) {
            assertEquals(s.filter(n -> !n.equals(OutputGuard.MANIFEST)).sorted().toList(), listed);
        }
        assertEquals(0, replay(trace, out).exit(), "a previous output is replaced");
        Files.writeString(out.resolve("my-analysis.txt"), "keep me");
        ValidateCommandTest.Run r = replay(trace, out);
        assertRefused(r, out, "--out");
        assertTrue(r.err().contains("my-analysis.txt") && r.err().contains("--force"), r.err());
        assertEquals("keep me", Files.readString(out.resolve("my-analysis.txt")));
        assertEquals(0, replay(trace, out, "--force").exit());
        assertFalse(Files.exists(out.resolve("my-analysis.txt")));
        try (Stream<Path> s = Files.list(tmp)) {
            assertEquals(List.of("out", "tiny.txt"), s.map(p -> p.getFileName().toString()).sorted().toList(),
                    "no temporary left");
        }
    }

    @Test
    void noOutputInsideEqualToOrHoldingAnInput(@TempDir Path tmp) throws IOException {
        Path bundle = copyBundle("fragment-thp-256M", tmp.resolve("bundle"));
        List<String> before = snapshot(tmp);
        Path trace = bundle.resolve("trace.txt.gz");
        assertRefused(ValidateCommandTest.run("replay", trace.toString(), "--out", bundle.toString(), "-q"),
                bundle, "--out");
        assertRefused(ValidateCommandTest.run("replay", bundle.toString(), "--out", bundle.resolve("out").toString(),
                "-q"), bundle.resolve("out"), "--out");
        assertRefused(ValidateCommandTest.run("replay", bundle.toString(), "--out", tmp.toString(), "-q", "--force"),
                tmp, "--out");
        assertRefused(ValidateCommandTest.run("replay", trace.toString(), "--out",
                tmp.resolve("x/../bundle/before").toString(), "-q"), tmp.resolve("x/../bundle/before"), "--out");
        assertRefused(ValidateCommandTest.run("diff", bundle.toString(), "--config-a", "linux-6.1", "--config-b",
                "proactive", "--out", bundle.resolve("d").toString(), "-q"), bundle.resolve("d"), "--out");
        assertRefused(ValidateCommandTest.run("stats", trace.toString(), "--json", trace.toString(), "-q"),
                trace, "--json");
        assertRefused(ValidateCommandTest.run("validate", bundle.toString(), "--json",
                bundle.resolve("v.json").toString()), bundle.resolve("v.json"), "--json");
        assertEquals(before, snapshot(tmp), "the bundle is untouched");
    }

    @Test
    void jsonOntoAFileFragtraceDidNotWriteIsRefused(@TempDir Path tmp) throws IOException {
        Path trace = tinyTrace(tmp);
        Path notes = Files.writeString(tmp.resolve("notes.json"), "{\"mine\": true}\n");
        Path bundle = ValidateCommandTest.samples().resolve("fragment-thp-256M");
        assertRefused(ValidateCommandTest.run("stats", trace.toString(), "--json", notes.toString(), "-q"),
                notes, "--json");
        assertRefused(ValidateCommandTest.run("validate", bundle.toString(), "--json", notes.toString()), notes,
                "--json");
        assertEquals("{\"mine\": true}\n", Files.readString(notes));

        Path json = tmp.resolve("stats.json");
        assertEquals(0, ValidateCommandTest.run("stats", trace.toString(), "--json", json.toString(), "-q").exit());
        assertEquals(OutputGuard.GENERATOR, new ObjectMapper().readTree(json.toFile()).get("generator").asText());
        assertEquals(0, ValidateCommandTest.run("stats", trace.toString(), "--json", json.toString(), "-q").exit(),
                "JSON Fragtrace wrote is replaced");
    }

    static Path copyBundle(String name, Path to) throws IOException {
        Path from = ValidateCommandTest.samples().resolve(name);
        try (Stream<Path> s = Files.walk(from)) {
            for (Path p : s.toList()) {
                Path t = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(t);
                } else {
                    Files.copy(p, t, StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
        return to;
    }
}
