package io.fragtrace.report.output;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fragtrace.parser.CompactStatus;
import io.fragtrace.parser.EventType;
import io.fragtrace.parser.ParseReport;
import io.fragtrace.parser.TraceInput;
import io.fragtrace.replay.Consistency;
import io.fragtrace.replay.ModelLoader;
import io.fragtrace.replay.ObservedReplay;
import io.fragtrace.replay.Validation;
import io.fragtrace.replay.compaction.CompactOutcome;
import io.fragtrace.replay.compaction.CompactionContext;
import io.fragtrace.replay.compaction.CompactionRun;
import io.fragtrace.replay.compaction.CompactionTracker;
import io.fragtrace.replay.metrics.ZoneSample;
import io.fragtrace.replay.model.BuddyModel;
import io.fragtrace.replay.model.KernelSemantics;
import io.fragtrace.replay.model.Zone;
import io.fragtrace.replay.snapshot.ZoneInfo;

import java.io.IOException;
import java.io.OutputStream;
import java.util.List;
import java.util.Locale;

/** summary.json of a replay output folder (docs/replay-output.md, schema_version 1). */
public final class Summary {
    public static final int SCHEMA_VERSION = 1;
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final ObjectNode root;

    private Summary(ObjectNode root) {
        this.root = root;
    }

    /** The JSON tree (read-only use). */
    public ObjectNode json() {
        return root;
    }

    public void write(OutputStream out) throws IOException {
        JSON.writeValue(out, root);
    }

    static Summary of(TraceInput input, ParseReport report, KernelSemantics ks, BuddyModel model, ZoneInfo zoneInfo,
                      ObservedReplay replay, List<ZoneSample> end, CompactionTracker compaction,
                      Validation.Result fidelity, String startKind, List<String> startNotes, double unknownFraction,
                      List<ZoneSample> series) {
        ObjectNode r = header(input, report, model, "observed", z -> zoneInfo != null
                && zoneInfo.zone(model.zone(z).name) != null
                ? new long[] {model.zone(z).wmarkMin, model.zone(z).wmarkLow, model.zone(z).wmarkHigh} : null);
        r.putNull("config");
        ObjectNode ev = r.putObject("events");
        ev.put("applied", replay.eventsApplied());
        ev.put("skipped", replay.eventsSkipped());
        eventsByName(ev, report);
        Consistency c = replay.consistency();
        ObjectNode cons = r.putObject("consistency");
        cons.put("contradictions", c.contradictions());
        ObjectNode byKind = cons.putObject("by_kind");
        c.asMap().forEach(byKind::put);
        ArrayNode ex = cons.putArray("examples");
        for (Consistency.Kind k : Consistency.Kind.values()) {
            for (Consistency.Example e : c.examples(k)) {
                ObjectNode en = ex.addObject();
                en.put("kind", k.name().toLowerCase(Locale.ROOT));
                en.put("time_s", seconds(e.timeNs()));
                en.put("line", e.line());
                en.put("what", e.text());
            }
        }
        ObjectNode st = r.putObject("start_state");
        st.put("from", startKind);
        ArrayNode notes = st.putArray("notes");
        startNotes.forEach(notes::add);
        r.put("unknown_fraction", unknownFraction); // pages no snapshot described and no event touched
        if (fidelity != null) {
            ObjectNode f = r.putObject("fidelity");
            f.put("exact", fidelity.exact());
            f.put("pages_mismatched", fidelity.pagesMismatched);
            f.put("free_blocks_missing", fidelity.freeBlocksMissing);
            f.put("free_blocks_extra", fidelity.freeBlocksExtra);
            f.put("pageblocks_mismatched", fidelity.pageblocksMismatched);
            f.put("extfrag_index_max_error", fidelity.extfragIndexMaxError / 1000.0);
        }
        endState(r.putArray("end_state"), end);
        compaction(r.putObject("compaction"), compaction, model.nrOrders());
        MechanismsJson.add(r, model, replay.reporting(), replay.reserves(), series);
        return new Summary(r);
    }

    /** The kernel's watermarks of zone z as {min, low, high}, or null when not known. */
    interface Watermarks {
        long[] of(int zone);
    }

    /** schema_version, tool, input, mode, kernel and topology: what every run's summary starts with. */
    static ObjectNode header(TraceInput input, ParseReport report, BuddyModel model, String mode, Watermarks wmarks) {
        ObjectNode r = JSON.createObjectNode();
        r.put("schema_version", SCHEMA_VERSION);
        r.put("generator", io.fragtrace.report.OutputGuard.GENERATOR);
        r.put("tool", io.fragtrace.report.OutputGuard.GENERATOR);
        ObjectNode in = r.putObject("input");
        in.put("name", input.displayName());
        in.put("bundle", input.bundle() == null ? null : input.bundle().toString());
        in.put("bytes", report.bytes());
        in.put("lines", report.lines());
        in.put("bad_lines", report.badLines());
        in.put("lost_events", report.lostEvents());
        in.put("first_s", seconds(report.firstTimestampNs()));
        in.put("last_s", seconds(report.lastTimestampNs()));
        r.put("mode", mode);
        ObjectNode kernel = r.putObject("kernel");
        kernel.put("release", ModelLoader.release(input.bundle(), null));
        kernel.put("semantics", model.ks.name());
        ObjectNode topo = r.putObject("topology");
        topo.put("max_order", model.nrOrders() - 1);
        topo.put("pageblock_order", model.pageblockOrder());
        ArrayNode zones = topo.putArray("zones");
        for (int i = 0; i < model.zoneCount(); i++) {
            Zone z = model.zone(i);
            ObjectNode zn = zones.addObject();
            zn.put("node", z.nid);
            zn.put("zone", z.name);
            zn.put("start_pfn", z.start);
            zn.put("spanned", z.spanned());
            zn.put("present", z.present);
            zn.put("managed", z.managed);
            long[] w = wmarks.of(i);
            if (w != null) {
                zn.put("watermark_min", w[0]);
                zn.put("watermark_low", w[1]);
                zn.put("watermark_high", w[2]);
            }
        }
        return r;
    }

