package io.fragtrace.report.html;

import com.fasterxml.jackson.databind.JsonNode;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.style.Styler;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

import java.awt.Color;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * report.html: "Who blocks order-9" from summary.json's {@code blame} (see {@code fragtrace blame}): why each aligned
 * pageblock-order range is not a free block at the end of the trace, and the tasks, gfp flags and migratetypes whose
 * pages stand in the most ranges, as tables and a bar chart.
 */
final class BlameSection extends Section {
    /** Bars in the chart. */
    static final int BARS = 12;
    static final String[][] CLASSES = {{"free", "free"}, {"boot_reserved", "boot/hole"}, {"pinned", "pinned"},
        {"pcp_reserve", "pcp/reserve"}, {"unknown", "unknown"}, {"movable_only", "movable only"}};

    BlameSection(Section s) {
        super(s);
    }

    void write() {
        JsonNode b = f.summary().path("blame");
        int order = b.path("order").asInt(f.thpOrder());
        page.h2("blame", "Who blocks order-" + order);
        if (b.isMissingNode()) {
            page.empty("simulate".equals(f.summary().path("mode").asText())
                    ? "Page owners are kept in observed mode only: the simulated allocator has no trace of who asked."
                    : "This folder's summary.json has no blame data (written by an older Fragtrace).");
            return;
        }
        if (b.has("skipped")) {
            page.empty("Not computed: " + b.path("skipped").asText() + ".");
            return;
        }
        JsonNode end = b.path("at_end");
        JsonNode tot = end.path("total");
        page.raw("<p>At the end of the trace, " + num("blame.at_end.total.not_free") + " of "
                + num("blame.at_end.total.ranges") + " aligned order-" + order + " ranges (" + kib(1L << order)
                + " each) are not one free block: " + num("blame.at_end.total.pinned") + " pinned by unmovable or"
                + " reclaimable pages (no compaction can free them), " + num("blame.at_end.total.movable_only")
                + " holding only movable pages (compaction should have succeeded there), "
                + num("blame.at_end.total.pcp_reserve") + " on per-CPU lists or reserved, "
                + num("blame.at_end.total.boot_reserved") + " with memory reserved at boot, "
                + num("blame.at_end.total.unknown") + " of unknown mobility (allocated before the trace).</p>\n");
        page.note("Page owners come from the trace (mm_page_alloc: task, gfp flags, migratetype, time, line), like"
                + " the kernel's page_owner; pages allocated before the trace are known only from the start"
                + " snapshot's kpageflags. A range blocked by several culprits counts for each; 'sole': the only"
                + " one. fragtrace blame BUNDLE --order N [--time T] lists every range and its pages.");
        page.table(classTable(end));
        JsonNode tasks = end.path("by_task").path("top");
        if (tasks.size() == 0) {
            page.empty("No range is blocked by an allocated page: every order-" + order + " range is free.");
        } else {
            chart("blame_tasks", barChart(tasks, order), culpritTable("blame_tasks", tasks),
                    "who blocks order-" + order, "Ranges each task blocks at the end of the trace, by what its"
                            + " pages there are (top " + Math.min(BARS, tasks.size()) + ").");
            page.h3("By task (" + end.path("by_task").path("distinct").asLong() + " distinct)");
            page.table(culpritTable("blame_tasks", tasks));
            page.h3("By gfp flags (" + end.path("by_gfp").path("distinct").asLong() + " distinct)");
            Table gfp = culpritTable("blame_gfp", end.path("by_gfp").path("top"));
            csvOnly("blame_gfp", gfp);
            page.table(gfp);
            page.h3("By migratetype of the allocation");
            Table mt = culpritTable("blame_migratetype", end.path("by_migratetype").path("top"));
            csvOnly("blame_migratetype", mt);
            page.table(mt);
        }
        JsonNode fail = b.path("at_failures");
        long n = fail.path("instants").asLong();
        page.h3("At the failed order-" + order + " allocations");
        if (n == 0) {
            page.empty("No order-" + order + " allocation failed in the trace.");
            return;
        }
        page.raw("<p>At each of the " + num("blame.at_failures.instants") + " failed order-" + order
                + " allocations, summed: " + num("blame.at_failures.total.pinned") + " pinned ranges, "
                + num("blame.at_failures.total.movable_only") + " movable-only ranges, "
                + num("blame.at_failures.total.free") + " free.</p>\n");
        Table ft = culpritTable("blame_failures_tasks", fail.path("by_task").path("top"));
        csvOnly("blame_failures_tasks", ft);
        page.table(ft);
    }

