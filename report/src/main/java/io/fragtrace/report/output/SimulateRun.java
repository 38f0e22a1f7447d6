package io.fragtrace.report.output;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fragtrace.parser.CompactStatus;
import io.fragtrace.parser.ParseReport;
import io.fragtrace.parser.TraceInput;
import io.fragtrace.parser.TraceInputException;
import io.fragtrace.parser.TraceVisitor;
import io.fragtrace.parser.PipelinedParser;
import io.fragtrace.replay.Instant;
import io.fragtrace.replay.compaction.CompactionContext;
import io.fragtrace.replay.compaction.CompactionTracker;
import io.fragtrace.replay.compaction.PassCost;
import io.fragtrace.replay.config.BundleConfig;
import io.fragtrace.replay.config.ConfigException;
import io.fragtrace.replay.config.Configs;
import io.fragtrace.replay.config.KernelConfig;
import io.fragtrace.replay.metrics.ZoneSample;
import io.fragtrace.replay.metrics.ZoneSampler;
import io.fragtrace.replay.model.BuddyModel;
import io.fragtrace.replay.model.KernelSemantics;
import io.fragtrace.replay.simulate.KernelStateStart;
import io.fragtrace.replay.simulate.SimStats;
import io.fragtrace.replay.simulate.Simulation;
import io.fragtrace.replay.simulate.Simulator;
import io.fragtrace.replay.snapshot.SnapshotException;
import io.fragtrace.report.AtomicOutput;
import io.fragtrace.report.calibrate.Calibration;
import io.fragtrace.report.calibrate.CalibrationJson;
import io.fragtrace.report.calibrate.Calibrator;
import io.fragtrace.report.html.HtmlReport;
import io.fragtrace.report.stats.StatsCollector;
import io.fragtrace.report.stats.StatsJson;
import io.fragtrace.report.stats.TraceStats;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code fragtrace replay --mode simulate}: one pass over the trace feeds the {@link Simulator} (the request stream
 * served by the model's own allocator under a {@link KernelConfig}), the observed compaction tracker (the kernel's own
 * compaction events, kept as the baseline) and the trace statistics; the output folder of docs/replay-output.md is
 * written with {@code "mode": "simulate"}, the config, the simulation's timeseries/compaction/daemons CSVs and a
 * {@code simulate} section comparing model and trace.
 */
public final class SimulateRun {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final TraceInput input;
    private final KernelConfig config;
    private final long intervalNs;
    private volatile long events;
    private List<BundleConfig.Setting> settings;
    private Instant from;

    public SimulateRun(TraceInput input, KernelConfig config, long intervalNs) {
        this.input = input;
        this.config = config;
        this.intervalNs = intervalNs;
    }

    /**
     * A run under a preset or file, or under {@code bundle}: the configuration of the kernel the bundle was captured
     * on ({@link BundleConfig}, over linux-6.1).
     */
    public static SimulateRun of(TraceInput input, String config, long intervalNs) throws ConfigException,
            TraceInputException {
        String c = config == null ? Configs.DEFAULT : config;
        if (BundleConfig.OWN.equals(c)) {
            if (input.bundle() == null) {
                throw new TraceInputException(input.displayName() + ": --config bundle needs a bundle folder");
            }
            BundleConfig b = BundleConfig.read(input.bundle(), Configs.DEFAULT);
            return new SimulateRun(input, b.config(), intervalNs).withSettings(b.settings());
        }
        return new SimulateRun(input, Configs.load(c), intervalNs);
    }

    /** The configuration of the run. */
    public KernelConfig config() {
        return config;
    }

    /** Where each knob of the config came from (a bundle's own settings, see {@link BundleConfig}). */
    public SimulateRun withSettings(List<BundleConfig.Setting> settings) {
        this.settings = settings;
        return this;
    }

    /**
     * Starts the model from the kernel's own state at an instant ({@link KernelStateStart}: the observed replay up to
     * it) instead of before/; the kernel's side then counts what follows it. Null: before/.
     */
    public SimulateRun from(Instant instant) {
        this.from = instant;
        return this;
    }

    public long eventsSeen() {
        return events;
    }

    /** What a run produced (summary.json as a tree). */
    public record Result(Path out, ObjectNode summary) {
    }

