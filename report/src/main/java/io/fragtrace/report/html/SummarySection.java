package io.fragtrace.report.html;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.HeatMapChart;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.style.Styler;
import tech.tablesaw.aggregate.AggregateFunctions;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

import java.awt.Color;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** report.html: the title, the summary (from summary.json) and the trace marker list. */
final class SummarySection extends Section {
    SummarySection(Section s) {
        super(s);
    }

    void header() {
        JsonNode s = f.summary();
        page.h1("Fragtrace report: " + f.name());
        String kernel = s.path("kernel").path("release").asText("unknown kernel");
        String mode = s.path("mode").asText("observed");
        JsonNode cfg = s.path("config");
        page.raw("<p class=\"sub\">" + Page.esc(kernel) + " · " + Page.esc(mode)
                + (cfg.isMissingNode() || cfg.isNull() ? "" : " · config " + Page.esc(configName(cfg)))
                + " · " + Page.esc(s.path("tool").asText("fragtrace")) + "</p>\n");
        page.raw("<nav><a href=\"#summary\">summary</a>" + (s.path("calibration").isObject()
                ? "<a href=\"#calibration\">model vs kernel</a>" : "") + "<a href=\"#frag\">fragmentation index</a>"
                + "<a href=\"#unusable\">unusable index</a><a href=\"#buddyinfo\">buddyinfo</a>"
                + "<a href=\"#migratetype\">migratetypes</a><a href=\"#mixed\">mixed pageblocks</a>"
                + "<a href=\"#regions\">regions</a><a href=\"#physmem\">physical memory</a><a href=\"#compaction\">compaction</a>"
                + "<a href=\"#extfrag\">extfrag fallbacks</a><a href=\"#daemons\">kswapd/kcompactd</a>"
                + "<a href=\"#reporting\">page reporting</a><a href=\"#reserves\">reserves</a>"
                + "<a href=\"#nonlru\">non-LRU</a>"
                + "<a href=\"#alloc\">allocations</a>"
                + "<a href=\"#markers\">markers</a></nav>\n");
    }

    static String configName(JsonNode cfg) {
        if (cfg.isTextual()) {
            return cfg.asText();
        }
        return cfg.path("name").asText(cfg.toString());
    }

