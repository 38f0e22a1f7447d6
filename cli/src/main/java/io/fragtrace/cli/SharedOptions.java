package io.fragtrace.cli;

import io.fragtrace.replay.Instant;
import io.fragtrace.replay.model.KernelSemantics;
import io.fragtrace.report.AtomicOutput;
import io.fragtrace.report.OutputGuard;
import io.fragtrace.report.calibrate.FirstCompactionPhase;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Collection;

/**
 * The options several commands take, each declared once (picocli mixins, {@code @Mixin}): one name, one meaning and
 * one help line wherever it appears. What a command's JSON or output folder holds is said in its own help footer.
 */
final class SharedOptions {
    private SharedOptions() {
    }

    /** -q / --quiet. */
    static final class Quiet {
        @Option(names = {"-q", "--quiet"}, description = "no progress bar on stderr")
        boolean on;
    }

    /** --kernel: the semantics object a replay applies (one rule for every observed-mode command). */
    static final class Kernel {
        @Option(names = "--kernel", paramLabel = "VERSION", description = "kernel semantics to apply, e.g. 6.1 or "
                + "6.12 (default: from the bundle's guest/uname.txt or buddydump header, else 6.1)")
        String release;

        /** The chosen semantics, or null for the bundle's own. */
        KernelSemantics semantics() {
            return release == null ? null : KernelSemantics.forRelease(release);
        }
    }

    /** --from TIME: a simulation from the kernel's own state at an instant instead of before/. */
    static final class From {
        @Option(names = "--from", paramLabel = "TIME", description = "simulate from the kernel's own state at TIME "
                + "(seconds on the trace clock, or a marker name as fragtrace at takes it), the observed replay up to "
                + "it, instead of before/; only what follows TIME is compared with the kernel. calibrate also takes "
                + FirstCompactionPhase.KEYWORD + ": each bundle from the marker opening the phase of its first "
                + "compaction")
        String time;

        /** --from first-compaction (calibrate: the instant is each bundle's, {@link FirstCompactionPhase}). */
        boolean firstCompaction() {
            return FirstCompactionPhase.KEYWORD.equals(time);
        }

        /** The instant, or null when --from was not given; a usage error for a malformed one. */
        Instant instant(CommandSpec spec) {
            if (time == null) {
                return null;
            }
            if (firstCompaction()) {
                throw new ParameterException(spec.commandLine(), "--from " + FirstCompactionPhase.KEYWORD
                        + " picks an instant per bundle and is calibrate's; give a time or a marker");
            }
            try {
                return Instant.parse(time);
            } catch (IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(), e.getMessage().replace("--time", "--from"));
            }
        }
    }

    /** --force, for a command that writes an output folder (--out DIR). */
    static final class Force {
        @Option(names = "--force", description = "replace DIR also when it is a Fragtrace output holding files "
                + "Fragtrace did not write (never a folder Fragtrace did not write)")
        boolean on;

        /** Refuses an --out DIR that may not be replaced (OutputGuard.checkDir), before any work. */
        void checkOut(Path out, Collection<Path> inputs) throws IOException {
            OutputGuard.checkDir(out, "--out", on, inputs);
        }
    }

    /** --json FILE|-: JSON to a file, written completely or not at all, or to stdout in place of the text. */
    static final class Json {
        @Option(names = "--json", paramLabel = "FILE|-", description = "also write the results as JSON to FILE "
                + "(written completely or not at all; an existing FILE is replaced only when it is JSON written by "
                + "Fragtrace); - writes the JSON to stdout instead of the text")
        String target;

        boolean given() {
            return target != null;
        }

        /** --json -: JSON alone on stdout. */
        boolean toStdout() {
            return "-".equals(target);
        }

        /** The JSON file, null without one. */
        Path file() {
            return target == null || toStdout() ? null : Path.of(target);
        }

        /** Refuses a FILE that may not be replaced (OutputGuard.checkJsonFile), before any work. */
        void check(Collection<Path> inputs) throws IOException {
            if (file() != null) {
                OutputGuard.checkJsonFile(file(), "--json", inputs);
            }
        }

        /** Writes the JSON file (when there is one), completely or not at all. */
        void writeFile(Collection<Path> inputs, AtomicOutput.FileWriter writer) throws IOException {
            if (file() != null) {
                AtomicOutput.writeJsonFile(file(), "--json", inputs, writer);
            }
        }

        /** Prints the JSON on stdout (--json -). */
        static void print(PrintWriter out, AtomicOutput.FileWriter writer) throws IOException {
            ByteArrayOutputStream buf = new ByteArrayOutputStream();
            writer.write(buf);
            out.print(buf.toString(StandardCharsets.UTF_8));
        }
    }
}
