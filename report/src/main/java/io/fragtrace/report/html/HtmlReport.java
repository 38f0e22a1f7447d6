package io.fragtrace.report.html;

import com.fasterxml.jackson.databind.JsonNode;
import io.fragtrace.parser.TraceInputException;
import io.fragtrace.report.AtomicOutput;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.HeatMapChart;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.style.Styler;
import tech.tablesaw.aggregate.AggregateFunctions;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;
import tech.tablesaw.columns.Column;

import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The report of one replay output folder: {@code report.html} (one self-contained file), a PNG per chart and the CSV
 * behind each chart, all written into the folder. The CSV headers are documented in docs/report.md.
 */
public final class HtmlReport {
    public static final String FILE = "report.html";
    /** Equal-width time bins of the compaction success chart. */
    public static final int COMPACTION_BINS = 20;
    /** At most this many time bins in the buddyinfo heat map. */
    public static final int HEATMAP_BINS = 60;
    static final List<String> MIGRATETYPES = List.of("unmovable", "movable", "reclaimable", "highatomic", "cma",
            "isolate");
    static final List<String> CONTEXTS = List.of("DIRECT", "KCOMPACTD", "PROACTIVE", "MANUAL");

    private HtmlReport() {
    }

    /** Writes report.html, the chart PNGs and CSVs into the replay output folder itself. */
    public static void write(Path replayOutputDir) throws TraceInputException, IOException {
        write(replayOutputDir, replayOutputDir);
    }

    /**
     * The report of a folder a replay run has just written (inside its atomic output): a folder that does not read
     * as a replay output here is a fault of the writer, reported as an I/O error.
     */
    public static void writeForRun(Path dir) throws IOException {
        try {
            write(dir);
        } catch (TraceInputException e) {
            throw new IOException("report.html: " + e.getMessage(), e);
        }
    }

    /**
     * Reads a replay output folder and writes the report files into {@code outDir}. Everything is rendered in memory
     * first; each file is then written completely or not at all, report.html last.
     */
    public static void write(Path replayOutputDir, Path outDir) throws TraceInputException, IOException {
        Map<String, byte[]> files = render(ReplayFolder.load(replayOutputDir));
        for (Map.Entry<String, byte[]> e : files.entrySet()) {
            AtomicOutput.writeFile(outDir.resolve(e.getKey()), o -> o.write(e.getValue()));
        }
    }

    /**
     * Rebuilds the report of existing replay output folders:
     * {@code java -cp fragtrace-all.jar io.fragtrace.report.html.HtmlReport DIR...}. Exit 2 with one line on stderr
     * when a folder is not a replay output.
     */
    public static void main(String[] args) {
        try {
            for (String a : args) {
                write(Path.of(a));
                System.out.println(Path.of(a).resolve(FILE));
            }
        } catch (TraceInputException | IOException e) {
            System.err.println("fragtrace: " + e.getMessage());
            System.exit(2);
        }
    }

    /** File name → content: the chart PNGs and CSVs, then report.html. */
    public static Map<String, byte[]> render(ReplayFolder f) {
        return new Builder(f).build();
    }

    /** Everything one report needs while it is being put together. */
    private static final class Builder {
        final ReplayFolder f;
        final Map<String, byte[]> files = new LinkedHashMap<>();
        final Page page;
        final double first;
        final List<Double> markerTimes = new ArrayList<>();
        final int thp;
        final int top;

        Builder(ReplayFolder f) {
            this.f = f;
            this.page = new Page("Fragtrace report: " + f.name());
            this.first = f.firstS();
            this.thp = f.thpOrder();
            this.top = f.topOrder();
            DoubleColumn mt = f.markers().doubleColumn("time_s");
            for (int i = 0; i < mt.size(); i++) {
                if (!mt.isMissing(i)) {
                    markerTimes.add(mt.getDouble(i) - first);
                }
            }
        }

        double span() {
            return Math.max(f.lastS() - first, 1e-9);
        }

        String xTitle() {
            return String.format(Locale.ROOT, "seconds since the first event (trace clock %.6f s)", first);
        }

