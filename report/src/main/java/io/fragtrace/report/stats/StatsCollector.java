package io.fragtrace.report.stats;

import io.fragtrace.parser.CompactStatus;
import io.fragtrace.parser.EventHandlers;
import io.fragtrace.parser.EventType;
import io.fragtrace.parser.Field;
import io.fragtrace.parser.Gfp;
import io.fragtrace.parser.MigrateMode;
import io.fragtrace.parser.MigrateReason;
import io.fragtrace.parser.ParseReport;
import io.fragtrace.parser.ParsedEvent;
import io.fragtrace.parser.TraceVisitor;

import java.util.Arrays;

/**
 * Counts what {@code perf kmem --page stat} and {@code trace-pagealloc-postprocess.pl} count, in one streaming pass.
 * Allocation-free on the hot path: counters live in primitive arrays indexed by order, migratetype, or the parser's
 * interned gfp/task ids; pages allocated in the trace are tracked in a {@link PageBitmap} bounded by modelled RAM.
 *
 * <p>Frees: since Linux 3.3 {@code mm_page_free} fires for every free (free_pages_prepare) and a page freed in a
 * batch gets {@code mm_page_free_batched} as well (free_unref_page_list, free_unref_folios), for the head pfn, always
 * printed with order=0 (6.12 batches order-9 folios too); checked on the 6.1 and 6.12 captures. So a batched
 * event whose page had an {@code mm_page_free} since the page's previous batched event is the same free, counted
 * once ("of which batched"). The pending mark is not cleared by an allocation: per-CPU ring buffers are merged by
 * timestamp, and with equal timestamps another CPU's refill and allocation of the page can be printed between the two
 * events of its free (seen once in mixed-churn-512M). A batched event with no pending {@code mm_page_free} (a trace
 * that starts in the middle of a batch) is counted as a free of its own.
 */
public final class StatsCollector implements TraceVisitor {
    /** Orders 0..MAX_ORDER_TRACKED are counted; anything else is an invalid order. */
    public static final int MAX_ORDER_TRACKED = 20;
    static final int ORDERS = MAX_ORDER_TRACKED + 1;
    /** Migratetypes 0..7 by number; slot 8 holds anything else. */
    static final int MT_SLOTS = 9;
    private static final int LIVE = 0;
    private static final int PENDING_BATCH = 1;

    final long[] allocReq = new long[ORDERS];
    final long[] allocPages = new long[ORDERS];
    final long[] allocMtReq = new long[MT_SLOTS];
    final long[] allocMtPages = new long[MT_SLOTS];
    final long[] failReq = new long[ORDERS];
    final long[] freeReq = new long[ORDERS];
    final long[] freePages = new long[ORDERS];
    long invalidOrderAllocs;
    long invalidOrderFrees;
    long invalidOrderFailures;
    long batchedEvents;
    long batchedDuplicates;
    long batchedOnly;

    // per gfp string id
    long[] gfpReq = new long[64];
    long[] gfpPages = new long[64];
    long[] gfpFail = new long[64];
    String[] gfpNames = new String[64];
    // per task name id
    long[] commAllocReq = new long[64];
    long[] commAllocPages = new long[64];
    long[] commFreeReq = new long[64];
    long[] commFreePages = new long[64];
    long[] commFail = new long[64];
    String[] commNames = new String[64];

    final long[] zoneLocked = new long[2];
    final long[] refill = new long[2];
    final long[] drain = new long[2];
    final long[] pcpuRefillEvent = new long[2];

    long extfrag;
    long extfragFragmenting;
    long extfragChangeOwnership;
    long extfragSevere;
    long extfragModerate;
    long pageblockOrder = -1;
    final long[][] extfragMatrix = new long[MT_SLOTS][MT_SLOTS];
    final long[][] extfragMatrixFragmenting = new long[MT_SLOTS][MT_SLOTS];

    final long[] endStatus = new long[CompactStatus.values().length];
    final long[] finishedRet = new long[CompactStatus.values().length];
    final long[] suitableRet = new long[CompactStatus.values().length];
    long beginSync;
    long beginAsync;
    final long[] tryToCompactByOrder = new long[ORDERS];
    long tryToCompactInvalidOrder;
    final long[] isolateMigrate = new long[3]; // events, scanned, taken
    final long[] isolateFree = new long[3];
    final long[] fastIsolateFree = new long[3];
    final long[] compactionMigrate = new long[3]; // events, migrated, failed
    final long[][] migrateByReason = new long[MigrateReason.values().length][3]; // events, succeeded, failed

    final KmemPageStat kmem = new KmemPageStat();
    final ExtfragTimeline extfragTimeline;
    final ExtfragPollution pollution = new ExtfragPollution();

    final PageBitmap pages = new PageBitmap();
    long pagesAllocated;
    long pagesReallocatedWithoutFree;
    long pagesFreedAfterAlloc;
    long pagesFreedNotAllocated;

    /** Extfrag buckets of about 200 over the trace span. */
    public StatsCollector() {
        this(0);
    }

