package io.fragtrace.report.stats;

import io.fragtrace.parser.CompactStatus;
import io.fragtrace.parser.MigrateReason;
import io.fragtrace.parser.ParseReport;

import java.util.Map;

/** Renders {@link TraceStats} as the column-aligned tables that {@code fragtrace stats} prints. */
public final class StatsText {
    private static final String I = "  ";

    private StatsText() {
    }

    public static String render(TraceStats s, int top) {
        return render(s, top, KmemSort.DEFAULT, false);
    }

    /** With perf kmem's row order {@code sort}; {@code live}: the perf kmem --live form of its tables. */
    public static String render(TraceStats s, int top, KmemSort sort, boolean live) {
        StringBuilder o = new StringBuilder();
        ParseReport r = s.report();
        o.append("fragtrace stats: ").append(r.input()).append('\n');
        if (r.truncation() != null) {
            o.append("WARNING: ").append(r.truncation()).append("; the numbers below cover the lines before it\n");
        }

        section(o, "Input");
        TextTable in = new TextTable("ITEM", "VALUE").left(1);
        in.row("bytes (decompressed)", r.bytes());
        in.row("bytes read from file", r.rawBytes());
        in.row("lines", r.lines());
        in.row("  event lines", r.eventLines());
        in.row("  header lines", r.headerLines());
        in.row("  blank lines", r.blankLines());
        in.row("  stack/callchain lines", r.continuationLines());
        in.row("  bad lines", r.badLines());
        in.row("lost events", r.lostEvents() + (r.hasEntriesHeader()
                ? " (header entries-in-buffer/entries-written: " + r.entriesInBuffer() + "/" + r.entriesWritten() + ")"
                : " (no entries header)"));
        in.row("time span", span(r));
        in.render(o, I);

        if (r.badLines() > 0) {
            section(o, "Bad lines by reason");
            TextTable bad = new TextTable("REASON", "LINES");
            r.malformed().entrySet().stream()
                    .sorted(Map.Entry.<String, Long>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
                    .forEach(e -> bad.row(e.getKey(), e.getValue()));
            bad.render(o, I);
            o.append('\n').append(I).append("first ").append(r.examples().size()).append(" bad lines (file:line):\n");
            for (ParseReport.Problem p : r.examples()) {
                o.append(I).append(I).append(p).append('\n');
            }
        }

        section(o, "Events by name");
        TextTable ev = new TextTable("EVENT", "COUNT", "").left(2);
        for (Map.Entry<String, Long> e : s.eventsByName().entrySet()) {
            ev.row(e.getKey(), e.getValue(), r.unknownEvents().containsKey(e.getKey()) ? "(not a known event)" : "");
        }
        ev.row("total", s.events());
        ev.render(o, I);

        section(o, "Page allocations, failures and frees by order");
        TextTable ord = new TextTable("ORDER", "ALLOC REQS", "ALLOC PAGES", "FAILED", "FREE REQS", "FREE PAGES");
        for (int k = 0; k <= s.maxOrder(); k++) {
            ord.row(k, s.allocations(k).requests(), s.allocations(k).pages(), s.failures(k), s.frees(k).requests(),
                    s.frees(k).pages());
        }
        if (s.allocationsInvalidOrder() + s.failuresInvalidOrder() + s.freesInvalidOrder() > 0) {
            ord.row("invalid", s.allocationsInvalidOrder(), "", s.failuresInvalidOrder(), s.freesInvalidOrder(), "");
        }
        ord.row("total", s.allocations().requests(), s.allocations().pages(), s.failures(), s.frees().requests(),
                s.frees().pages());
        ord.render(o, I);
        o.append(I).append("frees are counted once: ").append(s.freesBatched())
                .append(" of them were batched (mm_page_free_batched); ").append(s.freesBatchedAlsoFree())
                .append(" of those also had an mm_page_free, ").append(s.freesBatchedOnly()).append(" had only the batched event\n");
        o.append(I).append("a failed allocation (page=(null) / pfn=0) is not an allocation\n");

        section(o, "Page allocations by migratetype");
        TextTable mt = new TextTable("MIGRATETYPE", "REQUESTS", "PAGES");
        for (int k = 0; k <= s.maxMigratetype(); k++) {
            mt.row(mtLabel(k), s.allocationsByMigratetype(k).requests(), s.allocationsByMigratetype(k).pages());
        }
        mt.row("total", s.allocations().requests(), s.allocations().pages());
        mt.render(o, I);

        TraceStats.Top g = s.byGfp(top);
        section(o, "Page allocations by gfp flags (top " + g.rows().size() + " of " + g.distinct() + ")");
        TextTable gt = new TextTable("GFP_FLAGS", "REQUESTS", "PAGES", "FAILED");
        for (TraceStats.Row x : g.rows()) {
            gt.row(x.name(), x.allocRequests(), x.allocPages(), x.failures());
        }
        if (g.distinct() > g.rows().size()) {
            gt.row(g.rest().name(), g.rest().allocRequests(), g.rest().allocPages(), g.rest().failures());
        }
        gt.render(o, I);

        TraceStats.Top p = s.byProcess(top);
        section(o, "Page allocations and frees by process (top " + p.rows().size() + " of " + p.distinct() + ")");
        TextTable pt = new TextTable("TASK", "ALLOC REQS", "ALLOC PAGES", "FREE REQS", "FREE PAGES", "FAILED");
        for (TraceStats.Row x : p.rows()) {
            pt.row(x.name(), x.allocRequests(), x.allocPages(), x.freeRequests(), x.freePages(), x.failures());
        }
        if (p.distinct() > p.rows().size()) {
            TraceStats.Row x = p.rest();
            pt.row(x.name(), x.allocRequests(), x.allocPages(), x.freeRequests(), x.freePages(), x.failures());
        }
        pt.render(o, I);

        KmemText.render(o, s, sort, live);

        section(o, "Per-CPU page lists");
        TextTable pcp = new TextTable("", "EVENTS", "PAGES");
        pcp.row("refills (mm_page_alloc_zone_locked percpu_refill=1)", s.pcpRefills().requests(), s.pcpRefills().pages());
        pcp.row("all mm_page_alloc_zone_locked (buddy removals)", s.zoneLocked().requests(), s.zoneLocked().pages());
        pcp.row("drains (mm_page_pcpu_drain)", s.pcpDrains().requests(), s.pcpDrains().pages());
        if (s.pcpRefillEvents().requests() > 0) {
            pcp.row("mm_page_pcpu_refill", s.pcpRefillEvents().requests(), s.pcpRefillEvents().pages());
        }
        pcp.render(o, I);

        section(o, "External fragmentation: fallbacks (mm_page_alloc_extfrag)");
        TextTable xf = new TextTable("", "EVENTS");
        xf.row("fallbacks", s.extfragFallbacks());
        xf.row("  fragmenting (fallback_order < pageblock_order)", s.extfragFragmenting());
        xf.row("    severe (fallback_order <= 3)", s.extfragSevere());
        xf.row("    moderate (fallback_order > 3)", s.extfragModerate());
        xf.row("  pageblock ownership changed", s.extfragChangeOwnership());
        xf.render(o, I);
        if (s.pageblockOrder() >= 0) {
            o.append(I).append("pageblock_order ").append(s.pageblockOrder()).append('\n');
        }
        if (s.extfragFallbacks() > 0) {
            o.append('\n');
            TextTable m = new TextTable("ALLOC MIGRATETYPE", "FALLBACK MIGRATETYPE", "FALLBACKS", "FRAGMENTING").left(1);
            for (int a = 0; a <= s.maxMigratetype(); a++) {
                for (int f = 0; f <= s.maxMigratetype(); f++) {
                    if (s.extfrag(a, f) > 0) {
                        m.row(mtLabel(a), mtLabel(f), s.extfrag(a, f), s.extfragFragmenting(a, f));
                    }
                }
            }
            m.render(o, I);
        }
        KmemText.pollution(o, s, top);

        section(o, "Compaction");
        TextTable ce = new TextTable("EVENT", "COUNT");
        for (Map.Entry<String, Long> e : s.compactionEvents().entrySet()) {
            if (e.getValue() > 0) {
                ce.row(e.getKey(), e.getValue());
            }
        }
        if (ce.isEmpty()) {
            o.append(I).append("no compaction or migration events\n");
        } else {
            ce.render(o, I);
            o.append('\n');
            TextTable st = new TextTable("STATUS", "END status=", "FINISHED ret=", "SUITABLE ret=");
            for (CompactStatus c : CompactStatus.values()) {
                if (s.endStatus(c) + s.finishedRet(c) + s.suitableRet(c) > 0) {
                    st.row(c.kernelName(), s.endStatus(c), s.finishedRet(c), s.suitableRet(c));
                }
            }
            if (!st.isEmpty()) {
                st.render(o, I);
                o.append('\n');
            }
            TextTable sc = new TextTable("", "EVENTS", "SCANNED", "TAKEN");
            long[] im = s.isolateMigratepages();
            long[] ifr = s.isolateFreepages();
            long[] ff = s.fastIsolateFreepages();
            sc.row("isolate_migratepages", im[0], im[1], im[2]);
            sc.row("isolate_freepages", ifr[0], ifr[1], ifr[2]);
            if (ff[0] > 0) {
                sc.row("fast_isolate_freepages", ff[0], ff[1], ff[2]);
            }
            sc.render(o, I);
            o.append('\n');
            TextTable mg = new TextTable("", "EVENTS", "MIGRATED", "FAILED");
            long[] cm = s.compactionMigratepages();
            mg.row("mm_compaction_migratepages", cm[0], cm[1], cm[2]);
            for (MigrateReason reason : MigrateReason.values()) {
                long[] v = s.migratePages(reason);
                if (v[0] > 0) {
                    mg.row("mm_migrate_pages reason=" + reason.name().toLowerCase(java.util.Locale.ROOT), v[0], v[1], v[2]);
                }
            }
            mg.render(o, I);
            o.append(I).append("compaction runs started: ").append(s.beginSync()).append(" sync, ")
                    .append(s.beginAsync()).append(" async\n");
            StringBuilder tt = new StringBuilder();
            for (int k = 0; k < StatsCollector.ORDERS; k++) {
                if (s.tryToCompact(k) > 0) {
                    tt.append(tt.length() == 0 ? "" : ", ").append("order ").append(k).append(": ").append(s.tryToCompact(k));
                }
            }
            if (tt.length() > 0) {
                o.append(I).append("direct compaction (try_to_compact_pages) by order: ").append(tt).append('\n');
            }
        }

        section(o, "Pages still allocated at the end (of those allocated in the trace)");
        TextTable lv = new TextTable("", "PAGES");
        lv.row("allocated in the trace", s.pagesAllocated());
        lv.row("  freed later in the trace", s.pagesFreedAfterAlloc());
        lv.row("  allocated again with no traced free in between", s.pagesReallocatedWithoutFree());
        lv.row("  still allocated at the end", s.pagesStillAllocated());
        lv.row("freed but not allocated in the trace", s.pagesFreedNotAllocated());
        lv.render(o, I);
        if (!s.pageTrackingComplete()) {
            o.append(I).append("(partial: pfns span more than 1 TiB, page tracking stopped)\n");
        }
        return o.toString();
    }

    static String mtLabel(int slot) {
        int n = TraceStats.migratetypeNumber(slot);
        return n < 0 ? "other" : n + " " + TraceStats.migratetypeName(slot);
    }

    private static void section(StringBuilder o, String title) {
        o.append('\n').append(title).append('\n');
    }

    static String span(ParseReport r) {
        if (r.firstTimestampNs() == Long.MIN_VALUE) {
            return "no timestamps";
        }
        long d = r.lastTimestampNs() - r.firstTimestampNs();
        if (r.counterClock()) {
            return r.firstTimestampNs() + " .. " + r.lastTimestampNs() + " = " + d + " ticks (counter clock, units unknown)";
        }
        return seconds(r.firstTimestampNs()) + " .. " + seconds(r.lastTimestampNs()) + " = " + seconds(d) + " s";
    }

    static String seconds(long ns) {
        String sign = ns < 0 ? "-" : "";
        long a = Math.abs(ns);
        if (a % 1000 == 0) {
            return String.format(java.util.Locale.ROOT, "%s%d.%06d", sign, a / 1_000_000_000L, (a % 1_000_000_000L) / 1000);
        }
        return String.format(java.util.Locale.ROOT, "%s%d.%09d", sign, a / 1_000_000_000L, a % 1_000_000_000L);
    }
}
