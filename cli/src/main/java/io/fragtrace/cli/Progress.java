package io.fragtrace.cli;

import io.fragtrace.parser.TraceInput;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * A progress bar on stderr for long runs: stored bytes read of the file size, MB/s, ETA, and events/s when the
 * command counts them (events may be null). It polls the
 * input's byte counter from its own thread, so the parse loop pays nothing. Off with --quiet or when stderr is
 * not a terminal.
 */
final class Progress implements AutoCloseable {
    private final ProgressBar bar;
    private final ScheduledExecutorService ticker;

    private Progress(ProgressBar bar, ScheduledExecutorService ticker) {
        this.bar = bar;
        this.ticker = ticker;
    }

    static Progress start(TraceInput in, boolean quiet, LongSupplier events) {
        if (quiet || !stderrIsTerminal() || System.getenv("CI") != null) {
            return new Progress(null, null);
        }
        long size = in.sizeBytes();
        ProgressBar bar = new ProgressBarBuilder().setTaskName("reading").setInitialMax(size > 0 ? size : -1)
                .setStyle(ProgressBarStyle.ASCII).setUnit(" MB", 1_000_000).showSpeed()
                .setConsumer(new me.tongfei.progressbar.InteractiveConsoleProgressBarConsumer(System.err))
                .setUpdateIntervalMillis(250).build();
        ScheduledExecutorService t = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread th = new Thread(r, "progress");
            th.setDaemon(true);
            return th;
        });
        long t0 = System.nanoTime();
        t.scheduleAtFixedRate(() -> {
            bar.stepTo(in.rawBytesRead());
            if (events != null) {
                double s = (System.nanoTime() - t0) / 1e9;
                bar.setExtraMessage(String.format(" %.1f M events/s", events.getAsLong() / Math.max(s, 1e-3) / 1e6));
            }
        }, 250, 250, TimeUnit.MILLISECONDS);
        return new Progress(bar, t);
    }

    /** Whether a bar is drawn. */
    boolean active() {
        return bar != null;
    }

    /**
     * Whether stderr, where the bar goes, is a terminal: on Linux what fd 2 points at (a pty or tty), elsewhere
     * whether the JVM has a console. A redirected stderr ({@code 2> log}, a pipe) gets no bar.
     */
    static boolean stderrIsTerminal() {
        java.nio.file.Path fd2 = java.nio.file.Path.of("/proc/self/fd/2");
        try {
            String target = java.nio.file.Files.readSymbolicLink(fd2).toString();
            return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty") || target.equals("/dev/console");
        } catch (java.io.IOException | UnsupportedOperationException | SecurityException e) {
            return System.console() != null;
        }
    }

    @Override
    public void close() {
        if (ticker != null) {
            ticker.shutdownNow();
            bar.close();
        }
    }
}
