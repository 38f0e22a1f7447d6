package io.fragtrace.cli;

import io.fragtrace.parser.TraceInput;
import io.fragtrace.parser.TraceInputException;
import picocli.CommandLine.Model.CommandSpec;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The command-line inputs of the commands that use snapshots (replay, validate, diff). */
final class Inputs {
    private Inputs() {
    }

    /** Resolves INPUT and says on stderr when its trace file lies in a bundle (see {@link #noteBundle}). */
    static TraceInput open(CommandSpec spec, String arg) throws TraceInputException {
        TraceInput in = TraceInput.of(arg);
        noteBundle(spec, arg, in);
        return in;
    }

    /**
     * A trace file that lies in a bundle is read with the bundle's snapshots: one line on stderr says so (a newcomer
     * giving BUNDLE/trace.txt.gz should know where the exact start state comes from).
     */
    static void noteBundle(CommandSpec spec, String arg, TraceInput in) {
        Path bundle = in.bundle();
        if (bundle != null && in.file() != null && !Files.isDirectory(Path.of(arg))) {
            List<String> snaps = new ArrayList<>();
            for (String s : List.of("before", "after")) {
                if (Files.isDirectory(bundle.resolve(s))) {
                    snaps.add(s + "/");
                }
            }
            spec.commandLine().getErr().println("fragtrace: " + arg + " lies in a bundle: using the bundle's "
                    + "snapshots in " + bundle + " (" + String.join(", ", snaps) + ")");
            spec.commandLine().getErr().flush();
        }
    }
}
