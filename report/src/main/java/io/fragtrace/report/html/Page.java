package io.fragtrace.report.html;

import tech.tablesaw.api.NumericColumn;
import tech.tablesaw.api.Table;
import tech.tablesaw.columns.Column;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

/**
 * A self-contained HTML page: inline CSS, images as data: URIs, interactive charts drawn by uPlot inlined into the
 * page (Interactive), nothing fetched.
 */
final class Page {
    private static final String CSS = """
            body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;color:#222;
            margin:0 auto;max-width:1320px;padding:24px 32px;background:#fff}
            h1{font-size:26px;margin:0 0 4px} h2{font-size:21px;border-bottom:2px solid #ddd;padding-bottom:4px;
            margin-top:36px} h3{font-size:17px;margin:22px 0 6px}
            .sub{color:#666;margin:0 0 16px} .note{color:#555;font-size:13.5px;margin:4px 0 10px}
            table{border-collapse:collapse;margin:6px 0 14px;font-size:13.5px}
            th,td{border:1px solid #ddd;padding:3px 9px;text-align:right;vertical-align:top}
            th{background:#f4f6f8;font-weight:600} td.l,th.l{text-align:left}
            tr:nth-child(even) td{background:#fafbfc}
            figure{margin:10px 0 22px} figure img{width:100%;max-width:960px;height:auto;border:1px solid #e3e3e3}
            figcaption{font-size:13.5px;color:#444;margin-top:4px}
            .kv td:first-child{text-align:left;color:#555} .kv td{text-align:left}
            .warn{color:#a4262c;font-weight:600} .ok{color:#1b7a2e;font-weight:600}
            .pos{color:#a4262c} .neg{color:#1b7a2e}
            pre{background:#f6f8fa;padding:10px;font-size:13px;overflow-x:auto}
            code{font-size:13px} nav a{margin-right:10px}
            .ic{margin:10px 0 4px;min-height:120px} .ic-readout{font-size:13px;color:#333;min-height:18px;
            font-variant-numeric:tabular-nums} .uplot .u-title{font-size:16px} .u-legend{font-size:13px}
            .u-legend .u-series{cursor:pointer} .ic-help{font-size:12.5px;color:#666}
            .scale{font-size:13px;color:#333;margin:2px 0 6px;display:flex;align-items:center;gap:8px;flex-wrap:wrap}
            .grad{display:inline-block;position:relative;width:260px;height:30px}
            .grad .bar{display:block;height:12px;border:1px solid #aaa}
            .grad .ticks span{position:absolute;top:14px;transform:translateX(-50%);font-size:11.5px}
            .swatch{display:inline-block;width:14px;height:12px;border:1px solid #aaa;vertical-align:middle}
            .empty{color:#555;font-style:italic}
            """;

    private final StringBuilder b = new StringBuilder(1 << 16);
    private boolean interactive;

    Page(String title) {
        b.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
                .append("<title>").append(esc(title)).append("</title><style>").append(CSS)
                .append("</style></head><body>\n");
    }

    static String esc(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder o = new StringBuilder(s.length() + 8);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '<' -> o.append("&lt;");
                case '>' -> o.append("&gt;");
                case '&' -> o.append("&amp;");
                case '"' -> o.append("&quot;");
                case '\'' -> o.append("&#39;");
                default -> o.append(c);
            }
        }
        return o.toString();
    }

    Page raw(String html) {
        b.append(html);
        return this;
    }

    Page h1(String s) {
        return raw("<h1>" + esc(s) + "</h1>\n");
    }

    Page h2(String id, String s) {
        return raw("<h2 id=\"" + esc(id) + "\">" + esc(s) + "</h2>\n");
    }

    Page h3(String s) {
        return raw("<h3>" + esc(s) + "</h3>\n");
    }

    Page p(String s) {
        return raw("<p>" + esc(s) + "</p>\n");
    }

    Page note(String s) {
        return raw("<p class=\"note\">" + esc(s) + "</p>\n");
    }

    /** A chart: the PNG inline, the caption, and the CSV behind it named. */
    Page figure(String png, byte[] bytes, String alt, String caption, String csv) {
        raw("<figure><img alt=\"" + esc(alt) + "\" src=\"data:image/png;base64,")
                .raw(Base64.getEncoder().encodeToString(bytes)).raw("\">");
        raw("<figcaption>" + esc(caption) + " <span class=\"note\">(" + esc(png)
                + (csv == null ? "" : ", data: " + esc(csv)) + ")</span></figcaption></figure>\n");
        return this;
    }

    /**
     * An interactive time chart (Interactive): the chart, a line saying how to use it, the caption, and the PNG and
     * CSV files written beside the page.
     */
    Page interactive(String id, com.fasterxml.jackson.databind.node.ObjectNode spec, ColourScale scale,
                     String caption, String png, String csv) {
        interactive = true;
        raw("<figure>").raw(Interactive.html("c-" + id, spec));
        if (scale != null) {
            raw(scale.legendHtml());
        }
        raw("<figcaption>" + esc(caption) + " <span class=\"note\">(" + esc(png)
                + (csv == null ? "" : ", data: " + esc(csv)) + ")</span> <span class=\"ic-help\">Drag across the"
                + " chart to zoom into a time range, double-click to zoom out; "
                + (spec.path("kind").asText().equals("heat") ? "the line above the chart shows the cell under the"
                + " cursor" : "the legend shows the values under the cursor; click a legend entry to hide or show"
                + " it") + ". Dashed lines: trace markers.</span></figcaption></figure>\n");
        return this;
    }

    /** A chart with nothing to show, said in one sentence instead. */
    Page empty(String sentence) {
        return raw("<p class=\"empty\">" + esc(sentence) + "</p>\n");
    }

    /** Key/value rows. */
    Page kv(List<String[]> rows) {
        raw("<table class=\"kv\">");
        for (String[] r : rows) {
            raw("<tr><td>" + esc(r[0]) + "</td><td>" + r[1] + "</td></tr>");
        }
        return raw("</table>\n");
    }

    /** A Tablesaw table; text columns left-aligned, numbers right-aligned. */
    Page table(Table t) {
        raw("<table><tr>");
        for (Column<?> c : t.columns()) {
            raw("<th class=\"" + (c instanceof NumericColumn ? "" : "l") + "\">" + esc(c.name()) + "</th>");
        }
        raw("</tr>\n");
        for (int r = 0; r < t.rowCount(); r++) {
            raw("<tr>");
            for (Column<?> c : t.columns()) {
                String v = Tables.cell(c, r);
                raw(c instanceof NumericColumn ? "<td>" + esc(v) + "</td>" : "<td class=\"l\">" + esc(v) + "</td>");
            }
            raw("</tr>\n");
        }
        return raw("</table>\n");
    }

    byte[] bytes() {
        return (b + (interactive ? Interactive.assets() : "") + "</body></html>\n").getBytes(StandardCharsets.UTF_8);
    }
}
