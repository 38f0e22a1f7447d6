package io.fragtrace.report.html;

import com.fasterxml.jackson.databind.JsonNode;
import io.fragtrace.parser.TraceInputException;
import io.fragtrace.report.AtomicOutput;
import io.fragtrace.report.calibrate.Baseline;
import io.fragtrace.report.calibrate.CalibrationText;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.style.Styler;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

import java.awt.Color;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

/**
 * Two replay output folders compared: {@code diff.html} with both runs overlaid on the same axes (A and B always in
 * {@link Charts#A} and {@link Charts#B}), delta tables as CSV, {@code summary.txt}, and the plain-text summary
 * (biggest differences first) returned to the caller. Time axes are seconds since each run's first event.
 */
public final class DiffReport {
    public static final String FILE = "diff.html";
    public static final String SUMMARY = "summary.txt";
    /** Lines of the text summary's ranked list. */
    public static final int TOP = 15;

    /** One compared quantity. */
    public record Metric(String name, double a, double b) {
        public double delta() {
            return b - a;
        }

        /** |b − a| / max(|a|, |b|): 0 when equal, 1 when one side is 0; NaN when either side is unknown. */
        public double relative() {
            if (Double.isNaN(a) || Double.isNaN(b)) {
                return Double.NaN;
            }
            double m = Math.max(Math.abs(a), Math.abs(b));
            return m == 0 ? 0 : Math.abs(b - a) / m;
        }
    }

    /** The files of a diff and its text summary. */
    public record Result(Map<String, byte[]> files, String summary, List<Metric> metrics) {
    }

    private DiffReport() {
    }

    /**
     * Compares replay output folders {@code a} and {@code b} and writes {@code outDir} (diff.html, PNGs, CSVs,
     * summary.txt) completely or not at all; returns the text summary.
     *
     * @throws TraceInputException for a folder that is not a replay output, or runs that cannot be compared
     */
    public static String write(Path a, Path b, Path outDir) throws TraceInputException, IOException {
        Path out = outDir.toAbsolutePath().normalize();
        for (Path in : List.of(a, b)) {
            Path abs = in.toAbsolutePath().normalize();
            if (out.equals(abs) || abs.startsWith(out)) {
                throw new TraceInputException(outDir + ": the output folder would replace input " + in
                        + "; choose another --out");
            }
        }
        Result r = render(ReplayFolder.load(a), ReplayFolder.load(b));
        AtomicOutput.writeDir(outDir, dir -> writeFiles(r, dir));
        return r.summary();
    }

    /**
     * The diff of two run folders the caller has just made (temporary ones), written with the runs themselves moved
     * in as {@code run-a/} and {@code run-b/}: one folder holds the whole comparison, completely or not at all.
     */
    public static String writeWithRuns(Path runA, Path runB, Path outDir) throws TraceInputException, IOException {
        Result r = render(ReplayFolder.load(runA), ReplayFolder.load(runB));
        AtomicOutput.writeDir(outDir, dir -> {
            writeFiles(r, dir);
            Files.move(runA, dir.resolve("run-a"));
            Files.move(runB, dir.resolve("run-b"));
        });
        return r.summary();
    }

    private static void writeFiles(Result r, Path dir) throws IOException {
        for (Map.Entry<String, byte[]> e : r.files().entrySet()) {
            Files.write(dir.resolve(e.getKey()), e.getValue());
        }
    }

    /** Checks that the runs can be compared and returns their common zones. */
    public static List<ReplayFolder.Zone> commonZones(ReplayFolder a, ReplayFolder b) throws TraceInputException {
        if (a.pageSize() != b.pageSize()) {
            throw new TraceInputException("cannot compare: A has " + a.pageSize() + "-byte pages, B has "
                    + b.pageSize() + "-byte pages");
        }
        if (a.maxOrder() != b.maxOrder()) {
            throw new TraceInputException("cannot compare: A has max_order " + a.maxOrder() + ", B has max_order "
                    + b.maxOrder());
        }
        List<ReplayFolder.Zone> common = new ArrayList<>(a.zones());
        common.retainAll(b.zones());
        if (common.isEmpty()) {
            throw new TraceInputException("cannot compare: no zone in common (A: " + labels(a.zones()) + "; B: "
                    + labels(b.zones()) + ")");
        }
        return common;
    }

