package io.fragtrace.bench;

import io.fragtrace.parser.EventLog;
import io.fragtrace.replay.ObservedReplay;
import io.fragtrace.replay.model.BuddyModel;
import io.fragtrace.replay.model.KernelSemantics;
import io.fragtrace.replay.model.Zone;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * Memory is bounded by the modelled RAM, not by the trace: a 1 TiB zone (2^28 pfns of 4 KiB), fully free in order-10
 * blocks, in a 4 GB heap (the fork's -Xmx4g; an OutOfMemoryError fails the run). Each op replays a synthetic trace
 * of order-4 allocations and frees at random places over the whole range: zone_locked splits an order-10 block down
 * (expand()), the free merges it back up (__free_one_page()). Setup prints the heap in use.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xmx4g"})
public class LargeModelBenchmark {
    static final long PFNS = 1L << 28;
    static final long START = 1L << 20;
    static final int STEPS = 200_000;

    private EventLog log;
    private ObservedReplay replay;

    @Setup(Level.Trial)
    public void setup() {
        StringBuilder sb = new StringBuilder(STEPS * 3 * 100);
        SplittableRandom rnd = new SplittableRandom(42);
        long us = 0;
        for (int i = 0; i < STEPS; i++) {
            long pfn = START + rnd.nextLong(PFNS / 16) * 16;
            String hex = Long.toHexString(pfn);
            line(sb, us++, "mm_page_alloc_zone_locked: page=0 pfn=0x" + hex + " order=4 migratetype=1 percpu_refill=0");
            line(sb, us++, "mm_page_alloc: page=0 pfn=0x" + hex + " order=4 migratetype=1 gfp_flags=GFP_KERNEL");
            line(sb, us++, "mm_page_free: page=0 pfn=0x" + hex + " order=4");
        }
        log = EventLog.record(new ByteArrayInputStream(sb.toString().getBytes(StandardCharsets.US_ASCII)), "synthetic");
        replay = new ObservedReplay(model());
        log.replay(replay);
        Runtime rt = Runtime.getRuntime();
        System.gc();
        System.out.printf("%n[1 TiB model] %d events per op, heap in use %.2f GB of max %.2f GB, %d link chunks%n",
                log.size(), (rt.totalMemory() - rt.freeMemory()) / 1e9, rt.maxMemory() / 1e9,
                replay.model().chunksAllocated());
    }

    private static void line(StringBuilder sb, long us, String event) {
        sb.append("synth-1 [000] ..... ").append(us / 1_000_000).append('.')
                .append(String.format("%06d", us % 1_000_000)).append(": ").append(event).append('\n');
    }

    static BuddyModel model() {
        Zone z = new Zone(0, 0, "Normal", START, PFNS);
        BuddyModel m = new BuddyModel(KernelSemantics.forRelease("6.1"), List.of(z), 2);
        for (long p = START; p < START + PFNS; p += 1024) {
            m.addToFreeList(0, p, 10, 1, true);
        }
        return m;
    }

    /** Replays the whole synthetic trace again; the model returns to fully free after each op. */
    @Benchmark
    public long replay() {
        log.replay(replay);
        return replay.eventsApplied();
    }
}