    public Result run(Path out) throws TraceInputException, SnapshotException, IOException {
        Path bundle = input.bundle();
        if (bundle == null || !Files.isRegularFile(bundle.resolve("before").resolve("buddydump.txt"))) {
            throw new TraceInputException(input.displayName() + ": simulate mode needs a bundle folder with "
                    + "before/buddydump.txt for its start state (see sample-traces/README.md)");
        }
        Simulator sim = from == null ? Simulation.forBundle(bundle, config)
                : KernelStateStart.at(input, config, from, "--from");
        // how long a pass takes on the captured machine, from the kernel's own passes: the trace read once more
        // when the first timed (compact_memory) pass begins
        sim.setPassCostSource(PassCost.whenAsked(input));
        BuddyModel model = sim.model();
        SampleBuffer samples = new SampleBuffer(sim.startNs(), intervalNs, null);
        sim.setSampler(samples, samples.intervalNs());
        CompactionTracker observed = new CompactionTracker();
        // model against kernel, per phase: the calibration object of summary.json (report/calibrate)
        Calibrator calibrator = new Calibrator(input, sim, observed, true);
        StatsCollector stats = new StatsCollector(intervalNs);
        List<ReplayCsv.Marker> markers = new ArrayList<>();
        TraceVisitor markerLog = ReplayCsv.markerLog(markers);
        long[] afterStart = new long[1];
        long startNs = sim.startNs();
        ParseReport report = new PipelinedParser().parse(input, e -> {
            events++;
            if (e.timestampNs() > startNs) {
                afterStart[0]++;
            }
            calibrator.onEvent(e);
            sim.onEvent(e);
            if (from == null || e.timestampNs() > startNs) {
                observed.onEvent(e); // from a kernel state: the kernel's passes after it, as the model's
            }
            stats.onEvent(e);
            markerLog.onEvent(e);
        });
        if (report.notATrace()) {
            throw new TraceInputException(input.displayName() + ": not a trace (no trace event line found)");
        }
        sim.finish();
        Calibration calibration = calibrator.finish();
        List<ZoneSample> series = samples.samples();
        List<ZoneSample> end = SampleBuffer.withRegions(sim, ZoneSampler.sample(model, sim.lastTimeNs(), null,
                sim.reporting(), sim.reserves()));
        Map<String, long[]> after = null;
        Path afterInfo = bundle.resolve("after").resolve("buddyinfo");
        if (Files.isRegularFile(afterInfo)) {
            after = Simulation.readBuddyinfo(afterInfo);
        }
        TraceStats traceStats = stats.finish(report);
        ObjectNode summary = summary(input, report, config, sim, end, observed, after, afterStart[0]);
        summary.set("calibration", CalibrationJson.of(calibration, config, settings));
        MechanismsJson.add(summary, model, sim.reporting(), sim.reserves(), series);
        List<String> mts = ReplayCsv.migratetypeNames(KernelSemantics.MIGRATE_TYPES);
        RunFiles files = new RunFiles()
                .put("timeseries.csv", w -> ReplayCsv.timeseries(w, series, model.nrOrders(), mts))
                .put("compaction.csv", w -> ReplayCsv.compaction(w, sim.runs()))
                .put("daemons.csv", w -> ReplayCsv.daemons(w, sim.kswapdIntervals(), sim.kcompactdIntervals()))
                .put("markers.csv", w -> ReplayCsv.markers(w, markers))
                .put("stats.json", w -> StatsJson.write(traceStats, 20, w))
                .put("summary.json", w -> JSON.writeValue(w, summary));
        AtomicOutput.writeDir(out, dir -> {
            files.writeInto(dir);
            HtmlReport.writeForRun(dir, files.files());
        });
        return new Result(out, summary);
    }

    /** The KernelConfig as JSON (keys of docs/configs.md; "auto" for automatic values). */
    static ObjectNode configJson(KernelConfig c) {
        ObjectNode n = JSON.createObjectNode();
        n.put("name", c.name());
        n.put("description", c.description());
        c.values().forEach((k, v) -> n.set(k, JSON.valueToTree(v)));
        return n;
    }