    private static String labels(List<ReplayFolder.Zone> zones) {
        return zones.isEmpty() ? "none" : String.join(", ", zones.stream().map(ReplayFolder.Zone::label).toList());
    }

    /** A zone's value at the end of a run: summary.json end_state, else the last sample. */
    static double endValue(ReplayFolder f, ReplayFolder.Zone z, String key, String column, int order) {
        return Builder.endValue(f, z, key, column, order);
    }

    public static Result render(ReplayFolder a, ReplayFolder b) throws TraceInputException {
        return new Builder(a, b, commonZones(a, b)).build();
    }

    private static final class Builder {
        final ReplayFolder a;
        final ReplayFolder b;
        final List<ReplayFolder.Zone> zones;
        final Map<String, byte[]> files = new LinkedHashMap<>();
        final List<Metric> metrics = new ArrayList<>();
        final Page page;
        final int thp;
        final int top;

        Builder(ReplayFolder a, ReplayFolder b, List<ReplayFolder.Zone> zones) {
            this.a = a;
            this.b = b;
            this.zones = zones;
            this.thp = a.thpOrder();
            this.top = Math.min(a.topOrder(), b.topOrder());
            this.page = new Page("Fragtrace diff: " + a.name() + " vs " + b.name());
        }

        static String who(ReplayFolder f) {
            JsonNode s = f.summary();
            JsonNode cfg = s.path("config");
            String c = cfg.isMissingNode() || cfg.isNull() ? "" : ", config "
                    + (cfg.isTextual() ? cfg.asText() : cfg.path("name").asText(cfg.toString()));
            String from = CalibrationText.startedAt(s.path("start_state"));
            return f.name() + " (" + s.path("kernel").path("release").asText("unknown kernel") + ", "
                    + s.path("mode").asText("observed") + c + (from.isEmpty() ? "" : ", " + from) + ")";
        }

        void chart(String base, org.knowm.xchart.internal.chartpart.Chart<?, ?> chart, Table data, String caption) {
            byte[] png = Charts.png(chart);
            files.put(base + ".png", png);
            files.put(base + ".csv", Tables.csv(data));
            page.figure(base + ".png", png, caption, caption, base + ".csv");
        }

        Result build() {
            page.h1("Fragtrace diff");
            page.raw("<p class=\"sub\"><b style=\"color:#1f77b4\">A</b> " + Page.esc(who(a))
                    + "<br><b style=\"color:#e6550d\">B</b> " + Page.esc(who(b)) + "</p>\n");
            if (a.thpOrder() != b.thpOrder()) {
                page.p("Note: pageblock order differs (A " + a.thpOrder() + ", B " + b.thpOrder() + "); order "
                        + thp + " is used as the THP order.");
            }
            page.note("Common zones: " + labels(zones) + ". Time axes: seconds since each run's first event.");
            Table frag = fragTable();
            compactionMetrics();
            zoneMetrics();
            DiffMechanisms.add(a, b, zones, metrics);
            failures();
            BlameDiff.metrics(a, b, metrics);
            // a number neither run has (no blame, no reporting in either) compares nothing
            metrics.removeIf(x -> Double.isNaN(x.a()) && Double.isNaN(x.b()));
            String summary = summaryText();
            page.h2("summary", "Biggest differences");
            page.raw("<pre>" + Page.esc(summary) + "</pre>\n");
            footing();
            Table all = metricsTable();
            files.put("diff_metrics.csv", Tables.csv(all));
            page.h2("metrics", "Compaction, reclaim, allocation failures and zones");
            page.note("relative = |B − A| / max(|A|, |B|). Every compared number: diff_metrics.csv.");
            page.table(all.dropWhere(all.stringColumn("metric").startsWith("fragmentation index order")));
            BlameDiff.section(a, b, page, files);
            page.h2("frag", "Fragmentation index at each order");
            page.note("end: summary.json end_state. mean: over the samples where the index is defined (≥ 0);"
                    + " free_share: share of samples at -1 (a free block of the order existed).");
            page.table(frag);
            files.put("diff_frag_index.csv", Tables.csv(frag));
            page.h2("charts", "Overlaid over time");
            DiffCharts charts = new DiffCharts(a, b, zones, files, page, thp, top);
            charts.overlays();
            charts.compactionOverlay();
            charts.endBars();
            page.raw("<details><summary>All " + all.rowCount() + " compared numbers</summary>\n");
            page.table(all);
            page.raw("</details>\n");
            files.put(SUMMARY, summary.getBytes(StandardCharsets.UTF_8));
            files.put(FILE, page.bytes());
            return new Result(files, summary, List.copyOf(metrics));
        }

