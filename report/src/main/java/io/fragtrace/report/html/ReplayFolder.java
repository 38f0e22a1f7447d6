package io.fragtrace.report.html;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fragtrace.parser.TraceInputException;
import io.fragtrace.report.output.ReplayCsv;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.Table;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A {@code fragtrace replay} output folder (docs/replay-output.md), loaded: summary.json and stats.json as JSON
 * trees, the CSV files as Tablesaw tables. Reports and diffs read only this, so they can be rebuilt from folders.
 */
public final class ReplayFolder {
    /** A populated zone, as named in summary.json's topology and in timeseries.csv. */
    public record Zone(int node, String zone) {
        public String label() {
            return "node " + node + " " + zone;
        }

        /** For file names: {@code 0_DMA32}. */
        public String key() {
            return node + "_" + zone;
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path dir;
    private final JsonNode summary;
    private final JsonNode stats;
    private final Table timeseries;
    private final Table compaction;
    private final Table daemons;
    private final Table markers;
    /** zones() and rows() memoised: every section asks again, and a filtered, sorted copy costs a pass over the table. */
    private List<Zone> zones;
    private final Map<Zone, Table> rowsByZone = new java.util.HashMap<>();

    private ReplayFolder(Path dir, JsonNode summary, JsonNode stats, Table timeseries, Table compaction,
                         Table daemons, Table markers) {
        this.dir = dir;
        this.summary = summary;
        this.stats = stats;
        this.timeseries = timeseries;
        this.compaction = compaction;
        this.daemons = daemons;
        this.markers = markers;
    }

    /** A file of the folder by name, or null when the folder has none. */
    @FunctionalInterface
    public interface Source {
        InputStream open(String name) throws IOException;
    }

    /**
     * Loads a replay output folder. summary.json and timeseries.csv are required; compaction.csv, daemons.csv,
     * markers.csv and stats.json may be absent (their sections then say so).
     *
     * @throws TraceInputException when the folder or a required file is missing or unreadable (one-line message)
     */
    public static ReplayFolder load(Path dir) throws TraceInputException {
        if (!Files.isDirectory(dir)) {
            throw new TraceInputException(dir + ": not a replay output folder (no such directory)");
        }
        return of(dir, name -> Files.isRegularFile(dir.resolve(name)) ? Files.newInputStream(dir.resolve(name)) : null);
    }

    /**
     * The folder a run is writing, from the files' bytes it has just rendered (name → content): the report is drawn
     * from the run's own data in memory, read exactly as {@link #load} would read the written files.
     */
    public static ReplayFolder of(Path dir, Map<String, byte[]> files) throws TraceInputException {
        return of(dir, name -> files.containsKey(name) ? new ByteArrayInputStream(files.get(name)) : null);
    }

    private static ReplayFolder of(Path dir, Source files) throws TraceInputException {
        Path summaryFile = dir.resolve("summary.json");
        try {
            JsonNode summary = json(files, "summary.json");
            if (summary == null) {
                throw new TraceInputException(dir + ": not a replay output folder (no summary.json)");
            }
            if (!summary.isObject() || !summary.path("topology").isObject()) {
                throw new TraceInputException(summaryFile + ": not a replay summary (no topology)");
            }
            JsonNode stats = json(files, "stats.json");
            Path ts = dir.resolve("timeseries.csv");
            Table timeseries = table(files, "timeseries.csv", Set.of("marker", "zone"));
            if (timeseries == null) {
                throw new TraceInputException(dir + ": not a replay output folder (no timeseries.csv)");
            }
            require(timeseries, ts, "time_s", "node", "zone", "nr_free_0", "frag_index_0");
            Table compaction = optional(files, "compaction.csv", Set.of("context", "comm", "zone", "mode", "status"),
                    ReplayCsv.COMPACTION_COLUMNS);
            Table daemons = optional(files, "daemons.csv", Set.of("daemon"), ReplayCsv.DAEMONS_COLUMNS);
            Table markers = optional(files, "markers.csv", Set.of("text"), ReplayCsv.MARKERS_COLUMNS);
            require(compaction, dir.resolve("compaction.csv"), "begin_s", "end_s", "duration_ms", "context",
                    "order", "status");
            require(daemons, dir.resolve("daemons.csv"), "daemon", "node", "begin_s", "end_s");
            require(markers, dir.resolve("markers.csv"), "time_s", "text");
            return new ReplayFolder(dir, summary, stats, timeseries, compaction, daemons, markers);
        } catch (IOException e) {
            throw new TraceInputException(dir + ": cannot read the replay output: " + e.getMessage());
        }
    }

    /** A JSON file of the folder, or null when absent. */
    private static JsonNode json(Source files, String name) throws IOException {
        try (InputStream in = files.open(name)) {
            return in == null ? null : JSON.readTree(in);
        }
    }

    /** A CSV file of the folder, or null when absent. */
    private static Table table(Source files, String name, Set<String> text) throws IOException {
        try (InputStream in = files.open(name)) {
            return in == null ? null : Tables.read(name, in, text);
        }
    }

    private static Table optional(Source files, String name, Set<String> text, List<String> header)
            throws IOException {
        Table t = table(files, name, text);
        if (t != null) {
            return t;
        }
        List<tech.tablesaw.columns.Column<?>> cols = new ArrayList<>();
        for (String h : header) {
            cols.add(text.contains(h) ? tech.tablesaw.api.StringColumn.create(h) : DoubleColumn.create(h));
        }
        return Table.create(name, cols.toArray(new tech.tablesaw.columns.Column<?>[0]));
    }

    private static void require(Table t, Path file, String... cols) throws TraceInputException {
        for (String c : cols) {
            if (!t.containsColumn(c)) {
                throw new TraceInputException(file + ": no column " + c + " (see docs/replay-output.md)");
            }
        }
    }

    public Path dir() {
        return dir;
    }

    public JsonNode summary() {
        return summary;
    }

    /** stats.json, or null when the folder has none. */
    public JsonNode stats() {
        return stats;
    }

    public Table timeseries() {
        return timeseries;
    }

    public Table compaction() {
        return compaction;
    }

    public Table daemons() {
        return daemons;
    }

    public Table markers() {
        return markers;
    }

    public int maxOrder() {
        return summary.path("topology").path("max_order").asInt(10);
    }

    /** The highest order with an nr_free_N column in timeseries.csv (max_order − 1 on most kernels). */
    public int topOrder() {
        int o = 0;
        while (timeseries.containsColumn("nr_free_" + (o + 1))) {
            o++;
        }
        return o;
    }

    /** pageblock_order: the THP order on x86-64 (COMPACTION_HPAGE_ORDER). */
    public int thpOrder() {
        return summary.path("topology").path("pageblock_order").asInt(9);
    }

    /** Page size in bytes when summary.json gives one (topology.page_size), else 4096. */
    public int pageSize() {
        return summary.path("topology").path("page_size").asInt(4096);
    }

    public double firstS() {
        JsonNode f = summary.path("input").path("first_s");
        if (f.isNumber()) {
            return f.asDouble();
        }
        return timeseries.rowCount() > 0 ? timeseries.doubleColumn("time_s").min() : 0;
    }

    public double lastS() {
        JsonNode f = summary.path("input").path("last_s");
        if (f.isNumber()) {
            return f.asDouble();
        }
        return timeseries.rowCount() > 0 ? timeseries.doubleColumn("time_s").max() : 0;
    }

    /** Name for titles: summary input.name (its last path element). */
    public String name() {
        String n = summary.path("input").path("name").asText("");
        if (n.isEmpty()) {
            return dir.getFileName() == null ? dir.toString() : dir.getFileName().toString();
        }
        return n;
    }

    /**
     * Zones with rows in timeseries.csv, node by node, highest zone first (Normal, DMA32, DMA: the zone most
     * allocations come from first, the small DMA zone last); zones missing from the topology after them.
     */
    public List<Zone> zones() {
        if (zones == null) {
            zones = List.copyOf(findZones());
        }
        return zones;
    }

    private List<Zone> findZones() {
        List<Zone> out = new ArrayList<>();
        for (JsonNode z : summary.path("topology").path("zones")) {
            Zone zone = new Zone(z.path("node").asInt(), z.path("zone").asText());
            if (!rows(zone).isEmpty() && !out.contains(zone)) {
                out.add(zone);
            }
        }
        java.util.Collections.reverse(out);
        out.sort(java.util.Comparator.comparingInt(Zone::node)); // stable: highest zone first within a node
        for (int r = 0; r < timeseries.rowCount(); r++) {
            Zone zone = new Zone((int) timeseries.doubleColumn("node").getDouble(r),
                    timeseries.stringColumn("zone").get(r));
            if (!out.contains(zone)) {
                out.add(zone);
            }
        }
        return out;
    }

    /** The timeseries rows of one zone, in time order. */
    public Table rows(Zone z) {
        return rowsByZone.computeIfAbsent(z, k -> timeseries.where(timeseries.doubleColumn("node").isEqualTo(z.node())
                .and(timeseries.stringColumn("zone").isEqualTo(z.zone()))).sortAscendingOn("time_s"));
    }

    /** The end_state entry of a zone in summary.json, or a missing node. */
    public JsonNode endState(Zone z) {
        for (JsonNode e : summary.path("end_state")) {
            if (e.path("node").asInt() == z.node() && z.zone().equals(e.path("zone").asText())) {
                return e;
            }
        }
        return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
    }
}
