package io.fragtrace.replay.model;

import java.util.Arrays;
import java.util.List;

import static io.fragtrace.replay.model.KernelSemantics.MIGRATE_MOVABLE;
import static io.fragtrace.replay.model.KernelSemantics.MIGRATE_TYPES;
import static io.fragtrace.replay.model.KernelSemantics.MIGRATE_UNMOVABLE;
import static io.fragtrace.replay.model.KernelSemantics.migratetypeIsMergeable;

/**
 * The buddy allocator of one machine as plain arrays: per pfn one state byte (kind + order + compound flag), per
 * pageblock one migratetype byte, and doubly linked lists (int links in lazily allocated 8 Mi-pfn chunks) for every
 * {@code zone->free_area[order].free_list[mt]} and every per-CPU list {@code pcp->lists[pindex]}, kept in the
 * kernel's own list order. The methods mirror the kernel functions they are named after (mm/page_alloc.c unless
 * noted); version differences come from {@link KernelSemantics}.
 * <p>
 * Memory: 2 bytes of state per pfn + 1 byte per pageblock + 8 bytes of links per pfn only in chunks that hold list
 * members. A chunk's link array (32 MB) is a humongous object for G1 at any region size, so the collector places it
 * once; the 64 Ki-pfn chunks of 256 KB it replaced were copied from young to old while they filled (at 1 TiB, 8,192 of
 * them: seconds of GC). Nothing allocates per operation except the first touch of a chunk.
 */
public final class BuddyModel {
    /** Page state kinds (bits 4-5 of the state byte). NONE = allocated, a tail page, or a hole. */
    public static final int KIND_NONE = 0;
    /** Head of a free buddy block (PageBuddy, buddy_order in the low bits). */
    public static final int KIND_BUDDY = 1;
    /** Head of a block on a per-CPU list. */
    public static final int KIND_PCP = 2;
    /** Taken off the buddy by mm_page_alloc_zone_locked (percpu_refill=0) or extfrag, mm_page_alloc pending. */
    public static final int KIND_TAKEN = 3;
    private static final int ORDER_MASK = 0x0f;
    private static final int KIND_SHIFT = 4;
    private static final int COMPOUND = 0x40;
    /** Bits 7-9: the migratetype of the free list a buddy head sits on. */
    private static final int MT_SHIFT = 7;
    /** Bit 10: nothing is known about this page yet (start state without a dump). */
    private static final int UNKNOWN = 0x400;
    /** Bit 11: PageReported, set by {@link PageReporting}; any other state write clears it. */
    private static final int REPORTED = 0x800;

    private static final int CHUNK_SHIFT = 23;
    private static final int CHUNK_MASK = (1 << CHUNK_SHIFT) - 1;

    public final KernelSemantics ks;
    private final int nrOrders;
    private final int maxOrder;
    private final int pbOrder;
    private final int nrPcp;
    /** First pfn modelled (aligned to the largest block). */
    private final long base;
    /** Number of pfns modelled. */
    private final int n;
    private final short[] state;
    private final byte[] pbMt;
    private final int[][] nextC;
    private final int[][] prevC;
    /** When the free blocks fast_find_migrateblock() searches joined their lists (observed mode's search timing). */
    public final FreeListStamps stamps = new FreeListStamps();
    /** pcp list id of every per-CPU list member (few; the buddy list id comes from the state bits). */
    private final IntIntMap pcpListOf = new IntIntMap(1024);
    private final Zone[] zones;
    private final byte[] zoneOfChunk;
    private int maxCpus;
    private final int nBuddyLists;
    private int[] head;
    private int[] tail;
    private int[] count;
    private long allocatedChunks;
    private long lastCaptured = -1;
    /** Pageblocks per migratetype and mixed pageblocks per zone, maintained (see {@link PageblockCounters}). */
    private final PageblockCounters pbc;
    /** Free pages per memory region, maintained at list add/del once {@link #trackRegions} is called. */
    private RegionCounters regions;
    /** Free pages on the buddy lists per zone, maintained at list add/del (NR_FREE_PAGES without the pcp). */
    private final long[] zoneFree;
    /** Free page reporting, null when off: told of frees at or above its order and of reported blocks leaving. */
    private PageReporting reporting;
    /** Returned by freeOnePage when compaction_capture() took the block. */
    public static final long CAPTURED = -2;