        double[] rel(DoubleColumn time) {
            double[] t = time.asDoubleArray();
            for (int i = 0; i < t.length; i++) {
                t[i] -= first;
            }
            return t;
        }

        void chart(String base, org.knowm.xchart.internal.chartpart.Chart<?, ?> chart, Table data, String alt,
                   String caption) {
            byte[] png = Charts.png(chart);
            files.put(base + ".png", png);
            if (data != null) {
                files.put(base + ".csv", Tables.csv(data));
            }
            page.figure(base + ".png", png, alt, caption, data == null ? null : base + ".csv");
        }

        void csvOnly(String base, Table data) {
            files.put(base + ".csv", Tables.csv(data));
        }

        Map<String, byte[]> build() {
            header();
            summary();
            fragmentation();
            unusable();
            buddyinfo();
            migratetypes();
            mixed();
            regions();
            compaction();
            daemons();
            allocations();
            markerList();
            files.put(FILE, page.bytes());
            return files;
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
            page.raw("<nav><a href=\"#summary\">summary</a><a href=\"#frag\">fragmentation index</a>"
                    + "<a href=\"#unusable\">unusable index</a><a href=\"#buddyinfo\">buddyinfo</a>"
                    + "<a href=\"#migratetype\">migratetypes</a><a href=\"#mixed\">mixed pageblocks</a>"
                    + "<a href=\"#regions\">regions</a><a href=\"#compaction\">compaction</a>"
                    + "<a href=\"#daemons\">kswapd/kcompactd</a><a href=\"#alloc\">allocations</a>"
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
                    + String.format(Locale.ROOT, ", %,d bytes, %,d lines", in.path("bytes").asLong(),
                    in.path("lines").asLong())});
            kv.add(new String[] {"kernel", Page.esc(s.path("kernel").path("release").asText("?")) + " (semantics "
                    + Page.esc(s.path("kernel").path("semantics").asText("?")) + ")"});
            double last = f.lastS();
            kv.add(new String[] {"span", String.format(Locale.ROOT, "%.6f s to %.6f s (%.3f s)", first, last,
                    last - first)});
            JsonNode ev = s.path("events");
            kv.add(new String[] {"events", String.format(Locale.ROOT, "%,d applied, %,d skipped",
                    ev.path("applied").asLong(), ev.path("skipped").asLong())});
            long lost = in.path("lost_events").asLong();
            kv.add(new String[] {"lost events", lost == 0 ? "<span class=\"ok\">0</span>"
                    : "<span class=\"warn\">" + String.format(Locale.ROOT, "%,d", lost)
                    + " (the picture is incomplete)</span>"});
            long bad = in.path("bad_lines").asLong();
            kv.add(new String[] {"bad lines", bad == 0 ? "0" : "<span class=\"warn\">"
                    + String.format(Locale.ROOT, "%,d", bad) + "</span>"});
            JsonNode cons = s.path("consistency");
            StringBuilder c = new StringBuilder(String.format(Locale.ROOT, "%,d problems",
                    cons.path("total").asLong()));
            Iterator<Map.Entry<String, JsonNode>> it = cons.path("by_kind").fields();
            List<String> kinds = new ArrayList<>();
            while (it.hasNext()) {
                Map.Entry<String, JsonNode> e = it.next();
                if (e.getValue().asLong() != 0) {
                    kinds.add(Page.esc(e.getKey()) + " " + e.getValue().asLong());
                }
            }
            if (!kinds.isEmpty()) {
                c.append(" (").append(String.join(", ", kinds)).append(')');
            }
            kv.add(new String[] {"consistency", c.toString()});
            kv.add(new String[] {"unknown fraction", String.format(Locale.ROOT, "%.2f %% of pages of unknown state",
                    100 * s.path("unknown_fraction").asDouble())});
            JsonNode fid = s.path("fidelity");
            if (fid.isObject()) {
                boolean exact = fid.path("exact").asBoolean();
                kv.add(new String[] {"fidelity (after snapshot)", (exact ? "<span class=\"ok\">exact</span>"
                        : "<span class=\"warn\">not exact</span>") + String.format(Locale.ROOT,
                        ": %d pages mismatched, %d free blocks missing, %d extra, %d pageblocks mismatched,"
                                + " extfrag index max error %.3f", fid.path("pages_mismatched").asLong(),
                        fid.path("free_blocks_missing").asLong(), fid.path("free_blocks_extra").asLong(),
                        fid.path("pageblocks_mismatched").asLong(), fid.path("extfrag_index_max_error").asDouble())});
            } else {
                kv.add(new String[] {"fidelity", "not checked (the input has no before/after snapshot)"});
            }
            JsonNode topo = s.path("topology");
            List<String> zones = new ArrayList<>();
            for (JsonNode z : topo.path("zones")) {
                zones.add(String.format(Locale.ROOT, "node %d %s: %,d pages present, %,d managed",
                        z.path("node").asInt(), z.path("zone").asText(), z.path("present").asLong(),
                        z.path("managed").asLong()));
            }
            kv.add(new String[] {"topology", String.format(Locale.ROOT, "max_order %d, pageblock (THP) order %d; ",
                    f.maxOrder(), thp) + Page.esc(String.join("; ", zones))});
            kv.add(new String[] {"samples", String.format(Locale.ROOT, "%,d rows of timeseries.csv, %d zones, %d markers",
                    f.timeseries().rowCount(), f.zones().size(), markerTimes.size())});
            page.h2("summary", "Summary");
            page.kv(kv);

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