    /** Extfrag buckets {@code intervalNs} wide (the replay's sample interval), or automatic for 0. */
    public StatsCollector(long intervalNs) {
        extfragTimeline = new ExtfragTimeline(intervalNs);
    }

    @Override
    public void onEvent(ParsedEvent e) {
        if (e.hasTimestamp()) {
            extfragTimeline.time(e.timestampNs());
        }
        handlers.onEvent(e);
    }

    /** What each event type counts. */
    private final EventHandlers handlers = new EventHandlers()
            .on(this::alloc, EventType.MM_PAGE_ALLOC)
            .on(e -> {
                int o = e.order();
                if (o >= 0 && o < ORDERS) {
                    kmem.free(e.pfn(), o);
                } else {
                    kmem.invalidOrder++;
                }
                free(e, o);
            }, EventType.MM_PAGE_FREE)
            .on(this::batched, EventType.MM_PAGE_FREE_BATCHED)
            .on(e -> {
                add(zoneLocked, e.order());
                if (e.get(Field.PERCPU_REFILL) != 0) {
                    add(refill, e.order());
                }
            }, EventType.MM_PAGE_ALLOC_ZONE_LOCKED)
            .on(e -> add(drain, e.order()), EventType.MM_PAGE_PCPU_DRAIN)
            .on(e -> add(pcpuRefillEvent, e.order()), EventType.MM_PAGE_PCPU_REFILL)
            .on(this::extfrag, EventType.MM_PAGE_ALLOC_EXTFRAG)
            .on(e -> {
                if (MigrateMode.byOrdinal(e.get(Field.MODE)) == MigrateMode.ASYNC) {
                    beginAsync++;
                } else if (e.has(Field.MODE)) {
                    beginSync++;
                }
            }, EventType.MM_COMPACTION_BEGIN)
            .on(e -> endStatus[CompactStatus.byOrdinal(e.get(Field.STATUS)).ordinal()]++, EventType.MM_COMPACTION_END)
            .on(e -> finishedRet[CompactStatus.byOrdinal(e.get(Field.STATUS)).ordinal()]++,
                    EventType.MM_COMPACTION_FINISHED)
            .on(e -> suitableRet[CompactStatus.byOrdinal(e.get(Field.STATUS)).ordinal()]++,
                    EventType.MM_COMPACTION_SUITABLE)
            .on(e -> {
                int o = e.order();
                if (o >= 0 && o < ORDERS) {
                    tryToCompactByOrder[o]++;
                } else {
                    tryToCompactInvalidOrder++;
                }
            }, EventType.MM_COMPACTION_TRY_TO_COMPACT_PAGES)
            .on(e -> scanTake(isolateMigrate, e), EventType.MM_COMPACTION_ISOLATE_MIGRATEPAGES)
            .on(e -> scanTake(isolateFree, e), EventType.MM_COMPACTION_ISOLATE_FREEPAGES)
            .on(e -> scanTake(fastIsolateFree, e), EventType.MM_COMPACTION_FAST_ISOLATE_FREEPAGES)
            .on(e -> {
                compactionMigrate[0]++;
                compactionMigrate[1] += e.get(Field.NR_MIGRATED);
                compactionMigrate[2] += e.get(Field.NR_FAILED);
            }, EventType.MM_COMPACTION_MIGRATEPAGES)
            .on(e -> {
                long[] r = migrateByReason[MigrateReason.byOrdinal(e.get(Field.REASON)).ordinal()];
                r[0]++;
                r[1] += e.get(Field.NR_SUCCEEDED);
                r[2] += e.get(Field.NR_FAILED);
            }, EventType.MM_MIGRATE_PAGES);

    private static void scanTake(long[] a, ParsedEvent e) {
        a[0]++;
        a[1] += e.get(Field.NR_SCANNED);
        a[2] += e.get(Field.NR_TAKEN);
    }

    private static void add(long[] reqPages, int order) {
        reqPages[0]++;
        if (order >= 0 && order < ORDERS) {
            reqPages[1] += 1L << order;
        }
    }

    private static int mtSlot(long mt) {
        return mt >= 0 && mt < MT_SLOTS - 1 ? (int) mt : MT_SLOTS - 1;
    }

    private void alloc(ParsedEvent e) {
        int order = e.order();
        boolean valid = order >= 0 && order < ORDERS;
        int gfp = e.gfpId();
        int comm = e.commId();
        if (gfp >= 0) {
            ensureGfp(gfp, e);
        }
        ensureComm(comm, e);
        long mt = e.has(Field.MIGRATETYPE) ? e.migratetype() : Gfp.migratetype(e.gfpBits());
        int slot = mtSlot(mt);
        if (valid) {
            kmem.alloc(e.pfn(), order, slot, gfp, gfp >= 0 ? gfpNames[gfp] : null, e.gfpBits(), e.isFailedAlloc());
            pollution.onAlloc(e, order, slot);
        } else {
            kmem.invalidOrder++;
        }
        if (e.isFailedAlloc()) {
            if (valid) {
                failReq[order]++;
            } else {
                invalidOrderFailures++;
            }
            if (gfp >= 0) {
                gfpFail[gfp]++;
            }
            commFail[comm]++;
            return;
        }
        if (!valid) {
            invalidOrderAllocs++;
            return;
        }
        long n = 1L << order;
        allocReq[order]++;
        allocPages[order] += n;
        allocMtReq[slot]++;
        allocMtPages[slot] += n;
        if (gfp >= 0) {
            gfpReq[gfp]++;
            gfpPages[gfp] += n;
        }
        commAllocReq[comm]++;
        commAllocPages[comm] += n;
        long pfn = e.pfn();
        if (plausible(pfn)) {
            pagesAllocated += n;
            pagesReallocatedWithoutFree += pages.set(LIVE, pfn, n);
        }
    }