    public BuddyModel(KernelSemantics ks, List<Zone> zoneList, int maxCpus) {
        this.ks = ks;
        this.nrOrders = ks.nrOrders();
        this.maxOrder = ks.maxOrder();
        this.pbOrder = ks.pageblockOrder();
        this.nrPcp = ks.nrPcpLists();
        this.zones = zoneList.toArray(new Zone[0]);
        if (zones.length == 0) {
            throw new IllegalArgumentException("no zones");
        }
        long align = 1L << Math.max(maxOrder, pbOrder);
        long lo = Long.MAX_VALUE;
        long hi = 0;
        for (Zone z : zones) {
            lo = Math.min(lo, z.start);
            hi = Math.max(hi, z.end);
        }
        this.base = lo & -align;
        long end = (hi + align - 1) & -align;
        if (end - base > Integer.MAX_VALUE - (1 << 16)) {
            throw new IllegalArgumentException("model of " + (end - base) + " pfns is too large (max 2^31)");
        }
        this.n = (int) (end - base);
        this.state = new short[n];
        this.pbMt = new byte[(int) ((long) n >> pbOrder) + 1];
        int chunks = (int) (((long) n + CHUNK_MASK) >>> CHUNK_SHIFT);
        this.nextC = new int[chunks][];
        this.prevC = new int[chunks][];
        this.zoneOfChunk = new byte[chunks];
        this.maxCpus = Math.max(1, maxCpus);
        this.nBuddyLists = zones.length * nrOrders * MIGRATE_TYPES;
        int lists = nBuddyLists + zones.length * this.maxCpus * nrPcp;
        head = new int[lists];
        tail = new int[lists];
        count = new int[lists];
        Arrays.fill(head, -1);
        Arrays.fill(tail, -1);
        // default pageblock type: movable (memmap_init_range sets MIGRATE_MOVABLE at each pageblock_aligned pfn of a
        // zone); a pageblock whose first pfn is in no zone (x86 DMA starts at pfn 1) keeps its zeroed bits: UNMOVABLE
        Arrays.fill(pbMt, (byte) MIGRATE_MOVABLE);
        for (Zone z : zones) {
            long first = z.start & -(1L << pbOrder);
            if (first != z.start && Arrays.stream(zones).noneMatch(o -> o.spans(first))) {
                pbMt[(int) ((first - base) >> pbOrder)] = (byte) MIGRATE_UNMOVABLE;
            }
        }
        this.pbc = new PageblockCounters(zones, base, pbOrder, state, pbMt);
        this.zoneFree = new long[zones.length];
    }

    // ------------------------------------------------------------------ topology

    public List<Zone> zones() {
        return List.of(zones);
    }

    public Zone zone(int i) {
        return zones[i];
    }

    public int zoneCount() {
        return zones.length;
    }

    public int nrOrders() {
        return nrOrders;
    }

    public int pageblockOrder() {
        return pbOrder;
    }

    public int maxCpus() {
        return maxCpus;
    }

    public long basePfn() {
        return base;
    }

    public long endPfn() {
        return base + n;
    }

    /** Index of the zone spanning pfn, -1 if none. */
    public int zoneOf(long pfn) {
        for (int i = 0; i < zones.length; i++) {
            if (pfn >= zones[i].start && pfn < zones[i].end) {
                return i;
            }
        }
        return -1;
    }

    // ------------------------------------------------------------------ page state

    private int rel(long pfn) {
        return (int) (pfn - base);
    }

    public int kind(long pfn) {
        return (state[rel(pfn)] >> KIND_SHIFT) & 3;
    }

    public int orderAt(long pfn) {
        return state[rel(pfn)] & ORDER_MASK;
    }

    public boolean isCompoundHead(long pfn) {
        return (state[rel(pfn)] & COMPOUND) != 0;
    }

    private void setState(int r, int kind, int order) {
        put(r, (kind << KIND_SHIFT) | order);
    }

    /** Writes the state bits of r, keeping its UNKNOWN bit (only {@link #markKnown} clears that). */
    private void put(int r, int v) {
        int old = state[r];
        state[r] = (short) ((state[r] & UNKNOWN) | v);
        pbc.stateWritten(r, old);
        if ((old & REPORTED) != 0 && (v & REPORTED) == 0 && reporting != null) {
            reporting.cleared(zoneOf(base + r), old & ORDER_MASK, false);
        }
    }

    /** The gfp-migratetype tag of an allocated head (see {@link #markAllocated(long, int, boolean, int)}), or -1. */
    static int tag(int s) {
        return ((s >> KIND_SHIFT) & 3) == KIND_NONE ? ((s >> MT_SHIFT) & 7) - 1 : -1;
    }

    /**
     * The migratetype an allocated head was allocated for (gfp_migratetype(), when its mm_page_alloc was traced), or
     * -1 (a free, per-CPU or tail page, or one allocated before the start state).
     */
    public int allocMigratetype(long pfn) {
        return tag(state[rel(pfn)]);
    }

    /** Marks an allocated block head (compound pages are skipped whole by the free scanner). */
    public void markAllocated(long pfn, int order, boolean compound) {
        int r = rel(pfn);
        put(r, compound && order > 0 ? (COMPOUND | order) : 0);
    }