    static ObjectNode summary(TraceInput input, ParseReport report, KernelConfig config, Simulator sim,
                              List<ZoneSample> end, CompactionTracker observed, Map<String, long[]> after,
                              long afterStart) {
        BuddyModel model = sim.model();
        SimStats s = sim.stats();
        ObjectNode r = Summary.header(input, report, model, "simulate", sim::watermarks);
        r.set("start_state", CalibrationJson.startState(sim));
        r.set("config", configJson(config));
        ObjectNode ev = r.putObject("events");
        long requests = 0;
        for (long v : s.requests) {
            requests += v;
        }
        ev.put("read", report.totalEvents());
        ev.put("after_start_state", afterStart);
        ev.put("requests", requests);
        ev.put("frees", s.frees);
        Summary.eventsByName(ev, report);
        Summary.endState(r.putArray("end_state"), end);
        // the model's compaction in the observed summary's shape
        ObjectNode comp = r.putObject("compaction");
        comp.put("passes", s.passes());
        comp.put("succeeded", Summary.succeeded(s::passes));
        Summary.byContext(comp.putObject("by_context"), s::passes);
        comp.put("deferred", s.deferred);
        comp.put("defer_compaction", s.deferCompaction);
        comp.put("defer_reset", s.deferReset);
        comp.put("kcompactd_wakeups", s.wakeupKcompactd);
        comp.put("kcompactd_wakes", s.kcompactdWakes);
        comp.put("kswapd_wakes", s.kswapdWakes);
        comp.put("migrate_scanned", s.migrateScanned);
        comp.put("free_scanned", s.freeScanned);
        comp.put("migrated", s.migrated);
        comp.put("scan_efficiency", s.freeScanned == 0 ? 0.0 : (double) s.migrateScanned / s.freeScanned);
        r.set("simulate", simulateSection(sim, observed, after));
        return r;
    }

    private static ObjectNode pair(long model, long observed) {
        ObjectNode n = JSON.createObjectNode();
        n.put("model", model);
        n.put("observed", observed);
        return n;
    }

