package io.fragtrace.report.output;

import io.fragtrace.replay.compaction.CompactionRun;
import io.fragtrace.replay.compaction.Interval;
import io.fragtrace.replay.metrics.RegionSampler;
import io.fragtrace.replay.metrics.ZoneSample;
import io.fragtrace.replay.model.FragMetrics;
import io.fragtrace.replay.model.Migratetypes;

import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;

import java.io.IOException;
import java.io.Writer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The CSV files of a replay output folder (docs/replay-output.md), with Commons CSV. */
public final class ReplayCsv {
    private ReplayCsv() {
    }

    /**
     * Migratetype names in kernel enum order for a kernel with {@code count} types: unmovable, movable,
     * reclaimable, highatomic, then cma when CONFIG_CMA (6 types), then isolate.
     */
    public static List<String> migratetypeNames(int count) {
        return Migratetypes.lowerCase(count >= 6 ? Migratetypes.WITH_CMA : Migratetypes.MODEL.subList(0, count));
    }

    /** Trace-clock seconds with 6 decimals, as ftrace prints them. */
    public static String seconds(long ns) {
        return String.format(Locale.ROOT, "%d.%06d", ns / 1_000_000_000L, (ns % 1_000_000_000L) / 1000);
    }

    /** The kernel's %d.%03d of a thousandths index (mm/vmstat.c extfrag_show_print / unusable_show_print). */
    public static String index3(int v) {
        return FragMetrics.format3(v);
    }

    /**
     * timeseries.csv. {@code migratetypeNames} names the migratetypes the kernel has, in enum order (no cma on the
     * sample kernels: unmovable, movable, reclaimable, highatomic, isolate).
     */
    public static void timeseries(Writer out, List<ZoneSample> samples, int nrOrders, List<String> migratetypeNames)
            throws IOException {
        List<String> header = new ArrayList<>(List.of("time_s", "marker", "node", "zone", "free_pages", "pcp_pages"));
        for (int o = 0; o < nrOrders; o++) {
            header.add("nr_free_" + o);
        }
        for (String mt : migratetypeNames) {
            header.add("free_" + mt);
        }
        for (int o = 0; o < nrOrders; o++) {
            header.add("frag_index_" + o);
        }
        for (int o = 0; o < nrOrders; o++) {
            header.add("unusable_index_" + o);
        }
        header.add("frag_score");
        for (String mt : migratetypeNames) {
            header.add("pageblocks_" + mt);
        }
        header.add("mixed_pageblocks");
        header.add("free_regions");
        header.addAll(List.of("reported_pages", "reported_total", "reported_reallocated", "reportable_free",
                "min_headroom"));
        try (CSVPrinter p = new CSVPrinter(out, CSVFormat.DEFAULT.builder().setHeader(header.toArray(String[]::new))
                .build())) {
            List<Object> row = new ArrayList<>(header.size());
            for (ZoneSample s : samples) {
                row.clear();
                row.add(seconds(s.timeNs()));
                row.add(s.marker() == null ? "" : s.marker());
                row.add(s.node());
                row.add(s.zone());
                row.add(s.freePages());
                row.add(s.pcpPages());
                for (int o = 0; o < nrOrders; o++) {
                    row.add(s.nrFree()[o]);
                }
                for (int mt = 0; mt < migratetypeNames.size(); mt++) {
                    row.add(s.freeByMigratetype()[mt]);
                }
                for (int o = 0; o < nrOrders; o++) {
                    row.add(index3(s.fragIndex()[o]));
                }
                for (int o = 0; o < nrOrders; o++) {
                    row.add(index3(s.unusableIndex()[o]));
                }
                row.add(s.fragScore());
                for (int mt = 0; mt < migratetypeNames.size(); mt++) {
                    row.add(s.pageblocksByMigratetype()[mt]);
                }
                row.add(s.mixedPageblocks() < 0 ? "" : s.mixedPageblocks());
                row.add(s.freeRegions() < 0 ? "" : s.freeRegions());
                row.add(s.reportedPages() < 0 ? "" : s.reportedPages());
                row.add(s.reportedTotal() < 0 ? "" : s.reportedTotal());
                row.add(s.reportedReallocated() < 0 ? "" : s.reportedReallocated());
                row.add(s.reportableFree() < 0 ? "" : s.reportableFree());
                row.add(s.minHeadroom() == Long.MIN_VALUE ? "" : s.minHeadroom());
                p.printRecord(row);
            }
        }
    }