    /**
     * Marks an allocated block head with the migratetype its allocation asked for (gfp_migratetype()), kept in the
     * state's list-migratetype bits, which an allocated page does not use. Read by {@link #mixedPageblocks}.
     */
    public void markAllocated(long pfn, int order, boolean compound, int allocMt) {
        markAllocated(pfn, order, compound);
        if (allocMt >= 0 && allocMt < KernelSemantics.MIGRATE_TYPES) {
            int r = rel(pfn);
            int old = state[r];
            state[r] = (short) (state[r] | (allocMt + 1) << MT_SHIFT);
            pbc.stateWritten(r, old);
        }
    }

    /**
     * Pageblocks of zone z holding a page allocated (in the trace) for another migratetype than the pageblock's:
     * the pollution that makes compaction fail. Pages allocated before the start state carry no migratetype and do
     * not count. Maintained: costs O(1) plus a scan of the zone's few edge pageblocks ({@link PageblockCounters}).
     */
    public long mixedPageblocks(int z) {
        return pbc.mixed(z, zones[z]);
    }

    /** {@link #mixedPageblocks} by a pass over every pfn of the zone (the recount tests compare with). */
    public long mixedPageblocksByScan(int z) {
        return pbc.mixedIn(zones[z].start, zones[z].end);
    }

    /**
     * Whether the pageblock holding pfn is mixed within zone z, as {@link #mixedPageblocks} counts it: O(1) from the
     * maintained counters (a scan of the pageblock at a zone edge).
     */
    public boolean pageblockMixed(int z, long pfn) {
        return pbc.mixedAt((int) ((pfn - base) >> pbOrder), zones[z]);
    }

    public int pageblockMigratetype(long pfn) {
        return pbMt[(int) ((pfn - base) >> pbOrder)];
    }

    /** set_pageblock_migratetype(). */
    public void setPageblockMigratetype(long pfn, int mt) {
        pbc.setType((int) ((pfn - base) >> pbOrder), mt);
    }

    /** Pageblocks of zone z (every one overlapping it) whose migratetype is mt, maintained: pagetypeinfo's count. */
    public long pageblocksOfType(int z, int mt) {
        return pbc.ofType(z, mt);
    }

    public long pageblockCount() {
        return (long) n >> pbOrder;
    }

    /** The migratetype of the list a listed block sits on (buddy or pcp). */
    public int listMigratetype(long pfn) {
        int r = rel(pfn);
        if (((state[r] >> KIND_SHIFT) & 3) == KIND_BUDDY) {
            return (state[r] >> MT_SHIFT) & 7;
        }
        int pindex = (pcpListOf.get(r) - nBuddyLists) % nrPcp;
        int low = KernelSemantics.MIGRATE_PCPTYPES * (KernelSemantics.PAGE_ALLOC_COSTLY_ORDER + 1);
        return pindex >= low ? (pindex == low + 1 ? MIGRATE_MOVABLE : 0) : pindex % KernelSemantics.MIGRATE_PCPTYPES;
    }

    /** CPU of the per-CPU list holding pfn. */
    public int pcpCpuOf(long pfn) {
        int id = pcpListOf.get(rel(pfn)) - nBuddyLists;
        return (id / nrPcp) % maxCpus;
    }

    /** Head pfn of the free buddy block containing pfn, or -1. */
    public long findBuddyHead(long pfn) {
        return findHead(pfn, KIND_BUDDY);
    }

    /** Head pfn of the per-CPU block containing pfn, or -1. */
    public long findPcpHead(long pfn) {
        return findHead(pfn, KIND_PCP);
    }

    /** Whether pfn lies in a free buddy block or a per-CPU block: findBuddyHead or findPcpHead, in one pass. */
    public boolean inFreeOrPcpBlock(long pfn) {
        if (pfn < base || pfn >= base + n) {
            return false;
        }
        int r = rel(pfn);
        for (int o = 0; o < nrOrders; o++) {
            int h = r & -(1 << o);
            int s = state[h];
            int kind = (s >> KIND_SHIFT) & 3;
            if ((kind == KIND_BUDDY || kind == KIND_PCP) && r - h < (1 << (s & ORDER_MASK))) {
                return true;
            }
        }
        return false;
    }

    /** Head of the block of this kind containing pfn: the aligned head at some order whose block reaches pfn. */
    private long findHead(long pfn, int kind) {
        if (pfn < base || pfn >= base + n) {
            return -1;
        }
        int r = rel(pfn);
        for (int o = 0; o < nrOrders; o++) {
            int h = r & -(1 << o);
            int s = state[h];
            if (((s >> KIND_SHIFT) & 3) == kind && r - h < (1 << (s & ORDER_MASK))) {
                return base + h;
            }
        }
        return -1;
    }

    // ------------------------------------------------------------------ lists

    private int link(int[][] c, int r) {
        int[] a = c[r >>> CHUNK_SHIFT];
        return a == null ? -1 : a[r & CHUNK_MASK];
    }

    private void setLink(int[][] c, int r, int v) {
        c[r >>> CHUNK_SHIFT][r & CHUNK_MASK] = v;
    }

