package io.fragtrace.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * scripts/fragtrace-record against a fake kernel: tracefs, procfs, sysfs and debugfs trees built from the real
 * capture sample-traces/fragment-thp-256M-k6.12. The "workload" plays the kernel: it writes the capture's trace into
 * the fake ring buffer and turns the fake /proc into the capture's after/ state. The bundle the script writes
 * must validate EXACT, as the capture itself does (ValidateCommandTest).
 */
class RecordScriptTest {
    private static final Path SRC = io.fragtrace.parser.Samples.bundle("fragment-thp-256M-k6.12");
    private static final Path SCRIPT = io.fragtrace.parser.Samples.dir().getParent().resolve("scripts")
            .resolve("fragtrace-record");

    record Result(int exit, String out, String err) { }

    private static void gunzip(Path gz, Path to) throws IOException {
        try (InputStream in = new GZIPInputStream(Files.newInputStream(gz))) {
            Files.copy(in, to);
        }
    }

    private static void write(Path p, String s) throws IOException {
        Files.createDirectories(p.getParent());
        Files.writeString(p, s);
    }

    /** The fake trees; returns the environment that points the script at them. */
    private static Map<String, String> fakeKernel(Path root, String overrun) throws IOException {
        Path t = root.resolve("tracefs");
        Path p = root.resolve("proc");
        Path s = root.resolve("sys");
        Path d = root.resolve("debug");
        for (String f : new String[] {"trace", "trace_marker", "tracing_on", "set_event", "trace_clock",
                "buffer_size_kb", "options/overwrite"}) {
            write(t.resolve(f), "");
        }
        try (Stream<Path> files = Files.walk(SRC.resolve("formats"))) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                String rel = SRC.resolve("formats").relativize(f).toString();
                if (rel.startsWith("header_")) {
                    write(t.resolve("events").resolve(rel), Files.readString(f));
                } else {
                    write(t.resolve("events").resolve(rel).resolve("format"), Files.readString(f));
                    write(t.resolve("events").resolve(rel).resolve("enable"), "0\n");
                }
            }
        }
        for (int cpu = 0; cpu < 2; cpu++) {
            String stats = Files.readString(SRC.resolve("guest/tracefs/stats.cpu" + cpu));
            write(t.resolve("per_cpu/cpu" + cpu + "/stats"), stats.replace("overrun: 0", "overrun: " + overrun));
        }
        state(SRC.resolve("before"), p, d);
        write(p.resolve("cmdline"), Files.readString(SRC.resolve("guest/cmdline.txt")));
        write(p.resolve("sys/kernel/osrelease"), "6.12.107+deb13-amd64\n");
        write(p.resolve("sys/kernel/version"), "#1 SMP PREEMPT_DYNAMIC Debian 6.12.107-1 (2026-08-29)\n");
        write(p.resolve("sys/vm/min_free_kbytes"), "1818\n");
        write(s.resolve("kernel/mm/transparent_hugepage/enabled"), "always madvise [never]\n");
        return Map.of("FRAGTRACE_TRACEFS", t.toString(), "FRAGTRACE_PROCFS", p.toString(),
                "FRAGTRACE_SYSFS", s.toString(), "FRAGTRACE_DEBUGFS", d.toString(), "FRAGTRACE_UID", "0");
    }

    /** before/ or after/ of the capture as the fake /proc and debugfs. */
    private static void state(Path snap, Path proc, Path debug) throws IOException {
        Files.createDirectories(proc);
        for (String f : new String[] {"buddyinfo", "pagetypeinfo", "zoneinfo", "vmstat", "meminfo"}) {
            Files.copy(snap.resolve(f), proc.resolve(f), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        Files.copy(snap.resolve("buddydump.txt"), proc.resolve("buddydump"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Files.deleteIfExists(proc.resolve("kpageflags"));
        gunzip(snap.resolve("kpageflags.bin.gz"), proc.resolve("kpageflags"));
        Files.createDirectories(debug.resolve("extfrag"));
        for (String f : new String[] {"extfrag_index", "unusable_index"}) {
            Files.copy(snap.resolve(f), debug.resolve("extfrag").resolve(f), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** The workload: the kernel records the capture's events and reaches the capture's after/ state. */
    private static Path workload(Path root) throws IOException {
        Path trace = root.resolve("capture-trace.txt");
        gunzip(SRC.resolve("trace.txt.gz"), trace);
        Path after = root.resolve("after-proc");
        state(SRC.resolve("after"), after, root.resolve("after-debug"));
        Path w = root.resolve("workload.sh");
        Files.writeString(w, "cp '" + trace + "' '" + root.resolve("tracefs/trace") + "'\n"
                + "cp '" + after + "'/* '" + root.resolve("proc") + "/'\n"
                + "cp '" + root.resolve("after-debug/extfrag") + "'/* '" + root.resolve("debug/extfrag") + "/'\n");
        return w;
    }

    private static Result run(Map<String, String> env, String... args) throws Exception {
        return run(List.of("sh"), env, args);
    }

    private static Result run(List<String> shell, Map<String, String> env, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(shell);
        cmd.add(SCRIPT.toString());
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().putAll(env);
        Process pr = pb.start();
        pr.getOutputStream().close();
        byte[] out = pr.getInputStream().readAllBytes();
        byte[] err = pr.getErrorStream().readAllBytes();
        assertTrue(pr.waitFor(120, TimeUnit.SECONDS));
        return new Result(pr.exitValue(), new String(out, StandardCharsets.UTF_8), new String(err, StandardCharsets.UTF_8));
    }

    @Test
    void writesABundleThatValidatesExact(@TempDir Path tmp) throws Exception {
        recordAndValidate(tmp, List.of("sh"));
    }

    @Test
    void busyboxShellToo(@TempDir Path tmp) throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/busybox"))
                || Files.isExecutable(Path.of("/bin/busybox")), "busybox not installed");
        recordAndValidate(tmp, List.of("busybox", "sh"));
    }

    private static void recordAndValidate(Path tmp, List<String> shell) throws Exception {
        Map<String, String> env = fakeKernel(tmp, "0");
        Path out = tmp.resolve("bundle");
        Result r = run(shell, env, "-o", out.toString(), "--", "sh", workload(tmp).toString());
        assertEquals(0, r.exit(), r.out() + r.err());
        assertTrue(r.out().contains("no events lost"), r.out());
        for (String f : new String[] {"trace.txt.gz", "meta.txt", "formats/kmem/mm_page_alloc", "formats/header_page",
                "before/buddydump.txt", "before/kpageflags.bin.gz", "before/zoneinfo", "before/extfrag_index",
                "after/buddydump.txt", "after/buddyinfo.post", "after/sysctl_vm.txt", "after/thp.txt",
                "guest/uname.txt", "guest/tracefs/stats.cpu1"}) {
            assertTrue(Files.isRegularFile(out.resolve(f)), f);
        }
        // exactly the listed events that this kernel has were enabled (26 of the 27 in scripts/fragtrace-events.txt:
        // the capture's formats/ has no mm_page_pcpu_refill), and disabled again at the end
        assertEquals("0\n", Files.readString(tmp.resolve("tracefs/events/kmem/mm_page_alloc/enable")));
        String meta = Files.readString(out.resolve("meta.txt"));
        assertTrue(meta.contains("events enabled (26): kmem/mm_page_alloc kmem/mm_page_free "), meta);
        assertTrue(meta.contains("events this kernel lacks: kmem/mm_page_pcpu_refill"), meta);
        assertTrue(meta.contains("lost events (per_cpu overrun + dropped): 0"), meta);
        assertTrue(Files.readString(tmp.resolve("tracefs/trace_marker")).contains("fragtrace: recording end")); // the last marker: each write replaces the fake file
        assertEquals("global\n", Files.readString(tmp.resolve("tracefs/trace_clock")));

        ValidateCommandTest.Run v = ValidateCommandTest.run("validate", out.toString());
        assertEquals(0, v.exit(), v.out() + v.err());
        assertTrue(v.out().contains("EXACT"), v.out());
    }

    @Test
    void lostEventsAreCountedAndSaid(@TempDir Path tmp) throws Exception {
        Map<String, String> env = fakeKernel(tmp, "7");
        Path out = tmp.resolve("bundle");
        Result r = run(env, "-o", out.toString(), "-d", "0");
        assertEquals(3, r.exit(), r.out() + r.err());
        assertTrue(r.err().contains("lost 14 events"), r.err()); // overrun: 7 on each of the two CPUs
        assertTrue(Files.isRegularFile(out.resolve("meta.txt")));
    }

    @Test
    void refusalsAreOneLineAndWriteNothing(@TempDir Path tmp) throws Exception {
        Map<String, String> env = fakeKernel(tmp, "0");
        Path out = tmp.resolve("bundle");

        Map<String, String> user = new java.util.HashMap<>(env);
        user.put("FRAGTRACE_UID", "1000");
        Result r = run(user, "-o", out.toString(), "-d", "0");
        assertEquals(1, r.exit());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(r.err().contains("must run as root"), r.err());

        Map<String, String> noTracefs = new java.util.HashMap<>(env);
        noTracefs.put("FRAGTRACE_TRACEFS", tmp.resolve("nowhere").toString());
        r = run(noTracefs, "-o", out.toString(), "-d", "0");
        assertEquals(1, r.exit());
        assertTrue(r.err().contains("no tracefs"), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());

        // /proc refuses new folders even to root
        r = run(env, "-o", "/proc/fragtrace-record-test", "-d", "0");
        assertEquals(1, r.exit());
        assertTrue(r.err().contains("cannot write to /proc"), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());

        r = run(env, "-d", "1", "--", "true");
        assertEquals(2, r.exit());
        r = run(env, "-o", out.toString(), "--", "no-such-command-fragtrace");
        assertEquals(2, r.exit());
        assertTrue(r.err().contains("command not found: no-such-command-fragtrace"), r.err());

        assertFalse(Files.exists(out));
        try (Stream<Path> left = Files.list(tmp)) {
            assertTrue(left.noneMatch(x -> x.getFileName().toString().contains(".partial.")));
        }
    }
}
