package io.fragtrace.report.stats;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** The {@code kmem} object and the extfrag pollution and over-time keys of stats.json (docs/stats-json.md). */
final class KmemJson {
    private KmemJson() {
    }

    static void kmem(ObjectNode root, TraceStats s, KmemSort sort) {
        KmemPageStat k = s.kmem();
        ObjectNode n = root.putObject("kmem");
        count(n.putObject("allocation_requests"), k.allocationRequests());
        count(n.putObject("free_requests"), k.freeRequests());
        count(n.putObject("alloc_freed"), k.allocFreed());
        count(n.putObject("alloc_only"), k.allocOnly());
        count(n.putObject("free_only"), k.freeOnly());
        count(n.putObject("allocation_failures"), k.failures());
        n.put("invalid_order", k.invalidOrder());
        n.put("complete", k.complete());
        ArrayNode keys = n.putArray("sort");
        sort.keys().forEach(x -> keys.add(x.perfName()));
        tables(n, s, sort, false);
        tables(n.putObject("live"), s, sort, true);
        ArrayNode legend = n.putArray("gfp_legend");
        for (KmemPageStat.LegendEntry e : k.legend()) {
            legend.addObject().put("short", e.compact()).put("gfp_flags", e.flags());
        }
    }

    private static void tables(ObjectNode n, TraceStats s, KmemSort sort, boolean live) {
        KmemPageStat k = s.kmem();
        ArrayNode cells = n.putArray("by_order_migratetype");
        for (int o = 0; o <= s.maxOrder(); o++) {
            for (int m = 0; m <= s.maxMigratetype(); m++) {
                long v = k.orderMigratetype(o, m, live);
                if (v != 0) {
                    ObjectNode c = cells.addObject().put("order", o);
                    migratetype(c, m);
                    c.put("requests", v).put("pages", v << o).put("kb", KmemPageStat.kb(v << o));
                }
            }
        }
        ArrayNode rows = n.putArray("rows");
        for (KmemPageStat.Row r : k.rows(sort, live)) {
            ObjectNode x = rows.addObject().put("order", r.order());
            migratetype(x, r.migratetypeSlot());
            x.put("gfp_flags", r.gfpFlags()).put("gfp_short", r.gfpCompact())
                    .put("requests", r.requests()).put("pages", r.pages()).put("kb", KmemPageStat.kb(r.pages()));
        }
    }

    static void extfrag(ObjectNode xf, TraceStats s) {
        ExtfragTimeline t = s.extfragOverTime();
        xf.put("over_time_bucket_s", t.widthNs() / 1e9);
        ArrayNode ot = xf.putArray("over_time");
        for (int i = 0; i < t.buckets(); i++) {
            ot.addObject().put("t", t.startNs(i) / 1e9).put("fallbacks", t.fallbacks(i))
                    .put("fragmenting", t.fragmenting(i)).put("change_ownership", t.changeOwnership(i));
        }
        ExtfragPollution p = s.extfragPollution();
        xf.put("pollution_total", p.total());
        ArrayNode ev = xf.putArray("pollution");
        for (ExtfragPollution.Event e : p.events()) {
            ObjectNode x = ev.addObject();
            if (e.hasTime()) {
                x.put("time", e.timeNs() / 1e9);
            } else {
                x.putNull("time");
            }
            x.put("line", e.line()).put("comm", e.comm()).put("pid", e.pid()).put("gfp", e.gfp())
                    .put("order", e.order())
                    .put("alloc_migratetype_name", TraceStats.migratetypeName(e.allocSlot()))
                    .put("fallback_migratetype_name", TraceStats.migratetypeName(e.fallbackSlot()))
                    .put("fragmenting", e.fragmenting()).put("change_ownership", e.changeOwnership());
        }
        ArrayNode bt = xf.putArray("pollution_by_task");
        for (ExtfragPollution.Task x : p.byTask()) {
            bt.addObject().put("comm", x.comm()).put("pid", x.pid()).put("count", x.count());
        }
        xf.put("pollution_by_task_exact", p.byTaskExact());
    }

    private static void count(ObjectNode n, TraceStats.Count c) {
        n.put("requests", c.requests()).put("pages", c.pages()).put("kb", KmemPageStat.kb(c.pages()));
    }

    private static void migratetype(ObjectNode n, int slot) {
        int num = TraceStats.migratetypeNumber(slot);
        if (num < 0) {
            n.putNull("migratetype");
        } else {
            n.put("migratetype", num);
        }
        n.put("migratetype_name", TraceStats.migratetypeName(slot));
    }
}