    private void ensureChunk(int r) {
        int c = r >>> CHUNK_SHIFT;
        if (nextC[c] == null) {
            int len = Math.min(1 << CHUNK_SHIFT, n - (c << CHUNK_SHIFT)); // the last chunk ends with the model
            nextC[c] = new int[len];
            prevC[c] = new int[len];
            allocatedChunks++;
        }
    }

    /** The list a member sits on: buddy lists from the state bits, per-CPU lists from the side map. */
    private int listIdOf(int r) {
        int s = state[r];
        if (((s >> KIND_SHIFT) & 3) == KIND_BUDDY) {
            return buddyList(zoneOf(base + r), s & ORDER_MASK, (s >> MT_SHIFT) & 7);
        }
        return pcpListOf.get(r);
    }

    /** Links r into list id; the caller has set state[r] (kind, order, and for buddy lists the mt bits). */
    private void listAdd(int id, int r, boolean toTail) {
        ensureChunk(r);
        if (id >= nBuddyLists) {
            pcpListOf.put(r, id);
        }
        int h = head[id];
        if (h < 0) {
            head[id] = r;
            tail[id] = r;
            setLink(nextC, r, -1);
            setLink(prevC, r, -1);
        } else if (toTail) {
            int t = tail[id];
            setLink(prevC, r, t);
            setLink(nextC, r, -1);
            setLink(nextC, t, r);
            tail[id] = r;
        } else {
            setLink(nextC, r, h);
            setLink(prevC, r, -1);
            setLink(prevC, h, r);
            head[id] = r;
        }
        count[id]++;
        if (id < nBuddyLists) {
            stamps.added((id / MIGRATE_TYPES) % nrOrders, r);
            zoneFree[id / (nrOrders * MIGRATE_TYPES)] += listPages(id);
        }
        if (regions != null) {
            regions.add(base + r, listPages(id), 1);
        }
    }

    private void listDel(int r) {
        int id = listIdOf(r);
        if (id >= nBuddyLists) {
            pcpListOf.remove(r);
        }
        unlink(id, r);
    }

    /** listDel of a buddy head whose zone is known (no zone lookup). */
    private void listDelBuddy(int z, int r) {
        int s = state[r];
        unlink(buddyList(z, s & ORDER_MASK, (s >> MT_SHIFT) & 7), r);
    }

    /** list_del() of member r from list id. */
    private void unlink(int id, int r) {
        int p = link(prevC, r);
        int nx = link(nextC, r);
        if (p >= 0) {
            setLink(nextC, p, nx);
        } else {
            head[id] = nx;
        }
        if (nx >= 0) {
            setLink(prevC, nx, p);
        } else {
            tail[id] = p;
        }
        count[id]--;
        if (id < nBuddyLists) {
            stamps.removed((id / MIGRATE_TYPES) % nrOrders, r);
            zoneFree[id / (nrOrders * MIGRATE_TYPES)] -= listPages(id);
        }
        if (regions != null) {
            regions.add(base + r, listPages(id), -1);
        }
    }

    /** Pages of one member of list id: 2^order of a buddy list, pindex_to_order() of a per-CPU list. */
    private int listPages(int id) {
        return id < nBuddyLists ? 1 << (id / MIGRATE_TYPES) % nrOrders
                : 1 << ks.pindexToOrder((id - nBuddyLists) % nrPcp);
    }

    /** Keeps free pages per memory region of 2^shift pfns (from pfn 0) up to date from now on (one list pass). */
    public void trackRegions(int shift) {
        regions = new RegionCounters(shift, base + n);
        for (int id = 0; id < head.length; id++) {
            for (int r = head[id]; r >= 0; r = link(nextC, r)) {
                regions.add(base + r, listPages(id), 1);
            }
        }
    }

    /** The region size trackRegions counts with, -1 when it is off. */
    public int regionShift() {
        return regions == null ? -1 : regions.shift;
    }

    /** Free pages (buddy and per-CPU lists) in memory region reg; 0 outside the model or before trackRegions. */
    public long regionFreePages(int reg) {
        return regions == null ? 0 : regions.get(reg);
    }

    private int buddyList(int z, int order, int mt) {
        return (z * nrOrders + order) * MIGRATE_TYPES + mt;
    }

    private int pcpListId(int z, int cpu, int pindex) {
        if (cpu >= maxCpus) {
            growCpus(cpu + 1);
        }
        return nBuddyLists + (z * maxCpus + cpu) * nrPcp + pindex;
    }

