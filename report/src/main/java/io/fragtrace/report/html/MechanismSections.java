package io.fragtrace.report.html;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.knowm.xchart.XYChart;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * report.html: free page reporting (memory a reporting guest gives back over time) and the watermark reserves
 * (headroom above min over time, allocations below each watermark by task and gfp). From timeseries.csv's
 * reported_* and min_headroom columns and summary.json's page_reporting and reserves objects.
 */
final class MechanismSections extends Section {
    MechanismSections(Section s) {
        super(s);
    }

    void reporting() {
        page.h2("reporting", "Free page reporting");
        JsonNode pr = f.summary().path("page_reporting");
        Table ts = f.timeseries();
        if (pr.isMissingNode() || !ts.containsColumn("reported_pages")
                || ts.doubleColumn("reported_pages").countMissing() == ts.rowCount()) {
            page.p("Free page reporting was not modelled in this run (simulate mode: page_reporting = off).");
            return;
        }
        boolean marked = pr.path("mode").asText().equals("marked");
        page.note((marked ? "What a guest with free page reporting (virtio-balloon, mm/page_reporting.c) would have"
                + " given back to the host: the free blocks reporting would have marked at each instant (marked only:"
                + " the replayed lists are the trace's)." : "Free blocks reported to the host and put back at the"
                + " tail of their list, as mm/page_reporting.c does.")
                + String.format(Locale.ROOT, " Order >= %d, %d blocks per report, pass %d ms after a free at that"
                + " order; a reported block leaves the set when it is allocated (the host faults it back in) or"
                + " merges.", pr.path("order").asInt(), pr.path("capacity").asInt(), pr.path("delay_ms").asInt()));
        Table t = Table.create("page_reporting", StringColumn.create("zone"), DoubleColumn.create("reported_now"),
                DoubleColumn.create("reported_peak"), DoubleColumn.create("peak_at_s"),
                DoubleColumn.create("reported_mean"), DoubleColumn.create("reported_total"),
                DoubleColumn.create("reallocated"), DoubleColumn.create("merged"),
                DoubleColumn.create("share_of_high_order_free_at_end"));
        for (JsonNode z : pr.path("zones")) {
            t.stringColumn(0).append(z.path("node").asInt() + " " + z.path("zone").asText());
            t.doubleColumn(1).append(z.path("reported_pages_end").asDouble());
            t.doubleColumn(2).append(z.path("reported_pages_peak").asDouble());
            if (z.path("reported_pages_peak").asLong() > 0) {
                t.doubleColumn(3).append(Tables.round(z.path("reported_pages_peak_s").asDouble() - first, 3));
            } else {
                t.doubleColumn(3).appendMissing();
            }
            t.doubleColumn(4).append(z.path("reported_pages_mean").asDouble());
            t.doubleColumn(5).append(z.path("reported_total").asDouble());
            t.doubleColumn(6).append(z.path("reallocated").asDouble());
            t.doubleColumn(7).append(z.path("merged").asDouble());
            t.doubleColumn(8).append(z.path("reported_share_end").asDouble());
        }
        page.p(String.format(Locale.ROOT, "%,d reporting passes, %,d reports. Pages per zone (peak_at_s: seconds"
                + " since the first event; reallocated: reported pages later allocated, each a fault on the host):",
                pr.path("passes").asLong(), pr.path("reports").asLong()));
        page.table(t);
        csvOnly("page_reporting", t);
        for (ReplayFolder.Zone z : f.zones()) {
            Table rows = f.rows(z);
            DoubleColumn rep = rows.doubleColumn("reported_pages");
            if (rep.countMissing() == rows.rowCount() || (rep.max() == 0 && rows.doubleColumn("reported_total").max() == 0)) {
                page.empty(z.label() + ": nothing reported (a zone needs more than low + capacity << order free"
                        + " pages before reporting starts).");
                continue;
            }
            Map<String, DoubleColumn> lines = new LinkedHashMap<>();
            lines.put("free in blocks >= order", rows.doubleColumn("reportable_free"));
            lines.put("reported (given back)", rep);
            lines.put("reported then reallocated (cumulative)", rows.doubleColumn("reported_reallocated"));
            page.h3(z.label());
            lines("reported_" + z.key(), "Reported free memory, " + z.label(), "pages", rows, lines, true,
                    "The free pages reporting could give back (blocks at or above the order), the pages reported to"
                    + " the host now, and the reported pages the guest took back so far.");
        }
    }

