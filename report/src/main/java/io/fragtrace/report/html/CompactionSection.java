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

/** report.html: compaction passes, success over time, outcomes and latency. */
final class CompactionSection extends Section {
    CompactionSection(Section s) {
        super(s);
    }

    void compaction() {
        page.h2("compaction", "Compaction");
        Table cp = f.compaction();
        JsonNode cs = f.summary().path("compaction");
        List<String[]> kv = new ArrayList<>();
        kv.add(new String[] {"passes", cs.path("passes").isNumber() ? num("compaction.passes")
                : String.format(Locale.ROOT, "%,d (compaction.csv)", cp.rowCount())});
        kv.add(new String[] {"deferred / defer_compaction / defer_reset", num("compaction.deferred") + " / "
                + num("compaction.defer_compaction") + " / " + num("compaction.defer_reset")});
        kv.add(new String[] {"kcompactd wakeups requested / wakes", num("compaction.kcompactd_wakeups") + " / "
                + num("compaction.kcompactd_wakes")});
        kv.add(new String[] {"kswapd wakes", num("compaction.kswapd_wakes")});
        kv.add(new String[] {"migrate scanned / free scanned / migrated", num("compaction.migrate_scanned") + " / "
                + num("compaction.free_scanned") + " / " + num("compaction.migrated") + " (scan efficiency "
                + num("compaction.scan_efficiency", 1, 3) + ")"});
        page.kv(kv);
        highOrder(cs.path("high_order_allocations"));
        if (cp.rowCount() == 0) {
            page.p("No compaction pass in the trace.");
            return;
        }
        success(cp);
        outcomes(cp);
        latency(cp);
    }

