package io.fragtrace.report;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Outputs are written completely or not at all: into a temporary sibling first, then renamed into place.
 * A failure leaves the previous file or folder untouched and removes the temporary.
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

    private AtomicOutput() {
    }

    public static void writeFile(Path target, FileWriter writer) throws IOException {
        Path abs = target.toAbsolutePath();
        Path parent = abs.getParent();
        Files.createDirectories(parent);
        Path tmp = Files.createTempFile(parent, "." + abs.getFileName(), ".tmp");
        try {
            try (OutputStream out = Files.newOutputStream(tmp)) {
                writer.write(out);
            }
            move(tmp, abs);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** Writes a whole folder; an existing folder of that name is replaced only once the new one is complete. */
    public static void writeDir(Path target, DirWriter writer) throws IOException {
        Path abs = target.toAbsolutePath();
        Path parent = abs.getParent();
        Files.createDirectories(parent);
        Path tmp = Files.createTempDirectory(parent, "." + abs.getFileName() + ".");
        try {
            writer.write(tmp);
            if (Files.exists(abs)) {
                Path old = Files.createTempDirectory(parent, "." + abs.getFileName() + ".old.");
                Files.delete(old);
                Files.move(abs, old);
                move(tmp, abs);
                deleteTree(old);
            } else {
                move(tmp, abs);
            }
        } finally {
            if (Files.exists(tmp)) {
                deleteTree(tmp);
            }
        }
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** Removes a folder and everything in it. */
    public static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.delete(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }
}
