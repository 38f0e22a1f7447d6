package io.fragtrace.report.output;

import io.fragtrace.parser.ParseReport;
import io.fragtrace.parser.TraceInput;
import io.fragtrace.parser.TraceInputException;
import io.fragtrace.parser.PipelinedParser;
import io.fragtrace.parser.TraceVisitor;
import io.fragtrace.replay.FidelityAtInstant;
import io.fragtrace.replay.ObservedReplay;
import io.fragtrace.replay.order.LockOrderSorter;
import io.fragtrace.replay.StartState;
import io.fragtrace.replay.Validation;
import io.fragtrace.replay.compaction.CompactionTracker;
import io.fragtrace.replay.metrics.RegionSampler;
import io.fragtrace.replay.metrics.ZoneSample;
import io.fragtrace.replay.metrics.ZoneSampler;
import io.fragtrace.replay.metrics.ReserveWatch;
import io.fragtrace.replay.model.BuddyModel;
import io.fragtrace.replay.model.PageReporting;
import io.fragtrace.replay.model.Zone;
import io.fragtrace.replay.model.FragMetrics;
import io.fragtrace.replay.model.KernelSemantics;
import io.fragtrace.replay.snapshot.KpageFlags;
import io.fragtrace.replay.snapshot.SnapshotException;
import io.fragtrace.replay.snapshot.ZoneInfo;
import io.fragtrace.report.AtomicOutput;
import io.fragtrace.report.html.HtmlReport;
import io.fragtrace.report.pfnmap.PfnMaps;
import io.fragtrace.report.stats.StatsCollector;
import io.fragtrace.report.stats.StatsJson;
import io.fragtrace.report.stats.TraceStats;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * {@code fragtrace replay} in observed mode: one pass over the trace feeds the buddy model (from the bundle's
 * {@code before/buddydump.txt}), the compaction tracker and the trace statistics, sampling the model over time;
 * then the output folder of docs/replay-output.md is written, completely or not at all.
 */
public final class ReplayRun {
    /** What the user chose. {@code intervalNs} 0 = automatic (about 1000 samples). */
    /** {@code regionMb}: memory-region size for region occupancy (0 = off); topology: for a trace without snapshots. */
    public record Options(long intervalNs, String kernelRelease, boolean modelUntracedPaths, Long startAtNs,
                          long regionMb, StartState.Topology topology) {
        public Options(long intervalNs, String kernelRelease, boolean modelUntracedPaths) {
            this(intervalNs, kernelRelease, modelUntracedPaths, null, 0, StartState.Topology.INFERRED);
        }
    }

    private final TraceInput input;
    private final Options options;
    private volatile long events;

    public ReplayRun(TraceInput input, Options options) {
        this.input = input;
        this.options = options;
    }

    /** Events read so far (for a progress display; read from another thread). */
    public long eventsSeen() {
        return events;
    }

    /** What a run produced, also written as summary.json. */
    public record Result(Path out, Summary summary) {
    }

