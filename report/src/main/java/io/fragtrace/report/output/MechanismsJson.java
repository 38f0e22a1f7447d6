package io.fragtrace.report.output;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fragtrace.replay.metrics.ReserveWatch;
import io.fragtrace.replay.metrics.ZoneSample;
import io.fragtrace.replay.model.BuddyModel;
import io.fragtrace.replay.model.PageReporting;

import java.util.List;

import static io.fragtrace.replay.simulate.Watermarks.WMARK_HIGH;
import static io.fragtrace.replay.simulate.Watermarks.WMARK_LOW;
import static io.fragtrace.replay.simulate.Watermarks.WMARK_MIN;

/**
 * summary.json's {@code page_reporting} and {@code reserves} objects (docs/replay-output.md), the same for observed
 * and simulate runs: free page reporting's reported memory and reallocations, allocations against the watermarks.
 */
final class MechanismsJson {
    /** Rows of reserves.by_task kept in summary.json. */
    static final int TASK_ROWS = 20;

    private MechanismsJson() {
    }

    /** Adds page_reporting (when rep is not null) and reserves (when watch is not null) to r. */
    static void add(ObjectNode r, BuddyModel m, PageReporting rep, ReserveWatch watch, List<ZoneSample> series) {
        if (rep != null) {
            reporting(r.putObject("page_reporting"), m, rep, series);
        }
        if (watch != null) {
            reserves(r.putObject("reserves"), m, watch);
        }
    }

    private static void reporting(ObjectNode n, BuddyModel m, PageReporting rep, List<ZoneSample> series) {
        n.put("mode", rep.markOnly ? "marked" : "reported");
        n.put("order", rep.order);
        n.put("capacity", rep.capacity);
        n.put("delay_ms", rep.delayNs / 1_000_000);
        n.put("passes", rep.passes());
        n.put("reports", rep.reports());
        n.put("isolations_refused", rep.refused());
        ArrayNode zs = n.putArray("zones");
        for (int z = 0; z < m.zoneCount(); z++) {
            ObjectNode zn = zs.addObject();
            zn.put("node", m.zone(z).nid);
            zn.put("zone", m.zone(z).name);
            zn.put("reported_pages_end", rep.reportedPages(z));
            zn.put("reportable_free_end", rep.freeAtOrAbove(z));
            zn.put("reported_share_end", rep.freeAtOrAbove(z) == 0 ? 0.0
                    : Math.round(1e4 * rep.reportedPages(z) / (double) rep.freeAtOrAbove(z)) / 1e4);
            zn.put("reported_total", rep.reportedTotal(z));
            zn.put("reallocated", rep.reallocated(z));
            zn.put("merged", rep.merged(z));
            long peak = 0;
            long peakAt = Long.MIN_VALUE;
            double sum = 0;
            int k = 0;
            for (ZoneSample s : series) {
                if (s.node() == m.zone(z).nid && s.zone().equals(m.zone(z).name) && s.reportedPages() >= 0) {
                    sum += s.reportedPages();
                    k++;
                    if (s.reportedPages() > peak) {
                        peak = s.reportedPages();
                        peakAt = s.timeNs();
                    }
                }
            }
            zn.put("reported_pages_peak", peak);
            zn.put("reported_pages_peak_s", Summary.seconds(peakAt));
            zn.put("reported_pages_mean", k == 0 ? 0.0 : Math.round(sum / k * 10) / 10.0);
        }
    }

    private static void reserves(ObjectNode n, BuddyModel m, ReserveWatch w) {
        ArrayNode zs = n.putArray("zones");
        for (int z = 0; z < m.zoneCount(); z++) {
            ObjectNode zn = zs.addObject();
            zn.put("node", m.zone(z).nid);
            zn.put("zone", m.zone(z).name);
            zn.put("watermarks_known", w.known(z));
            if (!w.known(z)) {
                continue;
            }
            zn.put("allocations_below_high", w.allocationsBelow(z, WMARK_HIGH));
            zn.put("allocations_below_low", w.allocationsBelow(z, WMARK_LOW));
            zn.put("allocations_below_min", w.allocationsBelow(z, WMARK_MIN));
            zn.put("pages_below_min", w.pagesBelow(z, WMARK_MIN));
            zn.put("no_watermarks", w.noWatermarks(z));
            zn.put("no_watermark_pages", w.noWatermarkPages(z));
            zn.put("headroom_end", w.headroom(z));
            if (w.lowestAtNs(z) != Long.MIN_VALUE) {
                zn.put("lowest_headroom", w.lowestHeadroom(z));
                zn.put("lowest_headroom_s", Summary.seconds(w.lowestAtNs(z)));
            }
        }
        ArrayNode rows = n.putArray("by_task");
        List<ReserveWatch.TaskRow> all = w.byTask();
        for (ReserveWatch.TaskRow t : all.subList(0, Math.min(TASK_ROWS, all.size()))) {
            ObjectNode tn = rows.addObject();
            tn.put("task", t.task());
            tn.put("gfp", t.gfp());
            tn.put("below_high", t.belowHigh());
            tn.put("below_low", t.belowLow());
            tn.put("below_min", t.belowMin());
            tn.put("no_watermarks", t.noWatermarks());
            tn.put("pages", t.pages());
            tn.put("refused", t.refused());
        }
        n.put("refused", w.refused());
        n.put("task_rows", all.size());
        n.put("task_rows_dropped", w.rowsDropped());
    }
}