    /** compaction.csv: one row per compact_zone() pass. */
    public static void compaction(Writer out, List<CompactionRun> runs) throws IOException {
        try (CSVPrinter p = new CSVPrinter(out, CSVFormat.DEFAULT.builder().setHeader("begin_s", "end_s",
                "duration_ms", "context", "pid", "comm", "cpu", "order", "node", "zone", "mode", "status",
                "migrate_scanned", "migrate_isolated", "free_scanned", "free_isolated", "fast_free_scanned",
                "fast_free_isolated", "migrated", "migrate_failed", "finished_checks", "frag_index_at_begin").build())) {
            for (CompactionRun r : runs) {
                p.printRecord(seconds(r.beginNs()), seconds(r.endNs()),
                        String.format(Locale.ROOT, "%.3f", r.durationNs() / 1e6), r.context(), r.pid(), r.comm(),
                        r.cpu(), r.order(), r.nid() < 0 ? "" : r.nid(), r.zone(), r.mode(), r.status(),
                        r.migrateScanned(), r.migrateIsolated(), r.freeScanned(), r.freeIsolated(),
                        r.fastFreeScanned(), r.fastFreeIsolated(), r.migrated(), r.migrateFailed(),
                        r.finishedChecks(), r.fragIndexAtBegin() == Integer.MIN_VALUE ? "" : index3(r.fragIndexAtBegin()));
            }
        }
    }

    /** daemons.csv: kswapd and kcompactd wake-to-sleep intervals. */
    public static void daemons(Writer out, List<Interval> kswapd, List<Interval> kcompactd) throws IOException {
        try (CSVPrinter p = new CSVPrinter(out, CSVFormat.DEFAULT.builder()
                .setHeader("daemon", "node", "begin_s", "end_s", "order").build())) {
            for (Interval i : kswapd) {
                p.printRecord("kswapd", i.nid(), seconds(i.beginNs()), i.endNs() < 0 ? "" : seconds(i.endNs()), i.order());
            }
            for (Interval i : kcompactd) {
                p.printRecord("kcompactd", i.nid(), seconds(i.beginNs()), i.endNs() < 0 ? "" : seconds(i.endNs()),
                        i.order());
            }
        }
    }

    /** regions.csv: pages in use per memory region at each sample instant. */
    public static void regions(Writer out, List<Long> timesNs, List<long[]> used, RegionSampler rs) throws IOException {
        try (CSVPrinter p = new CSVPrinter(out, CSVFormat.DEFAULT.builder()
                .setHeader("time_s", "node", "region", "start_pfn", "present_pages", "used_pages").build())) {
            for (int i = 0; i < timesNs.size(); i++) {
                long[] u = used.get(i);
                for (int r = 0; r < u.length; r++) {
                    if (rs.present(r) > 0) {
                        p.printRecord(seconds(timesNs.get(i)), rs.node(r), r, rs.startPfn(r), rs.present(r), u[r]);
                    }
                }
            }
        }
    }

    /** A trace marker (tracing_mark_write). */
    public record Marker(long timeNs, String text) {
    }

    /** markers.csv. */
    public static void markers(Writer out, List<Marker> markers) throws IOException {
        try (CSVPrinter p = new CSVPrinter(out, CSVFormat.DEFAULT.builder().setHeader("time_s", "text").build())) {
            for (Marker m : markers) {
                p.printRecord(seconds(m.timeNs()), m.text());
            }
        }
    }
}