        static double endValue(ReplayFolder f, ReplayFolder.Zone z, String key, String column, int order) {
            JsonNode e = f.endState(z);
            JsonNode v = order < 0 ? e.path(key) : e.path(key).path(order);
            if (!v.isMissingNode() && !v.isNull()) {
                return Tables.parse(v);
            }
            Table rows = f.rows(z);
            String col = order < 0 ? column : column + order;
            if (rows.rowCount() == 0 || !rows.containsColumn(col)) {
                return Double.NaN;
            }
            return rows.doubleColumn(col).getDouble(rows.rowCount() - 1);
        }

        static double meanDefined(ReplayFolder f, ReplayFolder.Zone z, String col) {
            Table rows = f.rows(z);
            if (!rows.containsColumn(col)) {
                return Double.NaN;
            }
            DoubleColumn c = rows.doubleColumn(col);
            DoubleColumn defined = c.where(c.isGreaterThanOrEqualTo(0));
            return defined.isEmpty() ? Double.NaN : defined.mean();
        }

        static double shareFree(ReplayFolder f, ReplayFolder.Zone z, String col) {
            Table rows = f.rows(z);
            if (!rows.containsColumn(col) || rows.rowCount() == 0) {
                return Double.NaN;
            }
            DoubleColumn c = rows.doubleColumn(col);
            return (double) c.where(c.isLessThan(0)).size() / c.where(c.isNotMissing()).size();
        }

        Table fragTable() {
            Table t = Table.create("diff_frag_index", DoubleColumn.create("node"), StringColumn.create("zone"),
                    IntColumn.create("order"), DoubleColumn.create("end_a"), DoubleColumn.create("end_b"),
                    DoubleColumn.create("end_delta"), DoubleColumn.create("mean_a"), DoubleColumn.create("mean_b"),
                    DoubleColumn.create("mean_delta"), DoubleColumn.create("free_share_a"),
                    DoubleColumn.create("free_share_b"));
            for (ReplayFolder.Zone z : zones) {
                for (int o = 0; o <= top; o++) {
                    double ea = endValue(a, z, "frag_index", "frag_index_", o);
                    double eb = endValue(b, z, "frag_index", "frag_index_", o);
                    double ma = meanDefined(a, z, "frag_index_" + o);
                    double mb = meanDefined(b, z, "frag_index_" + o);
                    t.doubleColumn(0).append(z.node());
                    t.stringColumn(1).append(z.zone());
                    t.intColumn(2).append(o);
                    t.doubleColumn(3).append(ea);
                    t.doubleColumn(4).append(eb);
                    t.doubleColumn(5).append(Tables.round(eb - ea, 3));
                    t.doubleColumn(6).append(Tables.round(ma, 4));
                    t.doubleColumn(7).append(Tables.round(mb, 4));
                    t.doubleColumn(8).append(Tables.round(mb - ma, 4));
                    t.doubleColumn(9).append(Tables.round(shareFree(a, z, "frag_index_" + o), 4));
                    t.doubleColumn(10).append(Tables.round(shareFree(b, z, "frag_index_" + o), 4));
                    String zl = z.label();
                    metrics.add(new Metric("fragmentation index order " + o + " at end, " + zl, ea, eb));
                    metrics.add(new Metric("fragmentation index order " + o + " mean over time, " + zl,
                            Tables.round(ma, 4), Tables.round(mb, 4)));
                }
            }
            return t;
        }

        static double passes(ReplayFolder f) {
            JsonNode p = f.summary().path("compaction").path("passes");
            return p.isNumber() ? p.asDouble() : f.compaction().rowCount();
        }

