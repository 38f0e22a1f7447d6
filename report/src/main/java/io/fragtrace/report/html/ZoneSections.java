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

/** report.html: free memory by migratetype, mixed pageblocks and region occupancy. */
final class ZoneSections extends Section {
    ZoneSections(Section s) {
        super(s);
    }

    void migratetypes() {
        page.h2("migratetype", "Free memory by migratetype");
        page.note("Free pages on the buddy lists per migratetype (/proc/pagetypeinfo), per zone.");
        for (ReplayFolder.Zone z : f.zones()) {
            Table rows = f.rows(z);
            Table t = Table.create("free_by_migratetype_" + z.key());
            t.addColumns(rows.doubleColumn("time_s").copy(),
                    DoubleColumn.create("t_s", rel(rows.doubleColumn("time_s"))));
            XYChart c = Charts.xy("Free pages by migratetype, " + z.label(), xTitle(), "free pages");
            ObjectNode spec = Interactive.lines("Free pages by migratetype, " + z.label(), xTitle(), "free pages");
            Interactive.yRange(spec, 0.0, null);
            double max = 1;
            int i = 0;
            for (String mt : HtmlReport.MIGRATETYPES) {
                if (!rows.containsColumn("free_" + mt)) {
                    continue;
                }
                DoubleColumn col = rows.doubleColumn("free_" + mt);
                t.addColumns(col.copy());
                Interactive.series(spec, mt, Charts.PALETTE[i], 2, t.doubleColumn("t_s").asDoubleArray(),
                        col.asDoubleArray());
                Charts.line(c, mt, t.doubleColumn("t_s").asDoubleArray(), col.asDoubleArray(),
                        Charts.PALETTE[i++], 2.5f);
                max = Math.max(max, col.max());
            }
            if (t.columnCount() == 2) {
                continue;
            }
            Charts.markers(c, markerTimes, span(), 0, max * 1.02);
            page.h3(z.label());
            timeChart("free_by_migratetype_" + z.key(), spec, c, t, "Free pages per migratetype.");
        }
    }

    /** time_s, t_s, node, zone, column: one row per sample and zone, for a per-zone line chart. */
    Table longByZone(String column) {
        Table ts = f.timeseries();
        Table t = Table.create(column);
        DoubleColumn time = DoubleColumn.create("time_s");
        DoubleColumn rel = DoubleColumn.create("t_s");
        DoubleColumn node = DoubleColumn.create("node");
        StringColumn zone = StringColumn.create("zone");
        DoubleColumn v = DoubleColumn.create(column);
        for (ReplayFolder.Zone z : f.zones()) {
            Table rows = f.rows(z);
            for (int r = 0; r < rows.rowCount(); r++) {
                double tt = rows.doubleColumn("time_s").getDouble(r);
                time.append(tt);
                rel.append(Tables.round(tt - first, 6));
                node.append(z.node());
                zone.append(z.zone());
                if (rows.doubleColumn(column).isMissing(r)) {
                    v.appendMissing();
                } else {
                    v.append(rows.doubleColumn(column).getDouble(r));
                }
            }
        }
        t.addColumns(time, rel, node, zone, v);
        return ts.containsColumn(column) ? t : null;
    }

    /**
     * One line per zone; when every value of every zone is the same number (all zero, say) the chart would be a flat
     * line, so the page says so in one sentence instead (the CSV is still written).
     */
    void perZoneLines(String id, String column, String title, String yTitle, String caption, String what) {
        Table t = longByZone(column);
        DoubleColumn all = t.doubleColumn(column);
        if (all.countMissing() < all.size() && allEqual(all, all.where(all.isNotMissing()).get(0))) {
            csvOnly(id, t);
            page.empty(String.format(Locale.ROOT, "%s: %s in every zone at every one of the %,d samples, nothing to"
                    + " chart (data: %s.csv).", what, Tables.number(all.where(all.isNotMissing()).get(0)),
                    all.size() - all.countMissing(), id));
            return;
        }
        XYChart c = Charts.xy(title, xTitle(), yTitle);
        ObjectNode spec = Interactive.lines(title, xTitle(), yTitle);
        Interactive.yRange(spec, 0.0, null);
        double max = 1;
        int i = 0;
        for (ReplayFolder.Zone z : f.zones()) {
            Table rows = t.where(t.doubleColumn("node").isEqualTo(z.node())
                    .and(t.stringColumn("zone").isEqualTo(z.zone())));
            Color col = Charts.PALETTE[i++ % Charts.PALETTE.length];
            Charts.line(c, z.label(), rows.doubleColumn("t_s").asDoubleArray(),
                    rows.doubleColumn(column).asDoubleArray(), col, 3f);
            Interactive.series(spec, z.label(), col, 2, rows.doubleColumn("t_s").asDoubleArray(),
                    rows.doubleColumn(column).asDoubleArray());
            if (rows.doubleColumn(column).countMissing() < rows.rowCount()) {
                max = Math.max(max, rows.doubleColumn(column).max());
            }
        }
        Charts.markers(c, markerTimes, span(), 0, max * 1.02);
        timeChart(id, spec, c, t, caption);
    }

    void mixed() {
        page.h2("mixed", "Mixed pageblocks over time");
        page.note("Pageblocks holding allocated pages of a migratetype other than the pageblock's own.");
        if (!f.timeseries().containsColumn("mixed_pageblocks")) {
            page.p("timeseries.csv has no mixed_pageblocks column.");
            return;
        }
        perZoneLines("mixed_pageblocks", "mixed_pageblocks", "Mixed pageblocks", "pageblocks",
                "Mixed pageblocks per zone.", "Mixed pageblocks");
    }

    void regions() {
        page.h2("regions", "Region occupancy");
        Table ts = f.timeseries();
        if (!ts.containsColumn("free_regions") || ts.doubleColumn("free_regions").countMissing() == ts.rowCount()) {
            page.p("Regions were not modelled in this run (free_regions is empty).");
            return;
        }
        page.note("Memory regions with no allocated page (whole regions that could be powered down or handed"
                + " out as one block).");
        perZoneLines("free_regions", "free_regions", "Free regions", "free regions", "Free regions per zone.",
                "Free regions (--region-mb; a zone smaller than a region never has a whole free region)");
    }
}
