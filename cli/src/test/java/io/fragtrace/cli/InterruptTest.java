package io.fragtrace.cli;

import io.fragtrace.report.OutputGuard;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The real {@code fragtrace} in a child JVM: SIGINT/SIGTERM during a replay remove its temporary folder and say so
 * in one line, exit 128 + signal (130, 143); outputs get the umask the process was started with.
 */
class InterruptTest {

    /** java -cp (this test's classpath) io.fragtrace.cli.Main ARGS, run by sh with the given umask. */
    private static Process start(Path dir, String umask, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("sh", "-c", "umask " + umask + " && exec \"$@\"", "sh"));
        // a JVM leaves SIGINT ignored when its parent ignored it (a background job): give the child the default
        if (envResetsSignals()) {
            cmd.addAll(List.of("env", "--default-signal=INT,TERM"));
        }
        cmd.addAll(List.of(ProcessHandle.current().info().command().orElse("java"), "-Xmx1g", "-cp",
                System.getProperty("java.class.path"), Main.class.getName()));
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd).directory(dir.toFile()).redirectOutput(dir.resolve("stdout").toFile())
                .redirectError(dir.resolve("stderr").toFile()).start();
    }

    private static boolean envResetsSignals() {
        try {
            return new ProcessBuilder("env", "--default-signal=INT", "true").start().waitFor() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    private static List<String> hidden(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(".")).sorted().toList();
        }
    }

    /** Waits until the replay writes its output (its temporary folder appears beside it), then sends the signal. */
    private static void signalWhileWriting(Process p, Path parent, String signal) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
        while (hidden(parent).stream().noneMatch(n -> n.startsWith(".out.fragtrace-tmp-"))) {
            if (!p.isAlive() || System.nanoTime() > deadline) {
                fail("the replay ended or hung before writing its output: exit " + (p.isAlive() ? "-" : p.exitValue()));
            }
            Thread.sleep(5);
        }
        assertEquals(0, new ProcessBuilder("kill", "-" + signal, Long.toString(p.pid())).start().waitFor());
        assertTrue(p.waitFor(2, TimeUnit.MINUTES));
    }

    private static String bundle() {
        return ValidateCommandTest.samples().resolve("fragment-thp-256M").toAbsolutePath().toString();
    }

    @Test
    void sigintRemovesTheUnfinishedOutputAndSaysSo(@TempDir Path tmp) throws Exception {
        Path parent = Files.createDirectories(tmp.resolve("runs"));
        Process p = start(tmp, "022", "replay", bundle(), "--out", parent.resolve("out").toString(), "-q");
        signalWhileWriting(p, parent, "INT");
        String err = Files.readString(tmp.resolve("stderr"), StandardCharsets.UTF_8).strip();
        assertEquals(130, p.exitValue(), err);
        assertEquals(1, err.lines().count(), err);
        assertTrue(err.startsWith("fragtrace: interrupted; " + parent.resolve("out") + " not written (removed the "
                + "unfinished .out.fragtrace-tmp-"), err);
        try (Stream<Path> s = Files.list(parent)) {
            assertEquals(0, s.count(), "nothing left: no output, no temporary");
        }
    }

    @Test
    void sigtermLeavesThePreviousOutputAsItWas(@TempDir Path tmp) throws Exception {
        Path parent = Files.createDirectories(tmp.resolve("runs"));
        Path out = parent.resolve("out");
        Path trace = OutputSafetyTest.tinyTrace(tmp);
        assertEquals(0, ValidateCommandTest.run("replay", trace.toString(), "--mem", "64M", "--out", out.toString(),
                "-q").exit());
        List<String> previous = OutputSafetyTest.snapshot(parent);
        Process p = start(tmp, "022", "replay", bundle(), "--out", out.toString(), "-q");
        signalWhileWriting(p, parent, "TERM");
        String err = Files.readString(tmp.resolve("stderr"), StandardCharsets.UTF_8).strip();
        assertEquals(143, p.exitValue(), err);
        assertEquals(1, err.lines().count(), err);
        assertTrue(err.startsWith("fragtrace: interrupted; " + out + " left as it was"), err);
        assertEquals(previous, OutputSafetyTest.snapshot(parent));
    }

    /** POSIX: a new folder gets 0777 & ~umask, a new file 0666 & ~umask (umask 027: rwxr-x--- and rw-r-----). */
    @Test
    void outputsGetTheUmask(@TempDir Path tmp) throws Exception {
        Path trace = OutputSafetyTest.tinyTrace(tmp);
        Process p = start(tmp, "027", "replay", trace.toString(), "--mem", "64M", "--out", "new/out", "-q");
        assertTrue(p.waitFor(5, TimeUnit.MINUTES));
        assertEquals(0, p.exitValue(), Files.readString(tmp.resolve("stderr")));
        Process s = start(tmp, "027", "stats", trace.toString(), "--json", "stats.json", "-q");
        assertTrue(s.waitFor(5, TimeUnit.MINUTES));
        assertEquals(0, s.exitValue(), Files.readString(tmp.resolve("stderr")));
        for (Path d : List.of(tmp.resolve("new"), tmp.resolve("new/out"))) {
            assertEquals("rwxr-x---", PosixFilePermissions.toString(Files.getPosixFilePermissions(d)), d.toString());
        }
        for (Path f : List.of(tmp.resolve("new/out/summary.json"), tmp.resolve("new/out/report.html"),
                tmp.resolve("new/out/" + OutputGuard.MANIFEST), tmp.resolve("stats.json"))) {
            assertEquals("rw-r-----", PosixFilePermissions.toString(Files.getPosixFilePermissions(f)), f.toString());
        }
        assertFalse(hidden(tmp.resolve("new")).stream().anyMatch(n -> n.contains("fragtrace-")));
    }
}