        /**
         * Passes that succeeded by the kernel's meaning (SUCCESS, or COMPLETE for a proactive or manual whole-zone
         * pass): summary.json compaction.by_context, else compaction.csv.
         */
        static double successes(ReplayFolder f) {
            Table c = f.compaction();
            JsonNode byCtx = f.summary().path("compaction").path("by_context");
            if (byCtx.isObject() && byCtx.size() > 0) {
                double s = 0;
                for (var it = byCtx.fields(); it.hasNext(); ) {
                    var ctx = it.next();
                    for (var st = ctx.getValue().fields(); st.hasNext(); ) {
                        var e = st.next();
                        if (io.fragtrace.replay.compaction.CompactOutcome.succeeded(ctx.getKey(),
                                "PROACTIVE".equals(ctx.getKey()) || "MANUAL".equals(ctx.getKey()) ? -1 : 1,
                                e.getKey())) {
                            s += e.getValue().asDouble();
                        }
                    }
                }
                return s;
            }
            int ok = 0;
            for (int r = 0; r < c.rowCount(); r++) {
                ok += Tables.passSucceeded(c, r) ? 1 : 0;
            }
            return ok;
        }

        static double byContext(ReplayFolder f, String ctx) {
            JsonNode n = f.summary().path("compaction").path("by_context").path(ctx);
            if (n.isObject()) {
                double s = 0;
                for (JsonNode v : n) {
                    s += v.asDouble();
                }
                return s;
            }
            Table c = f.compaction();
            return c.where(c.stringColumn("context").isEqualTo(ctx)).rowCount();
        }

        static double summaryOr(ReplayFolder f, String key, String csvColumn) {
            JsonNode n = f.summary().path("compaction").path(key);
            if (n.isNumber()) {
                return n.asDouble();
            }
            Table c = f.compaction();
            return csvColumn != null && c.containsColumn(csvColumn) ? c.doubleColumn(csvColumn).sum() : Double.NaN;
        }

        static double daemonWakes(ReplayFolder f, String key, String daemon) {
            JsonNode n = f.summary().path("compaction").path(key);
            if (n.isNumber()) {
                return n.asDouble();
            }
            Table d = f.daemons();
            return d.where(d.stringColumn("daemon").isEqualTo(daemon)).rowCount();
        }

        void compactionMetrics() {
            double pa = passes(a);
            double pb = passes(b);
            metrics.add(new Metric("compaction passes", pa, pb));
            double sa = successes(a);
            double sb = successes(b);
            metrics.add(new Metric("compaction passes that succeeded", sa, sb));
            // in percent, as the calibration's success-rate rows in the a_vs_kernel column
            metrics.add(new Metric("compaction success rate", pa == 0 ? Double.NaN : Tables.round(100 * sa / pa, 2),
                    pb == 0 ? Double.NaN : Tables.round(100 * sb / pb, 2)));
            for (String ctx : HtmlReport.CONTEXTS) {
                double ca = byContext(a, ctx);
                double cb = byContext(b, ctx);
                if (ca != 0 || cb != 0) {
                    metrics.add(new Metric("compaction passes, " + ctx.toLowerCase(Locale.ROOT), ca, cb));
                }
            }
            metrics.add(new Metric("pages migrated by compaction", summaryOr(a, "migrated", "migrated"),
                    summaryOr(b, "migrated", "migrated")));
            metrics.add(new Metric("pages scanned by the migrate scanner", summaryOr(a, "migrate_scanned",
                    "migrate_scanned"), summaryOr(b, "migrate_scanned", "migrate_scanned")));
            metrics.add(new Metric("pages scanned by the free scanner", summaryOr(a, "free_scanned", "free_scanned"),
                    summaryOr(b, "free_scanned", "free_scanned")));
            metrics.add(new Metric("compaction deferred", summaryOr(a, "deferred", null),
                    summaryOr(b, "deferred", null)));
            metrics.add(new Metric("kcompactd wakes", daemonWakes(a, "kcompactd_wakes", "kcompactd"),
                    daemonWakes(b, "kcompactd_wakes", "kcompactd")));
            metrics.add(new Metric("kswapd wakes", daemonWakes(a, "kswapd_wakes", "kswapd"),
                    daemonWakes(b, "kswapd_wakes", "kswapd")));
        }