    private void growCpus(int newMax) {
        // re-home the per-CPU lists: list ids change, so rewrite every pcp member's id
        int oldMax = maxCpus;
        int lists = nBuddyLists + zones.length * newMax * nrPcp;
        int[] nh = Arrays.copyOf(head, lists);
        int[] nt = Arrays.copyOf(tail, lists);
        int[] nc = Arrays.copyOf(count, lists);
        Arrays.fill(nh, nBuddyLists, lists, -1);
        Arrays.fill(nt, nBuddyLists, lists, -1);
        Arrays.fill(nc, nBuddyLists, lists, 0);
        for (int z = 0; z < zones.length; z++) {
            for (int cpu = 0; cpu < oldMax; cpu++) {
                for (int p = 0; p < nrPcp; p++) {
                    int oldId = nBuddyLists + (z * oldMax + cpu) * nrPcp + p;
                    int newId = nBuddyLists + (z * newMax + cpu) * nrPcp + p;
                    nh[newId] = head[oldId];
                    nt[newId] = tail[oldId];
                    nc[newId] = count[oldId];
                }
            }
        }
        head = nh;
        tail = nt;
        count = nc;
        final int om = oldMax;
        pcpListOf.replaceValues(id -> {
            int rel = id - nBuddyLists;
            int zc = rel / nrPcp;
            return nBuddyLists + ((zc / om) * newMax + zc % om) * nrPcp + rel % nrPcp;
        });
        maxCpus = newMax;
    }

    /** Free blocks on zone->free_area[order].free_list[mt], head first (allocates; not for the hot path). */
    public long[] freeList(int z, int order, int mt) {
        int id = buddyList(z, order, mt);
        long[] out = new long[count[id]];
        int i = 0;
        for (int r = head[id]; r >= 0; r = link(nextC, r)) {
            out[i++] = base + r;
        }
        return out;
    }

    /** Pages on pcp->lists[pindex] of cpu, head first. */
    public long[] pcpList(int z, int cpu, int pindex) {
        if (cpu >= maxCpus) {
            return new long[0];
        }
        int id = pcpListId(z, cpu, pindex);
        long[] out = new long[count[id]];
        int i = 0;
        for (int r = head[id]; r >= 0; r = link(nextC, r)) {
            out[i++] = base + r;
        }
        return out;
    }

    /** Head pfn of zone->free_area[order].free_list[mt], -1 when empty (list_first_entry; for simulate mode). */
    public long freeListHeadPfn(int z, int order, int mt) {
        int h = head[buddyList(z, order, mt)];
        return h < 0 ? -1 : base + h;
    }

    /** Tail pfn of zone->free_area[order].free_list[mt], -1 when empty (list_last_entry). */
    public long freeListTailPfn(int z, int order, int mt) {
        int t = tail[buddyList(z, order, mt)];
        return t < 0 ? -1 : base + t;
    }

    /** The pfn after pfn on whatever list holds it, -1 at the end (list walk; for simulate mode's region order). */
    public long listNextPfn(long pfn) {
        int nx = link(nextC, rel(pfn));
        return nx < 0 ? -1 : base + nx;
    }

    /** The pfn before pfn on whatever list holds it, -1 at the head (list_for_each_entry_reverse). */
    public long listPrevPfn(long pfn) {
        int p = link(prevC, rel(pfn));
        return p < 0 ? -1 : base + p;
    }

    /** Head pfn of pcp->lists[pindex] of cpu, -1 when empty (list_first_entry; for simulate mode). */
    public long pcpHeadPfn(int z, int cpu, int pindex) {
        int h = head[pcpListId(z, cpu, pindex)];
        return h < 0 ? -1 : base + h;
    }

    /** Tail pfn of pcp->lists[pindex] of cpu, -1 when empty (list_last_entry; for simulate mode). */
    public long pcpTailPfn(int z, int cpu, int pindex) {
        int t = tail[pcpListId(z, cpu, pindex)];
        return t < 0 ? -1 : base + t;
    }

    public int freeListLength(int z, int order, int mt) {
        return count[buddyList(z, order, mt)];
    }

    /** zone->free_area[order].nr_free. */
    public long nrFree(int z, int order) {
        long s = 0;
        for (int mt = 0; mt < MIGRATE_TYPES; mt++) {
            s += count[buddyList(z, order, mt)];
        }
        return s;
    }

    /** Free pages on the buddy lists of a zone (NR_FREE_PAGES without the pcp), maintained at list add/del. */
    public long freePages(int z) {
        return zoneFree[z];
    }

    /** Pages on all per-CPU lists of a zone (pcp->count summed). */
    public long pcpPages(int z) {
        long s = 0;
        for (int cpu = 0; cpu < maxCpus; cpu++) {
            s += pcpCount(z, cpu);
        }
        return s;
    }

    /** pcp->count of one CPU. */
    public long pcpCount(int z, int cpu) {
        if (cpu >= maxCpus) {
            return 0;
        }
        long s = 0;
        for (int p = 0; p < nrPcp; p++) {
            s += (long) count[pcpListId(z, cpu, p)] << ks.pindexToOrder(p);
        }
        return s;
    }

    /** Head pfn of the block the last capture took. */
    public long lastCaptured() {
        return lastCaptured;
    }

    private long unknownPages;

