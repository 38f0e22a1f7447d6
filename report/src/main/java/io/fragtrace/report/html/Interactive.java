package io.fragtrace.report.html;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.awt.Color;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Properties;

/**
 * Interactive time charts: a chart spec (JSON) per chart, drawn in the page by uPlot and charts.js. uPlot comes from
 * its WebJar (org.webjars.npm:uplot) on the class path and is inlined into the page when the report is written, so
 * the page still fetches nothing when viewed. Drag zooms into a time range, double-click zooms out, the legend shows
 * the values under the cursor and hides a series when clicked; trace markers are numbered dashed lines.
 */
final class Interactive {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String WEBJAR = "META-INF/resources/webjars/uplot/";
    private static volatile String assets;

    private Interactive() {
    }

    /** The spec of a line chart (time on x). */
    static ObjectNode lines(String title, String xLabel, String yLabel) {
        ObjectNode s = JSON.createObjectNode();
        s.put("kind", "lines");
        s.put("title", title);
        s.put("xLabel", xLabel);
        s.put("yLabel", yLabel);
        s.putArray("series");
        return s;
    }

    /** Adds a series with its own x values (NaN = a gap in the line); returns it for options (dash, step, points). */
    static ObjectNode series(ObjectNode spec, String label, Color c, double width, double[] x, double[] y) {
        ObjectNode sr = ((ArrayNode) spec.get("series")).addObject();
        sr.put("label", label);
        sr.put("color", hex(c));
        sr.put("width", width);
        numbers(sr.putArray("x"), x);
        numbers(sr.putArray("y"), y);
        return sr;
    }

    static void yRange(ObjectNode spec, Double min, Double max) {
        if (min != null) {
            spec.put("yMin", min);
        }
        if (max != null) {
            spec.put("yMax", max);
        }
    }

    /** Trace markers: time (seconds on the chart's axis), number 1.., text. */
    static void markers(ObjectNode spec, List<Double> times, List<String> texts) {
        markers(spec, times, texts, "");
    }

    /** Markers added to the chart's, numbered {@code prefix}1.. (a diff: A1.., B1..). */
    static void markers(ObjectNode spec, List<Double> times, List<String> texts, String prefix) {
        ArrayNode m = spec.has("markers") ? (ArrayNode) spec.get("markers") : spec.putArray("markers");
        for (int i = 0; i < times.size(); i++) {
            ObjectNode o = m.addObject();
            o.put("t", round(times.get(i)));
            o.put("n", prefix + (i + 1));
            o.put("text", i < texts.size() ? texts.get(i) : "");
        }
    }

    /** The spec of an order × time heat map: columns start at x[i] and end at x[i+1] (the last at x1). */
    static ObjectNode heat(String title, String xLabel, String yLabel, double[] x, double x1, List<String> rows,
                           double[][] v, Integer thpRow, ColourScale scale) {
        ObjectNode s = JSON.createObjectNode();
        s.put("kind", "heat");
        s.put("title", title);
        s.put("xLabel", xLabel);
        s.put("yLabel", yLabel);
        numbers(s.putArray("x"), x);
        s.put("x1", round(x1));
        ArrayNode r = s.putArray("rows");
        rows.forEach(r::add);
        ArrayNode vv = s.putArray("v");
        for (double[] row : v) {
            numbers(vv.addArray(), row);
        }
        if (thpRow != null) {
            s.put("thp", thpRow);
        }
        s.set("scale", scale.json(JSON));
        return s;
    }

    static void numbers(ArrayNode a, double[] d) {
        for (double v : d) {
            if (Double.isNaN(v) || Double.isInfinite(v)) {
                a.addNull();
            } else {
                a.add(round(v));
            }
        }
    }

    /** Six significant decimals are more than a screen resolves, and keep the page small. */
    static double round(double d) {
        return Math.abs(d) >= 1e6 ? Math.rint(d) : Math.round(d * 1e6) / 1e6;
    }

    static String hex(Color c) {
        return String.format(Locale.ROOT, "#%02x%02x%02x", c.getRed(), c.getGreen(), c.getBlue());
    }

    /** The chart's place in the page and its spec; '<' escaped so that the JSON cannot end the script element. */
    static String html(String id, ObjectNode spec) {
        String json;
        try {
            json = JSON.writeValueAsString(spec);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return "<div class=\"ic\" data-spec=\"" + Page.esc(id) + "\"></div><script type=\"application/json\" id=\""
                + Page.esc(id) + "\">" + json.replace("<", "\\u003c") + "</script>\n";
    }

    /** uPlot's CSS and script and charts.js, to put once at the end of a page that has interactive charts. */
    static String assets() {
        String a = assets;
        if (a == null) {
            String v = uplotVersion();
            String css = resource(WEBJAR + v + "/dist/uPlot.min.css");
            String js = resource(WEBJAR + v + "/dist/uPlot.iife.min.js");
            String glue = resource("io/fragtrace/report/html/charts.js");
            a = "<style>" + css + "</style>\n<script>" + js.replace("</script", "<\\/script") + "</script>\n<script>"
                    + glue + "</script>\n";
            assets = a;
        }
        return a;
    }

    /** The WebJar's version, from its Maven metadata (so that the pom alone says which uPlot is used). */
    static String uplotVersion() {
        Properties p = new Properties();
        try (InputStream in = resourceStream("META-INF/maven/org.webjars.npm/uplot/pom.properties")) {
            p.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return p.getProperty("version");
    }

    private static InputStream resourceStream(String name) {
        InputStream in = Interactive.class.getClassLoader().getResourceAsStream(name);
        if (in == null) {
            throw new IllegalStateException(name + " is not on the class path (the uPlot WebJar is a dependency of"
                    + " fragtrace-report)");
        }
        return in;
    }

    private static String resource(String name) {
        try (InputStream in = resourceStream(name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
