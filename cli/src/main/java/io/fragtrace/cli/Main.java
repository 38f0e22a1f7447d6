package io.fragtrace.cli;

import io.fragtrace.parser.TraceInputException;
import io.fragtrace.report.AtomicOutput;
import io.fragtrace.report.OutputGuard;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** The {@code fragtrace} command. Exit codes: 0 ok, 1 validation mismatch, 2 usage or input error. */
@Command(name = "fragtrace", mixinStandardHelpOptions = true, version = OutputGuard.GENERATOR,
        description = "Linux kernel page-allocator traces to an exact picture of physical-memory fragmentation.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:success", "1:validation found a mismatch (calibrate --check: a bar failed)",
                "2:usage or input error"})
public final class Main {
    /**
     * The subcommands, in the order {@code --help} lists them (then {@code help}). Added by {@link #commandLine}, not
     * by the annotation: a run of one command builds only that command's model (picocli's reflection over every
     * command's options took ~0.17 s of CPU at each start, a tenth of {@code stats} on a 200 MB trace).
     */
    private static final Class<?>[] SUBCOMMANDS = {ReplayCommand.class, ValidateCommand.class, AtCommand.class,
            BlameCommand.class, DiffCommand.class, CalibrateCommand.class, StatsCommand.class, ConfigsCommand.class,
            BenchCommand.class};

    public static final int EXIT_OK = 0;
    public static final int EXIT_MISMATCH = 1;
    public static final int EXIT_USAGE = 2;

    public static void main(String[] args) {
        Thread cleanup = new Thread(Main::interrupted, "fragtrace-interrupted");
        Runtime.getRuntime().addShutdownHook(cleanup);
        int exit = run(args);
        try {
            Runtime.getRuntime().removeShutdownHook(cleanup);
        } catch (IllegalStateException e) {
            return; // a signal arrived meanwhile: the hook runs and the JVM exits with the signal's code
        }
        System.exit(exit);
    }

    /**
     * The shutdown hook of a run that did not finish (SIGINT, SIGTERM): its temporary outputs are removed and one line
     * says so; the JVM then exits with 128 + the signal number (130, 143).
     */
    static void interrupted() {
        Map<Path, Path> removed = AtomicOutput.abandonAll();
        List<Path> done = AtomicOutput.completedOutputs();
        String what = removed.isEmpty() ? (done.isEmpty() ? "nothing was written" : done.stream().map(Path::toString)
                .collect(Collectors.joining(", ")) + " written completely before")
                : removed.entrySet().stream().map(e -> e.getValue() + (Files.exists(e.getValue()) ? " left as it was"
                        : " not written") + " (removed the unfinished " + e.getKey().getFileName() + ")")
                        .collect(Collectors.joining("; "));
        String newLine = System.console() != null ? System.lineSeparator() : ""; // after a progress bar
        System.err.println(newLine + "fragtrace: interrupted; " + what);
        System.err.flush();
    }

    /** Runs the command line; never throws, never prints a stack trace (set FRAGTRACE_DEBUG=1 for one). */
    public static int run(String... args) {
        CommandLine cl = commandLine(args.length > 0 ? args[0] : null);
        return cl.execute(args);
    }

    /** The whole command line, every subcommand. */
    static CommandLine commandLine() {
        return commandLine(null);
    }

    /**
     * The command line for arguments that start with {@code first}: when that names a subcommand, only that one
     * (the parse, the messages and the help of that command are the same), else all of them and {@code help}.
     */
    static CommandLine commandLine(String first) {
        Class<?> only = null;
        for (Class<?> c : SUBCOMMANDS) {
            if (c.getAnnotation(Command.class).name().equals(first)) {
                only = c;
            }
        }
        CommandLine cl = new CommandLine(new Main());
        for (Class<?> c : SUBCOMMANDS) {
            if (only == null || c == only) {
                cl.addSubcommand(c);
            }
        }
        if (only == null) {
            cl.addSubcommand(CommandLine.HelpCommand.class);
        }
        HelpParagraphs.apply(cl);
        cl.setUsageHelpAutoWidth(true); // examples unbroken in a wide terminal; 80 columns when piped
        cl.setParameterExceptionHandler((ex, a) -> {
            PrintWriter err = ex.getCommandLine().getErr();
            err.println("fragtrace: " + ex.getMessage() + " (see '" + ex.getCommandLine().getCommandSpec().qualifiedName()
                    + " --help')");
            return EXIT_USAGE;
        });
        cl.setExecutionExceptionHandler((ex, c, parsed) -> {
            if (AtomicOutput.abandoned()) {
                return EXIT_USAGE; // interrupted: the shutdown hook reports it, the JVM exits with 130/143
            }
            if (System.getenv("FRAGTRACE_DEBUG") != null) {
                ex.printStackTrace(c.getErr());
            }
            c.getErr().println("fragtrace: " + oneLine(ex));
            return EXIT_USAGE;
        });
        return cl;
    }

    static String oneLine(Throwable ex) {
        if (ex instanceof TraceInputException || ex instanceof OutputGuard.Refused
                || ex instanceof io.fragtrace.replay.config.ConfigException
                || ex instanceof io.fragtrace.replay.snapshot.SnapshotException) {
            return ex.getMessage();
        }
        if (ex instanceof UncheckedIOException u) {
            ex = u.getCause();
        }
        if (ex instanceof java.nio.file.NoSuchFileException n) {
            return n.getFile() + ": no such file or directory";
        }
        if (ex instanceof java.nio.file.AccessDeniedException a) {
            return a.getFile() + ": permission denied";
        }
        if (ex instanceof IOException) {
            return "I/O error: " + ex.getMessage();
        }
        String msg = ex.getMessage();
        return msg == null ? ex.getClass().getSimpleName() : msg;
    }
}
