package io.fragtrace.report.stats;

import io.fragtrace.parser.Gfp;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * What {@code perf kmem --page stat} counts, with its definitions (tools/perf/builtin-kmem.c:
 * evsel__process_page_alloc_event, evsel__process_page_free_event, print_page_summary), in one streaming pass:
 * <ul>
 * <li>every {@code mm_page_alloc} is an allocation request, a failed one too (and also a failure);
 * every {@code mm_page_free} is a free request ({@code mm_page_free_batched} is not read, as perf does not);</li>
 * <li>a free is matched by its pfn alone to a live allocation (perf's page_live_tree): matched frees are
 * "alloc+freed" requests (counted with the free's order), unmatched ones "free-only"; "alloc-only" = allocation
 * requests − alloc+freed. A pfn allocated again while live keeps its first allocation's gfp and migratetype;</li>
 * <li>the order × migratetype table counts successful allocation requests (perf's order_stats); in {@code --live}
 * form a matched free takes one off the free's order and the live allocation's migratetype;</li>
 * <li>rows are (order, migratetype, gfp) with requests ("hits") and bytes, as perf's caller table without the
 * callsite; in live form a matched free takes one request and its bytes off the row of (free's order, live
 * allocation's migratetype and gfp), and rows at zero disappear.</li>
 * </ul>
 * Bytes are kept as 4 KiB pages ({@code KB = pages × 4}). Memory: the live table holds one entry per allocated and
 * not yet freed head pfn (bounded by the RAM the trace touches; capped at {@link #MAX_LIVE} entries, past which
 * {@link #complete()} is false), the rows one entry per distinct (order, migratetype, gfp string), at most
 * {@link #MAX_ROWS} (then gfp {@code <other>}).
 */
public final class KmemPageStat {
    static final int MAX_LIVE = (int) Math.min(1 << 25, Runtime.getRuntime().maxMemory() / 128);
    /** Rows kept per (order, migratetype, gfp); past this, new gfp strings go to the parser's {@code <other>} id 0. */
    static final int MAX_ROWS = 1 << 16;
    private static final int ORDERS = StatsCollector.ORDERS;
    private static final int MTS = StatsCollector.MT_SLOTS;

    long nrAllocs;
    long allocPages;
    long nrFrees;
    long freePages;
    long nrNomatch;
    long nomatchPages;
    long nrFails;
    long failPages;
    long invalidOrder;
    /** Live-row decrements that found no row (a free whose order differs from the allocation's; perf stops there). */
    long liveRowMissing;

    final long[][] orderMt = new long[ORDERS][MTS];
    final long[][] liveOrderMt = new long[ORDERS][MTS];

    private final LiveAllocTable live = new LiveAllocTable(MAX_LIVE);
    private final LongLongTable rowIndex = new LongLongTable(64, Integer.MAX_VALUE);
    private long[] rowKey = new long[64];
    private long[] rowReq = new long[64];
    private long[] rowPages = new long[64];
    private long[] rowLiveReq = new long[64];
    private long[] rowLivePages = new long[64];
    private int rows;
    private String[] gfpNames = new String[64];
    /** The gfp bits of each name as the parser decoded them (the trace's kernel's layout when the bundle tells it). */
    private long[] gfpBits = new long[64];

    /**
     * One mm_page_alloc with a valid order: {@code slot} its migratetype slot, {@code gfpId} -1 without gfp,
     * {@code bits} the gfp mask (the kernel's raw value: perf's {@code -s gfp} orders by it).
     */
    void alloc(long pfn, int order, int slot, int gfpId, String gfpName, long bits, boolean failed) {
        long n = 1L << order;
        nrAllocs++;
        allocPages += n;
        if (failed) {
            nrFails++;
            failPages += n;
            return;
        }
        if (gfpId >= gfpNames.length) {
            gfpNames = Arrays.copyOf(gfpNames, Math.max(gfpId + 1, gfpNames.length * 2));
            gfpBits = Arrays.copyOf(gfpBits, gfpNames.length);
        }
        if (gfpId >= 0 && gfpNames[gfpId] == null) {
            gfpNames[gfpId] = gfpName;
            gfpBits[gfpId] = bits;
        }
        long key = key(gfpId, order, slot);
        if (rows >= MAX_ROWS && rowIndex.get(key, -1) < 0) { // a hostile number of distinct gfp strings
            key = key(io.fragtrace.parser.ByteInterner.OTHER, order, slot);
            if (gfpNames[0] == null) {
                gfpNames[0] = "<other>";
            }
        }
        live.putIfAbsent(pfn, (int) key);
        int r = row(key);
        rowReq[r]++;
        rowPages[r] += n;
        rowLiveReq[r]++;
        rowLivePages[r] += n;
        orderMt[order][slot]++;
        liveOrderMt[order][slot]++;
    }

    /** One mm_page_free with a valid order. */
    void free(long pfn, int order) {
        long n = 1L << order;
        nrFrees++;
        freePages += n;
        int v = live.remove(pfn);
        if (v < 0) {
            nrNomatch++;
            nomatchPages += n;
            return;
        }
        int slot = v & 0xf;
        liveOrderMt[order][slot]--;
        long r = rowIndex.get(key((v >>> 9) - 1, order, slot), -1);
        if (r < 0) {
            liveRowMissing++;
        } else {
            rowLiveReq[(int) r]--;
            rowLivePages[(int) r] -= n;
        }
    }

    /** (gfp id + 1) << 9 | order << 4 | slot: fits an int (the parser interns at most 2^16 gfp strings). */
    private static long key(int gfpId, int order, int slot) {
        return ((long) (gfpId + 1) << 9) | ((long) order << 4) | slot;
    }

    private int row(long key) {
        long r = rowIndex.get(key, -1);
        if (r >= 0) {
            return (int) r;
        }
        if (rows == rowKey.length) {
            int n = rows * 2;
            rowKey = Arrays.copyOf(rowKey, n);
            rowReq = Arrays.copyOf(rowReq, n);
            rowPages = Arrays.copyOf(rowPages, n);
            rowLiveReq = Arrays.copyOf(rowLiveReq, n);
            rowLivePages = Arrays.copyOf(rowLivePages, n);
        }
        rowKey[rows] = key;
        rowIndex.putIfAbsent(key, rows);
        return rows++;
    }

    // ---- the numbers

    /** Every mm_page_alloc (with an order of 0..20), failed ones included: perf's "Total allocation requests". */
    public TraceStats.Count allocationRequests() {
        return new TraceStats.Count(nrAllocs, allocPages);
    }

    /** Every mm_page_free: perf's "Total free requests". */
    public TraceStats.Count freeRequests() {
        return new TraceStats.Count(nrFrees, freePages);
    }

    /** Frees of a pfn that was allocated and live in the trace: perf's "Total alloc+freed requests". */
    public TraceStats.Count allocFreed() {
        return new TraceStats.Count(nrFrees - nrNomatch, freePages - nomatchPages);
    }

    /** Allocation requests minus alloc+freed: perf's "Total alloc-only requests". */
    public TraceStats.Count allocOnly() {
        TraceStats.Count af = allocFreed();
        return new TraceStats.Count(nrAllocs - af.requests(), allocPages - af.pages());
    }

    /** Frees with no live allocation of their pfn: perf's "Total free-only requests". */
    public TraceStats.Count freeOnly() {
        return new TraceStats.Count(nrNomatch, nomatchPages);
    }

    /** perf's "Total allocation failures". */
    public TraceStats.Count failures() {
        return new TraceStats.Count(nrFails, failPages);
    }

    /** mm_page_alloc/mm_page_free with an order outside 0..20: left out of every number here. */
    public long invalidOrder() {
        return invalidOrder;
    }

    public long liveRowMissing() {
        return liveRowMissing;
    }

    /** False when more than {@link #MAX_LIVE} allocations were live at once and later ones were not tracked. */
    public boolean complete() {
        return !live.overflowed();
    }

    /** Successful allocation requests of an order and migratetype slot; {@code live}: still live at the end. */
    public long orderMigratetype(int order, int slot, boolean live) {
        return (live ? liveOrderMt : orderMt)[order][slot];
    }

    /** One (order, migratetype, gfp) row. {@code gfpValue}: the flags' bits as {@link Gfp} decodes them. */
    public record Row(int order, int migratetypeSlot, String gfpFlags, String gfpCompact, long gfpValue,
                      long requests, long pages) {
        /** perf's insertion order for rows equal on every sort key: order, migratetype, gfp value, lowest first. */
        static final Comparator<Row> INPUT_ORDER = Comparator.comparingInt(Row::order)
                .thenComparingInt(Row::migratetypeSlot).thenComparingLong(Row::gfpValue)
                .thenComparing(Row::gfpFlags);
    }

    /** The rows in {@code sort} order; {@code live}: what is still allocated at the end (rows at zero left out). */
    public List<Row> rows(KmemSort sort, boolean live) {
        List<Row> out = new ArrayList<>();
        for (int r = 0; r < rows; r++) {
            long req = live ? rowLiveReq[r] : rowReq[r];
            if (req == 0) {
                continue;
            }
            long k = rowKey[r];
            int gfpId = (int) (k >>> 9) - 1;
            String flags = gfpId >= 0 && gfpId < gfpNames.length && gfpNames[gfpId] != null ? gfpNames[gfpId] : "";
            long bits = gfpId >= 0 && gfpId < gfpNames.length && gfpNames[gfpId] != null ? gfpBits[gfpId] : 0;
            out.add(new Row((int) ((k >>> 4) & 0x1f), (int) (k & 0xf), flags, GfpCompact.of(flags),
                    bits & 0xffffffffffL, req, live ? rowLivePages[r] : rowPages[r]));
        }
        out.sort(sort.comparator());
        return out;
    }

    /** One legend line: perf's abbreviation and the flags as printed. */
    public record LegendEntry(String compact, String flags) {
    }

    /** The gfp flags of the rows, lowest value first (as perf's legend). */
    public List<LegendEntry> legend() {
        List<Row> all = rows(KmemSort.DEFAULT, false);
        all.sort(Comparator.comparingLong(Row::gfpValue).thenComparing(Row::gfpFlags));
        List<LegendEntry> out = new ArrayList<>();
        for (Row r : all) {
            if (out.isEmpty() || !out.get(out.size() - 1).flags().equals(r.gfpFlags())) {
                out.add(new LegendEntry(r.gfpCompact(), r.gfpFlags()));
            }
        }
        return out;
    }

    /** perf prints KB of 4 KiB pages. */
    public static long kb(long pages) {
        return pages * 4;
    }
}
