package io.fragtrace.report.html;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fragtrace.parser.CompactStatus;
import io.fragtrace.parser.EventType;
import io.fragtrace.parser.ParseReport;
import io.fragtrace.parser.TraceInput;
import io.fragtrace.parser.TraceParser;
import io.fragtrace.replay.compaction.CompactionContext;
import io.fragtrace.replay.compaction.CompactionRun;
import io.fragtrace.replay.compaction.CompactionTracker;
import io.fragtrace.replay.compaction.Interval;
import io.fragtrace.report.stats.StatsCollector;
import io.fragtrace.report.stats.StatsJson;
import io.fragtrace.report.stats.TraceStats;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;

import java.io.IOException;
import java.io.OutputStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Writes replay output folders as docs/replay-output.md describes, until the replay command exists:
 * {@link #synthetic} a small hand-designed run (three zones, 200 samples, eight compaction passes, six daemon
 * intervals, three markers) whose numbers the tests compute by hand; {@link #fromSample} a real capture's stats.json,
 * compaction.csv, daemons.csv and markers.csv (from StatsCollector and CompactionTracker) with a timeseries
 * interpolated between the capture's before/ and after/ buddydump free lists (the indexes computed with the
 * kernel's formulas, mm/vmstat.c).
 */
public final class ReplayFixture {
    public static final int ORDERS = 11;
    public static final int PAGEBLOCK_ORDER = 9;
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private ReplayFixture() {
    }

    // ---------------------------------------------------------------- kernel formulas (mm/vmstat.c, §3)

    /** __fragmentation_index(): -1000 when a block of the order is free, else 0..1000 (integer divisions). */
    public static int fragIndex(long[] nrFree, int order) {
        long total = 0;
        long pages = 0;
        long suitable = 0;
        for (int o = 0; o < nrFree.length; o++) {
            total += nrFree[o];
            pages += nrFree[o] << o;
            if (o >= order) {
                suitable += nrFree[o] << (o - order);
            }
        }
        if (total == 0) {
            return 0;
        }
        if (suitable > 0) {
            return -1000;
        }
        return (int) (1000 - (1000 + pages * 1000 / (1L << order)) / total);
    }

    /** unusable_free_index(): 0..1000. */
    public static int unusableIndex(long[] nrFree, int order) {
        long pages = 0;
        long suitable = 0;
        for (int o = 0; o < nrFree.length; o++) {
            pages += nrFree[o] << o;
            if (o >= order) {
                suitable += nrFree[o] << (o - order);
            }
        }
        if (pages == 0) {
            return 0;
        }
        return (int) ((pages - (suitable << order)) * 1000 / pages);
    }

    static String printed(int v) {
        if (v == -1000) {
            return "-1.000";
        }
        return String.format(Locale.ROOT, "%d.%03d", v / 1000, v % 1000);
    }

    // ---------------------------------------------------------------- the folder writer

    /** One zone of the fixture. */
    record ZoneSpec(int node, String zone, long start, long spanned, long present, long managed) {
    }

    /** The free lists of a zone at sample i of n. */
    interface FreeLists {
        long[] at(ZoneSpec z, int i, int n);
    }

    /** A compaction pass row of compaction.csv. */
    record Pass(double begin, double end, String context, int order, String status, long migrated,
                long migrateScanned, long freeScanned) {
    }

    /** A daemons.csv row; end NaN when still awake. */
    record Daemon(String daemon, int node, double begin, double end, int order) {
    }

    record Marker(double time, String text) {
    }

    static final class Spec {
        String name = "fixture";
        String kernel = "6.1.0-56-amd64";
        String semantics = "6.1";
        String config;
        double first;
        double last;
        int samples = 200;
        List<ZoneSpec> zones = new ArrayList<>();
        FreeLists free;
        List<Pass> passes = new ArrayList<>();
        List<Daemon> daemons = new ArrayList<>();
        List<Marker> markers = new ArrayList<>();
        boolean regions = true;
        boolean fidelity = true;
        ObjectNode compactionSummary;
        byte[] statsJson;
    }

    static double sampleTime(Spec s, int i) {
        return Math.round((s.first + (s.last - s.first) * i / s.samples) * 1e6) / 1e6;
    }

    static void write(Spec s, Path dir) throws IOException {
        Files.createDirectories(dir);
        long[][] endFree = new long[s.zones.size()][];
        long[] endPcp = new long[s.zones.size()];
        try (Writer w = Files.newBufferedWriter(dir.resolve("timeseries.csv"), StandardCharsets.UTF_8);
             CSVPrinter p = new CSVPrinter(w, CSVFormat.DEFAULT)) {
            List<String> h = new ArrayList<>(List.of("time_s", "marker", "node", "zone", "free_pages", "pcp_pages"));
            for (int o = 0; o < ORDERS; o++) {
                h.add("nr_free_" + o);
            }
            h.addAll(List.of("free_unmovable", "free_movable", "free_reclaimable", "free_highatomic", "free_isolate"));
            for (int o = 0; o < ORDERS; o++) {
                h.add("frag_index_" + o);
            }
            for (int o = 0; o < ORDERS; o++) {
                h.add("unusable_index_" + o);
            }
            h.addAll(List.of("frag_score", "pageblocks_unmovable", "pageblocks_movable", "pageblocks_reclaimable",
                    "pageblocks_highatomic", "pageblocks_isolate", "mixed_pageblocks", "free_regions"));
            p.printRecord(h);
            for (int i = 0; i < s.samples; i++) {
                double t = sampleTime(s, i);
                String marker = "";
                for (Marker m : s.markers) {
                    if (Math.abs(m.time() - t) < 1e-9) {
                        marker = m.text();
                    }
                }
                for (int zi = 0; zi < s.zones.size(); zi++) {
                    ZoneSpec z = s.zones.get(zi);
                    long[] nr = s.free.at(z, i, s.samples);
                    long pages = 0;
                    for (int o = 0; o < ORDERS; o++) {
                        pages += nr[o] << o;
                    }
                    long pcp = 64 + (i * 7 + zi) % 50;
                    List<Object> r = new ArrayList<>(List.of(String.format(Locale.ROOT, "%.6f", t), marker, z.node(),
                            z.zone(), pages, pcp));
                    for (int o = 0; o < ORDERS; o++) {
                        r.add(nr[o]);
                    }
                    long unm = pages / 10;
                    long rec = pages / 20;
                    r.addAll(List.of(unm, pages - unm - rec, rec, 0, 0));
                    for (int o = 0; o < ORDERS; o++) {
                        r.add(printed(fragIndex(nr, o)));
                    }
                    for (int o = 0; o < ORDERS; o++) {
                        r.add(printed(unusableIndex(nr, o)));
                    }
                    r.add(unusableIndex(nr, PAGEBLOCK_ORDER) / 10);
                    long blocks = z.spanned() >> PAGEBLOCK_ORDER;
                    long mixed = Math.min(blocks, (long) i * blocks / (4L * s.samples) + zi);
                    r.addAll(List.of(blocks / 8, blocks - blocks / 8 - blocks / 16, blocks / 16, 0, 0, mixed));
                    r.add(s.regions ? Long.toString(pages / 131072) : "");
                    p.printRecord(r);
                    endFree[zi] = nr;
                    endPcp[zi] = pcp;
                }
            }
        }
        try (Writer w = Files.newBufferedWriter(dir.resolve("compaction.csv"), StandardCharsets.UTF_8);
             CSVPrinter p = new CSVPrinter(w, CSVFormat.DEFAULT)) {
            p.printRecord((Object[]) ("begin_s,end_s,duration_ms,context,pid,comm,cpu,order,node,zone,mode,status,"
                    + "migrate_scanned,migrate_isolated,free_scanned,free_isolated,fast_free_scanned,"
                    + "fast_free_isolated,migrated,migrate_failed,finished_checks,frag_index_at_begin").split(","));
            for (Pass c : s.passes) {
                boolean kc = !c.context().equals("DIRECT");
                p.printRecord(String.format(Locale.ROOT, "%.6f", c.begin()), String.format(Locale.ROOT, "%.6f", c.end()),
                        String.format(Locale.ROOT, "%.3f", (c.end() - c.begin()) * 1000), c.context(),
                        kc ? 35 : 1234, kc ? "kcompactd0" : "thp-fault", 1, c.order(), 0, "DMA32",
                        c.context().equals("DIRECT") ? "ASYNC" : "SYNC_ANY", c.status(), c.migrateScanned(),
                        c.migrated(), c.freeScanned(), c.migrated(), 0, 0, c.migrated(), 0, 3, "");
            }
        }
        try (Writer w = Files.newBufferedWriter(dir.resolve("daemons.csv"), StandardCharsets.UTF_8);
             CSVPrinter p = new CSVPrinter(w, CSVFormat.DEFAULT)) {
            p.printRecord("daemon", "node", "begin_s", "end_s", "order");
            for (Daemon d : s.daemons) {
                p.printRecord(d.daemon(), d.node(), String.format(Locale.ROOT, "%.6f", d.begin()),
                        Double.isNaN(d.end()) ? "" : String.format(Locale.ROOT, "%.6f", d.end()), d.order());
            }
        }
        try (Writer w = Files.newBufferedWriter(dir.resolve("markers.csv"), StandardCharsets.UTF_8);
             CSVPrinter p = new CSVPrinter(w, CSVFormat.DEFAULT)) {
            p.printRecord("time_s", "text");
            for (Marker m : s.markers) {
                p.printRecord(String.format(Locale.ROOT, "%.6f", m.time()), m.text());
            }
        }
        ObjectNode root = JSON.createObjectNode();
        root.put("schema_version", 1);
        root.put("tool", "fragtrace 0.1.0 (test fixture)");
        ObjectNode in = root.putObject("input");
        in.put("name", s.name);
        in.put("bundle", s.name);
        in.put("bytes", 123456);
        in.put("lines", 4567);
        in.put("bad_lines", 0);
        in.put("lost_events", 0);
        in.put("first_s", s.first);
        in.put("last_s", s.last);
        root.put("mode", s.config == null ? "observed" : "simulate");
        if (s.config == null) {
            root.putNull("config");
        } else {
            root.putObject("config").put("name", s.config);
        }
        root.putObject("kernel").put("release", s.kernel).put("semantics", s.semantics);
        ObjectNode topo = root.putObject("topology");
        topo.put("max_order", ORDERS - 1);
        topo.put("pageblock_order", PAGEBLOCK_ORDER);
        ArrayNode zones = topo.putArray("zones");
        for (ZoneSpec z : s.zones) {
            zones.addObject().put("node", z.node()).put("zone", z.zone()).put("start_pfn", z.start())
                    .put("spanned", z.spanned()).put("present", z.present()).put("managed", z.managed())
                    .put("watermark_min", 32).put("watermark_low", 40).put("watermark_high", 48);
        }
        ObjectNode ev = root.putObject("events");
        ev.put("applied", 4000);
        ev.put("skipped", 12);
        ev.putObject("by_name").put("mm_page_alloc", 2000).put("mm_page_free", 2000);
        ObjectNode cons = root.putObject("consistency");
        cons.put("total", 2);
        cons.putObject("by_kind").put("alloc_of_non_free_page", 2);
        cons.putArray("examples").addObject().put("kind", "alloc_of_non_free_page").put("time_s", s.first)
                .put("line", 17);
        root.put("unknown_fraction", 0.0125);
        if (s.fidelity) {
            root.putObject("fidelity").put("exact", true).put("pages_mismatched", 0).put("free_blocks_missing", 0)
                    .put("free_blocks_extra", 0).put("pageblocks_mismatched", 0).put("extfrag_index_max_error", 0.0);
        }
        ArrayNode end = root.putArray("end_state");
        for (int zi = 0; zi < s.zones.size(); zi++) {
            ZoneSpec z = s.zones.get(zi);
            long[] nr = endFree[zi];
            long pages = 0;
            ObjectNode e = end.addObject();
            e.put("node", z.node()).put("zone", z.zone());
            ArrayNode nf = JSON.createArrayNode();
            ArrayNode fi = JSON.createArrayNode();
            ArrayNode ui = JSON.createArrayNode();
            for (int o = 0; o < ORDERS; o++) {
                pages += nr[o] << o;
                nf.add(nr[o]);
                fi.add(printed(fragIndex(nr, o)));
                ui.add(printed(unusableIndex(nr, o)));
            }
            e.put("free_pages", pages).put("pcp_pages", endPcp[zi]);
            e.set("nr_free", nf);
            long unm = pages / 10;
            long rec = pages / 20;
            e.putObject("free_by_migratetype").put("unmovable", unm).put("movable", pages - unm - rec)
                    .put("reclaimable", rec).put("highatomic", 0).put("isolate", 0);
            e.set("frag_index", fi);
            e.set("unusable_index", ui);
            e.put("frag_score", unusableIndex(nr, PAGEBLOCK_ORDER) / 10);
        }
        root.set("compaction", s.compactionSummary != null ? s.compactionSummary : compactionSummary(s));
        Files.write(dir.resolve("summary.json"), JSON.writeValueAsBytes(root));
        if (s.statsJson != null) {
            Files.write(dir.resolve("stats.json"), s.statsJson);
        }
    }

    static ObjectNode compactionSummary(Spec s) {
        ObjectNode c = JSON.createObjectNode();
        c.put("passes", s.passes.size());
        ObjectNode byCtx = c.putObject("by_context");
        ObjectNode byOrder = c.putObject("by_order");
        long migrated = 0;
        long ms = 0;
        long fs = 0;
        for (Pass p : s.passes) {
            ObjectNode ctx = byCtx.has(p.context()) ? (ObjectNode) byCtx.get(p.context()) : byCtx.putObject(p.context());
            ctx.put(p.status(), ctx.path(p.status()).asLong() + 1);
            String o = Integer.toString(p.order());
            ObjectNode ord = byOrder.has(o) ? (ObjectNode) byOrder.get(o) : byOrder.putObject(o);
            ord.put(p.status(), ord.path(p.status()).asLong() + 1);
            migrated += p.migrated();
            ms += p.migrateScanned();
            fs += p.freeScanned();
        }
        c.put("deferred", 1).put("defer_compaction", 2).put("defer_reset", 3);
        long kc = s.daemons.stream().filter(d -> d.daemon().equals("kcompactd")).count();
        long ks = s.daemons.stream().filter(d -> d.daemon().equals("kswapd")).count();
        c.put("kcompactd_wakeups", kc).put("kcompactd_wakes", kc).put("kswapd_wakes", ks);
        c.put("migrate_scanned", ms).put("free_scanned", fs).put("migrated", migrated);
        c.put("scan_efficiency", fs == 0 ? 0.0 : (double) ms / fs);
        c.putObject("high_order_allocations").putObject("9").put("succeeded", 5).put("failed", 2)
                .put("after_compaction_succeeded", 3).put("after_compaction_failed", 1);
        return c;
    }

    // ---------------------------------------------------------------- the synthetic run

    /** The hand-designed run; {@code relief} 0 is run A, larger values keep more high-order blocks (a "B"). */
    public static Path synthetic(Path dir, double relief) throws IOException {
        Spec s = new Spec();
        s.name = relief == 0 ? "synthetic-A" : "synthetic-B";
        s.config = relief == 0 ? null : "proactive";
        s.first = 100.0;
        s.last = 110.0;
        s.zones.add(new ZoneSpec(0, "DMA", 1, 4095, 3998, 3840));
        s.zones.add(new ZoneSpec(0, "DMA32", 4096, 61440, 61440, 50000));
        s.zones.add(new ZoneSpec(0, "Normal", 65536, 196608, 196608, 190000));
        s.free = (z, i, n) -> {
            long base = z.spanned() / 64;
            long[] nr = new long[ORDERS];
            double x = (double) i / n;
            for (int o = 0; o < ORDERS; o++) {
                double wave = 1 + 0.3 * Math.sin(i / 9.0 + o);
                double keep = o >= 7 ? Math.max(relief, 1 - x * 1.6) : 1;
                nr[o] = (long) Math.floor(base / Math.pow(2, o / 1.4) * wave * keep);
            }
            return nr;
        };
        s.markers.add(new Marker(101.0, "fill start"));
        s.markers.add(new Marker(104.5, "free every other chunk"));
        s.markers.add(new Marker(108.25, "thp faults"));
        s.passes.add(new Pass(100.20, 100.23, "DIRECT", 9, "SUCCESS", 40, 512, 900));
        s.passes.add(new Pass(100.40, 100.45, "DIRECT", 9, "PARTIAL_SKIPPED", 10, 256, 800));
        s.passes.add(new Pass(102.10, 102.12, "DIRECT", 9, "SUCCESS", 30, 512, 700));
        s.passes.add(new Pass(102.30, 102.40, "KCOMPACTD", 9, "COMPLETE", 5, 1024, 4000));
        s.passes.add(new Pass(105.00, 105.01, "KCOMPACTD", 9, "SUCCESS", 12, 128, 300));
        s.passes.add(new Pass(105.20, 105.21, "DIRECT", 4, "SUCCESS", 3, 32, 64));
        s.passes.add(new Pass(107.00, 107.50, "PROACTIVE", -1, "SUCCESS", 200, 8192, 9000));
        s.passes.add(new Pass(109.60, 109.64, "DIRECT", 9, "COMPLETE", 0, 512, 2048));
        if (relief > 0) {
            s.passes.add(new Pass(103.00, 103.30, "PROACTIVE", -1, "SUCCESS", 150, 4096, 5000));
            s.passes.add(new Pass(106.00, 106.40, "PROACTIVE", -1, "SUCCESS", 180, 4096, 6000));
        }
        s.daemons.add(new Daemon("kswapd", 0, 100.10, 100.50, 9));
        s.daemons.add(new Daemon("kcompactd", 0, 100.50, 100.60, 9));
        s.daemons.add(new Daemon("kswapd", 0, 102.00, 102.45, 9));
        s.daemons.add(new Daemon("kcompactd", 0, 102.25, 102.45, 9));
        s.daemons.add(new Daemon("kcompactd", 0, 104.95, 105.05, 9));
        s.daemons.add(new Daemon("kswapd", 0, 109.00, Double.NaN, 3));
        s.statsJson = SYNTHETIC_STATS.getBytes(StandardCharsets.UTF_8);
        write(s, dir);
        return dir;
    }

    /** A stats.json by hand (docs/stats-json.md), only the keys the report reads. */
    static final String SYNTHETIC_STATS = """
            {"schema_version":1,
             "allocations":{"requests":1110,"pages":1700,"invalid_order":0,
               "by_order":[{"order":0,"requests":1000,"pages":1000},{"order":1,"requests":100,"pages":200},
                           {"order":9,"requests":1,"pages":512},{"order":10,"requests":0,"pages":0}],
               "by_migratetype":[{"migratetype":0,"migratetype_name":"unmovable","requests":110,"pages":120},
                                 {"migratetype":1,"migratetype_name":"movable","requests":1000,"pages":1580}],
               "by_gfp_flags":{"distinct":3,"top":[{"gfp_flags":"GFP_HIGHUSER_MOVABLE","requests":1000,"pages":1580,"failures":2},
                                                   {"gfp_flags":"GFP_KERNEL","requests":100,"pages":110,"failures":0}],
                               "others":{"count":1,"requests":10,"pages":10,"failures":0}},
               "by_process":{"distinct":2,"top":[{"comm":"thp-fault","alloc_requests":1000,"alloc_pages":1580,
                   "free_requests":900,"free_pages":1400,"failures":2}],
                   "others":{"count":1,"alloc_requests":110,"alloc_pages":120,"free_requests":100,"free_pages":100,"failures":0}}},
             "allocation_failures":{"requests":2,"invalid_order":0,
               "by_order":[{"order":0,"requests":0},{"order":1,"requests":0},{"order":9,"requests":2},{"order":10,"requests":0}]},
             "frees":{"requests":1000,"pages":1500,"batched":0,
               "by_order":[{"order":0,"requests":900,"pages":900},{"order":1,"requests":100,"pages":200},
                           {"order":9,"requests":0,"pages":0},{"order":10,"requests":0,"pages":0}]},
             "extfrag":{"fallbacks":5,"fragmenting":3,"severe":2,"moderate":1,"change_ownership":2,"pageblock_order":9,
               "by_migratetype":[
                 {"alloc_migratetype":0,"alloc_migratetype_name":"unmovable","fallback_migratetype":1,
                  "fallback_migratetype_name":"movable","fallbacks":3,"fragmenting":2},
                 {"alloc_migratetype":1,"alloc_migratetype_name":"movable","fallback_migratetype":0,
                  "fallback_migratetype_name":"unmovable","fallbacks":2,"fragmenting":1}],
               "over_time":[{"t":100.0,"fallbacks":0,"fragmenting":0,"change_ownership":0},
                            {"t":105.0,"fallbacks":4,"fragmenting":2,"change_ownership":1},
                            {"t":110.0,"fallbacks":1,"fragmenting":1,"change_ownership":1}],
               "pollution":[
                 {"time":105.5,"line":1234,"comm":"kworker/0:1","pid":42,"gfp":"GFP_KERNEL","order":0,
                  "alloc_migratetype_name":"unmovable","fallback_migratetype_name":"movable","fragmenting":true,
                  "change_ownership":false},
                 {"time":106.25,"line":1300,"comm":"modprobe","pid":77,"gfp":"GFP_KERNEL|__GFP_ZERO","order":2,
                  "alloc_migratetype_name":"unmovable","fallback_migratetype_name":"movable","fragmenting":true,
                  "change_ownership":false},
                 {"time":111.0,"line":2000,"comm":"kworker/0:1","pid":42,"gfp":"GFP_KERNEL","order":0,
                  "alloc_migratetype_name":"unmovable","fallback_migratetype_name":"movable","fragmenting":false,
                  "change_ownership":true}],
               "pollution_total":3,
               "pollution_by_task":[{"comm":"kworker/0:1","pid":42,"count":2},{"comm":"modprobe","pid":77,"count":1}]}}
            """;

    // ---------------------------------------------------------------- a real capture

    public static Path samples() {
        String prop = System.getProperty("fragtrace.samples");
        if (prop != null && Files.isDirectory(Path.of(prop))) {
            return Path.of(prop);
        }
        Path p = Path.of("").toAbsolutePath();
        while (p != null) {
            if (Files.isDirectory(p.resolve("sample-traces"))) {
                return p.resolve("sample-traces");
            }
            p = p.getParent();
        }
        throw new IllegalStateException("sample-traces/ not found");
    }

    /** What the trace itself gives: stats, compaction passes, daemon intervals, markers. */
    public record SampleParts(TraceStats stats, CompactionTracker tracker, List<Marker> markers, double first,
                              double last) {
    }

    public static SampleParts parse(String name) throws Exception {
        Path bundle = samples().resolve(name);
        StatsCollector sc = new StatsCollector();
        CompactionTracker tracker = new CompactionTracker();
        List<Marker> markers = new ArrayList<>();
        ParseReport rep = new TraceParser().parse(TraceInput.of(bundle.toString()), e -> {
            sc.onEvent(e);
            tracker.onEvent(e);
            if (e.type() == EventType.MARKER) {
                markers.add(new Marker(e.timestampNs() / 1e9, e.text()));
            }
        });
        return new SampleParts(sc.finish(rep), tracker, markers, rep.firstTimestampNs() / 1e9,
                rep.lastTimestampNs() / 1e9);
    }

    private static long[] nrFree(Path buddydump, String zone) throws IOException {
        for (String line : Files.readAllLines(buddydump)) {
            String[] f = line.split(" ");
            if (f.length > 2 && f[0].equals("Z") && f[2].equals(zone)) {
                for (String kv : f) {
                    if (kv.startsWith("nr_free=")) {
                        String[] v = kv.substring(8).split(",");
                        long[] out = new long[v.length];
                        for (int i = 0; i < v.length; i++) {
                            out[i] = Long.parseLong(v[i]);
                        }
                        return out;
                    }
                }
            }
        }
        throw new IOException(buddydump + ": no zone " + zone);
    }

    private static List<ZoneSpec> zones(Path buddydump) throws IOException {
        List<ZoneSpec> z = new ArrayList<>();
        for (String line : Files.readAllLines(buddydump)) {
            if (line.startsWith("Z ")) {
                String[] f = line.split(" ");
                z.add(new ZoneSpec(Integer.parseInt(f[1]), f[2], num(f[3]), num(f[4]), num(f[5]), num(f[6])));
            }
        }
        return z;
    }

    private static long num(String kv) {
        return Long.parseLong(kv.substring(kv.indexOf('=') + 1));
    }

    /** A folder from a real capture: everything but the timeseries comes from the trace. */
    public static SampleParts fromSample(String name, Path dir, String config) throws Exception {
        SampleParts parts = parse(name);
        Path bundle = samples().resolve(name);
        Spec s = new Spec();
        s.name = name;
        s.config = config;
        s.first = parts.first();
        s.last = parts.last();
        for (String line : Files.readAllLines(bundle.resolve("meta.txt"))) {
            if (line.startsWith("uname:")) {
                String[] f = line.split("\\s+");
                s.kernel = f[3];
                s.semantics = f[3].startsWith("6.12") ? "6.12" : "6.1";
            }
        }
        s.zones = zones(bundle.resolve("before/buddydump.txt"));
        Path before = bundle.resolve("before/buddydump.txt");
        Path after = bundle.resolve("after/buddydump.txt");
        List<long[]> b = new ArrayList<>();
        List<long[]> a = new ArrayList<>();
        for (ZoneSpec z : s.zones) {
            b.add(nrFree(before, z.zone()));
            a.add(nrFree(after, z.zone()));
        }
        // free lists between the two snapshots; high orders dip mid-run (the workload fills memory)
        s.free = (z, i, n) -> {
            int zi = s.zones.indexOf(z);
            double x = n <= 1 ? 1 : (double) i / (n - 1);
            long[] nr = new long[ORDERS];
            for (int o = 0; o < ORDERS; o++) {
                double v = b.get(zi)[o] * (1 - x) + a.get(zi)[o] * x;
                double dip = o >= 5 ? Math.abs(2 * x - 1) : 1;
                nr[o] = Math.round(v * dip);
            }
            return nr;
        };
        s.markers = parts.markers();
        for (CompactionRun r : parts.tracker().runs()) {
            s.passes.add(new Pass(r.beginNs() / 1e9, r.endNs() / 1e9, r.context().name(), r.order(),
                    r.status().name(), r.migrated(), r.migrateScanned(), r.freeScanned()));
        }
        for (Interval iv : parts.tracker().kswapdIntervals()) {
            s.daemons.add(new Daemon("kswapd", iv.nid(), iv.beginNs() / 1e9, iv.endNs() < 0 ? Double.NaN
                    : iv.endNs() / 1e9, iv.order()));
        }
        for (Interval iv : parts.tracker().kcompactdIntervals()) {
            s.daemons.add(new Daemon("kcompactd", iv.nid(), iv.beginNs() / 1e9, iv.endNs() < 0 ? Double.NaN
                    : iv.endNs() / 1e9, iv.order()));
        }
        s.regions = false;
        s.fidelity = false;
        ObjectNode cs = compactionSummary(s);
        cs.put("kcompactd_wakes", parts.tracker().kcompactdWakes());
        cs.put("kswapd_wakes", parts.tracker().kswapdWakes());
        ObjectNode byCtx = cs.putObject("by_context");
        for (CompactionContext c : CompactionContext.values()) {
            ObjectNode n = JSON.createObjectNode();
            for (CompactStatus st : CompactStatus.values()) {
                if (parts.tracker().passes(c, st) > 0) {
                    n.put(st.name(), parts.tracker().passes(c, st));
                }
            }
            if (n.size() > 0) {
                byCtx.set(c.name(), n);
            }
        }
        s.compactionSummary = cs;
        java.io.ByteArrayOutputStream buf = new java.io.ByteArrayOutputStream();
        StatsJson.write(parts.stats(), 10, buf);
        s.statsJson = buf.toByteArray();
        write(s, dir);
        return parts;
    }

    /**
     * For scripts/screenshots.sh: writes fixture folders under the directory given as the first argument, each with
     * its report.
     */
    public static void main(String[] args) throws Exception {
        Path out = Path.of(args[0]);
        List<Path> dirs = new ArrayList<>();
        dirs.add(synthetic(out.resolve("synthetic-A"), 0));
        dirs.add(synthetic(out.resolve("synthetic-B"), 0.6));
        // "DIR synthetic": only the two synthetic folders (scripts/screenshots.sh replays the captures itself)
        List<String> samples = args.length > 1 && args[1].equals("synthetic") ? List.of()
                : List.of("fragment-thp-256M", "fragment-thp-256M-k6.12", "mixed-churn-512M");
        for (String name : samples) {
            fromSample(name, out.resolve(name), null);
            dirs.add(out.resolve(name));
        }
        for (Path d : dirs) {
            HtmlReport.write(d);
        }
        try (OutputStream o = Files.newOutputStream(out.resolve("README.txt"))) {
            o.write("Replay output folders written by ReplayFixture (timeseries synthesized).\n"
                    .getBytes(StandardCharsets.UTF_8));
        }
    }
}
