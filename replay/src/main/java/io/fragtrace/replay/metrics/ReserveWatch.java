package io.fragtrace.replay.metrics;

import io.fragtrace.parser.ParsedEvent;
import io.fragtrace.replay.model.BuddyModel;
import io.fragtrace.replay.model.PageReporting.ZoneWatermarks;
import io.fragtrace.replay.simulate.Watermarks;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static io.fragtrace.replay.simulate.Watermarks.WMARK_HIGH;
import static io.fragtrace.replay.simulate.Watermarks.WMARK_LOW;
import static io.fragtrace.replay.simulate.Watermarks.WMARK_MIN;

/**
 * Allocations against the zone's watermarks, one code for both drivers: each allocation is classed by the zone's
 * free pages when it was made (below min, low or high: {@link Watermarks#belowWmark}), and an allocation below what
 * its own gfp_to_alloc_flags() allows at min (__zone_watermark_ok() with ALLOC_MIN_RESERVE/NON_BLOCK) must have been
 * made with ALLOC_NO_WATERMARKS: a PFMEMALLOC page from the reserves (or an OOM victim's ALLOC_OOM). The headroom
 * above min is followed at every allocation (lowest point and when). Counts by task and gfp only for allocations
 * below high (few), so nothing allocates on the common path.
 */
public final class ReserveWatch {
    /** At most this many (task, gfp) rows are kept; the rest are counted in the totals only. */
    public static final int MAX_ROWS = 4096;
    /** gfp argument of {@link #allocation}: read it from the event, only when the allocation is below high. */
    public static final long GFP_OF_EVENT = Long.MIN_VALUE;

    private final BuddyModel m;
    private final ZoneWatermarks wm;
    /** Per zone: allocations made below min, low, high (each includes the lower ones) and with no watermark. */
    private final long[][] below;
    private final long[][] pagesBelow;
    private final long[] noWatermarks;
    private final long[] noWatermarkPages;
    private final long[] lowest;
    private final long[] lowestAtNs;
    private final Map<String, long[]> byTask = new HashMap<>();
    private long rowsDropped;
    private long refusedTotal;

    public ReserveWatch(BuddyModel m, ZoneWatermarks wm) {
        this.m = m;
        this.wm = wm;
        int nz = m.zoneCount();
        below = new long[nz][3];
        pagesBelow = new long[nz][3];
        noWatermarks = new long[nz];
        noWatermarkPages = new long[nz];
        lowest = new long[nz];
        lowestAtNs = new long[nz];
        java.util.Arrays.fill(lowest, Long.MAX_VALUE);
        java.util.Arrays.fill(lowestAtNs, Long.MIN_VALUE);
    }

    /** Watermarks known for zone z (a zone whose min is 0 has no zoneinfo behind it). */
    public boolean known(int z) {
        return wm.wmark(z, WMARK_HIGH) > 0;
    }

    /** Free pages above the min watermark (with boost) in zone z now; negative when the reserve is in use. */
    public long headroom(int z) {
        return m.freePages(z) - wm.wmark(z, WMARK_MIN) - wm.boost(z);
    }

    /**
     * An allocation of 2^order pages in zone z at timeNs, with freePages free before it (NR_FREE_PAGES, what the
     * kernel's check read), by the task and gfp of event e.
     */
    public void allocation(int z, long freePages, int order, long gfp, long timeNs, ParsedEvent e) {
        if (!known(z)) {
            return;
        }
        long boost = wm.boost(z);
        long min = wm.wmark(z, WMARK_MIN) + boost;
        long head = freePages - min;
        if (head < lowest[z]) {
            lowest[z] = head;
            lowestAtNs[z] = timeNs;
        }
        int level = Watermarks.belowWmark(freePages, min, wm.wmark(z, WMARK_LOW) + boost,
                wm.wmark(z, WMARK_HIGH) + boost);
        if (level > WMARK_HIGH) {
            return;
        }
        long pages = 1L << order;
        if (gfp == GFP_OF_EVENT) {
            gfp = e.gfpBits();
        }
        for (int w = level; w <= WMARK_HIGH; w++) {
            below[z][w]++;
            pagesBelow[z][w] += pages;
        }
        // the reserve flags the gfp alone earns at min; failing them means ALLOC_NO_WATERMARKS (or ALLOC_OOM)
        boolean reserves = level == WMARK_MIN && !Watermarks.order0Ok(freePages, 0, min, 0,
                Watermarks.gfpToAllocFlags(gfp, order, m.ks.allocReserveFlags()), wm.reservedHighatomic(z),
                m.ks.allocReserveFlags());
        if (reserves) {
            noWatermarks[z]++;
            noWatermarkPages[z] += pages;
        }
        long[] row = row(e);
        if (row == null) {
            return;
        }
        for (int w = level; w <= WMARK_HIGH; w++) {
            row[w]++;
        }
        if (reserves) {
            row[3]++;
        }
        row[4] += pages;
    }

