package io.fragtrace.report.calibrate;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The calibration of one bundle as text: the rows with their bars and verdicts, the phases, the knobs in force. */
public final class CalibrationText {
    private CalibrationText() {
    }

    /** A row's kernel, model and error columns as text. */
    public static String[] cells(JsonNode r) {
        String unit = r.path("unit").asText();
        if (unit.equals("share")) {
            return new String[] {"", "", pct(r.path("error"))};
        }
        if (unit.equals("percent")) {
            return new String[] {pct100(r.path("kernel")), pct100(r.path("model")), points(r.path("error"))};
        }
        long k = r.path("kernel").asLong();
        long m = r.path("model").asLong();
        String err = signed(m - k) + (k == 0 ? "" : String.format(Locale.ROOT, " (%+.0f %%)", 100.0 * (m - k) / k));
        return new String[] {Long.toString(k), Long.toString(m), err};
    }

    static String signed(long v) {
        return v > 0 ? "+" + v : Long.toString(v);
    }

    static String pct(JsonNode v) {
        return v.isNumber() ? String.format(Locale.ROOT, "%.1f %%", 100 * v.asDouble()) : "n/a";
    }

    static String pct100(JsonNode v) {
        return v.isNumber() ? String.format(Locale.ROOT, "%.1f %%", v.asDouble()) : "n/a";
    }

    static String points(JsonNode v) {
        return v.isNumber() ? String.format(Locale.ROOT, "%+.1f pts", v.asDouble()) : "n/a";
    }

    /** "from the kernel's state at T s" for a start_state from the kernel's state, else "" (before/ is the default). */
    public static String startedAt(JsonNode startState) {
        return "kernel_state".equals(startState.path("from").asText())
                ? String.format(Locale.ROOT, "from the kernel's state at %.6f s", startState.path("at_s").asDouble())
                : "";
    }

    /** The table of one bundle. */
    public static String render(String bundle, String release, JsonNode c) {
        StringBuilder b = new StringBuilder();
        b.append("== ").append(bundle).append(" · kernel ").append(release).append(" · config ")
                .append(c.path("config").path("name").asText()).append('\n');
        JsonNode start = c.path("start_state");
        if (!startedAt(start).isEmpty()) {
            b.append(String.format(Locale.ROOT, "  from the kernel's own state at %.6f s (the observed replay up to it);"
                    + " only what follows is compared%n", start.path("at_s").asDouble()));
        }
        List<String[]> t = new ArrayList<>();
        t.add(new String[] {"row", "kernel", "model", "error", "bar", "verdict"});
        for (JsonNode r : c.path("rows")) {
            String[] cells = cells(r);
            t.add(new String[] {r.path("name").asText(), cells[0], cells[1], cells[2], r.path("bar").asText(""),
                    r.path("verdict").asText("")});
        }
        table(b, t, "  ");
        b.append(String.format(Locale.ROOT, "  bars: %d of %d rows pass -> %s%n", c.path("rows_passed").asInt(),
                c.path("rows_with_a_bar").asInt(), c.path("verdict").asText()));
        b.append("  phases with activity (kernel/model; buddyinfo: model vs the observed replay at the phase end):\n");
        List<String[]> p = new ArrayList<>();
        p.add(new String[] {"from_s", "phase", "attempts", "succeeded", "alloc fails", "kswapd", "kcompactd",
                "migrated", "buddyinfo"});
        for (JsonNode ph : c.path("phases")) {
            JsonNode k = ph.path("kernel");
            JsonNode m = ph.path("model");
            if (sum(k) + sum(m) == 0) {
                continue;
            }
            p.add(new String[] {String.format(Locale.ROOT, "%.3f", ph.path("from_s").asDouble()),
                    ph.path("label").asText(), pair(k, m, "attempts"), pair(k, m, "successes"),
                    failures(k) + "/" + failures(m), pair(k, m, "kswapd_wakes"), pair(k, m, "kcompactd_wakes"),
                    pair(k, m, "migrated"), pct(ph.path("buddyinfo_misplaced"))});
        }
        table(b, p, "    ");
        split(b, c.path("phases"));
        proactiveChecks(b, c.path("proactive_checks"));
        List<String> knobs = new ArrayList<>();
        for (JsonNode k : c.path("config").path("knobs")) {
            if (!k.path("from").asText().startsWith("config ")) {
                knobs.add(k.path("key").asText() + "=" + k.path("value").asText());
            }
        }
        if (!knobs.isEmpty()) {
            b.append("  knobs from the bundle: ").append(String.join(", ", knobs)).append('\n');
        }
        for (JsonNode w : c.path("sysctl_writes")) {
            b.append(String.format(Locale.ROOT, "  write at %.3f s: %s = %s (%s)%n", w.path("time_s").asDouble(),
                    w.path("file").asText(), w.path("value").asText(), writeEffect(w)));
        }
        return b.toString();
    }