    private void free(ParsedEvent e, int order) {
        int comm = e.commId();
        ensureComm(comm, e);
        if (order < 0 || order >= ORDERS) {
            invalidOrderFrees++;
            return;
        }
        long n = 1L << order;
        freeReq[order]++;
        freePages[order] += n;
        commFreeReq[comm]++;
        commFreePages[comm] += n;
        long pfn = e.pfn();
        if (!plausible(pfn)) {
            return;
        }
        long wasLive = pages.clear(LIVE, pfn, n);
        pagesFreedAfterAlloc += wasLive;
        pagesFreedNotAllocated += n - wasLive;
        if (e.type() == EventType.MM_PAGE_FREE) { // 6.12 batches folios up to pageblock order: batched prints order=0
            pages.set(PENDING_BATCH, pfn, 1);
        }
    }

    /** Page bookkeeping covers pfns below 2^52 (no machine has more physical address bits); others are garbage. */
    static boolean plausible(long pfn) {
        return pfn >= 0 && pfn < (1L << 52);
    }

    private void batched(ParsedEvent e) {
        batchedEvents++;
        if (pages.clear(PENDING_BATCH, e.pfn(), 1) == 1) {
            batchedDuplicates++;
        } else {
            batchedOnly++;
            free(e, (int) e.get(Field.ORDER));
        }
    }

    private void extfrag(ParsedEvent e) {
        extfrag++;
        long fallbackOrder = e.get(Field.FALLBACK_ORDER);
        if (e.has(Field.PAGEBLOCK_ORDER)) {
            pageblockOrder = e.get(Field.PAGEBLOCK_ORDER);
        }
        // the kernel prints fragmenting = fallback_order < pageblock_order (include/trace/events/kmem.h); perf and
        // trace-cmd mis-evaluate that expression and print fallback_order, so it is recomputed when it can be
        boolean fragmenting = e.has(Field.PAGEBLOCK_ORDER) || !e.has(Field.FRAGMENTING)
                ? pageblockOrder >= 0 && fallbackOrder < pageblockOrder
                : e.get(Field.FRAGMENTING) != 0;
        int a = mtSlot(e.get(Field.ALLOC_MIGRATETYPE));
        int f = mtSlot(e.get(Field.FALLBACK_MIGRATETYPE));
        boolean changeOwnership = e.get(Field.CHANGE_OWNERSHIP) != 0;
        if (e.hasTimestamp()) {
            extfragTimeline.add(e.timestampNs(), fragmenting, changeOwnership);
        }
        if (ExtfragPollution.isPollution(a, f)) {
            pollution.onExtfrag(e, (int) e.get(Field.ALLOC_ORDER), a, f, fragmenting, changeOwnership);
        }
        extfragMatrix[a][f]++;
        if (fragmenting) {
            extfragFragmenting++;
            extfragMatrixFragmenting[a][f]++;
            // trace-pagealloc-postprocess.pl: a fragmenting fallback from a block of order <= 3 is severe
            if (fallbackOrder <= 3) {
                extfragSevere++;
            } else {
                extfragModerate++;
            }
        }
        if (changeOwnership) {
            extfragChangeOwnership++;
        }
    }

    private void ensureGfp(int id, ParsedEvent e) {
        if (id >= gfpNames.length) {
            int n = Math.max(id + 1, gfpNames.length * 2);
            gfpNames = Arrays.copyOf(gfpNames, n);
            gfpReq = Arrays.copyOf(gfpReq, n);
            gfpPages = Arrays.copyOf(gfpPages, n);
            gfpFail = Arrays.copyOf(gfpFail, n);
        }
        if (gfpNames[id] == null) {
            gfpNames[id] = e.gfpName(id);
        }
    }

    private void ensureComm(int id, ParsedEvent e) {
        if (id >= commNames.length) {
            int n = Math.max(id + 1, commNames.length * 2);
            commNames = Arrays.copyOf(commNames, n);
            commAllocReq = Arrays.copyOf(commAllocReq, n);
            commAllocPages = Arrays.copyOf(commAllocPages, n);
            commFreeReq = Arrays.copyOf(commFreeReq, n);
            commFreePages = Arrays.copyOf(commFreePages, n);
            commFail = Arrays.copyOf(commFail, n);
        }
        if (commNames[id] == null) {
            commNames[id] = e.commName(id);
        }
    }

    /** The result, once the parse is done. */
    public TraceStats finish(ParseReport report) {
        return new TraceStats(report, this);
    }
}
