package io.fragtrace.report.stats;

import io.fragtrace.parser.CompactStatus;
import io.fragtrace.parser.EventType;
import io.fragtrace.parser.MigrateReason;
import io.fragtrace.parser.ParseReport;
import io.fragtrace.replay.model.Migratetypes;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** The numbers of {@code fragtrace stats}: a parse report plus the page-allocator counters of one pass. */
public final class TraceStats {
    /** Migratetype names of kernels ≥ 4.4 (include/linux/mmzone.h); 4 is CMA or ISOLATE depending on the config. */
    static final String[] MIGRATETYPE_NAMES = Stream.concat(
            Migratetypes.lowerCase(Migratetypes.MODEL.subList(0, 4)).stream(),
            Stream.of("cma/isolate", "isolate", "6", "7", "other")).toArray(String[]::new);

    /** Requests and pages of one order or migratetype. */
    public record Count(long requests, long pages) {
    }

    /** One row of a top-N table. */
    public record Row(String name, long allocRequests, long allocPages, long freeRequests, long freePages,
                      long failures) {
        long activity() {
            return allocRequests + freeRequests + failures;
        }
    }

    /** The first n rows and the sum of the rest. */
    public record Top(int distinct, List<Row> rows, Row rest) {
    }

    private final ParseReport report;
    private final StatsCollector c;

    TraceStats(ParseReport report, StatsCollector c) {
        this.report = report;
        this.c = c;
    }

    public ParseReport report() {
        return report;
    }

