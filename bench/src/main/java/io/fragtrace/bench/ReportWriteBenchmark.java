package io.fragtrace.bench;

import io.fragtrace.replay.metrics.RegionSampler;
import io.fragtrace.replay.metrics.ZoneSample;
import io.fragtrace.replay.model.BuddyModel;
import io.fragtrace.replay.model.FragMetrics;
import io.fragtrace.replay.model.KernelSemantics;
import io.fragtrace.replay.model.Zone;
import io.fragtrace.report.output.ReplayCsv;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;
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

import java.io.BufferedWriter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * The report-writing stage of a replay: timeseries.csv (2000 sample instants of three zones, the most a replay
 * keeps) and regions.csv (pages in use per 512 MiB region at each instant) of a 1 GiB and a 1 TiB zone.
 * {@code *Bytes} is what a replay pays now (ReplayCsv: numbers formatted straight into a byte buffer);
 * {@code *Commons} is the previous writer (Commons CSV records of boxed values, String.format per time and index),
 * kept here as the baseline. Setup checks that both write the same bytes. Output goes to a null stream, so this
 * is the formatting cost alone.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xmx4g"})
public class ReportWriteBenchmark {
    static final int INSTANTS = 2000;
    static final int ORDERS = 11;

    @Param({"1", "1024"})
    public int zoneGiB;

    private final List<String> mts = ReplayCsv.migratetypeNames(KernelSemantics.MIGRATE_TYPES);
    private List<ZoneSample> samples;
    private List<Long> times;
    private List<long[]> used;
    private RegionSampler regions;

    @Setup(Level.Trial)
    public void setup() throws IOException {
        SplittableRandom rnd = new SplittableRandom(10);
        samples = new ArrayList<>();
        times = new ArrayList<>();
        used = new ArrayList<>();
        long pfns = (long) zoneGiB << 18;
        long start = 1L << 20;
        BuddyModel model = new BuddyModel(KernelSemantics.forRelease("6.1"),
                List.of(new Zone(0, 0, "Normal", start, pfns)), 2);
        for (long p = start; p < start + pfns; p += 1024) {
            model.addToFreeList(0, p, 10, KernelSemantics.MIGRATE_MOVABLE, true);
        }
        regions = new RegionSampler(model, 17, null);
        String[] zones = {"DMA", "DMA32", "Normal"};
        for (int i = 0; i < INSTANTS; i++) {
            long t = 1_234_000_000_000L + i * 7_654_321L + rnd.nextLong(1000);
            String marker = i % 100 == 99 ? "phase " + i + ", \"quoted\"" : null;
            for (int z = 0; z < zones.length; z++) {
                long[] nrFree = rnd.longs(ORDERS, 0, pfns).toArray();
                int[] frag = rnd.ints(ORDERS, -1000, 1000).toArray();
                int[] unusable = rnd.ints(ORDERS, 0, 1000).toArray();
                samples.add(new ZoneSample(t, marker, 0, zones[z], rnd.nextLong(pfns), rnd.nextLong(10_000), nrFree,
                        rnd.longs(mts.size(), 0, pfns).toArray(), frag, unusable, rnd.nextInt(1000),
                        rnd.longs(mts.size(), 0, pfns >> 9).toArray(), rnd.nextLong(1000), z == 2 ? rnd.nextLong(100)
                        : -1, -1, -1, -1, -1, z == 0 ? Long.MIN_VALUE : rnd.nextLong(-500, pfns)));
            }
            times.add(t);
            long[] u = new long[regions.regions()];
            for (int r = 0; r < u.length; r++) {
                u[r] = rnd.nextLong(regions.present(r) + 1);
            }
            used.add(u);
        }
        ByteArrayOutputStream a = new ByteArrayOutputStream();
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        ReplayCsv.timeseries(a, samples, ORDERS, mts);
        ReplayCsv.regions(a, times, used, regions);
        commons(b, w -> {
            timeseriesCommons(w, samples, ORDERS, mts);
        });
        commons(b, w -> regionsCommons(w, times, used, regions));
        if (!Arrays.equals(a.toByteArray(), b.toByteArray())) {
            throw new IllegalStateException("ReplayCsv and the Commons CSV baseline differ");
        }
    }

