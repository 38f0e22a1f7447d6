package io.fragtrace.report.output;

import io.fragtrace.parser.EventHandlers;
import io.fragtrace.parser.EventType;
import io.fragtrace.replay.compaction.CompactionRun;
import io.fragtrace.replay.compaction.Interval;
import io.fragtrace.replay.metrics.RegionSampler;
import io.fragtrace.replay.metrics.ZoneSample;
import io.fragtrace.replay.model.FragMetrics;
import io.fragtrace.replay.model.Migratetypes;

import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The CSV files of a replay output folder (docs/replay-output.md), in Commons CSV's DEFAULT format (CsvBytes). */
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

    /** timeseries.csv's columns for {@code nrOrders} orders and these migratetypes (docs/replay-output.md). */
    public static List<String> timeseriesColumns(int nrOrders, List<String> migratetypeNames) {
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
        return header;
    }

    /** compaction.csv's columns: one row per compact_zone() pass. */
    public static final List<String> COMPACTION_COLUMNS = List.of("begin_s", "end_s",
            "duration_ms", "context", "pid", "comm", "cpu", "order", "node", "zone", "mode", "status",
            "migrate_scanned", "migrate_isolated", "free_scanned", "free_isolated", "fast_free_scanned",
            "fast_free_isolated", "migrated", "migrate_failed", "finished_checks", "frag_index_at_begin");
    /** daemons.csv's columns. */
    public static final List<String> DAEMONS_COLUMNS = List.of("daemon", "node", "begin_s", "end_s", "order");
    /** regions.csv's columns. */
    public static final List<String> REGIONS_COLUMNS = List.of("time_s", "node", "region", "start_pfn",
            "present_pages", "used_pages");
    /** markers.csv's columns. */
    public static final List<String> MARKERS_COLUMNS = List.of("time_s", "text");

    /**
     * timeseries.csv. {@code migratetypeNames} names the migratetypes the kernel has, in enum order (no cma on the
     * sample kernels: unmovable, movable, reclaimable, highatomic, isolate).
     */
    public static void timeseries(OutputStream out, List<ZoneSample> samples, int nrOrders,
                                  List<String> migratetypeNames) throws IOException {
        CsvBytes c = new CsvBytes(out).record(timeseriesColumns(nrOrders, migratetypeNames).toArray(String[]::new));
        int nrMt = migratetypeNames.size();
        for (ZoneSample s : samples) {
            c.seconds(s.timeNs()).text(s.marker() == null ? "" : s.marker()).num(s.node()).text(s.zone())
                    .num(s.freePages()).num(s.pcpPages());
            long[] nrFree = s.nrFree();
            for (int o = 0; o < nrOrders; o++) {
                c.num(nrFree[o]);
            }
            long[] byMt = s.freeByMigratetype();
            for (int mt = 0; mt < nrMt; mt++) {
                c.num(byMt[mt]);
            }
            int[] frag = s.fragIndex();
            for (int o = 0; o < nrOrders; o++) {
                c.index3(frag[o]);
            }
            int[] unusable = s.unusableIndex();
            for (int o = 0; o < nrOrders; o++) {
                c.index3(unusable[o]);
            }
            c.num(s.fragScore());
            long[] blocks = s.pageblocksByMigratetype();
            for (int mt = 0; mt < nrMt; mt++) {
                c.num(blocks[mt]);
            }
            numOrEmpty(c, s.mixedPageblocks(), s.mixedPageblocks() < 0);
            numOrEmpty(c, s.freeRegions(), s.freeRegions() < 0);
            numOrEmpty(c, s.reportedPages(), s.reportedPages() < 0);
            numOrEmpty(c, s.reportedTotal(), s.reportedTotal() < 0);
            numOrEmpty(c, s.reportedReallocated(), s.reportedReallocated() < 0);
            numOrEmpty(c, s.reportableFree(), s.reportableFree() < 0);
            numOrEmpty(c, s.minHeadroom(), s.minHeadroom() == Long.MIN_VALUE);
            c.end();
        }
        c.finish();
    }

    private static void numOrEmpty(CsvBytes c, long v, boolean empty) throws IOException {
        if (empty) {
            c.empty();
        } else {
            c.num(v);
        }
    }

    /** compaction.csv: one row per compact_zone() pass. */
    public static void compaction(OutputStream out, List<CompactionRun> runs) throws IOException {
        CsvBytes c = new CsvBytes(out).record(COMPACTION_COLUMNS.toArray(String[]::new));
        for (CompactionRun r : runs) {
            c.seconds(r.beginNs()).seconds(r.endNs()).text(CsvBytes.fixed3(r.durationNs() / 1e6))
                    .obj(r.context()).num(r.pid()).obj(r.comm()).num(r.cpu())
                    .num(r.order());
            numOrEmpty(c, r.nid(), r.nid() < 0);
            c.obj(r.zone()).obj(r.mode()).obj(r.status())
                    .num(r.migrateScanned()).num(r.migrateIsolated()).num(r.freeScanned()).num(r.freeIsolated())
                    .num(r.fastFreeScanned()).num(r.fastFreeIsolated()).num(r.migrated()).num(r.migrateFailed())
                    .num(r.finishedChecks());
            if (r.fragIndexAtBegin() == Integer.MIN_VALUE) {
                c.empty();
            } else {
                c.index3(r.fragIndexAtBegin());
            }
            c.end();
        }
        c.finish();
    }

    /** daemons.csv: kswapd and kcompactd wake-to-sleep intervals. */
    public static void daemons(OutputStream out, List<Interval> kswapd, List<Interval> kcompactd) throws IOException {
        CsvBytes c = new CsvBytes(out).record(DAEMONS_COLUMNS.toArray(String[]::new));
        for (Interval i : kswapd) {
            interval(c, "kswapd", i);
        }
        for (Interval i : kcompactd) {
            interval(c, "kcompactd", i);
        }
        c.finish();
    }

    private static void interval(CsvBytes c, String daemon, Interval i) throws IOException {
        c.text(daemon).num(i.nid()).seconds(i.beginNs());
        if (i.endNs() < 0) {
            c.empty();
        } else {
            c.seconds(i.endNs());
        }
        c.num(i.order()).end();
    }

    /** regions.csv: pages in use per memory region at each sample instant. */
    public static void regions(OutputStream out, List<Long> timesNs, List<long[]> used, RegionSampler rs)
            throws IOException {
        CsvBytes c = new CsvBytes(out).record(REGIONS_COLUMNS.toArray(String[]::new));
        for (int i = 0; i < timesNs.size(); i++) {
            long t = timesNs.get(i);
            long[] u = used.get(i);
            for (int r = 0; r < u.length; r++) {
                long present = rs.present(r);
                if (present > 0) {
                    c.seconds(t).num(rs.node(r)).num(r).num(rs.startPfn(r)).num(present).num(u[r]).end();
                }
            }
        }
        c.finish();
    }

    /** A trace marker (tracing_mark_write). */
    public record Marker(long timeNs, String text) {
    }

    /** The run's trace markers for markers.csv (at most {@link SampleBuffer#MAX_MARKERS}): a MARKER subscriber. */
    static EventHandlers markerLog(List<Marker> into) {
        return new EventHandlers().on(e -> {
            if (into.size() < SampleBuffer.MAX_MARKERS) {
                into.add(new Marker(e.timestampNs(), e.text()));
            }
        }, EventType.MARKER);
    }

    /** markers.csv. */
    public static void markers(OutputStream out, List<Marker> markers) throws IOException {
        CsvBytes c = new CsvBytes(out).record(MARKERS_COLUMNS.toArray(String[]::new));
        for (Marker m : markers) {
            c.seconds(m.timeNs()).obj(m.text()).end();
        }
        c.finish();
    }
}
