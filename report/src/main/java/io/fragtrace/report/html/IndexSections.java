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

/** report.html: fragmentation index, unusable free space index and buddyinfo, per zone. */
final class IndexSections extends Section {
    IndexSections(Section s) {
        super(s);
    }

    /** Rows of one zone: time_s, t_s and the columns prefix0..prefixTop renamed to order_N. */
    Table perOrder(ReplayFolder.Zone z, String prefix) {
        Table rows = f.rows(z);
        Table t = Table.create(prefix + z.key());
        t.addColumns(rows.doubleColumn("time_s").copy(),
                DoubleColumn.create("t_s", rel(rows.doubleColumn("time_s"))));
        for (int o = 0; o <= top; o++) {
            if (rows.containsColumn(prefix + o)) {
                t.addColumns(rows.doubleColumn(prefix + o).copy().setName("order_" + o));
            }
        }
        return t;
    }

    /** Lines per order over time (the unusable index): THP order thick red, interactive and as a PNG. */
    void orderChart(String id, String prefix, String title, String yTitle, double yMin, String caption) {
        for (ReplayFolder.Zone z : f.zones()) {
            Table t = perOrder(z, prefix);
            XYChart c = Charts.xy(title + ", " + z.label(), xTitle(), yTitle);
            ObjectNode spec = Interactive.lines(title + ", " + z.label(), xTitle(), yTitle);
            Interactive.yRange(spec, yMin, 1.04);
            double[] x = t.doubleColumn("t_s").asDoubleArray();
            for (int o = 0; o <= top; o++) {
                if (!t.containsColumn("order_" + o)) {
                    continue;
                }
                double[] y = t.doubleColumn("order_" + o).asDoubleArray();
                boolean isThp = o == thp;
                Color col = isThp ? Charts.THP : Charts.PALETTE[o % Charts.PALETTE.length];
                Interactive.series(spec, isThp ? "order " + o + " (THP)" : "order " + o, col, isThp ? 4 : 1.3, x, y);
                if (!isThp) {
                    Charts.line(c, "order " + o, x, y, col, 1.6f);
                }
            }
            if (t.containsColumn("order_" + thp)) {
                Charts.line(c, "order " + thp + " (THP)", x, t.doubleColumn("order_" + thp).asDoubleArray(),
                        Charts.THP, 5f);
            }
            Charts.markers(c, markerTimes, span(), yMin, 1.02);
            page.h3(z.label());
            timeChart(id + "_" + z.key(), spec, c, t, caption);
        }
    }

    void fragmentation() {
        page.h2("frag", "Fragmentation index over time");
        page.note("__fragmentation_index() per order, as the kernel prints it in /sys/kernel/debug/extfrag/"
                + "extfrag_index: -1 (its own colour) when a free block of the order exists, so the allocation"
                + " would succeed; otherwise 0 (it would fail for lack of memory) to 1 (it would fail for"
                + " fragmentation). Rows are orders; order " + thp + " (pageblock_order, the THP size) is outlined."
                + " Each column is one sample, until the next.");
        ColourScale scale = ColourScale.fragIndex();
        for (ReplayFolder.Zone z : f.zones()) {
            Table t = perOrder(z, "frag_index_");
            page.h3(z.label());
            List<String> rows = new ArrayList<>();
            double[][] v = new double[top + 1][];
            boolean allFree = true;
            for (int o = 0; o <= top; o++) {
                rows.add(o == thp ? o + " THP" : Integer.toString(o));
                v[o] = t.containsColumn("order_" + o) ? t.doubleColumn("order_" + o).asDoubleArray()
                        : fill(t.rowCount(), Double.NaN);
                allFree &= !t.containsColumn("order_" + o) || allEqual(t.doubleColumn("order_" + o), -1);
            }
            if (t.rowCount() == 0 || allFree) {
                csvOnly("frag_index_" + z.key(), t);
                page.empty("Every order had a free block at every sample (the index is -1 throughout): nothing to"
                        + " chart for " + z.label() + ". Data: frag_index_" + z.key() + ".csv.");
                continue;
            }
            double[] x = t.doubleColumn("t_s").asDoubleArray();
            ObjectNode spec = Interactive.heat("Fragmentation index, " + z.label(), xTitle(), "order", x, span(),
                    rows, v, thp <= top ? thp : null, scale);
            timeChart("frag_index_" + z.key(), spec, scale, fragPng(z, t, rows), t, "Fragmentation index per order"
                    + " and sample; the PNG shows the highest index in each of " + HtmlReport.HEATMAP_BINS
                    + " time bins (-1 only when every sample in the bin was -1).");
        }
    }