    static ObjectNode simulateSection(Simulator sim, CompactionTracker t, Map<String, long[]> after) {
        BuddyModel model = sim.model();
        SimStats s = sim.stats();
        ObjectNode n = JSON.createObjectNode();
        ObjectNode c = n.putObject("compaction");
        long obsSuccess = 0;
        long modelSuccess = 0;
        for (CompactionContext ctx : CompactionContext.values()) {
            obsSuccess += Summary.successes(t::passes, ctx);
            modelSuccess += Summary.successes(s::passes, ctx);
        }
        c.set("attempts", pair(s.passes(), t.passes()));
        c.set("successes", pair(modelSuccess, obsSuccess));
        c.set("failures", pair(s.passes() - modelSuccess, t.passes() - obsSuccess));
        ObjectNode byCtx = c.putObject("by_context");
        for (CompactionContext ctx : CompactionContext.values()) {
            long om = 0;
            for (CompactStatus st : CompactStatus.values()) {
                om += t.passes(ctx, st);
            }
            ObjectNode cn = JSON.createObjectNode();
            cn.set("attempts", pair(s.passes(ctx), om));
            cn.set("successes", pair(Summary.successes(s::passes, ctx), Summary.successes(t::passes, ctx)));
            byCtx.set(ctx.name(), cn);
        }
        long obsDeferred = 0;
        long obsDefer = 0;
        long obsReset = 0;
        for (int o = -1; o < CompactionTracker.ORDER_SLOTS - 1; o++) {
            obsDeferred += t.deferred(o);
            obsDefer += t.deferCompaction(o);
            obsReset += t.deferReset(o);
        }
        c.set("deferred", pair(s.deferred, obsDeferred));
        c.set("defer_compaction", pair(s.deferCompaction, obsDefer));
        c.set("defer_reset", pair(s.deferReset, obsReset));
        c.put("direct_compact_stall", s.compactStall);
        c.put("direct_compact_success", s.compactSuccess);
        c.put("direct_compact_fail", s.compactFail);
        c.put("migrated", s.migrated);
        ObjectNode kc = n.putObject("kcompactd");
        kc.set("wakeups", pair(s.wakeupKcompactd, t.wakeupKcompactd()));
        kc.set("wakes", pair(s.kcompactdWakes, t.kcompactdWakes()));
        long obsPro = 0;
        for (CompactStatus st : CompactStatus.values()) {
            obsPro += t.passes(CompactionContext.PROACTIVE, st);
        }
        kc.set("proactive_passes", pair(s.passes(CompactionContext.PROACTIVE), obsPro));
        kc.put("proactive_runs", s.proactiveRuns);
        kc.put("migrated", s.kcompactdMigrated());
        kc.put("proactive_checks", s.proactiveChecks);
        ObjectNode ksw = n.putObject("kswapd");
        ksw.set("wakeups", pair(s.wakeupKswapd, t.wakeupKswapd()));
        ksw.set("wakes", pair(s.kswapdWakes, t.kswapdWakes()));
        ObjectNode fails = n.putObject("allocation_failures_by_order");
        ObjectNode reqs = n.putObject("requests_by_order");
        for (int o = 0; o < model.nrOrders(); o++) {
            if (s.requests[o] > 0) {
                reqs.put(Integer.toString(o), s.requests[o]);
            }
            if (s.modelFailed[o] + s.traceFailed[o] > 0) {
                ObjectNode f = fails.putObject(Integer.toString(o));
                f.put("model", s.modelFailed[o]);
                f.put("trace", s.traceFailed[o]);
            }
        }
        ObjectNode acct = n.putObject("accounting");
        acct.put("model_served_trace_failed", s.modelServedTraceFailed);
        acct.put("reclaim_stand_ins", s.reclaimStandIns);
        acct.put("compaction_captures", s.captured);
        acct.put("manual_compaction_passes", s.manualPasses);
        acct.put("compaction_passes_cut_short", s.compactionPassesCutShort);
        acct.put("frees_of_model_failed", s.freesOfModelFailed);
        acct.put("frees_unmatched", s.freesUnmatched);
        acct.put("kernel_migrated_pages", s.kernelMigrated);
        acct.put("kernel_released_free_pages", s.kernelReleasedFree);
        acct.put("orphans_pending", sim.orphansPending());
        acct.put("fallbacks", s.fallbacks);
        acct.put("fallbacks_changed_ownership", s.fallbacksChangedOwnership);
        acct.put("watermark_boosts", s.boosts);
        acct.put("slowpath_entries", s.slowpath);
        acct.put("slowpath_starts_traced", s.slowpathStartsTraced);
        acct.put("below_min_retries", s.belowMin);
        acct.put("pfmemalloc_allocations", s.pfmemalloc);
        acct.put("thp_defrag_at_end", sim.thpDefrag().name().toLowerCase(Locale.ROOT).replace('_', '+'));
        ObjectNode nl = n.putObject("movable_non_lru");
        nl.put("on", sim.movableNonLru());
        nl.put("pages_allocated", s.nonLruAllocated);
        nl.put("pages_migrated", s.nonLruMigrated);
        nl.put("isolation_failures", s.nonLruBlocked);
        n.putObject("unmovable_lru").put("pages_allocated", s.unmovableLruAllocated);
        ObjectNode rg = n.putObject("regions");
        rg.put("on", sim.regionsOn());
        rg.put("regions", sim.regionCount());
        rg.put("free_regions_at_end", sim.freeRegions());
        rg.put("hints", s.regionHints);
        rg.put("evacuations_rejected", s.evacuationsRejected);
        rg.put("evacuations_attempted", s.evacuationsAttempted);
        rg.put("evacuations_succeeded", s.evacuationsSucceeded);
        rg.put("pages_moved", s.regionPagesMoved);
        if (after != null) {
            ObjectNode d = n.putObject("end_buddyinfo_distance");
            ArrayNode zs = d.putArray("zones");
            long blocks = 0;
            long pages = 0;
            for (int z = 0; z < model.zoneCount(); z++) {
                long[] k = after.get(model.zone(z).name);
                if (k == null) {
                    continue;
                }
                Simulation.Distance dist = Simulation.distance(model, z, k);
                ObjectNode zn = zs.addObject();
                zn.put("zone", dist.zone());
                zn.put("blocks", dist.blocks());
                zn.put("pages", dist.pages());
                ArrayNode mv = zn.putArray("model");
                for (long v : dist.model()) {
                    mv.add(v);
                }
                ArrayNode kv = zn.putArray("kernel");
                for (long v : dist.kernel()) {
                    kv.add(v);
                }
                blocks += dist.blocks();
                pages += dist.pages();
            }
            d.put("blocks", blocks);
            d.put("pages", pages);
        }
        return n;
    }
}
