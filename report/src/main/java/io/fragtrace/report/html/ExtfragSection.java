package io.fragtrace.report.html;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.knowm.xchart.XYChart;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

import java.awt.Color;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * report.html: external fragmentation, from stats.json's {@code extfrag} (mm_page_alloc_extfrag, the tracepoint in
 * mm/page_alloc.c steal_suitable_fallback()/__rmqueue_fallback()): how many allocations fell back to another
 * migratetype's free list, which pairs, how many fragmented a pageblock or changed its owner, over time, and who put
 * unmovable or reclaimable pages into a movable pageblock (pollution: those pages cannot be migrated away, so the
 * pageblock stays unusable for a huge page until they are freed).
 */
final class ExtfragSection extends Section {
    /** Events listed in the page; the CSV has all that stats.json has. */
    static final int PAGE_ROWS = 50;
    static final Color FALLBACKS = new Color(0x1f, 0x77, 0xb4);
    static final Color FRAGMENTING = new Color(0xd6, 0x27, 0x28);
    static final Color OWNERSHIP = new Color(0x2c, 0xa0, 0x2c);

    ExtfragSection(Section s) {
        super(s);
    }

    void write() {
        page.h2("extfrag", "External fragmentation: migratetype fallbacks");
        JsonNode st = f.stats();
        JsonNode ex = st == null ? null : st.path("extfrag");
        if (ex == null || !ex.isObject()) {
            page.p("This folder's stats.json has no extfrag section (or there is no stats.json).");
            return;
        }
        page.note("mm_page_alloc_extfrag: an allocation found no free block of its migratetype and took one from"
                + " another type's free list (__rmqueue_fallback). fragmenting: the block taken was smaller than a"
                + " pageblock, so the pageblock now mixes types. change_ownership: the whole pageblock was re-typed"
                + " to the requested type.");
        if (ex.path("fallbacks").asLong() == 0) {
            page.empty("No mm_page_alloc_extfrag event: no allocation fell back to another migratetype ("
                    + stat("extfrag.fallbacks") + " fallbacks).");
            return;
        }
        page.kv(List.of(
                new String[] {"fallbacks", stat("extfrag.fallbacks")},
                new String[] {"fragmenting", stat("extfrag.fragmenting") + " (severe, fallback order ≤ 3: "
                        + stat("extfrag.severe") + "; moderate: " + stat("extfrag.moderate") + ")"},
                new String[] {"not fragmenting", String.format(Locale.ROOT, "%,d", ex.path("fallbacks").asLong()
                        - ex.path("fragmenting").asLong())},
                new String[] {"pageblock ownership changed", stat("extfrag.change_ownership")}));
        pairs(ex);
        overTime(ex);
        pollution(ex);
    }

    /** by_migratetype: requested → stolen, with pollution pairs flagged. */
    void pairs(JsonNode ex) {
        Table t = Table.create("extfrag_by_migratetype", StringColumn.create("requested"),
                StringColumn.create("stolen_from"), DoubleColumn.create("fallbacks"),
                DoubleColumn.create("fragmenting"), DoubleColumn.create("not_fragmenting"),
                StringColumn.create("pollutes_movable"));
        for (JsonNode r : ex.path("by_migratetype")) {
            String req = r.path("alloc_migratetype_name").asText();
            String from = r.path("fallback_migratetype_name").asText();
            t.stringColumn(0).append(req);
            t.stringColumn(1).append(from);
            t.doubleColumn(2).append(r.path("fallbacks").asDouble());
            t.doubleColumn(3).append(r.path("fragmenting").asDouble());
            t.doubleColumn(4).append(r.path("fallbacks").asDouble() - r.path("fragmenting").asDouble());
            t.stringColumn(5).append(pollutes(req, from) ? "yes" : "");
        }
        page.h3("By (requested → stolen) migratetype");
        csvOnly("extfrag_by_migratetype", t);
        page.table(t.sortDescendingOn("fallbacks"));
    }

    /** Unmovable or reclaimable pages taken from a movable free list: they land in a movable pageblock. */
    static boolean pollutes(String requested, String stolenFrom) {
        return "movable".equals(stolenFrom) && ("unmovable".equals(requested) || "reclaimable".equals(requested));
    }

