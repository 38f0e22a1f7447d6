package io.fragtrace.report.html;

import com.fasterxml.jackson.databind.JsonNode;
import io.fragtrace.report.calibrate.Baseline;
import io.fragtrace.report.calibrate.CalibrationText;

import java.util.Locale;

/**
 * report.html of a simulate run: "Model vs kernel" — the calibration table (summary.json {@code calibration}: model
 * against the kernel the trace recorded, each row with its bar and verdict), the phases between markers, the knobs
 * in force with where each came from, the workload's sysctl writes, and what the model stands in for.
 */
final class CalibrationSection extends Section {
    CalibrationSection(Section s) {
        super(s);
    }

    void write() {
        JsonNode c = f.summary().path("calibration");
        if (!c.isObject()) {
            return;
        }
        page.h2("calibration", "Model vs kernel");
        boolean pass = "PASS".equals(c.path("verdict").asText());
        page.raw("<p>The model under <b>" + Page.esc(c.path("config").path("name").asText()) + "</b> against the"
                + " kernel the trace recorded (the trace's own compaction, daemon and allocation events after the"
                + " start state): " + "<span class=\"" + (pass ? "ok" : "warn") + "\">" + c.path("rows_passed").asInt()
                + " of " + c.path("rows_with_a_bar").asInt() + " rows within their bars</span>. Bars: compaction"
                + " success rate within 10 points, attempts within 30 % or 2, end buddyinfo within 10 % of free"
                + " memory. A pass succeeds with status SUCCESS, or COMPLETE for a whole-zone (proactive, manual)"
                + " pass, whose normal end it is.</p>\n");
        StringBuilder t = new StringBuilder("<table><tr><th class=\"l\">row</th><th>kernel</th><th>model</th>"
                + "<th>error</th><th class=\"l\">bar</th><th class=\"l\">verdict</th></tr>\n");
        for (JsonNode r : c.path("rows")) {
            String[] cells = CalibrationText.cells(r);
            String v = r.path("verdict").asText("");
            t.append("<tr><td class=\"l\">").append(Page.esc(r.path("name").asText())).append("</td><td>")
                    .append(Page.esc(cells[0])).append("</td><td>").append(Page.esc(cells[1])).append("</td><td>")
                    .append(Page.esc(cells[2])).append("</td><td class=\"l\">")
                    .append(Page.esc(r.path("bar").asText(""))).append("</td><td class=\"l\">")
                    .append(v.isEmpty() ? "" : "<span class=\"" + (v.equals("PASS") ? "ok" : "warn") + "\">" + v
                            + "</span>").append("</td></tr>\n");
        }
        page.raw(t.append("</table>\n").toString());
        JsonNode end = c.path("end");
        page.note("kernel: the trace after the start state's instant; end buddyinfo: the kernel's "
                + end.path("kernel_from").asText("after/ snapshot")
                + (end.path("at_s").isNumber() ? String.format(Locale.ROOT, " at %.6f s", end.path("at_s")
                .asDouble()) : "") + ", the model at the same instant; buddyinfo over time: "
                + c.path("kernel_buddyinfo_over_time").asText() + ".");
        phases(c);
        knobs(c);
        standIns(c);
    }