    /** Replays and writes {@code out}: the data files of docs/replay-output.md and report.html (docs/report.md). */
    public Result run(Path out) throws TraceInputException, SnapshotException, IOException {
        KernelSemantics override = options.kernelRelease() == null ? null
                : KernelSemantics.forRelease(options.kernelRelease());
        StartState start = StartState.of(input, override, options.startAtNs(), options.topology());
        BuddyModel model = start.model();
        KernelSemantics ks = model.ks;
        ZoneInfo zoneInfo = start.zoneInfo();
        long[] from = start.fromNs();
        long[] to = new long[from.length];
        Arrays.fill(to, Long.MAX_VALUE);
        long startNs = Arrays.stream(from).max().orElse(Long.MIN_VALUE);
        ObservedReplay replay = new ObservedReplay(model, from, to).modelUntracedPaths(options.modelUntracedPaths());
        PageReporting.ZoneWatermarks zw = observedWatermarks(model);
        // what a reporting guest would have reported: marks only, the trace's lists stay as they are
        replay.withReporting(new PageReporting(model, zw, model.pageblockOrder(),
                PageReporting.PAGE_REPORTING_CAPACITY, PageReporting.PAGE_REPORTING_DELAY_NS, true))
                .withReserves(new ReserveWatch(model, zw));
        RegionSampler regions = options.regionMb() > 0 ? new RegionSampler(model,
                Long.numberOfTrailingZeros(options.regionMb() << 8), holes(input.bundle())) : null;
        SampleBuffer samples = new SampleBuffer(startNs, options.intervalNs(), regions);
        PfnMaps pfnMaps = new PfnMaps(startNs, options.regionMb() > 0
                ? Long.numberOfTrailingZeros(options.regionMb() << 8) : 0);
        pfnMaps.start(model);
        samples.markerHook((r, timeNs, marker) -> pfnMaps.marker(r.model(), timeNs, marker));
        replay.setSampler(samples, samples.intervalNs());
        CompactionTracker compaction = new CompactionTracker();
        compaction.setFragmentationIndexSource((zoneStart, order) -> {
            int z = model.zoneOf(zoneStart);
            return z < 0 ? Integer.MIN_VALUE : FragMetrics.fragmentationIndex(nrFree(model, z), order);
        });
        StatsCollector stats = new StatsCollector(options.intervalNs());
        List<ReplayCsv.Marker> markers = new ArrayList<>();
        TraceVisitor markerLog = ReplayCsv.markerLog(markers);
        Path bundle = input.bundle();
        boolean hasAfter = bundle != null && Files.isRegularFile(bundle.resolve("after").resolve("buddydump.txt"));
        // page owners beside the model for the "who blocks order-9" section, when they fit the heap
        BlameSummary blame = BlameSummary.start(input, replay, from, to);
        TraceVisitor applied = blame == null ? replay : blame.tap();
        // fidelity from this model: each zone compared with after/ as the replay passes the zone's after/ instant
        FidelityAtInstant check = hasAfter ? FidelityAtInstant.of(input, start, applied) : null;
        LockOrderSorter sorter = new LockOrderSorter(replay, check != null ? check : applied,
                LockOrderSorter.DEFAULT_WINDOW, LockOrderSorter.slackFor(bundle), false);
        // the statistics need no model: they run on the parsing thread, the rest on this one
        ParseReport report = new PipelinedParser().parse(input, stats, e -> {
            events++;
            sorter.onEvent(e);
            compaction.onEvent(e);
            markerLog.onEvent(e);
        });
        sorter.finish();
        if (report.notATrace()) {
            throw new TraceInputException(input.displayName() + ": not a trace (no trace event line found)");
        }
        List<SampleBuffer.Instant> instants = samples.instants();
        List<ZoneSample> series = samples.samples();
        List<ZoneSample> end = ZoneSampler.sample(model, replay.lastTimeNs(), null, replay.reporting(),
                replay.reserves());
        pfnMaps.end(model, replay.lastTimeNs());
        Validation.Result fidelity = check != null ? check.finish(report) : null;
        List<String> notes = new ArrayList<>(start.notes());
        TraceStats traceStats = stats.finish(report);
        Summary summary = Summary.of(input, report, ks, model, zoneInfo, replay, end, compaction, fidelity,
                start.kind(), notes, model.unknownFraction(), series);
        BlameSummary.put(summary.json(), blame, replay.lastTimeNs());
        List<String> mts = ReplayCsv.migratetypeNames(KernelSemantics.MIGRATE_TYPES);
        RunFiles files = new RunFiles()
                .put("timeseries.csv", w -> ReplayCsv.timeseries(w, series, model.nrOrders(), mts))
                .put("compaction.csv", w -> ReplayCsv.compaction(w, compaction.runs()))
                .put("daemons.csv", w -> ReplayCsv.daemons(w, compaction.kswapdIntervals(),
                        compaction.kcompactdIntervals()))
                .put("markers.csv", w -> ReplayCsv.markers(w, markers));
        if (regions != null) {
            files.put("regions.csv", w -> ReplayCsv.regions(w,
                    instants.stream().map(SampleBuffer.Instant::timeNs).toList(),
                    instants.stream().map(SampleBuffer.Instant::regionsUsed).toList(), regions));
        }
        files.put("stats.json", w -> StatsJson.write(traceStats, 20, w))
                .put("summary.json", summary::write);
        AtomicOutput.writeDir(out, dir -> {
            files.writeInto(dir);
            pfnMaps.write(dir, input.displayName());
            HtmlReport.writeForRun(dir, files.files());
        });
        return new Result(out, summary);
    }

    /** kpageflags of the start snapshot, for the holes (KPF_NOPAGE) of region accounting; null without one. */
    private static KpageFlags holes(Path bundle) throws SnapshotException {
        if (bundle == null) {
            return null;
        }
        return KpageFlags.loadIn(bundle.resolve("before"));
    }

    /** The start snapshot's watermarks (zoneinfo prints min/low/high with the boost in), highatomic from the model. */
    static PageReporting.ZoneWatermarks observedWatermarks(BuddyModel m) {
        return new PageReporting.ZoneWatermarks() {
            public long wmark(int z, int which) {
                Zone zone = m.zone(z);
                long w = which == 0 ? zone.wmarkMin : which == 1 ? zone.wmarkLow : zone.wmarkHigh;
                return Math.max(0, w - zone.boost);
            }

            public long boost(int z) {
                return m.zone(z).boost;
            }

            public long reservedHighatomic(int z) {
                return m.pageblocksOfType(z, KernelSemantics.MIGRATE_HIGHATOMIC) << m.pageblockOrder();
            }
        };
    }

    static long[] nrFree(BuddyModel m, int z) {
        long[] a = new long[m.nrOrders()];
        Arrays.setAll(a, o -> m.nrFree(z, o));
        return a;
    }

}
