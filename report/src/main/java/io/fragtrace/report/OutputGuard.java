package io.fragtrace.report;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fragtrace.parser.TraceInput;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * What every command that writes checks before it touches anything (docs/outputs.md). An output folder replaces
 * only nothing, an empty folder, or a previous Fragtrace output, recognised by the {@value #MANIFEST} file listing
 * what Fragtrace wrote into it (one holding files Fragtrace did not write only with {@code --force}). A JSON file
 * replaces only JSON written by Fragtrace, recognised by its top-level {@code "generator": "fragtrace ..."}. No output
 * is, lies inside, or holds an input (real paths compared). A refusal is one line naming the path and the flag.
 */
public final class OutputGuard {
    /** Who wrote a file: the manifest's and every JSON output's top-level {@code generator}. */
    public static final String GENERATOR = "fragtrace 0.1.0";
    /** The file in every output folder that lists the folder's files. */
    public static final String MANIFEST = ".fragtrace-manifest";

    /** Made on first use: building an ObjectMapper loads ~500 classes, half a second of every command's start. */
    private static final class Json {
        static final ObjectMapper MAPPER = new ObjectMapper();
    }

    /** A write the rules forbid; the message is the line the user sees. */
    public static final class Refused extends IOException {
        Refused(String message) {
            super(message);
        }
    }

    private OutputGuard() {
    }

    /** The paths a trace input reads: its file and, when it has one, its bundle folder (snapshots). */
    public static List<Path> inputsOf(TraceInput in) {
        List<Path> paths = new ArrayList<>();
        if (in.bundle() != null) {
            paths.add(in.bundle());
        }
        if (in.file() != null) {
            paths.add(in.file());
        }
        return paths;
    }

    /** Checks that folder {@code out} (the value of {@code flag}) may be written; {@code force}: see the class. */
    public static void checkDir(Path out, String flag, boolean force, Collection<Path> inputs) throws IOException {
        checkInputs(out, flag, inputs);
        if (!Files.exists(out)) {
            return;
        }
        if (!Files.isDirectory(out)) {
            throw new Refused(out + ": exists and is not a folder, not replaced; choose another " + flag);
        }
        if (isEmpty(out)) {
            return;
        }
        List<String> extra = notWrittenByUs(out);
        if (extra == null) {
            throw new Refused(out + ": folder exists and is not a Fragtrace output (no " + MANIFEST
                    + "), not replaced" + (force ? " even with --force" : "") + "; choose another " + flag);
        }
        if (!extra.isEmpty() && !force) {
            throw new Refused(out + ": Fragtrace output holding files Fragtrace did not write (" + extra.get(0)
                    + (extra.size() > 1 ? " and " + (extra.size() - 1) + " more" : "") + "), not replaced; choose "
                    + "another " + flag + ", or add --force to replace it");
        }
    }

    /** Checks that {@code file} (the value of {@code flag}, a JSON output) may be written. */
    public static void checkJsonFile(Path file, String flag, Collection<Path> inputs) throws IOException {
        checkInputs(file, flag, inputs);
        if (!Files.exists(file)) {
            return;
        }
        if (!Files.isRegularFile(file)) {
            throw new Refused(file + ": exists and is not a file, not replaced; choose another " + flag);
        }
        if (!isFragtraceJson(file)) {
            throw new Refused(file + ": exists and is not JSON written by Fragtrace (no top-level \"generator\": \""
                    + "fragtrace ...\"), not replaced; choose another " + flag);
        }
    }

    /**
     * The last check before a folder is replaced (the caller checked the flags before its work): the target is
     * absent, an empty folder or a folder with a manifest; never a foreign folder or a file.
     */
    static void checkReplaceable(Path target) throws IOException {
        if (Files.exists(target, LinkOption.NOFOLLOW_LINKS) && !(Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)
                && (isEmpty(target) || notWrittenByUs(target) != null))) {
            throw new Refused(target + ": exists and is not a Fragtrace output, not replaced");
        }
    }

    /** No output is an input, lies inside one (a bundle folder), or holds one; nor lies under a file. */
    private static void checkInputs(Path out, String flag, Collection<Path> inputs) throws IOException {
        Path o = real(out);
        for (Path a = o.getParent(); a != null; a = a.getParent()) {
            if (Files.exists(a)) {
                if (!Files.isDirectory(a)) {
                    throw new Refused(out + ": " + a + " is a file, not a folder; choose another " + flag);
                }
                break;
            }
        }
        for (Path in : inputs) {
            Path i = real(in);
            if (o.startsWith(i)) {
                throw new Refused(out + ": " + (o.equals(i) ? "is" : "lies inside") + " the input " + in
                        + ", not written; choose another " + flag);
            }
            if (i.startsWith(o)) {
                throw new Refused(out + ": holds the input " + in + ", not replaced; choose another " + flag);
            }
        }
    }

    /** The real path of {@code p}, which may not exist yet: its longest existing ancestor resolved, then the rest. */
    static Path real(Path p) throws IOException {
        Path abs = p.toAbsolutePath().normalize();
        Path existing = abs;
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        if (existing == null) {
            return abs;
        }
        return existing.toRealPath().resolve(existing.relativize(abs));
    }

    private static boolean isEmpty(Path dir) throws IOException {
        try (DirectoryStream<Path> s = Files.newDirectoryStream(dir)) {
            return !s.iterator().hasNext();
        }
    }

    /**
     * The files of folder {@code dir} its manifest does not list (sorted), or null when it has no readable manifest
     * written by Fragtrace.
     */
    static List<String> notWrittenByUs(Path dir) throws IOException {
        Path m = dir.resolve(MANIFEST);
        if (!Files.isRegularFile(m, LinkOption.NOFOLLOW_LINKS)) {
            return null;
        }
        Set<String> listed = new HashSet<>();
        try {
            JsonNode n = Json.MAPPER.readTree(m.toFile());
            if (n == null || !n.path("generator").asText("").startsWith("fragtrace") || !n.path("files").isArray()) {
                return null;
            }
            n.get("files").forEach(f -> listed.add(f.asText()));
        } catch (com.fasterxml.jackson.core.JacksonException e) {
            return null;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(p -> !Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)).map(p -> name(dir, p))
                    .filter(f -> !f.equals(MANIFEST) && !listed.contains(f)).sorted().toList();
        }
    }

    /** The manifest's name for a file of an output folder: its relative path with '/' separators. */
    static String name(Path dir, Path file) {
        return dir.relativize(file).toString().replace(dir.getFileSystem().getSeparator(), "/");
    }

    /** Whether the file is a JSON object whose top-level "generator" starts with "fragtrace" (read until found). */
    static boolean isFragtraceJson(Path file) {
        try (JsonParser p = new JsonFactory().createParser(file.toFile())) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return false;
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.getCurrentName();
                JsonToken v = p.nextToken();
                if (field.equals("generator")) {
                    return v == JsonToken.VALUE_STRING && p.getText().startsWith("fragtrace");
                }
                p.skipChildren();
            }
            return false;
        } catch (IOException e) {
            return false;
        }
    }
}
