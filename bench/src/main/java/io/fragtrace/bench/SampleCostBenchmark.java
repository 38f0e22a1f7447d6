package io.fragtrace.bench;

import io.fragtrace.replay.ZoneStats;
import io.fragtrace.replay.metrics.RegionSampler;
import io.fragtrace.replay.metrics.ZoneSample;
import io.fragtrace.replay.metrics.ZoneSampler;
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
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * Cost of one sample (every figure of the time series: buddyinfo, free pages and pageblocks per migratetype, indexes,
 * score, pcp pages, mixed pageblocks, pages in use per 512 MiB region) against the zone's size: a 1 GiB and a 1 TiB
 * zone, each free in order-10 blocks with 100 k allocations of mixed migratetypes taken out of it.
 * {@code sample} is what a replay pays now (maintained counters); {@code recount} is the full pass over the zone
 * that every sample paid before (mixed-pageblock pfn scan, pageblock walk, free-list copies for the regions).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xmx4g"})
public class SampleCostBenchmark {
    @Param({"1", "1024"})
    public int zoneGiB;

    private BuddyModel model;
    private RegionSampler regions;

    @Setup(Level.Trial)
    public void setup() {
        long pfns = (long) zoneGiB << 18;
        long start = 1L << 20;
        Zone z = new Zone(0, 0, "Normal", start, pfns);
        model = new BuddyModel(KernelSemantics.forRelease("6.1"), List.of(z), 2);
        for (long p = start; p < start + pfns; p += 1024) {
            model.addToFreeList(0, p, 10, KernelSemantics.MIGRATE_MOVABLE, true);
        }
        SplittableRandom rnd = new SplittableRandom(7);
        for (int i = 0; i < 100_000; i++) {
            int mt = rnd.nextInt(3);
            int order = rnd.nextInt(4);
            long pfn = model.rmqueueSmallest(0, order, mt == 1 ? 1 : mt);
            if (pfn < 0) {
                pfn = model.rmqueueSmallest(0, order, KernelSemantics.MIGRATE_MOVABLE);
            }
            if (pfn >= 0) {
                model.markAllocated(pfn, order, false, mt);
            }
        }
        regions = new RegionSampler(model, 17, null);
    }

    @Benchmark
    public long sample() {
        List<ZoneSample> s = ZoneSampler.sample(model, 0, null);
        long[] used = regions.used(model);
        return s.get(0).mixedPageblocks() + RegionSampler.freeRegions(regions, used, 0);
    }

    @Benchmark
    public long recount() {
        ZoneStats st = ZoneStats.of(model, 0);
        long pb = 0;
        Zone zone = model.zone(0);
        long step = 1L << model.pageblockOrder();
        for (long p = zone.start & -step; p < zone.end; p += step) {
            pb += model.pageblockMigratetype(p);
        }
        long[] used = regions.usedByScan(model);
        return st.pcpPages() + pb + model.mixedPageblocksByScan(0) + RegionSampler.freeRegions(regions, used, 0);
    }
}