        void orderChart(String id, String prefix, String title, String yTitle, double yMin, String caption) {
            for (ReplayFolder.Zone z : f.zones()) {
                Table t = perOrder(z, prefix);
                XYChart c = Charts.xy(title + ", " + z.label(), xTitle(), yTitle);
                double[] x = t.doubleColumn("t_s").asDoubleArray();
                for (int o = 0; o <= top; o++) {
                    if (!t.containsColumn("order_" + o) || o == thp) {
                        continue;
                    }
                    Charts.line(c, "order " + o, x, t.doubleColumn("order_" + o).asDoubleArray(),
                            Charts.PALETTE[o % Charts.PALETTE.length], 1.6f);
                }
                if (t.containsColumn("order_" + thp)) {
                    Charts.line(c, "order " + thp + " (THP)", x, t.doubleColumn("order_" + thp).asDoubleArray(),
                            Charts.THP, 5f);
                }
                Charts.markers(c, markerTimes, span(), yMin, 1.02);
                chart(id + "_" + z.key(), c, t, title + " " + z.label(), caption);
            }
        }

        void fragmentation() {
            page.h2("frag", "Fragmentation index over time");
            page.note("__fragmentation_index() per order as the kernel prints it in extfrag_index: -1 when a free "
                    + "block of the order exists (the allocation would succeed), else 0 (failure for lack of memory)"
                    + " to 1 (failure for fragmentation). Order " + thp + " (pageblock, THP) is the thick red line;"
                    + " dashed vertical lines are the trace markers (numbered as in the marker list).");
            orderChart("frag_index", "frag_index_", "Fragmentation index", "fragmentation index", -1.05,
                    "Fragmentation index per order; THP order " + thp + " highlighted.");
        }

        void unusable() {
            page.h2("unusable", "Unusable free space index");
            page.note("unusable_free_index(): the share of free memory in blocks too small for the order, 0 to 1.");
            orderChart("unusable_index", "unusable_index_", "Unusable free space index", "unusable free space index",
                    0, "Unusable free space index per order; THP order " + thp + " highlighted.");
        }

        /** Equal-width bin of each time over [first, last]. */
        IntColumn bins(DoubleColumn time, int n) {
            double span = Math.max(f.lastS() - first, 1e-9);
            IntColumn b = IntColumn.create("bin");
            for (int i = 0; i < time.size(); i++) {
                int k = (int) Math.floor((time.getDouble(i) - first) / span * n);
                b.append(Math.max(0, Math.min(n - 1, k)));
            }
            return b;
        }