    /** Start state without a dump: every page of every zone is unknown (and not free) until an event touches it. */
    public void markAllUnknown() {
        unknownPages = 0;
        for (Zone z : zones) {
            for (long p = z.start; p < z.end; p++) {
                int r = rel(p);
                if ((state[r] & UNKNOWN) == 0) {
                    state[r] |= UNKNOWN;
                    unknownPages++;
                }
            }
        }
    }

    public boolean isUnknown(long pfn) {
        return unknownPages != 0 && (state[rel(pfn)] & UNKNOWN) != 0;
    }

    /** Any page of [pfn, pfn + 2^order) unknown? */
    public boolean anyUnknown(long pfn, int order) {
        if (unknownPages == 0) {
            return false;
        }
        long end = Math.min(pfn + (1L << order), base + n);
        for (long p = pfn; p < end; p++) {
            if ((state[rel(p)] & UNKNOWN) != 0) {
                return true;
            }
        }
        return false;
    }

    /** An event told us about [pfn, pfn + 2^order): those pages are known from now on. */
    public void markKnown(long pfn, int order) {
        if (unknownPages == 0) {
            return;
        }
        long end = Math.min(pfn + (1L << order), base + n);
        for (long p = pfn; p < end; p++) {
            int r = rel(p);
            if ((state[r] & UNKNOWN) != 0) {
                state[r] &= ~UNKNOWN;
                unknownPages--;
            }
        }
    }

    /** Pages whose state no event has told yet. */
    public long unknownPages() {
        return unknownPages;
    }

    /** Share of the zones' spanned pages still unknown (0 with a dump start). */
    public double unknownFraction() {
        long spanned = 0;
        for (Zone z : zones) {
            spanned += z.spanned();
        }
        return spanned == 0 ? 0 : unknownPages / (double) spanned;
    }

    public long chunksAllocated() {
        return allocatedChunks;
    }

    // ------------------------------------------------------------------ buddy primitives

    /** add_to_free_list() / add_to_free_list_tail() (mm/page_alloc.c): mark PageBuddy with buddy_order and list it. */
    public void addToFreeList(int z, long pfn, int order, int mt, boolean toTail) {
        int r = rel(pfn);
        put(r, (KIND_BUDDY << KIND_SHIFT) | order | (mt << MT_SHIFT));
        listAdd(buddyList(z, order, mt), r, toTail);
    }

    /** del_page_from_free_list() (mm/page_alloc.c). The page becomes "allocated". */
    public void delPageFromFreeList(long pfn) {
        int r = rel(pfn);
        listDel(r);
        put(r, 0);
    }

    /** move_to_free_list() (mm/page_alloc.c): list_move_tail to another migratetype's list (5.10+). */
    public void moveToFreeList(int z, long pfn, int order, int mt) {
        int r = rel(pfn);
        int reported = state[r] & REPORTED; // list_move_tail() keeps PageReported
        listDel(r);
        put(r, (KIND_BUDDY << KIND_SHIFT) | order | (mt << MT_SHIFT) | reported);
        listAdd(buddyList(z, order, mt), r, true);
    }

    /** page_is_buddy() of mm/internal.h + the zone check of find_buddy_page_pfn(). */
    private boolean pageIsBuddy(int z, int r, int order) {
        if (r < 0 || r >= n) {
            return false;
        }
        long pfn = base + r;
        if (pfn < zones[z].start || pfn >= zones[z].end) {
            return false;
        }
        int s = state[r];
        return ((s >> KIND_SHIFT) & 3) == KIND_BUDDY && (s & ORDER_MASK) == order;
    }

    /**
     * __free_one_page() (mm/page_alloc.c): merge with free buddies (by pfn XOR), stop above pageblock_order when
     * the migratetypes may not merge (migratetype_is_mergeable), then list the result at the head, or at the tail
     * for FPI_TO_TAIL or when buddy_merge_likely(). On 6.10+ (strictFreelistMt) a merge re-types the buddy's
     * pageblock to ours. Returns the head pfn of the merged block.
     */
    public long freeOnePage(int z, long pfn, int order, int mt, boolean fpiToTail) {
        return freeOnePage(z, pfn, order, mt, fpiToTail, -1);
    }

    /**
     * {@link #freeOnePage(int, long, int, int, boolean)} with compaction_capture() (mm/page_alloc.c): while a task
     * compacts for captureOrder in this zone, the first free that merges up to exactly that order is handed to it
     * (no free list); then the block is left KIND_TAKEN and {@link #CAPTURED} is returned.
     */
    public long freeOnePage(int z, long pfn, int order, int mt, boolean fpiToTail, int captureOrder) {
        return freeOnePage(z, pfn, order, mt, fpiToTail, captureOrder, -1);
    }