    void overTime(JsonNode ex) {
        page.h3("Over time");
        JsonNode ot = ex.path("over_time");
        if (!ot.isArray()) {
            page.empty("Fallbacks over time are not available: this stats.json has no extfrag.over_time (written by"
                    + " an older Fragtrace). The totals above are complete.");
            return;
        }
        Table t = Table.create("extfrag_over_time", DoubleColumn.create("t_s"), DoubleColumn.create("fallbacks"),
                DoubleColumn.create("fragmenting"), DoubleColumn.create("not_fragmenting"),
                DoubleColumn.create("change_ownership"));
        for (JsonNode b : ot) {
            t.doubleColumn(0).append(Tables.round(b.path("t").asDouble() - first, 6));
            t.doubleColumn(1).append(b.path("fallbacks").asDouble());
            t.doubleColumn(2).append(b.path("fragmenting").asDouble());
            t.doubleColumn(3).append(b.path("fallbacks").asDouble() - b.path("fragmenting").asDouble());
            t.doubleColumn(4).append(b.path("change_ownership").asDouble());
        }
        if (t.rowCount() == 0) {
            page.empty("extfrag.over_time is empty.");
            return;
        }
        ObjectNode spec = Interactive.lines("Migratetype fallbacks per time bucket", xTitle(), "fallbacks");
        Interactive.yRange(spec, 0.0, null);
        XYChart c = Charts.xy("Migratetype fallbacks per time bucket", xTitle(), "fallbacks");
        double[] x = t.doubleColumn("t_s").asDoubleArray();
        String[] cols = {"fallbacks", "fragmenting", "not_fragmenting", "change_ownership"};
        Color[] colours = {FALLBACKS, FRAGMENTING, new Color(0x7f, 0x7f, 0x7f), OWNERSHIP};
        for (int i = 0; i < cols.length; i++) {
            double[] y = t.doubleColumn(cols[i]).asDoubleArray();
            Interactive.series(spec, cols[i].replace('_', ' '), colours[i], i == 0 ? 2.5 : 1.5, x, y).put("step", true);
            Charts.line(c, cols[i].replace('_', ' '), x, y, colours[i], i == 0 ? 3f : 2f)
                    .setXYSeriesRenderStyle(org.knowm.xchart.XYSeries.XYSeriesRenderStyle.Step);
        }
        Charts.markers(c, markerTimes, span(), 0, Math.max(1, t.doubleColumn("fallbacks").max()) * 1.02);
        timeChart("extfrag_over_time", spec, c, t, "Fallbacks per time bucket (each value from its bucket's start"
                + " to the next), split into fragmenting and not, and pageblocks whose owner changed.");
    }

    void pollution(JsonNode ex) {
        page.h3("Who put unmovable or reclaimable pages into movable pageblocks");
        JsonNode ev = ex.path("pollution");
        if (!ev.isArray()) {
            long n = 0;
            for (JsonNode r : ex.path("by_migratetype")) {
                if (pollutes(r.path("alloc_migratetype_name").asText(), r.path("fallback_migratetype_name").asText())) {
                    n += r.path("fallbacks").asLong();
                }
            }
            page.empty(String.format(Locale.ROOT, "%,d fallback%s put unmovable or reclaimable pages into a movable"
                    + " pageblock (by_migratetype above); the task, gfp flags and time of each are not available:"
                    + " this stats.json has no extfrag.pollution (written by an older Fragtrace).", n, n == 1 ? "" : "s"));
            return;
        }
        long total = ex.path("pollution_total").asLong(ev.size());
        if (total == 0) {
            page.empty("No fallback put unmovable or reclaimable pages into a movable pageblock ("
                    + stat("extfrag.pollution_total") + " such events).");
            return;
        }

        page.raw("<p>" + stat("extfrag.pollution_total") + " fallbacks took a movable free block for an unmovable or"
                + " reclaimable allocation" + (ev.size() < total ? String.format(Locale.ROOT,
                " (stats.json lists the first %,d)", ev.size()) : "") + ".</p>\n");
        Table tasks = Table.create("extfrag_pollution_by_task", StringColumn.create("comm"),
                DoubleColumn.create("pid"), DoubleColumn.create("count"));
        for (JsonNode r : ex.path("pollution_by_task")) {
            tasks.stringColumn(0).append(r.path("comm").asText());
            tasks.doubleColumn(1).append(r.path("pid").asDouble());
            tasks.doubleColumn(2).append(r.path("count").asDouble());
        }
        if (tasks.rowCount() > 0) {
            csvOnly("extfrag_pollution_by_task", tasks);
            page.note("By task (extfrag_pollution_by_task.csv):");
            page.table(tasks.sortDescendingOn("count"));
        }
        Table t = Table.create("extfrag_pollution", DoubleColumn.create("time_s"), DoubleColumn.create("t_s"),
                DoubleColumn.create("line"), StringColumn.create("comm"), DoubleColumn.create("pid"),
                StringColumn.create("gfp"), DoubleColumn.create("order"), StringColumn.create("requested"),
                StringColumn.create("stolen_from"), StringColumn.create("fragmenting"),
                StringColumn.create("change_ownership"));
        for (JsonNode r : ev) {
            t.doubleColumn(0).append(r.path("time").asDouble());
            t.doubleColumn(1).append(Tables.round(r.path("time").asDouble() - first, 6));
            t.doubleColumn(2).append(r.path("line").asDouble());
            t.stringColumn(3).append(r.path("comm").asText());
            t.doubleColumn(4).append(r.path("pid").asDouble());
            t.stringColumn(5).append(r.path("gfp").asText());
            t.doubleColumn(6).append(r.path("order").asDouble());
            t.stringColumn(7).append(r.path("alloc_migratetype_name").asText());
            t.stringColumn(8).append(r.path("fallback_migratetype_name").asText());
            t.stringColumn(9).append(r.path("fragmenting").asBoolean() ? "yes" : "no");
            t.stringColumn(10).append(r.path("change_ownership").asBoolean() ? "yes" : "no");
        }
        csvOnly("extfrag_pollution", t);
        page.raw("<details" + (t.rowCount() <= 10 ? " open" : "") + "><summary>Each event: time, task, gfp flags"
                + (t.rowCount() > PAGE_ROWS ? " (the first " + PAGE_ROWS + "; all " + t.rowCount()
                + " in extfrag_pollution.csv)" : " (extfrag_pollution.csv)") + "</summary>\n");
        page.table(t.first(PAGE_ROWS));
        page.raw("</details>\n");
    }

}
