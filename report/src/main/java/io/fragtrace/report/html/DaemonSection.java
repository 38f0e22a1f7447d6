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

/** report.html: kswapd and kcompactd activity with the compaction passes. */
final class DaemonSection extends Section {
    DaemonSection(Section s) {
        super(s);
    }

    void daemons() {
        page.h2("daemons", "kswapd and kcompactd activity");
        Table d = f.daemons();
        Table cp = f.compaction();
        double last = f.lastS();
        Table tl = Table.create("daemon_timeline", StringColumn.create("lane"), StringColumn.create("daemon"),
                IntColumn.create("node"), DoubleColumn.create("begin_s"), DoubleColumn.create("end_s"),
                DoubleColumn.create("duration_s"), DoubleColumn.create("order"));
        for (int r = 0; r < d.rowCount(); r++) {
            String daemon = d.stringColumn("daemon").get(r);
            int node = (int) d.doubleColumn("node").getDouble(r);
            double b = d.doubleColumn("begin_s").getDouble(r);
            double e = d.doubleColumn("end_s").isMissing(r) ? last : d.doubleColumn("end_s").getDouble(r);
            tl.stringColumn(0).append(daemon + node);
            tl.stringColumn(1).append(daemon);
            tl.intColumn(2).append(node);
            tl.doubleColumn(3).append(b);
            tl.doubleColumn(4).append(e);
            tl.doubleColumn(5).append(Tables.round(e - b, 6));
            if (d.containsColumn("order") && !d.doubleColumn("order").isMissing(r)) {
                tl.doubleColumn(6).append(d.doubleColumn("order").getDouble(r));
            } else {
                tl.doubleColumn(6).appendMissing();
            }
        }
        Table act = Table.create("daemon_activity", StringColumn.create("daemon"), DoubleColumn.create("node"),
                DoubleColumn.create("wakes"), DoubleColumn.create("busy_s"), DoubleColumn.create("busy_share"));
        if (tl.rowCount() > 0) {
            Table g = tl.summarize("duration_s", AggregateFunctions.count, AggregateFunctions.sum)
                    .by("daemon", "node").sortOn("daemon", "node");
            double span = Math.max(last - first, 1e-9);
            for (int r = 0; r < g.rowCount(); r++) {
                act.stringColumn(0).append(g.stringColumn("daemon").get(r));
                act.doubleColumn(1).append(g.intColumn("node").getInt(r));
                act.doubleColumn(2).append(g.numberColumn(2).getDouble(r));
                act.doubleColumn(3).append(Tables.round(g.numberColumn(3).getDouble(r), 6));
                act.doubleColumn(4).append(Tables.round(g.numberColumn(3).getDouble(r) / span, 4));
            }
        }
        List<String> lanes = new ArrayList<>();
        for (String prefix : List.of("kswapd", "kcompactd")) {
            tl.stringColumn("lane").unique().asList().stream().filter(l -> l.startsWith(prefix)).sorted()
                    .forEach(lanes::add);
        }
        List<String> passLanes = new ArrayList<>();
        for (String ctx : HtmlReport.CONTEXTS) {
            if (cp.stringColumn("context").contains(ctx)) {
                passLanes.add(ctx);
            }
        }
        if (lanes.isEmpty() && passLanes.isEmpty()) {
            page.p("No kswapd or kcompactd activity and no compaction pass in the trace.");
            return;
        }
        page.note("Bars: a daemon awake (wake to sleep, daemons.csv; still awake at the end: drawn to the end of"
                + " the trace). Dots: compaction passes by context at their begin time, green when it"
                + " succeeded (SUCCESS, or COMPLETE for a whole-zone proactive or manual pass), red otherwise.");
        XYChart c = Charts.xy("kswapd and kcompactd activity, compaction passes", xTitle(), "");
        ObjectNode spec = Interactive.lines("kswapd and kcompactd activity, compaction passes", xTitle(), "");
        List<String> labels = new ArrayList<>();
        int lane = 0;
        for (String l : lanes) {
            lane++;
            labels.add(l);
            Table rows = tl.where(tl.stringColumn("lane").isEqualTo(l));
            double[] x = new double[rows.rowCount() * 3];
            double[] y = new double[rows.rowCount() * 3];
            for (int r = 0; r < rows.rowCount(); r++) {
                x[3 * r] = rows.doubleColumn("begin_s").getDouble(r) - first;
                x[3 * r + 1] = rows.doubleColumn("end_s").getDouble(r) - first;
                x[3 * r + 2] = x[3 * r + 1];
                y[3 * r] = lane;
                y[3 * r + 1] = lane;
                y[3 * r + 2] = Double.NaN;
            }
            Color col = l.startsWith("kswapd") ? new Color(0x8c, 0x56, 0x4b) : new Color(0x94, 0x67, 0xbd);
            Charts.line(c, l + " awake", x, y, col, 16f);
            double[] xi = x.clone();
            for (int r = 0; r < rows.rowCount(); r++) {
                xi[3 * r + 2] += 2e-6; // the gap after the bar: a time of its own, as the page joins series by time
            }
            Interactive.series(spec, l + " awake", col, 14, xi, y);
        }
        for (String ctx : passLanes) {
            lane++;
            labels.add(ctx.toLowerCase(Locale.ROOT) + " passes");
            Table rows = cp.where(cp.stringColumn("context").isEqualTo(ctx));
            List<Double> ox = new ArrayList<>();
            List<Double> fx = new ArrayList<>();
            for (int r = 0; r < rows.rowCount(); r++) {
                double x = rows.doubleColumn("begin_s").getDouble(r) - first;
                (Tables.passSucceeded(rows, r) ? ox : fx).add(x);
            }
            if (!ox.isEmpty()) {
                Charts.points(c, ctx.toLowerCase(Locale.ROOT) + " success", unbox(ox), fill(ox.size(), lane),
                        new Color(0x2c, 0xa0, 0x2c), 11);
                Interactive.series(spec, ctx.toLowerCase(Locale.ROOT) + " success", new Color(0x2c, 0xa0, 0x2c), 1,
                        unbox(ox), fill(ox.size(), lane)).put("points", 9);
            }
            if (!fx.isEmpty()) {
                Charts.points(c, ctx.toLowerCase(Locale.ROOT) + " not success", unbox(fx),
                        fill(fx.size(), lane), new Color(0xd6, 0x27, 0x28), 11);
                Interactive.series(spec, ctx.toLowerCase(Locale.ROOT) + " not success", new Color(0xd6, 0x27, 0x28),
                        1, unbox(fx), fill(fx.size(), lane)).put("points", 9);
            }
        }
        int lanesTotal = lane;
        c.getStyler().setXAxisMin(0.0);
        c.getStyler().setXAxisMax(span());
        c.getStyler().setYAxisTicksVisible(false);
        c.getStyler().setAnnotationTextFont(new java.awt.Font(java.awt.Font.SANS_SERIF, java.awt.Font.BOLD, 17));
        for (int k = 0; k < labels.size(); k++) {
            c.addAnnotation(new org.knowm.xchart.AnnotationText(labels.get(k), span() * 0.005, k + 1.16, false));
        }
        Charts.markers(c, markerTimes, span(), 0.4, lanesTotal + 0.5);
        var yl = spec.putArray("yLabels");
        labels.forEach(yl::add);
        Interactive.yRange(spec, 0.4, lanesTotal + 0.6);
        spec.put("height", Math.max(220, 46 * lanesTotal + 120));
        timeChart("daemon_timeline", spec, c, tl, "kswapd and kcompactd awake intervals and compaction passes.");
        if (act.rowCount() > 0) {
            csvOnly("daemon_activity", act);
            page.note("Per daemon and node (daemon_activity.csv): wakes, time awake, share of the trace span.");
            page.table(act);
        }
    }
}
