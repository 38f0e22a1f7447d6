package io.fragtrace.replay.model;

import java.util.ArrayList;
import java.util.List;

import static io.fragtrace.replay.model.KernelSemantics.MIGRATE_TYPES;

/**
 * Per-pageblock figures of a {@link BuddyModel} kept up to date by the operations that change them, so that a
 * sample costs O(migratetypes) per zone whatever the zone's size: pageblocks per migratetype (pagetypeinfo's
 * "Number of blocks type") and mixed pageblocks (a pageblock holding a page allocated for another migratetype).
 * <p>
 * A pageblock wholly inside exactly one zone ("interior") is counted incrementally; the few others (a zone
 * boundary that is not pageblock-aligned, overlapping zone spans) are "edges", recounted at each sample from
 * their at most 2^pageblock_order pfns, exactly as a full scan would. Memory: 18 bytes per pageblock.
 */
final class PageblockCounters {
    /** Slots per pageblock in {@link #tagged}: the 3 state bits give tags 0..6. */
    private static final int STRIDE = 8;

    private final int pbOrder;
    private final long base;
    /** The model's arrays (shared, not copied): page state per pfn, migratetype per pageblock. */
    private final short[] state;
    private final byte[] pbMt;
    /** Zone of an interior pageblock, -1 for an edge or a pageblock outside every zone. */
    private final byte[] interiorZone;
    /** Per pageblock × tag: allocated heads carrying that gfp migratetype. */
    private final char[] tagged;
    /** Per pageblock: all tagged heads. */
    private final char[] taggedTotal;
    /** Per zone × migratetype: interior pageblocks of that type. */
    private final long[][] byMt;
    /** Per zone: interior pageblocks holding a foreign allocation. */
    private final long[] mixed;
    /** Per zone: the edge pageblocks overlapping it. */
    private final int[][] edges;

    /**
     * @param base  the model's first pfn (pageblock-aligned)
     * @param state the model's page states
     * @param pbMt  the model's pageblock migratetypes (their initial values are counted)
     */
    PageblockCounters(Zone[] zones, long base, int pbOrder, short[] state, byte[] pbMt) {
        int pbs = pbMt.length;
        if (pbOrder > 15) {
            throw new IllegalArgumentException("pageblock_order " + pbOrder + " too large for 16-bit counters");
        }
        this.pbOrder = pbOrder;
        this.base = base;
        this.state = state;
        this.pbMt = pbMt;
        this.interiorZone = new byte[pbs];
        this.tagged = new char[pbs * STRIDE];
        this.taggedTotal = new char[pbs];
        this.byMt = new long[zones.length][MIGRATE_TYPES];
        this.mixed = new long[zones.length];
        java.util.Arrays.fill(interiorZone, (byte) -1);
        // pageblocks covered by more than one zone span: edges of every zone they touch
        byte[] cover = new byte[pbs];
        for (Zone z : zones) {
            forEachOverlapping(z, base, pbs, pb -> cover[pb] = (byte) Math.min(cover[pb] + 1, 2));
        }
        List<List<Integer>> edgeLists = new ArrayList<>();
        for (int zi = 0; zi < zones.length; zi++) {
            Zone z = zones[zi];
            List<Integer> e = new ArrayList<>();
            final int zz = zi;
            forEachOverlapping(z, base, pbs, pb -> {
                long s = base + ((long) pb << pbOrder);
                boolean inside = s >= z.start && s + (1L << pbOrder) <= z.end && cover[pb] == 1;
                if (inside) {
                    interiorZone[pb] = (byte) zz;
                    int mt = pbMt[pb];
                    if (mt >= 0 && mt < MIGRATE_TYPES) {
                        byMt[zz][mt]++;
                    }
                } else {
                    e.add(pb);
                }
            });
            edgeLists.add(e);
        }
        this.edges = new int[zones.length][];
        for (int zi = 0; zi < zones.length; zi++) {
            edges[zi] = edgeLists.get(zi).stream().mapToInt(Integer::intValue).toArray();
        }
    }