    private static String kib(long pages) {
        long kb = pages * 4;
        return kb >= 1024 ? kb / 1024 + " MiB" : kb + " KiB";
    }

    /** Ranges by class per zone. */
    private Table classTable(JsonNode end) {
        Table t = Table.create("blame_classes", StringColumn.create("zone"), DoubleColumn.create("ranges"));
        for (String[] c : CLASSES) {
            t.addColumns(DoubleColumn.create(c[1]));
        }
        for (JsonNode z : end.path("zones")) {
            t.stringColumn(0).append("node " + z.path("node").asInt() + " " + z.path("zone").asText());
            t.doubleColumn(1).append(z.path("ranges").asDouble());
            for (int i = 0; i < CLASSES.length; i++) {
                t.doubleColumn(i + 2).append(z.path("by_class").path(CLASSES[i][0]).asDouble());
            }
        }
        csvOnly("blame_classes", t);
        return t;
    }

    private static Table culpritTable(String name, JsonNode rows) {
        Table t = Table.create(name, StringColumn.create("culprit"), DoubleColumn.create("ranges"),
                DoubleColumn.create("sole"), DoubleColumn.create("pinned"), DoubleColumn.create("movable only"),
                DoubleColumn.create("other"), DoubleColumn.create("pages"), StringColumn.create("example (lowest pfn)"));
        for (JsonNode c : rows) {
            t.stringColumn(0).append(c.path("name").asText());
            t.doubleColumn(1).append(c.path("ranges").asDouble());
            t.doubleColumn(2).append(c.path("sole").asDouble());
            t.doubleColumn(3).append(c.path("pinned").asDouble());
            t.doubleColumn(4).append(c.path("movable_only").asDouble());
            t.doubleColumn(5).append(c.path("other").asDouble());
            t.doubleColumn(6).append(c.path("pages").asDouble());
            JsonNode ex = c.path("examples").path(0);
            t.stringColumn(7).append(ex.isMissingNode() ? "" : ex.has("line")
                    ? String.format(Locale.ROOT, "%.6f s, line %d, pfn %s order %d", ex.path("time_s").asDouble(),
                    ex.path("line").asLong(), ex.path("pfn").asText(), ex.path("order").asInt())
                    : "pfn " + ex.path("pfn").asText() + ": " + ex.path("migratetype").asText());
        }
        return t;
    }

    /** Stacked bars: per task, the ranges it pins, fills with movable pages only, or blocks otherwise. */
    private static CategoryChart barChart(JsonNode tasks, int order) {
        CategoryChart c = Charts.category("Who blocks order-" + order + " at the end of the trace", "task",
                "ranges blocked");
        c.getStyler().setStacked(true);
        c.getStyler().setLegendPosition(Styler.LegendPosition.InsideNE);
        c.getStyler().setXAxisLabelRotation(30);
        c.getStyler().setSeriesColors(new Color[] {new Color(0xd6, 0x27, 0x28), new Color(0x2c, 0xa0, 0x2c),
            new Color(0x7f, 0x7f, 0x7f)});
        List<String> names = new ArrayList<>();
        List<Double> pinned = new ArrayList<>();
        List<Double> movable = new ArrayList<>();
        List<Double> other = new ArrayList<>();
        for (int i = 0; i < Math.min(BARS, tasks.size()); i++) {
            JsonNode t = tasks.get(i);
            String name = t.path("name").asText();
            names.add(name.length() > 24 ? name.substring(0, 23) + "…" : name);
            pinned.add(t.path("pinned").asDouble());
            movable.add(t.path("movable_only").asDouble());
            other.add(t.path("other").asDouble());
        }
        c.addSeries("pinned (unmovable/reclaimable pages)", names, pinned);
        c.addSeries("movable only (compaction could move them)", names, movable);
        c.addSeries("boot-reserved / unknown", names, other);
        return c;
    }
}
