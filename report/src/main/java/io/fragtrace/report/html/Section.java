package io.fragtrace.report.html;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.Table;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What every section of report.html shares while the report is put together: the folder, the page, the files
 * written beside it, the time origin, the trace markers and the THP order. Sections extend it and add to the page.
 */
class Section {
    final ReplayFolder f;
    final Map<String, byte[]> files;
    /** Time-chart PNGs still rendering; their names hold their place in {@link #files}. */
    final PngRenders pngs;
    final Page page;
    final double first;
    /** Marker times in seconds since the first event, and their text, numbered 1.. in this order. */
    final List<Double> markerTimes;
    final List<String> markerTexts;
    final int thp;
    final int top;

    /** The shared state of one report. */
    Section(ReplayFolder f) {
        this.f = f;
        this.files = new LinkedHashMap<>();
        this.pngs = new PngRenders();
        this.page = new Page("Fragtrace report: " + f.name());
        this.first = f.firstS();
        this.thp = f.thpOrder();
        this.top = f.topOrder();
        this.markerTimes = new ArrayList<>();
        this.markerTexts = new ArrayList<>();
        DoubleColumn mt = f.markers().doubleColumn("time_s");
        for (int i = 0; i < mt.size(); i++) {
            if (!mt.isMissing(i)) {
                markerTimes.add(mt.getDouble(i) - first);
                markerTexts.add(f.markers().stringColumn("text").get(i));
            }
        }
    }

    /** A section of the same report. */
    Section(Section s) {
        this.f = s.f;
        this.files = s.files;
        this.pngs = s.pngs;
        this.page = s.page;
        this.first = s.first;
        this.markerTimes = s.markerTimes;
        this.markerTexts = s.markerTexts;
        this.thp = s.thp;
        this.top = s.top;
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

    /** A chart shown as its PNG (bar charts, tables of categories), with the CSV behind it. */
    void chart(String base, org.knowm.xchart.internal.chartpart.Chart<?, ?> chart, Table data, String alt,
               String caption) {
        byte[] png = Charts.png(chart);
        files.put(base + ".png", png);
        if (data != null) {
            files.put(base + ".csv", Tables.csv(data));
        }
        page.figure(base + ".png", png, alt, caption, data == null ? null : base + ".csv");
    }

    /**
     * A time chart: interactive in the page (spec, with the trace markers added), the XChart PNG written beside it
     * for papers and slides, and the CSV behind both.
     */
    void timeChart(String base, ObjectNode spec, org.knowm.xchart.internal.chartpart.Chart<?, ?> png, Table data,
                   String caption) {
        timeChart(base, spec, null, png, data, caption);
    }

    /** A time chart with a colour scale (a heat map), its legend labelled under the chart. */
    void timeChart(String base, ObjectNode spec, ColourScale scale, org.knowm.xchart.internal.chartpart.Chart<?, ?> png,
                   Table data, String caption) {
        Interactive.markers(spec, markerTimes, markerTexts);
        if (!spec.has("xMin")) {
            spec.put("xMin", 0.0);
            spec.put("xMax", Interactive.round(span()));
        }
        files.put(base + ".png", null);
        pngs.submit(base + ".png", png);
        if (data != null) {
            files.put(base + ".csv", Tables.csv(data));
        }
        page.interactive(base, spec, scale, caption, base + ".png", data == null ? null : base + ".csv");
    }

    void csvOnly(String base, Table data) {
        files.put(base + ".csv", Tables.csv(data));
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

    /**
     * A number of summary.json, printed with thousands separators and tagged with its path
     * ({@code <span data-summary="consistency.contradictions">1,811</span>}) so that a test can check every number
     * the page shows against the file. Path: keys and array indexes separated by dots.
     */
    String num(String path) {
        return tagged("data-summary", path, at(f.summary(), path), 1, 0);
    }

    /** A summary.json number times {@code scale} with {@code decimals} decimals (e.g. a fraction as a percentage). */
    String num(String path, double scale, int decimals) {
        return tagged("data-summary", path, at(f.summary(), path), scale, decimals);
    }

    /** A number of stats.json, tagged like {@link #num(String)}. */
    String stat(String path) {
        return tagged("data-stats", path, at(f.stats(), path), 1, 0);
    }

    static JsonNode at(JsonNode root, String path) {
        JsonNode n = root == null ? com.fasterxml.jackson.databind.node.MissingNode.getInstance() : root;
        for (String k : path.split("\\.")) {
            n = n.isArray() && k.chars().allMatch(Character::isDigit) ? n.path(Integer.parseInt(k)) : n.path(k);
        }
        return n;
    }

    static String tagged(String attr, String path, JsonNode v, double scale, int decimals) {
        String text = !v.isNumber() ? "?" : decimals == 0 && scale == 1
                ? String.format(Locale.ROOT, "%,d", v.asLong())
                : String.format(Locale.ROOT, "%,." + decimals + "f", v.asDouble() * scale);
        return "<span " + attr + "=\"" + Page.esc(path) + "\"" + (scale == 1 ? "" : " data-scale=\""
                + Tables.number(scale) + "\"") + ">" + text + "</span>";
    }

    /** True when a column has no value other than {@code v} (or none at all): a chart of it would show nothing. */
    static boolean allEqual(DoubleColumn c, double v) {
        for (int i = 0; i < c.size(); i++) {
            if (!c.isMissing(i) && c.getDouble(i) != v) {
                return false;
            }
        }
        return true;
    }
}
