package io.fragtrace.report.html;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.style.Styler;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

import java.awt.Color;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The charts of diff.html: runs A and B overlaid on interactive time charts (each run's trace markers as A1.., B1..)
 * with the XChart PNGs written beside the page, and the end-of-run bars. A chart whose values are one number in both
 * runs is one sentence instead.
 */
final class DiffCharts {
    final ReplayFolder a;
    final ReplayFolder b;
    final List<ReplayFolder.Zone> zones;
    final Map<String, byte[]> files;
    final Page page;
    final int thp;
    final int top;

    DiffCharts(ReplayFolder a, ReplayFolder b, List<ReplayFolder.Zone> zones, Map<String, byte[]> files, Page page,
               int thp, int top) {
        this.a = a;
        this.b = b;
        this.zones = zones;
        this.files = files;
        this.page = page;
        this.thp = thp;
        this.top = top;
    }

    static double endValue(ReplayFolder f, ReplayFolder.Zone z, String key, String column, int order) {
        return DiffReport.endValue(f, z, key, column, order);
    }

    void chart(String base, org.knowm.xchart.internal.chartpart.Chart<?, ?> chart, Table data, String caption) {
        byte[] png = Charts.png(chart);
        files.put(base + ".png", png);
        files.put(base + ".csv", Tables.csv(data));
        page.figure(base + ".png", png, caption, caption, base + ".csv");
    }

    /** An overlay: interactive in the page with both runs' markers, its PNG and CSV beside it. */
    void timeChart(String base, ObjectNode spec, org.knowm.xchart.internal.chartpart.Chart<?, ?> png, Table data,
                   String caption) {
        for (ReplayFolder f : List.of(a, b)) {
            List<Double> times = new ArrayList<>();
            List<String> texts = new ArrayList<>();
            DoubleColumn mt = f.markers().doubleColumn("time_s");
            for (int i = 0; i < mt.size(); i++) {
                if (!mt.isMissing(i)) {
                    times.add(mt.getDouble(i) - f.firstS());
                    texts.add(f.markers().stringColumn("text").get(i));
                }
            }
            Interactive.markers(spec, times, texts, f == a ? "A" : "B");
        }
        spec.put("xMin", 0.0);
        spec.put("xMax", Interactive.round(Math.max(a.lastS() - a.firstS(), b.lastS() - b.firstS())));
        files.put(base + ".png", Charts.png(png));
        files.put(base + ".csv", Tables.csv(data));
        page.interactive(base, spec, null, caption, base + ".png", base + ".csv");
    }

    /** time, value of one column of one zone, for both runs, in long form. */
    Table overlay(String name, ReplayFolder.Zone z, String col) {
        Table t = Table.create(name, StringColumn.create("run"), DoubleColumn.create("t_s"),
                DoubleColumn.create(col));
        for (ReplayFolder f : List.of(a, b)) {
            Table rows = f.rows(z);
            if (!rows.containsColumn(col)) {
                continue;
            }
            double first = f.firstS();
            for (int r = 0; r < rows.rowCount(); r++) {
                t.stringColumn(0).append(f == a ? "A" : "B");
                t.doubleColumn(1).append(Tables.round(rows.doubleColumn("time_s").getDouble(r) - first, 6));
                if (rows.doubleColumn(col).isMissing(r)) {
                    t.doubleColumn(2).appendMissing();
                } else {
                    t.doubleColumn(2).append(rows.doubleColumn(col).getDouble(r));
                }
            }
        }
        return t;
    }

    void overlayChart(String base, String title, String yTitle, ReplayFolder.Zone z, String col, Double yMin,
                      Double yMax) {
        Table t = overlay(base, z, col);
        DoubleColumn v = t.doubleColumn(col);
        if (v.countMissing() == v.size()) {
            page.empty(title + ": neither run has " + col + ".");
            return;
        }
        double only = v.where(v.isNotMissing()).get(0);
        if (Section.allEqual(v, only)) {
            files.put(base + ".csv", Tables.csv(t));
            page.empty(String.format(java.util.Locale.ROOT, "%s: %s at every sample of both runs, nothing to"
                    + " chart (data: %s.csv).", title, Tables.number(only), base));
            return;
        }
        XYChart c = Charts.xy(title, "seconds since the run's first event", yTitle);
        ObjectNode spec = Interactive.lines(title, "seconds since the run's first event", yTitle);
        Interactive.yRange(spec, yMin, yMax);
        for (String run : List.of("A", "B")) {
            Table rows = t.where(t.stringColumn("run").isEqualTo(run));
            if (rows.rowCount() > 0) {
                Charts.line(c, run, rows.doubleColumn("t_s").asDoubleArray(),
                        rows.doubleColumn(col).asDoubleArray(), run.equals("A") ? Charts.A : Charts.B,
                        run.equals("A") ? 5f : 2.5f);
                Interactive.series(spec, run, run.equals("A") ? Charts.A : Charts.B, run.equals("A") ? 3.5 : 1.8,
                        rows.doubleColumn("t_s").asDoubleArray(), rows.doubleColumn(col).asDoubleArray());
            }
        }
        if (yMin != null) {
            c.getStyler().setYAxisMin(yMin);
        }
        if (yMax != null) {
            c.getStyler().setYAxisMax(yMax);
        }
        timeChart(base, spec, c, t, title);
    }

    void overlays() {
        for (ReplayFolder.Zone z : zones) {
            overlayChart("diff_frag_index_" + thp + "_" + z.key(), "Fragmentation index, order " + thp
                    + " (THP), " + z.label(), "fragmentation index", z, "frag_index_" + thp, -1.05, 1.05);
            overlayChart("diff_unusable_index_" + thp + "_" + z.key(), "Unusable free space index, order " + thp
                    + " (THP), " + z.label(), "unusable free space index", z, "unusable_index_" + thp, 0.0, 1.05);
            overlayChart("diff_free_pages_" + z.key(), "Free pages, " + z.label(), "free pages", z, "free_pages",
                    0.0, null);
        }
    }

    void compactionOverlay() {
        Table t = Table.create("diff_compaction", StringColumn.create("run"), DoubleColumn.create("t_s"),
                DoubleColumn.create("passes"), DoubleColumn.create("succeeded"));
        XYChart c = Charts.xy("Compaction passes over time (cumulative; dashed: succeeded)",
                "seconds since the run's first event", "passes");
        ObjectNode spec = Interactive.lines("Compaction passes over time (cumulative; dashed: succeeded)",
                "seconds since the run's first event", "passes");
        Interactive.yRange(spec, 0.0, null);
        for (ReplayFolder f : List.of(a, b)) {
            String run = f == a ? "A" : "B";
            Table cp = f.compaction().sortAscendingOn("end_s");
            double first = f.firstS();
            int n = cp.rowCount();
            double[] x = new double[n + 2];
            double[] y = new double[n + 2];
            double[] ys = new double[n + 2];
            int ok = 0;
            for (int r = 0; r < n; r++) {
                x[r + 1] = Tables.round(cp.doubleColumn("end_s").getDouble(r) - first, 6);
                ok += Tables.passSucceeded(cp, r) ? 1 : 0;
                y[r + 1] = r + 1;
                ys[r + 1] = ok;
            }
            x[n + 1] = Tables.round(f.lastS() - first, 6);
            y[n + 1] = n;
            ys[n + 1] = ok;
            for (int r = 0; r < n + 2; r++) {
                t.stringColumn(0).append(run);
                t.doubleColumn(1).append(x[r]);
                t.doubleColumn(2).append(y[r]);
                t.doubleColumn(3).append(ys[r]);
            }
            Color col = f == a ? Charts.A : Charts.B;
            Charts.line(c, run + " passes", x, y, col, 3f)
                    .setXYSeriesRenderStyle(org.knowm.xchart.XYSeries.XYSeriesRenderStyle.Step);
            Charts.dashed(c, run + " succeeded", x, ys, col, 3f)
                    .setXYSeriesRenderStyle(org.knowm.xchart.XYSeries.XYSeriesRenderStyle.Step);
            Interactive.series(spec, run + " passes", col, 2.5, x, y).put("step", true);
            Interactive.series(spec, run + " succeeded", col, 2, x, ys).put("step", true).put("dash", true);
        }
        c.getStyler().setYAxisMin(0.0);
        if (t.doubleColumn("passes").max() == 0) {
            files.put("diff_compaction.csv", Tables.csv(t));
            page.empty("Compaction passes over time: no compaction pass in either run (data: diff_compaction.csv).");
            return;
        }
        timeChart("diff_compaction", spec, c, t, "Cumulative compaction passes and successes, A and B.");
    }

    void endBars() {
        for (ReplayFolder.Zone z : zones) {
            Table t = Table.create("diff_frag_end_" + z.key(), IntColumn.create("order"),
                    DoubleColumn.create("a"), DoubleColumn.create("b"));
            List<String> xs = new ArrayList<>();
            List<Double> ya = new ArrayList<>();
            List<Double> yb = new ArrayList<>();
            for (int o = 0; o <= top; o++) {
                double va = endValue(a, z, "frag_index", "frag_index_", o);
                double vb = endValue(b, z, "frag_index", "frag_index_", o);
                t.intColumn(0).append(o);
                t.doubleColumn(1).append(va);
                t.doubleColumn(2).append(vb);
                xs.add(o == thp ? o + " (THP)" : Integer.toString(o));
                ya.add(Double.isNaN(va) ? 0 : va);
                yb.add(Double.isNaN(vb) ? 0 : vb);
            }
            if (ya.equals(yb) && ya.stream().distinct().count() == 1) {
                files.put("diff_frag_end_" + z.key() + ".csv", Tables.csv(t));
                page.empty(String.format(java.util.Locale.ROOT, "Fragmentation index at the end, %s: %s at every"
                        + " order in both runs, nothing to chart (data: diff_frag_end_%s.csv).", z.label(),
                        Tables.number(ya.get(0)), z.key()));
                continue;
            }
            CategoryChart c = Charts.category("Fragmentation index at the end, " + z.label(), "order",
                    "fragmentation index (-1: a free block of the order exists)");
            c.getStyler().setSeriesColors(new Color[] {Charts.A, Charts.B});
            c.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
            c.getStyler().setYAxisMin(-1.05);
            c.getStyler().setYAxisMax(1.05);
            c.addSeries("A", xs, ya);
            c.addSeries("B", xs, yb);
            chart("diff_frag_end_" + z.key(), c, t, "Fragmentation index per order at the end, " + z.label());
        }
    }
}
