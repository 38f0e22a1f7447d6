package io.fragtrace.report.pfnmap;

import io.fragtrace.replay.model.BuddyModel;
import io.fragtrace.replay.model.KernelSemantics;
import io.fragtrace.replay.model.Migratetypes;
import io.fragtrace.replay.model.Zone;

import java.util.ArrayList;
import java.util.List;

/**
 * What a pfn map shows, taken from a {@link BuddyModel} at one instant by one pass over its page states: per zone,
 * one cell code per page (zones of at most {@link #PAGE_CELLS_MAX_PAGEBLOCKS} pageblocks in all) or one per
 * pageblock (larger machines: the frame then holds a byte per pageblock, never one per page), the migratetype of
 * every pageblock and whether it is mixed (holds a page allocated for another migratetype than its own, the rule of
 * the model's mixed-pageblock count). Rendered by {@link PfnMapImage}.
 */
public final class PfnFrame {
    /** Up to this many pageblocks in all zones the map has a cell per page (2 GiB with 2 MiB pageblocks). */
    public static final int PAGE_CELLS_MAX_PAGEBLOCKS = 1024;

    // cell codes, per page
    static final byte HOLE = 0;
    static final byte UNKNOWN = 1;
    static final byte PCP = 2;
    /** Taken off the free lists, not yet handed out: isolated by compaction, or an allocation in flight. */
    static final byte TAKEN = 3;
    /** FREE + order: a page of a free buddy block of that order. */
    static final byte FREE = 4;
    /** ALLOC + migratetype: allocated, for that migratetype (the traced allocation's gfp). */
    static final byte ALLOC = 24;
    /** UNTAGGED + pageblock migratetype: allocated before the trace told its migratetype (or a tail page). */
    static final byte UNTAGGED = 32;
    // cell codes, per pageblock
    /** The whole pageblock free. */
    static final byte PB_FREE = 40;
    /** PB_USED + pageblock migratetype: at least half of it allocated. */
    static final byte PB_USED = 48;
    /** PB_PARTLY_FREE + pageblock migratetype: more than half of it free. */
    static final byte PB_PARTLY_FREE = 56;

    /** One zone of the frame: its pageblocks from {@code firstPb} (index of the pageblock holding zone.start). */
    public record ZoneCells(int nid, String name, long start, long end, long firstPbPfn, int pageblocks,
                            byte[] pbType, boolean[] pbMixed, byte[] cells, long mixed) {
    }

    public final String label;
    public final long timeNs;
    public final boolean perPage;
    public final int pageblockOrder;
    public final int nrOrders;
    /** log2 of the memory-region size in pages, 0 when regions are off. */
    public final int regionShift;
    public final List<ZoneCells> zones;

    private PfnFrame(String label, long timeNs, boolean perPage, int pageblockOrder, int nrOrders, int regionShift,
                     List<ZoneCells> zones) {
        this.label = label;
        this.timeNs = timeNs;
        this.perPage = perPage;
        this.pageblockOrder = pageblockOrder;
        this.nrOrders = nrOrders;
        this.regionShift = regionShift;
        this.zones = zones;
    }

    /** Mixed pageblocks of all zones. */
    public long mixed() {
        return zones.stream().mapToLong(ZoneCells::mixed).sum();
    }

    /** Whether a model this size is drawn a cell per page. */
    public static boolean perPage(BuddyModel m) {
        long pbs = 0;
        for (Zone z : m.zones()) {
            pbs += pageblocks(z, m.pageblockOrder());
        }
        return pbs <= PAGE_CELLS_MAX_PAGEBLOCKS;
    }

    private static int pageblocks(Zone z, int pbOrder) {
        if (z.end <= z.start) {
            return 0;
        }
        return (int) (((z.end - 1) >> pbOrder) - (z.start >> pbOrder) + 1);
    }

    /**
     * The frame of the model now: one pass over the pfns of every zone with pages.
     *
     * @param regionShift log2 of the memory-region size in pages (0: no regions drawn)
     */
    public static PfnFrame capture(BuddyModel m, String label, long timeNs, int regionShift) {
        return capture(m, label, timeNs, regionShift, false);
    }