    /** {@link #freeOnePage(int, long, int, int, boolean, int)} for a compaction of cc->migratetype captureMt. */
    public long freeOnePage(int z, long pfn, int order, int mt, boolean fpiToTail, int captureOrder, int captureMt) {
        int r = rel(pfn);
        int buddy = r ^ (1 << order);
        while (order < maxOrder) {
            if (order == captureOrder && Compaction.captureSuits(ks, order, mt, captureMt)) {
                setState(r, KIND_TAKEN, order);
                lastCaptured = base + r;
                return CAPTURED;
            }
            buddy = r ^ (1 << order);
            if (!pageIsBuddy(z, buddy, order)) {
                break;
            }
            int buddyMt = mt;
            if (order >= pbOrder) {
                buddyMt = pbMt[buddy >> pbOrder];
                if (mt != buddyMt && (!migratetypeIsMergeable(mt) || !migratetypeIsMergeable(buddyMt))) {
                    break;
                }
            }
            listDelBuddy(z, buddy);
            if ((state[buddy] & REPORTED) != 0) {
                state[buddy] &= ~REPORTED; // del_page_from_free_list() clears PageReported; merged, not allocated
                reporting.cleared(z, order, true);
            }
            put(buddy, 0);
            if (ks.strictFreelistMt() && buddyMt != mt) {
                changePageblockRange(base + buddy, order, mt); // v6.12 __free_one_page(): change_pageblock_range()
            }
            r &= buddy;
            order++;
        }
        boolean toTail = fpiToTail || buddyMergeLikely(z, r, buddy, order);
        put(r, (KIND_BUDDY << KIND_SHIFT) | order | (mt << MT_SHIFT));
        listAdd(buddyList(z, order, mt), r, toTail);
        if (reporting != null) {
            reporting.notifyFree(order); // page_reporting_notify_free() at the end of __free_one_page()
        }
        return base + r;
    }

    /**
     * buddy_merge_likely() (mm/page_alloc.c): if the buddy of the next-higher block is free, this block is likely
     * to merge soon, so it goes to the tail. Never for order &gt;= MAX_ORDER-2 (6.1) / MAX_PAGE_ORDER-1 (6.12).
     */
    private boolean buddyMergeLikely(int z, int r, int buddy, int order) {
        if (order >= maxOrder - 1) {
            return false;
        }
        int higher = buddy & r;
        int higherBuddy = higher ^ (1 << (order + 1));
        return pageIsBuddy(z, higherBuddy, order + 1);
    }

    /** expand() (mm/page_alloc.c): split a 2^high block down to 2^low, upper halves to the head of free_list[mt]. */
    public void expand(int z, long pfn, int low, int high, int mt) {
        int size = 1 << high;
        while (high > low) {
            high--;
            size >>= 1;
            addToFreeList(z, pfn + size, high, mt, false);
        }
    }

    /** __rmqueue_smallest() (mm/page_alloc.c): first block of the smallest order &gt;= order on free_list[mt]. */
    public long rmqueueSmallest(int z, int order, int mt) {
        for (int o = order; o < nrOrders; o++) {
            int h = head[buddyList(z, o, mt)];
            if (h >= 0) {
                long pfn = base + h;
                delPageFromFreeList(pfn);
                expand(z, pfn, order, o, mt);
                return pfn;
            }
        }
        return -1;
    }

    /** {@link TraceWins#takeFromBuddy}. */
    public boolean takeFromBuddy(int z, long pfn, int order, int expandMt) {
        return TraceWins.takeFromBuddy(this, z, pfn, order, expandMt);
    }

    /** {@link TraceWins#takeRange}. */
    public int takeRange(long pfn, int order) {
        return TraceWins.takeRange(this, pfn, order);
    }

    /**
     * move_freepages_block() + move_freepages() (mm/page_alloc.c): every free block of pfn's pageblock, in pfn
     * order, to the tail of free_list[mt]. Does not cross the zone boundary (returns 0 then). Returns pages moved.
     */
    public int moveFreepagesBlock(int z, long pfn, int mt) {
        long start = pfn & -(1L << pbOrder);
        long end = start + (1L << pbOrder) - 1;
        Zone zone = zones[z];
        if (!zone.spans(start)) {
            start = pfn;
        }
        if (!zone.spans(end)) {
            return 0;
        }
        int moved = 0;
        for (long p = start; p <= end; ) {
            int s = state[rel(p)];
            if (((s >> KIND_SHIFT) & 3) != KIND_BUDDY) {
                p++;
                continue;
            }
            int k = s & ORDER_MASK;
            moveToFreeList(z, p, k, mt);
            p += 1L << k;
            moved += 1 << k;
        }
        return moved;
    }

    /** change_pageblock_range() (mm/page_alloc.c): every pageblock of a 2^order block to mt. */
    public void changePageblockRange(long pfn, int order, int mt) {
        int nr = order >= pbOrder ? 1 << (order - pbOrder) : 1;
        for (int i = 0; i < nr; i++) {
            setPageblockMigratetype(pfn + ((long) i << pbOrder), mt);
        }
    }