    /**
     * Where the free pages sit at each active phase's end, kernel/model, all zones summed: the buddy lists' pages and
     * each CPU's pcp->count (JSON "phases"[].free_split). Shown when the model's split is known.
     */
    static void split(StringBuilder b, JsonNode phases) {
        int cpus = 0;
        for (JsonNode ph : phases) {
            for (JsonNode z : ph.path("free_split")) {
                cpus = Math.max(cpus, Math.max(z.path("pcp_kernel").size(), z.path("pcp_model").size()));
            }
        }
        List<String[]> t = new ArrayList<>();
        String[] head = new String[3 + cpus];
        head[0] = "to_s";
        head[1] = "phase";
        head[2] = "buddy";
        for (int c = 0; c < cpus; c++) {
            head[3 + c] = "pcp cpu" + c;
        }
        t.add(head);
        for (JsonNode ph : phases) {
            if (sum(ph.path("kernel")) + sum(ph.path("model")) == 0 || ph.path("free_split").isEmpty()) {
                continue;
            }
            boolean known = true;
            long[] k = new long[1 + cpus];
            long[] m = new long[1 + cpus];
            for (JsonNode z : ph.path("free_split")) {
                known &= z.path("buddy_kernel").isNumber();
                k[0] += z.path("buddy_kernel").asLong();
                m[0] += z.path("buddy_model").asLong();
                for (int c = 0; c < cpus; c++) {
                    k[1 + c] += z.path("pcp_kernel").path(c).asLong();
                    m[1 + c] += z.path("pcp_model").path(c).asLong();
                }
            }
            String[] r = new String[3 + cpus];
            r[0] = ph.path("to_s").isNumber() ? String.format(Locale.ROOT, "%.3f", ph.path("to_s").asDouble()) : "end";
            r[1] = ph.path("label").asText();
            for (int i = 0; i <= cpus; i++) {
                r[2 + i] = (known ? Long.toString(k[i]) : "n/a") + "/" + m[i];
            }
            t.add(r);
        }
        if (t.size() > 1) {
            b.append("  free pages at those phases' ends, kernel/model (all zones; buddy lists, then pcp->count "
                    + "per CPU):\n");
            table(b, t, "    ");
        }
    }

    /**
     * The proactive checks that ran a pass, the kernel's and the model's, each with fragmentation_score_node() of
     * both sides at its instant (the kernel's from the observed replay) against fragmentation_score_wmark(false).
     */
    static void proactiveChecks(StringBuilder b, JsonNode pc) {
        if (pc.path("kernel").isEmpty() && pc.path("model").isEmpty()) {
            return;
        }
        b.append("  proactive checks that ran a pass (fragmentation_score_node() at the instant, kernel/model, "
                + "against wmark high):\n");
        List<String[]> t = new ArrayList<>();
        t.add(new String[] {"side", "at_s", "score", "wmark high", "passes (zone status, end_s, migrated)"});
        for (String side : new String[] {"kernel", "model"}) {
            for (JsonNode k : pc.path(side)) {
                List<String> ps = new ArrayList<>();
                for (JsonNode r : k.path("passes")) {
                    ps.add(String.format(Locale.ROOT, "%s %s %.3f %d", r.path("zone").asText(),
                            r.path("status").asText(), r.path("end_s").asDouble(), r.path("migrated").asLong()));
                }
                String ks = k.path("kernel_score").isNumber() ? k.path("kernel_score").asText() : "n/a";
                String passes = String.join(", ", ps);
                JsonNode near = k.path("model_nearest_check");
                if (near.isObject()) {
                    passes += String.format(Locale.ROOT, " (the model's nearest check: %.3f, score %d)",
                            near.path("at_s").asDouble(), near.path("score").asLong());
                }
                t.add(new String[] {side, String.format(Locale.ROOT, "%.3f", k.path("at_s").asDouble()),
                        ks + "/" + k.path("model_score").asText(), k.path("wmark_high").asText(), passes});
            }
        }
        table(b, t, "    ");
    }

    /**
     * What the model makes of a workload's sysctl write. nr_hugepages is no model knob: growing or shrinking the
     * hugetlb pool is alloc_pool_huge_page()'s order-9 allocations and the frees of its pages, which are in the
     * trace's request stream like every other mm_page_alloc and mm_page_free, and the simulator serves them.
     */
    static String writeEffect(JsonNode w) {
        if (w.path("applied_by_model").asBoolean()) {
            return "applied by the model";
        }
        if (w.path("file").asText().endsWith("/nr_hugepages")) {
            return "the pool's allocations and frees come from the trace";
        }
        return "NOT applied by the model";
    }

    /** A phase row's activity (JSON "phases"[].kernel or .model): attempts, failures, wakes and migrations. */
    public static long sum(JsonNode t) {
        return t.path("attempts").asLong() + failures(t) + t.path("kswapd_wakes").asLong()
                + t.path("kcompactd_wakes").asLong() + t.path("migrated").asLong();
    }

    /** A phase row's allocation failures, all orders. */
    public static long failures(JsonNode t) {
        long s = 0;
        for (JsonNode v : t.path("failures_by_order")) {
            s += v.asLong();
        }
        return s;
    }

    static String pair(JsonNode k, JsonNode m, String key) {
        return k.path(key).asLong() + "/" + m.path(key).asLong();
    }

    /** Left-aligned columns, numbers right-aligned. */
    static void table(StringBuilder b, List<String[]> rows, String indent) {
        int cols = rows.get(0).length;
        int[] w = new int[cols];
        for (String[] r : rows) {
            for (int i = 0; i < cols; i++) {
                w[i] = Math.max(w[i], r[i].length());
            }
        }
        for (String[] r : rows) {
            StringBuilder line = new StringBuilder(indent);
            for (int i = 0; i < cols; i++) {
                boolean right = i > 0 && !r[i].isEmpty() && (Character.isDigit(r[i].charAt(0))
                        || r[i].charAt(0) == '+' || r[i].charAt(0) == '-' || r[i].startsWith("n/a"));
                line.append(right ? pad(r[i], w[i], true) : pad(r[i], w[i], false));
                if (i < cols - 1) {
                    line.append("  ");
                }
            }
            b.append(line.toString().stripTrailing()).append('\n');
        }
    }

    static String pad(String s, int w, boolean right) {
        if (s.length() >= w) {
            return s;
        }
        String sp = " ".repeat(w - s.length());
        return right ? sp + s : s + sp;
    }
}