    /** The last row looked up and its (comm, gfp) ids: runs of one task's allocations build no key string. */
    private int lastCommId = Integer.MIN_VALUE;
    private int lastGfpId = Integer.MIN_VALUE;
    private long[] lastRow;

    /** The (task, gfp) row of e, created when there is room; null when the table is full. */
    private long[] row(ParsedEvent e) {
        if (e != null && e.commId() == lastCommId && e.gfpId() == lastGfpId && lastRow != null) {
            return lastRow;
        }
        String key = e == null ? "?\t?" : e.comm() + "\t" + e.gfpText();
        long[] row = byTask.get(key);
        if (row == null) {
            if (byTask.size() >= MAX_ROWS) {
                rowsDropped++;
                return null;
            }
            row = new long[6];
            byTask.put(key, row);
        }
        if (e != null && e.commId() >= 0 && e.gfpId() >= 0) {
            lastCommId = e.commId();
            lastGfpId = e.gfpId();
            lastRow = row;
        }
        return row;
    }

    /** Simulate mode: a request the model's allocator refused (no page even after the slow path). */
    public void refused(ParsedEvent e) {
        refusedTotal++;
        long[] row = row(e);
        if (row != null) {
            row[5]++;
        }
    }

    /** Requests refused (simulate mode). */
    public long refused() {
        return refusedTotal;
    }

    /** Allocations made below watermark w (WMARK_MIN, WMARK_LOW, WMARK_HIGH) in zone z. */
    public long allocationsBelow(int z, int w) {
        return below[z][w];
    }

    public long pagesBelow(int z, int w) {
        return pagesBelow[z][w];
    }

    /** Allocations below min that their gfp's own reserve flags do not allow: ALLOC_NO_WATERMARKS (pfmemalloc). */
    public long noWatermarks(int z) {
        return noWatermarks[z];
    }

    public long noWatermarkPages(int z) {
        return noWatermarkPages[z];
    }

    /** Lowest headroom above min seen at an allocation (Long.MAX_VALUE if none), and when. */
    public long lowestHeadroom(int z) {
        return lowest[z];
    }

    public long lowestAtNs(int z) {
        return lowestAtNs[z];
    }

    public long rowsDropped() {
        return rowsDropped;
    }

    /** One (task, gfp) row: allocations below high, low, min, with no watermark, their pages, and refusals. */
    public record TaskRow(String task, String gfp, long belowHigh, long belowLow, long belowMin, long noWatermarks,
                          long pages, long refused) {
    }

    /** The rows, most refusals first, then most allocations below min, below low, below high. */
    public List<TaskRow> byTask() {
        List<TaskRow> out = new ArrayList<>();
        byTask.forEach((k, v) -> {
            int tab = k.indexOf('\t');
            out.add(new TaskRow(k.substring(0, tab), k.substring(tab + 1), v[WMARK_HIGH], v[WMARK_LOW], v[WMARK_MIN],
                    v[3], v[4], v[5]));
        });
        out.sort(Comparator.comparingLong(TaskRow::refused).thenComparingLong(TaskRow::belowMin).thenComparingLong(TaskRow::belowLow)
                .thenComparingLong(TaskRow::belowHigh).reversed().thenComparing(TaskRow::task));
        return out;
    }
}