    /**
     * __isolate_free_page() (mm/page_alloc.c) as used by the compaction free scanners: off the free list; a block of
     * at least half a pageblock turns its (mergeable) pageblocks MOVABLE. 6.1 only sets the type; 6.10+
     * (strictFreelistMt) calls move_freepages_block(), which also moves the pageblock's other free blocks to the tail
     * of their MOVABLE lists, even when the type was MOVABLE already. The watermark check is the caller's (the trace's
     * nr_taken already reflects it).
     */
    public void isolateFreePage(long pfn, int order) {
        delPageFromFreeList(pfn);
        if (order >= pbOrder - 1) {
            long endPage = pfn + (1L << order) - 1;
            for (long p = pfn; p < endPage; p += 1L << pbOrder) {
                if (migratetypeIsMergeable(pageblockMigratetype(p))) {
                    if (ks.strictFreelistMt()) {
                        moveFreepagesBlockWhole(zoneOf(p), p, MIGRATE_MOVABLE);
                    } else {
                        setPageblockMigratetype(p, MIGRATE_MOVABLE);
                    }
                }
            }
        }
    }

    /**
     * move_freepages_block() of 6.10+ (mm/page_alloc.c): a pageblock straddling the zone is left alone
     * (prep_move_freepages_block()); otherwise __move_freepages_block() moves every free block in it, in pfn order,
     * to the tail of free_list[mt] (move_to_free_list(): list_move_tail) and re-types the pageblock.
     */
    public void moveFreepagesBlockWhole(int z, long pfn, int mt) {
        long start = pfn & -(1L << pbOrder);
        if (z < 0 || !zones[z].spans(start) || !zones[z].spans(start + (1L << pbOrder) - 1)) {
            return;
        }
        moveFreepagesBlock(z, start, mt);
        setPageblockMigratetype(start, mt);
    }

    // ------------------------------------------------------------------ free page reporting

    /** Attaches free page reporting (null: off); reported blocks and notifications go to it from now on. */
    public void setReporting(PageReporting r) {
        this.reporting = r;
    }

    /** PageReported() of a free buddy head. */
    public boolean isReported(long pfn) {
        return (state[rel(pfn)] & REPORTED) != 0;
    }

    /** __SetPageReported() (page_reporting_drain(), mm/page_reporting.c) of a free buddy head. */
    public void setReported(long pfn) {
        state[rel(pfn)] |= REPORTED;
    }

    /**
     * list_rotate_to_front() (include/linux/list.h) on the buddy list holding pfn: pfn becomes the head, the members
     * before it move, in order, behind the tail (page_reporting_cycle() keeps its place this way).
     */
    public void rotateToFront(long pfn) {
        int r = rel(pfn);
        int id = listIdOf(r);
        int h = head[id];
        if (h == r) {
            return;
        }
        int p = link(prevC, r);
        int t = tail[id];
        setLink(nextC, t, h);
        setLink(prevC, h, t);
        setLink(nextC, p, -1);
        tail[id] = p;
        setLink(prevC, r, -1);
        head[id] = r;
    }

    // ------------------------------------------------------------------ per-CPU lists

    /** Adds a block to pcp->lists[pindex] of cpu: head for frees (free_unref_page_commit), tail for rmqueue_bulk. */
    public void pcpAdd(int z, int cpu, long pfn, int order, int pindex, boolean toTail) {
        int r = rel(pfn);
        setState(r, KIND_PCP, order);
        listAdd(pcpListId(z, cpu, pindex), r, toTail);
    }

    /** Removes a block from whatever per-CPU list holds it. */
    public void pcpDel(long pfn) {
        int r = rel(pfn);
        listDel(r);
        put(r, 0);
    }

    /** The head of the per-CPU list holding pfn. */
    public long pcpHeadOfListOf(long pfn) {
        return base + head[pcpListOf.get(rel(pfn))];
    }

    /** list_add() again: moves a pcp block to the head of its list. */
    public void pcpMoveToHead(long pfn) {
        int r = rel(pfn);
        int id = pcpListOf.get(r);
        if (head[id] == r) {
            return;
        }
        // unlink (r is not the head, so it has a prev) and relink at the head; the map entry stays
        int p = link(prevC, r);
        int nx = link(nextC, r);
        setLink(nextC, p, nx);
        if (nx >= 0) {
            setLink(prevC, nx, p);
        } else {
            tail[id] = p;
        }
        int h = head[id];
        setLink(nextC, r, h);
        setLink(prevC, r, -1);
        setLink(prevC, h, r);
        head[id] = r;
    }

    public void markTaken(long pfn, int order) {
        setState(rel(pfn), KIND_TAKEN, order);
    }

    public void clearState(long pfn) {
        put(rel(pfn), 0);
    }

    public boolean inRange(long pfn) {
        return pfn >= base && pfn < base + n;
    }
}
