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
     * @param pbs   pageblocks modelled
     * @param pbMt  the initial pageblock migratetypes
     */
    PageblockCounters(Zone[] zones, long base, int pbs, int pbOrder, byte[] pbMt) {
        if (pbOrder > 15) {
            throw new IllegalArgumentException("pageblock_order " + pbOrder + " too large for 16-bit counters");
        }
        this.pbOrder = pbOrder;
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

    int[] edges(int z) {
        return edges[z];
    }

    private boolean isMixed(int pb, int mt) {
        int own = mt >= 0 && mt < STRIDE ? tagged[pb * STRIDE + mt] : 0;
        return taggedTotal[pb] - own > 0;
    }

    /** An allocated head of pageblock pb changed its tag (-1 = none) from oldTag to newTag. */
    void retag(int pb, int pbMt, int oldTag, int newTag) {
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
    void retype(int pb, int oldMt, int newMt) {
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

    /** Interior pageblocks of zone z per migratetype (edges not included). */
    long interiorByMt(int z, int mt) {
        return byMt[z][mt];
    }

    /** Interior mixed pageblocks of zone z (edges not included). */
    long interiorMixed(int z) {
        return mixed[z];
    }
}
