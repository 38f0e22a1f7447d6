package io.fragtrace.report.html;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.HeatMapChart;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.style.Styler;
import tech.tablesaw.aggregate.AggregateFunctions;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

import java.awt.Color;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** report.html: allocations, failures and frees like perf kmem --page (from stats.json). */
final class AllocSection extends Section {
    AllocSection(Section s) {
        super(s);
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
}