    /** The PNG: order × time bin, the highest index in the bin; −1 green, 0 → 1 pale yellow → dark red. */
    HeatMapChart fragPng(ReplayFolder.Zone z, Table t, List<String> rows) {
        int n = Math.max(1, Math.min(HtmlReport.HEATMAP_BINS, t.rowCount()));
        IntColumn bin = bins(t.doubleColumn("time_s"), n);
        double width = span() / n;
        List<String> xs = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            xs.add(String.format(Locale.ROOT, "%.2f", (i + 0.5) * width));
        }
        List<Number[]> heat = new ArrayList<>();
        for (int o = 0; o <= top; o++) {
            if (!t.containsColumn("order_" + o)) {
                continue;
            }
            double[] max = fill(n, Double.NaN);
            DoubleColumn c = t.doubleColumn("order_" + o);
            for (int r = 0; r < c.size(); r++) {
                if (!c.isMissing(r)) {
                    int b = bin.getInt(r);
                    max[b] = Double.isNaN(max[b]) ? c.getDouble(r) : Math.max(max[b], c.getDouble(r));
                }
            }
            for (int b = 0; b < n; b++) {
                if (!Double.isNaN(max[b])) {
                    heat.add(new Number[] {b, o, max[b]});
                }
            }
        }
        HeatMapChart c = Charts.heatMap("Fragmentation index (green: -1, a free block of the order exists), "
                + z.label(), "bin centre, " + xTitle(), "order");
        // values are -1 or in [0, 1]: the colours at -1 and -0.5 are both green, so -1 is green and [0, 1] runs
        // pale yellow -> orange -> dark red
        c.getStyler().setRangeColors(new Color[] {ColourScale.FREE_BLOCK, ColourScale.FREE_BLOCK,
            new Color(0xff, 0xf7, 0xbc), new Color(0xfe, 0x99, 0x29), new Color(0x8c, 0x2d, 0x04)});
        c.getStyler().setMin(-1);
        c.getStyler().setMax(1);
        c.getStyler().setXAxisLabelRotation(90);
        c.getStyler().setAxisTickLabelsFont(new java.awt.Font(java.awt.Font.SANS_SERIF, java.awt.Font.PLAIN, 13));
        c.addSeries("fragmentation index", xs, rows, heat); // y labels "0" … "9 THP" …
        return c;
    }

    void unusable() {
        page.h2("unusable", "Unusable free space index");
        page.note("unusable_free_index(): the share of free memory in blocks too small for the order, 0 to 1."
                + " Order " + thp + " (THP) is the thick red line.");
        orderChart("unusable_index", "unusable_index_", "Unusable free space index", "unusable free space index",
                0, "Unusable free space index per order; THP order " + thp + " highlighted.");
    }

    void buddyinfo() {
        page.h2("buddyinfo", "Free blocks per order over time (buddyinfo)");
        page.note("Free blocks of each order (one /proc/buddyinfo column) at every sample; the PNG and the CSV have the mean over the"
                + " samples in an equal-width time bin; the colour is log10(1 + blocks). The CSV has the means.");
        for (ReplayFolder.Zone z : f.zones()) {
            Table rows = f.rows(z);
            int n = Math.max(1, Math.min(HtmlReport.HEATMAP_BINS, rows.rowCount()));
            double width = Math.max(f.lastS() - first, 1e-9) / n;
            rows.addColumns(bins(rows.doubleColumn("time_s"), n));
            List<String> cols = new ArrayList<>();
            for (int o = 0; o <= top; o++) {
                cols.add("nr_free_" + o);
            }
            Table mean = rows.summarize(cols, AggregateFunctions.mean).by("bin").sortAscendingOn("bin");
            Table cnt = rows.summarize("time_s", AggregateFunctions.count).by("bin").sortAscendingOn("bin");
            Table t = Table.create("buddyinfo_" + z.key());
            IntColumn bin = mean.intColumn("bin");
            DoubleColumn start = DoubleColumn.create("bin_start_s");
            DoubleColumn end = DoubleColumn.create("bin_end_s");
            for (int i = 0; i < bin.size(); i++) {
                start.append(Tables.round(first + bin.getInt(i) * width, 6));
                end.append(Tables.round(first + (bin.getInt(i) + 1) * width, 6));
            }
            t.addColumns(bin.copy(), start, end, DoubleColumn.create("samples", cnt.numberColumn(1).asDoubleArray()));
            for (int o = 0; o <= top; o++) {
                t.addColumns(DoubleColumn.create("mean_nr_free_" + o,
                        mean.numberColumn("Mean [nr_free_" + o + "]").asDoubleArray()));
            }
            List<String> xs = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                xs.add(String.format(Locale.ROOT, "%.2f", (i + 0.5) * width));
            }
            List<String> ys = new ArrayList<>();
            for (int o = 0; o <= top; o++) {
                ys.add(o == thp ? o + " THP" : Integer.toString(o));
            }
            List<Number[]> heat = new ArrayList<>();
            double max = 0;
            for (int i = 0; i < t.rowCount(); i++) {
                for (int o = 0; o <= top; o++) {
                    double v = Math.log10(1 + t.doubleColumn("mean_nr_free_" + o).getDouble(i));
                    max = Math.max(max, v);
                    heat.add(new Number[] {t.intColumn("bin").getInt(i), o, Tables.round(v, 3)});
                }
            }
            HeatMapChart c = Charts.heatMap("Free blocks per order, colour log10(1 + blocks), " + z.label(),
                    "bin centre, " + xTitle(), "order");
            c.getStyler().setMin(0);
            c.getStyler().setMax(Math.max(Math.ceil(max), 1));
            c.getStyler().setXAxisLabelRotation(90);
            c.getStyler().setAxisTickLabelsFont(new java.awt.Font(java.awt.Font.SANS_SERIF, java.awt.Font.PLAIN, 13));
            c.addSeries("log10(1+blocks)", xs, ys, heat);
            // the page: every sample, not the bins (the readout gives the blocks under the cursor)
            double[][] v = new double[top + 1][];
            double vmax = 0;
            List<String> labels = new ArrayList<>();
            for (int o = 0; o <= top; o++) {
                labels.add(o == thp ? o + " THP" : Integer.toString(o));
                v[o] = rows.doubleColumn("nr_free_" + o).asDoubleArray();
                for (int i = 0; i < v[o].length; i++) {
                    v[o][i] = Double.isNaN(v[o][i]) ? Double.NaN : Math.log10(1 + v[o][i]);
                    vmax = Double.isNaN(v[o][i]) ? vmax : Math.max(vmax, v[o][i]);
                }
            }
            ColourScale scale = ColourScale.freeBlocks(vmax);
            ObjectNode spec = Interactive.heat("Free blocks per order, " + z.label(), xTitle(), "order",
                    rel(rows.doubleColumn("time_s")), span(), labels, v, thp <= top ? thp : null, scale);
            page.h3(z.label());
            timeChart("buddyinfo_" + z.key(), spec, scale, c, t, "Free blocks per order at every sample (the"
                    + " page) and per time bin (the PNG and the CSV).");
        }
    }
}