    void highOrder(JsonNode h) {
        if (!h.isObject() || h.size() == 0) {
            return;
        }
        Table t = Table.create("high_order_allocations", IntColumn.create("order"),
                DoubleColumn.create("succeeded"), DoubleColumn.create("failed"),
                DoubleColumn.create("after_compaction_succeeded"), DoubleColumn.create("after_compaction_failed"));
        Iterator<Map.Entry<String, JsonNode>> it = h.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            t.intColumn(0).append(Integer.parseInt(e.getKey()));
            t.doubleColumn(1).append(e.getValue().path("succeeded").asDouble());
            t.doubleColumn(2).append(e.getValue().path("failed").asDouble());
            t.doubleColumn(3).append(e.getValue().path("after_compaction_succeeded").asDouble());
            t.doubleColumn(4).append(e.getValue().path("after_compaction_failed").asDouble());
        }
        page.h3("High-order allocations (summary.json)");
        page.table(t.sortAscendingOn("order"));
    }

    static Color statusColor(String status) {
        return switch (status) {
            case "SUCCESS" -> new Color(0x2c, 0xa0, 0x2c);
            case "PARTIAL_SKIPPED" -> new Color(0xff, 0x7f, 0x0e);
            case "COMPLETE" -> new Color(0x1f, 0x77, 0xb4);
            case "CONTENDED" -> new Color(0xd6, 0x27, 0x28);
            case "NO_SUITABLE_PAGE" -> new Color(0x94, 0x67, 0xbd);
            default -> new Color(0x7f, 0x7f, 0x7f);
        };
    }

    static String series(String context, double order) {
        return context.toLowerCase(Locale.ROOT) + " " + (order < 0 ? "whole zone" : "order " + (int) order);
    }

    void success(Table cp) {
        int n = HtmlReport.COMPACTION_BINS;
        double width = Math.max(f.lastS() - first, 1e-9) / n;
        Table t = cp.copy();
        t.addColumns(bins(t.doubleColumn("end_s"), n));
        DoubleColumn ok = DoubleColumn.create("succeeded");
        for (int r = 0; r < t.rowCount(); r++) {
            ok.append(Tables.passSucceeded(t, r) ? 1 : 0);
        }
        t.addColumns(ok);
        t.replaceColumn("order", ints(t.doubleColumn("order")));
        Table g = t.summarize("succeeded", AggregateFunctions.count, AggregateFunctions.sum)
                .by("bin", "context", "order").sortOn("bin", "context", "order");
        Table out = Table.create("compaction_success");
        DoubleColumn start = DoubleColumn.create("bin_start_s");
        DoubleColumn end = DoubleColumn.create("bin_end_s");
        DoubleColumn rate = DoubleColumn.create("success_rate");
        for (int i = 0; i < g.rowCount(); i++) {
            int b = g.intColumn("bin").getInt(i);
            start.append(Tables.round(first + b * width, 6));
            end.append(Tables.round(first + (b + 1) * width, 6));
            rate.append(Tables.round(g.numberColumn(4).getDouble(i) / g.numberColumn(3).getDouble(i), 4));
        }
        out.addColumns(g.intColumn("bin").copy(), start, end, g.stringColumn("context").copy(),
                g.intColumn("order").copy(), DoubleColumn.create("passes", g.numberColumn(3).asDoubleArray()),
                DoubleColumn.create("succeeded", g.numberColumn(4).asDoubleArray()), rate);
        XYChart c = Charts.xy("Compaction success rate over time, by context and order", xTitle(),
                "passes that succeeded (%)");
        ObjectNode spec = Interactive.lines("Compaction success rate over time, by context and order", xTitle(),
                "passes that succeeded (%)");
        Interactive.yRange(spec, -3.0, 103.0);
        int i = 0;
        Table keys = out.selectColumns("context", "order").dropDuplicateRows().sortOn("context", "order");
        org.knowm.xchart.style.markers.Marker[] shapes = {org.knowm.xchart.style.markers.SeriesMarkers.CIRCLE,
            org.knowm.xchart.style.markers.SeriesMarkers.DIAMOND, org.knowm.xchart.style.markers.SeriesMarkers.SQUARE,
            org.knowm.xchart.style.markers.SeriesMarkers.TRIANGLE_UP,
            org.knowm.xchart.style.markers.SeriesMarkers.TRIANGLE_DOWN};
        for (int k = 0; k < keys.rowCount(); k++) {
            String ctx = keys.stringColumn("context").get(k);
            int order = keys.intColumn("order").getInt(k);
            Table rows = out.where(out.stringColumn("context").isEqualTo(ctx)
                    .and(out.intColumn("order").isEqualTo(order)));
            double[] x = new double[rows.rowCount()];
            double[] y = new double[rows.rowCount()];
            for (int r = 0; r < rows.rowCount(); r++) {
                // series side by side inside the bin, so equal rates in one bin do not hide each other
                x[r] = (rows.intColumn("bin").getInt(r) + (k + 1.0) / (keys.rowCount() + 1)) * width;
                y[r] = 100 * rows.doubleColumn("success_rate").getDouble(r);
            }
            long passes = (long) rows.doubleColumn("passes").sum();
            String name = series(ctx, order) + " (" + passes + (passes == 1 ? " pass)" : " passes)");
            Interactive.series(spec, name, Charts.PALETTE[i % Charts.PALETTE.length], 1, x, y).put("points", 10);
            var s = Charts.points(c, name, x, y, Charts.PALETTE[i++ % Charts.PALETTE.length], 16);
            s.setMarker(shapes[k % shapes.length]);
        }
        c.getStyler().setXAxisMin(0.0);
        c.getStyler().setXAxisMax(span());
        Charts.markers(c, markerTimes, span(), -3, 103);
        page.h3("Success over time");
        page.note("Passes are put in " + n + " equal time bins by their end; a point is the share of the"
                + " bin's passes of that context and order that succeeded: mm_compaction_end status SUCCESS, or"
                + " COMPLETE for a whole-zone (proactive, manual) pass, whose normal end it is (enum compact_result,"
                + " include/linux/compaction.h).");
        timeChart("compaction_success", spec, c, out, "Compaction success rate per bin.");
    }

    void outcomes(Table cp) {
        Table g = cp.countBy("context", "status").sortOn("context", "status");
        Table out = Table.create("compaction_outcomes", g.stringColumn("context").copy(),
                g.stringColumn("status").copy(), DoubleColumn.create("passes", g.numberColumn("Count").asDoubleArray()));
        List<String> contexts = new ArrayList<>();
        for (String ctx : HtmlReport.CONTEXTS) {
            if (out.stringColumn("context").contains(ctx)) {
                contexts.add(ctx);
            }
        }
        for (String ctx : out.stringColumn("context").unique()) {
            if (!contexts.contains(ctx)) {
                contexts.add(ctx);
            }
        }
        CategoryChart c = Charts.category("Compaction pass outcomes by context", "context", "passes");
        c.getStyler().setStacked(true);
        c.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
        for (String status : out.stringColumn("status").unique().asList().stream().sorted().toList()) {
            List<Double> ys = new ArrayList<>();
            for (String ctx : contexts) {
                Table r = out.where(out.stringColumn("context").isEqualTo(ctx)
                        .and(out.stringColumn("status").isEqualTo(status)));
                ys.add(r.rowCount() == 0 ? 0.0 : r.doubleColumn("passes").getDouble(0));
            }
            c.addSeries(status, contexts, ys).setFillColor(statusColor(status));
        }
        page.h3("Outcomes");
        chart("compaction_outcomes", c, out, "compaction outcomes", "Passes per context and end status.");
        page.table(out);
    }

    void latency(Table cp) {
        Table all = cp.selectColumns("context", "duration_ms");
        Table g = all.summarize("duration_ms", AggregateFunctions.count, AggregateFunctions.mean,
                AggregateFunctions.median, AggregateFunctions.percentile90, AggregateFunctions.percentile99,
                AggregateFunctions.max).by("context");
        Table whole = all.summarize("duration_ms", AggregateFunctions.count, AggregateFunctions.mean,
                AggregateFunctions.median, AggregateFunctions.percentile90, AggregateFunctions.percentile99,
                AggregateFunctions.max).apply();
        Table out = Table.create("compaction_latency", StringColumn.create("context"),
                DoubleColumn.create("passes"), DoubleColumn.create("mean_ms"), DoubleColumn.create("p50_ms"),
                DoubleColumn.create("p90_ms"), DoubleColumn.create("p99_ms"), DoubleColumn.create("max_ms"));
        List<String> order = new ArrayList<>(HtmlReport.CONTEXTS);
        for (String ctx : g.stringColumn("context")) {
            if (!order.contains(ctx)) {
                order.add(ctx);
            }
        }
        for (String ctx : order) {
            Table r = g.where(g.stringColumn("context").isEqualTo(ctx));
            if (r.rowCount() > 0) {
                addLatency(out, ctx, r, 1);
            }
        }
        addLatency(out, "ALL", whole, 0);
        CategoryChart c = Charts.category("Compaction pass duration by context", "context", "milliseconds");
        List<String> xs = out.stringColumn("context").asList();
        String[] names = {"p50_ms", "p90_ms", "p99_ms", "max_ms"};
        for (String n : names) {
            List<Double> ys = new ArrayList<>();
            for (double d : out.doubleColumn(n).asDoubleArray()) {
                ys.add(d);
            }
            c.addSeries(n.replace("_ms", ""), xs, ys);
        }
        page.h3("Latency (mm_compaction_begin to end)");
        page.note("Percentiles as Tablesaw computes them (Commons Math Percentile, default estimation).");
        chart("compaction_latency", c, out, "compaction latency", "Pass duration percentiles per context.");
        page.table(out);
    }

    static void addLatency(Table out, String ctx, Table r, int from) {
        out.stringColumn(0).append(ctx);
        for (int k = 0; k < 6; k++) {
            out.doubleColumn(k + 1).append(Tables.round(r.numberColumn(from + k).getDouble(0), 3));
        }
    }
}
