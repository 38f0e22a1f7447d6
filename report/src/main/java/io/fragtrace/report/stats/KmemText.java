package io.fragtrace.report.stats;

import java.util.List;

/** The {@code perf kmem --page stat} sections and the extfrag pollution table of {@code fragtrace stats}. */
final class KmemText {
    private static final String I = "  ";

    private KmemText() {
    }

    static void render(StringBuilder o, TraceStats s, KmemSort sort, boolean live) {
        KmemPageStat k = s.kmem();
        section(o, "Page allocator summary (perf kmem --page stat; KB of 4 KiB pages)");
        TextTable t = new TextTable("", "REQUESTS", "KB");
        row(t, "total allocation requests", k.allocationRequests());
        row(t, "total free requests (mm_page_free)", k.freeRequests());
        row(t, "  alloc+freed (freed pfn was allocated in the trace)", k.allocFreed());
        row(t, "  alloc-only (allocation requests - alloc+freed)", k.allocOnly());
        row(t, "  free-only (freed pfn not allocated in the trace)", k.freeOnly());
        row(t, "total allocation failures", k.failures());
        t.render(o, I);
        o.append(I).append("a free is matched to a live allocation by pfn; a failed allocation is also an allocation request\n");
        if (s.freesBatchedOnly() > 0) {
            o.append(I).append(s.freesBatchedOnly())
                    .append(" frees seen only as mm_page_free_batched are not counted here (perf kmem does not read that event)\n");
        }
        if (k.invalidOrder() > 0) {
            o.append(I).append(k.invalidOrder()).append(" events with an order outside 0..")
                    .append(StatsCollector.MAX_ORDER_TRACKED).append(" left out\n");
        }
        if (!k.complete()) {
            o.append(I).append("(partial: more than ").append(KmemPageStat.MAX_LIVE)
                    .append(" allocations live at once; later ones were not matched)\n");
        }

        section(o, live ? "Allocation requests still live at the end by order and migratetype (--live)"
                : "Allocation requests by order and migratetype");
        int maxMt = s.maxMigratetype();
        String[] head = new String[maxMt + 2];
        head[0] = "ORDER";
        for (int m = 0; m <= maxMt; m++) {
            head[m + 1] = StatsText.mtLabel(m);
        }
        TextTable x = new TextTable(head).right(0);
        for (int ord = 0; ord <= s.maxOrder(); ord++) {
            Object[] cells = new Object[maxMt + 2];
            cells[0] = ord;
            for (int m = 0; m <= maxMt; m++) {
                long v = k.orderMigratetype(ord, m, live);
                cells[m + 1] = v == 0 ? "." : v;
            }
            x.row(cells);
        }
        x.render(o, I);
        o.append(I).append("perf kmem heads migratetypes 1 and 2 \"Reclaimable\" and \"Movable\" (its table predates Linux 4.4);\n")
                .append(I).append("the kernel's own numbers and names are used here\n");

        List<KmemPageStat.Row> rows = k.rows(sort, live);
        section(o, (live ? "Live allocations" : "Allocations") + " by order, migratetype and gfp flags ("
                + rows.size() + " rows, sorted by " + sort + ")");
        if (rows.isEmpty()) {
            o.append(I).append(live ? "no allocation is live at the end\n" : "no allocation\n");
        } else {
            TextTable r = new TextTable(live ? "LIVE KB" : "TOTAL KB", "HITS", "ORDER", "MIGRATETYPE", "GFP FLAGS")
                    .right(0).left(3).left(4);
            for (KmemPageStat.Row row : rows) {
                r.row(KmemPageStat.kb(row.pages()), row.requests(), row.order(), StatsText.mtLabel(row.migratetypeSlot()),
                        row.gfpCompact());
            }
            r.render(o, I);
        }
        o.append(I).append("no callsite column: callers need stack traces, which a tracepoint trace does not carry\n");

        section(o, "GFP flags legend (perf kmem's abbreviations)");
        TextTable g = new TextTable("SHORT", "GFP FLAGS").left(1);
        for (KmemPageStat.LegendEntry e : k.legend()) {
            g.row(e.compact(), e.flags());
        }
        if (g.isEmpty()) {
            o.append(I).append("no gfp flags\n");
        } else {
            g.render(o, I);
        }
    }

    static void pollution(StringBuilder o, TraceStats s, int top) {
        ExtfragPollution p = s.extfragPollution();
        section(o, "Who polluted movable pageblocks (unmovable or reclaimable allocations served from a movable block)");
        if (p.total() == 0) {
            o.append(I).append("none: no fallback took unmovable or reclaimable pages from a movable pageblock\n");
            return;
        }
        o.append(I).append("polluting fallbacks: ").append(p.total()).append('\n');
        TextTable t = new TextTable("TASK", "PID", "FALLBACKS").left(1);
        List<ExtfragPollution.Task> tasks = p.byTask();
        for (ExtfragPollution.Task x : tasks.subList(0, Math.min(top, tasks.size()))) {
            t.row(x.comm(), x.pid(), x.count());
        }
        if (!t.isEmpty()) {
            o.append('\n');
            t.render(o, I);
        }
        if (!p.byTaskExact()) {
            o.append(I).append("(more than ").append(ExtfragPollution.MAX_TASKS)
                    .append(" tasks: counts are upper bounds, Space-Saving)\n");
        }
        List<ExtfragPollution.Event> ev = p.events();
        int n = Math.min(top, ev.size());
        if (n > 0) {
            o.append('\n').append(I).append("first ").append(n).append(" of ").append(p.total()).append(":\n");
            TextTable e = new TextTable("TIME", "LINE", "TASK", "PID", "ORDER", "ALLOC -> FALLBACK", "FRAGMENTING",
                    "OWNERSHIP CHANGED", "GFP FLAGS OF THE ALLOCATION").left(2).left(5).left(6).left(7).left(8);
            for (ExtfragPollution.Event x : ev.subList(0, n)) {
                e.row(x.hasTime() ? StatsText.seconds(x.timeNs()) : "", x.line(), x.comm(), x.pid(), x.order(),
                        StatsText.mtLabel(x.allocSlot()) + " -> " + StatsText.mtLabel(x.fallbackSlot()),
                        x.fragmenting() ? "yes" : "no", x.changeOwnership() ? "yes" : "no",
                        x.gfp() == null ? "(not found)" : x.gfp());
            }
            e.render(o, I);
        }
    }

    private static void row(TextTable t, String name, TraceStats.Count c) {
        t.row(name, c.requests(), KmemPageStat.kb(c.pages()));
    }

    private static void section(StringBuilder o, String title) {
        o.append('\n').append(title).append('\n');
    }
}