    @Benchmark
    public void timeseriesBytes() throws IOException {
        ReplayCsv.timeseries(OutputStream.nullOutputStream(), samples, ORDERS, mts);
    }

    @Benchmark
    public void timeseriesCommons() throws IOException {
        commons(OutputStream.nullOutputStream(), w -> timeseriesCommons(w, samples, ORDERS, mts));
    }

    @Benchmark
    public void regionsBytes() throws IOException {
        ReplayCsv.regions(OutputStream.nullOutputStream(), times, used, regions);
    }

    @Benchmark
    public void regionsCommons() throws IOException {
        commons(OutputStream.nullOutputStream(), w -> regionsCommons(w, times, used, regions));
    }

    private interface Body {
        void write(Writer w) throws IOException;
    }

    /** As the replay opened its CSV files before: a buffered UTF-8 writer. */
    private static void commons(OutputStream out, Body body) {
        try {
            Writer w = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8));
            body.write(w);
            w.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String seconds(long ns) {
        return String.format(Locale.ROOT, "%d.%06d", ns / 1_000_000_000L, (ns % 1_000_000_000L) / 1000);
    }

    /** The previous ReplayCsv.timeseries (Commons CSV), the baseline. */
    static void timeseriesCommons(Writer out, List<ZoneSample> samples, int nrOrders, List<String> mtNames)
            throws IOException {
        List<String> header = ReplayCsv.timeseriesColumns(nrOrders, mtNames);
        CSVPrinter p = new CSVPrinter(out, CSVFormat.DEFAULT.builder().setHeader(header.toArray(String[]::new))
                .build());
        List<Object> row = new ArrayList<>(header.size());
        for (ZoneSample s : samples) {
            row.clear();
            row.add(seconds(s.timeNs()));
            row.add(s.marker() == null ? "" : s.marker());
            row.add(s.node());
            row.add(s.zone());
            row.add(s.freePages());
            row.add(s.pcpPages());
            for (int o = 0; o < nrOrders; o++) {
                row.add(s.nrFree()[o]);
            }
            for (int mt = 0; mt < mtNames.size(); mt++) {
                row.add(s.freeByMigratetype()[mt]);
            }
            for (int o = 0; o < nrOrders; o++) {
                row.add(FragMetrics.format3(s.fragIndex()[o]));
            }
            for (int o = 0; o < nrOrders; o++) {
                row.add(FragMetrics.format3(s.unusableIndex()[o]));
            }
            row.add(s.fragScore());
            for (int mt = 0; mt < mtNames.size(); mt++) {
                row.add(s.pageblocksByMigratetype()[mt]);
            }
            row.add(s.mixedPageblocks() < 0 ? "" : s.mixedPageblocks());
            row.add(s.freeRegions() < 0 ? "" : s.freeRegions());
            row.add(s.reportedPages() < 0 ? "" : s.reportedPages());
            row.add(s.reportedTotal() < 0 ? "" : s.reportedTotal());
            row.add(s.reportedReallocated() < 0 ? "" : s.reportedReallocated());
            row.add(s.reportableFree() < 0 ? "" : s.reportableFree());
            row.add(s.minHeadroom() == Long.MIN_VALUE ? "" : s.minHeadroom());
            p.printRecord(row);
        }
        p.flush();
    }

    /** The previous ReplayCsv.regions (Commons CSV), the baseline. */
    static void regionsCommons(Writer out, List<Long> timesNs, List<long[]> used, RegionSampler rs)
            throws IOException {
        CSVPrinter p = new CSVPrinter(out, CSVFormat.DEFAULT.builder()
                .setHeader(ReplayCsv.REGIONS_COLUMNS.toArray(String[]::new)).build());
        for (int i = 0; i < timesNs.size(); i++) {
            long[] u = used.get(i);
            for (int r = 0; r < u.length; r++) {
                if (rs.present(r) > 0) {
                    p.printRecord(seconds(timesNs.get(i)), rs.node(r), r, rs.startPfn(r), rs.present(r), u[r]);
                }
            }
        }
        p.flush();
    }
}
