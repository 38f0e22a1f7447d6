package io.fragtrace.report;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The output rules of docs/outputs.md on real folders and files in a temporary directory. */
class OutputGuardTest {

    private static void writeRun(Path out, String content) throws IOException {
        AtomicOutput.writeDir(out, dir -> {
            Files.writeString(dir.resolve("summary.json"), content);
            Files.createDirectories(dir.resolve("run-a"));
            Files.writeString(dir.resolve("run-a/timeseries.csv"), content);
        });
    }

    /** Everything in {@code dir}, hidden files included, as sorted relative names. */
    private static List<String> listing(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.map(p -> dir.relativize(p).toString()).sorted().toList();
        }
    }

    private static OutputGuard.Refused refusedDir(Path out, boolean force, Path... inputs) {
        return assertThrows(OutputGuard.Refused.class, () -> OutputGuard.checkDir(out, "--out", force, List.of(inputs)));
    }

    @Test
    void foreignFolderIsRefusedEvenWithForceAndLeftUntouched(@TempDir Path tmp) throws IOException {
        Path precious = tmp.resolve("precious");
        Files.createDirectories(precious.resolve("sub"));
        Files.writeString(precious.resolve("thesis.tex"), "chapter 1");
        Files.writeString(precious.resolve("sub/data.csv"), "1,2");
        List<String> before = listing(tmp);
        for (boolean force : new boolean[] {false, true}) {
            OutputGuard.Refused r = refusedDir(precious, force);
            assertTrue(r.getMessage().startsWith(precious + ": "), r.getMessage());
            assertTrue(r.getMessage().contains("choose another --out"), r.getMessage());
            assertEquals(1, r.getMessage().lines().count());
        }
        // the last check at rename time refuses too, and removes its temporary
        assertThrows(OutputGuard.Refused.class, () -> writeRun(precious, "new"));
        assertEquals(before, listing(tmp));
        assertEquals("chapter 1", Files.readString(precious.resolve("thesis.tex")));
    }

    @Test
    void plainFileIsRefusedAndLeftUntouched(@TempDir Path tmp) throws IOException {
        Path file = tmp.resolve("some-file.txt");
        Files.writeString(file, "notes");
        OutputGuard.Refused r = refusedDir(file, true);
        assertTrue(r.getMessage().contains("not a folder"), r.getMessage());
        assertTrue(refusedDir(file.resolve("sub"), false).getMessage().contains("is a file"));
        assertThrows(OutputGuard.Refused.class, () -> writeRun(file, "new"));
        assertEquals("notes", Files.readString(file));
        assertEquals(List.of("", "some-file.txt"), listing(tmp));
    }

    @Test
    void absentOrEmptyFolderIsWrittenWithAManifestListingItsFiles(@TempDir Path tmp) throws IOException {
        Path empty = tmp.resolve("empty");
        Files.createDirectory(empty);
        OutputGuard.checkDir(empty, "--out", false, List.of());
        writeRun(empty, "a");
        OutputGuard.checkDir(tmp.resolve("absent"), "--out", false, List.of());
        writeRun(tmp.resolve("absent"), "a");
        for (Path out : List.of(empty, tmp.resolve("absent"))) {
            String manifest = Files.readString(out.resolve(OutputGuard.MANIFEST));
            assertTrue(manifest.contains("\"generator\" : \"" + OutputGuard.GENERATOR + "\""), manifest);
            assertTrue(manifest.contains("\"run-a/timeseries.csv\""), manifest);
            assertTrue(manifest.contains("\"summary.json\""), manifest);
            assertEquals(List.of(), OutputGuard.notWrittenByUs(out));
        }
        assertEquals(List.of("", "absent", "empty"), listing(tmp).stream().filter(n -> !n.contains("/")).toList(),
                "no temporary left beside the outputs");
    }

    @Test
    void previousOutputIsReplacedAndOneWithAddedFilesOnlyWithForce(@TempDir Path tmp) throws IOException {
        Path out = tmp.resolve("out");
        writeRun(out, "first");
        OutputGuard.checkDir(out, "--out", false, List.of());
        writeRun(out, "second");
        assertEquals("second", Files.readString(out.resolve("summary.json")));

        Files.writeString(out.resolve("my-notes.txt"), "mine");
        OutputGuard.Refused r = refusedDir(out, false);
        assertTrue(r.getMessage().contains("my-notes.txt") && r.getMessage().contains("--force"), r.getMessage());
        OutputGuard.checkDir(out, "--out", true, List.of());
        writeRun(out, "third");
        assertEquals("third", Files.readString(out.resolve("summary.json")));
        assertFalse(Files.exists(out.resolve("my-notes.txt")));
        assertEquals(List.of("", "out"), listing(tmp).stream().filter(n -> !n.contains("/")).toList());
    }

    @Test
    void aFileFragtraceWritesIntoAPreviousOutputJoinsItsManifest(@TempDir Path tmp) throws IOException {
        Path out = tmp.resolve("out");
        writeRun(out, "first");
        AtomicOutput.writeFile(out.resolve("new_chart.png"), o -> o.write(1)); // a rebuilt report's new chart
        assertEquals(List.of(), OutputGuard.notWrittenByUs(out));
        OutputGuard.checkDir(out, "--out", false, List.of());
        Files.writeString(out.resolve("mine.txt"), "x");
        assertEquals(List.of("mine.txt"), OutputGuard.notWrittenByUs(out));
    }

    @Test
    void aManifestNotWrittenByFragtraceDoesNotMakeAFolderOurs(@TempDir Path tmp) throws IOException {
        Path out = tmp.resolve("out");
        Files.createDirectories(out);
        Files.writeString(out.resolve(OutputGuard.MANIFEST), "files: everything");
        Files.writeString(out.resolve("a.txt"), "a");
        refusedDir(out, true);
    }

    @Test
    void outputInsideEqualToOrHoldingAnInputIsRefused(@TempDir Path tmp) throws IOException {
        Path bundle = tmp.resolve("bundle");
        Files.createDirectories(bundle.resolve("before"));
        Path trace = Files.writeString(bundle.resolve("trace.txt"), "# tracer: nop\n");
        Path link = Files.createSymbolicLink(tmp.resolve("link"), bundle);
        assertTrue(refusedDir(bundle, true, bundle, trace).getMessage().contains("is the input"));
        assertTrue(refusedDir(bundle.resolve("out"), false, bundle, trace).getMessage().contains("lies inside"));
        assertTrue(refusedDir(tmp, false, trace).getMessage().contains("holds the input"));
        // the trace file alone, given as BUNDLE/trace.txt: BUNDLE holds it
        assertTrue(refusedDir(bundle, false, trace).getMessage().contains("holds the input"));
        // real paths: through a symbolic link, and with .. in it
        refusedDir(link.resolve("out"), false, bundle);
        refusedDir(tmp.resolve("elsewhere/../bundle/x"), false, bundle);
        assertThrows(OutputGuard.Refused.class, () -> OutputGuard.checkJsonFile(link.resolve("trace.txt"), "--json",
                List.of(trace)));
        OutputGuard.checkDir(tmp.resolve("bundle-out"), "--out", false, List.of(bundle, trace));
    }

    @Test
    void jsonReplacesOnlyJsonWrittenByFragtrace(@TempDir Path tmp) throws IOException {
        Path ours = Files.writeString(tmp.resolve("ours.json"),
                "{\"schema_version\": 1, \"nested\": {\"generator\": \"x\"}, \"generator\": \"fragtrace 0.0.9\"}");
        OutputGuard.checkJsonFile(ours, "--json", List.of());
        OutputGuard.checkJsonFile(tmp.resolve("new.json"), "--json", List.of());
        for (String foreign : new String[] {"plain text", "{\"generator\": \"jq\"}", "{\"nested\": {\"generator\": "
                + "\"fragtrace\"}}", "[{\"generator\": \"fragtrace\"}]", "{\"generator\": 5}"}) {
            Path f = Files.writeString(tmp.resolve("foreign.json"), foreign);
            OutputGuard.Refused r = assertThrows(OutputGuard.Refused.class,
                    () -> AtomicOutput.writeJsonFile(f, "--json", List.of(), o -> o.write("{}".getBytes())));
            assertTrue(r.getMessage().startsWith(f + ": ") && r.getMessage().endsWith("choose another --json"),
                    r.getMessage());
            assertEquals(foreign, Files.readString(f), "left untouched");
        }
        assertThrows(OutputGuard.Refused.class, () -> OutputGuard.checkJsonFile(tmp, "--json", List.of()));
        AtomicOutput.writeJsonFile(ours, "--json", List.of(),
                o -> o.write("{\"generator\": \"fragtrace\"}".getBytes(StandardCharsets.UTF_8)));
        assertEquals("{\"generator\": \"fragtrace\"}", Files.readString(ours));
    }

    /**
     * Files and folders get the process umask like any file the OS creates without explicit permissions: the
     * reference is a folder and file created here by Files.createDirectory/createFile, not our code's output.
     */
    @Test
    void outputsGetTheUmaskNotPrivatePermissions(@TempDir Path tmp) throws IOException {
        String dirRef = PosixFilePermissions.toString(Files.getPosixFilePermissions(
                Files.createDirectory(tmp.resolve("ref-dir"))));
        String fileRef = PosixFilePermissions.toString(Files.getPosixFilePermissions(
                Files.createFile(tmp.resolve("ref-file"))));
        Path out = tmp.resolve("out");
        writeRun(out, "x");
        AtomicOutput.writeFile(tmp.resolve("single.json"), o -> o.write('1'));
        assertEquals(dirRef, PosixFilePermissions.toString(Files.getPosixFilePermissions(out)));
        assertEquals(dirRef, PosixFilePermissions.toString(Files.getPosixFilePermissions(out.resolve("run-a"))));
        for (Path f : List.of(out.resolve("summary.json"), out.resolve(OutputGuard.MANIFEST), tmp.resolve("single.json"))) {
            assertEquals(fileRef, PosixFilePermissions.toString(Files.getPosixFilePermissions(f)), f.toString());
        }
    }

    @Test
    void aFailedWriteLeavesThePreviousOutputAndNoTemporary(@TempDir Path tmp) throws IOException {
        Path out = tmp.resolve("out");
        writeRun(out, "first");
        List<String> before = listing(tmp);
        assertThrows(IOException.class, () -> AtomicOutput.writeDir(out, dir -> {
            Files.writeString(dir.resolve("half.csv"), "1");
            throw new IOException("disk full");
        }));
        assertThrows(IOException.class, () -> AtomicOutput.writeFile(tmp.resolve("f.json"), o -> {
            throw new IOException("disk full");
        }));
        assertEquals(before, listing(tmp));
    }
}