    void phases(JsonNode c) {
        page.h3("Per phase (between trace markers; kernel / model)");
        StringBuilder t = new StringBuilder("<table><tr><th>from_s</th><th class=\"l\">phase (opening marker)</th>"
                + "<th>attempts</th><th>succeeded</th><th>alloc failures</th><th>kswapd wakes</th>"
                + "<th>kcompactd wakes</th><th>migrated</th><th>buddyinfo misplaced</th></tr>\n");
        int shown = 0;
        int quiet = 0;
        for (JsonNode ph : c.path("phases")) {
            JsonNode k = ph.path("kernel");
            JsonNode m = ph.path("model");
            if (CalibrationText.sum(k) + CalibrationText.sum(m) == 0) {
                quiet++;
                continue;
            }
            shown++;
            t.append("<tr><td>").append(String.format(Locale.ROOT, "%.3f", ph.path("from_s").asDouble() - first))
                    .append("</td><td class=\"l\">").append(Page.esc(ph.path("label").asText())).append("</td>");
            for (String key : new String[] {"attempts", "successes"}) {
                t.append(cell(k.path(key).asLong(), m.path(key).asLong()));
            }
            t.append(cell(CalibrationText.failures(k), CalibrationText.failures(m)));
            for (String key : new String[] {"kswapd_wakes", "kcompactd_wakes", "migrated"}) {
                t.append(cell(k.path(key).asLong(), m.path(key).asLong()));
            }
            JsonNode mis = ph.path("buddyinfo_misplaced");
            t.append("<td>").append(mis.isNumber() ? String.format(Locale.ROOT, "%.1f %%", 100 * mis.asDouble())
                    : "n/a").append("</td></tr>\n");
        }
        if (shown == 0) {
            page.empty("No phase had compaction, allocation failures or daemon wakes on either side.");
            return;
        }
        page.raw(t.append("</table>\n").toString());
        page.note("from_s: seconds since the first event, as on the charts. A cell is kernel / model, in red where"
                + " they differ. buddyinfo misplaced: the model's free memory on another order than the kernel's at"
                + " the phase's end. " + quiet + " phase(s) with nothing on either side are left out.");
    }

    static String cell(long k, long m) {
        return "<td" + (k != m ? " class=\"pos\"" : "") + ">" + k + " / " + m + "</td>";
    }

    void knobs(JsonNode c) {
        page.h3("Knobs in force");
        StringBuilder t = new StringBuilder("<table><tr><th class=\"l\">knob</th><th class=\"l\">value</th>"
                + "<th class=\"l\">from</th></tr>\n");
        for (JsonNode k : c.path("config").path("knobs")) {
            t.append("<tr><td class=\"l\"><code>").append(Page.esc(k.path("key").asText())).append("</code></td>"
                    + "<td class=\"l\">").append(Page.esc(k.path("value").asText())).append("</td><td class=\"l\">")
                    .append(Page.esc(k.path("from").asText())).append("</td></tr>\n");
        }
        page.raw(t.append("</table>\n").toString());
        JsonNode ws = c.path("sysctl_writes");
        if (ws.isArray() && !ws.isEmpty()) {
            StringBuilder w = new StringBuilder("<table><tr><th>t_s</th><th class=\"l\">the workload wrote</th>"
                    + "<th class=\"l\">value</th><th class=\"l\">in the model</th></tr>\n");
            for (JsonNode x : ws) {
                boolean applied = x.path("applied_by_model").asBoolean();
                w.append("<tr><td>").append(String.format(Locale.ROOT, "%.3f", x.path("time_s").asDouble() - first))
                        .append("</td><td class=\"l\"><code>").append(Page.esc(x.path("file").asText()))
                        .append("</code></td><td class=\"l\">").append(Page.esc(x.path("value").asText()))
                        .append("</td><td class=\"l\">").append(applied ? "applied at that instant"
                                : "<span class=\"warn\">not applied</span>").append("</td></tr>\n");
            }
            page.note("Writes the trace's markers record (… set FILE = VALUE), in trace order.");
            page.raw(w.append("</table>\n").toString());
        }
    }

    void standIns(JsonNode c) {
        page.h3("What the trace cannot tell");
        JsonNode acct = f.summary().path("simulate").path("accounting");
        StringBuilder ul = new StringBuilder("<ul>");
        for (String line : Baseline.cannotTell(c)) {
            ul.append("<li>").append(Page.esc(line)).append("</li>");
        }
        if (acct.isObject()) {
            ul.append("<li>").append(Page.esc(String.format(Locale.ROOT, "Stand-ins in this run: %,d requests served"
                    + " only past the direct-reclaim stand-in (no reclaim modelled), %,d kernel failures the model"
                    + " served, %,d frees of pages the model had failed, %,d frees the model could not match.",
                    acct.path("reclaim_stand_ins").asLong(), acct.path("model_served_trace_failed").asLong(),
                    acct.path("frees_of_model_failed").asLong(), acct.path("frees_unmatched").asLong())))
                    .append("</li>");
        }
        page.raw(ul.append("</ul>\n").toString());
    }
}
