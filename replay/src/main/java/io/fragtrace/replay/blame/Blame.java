package io.fragtrace.replay.blame;

import io.fragtrace.replay.blame.BlameResult.Allocation;
import io.fragtrace.replay.blame.BlameResult.Culprit;
import io.fragtrace.replay.blame.BlameResult.RangeClass;
import io.fragtrace.replay.model.BuddyModel;
import io.fragtrace.replay.model.Migratetypes;
import io.fragtrace.replay.model.Zone;
import io.fragtrace.replay.snapshot.KpageFlags;

import java.util.stream.Stream;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static io.fragtrace.replay.model.BuddyModel.KIND_BUDDY;
import static io.fragtrace.replay.model.BuddyModel.KIND_NONE;
import static io.fragtrace.replay.model.BuddyModel.KIND_PCP;
import static io.fragtrace.replay.model.KernelSemantics.MIGRATE_HIGHATOMIC;
import static io.fragtrace.replay.model.KernelSemantics.MIGRATE_ISOLATE;
import static io.fragtrace.replay.model.KernelSemantics.MIGRATE_MOVABLE;

/**
 * Why no free block of order N: every aligned order-N range of each zone that one free buddy block does not cover,
 * the pages standing in it and what pins it (as the kernel's free-list merge, __free_one_page(), and compaction's
 * migrate scanner, isolate_migratepages_block() in mm/compaction.c, would see them: only LRU/movable pages migrate).
 * One pass over the zones per analysis; owners are read by pfn index. Several analyses (one per failed allocation)
 * add up in the same tallies.
 */
public final class Blame {
    /** Allocations listed per range (the rest counted). */
    public static final int MAX_BLOCKERS = 32;
    /** Example allocations kept per culprit. */
    public static final int MAX_EXAMPLES = 3;

    /** Mobility of an allocated page. */
    static final byte MOVABLE = 1;
    static final byte UNMOVABLE = 2;
    static final byte UNKNOWN = 3;
    static final byte HOLE = 4;

    /** Migratetype culprit ids after the kernel's five: what is known of pages with no traced allocation. */
    static final int MT_BEFORE_SLAB = 5;
    static final int MT_BEFORE_LRU = 6;
    static final int MT_BEFORE_OTHER = 7;
    static final int MT_UNTRACED_MOVABLE_BLOCK = 8;
    static final int MT_UNTRACED_OTHER = 9;
    static final int MT_BEFORE_RESERVED = 10;
    static final String[] MT_NAMES = Stream.concat(Migratetypes.lowerCase(Migratetypes.MODEL).stream(), Stream.of(
            "(before trace: slab/page table)", "(before trace: LRU/anon/mapped)", "(before trace: other)",
            "(untraced: in a movable pageblock, a compaction target)", "(untraced: elsewhere)",
            "(before trace: reserved at boot or hole)")).toArray(String[]::new);

    private final PageOwners o;
    private final BuddyModel m;
    private final KpageFlags before;
    private final int order;
    private final int size;
    private final boolean keepRanges;
    private final Tally tasks = new Tally();
    private final Tally gfps = new Tally();
    private final Tally mts = new Tally();
    private final long[][] zoneClass;
    private final long[][] zoneReason;
    private final long[] zoneRanges;
    private final List<BlameResult.Range> ranges = new ArrayList<>();
    private final List<BlameResult.Failure> failures = new ArrayList<>();
    private int instants;
    private long lastNs = Long.MIN_VALUE;
    /** Mobility of each page of the range being looked at (0: not allocated). */
    private final byte[] mob;
    private int rangeSeq;

    /**
     * @param before     kpageflags of the start snapshot (mobility of pages allocated before the trace), or null
     * @param keepRanges list every range that is not free (one instant); off when aggregating failures
     */
    public Blame(PageOwners owners, KpageFlags before, int order, boolean keepRanges) {
        this.o = owners;
        this.m = owners.model();
        this.before = before;
        if (order < 0 || order >= m.nrOrders()) {
            throw new IllegalArgumentException("order " + order + " outside 0.." + (m.nrOrders() - 1));
        }
        this.order = order;
        this.size = 1 << order;
        this.keepRanges = keepRanges;
        this.mob = new byte[size];
        int zc = m.zoneCount();
        zoneClass = new long[zc][RangeClass.values().length];
        zoneReason = new long[zc][BlameResult.REASON_NAMES.size()];
        zoneRanges = new long[zc];
    }

