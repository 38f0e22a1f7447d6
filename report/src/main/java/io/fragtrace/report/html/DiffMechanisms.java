package io.fragtrace.report.html;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.List;

/**
 * The diff rows of free page reporting and the watermark reserves, per common zone, from each run's summary.json
 * (page_reporting.zones, reserves.zones); NaN where a run has no such figure.
 */
final class DiffMechanisms {
    private DiffMechanisms() {
    }

    static void add(ReplayFolder a, ReplayFolder b, List<ReplayFolder.Zone> zones, List<DiffReport.Metric> out) {
        for (String[] k : new String[][] {{"pages_allocated", "movable non-LRU pages allocated (zsmalloc, balloon)"},
                {"pages_migrated", "movable non-LRU pages migrated by compaction"},
                {"isolation_failures", "compaction isolation failures on non-LRU pages"}}) {
            JsonNode va = a.summary().path("simulate").path("movable_non_lru").path(k[0]);
            JsonNode vb = b.summary().path("simulate").path("movable_non_lru").path(k[0]);
            if (va.isNumber() || vb.isNumber()) {
                out.add(new DiffReport.Metric(k[1], va.isNumber() ? va.asDouble() : Double.NaN,
                        vb.isNumber() ? vb.asDouble() : Double.NaN));
            }
        }
        JsonNode ra = a.summary().path("reserves").path("refused");
        JsonNode rb = b.summary().path("reserves").path("refused");
        if (ra.isNumber() || rb.isNumber()) {
            out.add(new DiffReport.Metric("requests refused by the allocator (simulate)",
                    ra.isNumber() ? ra.asDouble() : Double.NaN, rb.isNumber() ? rb.asDouble() : Double.NaN));
        }
        for (ReplayFolder.Zone z : zones) {
            String zl = z.label();
            row(out, "reported pages, mean over time, " + zl, a, b, z, "page_reporting", "reported_pages_mean");
            row(out, "reported pages, peak, " + zl, a, b, z, "page_reporting", "reported_pages_peak");
            row(out, "reported pages reallocated (host faults), " + zl, a, b, z, "page_reporting", "reallocated");
            row(out, "allocations below the low watermark, " + zl, a, b, z, "reserves", "allocations_below_low");
            row(out, "allocations below the min watermark, " + zl, a, b, z, "reserves", "allocations_below_min");
            row(out, "allocations with no watermark (pfmemalloc), " + zl, a, b, z, "reserves", "no_watermarks");
            row(out, "lowest headroom above min, " + zl, a, b, z, "reserves", "lowest_headroom");
        }
    }

    private static void row(List<DiffReport.Metric> out, String name, ReplayFolder a, ReplayFolder b,
                            ReplayFolder.Zone z, String object, String key) {
        double va = value(a, z, object, key);
        double vb = value(b, z, object, key);
        if (!Double.isNaN(va) || !Double.isNaN(vb)) {
            out.add(new DiffReport.Metric(name, va, vb));
        }
    }

    /** summary.json OBJECT.zones[node, zone].KEY, NaN when absent. */
    static double value(ReplayFolder f, ReplayFolder.Zone z, String object, String key) {
        for (JsonNode n : f.summary().path(object).path("zones")) {
            if (n.path("node").asInt() == z.node() && n.path("zone").asText().equals(z.zone())) {
                JsonNode v = n.path(key);
                return v.isNumber() ? v.asDouble() : Double.NaN;
            }
        }
        return Double.NaN;
    }
}