    void summary() {
        JsonNode s = f.summary();
        JsonNode in = s.path("input");
        List<String[]> kv = new ArrayList<>();
        String bundle = in.path("bundle").asText("");
        kv.add(new String[] {"input", Page.esc(in.path("name").asText("?"))
                + (bundle.isEmpty() ? "" : " (bundle " + Page.esc(bundle) + ")")
                + ", " + num("input.bytes") + " bytes, " + num("input.lines") + " lines"});
        kv.add(new String[] {"kernel", Page.esc(s.path("kernel").path("release").asText("?")) + " (semantics "
                + Page.esc(s.path("kernel").path("semantics").asText("?")) + ")"});
        double last = f.lastS();
        kv.add(new String[] {"span", String.format(Locale.ROOT, "%.6f s to %.6f s (%.3f s)", first, last,
                last - first)});
        boolean simulate = "simulate".equals(s.path("mode").asText());
        if (simulate) {
            kv.add(new String[] {"events", num("events.read") + " read, " + num("events.after_start_state")
                    + " after the start state; the request stream (" + num("events.requests")
                    + " allocation requests, " + num("events.frees") + " frees) served by the model's own policy;"
                    + " the kernel's compaction, per-CPU, fallback and daemon events are its baseline (Model vs"
                    + " kernel), not applied"});
        } else {
            kv.add(new String[] {"events", num("events.applied") + " applied, " + num("events.skipped")
                    + " skipped"});
        }
        long lost = in.path("lost_events").asLong();
        kv.add(new String[] {"lost events", lost == 0 ? "<span class=\"ok\">" + num("input.lost_events") + "</span>"
                : "<span class=\"warn\">" + num("input.lost_events") + " (the picture is incomplete)</span>"});
        long bad = in.path("bad_lines").asLong();
        kv.add(new String[] {"bad lines", bad == 0 ? num("input.bad_lines") : "<span class=\"warn\">"
                + num("input.bad_lines") + "</span>"});
        JsonNode cons = s.path("consistency");
        if (cons.isObject()) {
            kv.add(new String[] {"contradictions reconciled", contradictions(cons)});
            kv.add(new String[] {"inferred or counted, not contradictions", inferred(cons)});
        }
        if (s.has("unknown_fraction")) {
            kv.add(new String[] {"unknown fraction", num("unknown_fraction", 100, 2) + " % of pages of unknown"
                    + " state at the start (" + Page.esc(s.path("start_state").path("from").asText("?")) + ")"});
        } else if (simulate && "kernel_state".equals(s.path("start_state").path("from").asText())) {
            kv.add(new String[] {"start state", "the kernel's own state at " + num("start_state.at_s", 1, 6)
                    + " s: the observed replay up to it (exact free lists and pcp lists; skip bits, deferral and"
                    + " watermark boost start fresh, kswapd and kcompactd asleep)"});
        } else if (simulate) {
            kv.add(new String[] {"start state", "the kernel's before/buddydump.txt (exact free lists, pcp lists and"
                    + " pageblocks)"});
        }
        // what the start needed to know beyond the dump (e.g. a local-clock trace's snapshot instants moved)
        for (JsonNode note : s.path("start_state").path("notes")) {
            kv.add(new String[] {"start state note", Page.esc(note.asText())});
        }
        JsonNode fid = s.path("fidelity");
        if (fid.isObject()) {
            boolean exact = fid.path("exact").asBoolean();
            kv.add(new String[] {"fidelity (after snapshot)", (exact ? "<span class=\"ok\">exact</span>"
                    : "<span class=\"warn\">not exact</span>") + ": " + num("fidelity.pages_mismatched")
                    + " pages mismatched, " + num("fidelity.free_blocks_missing") + " free blocks missing, "
                    + num("fidelity.free_blocks_extra") + " extra, " + num("fidelity.pageblocks_mismatched")
                    + " pageblocks mismatched, extfrag index max error "
                    + num("fidelity.extfrag_index_max_error", 1, 3)});
        } else if (simulate) {
            kv.add(new String[] {"fidelity (model vs kernel)", simulateFidelity(s.path("calibration"))});
        } else {
            kv.add(new String[] {"fidelity", "not checked (the input has no before/after snapshot)"});
        }
        JsonNode topo = s.path("topology");
        List<String> zones = new ArrayList<>();
        for (int i = 0; i < topo.path("zones").size(); i++) {
            JsonNode z = topo.path("zones").path(i);
            zones.add(String.format(Locale.ROOT, "node %d %s: ", z.path("node").asInt(), Page.esc(z.path("zone")
                    .asText())) + num("topology.zones." + i + ".present") + " pages present, "
                    + num("topology.zones." + i + ".managed") + " managed");
        }
        kv.add(new String[] {"topology", "max_order " + num("topology.max_order") + ", pageblock (THP) order "
                + num("topology.pageblock_order") + "; " + String.join("; ", zones)});
        kv.add(new String[] {"samples", String.format(Locale.ROOT, "%,d rows of timeseries.csv, %d zones, %d markers",
                f.timeseries().rowCount(), f.zones().size(), markerTimes.size())});
        page.h2("summary", "Summary");
        page.kv(kv);
        consistencyExamples();

        Table end = Table.create("end state", StringColumn.create("zone"), DoubleColumn.create("free_pages"),
                DoubleColumn.create("pcp_pages"), DoubleColumn.create("frag_index_" + thp),
                DoubleColumn.create("unusable_index_" + thp), DoubleColumn.create("frag_score"));
        for (ReplayFolder.Zone z : f.zones()) {
            JsonNode e = f.endState(z);
            if (e.isMissingNode()) {
                continue;
            }
            end.stringColumn(0).append(z.label());
            end.doubleColumn(1).append(e.path("free_pages").asDouble());
            end.doubleColumn(2).append(e.path("pcp_pages").asDouble());
            end.doubleColumn(3).append(Tables.parse(e.path("frag_index").path(thp)));
            end.doubleColumn(4).append(Tables.parse(e.path("unusable_index").path(thp)));
            end.doubleColumn(5).append(e.path("frag_score").asDouble());
        }
        if (end.rowCount() > 0) {
            page.h3("End of the trace (summary.json end_state)");
            page.table(end);
        }
    }