    /** @param walk a cell per pageblock by a pass over every page even when the model's counters would do */
    static PfnFrame capture(BuddyModel m, String label, long timeNs, int regionShift, boolean walk) {
        boolean perPage = perPage(m);
        if (!perPage && !walk && m.unknownPages() == 0) {
            return byPageblock(m, label, timeNs, regionShift);
        }
        int pbOrder = m.pageblockOrder();
        long pbPages = 1L << pbOrder;
        List<ZoneCells> out = new ArrayList<>();
        for (Zone z : m.zones()) {
            int pbs = pageblocks(z, pbOrder);
            if (pbs == 0 || z.present == 0) {
                continue;
            }
            long firstPb = z.start & -pbPages;
            byte[] type = new byte[pbs];
            boolean[] mixed = new boolean[pbs];
            byte[] cells = new byte[perPage ? (int) (pbs * pbPages) : pbs];
            long mixedCount = 0;
            long runEnd = -1;
            byte runCode = 0;
            for (int b = 0; b < pbs; b++) {
                long s = firstPb + b * pbPages;
                int mt = m.pageblockMigratetype(s);
                type[b] = (byte) mt;
                long free = 0;
                long inZone = 0;
                long unknown = 0;
                for (long pfn = s; pfn < s + pbPages; pfn++) {
                    byte code;
                    if (!z.spans(pfn)) {
                        code = HOLE;
                    } else {
                        inZone++;
                        if (pfn < runEnd) {
                            code = runCode;
                        } else {
                            int kind = m.kind(pfn);
                            int order = m.orderAt(pfn);
                            if (kind == BuddyModel.KIND_BUDDY || kind == BuddyModel.KIND_PCP
                                    || kind == BuddyModel.KIND_TAKEN) {
                                code = kind == BuddyModel.KIND_BUDDY ? (byte) (FREE + order)
                                        : kind == BuddyModel.KIND_PCP ? PCP : TAKEN;
                                runEnd = pfn + (1L << order);
                                runCode = code;
                            } else if (m.isUnknown(pfn)) {
                                code = UNKNOWN;
                            } else {
                                int tag = m.allocMigratetype(pfn);
                                if (tag >= 0) {
                                    code = (byte) (ALLOC + tag);
                                    if (tag != mt) {
                                        mixed[b] = true;
                                    }
                                    if (m.isCompoundHead(pfn) && order > 0) {
                                        runEnd = pfn + (1L << order);
                                        runCode = code;
                                    }
                                } else {
                                    code = (byte) (UNTAGGED + Math.max(0, Math.min(7, mt)));
                                }
                            }
                        }
                        if (code >= FREE && code < ALLOC) {
                            free++;
                        } else if (code == UNKNOWN) {
                            unknown++;
                        }
                    }
                    if (perPage) {
                        cells[(int) (b * pbPages + (pfn - s))] = code;
                    }
                }
                if (mixed[b]) {
                    mixedCount++;
                }
                if (!perPage) {
                    int t = Math.max(0, Math.min(7, mt));
                    cells[b] = unknown * 2 > inZone ? UNKNOWN : free == inZone ? PB_FREE
                            : free * 2 > inZone ? (byte) (PB_PARTLY_FREE + t) : (byte) (PB_USED + t);
                }
            }
            out.add(new ZoneCells(z.nid, z.name, z.start, z.end, firstPb, pbs, type, mixed, cells, mixedCount));
        }
        return new PfnFrame(label, timeNs, perPage, pbOrder, m.nrOrders(), regionShift, List.copyOf(out));
    }

    /**
     * A cell per pageblock without a pass over the pages (a machine of any size): free pages per pageblock from the
     * free lists, mixed pageblocks from the model's maintained counters ({@link BuddyModel#pageblockMixed}).
     */
    private static PfnFrame byPageblock(BuddyModel m, String label, long timeNs, int regionShift) {
        int pbOrder = m.pageblockOrder();
        long pbPages = 1L << pbOrder;
        List<ZoneCells> out = new ArrayList<>();
        for (int zi = 0; zi < m.zoneCount(); zi++) {
            Zone z = m.zone(zi);
            int pbs = pageblocks(z, pbOrder);
            if (pbs == 0 || z.present == 0) {
                continue;
            }
            long firstPb = z.start & -pbPages;
            long[] free = new long[pbs];
            for (int o = 0; o < m.nrOrders(); o++) {
                for (int mt = 0; mt < KernelSemantics.MIGRATE_TYPES; mt++) {
                    for (long pfn : m.freeList(zi, o, mt)) {
                        long end = pfn + (1L << o);
                        for (long p = pfn; p < end; p = (p | (pbPages - 1)) + 1) {
                            free[(int) ((p - firstPb) >> pbOrder)] += Math.min(end, (p | (pbPages - 1)) + 1) - p;
                        }
                    }
                }
            }
            byte[] type = new byte[pbs];
            boolean[] mixed = new boolean[pbs];
            byte[] cells = new byte[pbs];
            long mixedCount = 0;
            for (int b = 0; b < pbs; b++) {
                long s = firstPb + b * pbPages;
                int mt = m.pageblockMigratetype(s);
                type[b] = (byte) mt;
                mixed[b] = m.pageblockMixed(zi, s);
                mixedCount += mixed[b] ? 1 : 0;
                long inZone = Math.min(s + pbPages, z.end) - Math.max(s, z.start);
                int t = Math.max(0, Math.min(7, mt));
                cells[b] = free[b] == inZone ? PB_FREE
                        : free[b] * 2 > inZone ? (byte) (PB_PARTLY_FREE + t) : (byte) (PB_USED + t);
            }
            out.add(new ZoneCells(z.nid, z.name, z.start, z.end, firstPb, pbs, type, mixed, cells, mixedCount));
        }
        return new PfnFrame(label, timeNs, false, pbOrder, m.nrOrders(), regionShift, List.copyOf(out));
    }

    /** Migratetype names as /proc/pagetypeinfo prints them (no CMA in the model). */
    static String typeName(int mt) {
        return mt >= 0 && mt < Migratetypes.MODEL.size() ? Migratetypes.MODEL.get(mt) : "type " + mt;
    }
}