        void zoneMetrics() {
            double ra = 0;
            double rb = 0;
            boolean regions = true;
            for (ReplayFolder.Zone z : zones) {
                String zl = z.label();
                metrics.add(new Metric("unusable free space index order " + thp + " at end, " + zl,
                        endValue(a, z, "unusable_index", "unusable_index_", thp),
                        endValue(b, z, "unusable_index", "unusable_index_", thp)));
                metrics.add(new Metric("fragmentation score at end, " + zl,
                        endValue(a, z, "frag_score", "frag_score", -1), endValue(b, z, "frag_score", "frag_score", -1)));
                metrics.add(new Metric("free pages at end, " + zl, endValue(a, z, "free_pages", "free_pages", -1),
                        endValue(b, z, "free_pages", "free_pages", -1)));
                metrics.add(new Metric("mixed pageblocks at end, " + zl, last(a, z, "mixed_pageblocks"),
                        last(b, z, "mixed_pageblocks")));
                double fa = last(a, z, "free_regions");
                double fb = last(b, z, "free_regions");
                if (Double.isNaN(fa) || Double.isNaN(fb)) {
                    regions = false;
                } else {
                    ra += fa;
                    rb += fb;
                }
            }
            if (regions) {
                metrics.add(new Metric("free regions at end (common zones)", ra, rb));
            }
        }

        static double last(ReplayFolder f, ReplayFolder.Zone z, String col) {
            Table rows = f.rows(z);
            if (!rows.containsColumn(col) || rows.rowCount() == 0) {
                return Double.NaN;
            }
            DoubleColumn c = rows.doubleColumn(col);
            return c.isMissing(c.size() - 1) ? Double.NaN : c.getDouble(c.size() - 1);
        }

        /**
         * Allocation failures per order: a simulated run's own (summary.json simulate.allocation_failures_by_order
         * model: stats.json counts the trace's, the kernel's, the same under every configuration); an observed run's
         * from stats.json allocation_failures.by_order, else summary.json.
         */
        static Map<Integer, Double> failuresByOrder(ReplayFolder f) {
            Map<Integer, Double> m = new java.util.TreeMap<>();
            JsonNode simulated = f.summary().path("simulate").path("allocation_failures_by_order");
            if (simulated.isObject()) {
                var it = simulated.fields();
                while (it.hasNext()) {
                    var e = it.next();
                    m.put(Integer.parseInt(e.getKey()), e.getValue().path("model").asDouble());
                }
                return m;
            }
            if (f.stats() != null) {
                for (JsonNode r : f.stats().path("allocation_failures").path("by_order")) {
                    m.put(r.path("order").asInt(), r.path("requests").asDouble());
                }
                return m;
            }
            var it = f.summary().path("compaction").path("high_order_allocations").fields();
            while (it.hasNext()) {
                var e = it.next();
                m.put(Integer.parseInt(e.getKey()), e.getValue().path("failed").asDouble());
            }
            return m;
        }

        void failures() {
            Map<Integer, Double> fa = failuresByOrder(a);
            Map<Integer, Double> fb = failuresByOrder(b);
            TreeSet<Integer> orders = new TreeSet<>(fa.keySet());
            orders.addAll(fb.keySet());
            Table t = Table.create("diff_alloc_failures", IntColumn.create("order"), DoubleColumn.create("a"),
                    DoubleColumn.create("b"), DoubleColumn.create("delta"));
            for (int o : orders) {
                double va = fa.getOrDefault(o, 0.0);
                double vb = fb.getOrDefault(o, 0.0);
                t.intColumn(0).append(o);
                t.doubleColumn(1).append(va);
                t.doubleColumn(2).append(vb);
                t.doubleColumn(3).append(vb - va);
                if (va != 0 || vb != 0) {
                    metrics.add(new Metric("allocation failures order " + o, va, vb));
                }
            }
            if (t.rowCount() > 0) {
                files.put("diff_alloc_failures.csv", Tables.csv(t));
            }
        }