    void reserves() {
        page.h2("reserves", "Watermark reserves");
        JsonNode rs = f.summary().path("reserves");
        Table ts = f.timeseries();
        if (rs.isMissingNode() || !ts.containsColumn("min_headroom")) {
            page.p("This run has no reserve figures.");
            return;
        }
        page.note("Free pages above the min watermark over time (below 0: the reserve behind min is in use, which"
                + " only ALLOC_HIGH/ALLOC_HARDER requests and PFMEMALLOC allocations, reclaim itself or __GFP_MEMALLOC,"
                + " may do), and every allocation made while the zone was below high, low or min. No watermark: below"
                + " what the gfp flags' own reserve allows at min (gfp_to_alloc_flags()), so ALLOC_NO_WATERMARKS.");
        Table t = Table.create("reserves", StringColumn.create("zone"), DoubleColumn.create("min"),
                DoubleColumn.create("low"), DoubleColumn.create("high"), DoubleColumn.create("below_high"),
                DoubleColumn.create("below_low"), DoubleColumn.create("below_min"),
                DoubleColumn.create("no_watermark"), DoubleColumn.create("lowest_headroom"),
                DoubleColumn.create("lowest_at_s"));
        JsonNode topo = f.summary().path("topology").path("zones");
        for (JsonNode z : rs.path("zones")) {
            JsonNode tz = topologyZone(topo, new ReplayFolder.Zone(z.path("node").asInt(), z.path("zone").asText()));
            if (!z.path("watermarks_known").asBoolean()) {
                continue;
            }
            t.stringColumn(0).append(z.path("node").asInt() + " " + z.path("zone").asText());
            t.doubleColumn(1).append(tz.path("watermark_min").asDouble());
            t.doubleColumn(2).append(tz.path("watermark_low").asDouble());
            t.doubleColumn(3).append(tz.path("watermark_high").asDouble());
            t.doubleColumn(4).append(z.path("allocations_below_high").asDouble());
            t.doubleColumn(5).append(z.path("allocations_below_low").asDouble());
            t.doubleColumn(6).append(z.path("allocations_below_min").asDouble());
            t.doubleColumn(7).append(z.path("no_watermarks").asDouble());
            if (z.has("lowest_headroom")) {
                t.doubleColumn(8).append(z.path("lowest_headroom").asDouble());
                t.doubleColumn(9).append(Tables.round(z.path("lowest_headroom_s").asDouble() - first, 3));
            } else {
                t.doubleColumn(8).appendMissing();
                t.doubleColumn(9).appendMissing();
            }
        }
        if (t.rowCount() == 0) {
            page.p("The watermarks are not known (no zoneinfo in the bundle's snapshots).");
            return;
        }
        page.p("Allocations by zone (min/low/high: the watermarks in pages; lowest_headroom: free pages above min at"
                + " the lowest point, lowest_at_s: seconds since the first event):");
        page.table(t);
        csvOnly("reserves", t);
        Table tasks = Table.create("reserves_by_task", StringColumn.create("task"), StringColumn.create("gfp"),
                DoubleColumn.create("below_high"), DoubleColumn.create("below_low"), DoubleColumn.create("below_min"),
                DoubleColumn.create("no_watermark"), DoubleColumn.create("pages"), DoubleColumn.create("refused"));
        for (JsonNode r : rs.path("by_task")) {
            tasks.stringColumn(0).append(r.path("task").asText());
            tasks.stringColumn(1).append(r.path("gfp").asText());
            tasks.doubleColumn(2).append(r.path("below_high").asDouble());
            tasks.doubleColumn(3).append(r.path("below_low").asDouble());
            tasks.doubleColumn(4).append(r.path("below_min").asDouble());
            tasks.doubleColumn(5).append(r.path("no_watermarks").asDouble());
            tasks.doubleColumn(6).append(r.path("pages").asDouble());
            tasks.doubleColumn(7).append(r.path("refused").asDouble());
        }
        if (tasks.doubleColumn("refused").sum() == 0) {
            tasks.removeColumns("refused");
        }
        if (tasks.rowCount() > 0) {
            page.p("Allocations below high by task and gfp flags (the first " + tasks.rowCount() + " of "
                    + rs.path("task_rows").asLong() + "; refused: requests the model could not serve, simulate mode):");
            page.table(tasks);
            csvOnly("reserves_by_task", tasks);
        } else {
            page.p("No allocation was made below the high watermark.");
        }
        for (ReplayFolder.Zone z : f.zones()) {
            JsonNode tz = topologyZone(topo, z);
            Table rows = f.rows(z);
            DoubleColumn head = rows.doubleColumn("min_headroom");
            if (head.countMissing() == rows.rowCount() || tz.path("watermark_min").isMissingNode()) {
                continue;
            }
            double min = tz.path("watermark_min").asDouble();
            Map<String, DoubleColumn> lines = new LinkedHashMap<>();
            lines.put("free above min", head);
            lines.put("low", constant(rows.rowCount(), tz.path("watermark_low").asDouble() - min));
            lines.put("high", constant(rows.rowCount(), tz.path("watermark_high").asDouble() - min));
            lines.put("min", constant(rows.rowCount(), 0));
            page.h3(z.label());
            lines("headroom_" + z.key(), "Free pages above the min watermark, " + z.label(), "pages above min", rows,
                    lines, false, "Free pages (buddy lists) minus the min watermark, with low and high for"
                    + " reference.");
        }
    }