    /** A simulate run's fidelity: its own policy, so not exact by design; how far from the kernel it ended up. */
    static String simulateFidelity(JsonNode cal) {
        if (!cal.isObject()) {
            return "the model runs its own policy (simulate mode), so it is not replayed against the after snapshot";
        }
        String end = "";
        for (JsonNode r : cal.path("rows")) {
            if (r.path("key").asText().equals("end_buddyinfo") && r.path("error").isNumber()) {
                boolean ok = "PASS".equals(r.path("verdict").asText());
                end = "<span class=\"" + (ok ? "ok" : "warn") + "\">" + String.format(Locale.ROOT, "%.1f %%",
                        100 * r.path("error").asDouble()) + "</span> of the kernel's free memory on another order at"
                        + " the end; ";
            }
        }
        boolean pass = "PASS".equals(cal.path("verdict").asText());
        return end + "<span class=\"" + (pass ? "ok" : "warn") + "\">" + cal.path("rows_passed").asInt() + " of "
                + cal.path("rows_with_a_bar").asInt() + "</span> calibration rows within their bars (<a"
                + " href=\"#calibration\">Model vs kernel</a>)";
    }

    /** consistency.contradictions with its kinds: events the model disagreed with, where the trace won. */
    String contradictions(JsonNode cons) {
        List<String> kinds = kinds(cons, true);
        long n = cons.path("contradictions").asLong();
        String head = n == 0 ? "<span class=\"ok\">" + num("consistency.contradictions") + "</span>"
                : "<span class=\"warn\">" + num("consistency.contradictions") + "</span>";
        return head + " (events that contradicted the model; the trace won and the model was corrected)"
                + (kinds.isEmpty() ? "" : ": " + String.join(", ", kinds));
    }

    /** The consistency kinds that are not contradictions: untraced kernel paths the model inferred, and counts. */
    String inferred(JsonNode cons) {
        List<String> kinds = kinds(cons, false);
        return kinds.isEmpty() ? "none" : String.join(", ", kinds);
    }

    /** by_kind entries that are (or are not) contradictions, largest first; Consistency.Kind says which is which. */
    List<String> kinds(JsonNode cons, boolean contradiction) {
        List<Map.Entry<String, JsonNode>> all = new ArrayList<>();
        cons.path("by_kind").fields().forEachRemaining(all::add);
        all.sort((x, y) -> Long.compare(y.getValue().asLong(), x.getValue().asLong()));
        List<String> out = new ArrayList<>();
        for (Map.Entry<String, JsonNode> e : all) {
            if (e.getValue().asLong() != 0 && isContradiction(e.getKey()) == contradiction) {
                out.add("<code>" + Page.esc(e.getKey()) + "</code> " + num("consistency.by_kind." + e.getKey()));
            }
        }
        return out;
    }

    /** A kind this version does not know is shown as a contradiction (the cautious reading). */
    static boolean isContradiction(String kind) {
        try {
            return io.fragtrace.replay.Consistency.Kind.valueOf(kind.toUpperCase(Locale.ROOT)).contradiction;
        } catch (IllegalArgumentException e) {
            return true;
        }
    }

    /** The first examples of each consistency kind (summary.json consistency.examples), folded. */
    void consistencyExamples() {
        JsonNode ex = f.summary().path("consistency").path("examples");
        if (!ex.isArray() || ex.isEmpty()) {
            return;
        }
        Table t = Table.create("consistency examples", StringColumn.create("kind"), DoubleColumn.create("time_s"),
                DoubleColumn.create("line"), StringColumn.create("what"));
        for (JsonNode e : ex) {
            t.stringColumn(0).append(e.path("kind").asText());
            t.doubleColumn(1).append(e.path("time_s").asDouble());
            t.doubleColumn(2).append(e.path("line").asDouble());
            t.stringColumn(3).append(e.path("what").asText());
        }
        page.raw("<details><summary>First examples of each consistency kind (" + ex.size() + ")</summary>\n");
        page.table(t);
        page.raw("</details>\n");
    }

    void markerList() {
        page.h2("markers", "Trace markers");
        Table m = f.markers();
        if (m.rowCount() == 0) {
            page.p("The trace has no tracing_mark_write markers.");
            return;
        }
        Table t = Table.create("markers", IntColumn.create("no"), DoubleColumn.create("time_s"),
                DoubleColumn.create("t_s"), StringColumn.create("text"));
        for (int r = 0; r < m.rowCount(); r++) {
            t.intColumn(0).append(r + 1);
            t.doubleColumn(1).append(m.doubleColumn("time_s").getDouble(r));
            t.doubleColumn(2).append(Tables.round(m.doubleColumn("time_s").getDouble(r) - first, 6));
            t.stringColumn(3).append(m.stringColumn("text").get(r));
        }
        page.note("The numbers on the charts' time axes.");
        page.table(t);
    }
}