    private void forEachOverlapping(Zone z, long base, int pbs, java.util.function.IntConsumer f) {
        if (z.end <= z.start) {
            return;
        }
        long first = Math.max(0, (z.start - base) >> pbOrder);
        long last = Math.min(pbs - 1L, (z.end - 1 - base) >> pbOrder);
        for (long pb = first; pb <= last; pb++) {
            f.accept((int) pb);
        }
    }

    /** state[r] was just written over old: keeps the mixed counts (only an allocated head's tag matters). */
    void stateWritten(int r, int old) {
        int ot = BuddyModel.tag(old);
        int nt = BuddyModel.tag(state[r]);
        if (ot != nt) {
            int pb = r >> pbOrder;
            retag(pb, pbMt[pb], ot, nt);
        }
    }

    /** set_pageblock_migratetype() of pageblock index pb, with the counts. */
    void setType(int pb, int mt) {
        retype(pb, pbMt[pb], mt);
        pbMt[pb] = (byte) mt;
    }

    /** Mixed pageblocks of zone z: the interior count plus a scan of its edge pageblocks' pfns inside it. */
    long mixed(int z, Zone zone) {
        long n = mixed[z];
        for (int pb : edges[z]) {
            long s = base + ((long) pb << pbOrder);
            if (mixedIn(Math.max(s, zone.start), Math.min(s + (1L << pbOrder), zone.end)) > 0) {
                n++;
            }
        }
        return n;
    }

    /** Whether pageblock pb holds a foreign allocation among its pfns inside {@code zone} (maintained, or scanned at an edge). */
    boolean mixedAt(int pb, Zone zone) {
        if (interiorZone[pb] >= 0) {
            return isMixed(pb, pbMt[pb]);
        }
        long s = base + ((long) pb << pbOrder);
        return mixedIn(Math.max(s, zone.start), Math.min(s + (1L << pbOrder), zone.end)) > 0;
    }

    /** Pageblocks of zone z whose migratetype is mt: interior count plus its edges. */
    long ofType(int z, int mt) {
        long n = byMt[z][mt];
        for (int pb : edges[z]) {
            if (pbMt[pb] == mt) {
                n++;
            }
        }
        return n;
    }

    /** Pageblocks with a foreign allocation among the pfns [from, to), by a pass over them (the recount). */
    long mixedIn(long from, long to) {
        long n = 0;
        long lastPb = -1;
        for (long pfn = from; pfn < to; pfn++) {
            int pb = (int) ((pfn - base) >> pbOrder);
            if (pb == lastPb) {
                continue;
            }
            int t = BuddyModel.tag(state[(int) (pfn - base)]);
            if (t >= 0 && t != pbMt[pb]) {
                n++;
                lastPb = pb; // counted: skip the rest of this pageblock
            }
        }
        return n;
    }

    private boolean isMixed(int pb, int mt) {
        int own = mt >= 0 && mt < STRIDE ? tagged[pb * STRIDE + mt] : 0;
        return taggedTotal[pb] - own > 0;
    }

    /** An allocated head of pageblock pb changed its tag (-1 = none) from oldTag to newTag. */
    private void retag(int pb, int pbMt, int oldTag, int newTag) {
        int z = interiorZone[pb];
        if (z < 0) {
            return;
        }
        boolean was = isMixed(pb, pbMt);
        int i = pb * STRIDE;
        if (oldTag >= 0) {
            tagged[i + oldTag]--;
            taggedTotal[pb]--;
        }
        if (newTag >= 0) {
            tagged[i + newTag]++;
            taggedTotal[pb]++;
        }
        boolean now = isMixed(pb, pbMt);
        if (was != now) {
            mixed[z] += now ? 1 : -1;
        }
    }

    /** set_pageblock_migratetype() of pageblock pb from oldMt to newMt. */
    private void retype(int pb, int oldMt, int newMt) {
        int z = interiorZone[pb];
        if (z < 0 || oldMt == newMt) {
            return;
        }
        if (oldMt >= 0 && oldMt < MIGRATE_TYPES) {
            byMt[z][oldMt]--;
        }
        if (newMt >= 0 && newMt < MIGRATE_TYPES) {
            byMt[z][newMt]++;
        }
        boolean was = isMixed(pb, oldMt);
        boolean now = isMixed(pb, newMt);
        if (was != now) {
            mixed[z] += now ? 1 : -1;
        }
    }
}