    void nonLru() {
        page.h2("nonlru", "Movable non-LRU pages");
        JsonNode nl = f.summary().path("simulate").path("movable_non_lru");
        if (nl.isMissingNode()) {
            page.p("No figures in this run: compaction of zsmalloc (zram) and balloon pages under movable_non_lru is"
                    + " modelled in simulate mode.");
            return;
        }
        JsonNode c = f.summary().path("simulate").path("compaction");
        long attempts = c.path("attempts").path("model").asLong();
        long ok = c.path("successes").path("model").asLong();
        page.note("zram's zsmalloc pages and balloon pages, recognised by their allocation's gfp mask (order 0"
                + " __GFP_MOVABLE|__GFP_HIGHMEM without IO/FS: zsmalloc; GFP_HIGHUSER_MOVABLE|__GFP_NOMEMALLOC|"
                + "__GFP_NORETRY: balloon). With movable_non_lru = off compaction cannot isolate them (before 4.8).");
        page.kv(List.of(
                new String[] {"movable_non_lru", nl.path("on").asBoolean() ? "on" : "off"},
                new String[] {"pages allocated", String.format(Locale.ROOT, "%,d", nl.path("pages_allocated").asLong())},
                new String[] {"migrated by compaction", String.format(Locale.ROOT, "%,d",
                        nl.path("pages_migrated").asLong())},
                new String[] {"isolation failures on them", String.format(Locale.ROOT, "%,d",
                        nl.path("isolation_failures").asLong())},
                new String[] {"compaction passes that succeeded", String.format(Locale.ROOT, "%,d of %,d", ok,
                        attempts)}));
        JsonNode ul = f.summary().path("simulate").path("unmovable_lru");
        if (!ul.isMissingNode()) {
            page.p(String.format(Locale.ROOT, "The other way round: %,d pages of a block device's page cache (order 0"
                    + " GFP_USER-based masks with __GFP_COMP, as a disk's readahead allocates them) were placed as"
                    + " unmovable, yet are on the LRU, so compaction migrates them as the kernel does"
                    + " (docs/calibrate.md).", ul.path("pages_allocated").asLong()));
        }
    }

    /** The topology.zones entry of zone z (the folder lists zones in its own order). */
    private static JsonNode topologyZone(JsonNode topo, ReplayFolder.Zone z) {
        for (JsonNode n : topo) {
            if (n.path("node").asInt() == z.node() && n.path("zone").asText().equals(z.zone())) {
                return n;
            }
        }
        return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
    }

    private static DoubleColumn constant(int n, double v) {
        double[] a = new double[n];
        java.util.Arrays.fill(a, v);
        return DoubleColumn.create("c", a);
    }

    /** One chart of named lines over the zone's samples, with the CSV of the same columns. */
    private void lines(String id, String title, String yTitle, Table rows, Map<String, DoubleColumn> lines,
                       boolean fromZero, String caption) {
        Table t = Table.create(id);
        t.addColumns(rows.doubleColumn("time_s").copy(), DoubleColumn.create("t_s", rel(rows.doubleColumn("time_s"))));
        XYChart c = Charts.xy(title, xTitle(), yTitle);
        ObjectNode spec = Interactive.lines(title, xTitle(), yTitle);
        if (fromZero) {
            Interactive.yRange(spec, 0.0, null);
        }
        double lo = 0;
        double hi = 1;
        int k = 0;
        for (Map.Entry<String, DoubleColumn> e : lines.entrySet()) {
            DoubleColumn col = e.getValue().copy().setName(e.getKey().replace(' ', '_'));
            t.addColumns(col);
            double[] x = t.doubleColumn("t_s").asDoubleArray();
            Interactive.series(spec, e.getKey(), Charts.PALETTE[k], 2, x, col.asDoubleArray());
            Charts.line(c, e.getKey(), x, col.asDoubleArray(), Charts.PALETTE[k++], 2.5f);
            hi = Math.max(hi, col.max());
            lo = Math.min(lo, col.min());
        }
        Charts.markers(c, markerTimes, span(), lo, hi * 1.02);
        timeChart(id, spec, c, t, caption);
    }
}
