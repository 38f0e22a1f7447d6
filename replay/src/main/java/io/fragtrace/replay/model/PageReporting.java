package io.fragtrace.replay.model;

import io.fragtrace.replay.simulate.Watermarks;

import static io.fragtrace.replay.model.KernelSemantics.MIGRATE_ISOLATE;
import static io.fragtrace.replay.model.KernelSemantics.MIGRATE_TYPES;

/**
 * Free page reporting (mm/page_reporting.c, 5.7+; the 6.1 form with the per-list budget): free blocks at or above
 * the reporting order are taken off their free list in batches of {@code capacity}, reported to the host, and put
 * back at the tail marked PageReported; the mark goes when the block leaves the free list (allocation, split,
 * isolation or merge, see {@link BuddyModel}). Work is requested by frees at or above the order and runs
 * {@code delayNs} later for every zone.
 * <p>
 * Two drivers, one code: simulate mode runs it as the kernel does ({@link #markOnly} false: isolate, report, put back
 * at the tail, which may merge, rotate the list). Observed mode only marks what a reporting guest would have reported
 * at that instant: nothing moves, so the trace's own list order (and validate's exactness) stays as it was.
 * <p>
 * The start state is taken as unreported, with reporting registered at the first event (page_reporting_register()
 * requests a first pass).
 */
public final class PageReporting {
    /** PAGE_REPORTING_CAPACITY (include/linux/page_reporting.h). */
    public static final int PAGE_REPORTING_CAPACITY = 32;
    /** PAGE_REPORTING_DELAY (mm/page_reporting.c): 2 * HZ. */
    public static final long PAGE_REPORTING_DELAY_NS = 2_000_000_000L;

    static final int IDLE = 0;
    static final int REQUESTED = 1;
    static final int ACTIVE = 2;

    /** The zones' watermarks as the drivers know them. */
    public interface ZoneWatermarks {
        /** _watermark[which] of zone z (0 min, 1 low, 2 high), without boost. */
        long wmark(int z, int which);

        /** watermark_boost of zone z. */
        long boost(int z);

        /** nr_reserved_highatomic of zone z (unusable without ALLOC_HARDER). */
        long reservedHighatomic(int z);
    }

    private final BuddyModel m;
    private final ZoneWatermarks wm;
    /** page_reporting_order. */
    public final int order;
    public final int capacity;
    public final long delayNs;
    public final boolean markOnly;

    private int state = IDLE;
    private long workAtNs = Long.MAX_VALUE;
    private long nowNs = Long.MIN_VALUE;
    /** page_reporting_drain() frees with FPI_SKIP_REPORT_NOTIFY. */
    private boolean draining;
    /** The scatterlist: head pfn and order of each block in the batch, filled from the end as the kernel does. */
    private final long[] sgl;
    private final int[] sgOrder;
    private int offset;
    /** Mark-only mode: pages of the batch, which the kernel would have taken off the free list meanwhile. */
    private long inFlight;

    /** Pages marked reported now, per zone. */
    private final long[] reportedPages;
    /** Pages reported to the host so far (every report), per zone. */
    private final long[] reportedTotal;
    /** Reported pages that left the free list for an allocation, split or isolation (host fault-in), per zone. */
    private final long[] reallocated;
    /** Reported pages that merged into a larger free block (reported again later, no fault), per zone. */
    private final long[] merged;
    /** page_reporting_process() passes, report() calls, isolations refused by the watermark. */
    private long passes;
    private long reports;
    private long refused;

    public PageReporting(BuddyModel m, ZoneWatermarks wm, int order, int capacity, long delayNs, boolean markOnly) {
        this.m = m;
        this.wm = wm;
        this.order = order;
        this.capacity = capacity;
        this.delayNs = delayNs;
        this.markOnly = markOnly;
        this.sgl = new long[capacity];
        this.sgOrder = new int[capacity];
        int nz = m.zoneCount();
        reportedPages = new long[nz];
        reportedTotal = new long[nz];
        reallocated = new long[nz];
        merged = new long[nz];
        m.setReporting(this);
    }

    // ------------------------------------------------------------------ scheduling

    /** The driver's clock: runs page_reporting_process() when its delayed work is due. */
    public void advance(long ts) {
        if (nowNs == Long.MIN_VALUE) {
            nowNs = ts;
            state = IDLE;
            pageReportingRequest(); // page_reporting_register(): "Begin initial flush of zones"
        }
        nowNs = ts;
        if (ts >= workAtNs) {
            workAtNs = Long.MAX_VALUE;
            pageReportingProcess();
        }
    }

    /** page_reporting_notify_free() (mm/page_reporting.h): frees below the reporting order do not request work. */
    void notifyFree(int freedOrder) {
        if (draining || freedOrder < order) {
            return;
        }
        pageReportingRequest();
    }

    /** __page_reporting_request() (mm/page_reporting.c): REQUESTED; from IDLE the work is scheduled a delay later. */
    void pageReportingRequest() {
        if (state == REQUESTED) {
            return;
        }
        int was = state;
        state = REQUESTED;
        if (was != IDLE) {
            return;
        }
        workAtNs = nowNs == Long.MIN_VALUE ? Long.MAX_VALUE : nowNs + delayNs;
    }

    /** page_reporting_process() (mm/page_reporting.c): every zone, then idle unless re-requested during the pass. */
    void pageReportingProcess() {
        state = ACTIVE;
        passes++;
        for (int z = 0; z < m.zoneCount(); z++) {
            pageReportingProcessZone(z);
        }
        if (state == ACTIVE) {
            state = IDLE;
        } else if (state == REQUESTED) {
            workAtNs = nowNs + delayNs;
        }
    }

