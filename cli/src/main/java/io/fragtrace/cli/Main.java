package io.fragtrace.cli;

import io.fragtrace.parser.TraceInputException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;

/** The {@code fragtrace} command. Exit codes: 0 ok, 1 validation mismatch, 2 usage or input error. */
@Command(name = "fragtrace", mixinStandardHelpOptions = true, version = "fragtrace 0.1.0",
        description = "Linux kernel page-allocator traces to an exact picture of physical-memory fragmentation.",
        subcommands = {ReplayCommand.class, ValidateCommand.class, DiffCommand.class, StatsCommand.class,
                ConfigsCommand.class, BenchCommand.class, CommandLine.HelpCommand.class},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:success", "1:validation found a mismatch", "2:usage or input error"})
public final class Main {
    public static final int EXIT_OK = 0;
    public static final int EXIT_MISMATCH = 1;
    public static final int EXIT_USAGE = 2;

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the command line; never throws, never prints a stack trace (set FRAGTRACE_DEBUG=1 for one). */
    public static int run(String... args) {
        CommandLine cl = commandLine();
        return cl.execute(args);
    }

    static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Main());
        cl.setParameterExceptionHandler((ex, a) -> {
            PrintWriter err = ex.getCommandLine().getErr();
            err.println("fragtrace: " + ex.getMessage() + " (see '" + ex.getCommandLine().getCommandSpec().qualifiedName()
                    + " --help')");
            return EXIT_USAGE;
        });
        cl.setExecutionExceptionHandler((ex, c, parsed) -> {
            if (System.getenv("FRAGTRACE_DEBUG") != null) {
                ex.printStackTrace(c.getErr());
            }
            c.getErr().println("fragtrace: " + oneLine(ex));
            return EXIT_USAGE;
        });
        return cl;
    }

    static String oneLine(Throwable ex) {
        if (ex instanceof TraceInputException || ex instanceof io.fragtrace.replay.config.ConfigException
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