    static void eventsByName(ObjectNode events, ParseReport report) {
        ObjectNode byName = events.putObject("by_name");
        for (EventType t : EventType.values()) {
            if (report.count(t) > 0) {
                byName.put(t.kernelName(), report.count(t));
            }
        }
    }

    /** Passes of a context that ended with a status (the observed tracker's or the simulator's). */
    interface PassCounts {
        long passes(CompactionContext c, CompactStatus s);
    }

    /** Passes of a context that succeeded by the kernel's meaning of their status ({@link CompactOutcome}). */
    static long successes(PassCounts counts, CompactionContext c) {
        long n = 0;
        for (CompactStatus st : CompactStatus.values()) {
            if (CompactOutcome.succeeded(c, st)) {
                n += counts.passes(c, st);
            }
        }
        return n;
    }

    /** Passes that succeeded, all contexts. */
    static long succeeded(PassCounts counts) {
        long n = 0;
        for (CompactionContext c : CompactionContext.values()) {
            n += successes(counts, c);
        }
        return n;
    }

    /** compaction.by_context: context -> end status -> passes, non-zero only. */
    static void byContext(ObjectNode out, PassCounts counts) {
        for (CompactionContext c : CompactionContext.values()) {
            ObjectNode cn = JSON.createObjectNode();
            for (CompactStatus st : CompactStatus.values()) {
                if (counts.passes(c, st) > 0) {
                    cn.put(st.name(), counts.passes(c, st));
                }
            }
            if (!cn.isEmpty()) {
                out.set(c.name(), cn);
            }
        }
    }

    /** end_state: per zone, what buddyinfo, pagetypeinfo and extfrag/ show at the end of the run. */
    static void endState(ArrayNode out, List<ZoneSample> end) {
        List<String> mts = ReplayCsv.migratetypeNames(KernelSemantics.MIGRATE_TYPES);
        for (ZoneSample s : end) {
            ObjectNode zn = out.addObject();
            zn.put("node", s.node());
            zn.put("zone", s.zone());
            zn.put("free_pages", s.freePages());
            zn.put("pcp_pages", s.pcpPages());
            ArrayNode nr = zn.putArray("nr_free");
            for (long v : s.nrFree()) {
                nr.add(v);
            }
            ObjectNode byMt = zn.putObject("free_by_migratetype");
            for (int mt = 0; mt < mts.size(); mt++) {
                byMt.put(mts.get(mt), s.freeByMigratetype()[mt]);
            }
            ArrayNode fi = zn.putArray("frag_index");
            for (int v : s.fragIndex()) {
                fi.add(ReplayCsv.index3(v));
            }
            ArrayNode ui = zn.putArray("unusable_index");
            for (int v : s.unusableIndex()) {
                ui.add(ReplayCsv.index3(v));
            }
            zn.put("frag_score", s.fragScore());
            if (s.freeRegions() >= 0) {
                zn.put("free_regions", s.freeRegions());
            }
        }
    }

    private static void compaction(ObjectNode n, CompactionTracker t, int nrOrders) {
        n.put("passes", t.passes());
        n.put("succeeded", succeeded(t::passes));
        byContext(n.putObject("by_context"), t::passes);
        ObjectNode byOrder = n.putObject("by_order");
        long deferred = 0;
        long deferCompaction = 0;
        long deferReset = 0;
        ObjectNode high = JSON.createObjectNode();
        for (int o = -1; o < nrOrders; o++) {
            ObjectNode on = JSON.createObjectNode();
            for (CompactStatus s : CompactStatus.values()) {
                if (t.passesByOrder(o, s) > 0) {
                    on.put(s.name(), t.passesByOrder(o, s));
                }
            }
            if (!on.isEmpty()) {
                byOrder.set(Integer.toString(o), on);
            }
            deferred += t.deferred(o);
            deferCompaction += t.deferCompaction(o);
            deferReset += t.deferReset(o);
            if (o >= 1) {
                long ok = t.allocations(o, true);
                long failed = t.allocations(o, false);
                if (ok + failed > 0) {
                    ObjectNode h = high.putObject(Integer.toString(o));
                    h.put("succeeded", ok);
                    h.put("failed", failed);
                    h.put("after_compaction_succeeded", t.allocationsAfterCompaction(o, true));
                    h.put("after_compaction_failed", t.allocationsAfterCompaction(o, false));
                }
            }
        }
        n.put("deferred", deferred);
        n.put("defer_compaction", deferCompaction);
        n.put("defer_reset", deferReset);
        n.put("kcompactd_wakeups", t.wakeupKcompactd());
        n.put("kcompactd_wakes", t.kcompactdWakes());
        n.put("kswapd_wakes", t.kswapdWakes());
        long migrateScanned = 0;
        long freeScanned = 0;
        long migrated = 0;
        for (CompactionRun run : t.runs()) {
            migrateScanned += run.migrateScanned();
            freeScanned += run.freeScanned() + run.fastFreeScanned();
            migrated += run.migrated();
        }
        n.put("migrate_scanned", migrateScanned);
        n.put("free_scanned", freeScanned);
        n.put("migrated", migrated);
        n.put("scan_efficiency", freeScanned == 0 ? 0.0 : (double) migrateScanned / freeScanned);
        n.set("high_order_allocations", high);
    }

    static double seconds(long ns) {
        return ns == Long.MIN_VALUE ? 0.0 : ns / 1e9;
    }
}
