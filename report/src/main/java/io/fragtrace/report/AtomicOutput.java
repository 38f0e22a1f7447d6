package io.fragtrace.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Outputs are written completely or not at all: into a temporary sibling first, then renamed into place. A failure
 * leaves the previous file or folder untouched and removes the temporary; so does {@link #abandonAll()}, which the
 * CLI's shutdown hook calls on SIGINT/SIGTERM. Temporaries are created with default permissions, so outputs get
 * the user's umask. Every folder written here gets the {@link OutputGuard#MANIFEST} listing its files.
 */
public final class AtomicOutput {
    /** Writes one file. */
    public interface FileWriter {
        void write(OutputStream out) throws IOException;
    }

    /** Fills a folder. */
    public interface DirWriter {
        void write(Path dir) throws IOException;
    }

    /** A temporary this process created: the output it becomes, and whether it holds a previous output to restore. */
    private record Pending(Path target, boolean previous) {
    }

    private static final Object LOCK = new Object();
    /** Guarded by LOCK: temporaries not yet renamed into place or removed. */
    private static final Map<Path, Pending> PENDING = new LinkedHashMap<>();
    /** Guarded by LOCK: outputs renamed into place (not those inside a temporary). */
    private static final List<Path> COMPLETED = new ArrayList<>();
    private static volatile boolean abandoned;
    private static final SecureRandom RANDOM = new SecureRandom();

    private AtomicOutput() {
    }

    public static void writeFile(Path target, FileWriter writer) throws IOException {
        Path abs = OutputGuard.real(target);
        Path parent = abs.getParent();
        Files.createDirectories(parent);
        Path tmp = createTemp(abs, false);
        try {
            try (OutputStream out = Files.newOutputStream(tmp)) {
                writer.write(out);
            }
            synchronized (LOCK) {
                checkNotAbandoned();
                move(tmp, abs);
                PENDING.remove(tmp);
                completed(abs);
            }
            listInManifest(abs);
        } finally {
            discard(tmp);
        }
    }

    /**
     * A file written into an existing output folder (a rebuilt report.html and its charts) is added to the folder's
     * manifest: it is Fragtrace's, so it does not make the folder look like the user's.
     */
    private static void listInManifest(Path file) throws IOException {
        Path dir = file.getParent();
        List<String> unlisted = OutputGuard.notWrittenByUs(dir);
        if (unlisted != null && unlisted.contains(file.getFileName().toString())) {
            ObjectNode m = (ObjectNode) new ObjectMapper().readTree(dir.resolve(OutputGuard.MANIFEST).toFile());
            List<String> names = new ArrayList<>();
            m.get("files").forEach(f -> names.add(f.asText()));
            names.add(file.getFileName().toString());
            writeManifest(dir, m, names);
        }
    }

    /**
     * A JSON output ({@code --json FILE}): checked by {@link OutputGuard#checkJsonFile} once more just before it is
     * written (the caller checks before its work too), then written like {@link #writeFile}.
     */
    public static void writeJsonFile(Path target, String flag, Collection<Path> inputs, FileWriter writer)
            throws IOException {
        OutputGuard.checkJsonFile(target, flag, inputs);
        writeFile(target, writer);
    }

    /**
     * Writes a whole folder with its manifest. An existing folder of that name is replaced only once the new one is
     * complete, and only when it is empty or a previous Fragtrace output (the caller checked its flags before its
     * work with {@link OutputGuard#checkDir}; this is the last check).
     */
    public static void writeDir(Path target, DirWriter writer) throws IOException {
        Path abs = OutputGuard.real(target);
        Path parent = abs.getParent();
        Files.createDirectories(parent);
        Path tmp = createTemp(abs, true);
        Path old = null;
        try {
            writer.write(tmp);
            writeManifest(tmp);
            synchronized (LOCK) {
                checkNotAbandoned();
                OutputGuard.checkReplaceable(abs);
                if (Files.exists(abs, LinkOption.NOFOLLOW_LINKS)) {
                    old = freeName(abs, "old");
                    PENDING.put(old, new Pending(abs, true));
                    Files.move(abs, old);
                }
                try {
                    move(tmp, abs);
                } catch (IOException e) {
                    if (old != null) {
                        Files.move(old, abs);
                        PENDING.remove(old);
                        old = null;
                    }
                    throw e;
                }
                PENDING.remove(tmp);
                completed(abs);
            }
            if (old != null) {
                discard(old);
            }
        } finally {
            discard(tmp);
        }
    }

    /**
     * A registered temporary folder beside {@code target} for work that ends up in {@code target} (diff's runs);
     * remove it with {@link #discard}. Removed by {@link #abandonAll()} on interruption.
     */
    public static Path tempDirFor(Path target) throws IOException {
        Path abs = OutputGuard.real(target);
        Files.createDirectories(abs.getParent());
        return createTemp(abs, true);
    }

    /** Removes a temporary of this class (file or folder) if it still exists. */
    public static void discard(Path tmp) throws IOException {
        if (Files.exists(tmp, LinkOption.NOFOLLOW_LINKS)) {
            deleteTree(tmp);
        }
        synchronized (LOCK) {
            PENDING.remove(tmp);
        }
    }

    /**
     * On interruption: no temporary is renamed into place from now on; each one is removed (a previous output that
     * was being replaced is put back). Returns the removed temporaries with the output each would have become.
     */
    public static Map<Path, Path> abandonAll() {
        Map<Path, Path> removed = new LinkedHashMap<>();
        synchronized (LOCK) {
            abandoned = true;
            for (Map.Entry<Path, Pending> e : PENDING.entrySet()) {
                Path tmp = e.getKey();
                Pending p = e.getValue();
                try {
                    if (p.previous() && !Files.exists(p.target(), LinkOption.NOFOLLOW_LINKS)) {
                        Files.move(tmp, p.target());
                        continue;
                    }
                    removeWhileWritten(tmp);
                    if (!p.previous() && removed.keySet().stream().noneMatch(tmp::startsWith)) {
                        removed.put(tmp, p.target());
                    }
                } catch (IOException ex) {
                    // the JVM is exiting: nothing better to do than leave this one
                }
            }
            PENDING.clear();
        }
        return removed;
    }

    /** Guarded by LOCK. */
    private static void completed(Path output) {
        if (PENDING.keySet().stream().noneMatch(output::startsWith) && !COMPLETED.contains(output)) {
            COMPLETED.add(output);
        }
    }

    /** The outputs this process has renamed into place, complete (for the message of an interrupted run). */
    public static List<Path> completedOutputs() {
        synchronized (LOCK) {
            return List.copyOf(COMPLETED);
        }
    }

    /** Whether {@link #abandonAll()} has run (errors of the interrupted work are not worth reporting then). */
    public static boolean abandoned() {
        return abandoned;
    }

    /** The folder may still be written by the interrupted thread: removed again until it stays gone for 50 ms. */
    private static void removeWhileWritten(Path tmp) throws IOException {
        for (int i = 0; ; i++) {
            IOException failed = null;
            try {
                deleteTree(tmp);
            } catch (IOException e) {
                failed = e;
            }
            try {
                Thread.sleep(failed == null ? 50 : 20);
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
                return;
            }
            if (failed == null && !Files.exists(tmp, LinkOption.NOFOLLOW_LINKS)) {
                return;
            }
            if (i == 50) {
                throw failed != null ? failed : new IOException(tmp + ": still being written");
            }
        }
    }

    private static void checkNotAbandoned() throws IOException {
        if (abandoned) {
            throw new IOException("interrupted");
        }
    }

    /**
     * A new sibling {@code .NAME.fragtrace-tmp-RANDOM} of the target, created here without explicit permissions
     * (unlike Files.createTempFile/-Directory, which make 0600/0700): the user's umask applies.
     */
    private static Path createTemp(Path target, boolean dir) throws IOException {
        synchronized (LOCK) {
            checkNotAbandoned();
            for (int attempt = 0; ; attempt++) {
                Path p = freeName(target, "tmp");
                try {
                    if (dir) {
                        Files.createDirectory(p);
                    } else {
                        Files.createFile(p);
                    }
                    PENDING.put(p, new Pending(target, false));
                    return p;
                } catch (FileAlreadyExistsException e) {
                    if (attempt == 100) {
                        throw e;
                    }
                }
            }
        }
    }

    private static Path freeName(Path target, String kind) {
        return target.resolveSibling("." + target.getFileName() + ".fragtrace-" + kind + "-"
                + Long.toString(RANDOM.nextLong() & Long.MAX_VALUE, 36));
    }

    /** The manifest: generator and every file of the folder (relative, '/'-separated), the manifest excepted. */
    private static void writeManifest(Path dir) throws IOException {
        ObjectNode m = new ObjectMapper().createObjectNode();
        m.put("generator", OutputGuard.GENERATOR);
        m.put("about", "a folder written by Fragtrace: a later run with this folder as its output replaces it; "
                + "files added here make it refuse to unless --force (docs/outputs.md)");
        List<String> names = new ArrayList<>();
        try (Stream<Path> s = Files.walk(dir)) {
            s.filter(p -> !Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)).map(p -> OutputGuard.name(dir, p))
                    .filter(n -> !n.equals(OutputGuard.MANIFEST)).forEach(names::add);
        }
        writeManifest(dir, m, names);
    }

    /** Writes manifest {@code m} with {@code names} (sorted) as its files, through a temporary sibling. */
    private static void writeManifest(Path dir, ObjectNode m, List<String> names) throws IOException {
        var files = m.putArray("files");
        names.stream().sorted().forEach(files::add);
        DefaultPrettyPrinter pretty = new DefaultPrettyPrinter()
                .withArrayIndenter(DefaultIndenter.SYSTEM_LINEFEED_INSTANCE);
        Path target = dir.resolve(OutputGuard.MANIFEST);
        Path tmp = createTemp(target, false);
        try {
            try (OutputStream o = Files.newOutputStream(tmp)) {
                new ObjectMapper().disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET).writer(pretty).writeValue(o, m);
                o.write('\n');
            }
            move(tmp, target);
        } finally {
            discard(tmp);
        }
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** Removes a folder and everything in it (or a file); entries removed meanwhile by someone else are fine. */
    public static void deleteTree(Path dir) throws IOException {
        for (int attempt = 0; Files.exists(dir, LinkOption.NOFOLLOW_LINKS); attempt++) {
            try (Stream<Path> s = Files.walk(dir)) {
                for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            } catch (NoSuchFileException | java.nio.file.DirectoryNotEmptyException e) {
                if (attempt == 3) {
                    throw e;
                }
            } catch (java.io.UncheckedIOException e) {
                if (attempt == 3 || !(e.getCause() instanceof NoSuchFileException)) {
                    throw e.getCause();
                }
            }
        }
    }
}