        Table metricsTable() {
            Table t = Table.create("diff_metrics", StringColumn.create("metric"), DoubleColumn.create("a"),
                    DoubleColumn.create("b"), DoubleColumn.create("delta"), DoubleColumn.create("relative"),
                    StringColumn.create("a_vs_kernel"));
            for (Metric m : metrics) {
                t.stringColumn(0).append(m.name());
                t.doubleColumn(1).append(m.a());
                t.doubleColumn(2).append(m.b());
                t.doubleColumn(3).append(Tables.round(m.delta(), 6));
                t.doubleColumn(4).append(Tables.round(m.relative(), 4));
                t.stringColumn(5).append(Baseline.errorFor(calibrationA(), m.name()));
            }
            return t;
        }

        /** A's calibration against the kernel (a simulate run's summary.json), or null. */
        JsonNode calibrationA() {
            JsonNode c = a.summary().path("calibration");
            return c.isObject() ? c : null;
        }

        /** Whether a difference can mean anything: A's own error against the kernel, and what the trace cannot tell. */
        void footing() {
            JsonNode c = calibrationA();
            page.h2("footing", "Does a difference mean anything?");
            if (c == null) {
                page.p("A is " + (a.summary().path("mode").asText("observed").equals("simulate")
                        ? "a simulate run without a calibration (written by an older version)"
                        : "the kernel's own run (observed mode): its numbers are the kernel's")
                        + "; no calibration error applies to it.");
            } else {
                page.p("A, the model under " + Page.esc(c.path("config").path("name").asText()) + ", against the"
                        + " kernel the trace recorded: " + c.path("rows_passed").asInt() + " of "
                        + c.path("rows_with_a_bar").asInt() + " calibration rows within their bars ("
                        + c.path("verdict").asText() + "). Column a_vs_kernel of the table below gives A's error"
                        + " for each compared number: a difference between A and B smaller than that error does not"
                        + " tell the configurations apart.");
            }
            page.p("What the trace cannot tell:");
            StringBuilder ul = new StringBuilder("<ul>");
            for (String line : Baseline.cannotTell(c)) {
                ul.append("<li>").append(Page.esc(line)).append("</li>");
            }
            page.raw(ul.append("</ul>\n").toString());
        }

        /** Ranked by relative difference, then absolute; metrics unknown on either side are left out. */
        List<Metric> ranked() {
            return metrics.stream().filter(m -> !Double.isNaN(m.relative()) && m.delta() != 0)
                    .sorted(Comparator.comparingDouble(Metric::relative).reversed()
                            .thenComparing(Comparator.comparingDouble((Metric m) -> Math.abs(m.delta())).reversed()))
                    .toList();
        }

        String summaryText() {
            StringBuilder s = new StringBuilder();
            s.append("A: ").append(who(a)).append('\n');
            s.append("B: ").append(who(b)).append('\n');
            JsonNode cal = calibrationA();
            if (cal != null) {
                s.append("A against the kernel: ").append(cal.path("rows_passed").asInt()).append(" of ")
                        .append(cal.path("rows_with_a_bar").asInt()).append(" calibration rows within their bars (")
                        .append(cal.path("verdict").asText()).append("); a difference smaller than A's error says"
                        + " nothing about B.\n");
            }
            List<Metric> r = ranked();
            if (r.isEmpty()) {
                s.append("No differences in the ").append(metrics.size()).append(" compared numbers.\n");
                return s.toString();
            }
            s.append("Biggest differences first (").append(r.size()).append(" of ").append(metrics.size())
                    .append(" numbers differ):\n");
            for (Metric m : r.subList(0, Math.min(TOP, r.size()))) {
                s.append(String.format(Locale.ROOT, "  %-58s A %s  B %s  (%s%s)%n", m.name(), fmt(m.a()), fmt(m.b()),
                        m.delta() > 0 ? "+" : "", fmt(m.delta())));
                String err = Baseline.errorFor(calibrationA(), m.name());
                if (!err.isEmpty()) {
                    s.append("      A vs kernel: ").append(err).append('\n');
                }
            }
            if (r.size() > TOP) {
                s.append("  ... ").append(r.size() - TOP).append(" more in diff_metrics.csv\n");
            }
            return s.toString();
        }

        static String fmt(double d) {
            if (Double.isNaN(d)) {
                return "n/a";
            }
            if (d == Math.rint(d) && Math.abs(d) < 1e15) {
                return String.format(Locale.ROOT, "%,d", (long) d);
            }
            return Tables.number(Tables.round(d, 4));
        }

    }
}