    /** Analyses the model as it is now (instant timeNs), adding to the tallies; returns ranges per class. */
    public long[] analyse(long timeNs) {
        instants++;
        lastNs = timeNs;
        long[] byClass = new long[RangeClass.values().length];
        for (int z = 0; z < m.zoneCount(); z++) {
            Zone zone = m.zone(z);
            long first = (zone.start + size - 1) & -(long) size;
            for (long r = first; r + size <= zone.end; r += size) {
                zoneRanges[z]++;
                RangeClass c = range(z, r);
                zoneClass[z][c.ordinal()]++;
                byClass[c.ordinal()]++;
            }
        }
        return byClass;
    }

    /** Analyses a failed order-N allocation's instant (see {@link #analyse}) and remembers the failure. */
    public void failure(long timeNs, long line, String task, String gfp) {
        failures.add(new BlameResult.Failure(timeNs, line, task, gfp, analyse(timeNs)));
    }

    /** Classifies one range and tallies its culprits. */
    private RangeClass range(int z, long r) {
        long h = m.findBuddyHead(r);
        if (h >= 0 && m.orderAt(h) >= order) {
            return RangeClass.FREE;
        }
        Arrays.fill(mob, (byte) 0);
        int free = 0;
        int pcp = 0;
        int allocated = 0;
        int reasons = 0;
        int[] byMob = new int[5];
        long end = r + size;
        for (long p = r; p < end; ) {
            int kind = m.kind(p);
            if (kind == KIND_NONE) {
                byte b = mobility(p);
                mob[(int) (p - r)] = b;
                byMob[b]++;
                allocated++;
                p++;
                continue;
            }
            int len = 1 << m.orderAt(p);
            if (kind == KIND_BUDDY) {
                free += len;
            } else if (kind == KIND_PCP) {
                pcp += len;
                reasons |= BlameResult.REASON_PCP;
            } else {
                reasons |= BlameResult.REASON_TAKEN;
            }
            p += len;
        }
        for (long pb = r; pb < end; pb += 1L << Math.min(order, m.pageblockOrder())) {
            int t = m.pageblockMigratetype(pb);
            if (t == MIGRATE_HIGHATOMIC) {
                reasons |= BlameResult.REASON_HIGHATOMIC;
            } else if (t == MIGRATE_ISOLATE) {
                reasons |= BlameResult.REASON_ISOLATE;
            }
        }
        if (allocated == 0 && reasons == 0) {
            reasons = BlameResult.REASON_SPLIT;
        }
        RangeClass c;
        byte blocking;
        if (byMob[HOLE] > 0) {
            c = RangeClass.HOLE; // reserved at boot or no memory: never free, whatever else is in the range
            blocking = HOLE;
        } else if (byMob[UNMOVABLE] > 0) {
            c = RangeClass.PINNED;
            blocking = UNMOVABLE;
        } else if (reasons != 0) {
            c = RangeClass.RESERVED;
            blocking = 0;
        } else if (byMob[UNKNOWN] > 0) {
            c = RangeClass.UNKNOWN;
            blocking = UNKNOWN;
        } else {
            c = RangeClass.MOVABLE;
            blocking = MOVABLE;
        }
        if (c == RangeClass.RESERVED) {
            for (int i = 0; i < BlameResult.REASON_NAMES.size(); i++) {
                if ((reasons & (1 << i)) != 0) {
                    zoneReason[z][i]++;
                }
            }
        }
        rangeSeq++;
        List<Allocation> blockers = keepRanges ? new ArrayList<>() : null;
        int more = 0;
        if (blocking != 0) {
            for (int i = 0; i < size; i++) {
                if (mob[i] != blocking) {
                    continue;
                }
                long p = r + i;
                int task = o.task(p);
                int mt = mtKey(p);
                tasks.page(task, c, p, o);
                gfps.page(gfpKey(p), c, p, o);
                mts.page(mt, c, p, o);
                if (blockers != null && (i == 0 || mob[i - 1] != blocking || !sameAllocation(p - 1, p))) {
                    if (blockers.size() < MAX_BLOCKERS) {
                        blockers.add(allocation(p, runLength(r, i, blocking)));
                    } else {
                        more++;
                    }
                }
            }
            tasks.endRange(rangeSeq);
            gfps.endRange(rangeSeq);
            mts.endRange(rangeSeq);
        }
        if (blockers != null) {
            ranges.add(new BlameResult.Range(m.zone(z).name, r, c, reasons, free, pcp, allocated,
                    byMob[UNMOVABLE], byMob[MOVABLE], byMob[UNKNOWN] + byMob[HOLE], blockers, more));
        }
        return c;
    }

