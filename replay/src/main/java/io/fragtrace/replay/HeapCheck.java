package io.fragtrace.replay;

import io.fragtrace.parser.TraceInputException;

/**
 * Refuses, with one line naming the heap needed and the flag that gives it, a model the JVM's heap cannot hold,
 * before anything is allocated (instead of an OutOfMemoryError deep in a replay). The estimate is the model's own
 * layout ({@link io.fragtrace.replay.model.BuddyModel}): 2 bytes of state per pfn, 8 bytes of list links per pfn
 * in the chunks that hold list members (all of them, at worst), 19 bytes per pageblock, plus a working margin for
 * the parser, samples and report.
 */
public final class HeapCheck {
    static final long MARGIN = 256L << 20;

    private HeapCheck() {
    }

    /** Heap bytes a model of pfns pfns needs at most. */
    public static long bytesFor(long pfns) {
        return pfns * 10 + (pfns >> 9) * 19 + MARGIN;
    }

    /** Throws when pfns would not fit in maxHeap bytes of heap. */
    public static void require(String what, long pfns, long maxHeap) throws TraceInputException {
        long need = bytesFor(pfns);
        if (need > maxHeap) {
            long gb = (need + (1L << 30) - 1) >> 30;
            throw new TraceInputException(String.format("%s: modelling %s (%d pfns) needs about %d GB of Java heap, "
                    + "this JVM has %.1f GB; run with FRAGTRACE_JAVA_OPTS=-Xmx%dg", what, size(pfns << 12), pfns, gb,
                    maxHeap / (double) (1L << 30), gb + 1));
        }
    }

    /** {@link #require} against this JVM's -Xmx. */
    public static void require(String what, long pfns) throws TraceInputException {
        require(what, pfns, Runtime.getRuntime().maxMemory());
    }

    private static String size(long bytes) {
        return bytes >= 1L << 40 ? String.format("%.1f TiB", bytes / (double) (1L << 40))
                : String.format("%.1f GiB", bytes / (double) (1L << 30));
    }
}