        void buddyinfo() {
            page.h2("buddyinfo", "Free blocks per order over time (buddyinfo)");
            page.note("Each cell is the mean number of free blocks of the order (one /proc/buddyinfo column) over the"
                    + " samples in an equal-width time bin; the colour is log10(1 + blocks). The CSV has the means.");
            for (ReplayFolder.Zone z : f.zones()) {
                Table rows = f.rows(z);
                int n = Math.max(1, Math.min(HEATMAP_BINS, rows.rowCount()));
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
                List<Integer> ys = new ArrayList<>();
                for (int o = 0; o <= top; o++) {
                    ys.add(o);
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
                HeatMapChart c = Charts.heatMap("Free blocks per order (log10(1 + blocks)), " + z.label(),
                        "bin centre, " + xTitle(), "order");
                c.getStyler().setMin(0);
                c.getStyler().setMax(Math.max(Math.ceil(max), 1));
                c.getStyler().setXAxisLabelRotation(90);
                c.getStyler().setAxisTickLabelsFont(new java.awt.Font(java.awt.Font.SANS_SERIF, java.awt.Font.PLAIN, 13));
                c.addSeries("log10(1+blocks)", xs, ys, heat);
                chart("buddyinfo_" + z.key(), c, t, "buddyinfo heat map " + z.label(),
                        "Free blocks per order and time bin.");
            }
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
                double max = 1;
                int i = 0;
                for (String mt : MIGRATETYPES) {
                    if (!rows.containsColumn("free_" + mt)) {
                        continue;
                    }
                    DoubleColumn col = rows.doubleColumn("free_" + mt);
                    t.addColumns(col.copy());
                    Charts.line(c, mt, t.doubleColumn("t_s").asDoubleArray(), col.asDoubleArray(),
                            Charts.PALETTE[i++], 2.5f);
                    max = Math.max(max, col.max());
                }
                if (t.columnCount() == 2) {
                    continue;
                }
                Charts.markers(c, markerTimes, span(), 0, max * 1.02);
                chart("free_by_migratetype_" + z.key(), c, t, "free pages by migratetype " + z.label(),
                        "Free pages per migratetype.");
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

        void perZoneLines(String id, String column, String title, String yTitle, String caption) {
            Table t = longByZone(column);
            XYChart c = Charts.xy(title, xTitle(), yTitle);
            double max = 1;
            int i = 0;
            for (ReplayFolder.Zone z : f.zones()) {
                Table rows = t.where(t.doubleColumn("node").isEqualTo(z.node())
                        .and(t.stringColumn("zone").isEqualTo(z.zone())));
                Charts.line(c, z.label(), rows.doubleColumn("t_s").asDoubleArray(),
                        rows.doubleColumn(column).asDoubleArray(), Charts.PALETTE[i++ % Charts.PALETTE.length], 3f);
                if (rows.doubleColumn(column).countMissing() < rows.rowCount()) {
                    max = Math.max(max, rows.doubleColumn(column).max());
                }
            }
            Charts.markers(c, markerTimes, span(), 0, max * 1.02);
            chart(id, c, t, title, caption);
        }

        void mixed() {
            page.h2("mixed", "Mixed pageblocks over time");
            page.note("Pageblocks holding allocated pages of a migratetype other than the pageblock's own.");
            if (!f.timeseries().containsColumn("mixed_pageblocks")) {
                page.p("timeseries.csv has no mixed_pageblocks column.");
                return;
            }
            perZoneLines("mixed_pageblocks", "mixed_pageblocks", "Mixed pageblocks", "pageblocks",
                    "Mixed pageblocks per zone.");
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
            perZoneLines("free_regions", "free_regions", "Free regions", "free regions", "Free regions per zone.");
        }

        void compaction() {
            page.h2("compaction", "Compaction");
            Table cp = f.compaction();
            JsonNode cs = f.summary().path("compaction");
            List<String[]> kv = new ArrayList<>();
            kv.add(new String[] {"passes", String.format(Locale.ROOT, "%,d", cs.path("passes").asLong(cp.rowCount()))});
            kv.add(new String[] {"deferred / defer_compaction / defer_reset", cs.path("deferred").asLong() + " / "
                    + cs.path("defer_compaction").asLong() + " / " + cs.path("defer_reset").asLong()});
            kv.add(new String[] {"kcompactd wakeups requested / wakes", cs.path("kcompactd_wakeups").asLong() + " / "
                    + cs.path("kcompactd_wakes").asLong()});
            kv.add(new String[] {"kswapd wakes", Long.toString(cs.path("kswapd_wakes").asLong())});
            kv.add(new String[] {"migrate scanned / free scanned / migrated", String.format(Locale.ROOT,
                    "%,d / %,d / %,d (scan efficiency %.3f)", cs.path("migrate_scanned").asLong(),
                    cs.path("free_scanned").asLong(), cs.path("migrated").asLong(),
                    cs.path("scan_efficiency").asDouble())});
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
            int n = COMPACTION_BINS;
            double width = Math.max(f.lastS() - first, 1e-9) / n;
            Table t = cp.copy();
            t.addColumns(bins(t.doubleColumn("end_s"), n));
            DoubleColumn ok = DoubleColumn.create("succeeded");
            for (String s : t.stringColumn("status")) {
                ok.append("SUCCESS".equals(s) ? 1 : 0);
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
                    "passes that ended in SUCCESS (%)");
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
                var s = Charts.points(c, series(ctx, order) + " (" + passes + (passes == 1 ? " pass)" : " passes)"),
                        x, y, Charts.PALETTE[i++ % Charts.PALETTE.length], 16);
                s.setMarker(shapes[k % shapes.length]);
            }
            c.getStyler().setXAxisMin(0.0);
            c.getStyler().setXAxisMax(span());
            Charts.markers(c, markerTimes, span(), -3, 103);
            page.h3("Success over time");
            page.note("Passes are put in " + n + " equal time bins by their end; a point is the share of the"
                    + " bin's passes of that context and order whose mm_compaction_end status was SUCCESS.");
            chart("compaction_success", c, out, "compaction success over time", "Compaction success rate per bin.");
        }

        void outcomes(Table cp) {
            Table g = cp.countBy("context", "status").sortOn("context", "status");
            Table out = Table.create("compaction_outcomes", g.stringColumn("context").copy(),
                    g.stringColumn("status").copy(), DoubleColumn.create("passes", g.numberColumn("Count").asDoubleArray()));
            List<String> contexts = new ArrayList<>();
            for (String ctx : CONTEXTS) {
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
            List<String> order = new ArrayList<>(CONTEXTS);
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
            for (String ctx : CONTEXTS) {
                if (cp.stringColumn("context").contains(ctx)) {
                    passLanes.add(ctx);
                }
            }
            if (lanes.isEmpty() && passLanes.isEmpty()) {
                page.p("No kswapd or kcompactd activity and no compaction pass in the trace.");
                return;
            }
            page.note("Bars: a daemon awake (wake to sleep, daemons.csv; still awake at the end: drawn to the end of"
                    + " the trace). Dots: compaction passes by context at their begin time, green SUCCESS, red"
                    + " otherwise.");
            XYChart c = Charts.xy("kswapd and kcompactd activity, compaction passes", xTitle(), "");
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
                Charts.line(c, l + " awake", x, y, l.startsWith("kswapd") ? new Color(0x8c, 0x56, 0x4b)
                        : new Color(0x94, 0x67, 0xbd), 16f);
            }
            for (String ctx : passLanes) {
                lane++;
                labels.add(ctx.toLowerCase(Locale.ROOT) + " passes");
                Table rows = cp.where(cp.stringColumn("context").isEqualTo(ctx));
                List<Double> ox = new ArrayList<>();
                List<Double> fx = new ArrayList<>();
                for (int r = 0; r < rows.rowCount(); r++) {
                    double x = rows.doubleColumn("begin_s").getDouble(r) - first;
                    ("SUCCESS".equals(rows.stringColumn("status").get(r)) ? ox : fx).add(x);
                }
                if (!ox.isEmpty()) {
                    Charts.points(c, ctx.toLowerCase(Locale.ROOT) + " success", unbox(ox), fill(ox.size(), lane),
                            new Color(0x2c, 0xa0, 0x2c), 11);
                }
                if (!fx.isEmpty()) {
                    Charts.points(c, ctx.toLowerCase(Locale.ROOT) + " not success", unbox(fx),
                            fill(fx.size(), lane), new Color(0xd6, 0x27, 0x28), 11);
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
            chart("daemon_timeline", c, tl, "daemon activity timeline", "kswapd and kcompactd awake intervals and"
                    + " compaction passes.");
            if (act.rowCount() > 0) {
                csvOnly("daemon_activity", act);
                page.note("Per daemon and node (daemon_activity.csv): wakes, time awake, share of the trace span.");
                page.table(act);
            }
        }

        /** A whole-number double column as an int column (Tablesaw groups by categorical columns only). */
        static IntColumn ints(DoubleColumn c) {
            IntColumn out = IntColumn.create(c.name());
            for (int i = 0; i < c.size(); i++) {
                if (c.isMissing(i)) {
                    out.appendMissing();
                } else {
                    out.append((int) Math.round(c.getDouble(i)));
                }
            }
            return out;
        }

        static double[] unbox(List<Double> l) {
            return l.stream().mapToDouble(Double::doubleValue).toArray();
        }

        static double[] fill(int n, double v) {
            double[] d = new double[n];
            java.util.Arrays.fill(d, v);
            return d;
        }

        void allocations() {
            page.h2("alloc", "Allocations (like perf kmem --page)");
            JsonNode st = f.stats();
            if (st == null) {
                page.p("This folder has no stats.json.");
                return;
            }
            JsonNode al = st.path("allocations");
            JsonNode fail = st.path("allocation_failures");
            JsonNode fr = st.path("frees");
            Table byOrder = Table.create("alloc_by_order", IntColumn.create("order"),
                    DoubleColumn.create("alloc_requests"), DoubleColumn.create("alloc_pages"),
                    DoubleColumn.create("failures"), DoubleColumn.create("free_requests"),
                    DoubleColumn.create("free_pages"));
            Map<Integer, double[]> rows = new java.util.TreeMap<>();
            for (JsonNode r : al.path("by_order")) {
                double[] v = rows.computeIfAbsent(r.path("order").asInt(), k -> new double[5]);
                v[0] = r.path("requests").asDouble();
                v[1] = r.path("pages").asDouble();
            }
            for (JsonNode r : fail.path("by_order")) {
                rows.computeIfAbsent(r.path("order").asInt(), k -> new double[5])[2] = r.path("requests").asDouble();
            }
            for (JsonNode r : fr.path("by_order")) {
                double[] v = rows.computeIfAbsent(r.path("order").asInt(), k -> new double[5]);
                v[3] = r.path("requests").asDouble();
                v[4] = r.path("pages").asDouble();
            }
            rows.forEach((o, v) -> {
                byOrder.intColumn(0).append(o);
                for (int k = 0; k < 5; k++) {
                    byOrder.doubleColumn(k + 1).append(v[k]);
                }
            });
            page.p(String.format(Locale.ROOT, "%,d allocations (%,d pages), %,d failures, %,d frees (%,d pages).",
                    al.path("requests").asLong(), al.path("pages").asLong(), fail.path("requests").asLong(),
                    fr.path("requests").asLong(), fr.path("pages").asLong()));
            CategoryChart c = Charts.category("Page allocations by order (log scale)", "order", "requests");
            c.getStyler().setYAxisLogarithmic(true);
            c.getStyler().setYAxisMin(0.4);
            c.getStyler().setLegendPosition(Styler.LegendPosition.InsideNE);
            List<String> xs = byOrder.intColumn("order").asList().stream().map(String::valueOf).toList();
            c.addSeries("allocations", xs, logSafe(byOrder.doubleColumn("alloc_requests")));
            c.addSeries("failures", xs, logSafe(byOrder.doubleColumn("failures")));
            c.addSeries("frees", xs, logSafe(byOrder.doubleColumn("free_requests")));
            page.h3("By order");
            chart("alloc_by_order", c, byOrder, "allocations by order", "Allocations, failures and frees per order"
                    + " (zero drawn as 0.5 on the log axis; the CSV has the counts).");
            page.table(byOrder);

            Table byMt = Table.create("alloc_by_migratetype", StringColumn.create("migratetype"),
                    DoubleColumn.create("number"), DoubleColumn.create("requests"), DoubleColumn.create("pages"));
            for (JsonNode r : al.path("by_migratetype")) {
                byMt.stringColumn(0).append(r.path("migratetype_name").asText());
                if (r.path("migratetype").isNull()) {
                    byMt.doubleColumn(1).appendMissing();
                } else {
                    byMt.doubleColumn(1).append(r.path("migratetype").asDouble());
                }
                byMt.doubleColumn(2).append(r.path("requests").asDouble());
                byMt.doubleColumn(3).append(r.path("pages").asDouble());
            }
            page.h3("By migratetype");
            csvOnly("alloc_by_migratetype", byMt);
            page.table(byMt);

            JsonNode gfp = al.path("by_gfp_flags");
            Table byGfp = Table.create("alloc_by_gfp", StringColumn.create("gfp_flags"),
                    DoubleColumn.create("requests"), DoubleColumn.create("pages"), DoubleColumn.create("failures"));
            for (JsonNode r : gfp.path("top")) {
                byGfp.stringColumn(0).append(r.path("gfp_flags").asText());
                byGfp.doubleColumn(1).append(r.path("requests").asDouble());
                byGfp.doubleColumn(2).append(r.path("pages").asDouble());
                byGfp.doubleColumn(3).append(r.path("failures").asDouble());
            }
            JsonNode go = gfp.path("others");
            if (go.path("count").asLong() > 0) {
                byGfp.stringColumn(0).append("(" + go.path("count").asLong() + " others)");
                byGfp.doubleColumn(1).append(go.path("requests").asDouble());
                byGfp.doubleColumn(2).append(go.path("pages").asDouble());
                byGfp.doubleColumn(3).append(go.path("failures").asDouble());
            }
            page.h3("By gfp flags (" + gfp.path("distinct").asLong() + " distinct)");
            csvOnly("alloc_by_gfp", byGfp);
            page.table(byGfp);

            JsonNode pr = al.path("by_process");
            Table byProc = Table.create("alloc_by_process", StringColumn.create("comm"),
                    DoubleColumn.create("alloc_requests"), DoubleColumn.create("alloc_pages"),
                    DoubleColumn.create("free_requests"), DoubleColumn.create("free_pages"),
                    DoubleColumn.create("failures"));
            List<JsonNode> procRows = new ArrayList<>();
            pr.path("top").forEach(procRows::add);
            JsonNode po = pr.path("others");
            for (JsonNode r : procRows) {
                addProc(byProc, r.path("comm").asText(), r);
            }
            if (po.path("count").asLong() > 0) {
                addProc(byProc, "(" + po.path("count").asLong() + " others)", po);
            }
            page.h3("By process (" + pr.path("distinct").asLong() + " distinct)");
            csvOnly("alloc_by_process", byProc);
            page.table(byProc);
        }

        static void addProc(Table t, String name, JsonNode r) {
            t.stringColumn(0).append(name);
            t.doubleColumn(1).append(r.path("alloc_requests").asDouble());
            t.doubleColumn(2).append(r.path("alloc_pages").asDouble());
            t.doubleColumn(3).append(r.path("free_requests").asDouble());
            t.doubleColumn(4).append(r.path("free_pages").asDouble());
            t.doubleColumn(5).append(r.path("failures").asDouble());
        }

        static List<Double> logSafe(DoubleColumn c) {
            List<Double> out = new ArrayList<>();
            for (double d : c.asDoubleArray()) {
                out.add(d > 0 ? d : 0.5);
            }
            return out;
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

}