    /** Pages of the allocation (or untraced run) starting at range index i. */
    private long runLength(long r, int i, byte blocking) {
        long n = 1;
        while (i + n < size && mob[(int) (i + n)] == blocking && sameAllocation(r + i + n - 1, r + i + n)) {
            n++;
        }
        return n;
    }

    /** Whether two neighbouring pages belong to one traced allocation (or one run of untraced pages). */
    private boolean sameAllocation(long a, long b) {
        byte oa = o.origin(a);
        if (oa != o.origin(b)) {
            return false;
        }
        return oa != PageOwners.TRACED || o.line(a) == o.line(b) && o.timeNs(a) == o.timeNs(b);
    }

    private Allocation allocation(long p, long pages) {
        boolean traced = o.origin(p) == PageOwners.TRACED;
        return new Allocation(p, traced ? o.order(p) : -1, pages, o.taskName(o.task(p)), gfpName(gfpKey(p)),
                MT_NAMES[mtKey(p)], traced ? o.timeNs(p) : Long.MIN_VALUE, traced ? o.line(p) : -1);
    }

    /** What compaction could do with an allocated page. */
    private byte mobility(long p) {
        byte origin = o.origin(p);
        if (origin == PageOwners.TRACED) {
            return o.movable(p) ? MOVABLE : UNMOVABLE;
        }
        if (origin == PageOwners.UNTRACED) {
            // compaction's free scanner takes targets only from movable pageblocks (suitable_migration_target())
            return m.pageblockMigratetype(p) == MIGRATE_MOVABLE ? MOVABLE : UNKNOWN;
        }
        if (m.isUnknown(p) || before == null) {
            return UNKNOWN;
        }
        if (before.isHole(p) || before.isReserved(p)) {
            return HOLE;
        }
        return before.isUnmovableLike(p) ? UNMOVABLE : before.isMovableLike(p) ? MOVABLE : UNKNOWN;
    }

    private int mtKey(long p) {
        byte origin = o.origin(p);
        if (origin == PageOwners.TRACED) {
            return o.migratetype(p);
        }
        if (origin == PageOwners.UNTRACED) {
            return m.pageblockMigratetype(p) == MIGRATE_MOVABLE ? MT_UNTRACED_MOVABLE_BLOCK : MT_UNTRACED_OTHER;
        }
        if (before == null || m.isUnknown(p)) {
            return MT_BEFORE_OTHER;
        }
        return before.isHole(p) || before.isReserved(p) ? MT_BEFORE_RESERVED : before.isUnmovableLike(p)
                ? MT_BEFORE_SLAB : before.isMovableLike(p) ? MT_BEFORE_LRU : MT_BEFORE_OTHER;
    }

    /** gfp culprit id: 0 before the trace, 1 untraced, 2 traced without gfp flags, 3 + a traced gfp id. */
    private int gfpKey(long p) {
        byte origin = o.origin(p);
        return origin == PageOwners.TRACED ? o.gfp(p) + 3 : origin == PageOwners.BEFORE ? 0 : 1;
    }

    private String gfpName(int key) {
        return key == 0 ? "(before trace)" : key == 1 ? "(untraced allocation)" : key == 2 ? "(no gfp printed)"
                : o.gfpName(key - 3);
    }

    /** The result so far, culprits ranked by ranges blocked, then sole, then pages. */
    public BlameResult result(String at) {
        List<BlameResult.ZoneCounts> zones = new ArrayList<>();
        for (int z = 0; z < m.zoneCount(); z++) {
            Zone zone = m.zone(z);
            zones.add(new BlameResult.ZoneCounts(zone.nid, zone.name, zoneRanges[z], zoneClass[z].clone(),
                    zoneReason[z].clone()));
        }
        return new BlameResult(order, lastNs, at, instants, zones, tasks.ranked(o::taskName),
                gfps.ranked(this::gfpName), mts.ranked(k -> MT_NAMES[k]), List.copyOf(ranges), List.copyOf(failures));
    }