    // ------------------------------------------------------------------ the pass

    /**
     * page_reporting_process_zone() (mm/page_reporting.c, 6.1): nothing unless the zone is above low +
     * (capacity &lt;&lt; order) at order 0; each free list from the reporting order up, every migratetype but
     * ISOLATE, then the leftover batch.
     */
    void pageReportingProcessZone(int z) {
        offset = capacity;
        long mark = wm.wmark(z, 1) + wm.boost(z) + ((long) capacity << order);
        if (!order0Ok(z, mark)) {
            return;
        }
        for (int o = order; o < m.nrOrders(); o++) {
            for (int mt = 0; mt < MIGRATE_TYPES; mt++) {
                if (mt == MIGRATE_ISOLATE) {
                    continue;
                }
                pageReportingCycle(z, o, mt);
            }
        }
        int leftover = capacity - offset;
        if (leftover > 0) {
            report(z, leftover);
        }
    }

    /**
     * page_reporting_cycle() (mm/page_reporting.c, 6.1): walk free_list[mt] of this order skipping reported
     * blocks, isolate unreported ones into the batch; a full batch is reported (with the first unprocessed block
     * rotated to the head first) and the walk restarts at the head; a budget of
     * DIV_ROUND_UP(nr_free, capacity * 16) reports per list, beyond it the work is requested again.
     */
    void pageReportingCycle(int z, int o, int mt) {
        long page = m.freeListHeadPfn(z, o, mt);
        if (page < 0) {
            return;
        }
        long budget = (m.nrFree(z, o) + (long) capacity * 16 - 1) / ((long) capacity * 16);
        long stop = -1;
        while (page >= 0) {
            long next = m.listNextPfn(page);
            if (m.isReported(page)) {
                page = next;
                continue;
            }
            if (budget < 0) {
                state = REQUESTED;
                stop = page;
                break;
            }
            if (offset > 0) {
                if (!isolateOk(z, o)) {
                    stop = page;
                    break;
                }
                if (markOnly) {
                    inFlight += 1L << o;
                } else {
                    m.isolateFreePage(page, o); // __isolate_free_page()
                }
                sgl[--offset] = page;
                sgOrder[offset] = o;
                page = next;
                continue;
            }
            if (!markOnly) {
                m.rotateToFront(page);
            }
            report(z, capacity);
            budget--;
            // the kernel restarts at list_first_entry(); nothing moved in mark-only mode, so go on from here
            page = markOnly ? page : m.freeListHeadPfn(z, o, mt);
        }
        if (stop >= 0 && !markOnly) {
            m.rotateToFront(stop);
        }
    }

    /** prdev->report() then page_reporting_drain() (mm/page_reporting.c) of the last n entries of the batch. */
    private void report(int z, int n) {
        reports++;
        pageReportingDrain(z, offset, n);
        offset = capacity;
    }

    /**
     * page_reporting_drain() (mm/page_reporting.c): each reported block back with __putback_isolated_page()
     * (__free_one_page() with FPI_TO_TAIL and no notification, so it may merge) and marked reported only if it is
     * still a free block of the same order.
     */
    void pageReportingDrain(int z, int from, int n) {
        draining = true;
        for (int i = from; i < from + n; i++) {
            long page = sgl[i];
            int o = sgOrder[i];
            if (!markOnly) {
                m.freeOnePage(z, page, o, m.pageblockMigratetype(page), true);
            }
            if (m.kind(page) == BuddyModel.KIND_BUDDY && m.orderAt(page) == o && !m.isReported(page)) {
                m.setReported(page);
                reportedPages[z] += 1L << o;
            }
            reportedTotal[z] += 1L << o;
        }
        draining = false;
        inFlight = 0;
    }

    /** __isolate_free_page()'s check (mm/page_alloc.c, 6.1): order 0 above _watermark[WMARK_MIN] + 2^order. */
    private boolean isolateOk(int z, int o) {
        if (order0Ok(z, wm.wmark(z, 0) + (1L << o))) {
            return true;
        }
        refused++;
        return false;
    }

    /** zone_watermark_ok(zone, 0, mark, 0, ALLOC_CMA) (mm/page_alloc.c): the order-0 test, highatomic reserve unusable. */
    private boolean order0Ok(int z, long mark) {
        return Watermarks.order0Ok(m.freePages(z) - inFlight, 0, mark, 0, Watermarks.ALLOC_CMA,
                wm.reservedHighatomic(z));
    }

    // ------------------------------------------------------------------ accounting (from BuddyModel)

    /** A reported block of 2^o pages left the free list: merged (re-reported later) or taken (faulted in). */
    void cleared(int z, int o, boolean byMerge) {
        if (z < 0) {
            return;
        }
        reportedPages[z] -= 1L << o;
        if (byMerge) {
            merged[z] += 1L << o;
        } else {
            reallocated[z] += 1L << o;
        }
    }

    public long reportedPages(int z) {
        return reportedPages[z];
    }

    public long reportedTotal(int z) {
        return reportedTotal[z];
    }

    public long reallocated(int z) {
        return reallocated[z];
    }

    public long merged(int z) {
        return merged[z];
    }

    public long passes() {
        return passes;
    }

    public long reports() {
        return reports;
    }

    public long refused() {
        return refused;
    }

    /** Free pages in blocks at or above the reporting order in zone z (the share reported is of these). */
    public long freeAtOrAbove(int z) {
        long s = 0;
        for (int o = order; o < m.nrOrders(); o++) {
            s += m.nrFree(z, o) << o;
        }
        return s;
    }
}
