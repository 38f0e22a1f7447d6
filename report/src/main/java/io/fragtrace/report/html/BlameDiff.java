package io.fragtrace.report.html;

import com.fasterxml.jackson.databind.JsonNode;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * diff.html: the "who blocks order-9" rankings of two runs (summary.json blame.at_end) side by side. Tasks are
 * compared by comm (pids differ between runs), gfp flags and migratetypes by name; biggest change first.
 */
final class BlameDiff {
    /** Rows of the delta table. */
    static final int ROWS = 15;
    static final String[][] KINDS = {{"by_task", "task"}, {"by_gfp", "gfp flags"}, {"by_migratetype", "migratetype"}};

    private BlameDiff() {
    }

    /** Ranges not free, pinned and movable-only at the end, as compared numbers (NaN when a run has no blame). */
    static void metrics(ReplayFolder a, ReplayFolder b, List<DiffReport.Metric> out) {
        int order = a.summary().path("blame").path("order").asInt(a.thpOrder());
        for (String[] k : new String[][] {{"not_free", "not free"}, {"pinned", "pinned by unmovable pages"},
            {"movable_only", "movable only (compaction should have succeeded)"}}) {
            out.add(new DiffReport.Metric("order-" + order + " ranges " + k[1] + " at end", total(a, k[0]),
                    total(b, k[0])));
        }
    }

    private static double total(ReplayFolder f, String key) {
        JsonNode v = f.summary().path("blame").path("at_end").path("total").path(key);
        return v.isNumber() ? v.asDouble() : Double.NaN;
    }

    /** The delta table of the culprits (diff_blame.csv) and its section. */
    static void section(ReplayFolder a, ReplayFolder b, Page page, Map<String, byte[]> files) {
        JsonNode ba = a.summary().path("blame").path("at_end");
        JsonNode bb = b.summary().path("blame").path("at_end");
        int order = a.summary().path("blame").path("order").asInt(a.thpOrder());
        page.h2("blame", "Who blocks order-" + order + ": A vs B");
        if (ba.isMissingNode() || bb.isMissingNode()) {
            page.empty("A run has no blame data in its summary.json (an older Fragtrace, or page owners did not fit"
                    + " the heap).");
            return;
        }
        Table t = Table.create("diff_blame", StringColumn.create("kind"), StringColumn.create("culprit"),
                DoubleColumn.create("ranges_a"), DoubleColumn.create("ranges_b"), DoubleColumn.create("delta"),
                DoubleColumn.create("pinned_a"), DoubleColumn.create("pinned_b"));
        List<Object[]> rows = new ArrayList<>();
        for (String[] k : KINDS) {
            Map<String, double[]> m = new LinkedHashMap<>();
            add(m, ba.path(k[0]).path("top"), 0, k[0].equals("by_task"));
            add(m, bb.path(k[0]).path("top"), 1, k[0].equals("by_task"));
            m.forEach((name, v) -> rows.add(new Object[] {k[1], name, v}));
        }
        rows.sort((x, y) -> {
            double[] vx = (double[]) x[2];
            double[] vy = (double[]) y[2];
            int c = Double.compare(Math.abs(vy[1] - vy[0]), Math.abs(vx[1] - vx[0]));
            return c != 0 ? c : Double.compare(Math.max(vy[0], vy[1]), Math.max(vx[0], vx[1]));
        });
        for (Object[] r : rows) {
            double[] v = (double[]) r[2];
            t.stringColumn(0).append((String) r[0]);
            t.stringColumn(1).append((String) r[1]);
            t.doubleColumn(2).append(v[0]);
            t.doubleColumn(3).append(v[1]);
            t.doubleColumn(4).append(v[1] - v[0]);
            t.doubleColumn(5).append(v[2]);
            t.doubleColumn(6).append(v[3]);
        }
        files.put("diff_blame.csv", Tables.csv(t));
        page.note("Ranges each culprit blocks at the end of each run (summary.json blame.at_end, top "
                + "culprits of each run); tasks by comm, summed over their pids. Biggest change first; every row: "
                + "diff_blame.csv.");
        page.table(t.first(ROWS));
    }

    /** Adds a run's culprits: v[side] ranges, v[2 + side] pinned. */
    private static void add(Map<String, double[]> m, JsonNode rows, int side, boolean byComm) {
        for (JsonNode c : rows) {
            String name = c.path("name").asText();
            if (byComm) {
                name = name.replaceFirst("-\\d+$", "");
            }
            double[] v = m.computeIfAbsent(name, k -> new double[4]);
            v[side] += c.path("ranges").asDouble();
            v[2 + side] += c.path("pinned").asDouble();
        }
    }
}