    /** Culprit counters of one kind (task, gfp or migratetype), indexed by culprit id. */
    private final class Tally {
        long[] ranges = new long[16];
        long[] sole = new long[16];
        long[] pinned = new long[16];
        long[] movable = new long[16];
        long[] unknown = new long[16];
        long[] pages = new long[16];
        long[] firstNs = new long[16];
        long[] lastNs = new long[16];
        int[] stamp = new int[16];
        List<List<Allocation>> examples = new ArrayList<>();
        /** Culprits seen in the current range. */
        int[] cur = new int[16];
        int curN;
        RangeClass curClass;

        private void grow(int id) {
            if (id >= ranges.length) {
                int n = Math.max(id + 1, ranges.length * 2);
                ranges = Arrays.copyOf(ranges, n);
                sole = Arrays.copyOf(sole, n);
                pinned = Arrays.copyOf(pinned, n);
                movable = Arrays.copyOf(movable, n);
                unknown = Arrays.copyOf(unknown, n);
                pages = Arrays.copyOf(pages, n);
                int old = firstNs.length;
                firstNs = Arrays.copyOf(firstNs, n);
                lastNs = Arrays.copyOf(lastNs, n);
                Arrays.fill(firstNs, old, n, Long.MAX_VALUE);
                Arrays.fill(lastNs, old, n, Long.MIN_VALUE);
                stamp = Arrays.copyOf(stamp, n);
            }
            while (examples.size() <= id) {
                examples.add(null);
            }
        }

        Tally() {
            Arrays.fill(firstNs, Long.MAX_VALUE);
            Arrays.fill(lastNs, Long.MIN_VALUE);
        }

        /** A blocking page p of culprit id in a range of class c. */
        void page(int id, RangeClass c, long p, PageOwners owners) {
            grow(id);
            curClass = c;
            pages[id]++;
            if (owners.origin(p) == PageOwners.TRACED) {
                long t = owners.timeNs(p);
                firstNs[id] = Math.min(firstNs[id], t);
                lastNs[id] = Math.max(lastNs[id], t);
            }
            if (stamp[id] != rangeSeq) {
                stamp[id] = rangeSeq;
                if (curN == cur.length) {
                    cur = Arrays.copyOf(cur, curN * 2);
                }
                cur[curN++] = id;
                List<Allocation> ex = examples.get(id);
                if (ex == null) {
                    ex = new ArrayList<>();
                    examples.set(id, ex);
                }
                if (ex.size() < MAX_EXAMPLES) {
                    ex.add(allocation(p, 1));
                }
            }
        }

        void endRange(int seq) {
            for (int i = 0; i < curN; i++) {
                int id = cur[i];
                ranges[id]++;
                if (curN == 1) {
                    sole[id]++;
                }
                switch (curClass) {
                    case PINNED -> pinned[id]++;
                    case MOVABLE -> movable[id]++;
                    default -> unknown[id]++;
                }
            }
            curN = 0;
        }

        List<Culprit> ranked(java.util.function.IntFunction<String> name) {
            List<Culprit> out = new ArrayList<>();
            for (int id = 0; id < Math.min(ranges.length, examples.size()); id++) {
                if (ranges[id] > 0) {
                    out.add(new Culprit(name.apply(id), ranges[id], sole[id], pinned[id], movable[id], unknown[id],
                            pages[id], firstNs[id] == Long.MAX_VALUE ? Long.MIN_VALUE : firstNs[id], lastNs[id],
                            List.copyOf(examples.get(id))));
                }
            }
            out.sort((a, b) -> a.ranges() != b.ranges() ? Long.compare(b.ranges(), a.ranges())
                    : a.sole() != b.sole() ? Long.compare(b.sole(), a.sole())
                    : a.pages() != b.pages() ? Long.compare(b.pages(), a.pages()) : a.name().compareTo(b.name()));
            return out;
        }
    }
}
