package io.fragtrace.report.calibrate;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A what-if's footing: for a quantity a diff compares, the calibration error of the baseline run A (its model
 * against the kernel the trace recorded, summary.json {@code calibration}), so that a difference between A and B can
 * be read against how far A itself is from the kernel. Also what the trace cannot tell at all.
 */
public final class Baseline {
    private Baseline() {
    }

    /** The calibration row behind a diff metric's name, or null when none measures it. */
    static String rowKey(String metric) {
        String m = metric.toLowerCase(Locale.ROOT);
        if (m.equals("compaction passes")) {
            return "attempts";
        }
        if (m.equals("compaction success rate") || m.equals("compaction passes that succeeded")) {
            return "success_rate";
        }
        if (m.startsWith("compaction passes, ")) {
            return "attempts." + m.substring("compaction passes, ".length()).toUpperCase(Locale.ROOT);
        }
        if (m.equals("pages migrated by compaction")) {
            return "migrated";
        }
        if (m.equals("kcompactd wakes")) {
            return "kcompactd_wakes";
        }
        if (m.equals("kswapd wakes")) {
            return "kswapd_wakes";
        }
        if (m.startsWith("allocation failures order ")) {
            return "failures." + m.substring("allocation failures order ".length()).trim();
        }
        if (m.contains(" at end, ") || m.startsWith("free regions at end")) {
            return "end_buddyinfo";
        }
        return null;
    }

    /**
     * "model 13 vs kernel 14 (-1, PASS)" for the metric from A's calibration; "" when A has no calibration (an
     * observed run, or an older folder) or no row measures the metric ("0 vs 0" rows of failures are omitted).
     */
    public static String errorFor(JsonNode calibration, String metric) {
        if (calibration == null || !calibration.isObject()) {
            return "";
        }
        String key = rowKey(metric);
        if (key == null) {
            return "";
        }
        for (JsonNode r : calibration.path("rows")) {
            if (key.equals(r.path("key").asText())) {
                String[] c = CalibrationText.cells(r);
                String v = r.path("verdict").asText("");
                if (r.path("unit").asText().equals("share")) {
                    return c[2] + " of free memory misplaced at the end" + (v.isEmpty() ? "" : ", " + v);
                }
                return "model " + c[1] + " vs kernel " + c[0] + " (" + c[2] + (v.isEmpty() ? "" : ", " + v) + ")";
            }
        }
        if (key.startsWith("failures.") || key.startsWith("attempts.")) {
            return "model 0 vs kernel 0";
        }
        return "";
    }

    /** What a what-if on this trace cannot tell, from A's calibration and the model's stand-ins. */
    public static List<String> cannotTell(JsonNode calibration) {
        List<String> out = new ArrayList<>();
        out.add("Reclaim: the model reclaims nothing. kswapd and direct reclaim are woken as the kernel would, but the"
                + " pages they free are the trace's own frees of reclaimed pages (counted as reclaim stand-ins in"
                + " summary.json simulate.accounting); a configuration that would reclaim more, less or earlier"
                + " (watermarks, watermark_scale_factor, min_free_kbytes) changes when kswapd runs in the model, not"
                + " how much memory comes back; how long a kswapd round lasts is the kernel's kswapd's, as its own"
                + " events show it, and within a round kswapd counts as running for compaction (kswapd_is_running())"
                + " only up to 0.2 ms after its last event: the trace does not show its naps.");
        out.add("Untraced allocation paths: pages the kernel takes without mm_page_alloc (the free pages its"
                + " compaction isolates as migration targets, compaction capture, highatomic reserves) are not in"
                + " the request stream; the model makes its own, so their placement is the model's, not the"
                + " kernel's.");
        out.add("How long a kcompactd pass takes: the model's proactive and compact_memory passes take trace time at"
                + " the speed of the capture's own passes (per migrated page and scanned pfn), so the workload and"
                + " kswapd go on while they run as in the kernel; a pass woken by kswapd (kcompactd_do_work()) runs"
                + " whole at its instant, and a configuration that makes passes longer or shorter is not seen.");
        if (calibration != null) {
            for (JsonNode w : calibration.path("sysctl_writes")) {
                if (!w.path("applied_by_model").asBoolean()
                        && !w.path("file").asText().endsWith("/nr_hugepages")) { // the pool's pages are requests
                    out.add(String.format(Locale.ROOT, "The workload wrote %s = %s at %.3f s; the model does not"
                                    + " apply that write, so what followed it is the kernel's alone.",
                            w.path("file").asText(), w.path("value").asText(), w.path("time_s").asDouble()));
                }
            }
        }
        return out;
    }
}