    /** Every event seen, known ones by their kernel name, unknown ones as printed; highest count first. */
    public Map<String, Long> eventsByName() {
        List<Map.Entry<String, Long>> all = new ArrayList<>();
        for (EventType t : EventType.values()) {
            if (report.count(t) > 0) {
                all.add(Map.entry(t.kernelName(), report.count(t)));
            }
        }
        all.addAll(report.unknownEvents().entrySet());
        all.sort(Map.Entry.<String, Long>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()));
        Map<String, Long> m = new LinkedHashMap<>();
        for (Map.Entry<String, Long> e : all) {
            m.merge(e.getKey(), e.getValue(), Long::sum);
        }
        return m;
    }

    public long events() {
        return report.totalEvents() + report.unknownEventCount();
    }

    // ---- allocations

    public Count allocations() {
        return sum(c.allocReq, c.allocPages);
    }

    public Count allocations(int order) {
        return new Count(c.allocReq[order], c.allocPages[order]);
    }

    public Count allocationsByMigratetype(int mt) {
        return new Count(c.allocMtReq[mt], c.allocMtPages[mt]);
    }

    public long allocationsInvalidOrder() {
        return c.invalidOrderAllocs;
    }

    public long failures() {
        long s = c.invalidOrderFailures;
        for (long v : c.failReq) {
            s += v;
        }
        return s;
    }

    public long failures(int order) {
        return c.failReq[order];
    }

    public long failuresInvalidOrder() {
        return c.invalidOrderFailures;
    }

    // ---- frees

    /** Frees counted once (a 6.1 batched page has two events, one free). */
    public Count frees() {
        return sum(c.freeReq, c.freePages);
    }

    public Count frees(int order) {
        return new Count(c.freeReq[order], c.freePages[order]);
    }

    public long freesInvalidOrder() {
        return c.invalidOrderFrees;
    }

    /** mm_page_free_batched events (each one a free counted in {@link #frees()}). */
    public long freesBatched() {
        return c.batchedEvents;
    }

    /** Batched events that followed an mm_page_free of the same page (the same free, counted once). */
    public long freesBatchedAlsoFree() {
        return c.batchedDuplicates;
    }

    /** Batched events with no mm_page_free for the page: counted as frees of their own. */
    public long freesBatchedOnly() {
        return c.batchedOnly;
    }

    /** Highest order with any allocation, failure or free (at least 10, the usual MAX_ORDER). */
    public int maxOrder() {
        int m = 10;
        for (int o = 0; o < StatsCollector.ORDERS; o++) {
            if (c.allocReq[o] + c.failReq[o] + c.freeReq[o] + c.tryToCompactByOrder[o] > 0) {
                m = Math.max(m, o);
            }
        }
        return m;
    }

    /** Highest migratetype slot used (at least 4). */
    public int maxMigratetype() {
        int m = 4;
        for (int i = 0; i < StatsCollector.MT_SLOTS; i++) {
            if (c.allocMtReq[i] > 0) {
                m = Math.max(m, i);
            }
            for (int j = 0; j < StatsCollector.MT_SLOTS; j++) {
                if (c.extfragMatrix[i][j] + c.extfragMatrix[j][i] > 0) {
                    m = Math.max(m, i);
                }
            }
        }
        return m;
    }

    public static String migratetypeName(int slot) {
        return MIGRATETYPE_NAMES[slot];
    }

    /** The number shown for a slot: its migratetype, or -1 for "other" (≥ 8 or negative). */
    public static int migratetypeNumber(int slot) {
        return slot == StatsCollector.MT_SLOTS - 1 ? -1 : slot;
    }

    // ---- top N

    /** Allocation requests by gfp string, most requests first. */
    public Top byGfp(int n) {
        List<Row> rows = new ArrayList<>();
        for (int id = 0; id < c.gfpNames.length; id++) {
            if (c.gfpNames[id] != null && c.gfpReq[id] + c.gfpFail[id] > 0) {
                rows.add(new Row(c.gfpNames[id], c.gfpReq[id], c.gfpPages[id], 0, 0, c.gfpFail[id]));
            }
        }
        return top(rows, n, Comparator.comparingLong(Row::allocRequests).reversed()
                .thenComparing(Comparator.comparingLong(Row::failures).reversed()));
    }

    /** Allocations and frees by task name, most allocation + free + failed requests first. */
    public Top byProcess(int n) {
        List<Row> rows = new ArrayList<>();
        for (int id = 0; id < c.commNames.length; id++) {
            if (c.commNames[id] != null) {
                Row r = new Row(c.commNames[id].isEmpty() ? "<no task>" : c.commNames[id], c.commAllocReq[id],
                        c.commAllocPages[id], c.commFreeReq[id], c.commFreePages[id], c.commFail[id]);
                if (r.activity() > 0) {
                    rows.add(r);
                }
            }
        }
        return top(rows, n, Comparator.comparingLong(Row::activity).reversed());
    }

    private static Top top(List<Row> rows, int n, Comparator<Row> order) {
        rows.sort(order.thenComparing(Row::name));
        List<Row> head = List.copyOf(rows.subList(0, Math.min(Math.max(n, 0), rows.size())));
        long[] s = new long[5];
        for (Row r : rows.subList(head.size(), rows.size())) {
            s[0] += r.allocRequests();
            s[1] += r.allocPages();
            s[2] += r.freeRequests();
            s[3] += r.freePages();
            s[4] += r.failures();
        }
        return new Top(rows.size(), head, new Row("(" + (rows.size() - head.size()) + " others)", s[0], s[1], s[2],
                s[3], s[4]));
    }

    // ---- per-CPU lists

    /** mm_page_alloc_zone_locked with percpu_refill=1: pages moved from the buddy to a per-CPU list. */
    public Count pcpRefills() {
        return new Count(c.refill[0], c.refill[1]);
    }

    /** Every mm_page_alloc_zone_locked (buddy removals on the allocation path). */
    public Count zoneLocked() {
        return new Count(c.zoneLocked[0], c.zoneLocked[1]);
    }

    /** mm_page_pcpu_drain: pages moved from a per-CPU list back to the buddy. */
    public Count pcpDrains() {
        return new Count(c.drain[0], c.drain[1]);
    }

    /** mm_page_pcpu_refill (mm tree only). */
    public Count pcpRefillEvents() {
        return new Count(c.pcpuRefillEvent[0], c.pcpuRefillEvent[1]);
    }

    // ---- extfrag

    public long extfragFallbacks() {
        return c.extfrag;
    }

    public long extfragFragmenting() {
        return c.extfragFragmenting;
    }

    public long extfragChangeOwnership() {
        return c.extfragChangeOwnership;
    }

    /** Fragmenting fallbacks that split a block of order ≤ 3. */
    public long extfragSevere() {
        return c.extfragSevere;
    }

    /** Fragmenting fallbacks that split a block of order > 3. */
    public long extfragModerate() {
        return c.extfragModerate;
    }

    /** pageblock_order printed by the last extfrag event, -1 if none. */
    public long pageblockOrder() {
        return c.pageblockOrder;
    }

    public long extfrag(int allocMt, int fallbackMt) {
        return c.extfragMatrix[allocMt][fallbackMt];
    }

    public long extfragFragmenting(int allocMt, int fallbackMt) {
        return c.extfragMatrixFragmenting[allocMt][fallbackMt];
    }

    /** mm_page_alloc_extfrag counts over time. */
    public ExtfragTimeline extfragOverTime() {
        return c.extfragTimeline;
    }

    /** Fallbacks that put unmovable or reclaimable pages into a movable pageblock, and who made them. */
    public ExtfragPollution extfragPollution() {
        return c.pollution;
    }

    // ---- perf kmem --page stat

    /** The numbers of {@code perf kmem --page stat}, with perf's definitions. */
    public KmemPageStat kmem() {
        return c.kmem;
    }

    // ---- compaction

    /** Compaction, kcompactd and migration events by kernel name (all of them, zero counts included). */
    public Map<String, Long> compactionEvents() {
        Map<String, Long> m = new LinkedHashMap<>();
        for (EventType t : EventType.values()) {
            if (t.kernelName().startsWith("mm_compaction_") || t.kernelName().startsWith("mm_migrate_pages")) {
                m.put(t.kernelName(), report.count(t));
            }
        }
        return m;
    }

    public long endStatus(CompactStatus s) {
        return c.endStatus[s.ordinal()];
    }

    public long finishedRet(CompactStatus s) {
        return c.finishedRet[s.ordinal()];
    }

    public long suitableRet(CompactStatus s) {
        return c.suitableRet[s.ordinal()];
    }

    public long beginSync() {
        return c.beginSync;
    }

    public long beginAsync() {
        return c.beginAsync;
    }

    public long tryToCompact(int order) {
        return c.tryToCompactByOrder[order];
    }

    /** {events, nr_scanned sum, nr_taken sum} of mm_compaction_isolate_migratepages. */
    public long[] isolateMigratepages() {
        return c.isolateMigrate.clone();
    }

    public long[] isolateFreepages() {
        return c.isolateFree.clone();
    }

    public long[] fastIsolateFreepages() {
        return c.fastIsolateFree.clone();
    }

    /** {events, nr_migrated sum, nr_failed sum} of mm_compaction_migratepages. */
    public long[] compactionMigratepages() {
        return c.compactionMigrate.clone();
    }

    /** {events, nr_succeeded sum, nr_failed sum} of mm_migrate_pages with this reason. */
    public long[] migratePages(MigrateReason r) {
        return c.migrateByReason[r.ordinal()].clone();
    }

    public long[] migratePages() {
        long[] s = new long[3];
        for (long[] r : c.migrateByReason) {
            for (int i = 0; i < 3; i++) {
                s[i] += r[i];
            }
        }
        return s;
    }

    // ---- pages still allocated

    /** Pages handed out by successful mm_page_alloc events. */
    public long pagesAllocated() {
        return c.pagesAllocated;
    }

    /** Of those, pages freed later in the trace. */
    public long pagesFreedAfterAlloc() {
        return c.pagesFreedAfterAlloc;
    }

    /** Pages allocated in the trace and not freed by its end. */
    public long pagesStillAllocated() {
        return c.pages.count(0);
    }

    /** Pages allocated again while still allocated in the trace's view (their free was not traced). */
    public long pagesReallocatedWithoutFree() {
        return c.pagesReallocatedWithoutFree;
    }

    /** Freed pages that were not allocated in the trace (allocated before it, or by an untraced path). */
    public long pagesFreedNotAllocated() {
        return c.pagesFreedNotAllocated;
    }

    /** False when pfns were spread over more than 1 TiB and page tracking stopped: the four numbers above are partial. */
    public boolean pageTrackingComplete() {
        return !c.pages.overflowed();
    }

    private static Count sum(long[] req, long[] pages) {
        long r = 0;
        long p = 0;
        for (int i = 0; i < req.length; i++) {
            r += req[i];
            p += pages[i];
        }
        return new Count(r, p);
    }
}
