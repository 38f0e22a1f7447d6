package io.fragtrace.report.html;

import org.knowm.xchart.internal.chartpart.Chart;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.FutureTask;

/**
 * The PNGs of a report's time charts, rendered on the other cores while the page is put together (rendering and
 * PNG encoding are most of a report's cost; each XChart chart is independent, and its bytes do not depend on the
 * thread). The page's own thread takes what is still queued at the end, so one core is enough.
 */
final class PngRenders implements AutoCloseable {
    private final ConcurrentLinkedQueue<FutureTask<byte[]>> queue = new ConcurrentLinkedQueue<>();
    private final Map<String, FutureTask<byte[]>> byName = new LinkedHashMap<>();
    private final ExecutorService pool;

    PngRenders() {
        int threads = Math.max(1, Runtime.getRuntime().availableProcessors() - 1);
        pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "fragtrace-png");
            t.setDaemon(true);
            return t;
        });
    }

    /** Queues the chart's PNG under {@code name}; the chart must not change afterwards. */
    void submit(String name, Chart<?, ?> chart) {
        FutureTask<byte[]> t = new FutureTask<>(() -> Charts.png(chart));
        byName.put(name, t);
        queue.add(t);
        pool.execute(this::runOne);
    }

    private void runOne() {
        FutureTask<byte[]> t = queue.poll();
        if (t != null) {
            t.run();
        }
    }

    /** Waits for every PNG (rendering what is still queued on this thread) and puts each under its name. */
    void into(Map<String, byte[]> files) {
        for (FutureTask<byte[]> t; (t = queue.poll()) != null; ) {
            t.run();
        }
        for (Map.Entry<String, FutureTask<byte[]>> e : byName.entrySet()) {
            try {
                files.put(e.getKey(), e.getValue().get());
            } catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while rendering " + e.getKey(), ex);
            } catch (ExecutionException ex) {
                if (ex.getCause() instanceof RuntimeException r) {
                    throw r;
                }
                if (ex.getCause() instanceof Error err) {
                    throw err;
                }
                throw new IllegalStateException(ex.getCause());
            }
        }
        byName.clear();
    }

    @Override
    public void close() {
        pool.shutdownNow();
    }
}
