package io.fragtrace.replay;

import io.fragtrace.replay.model.BuddyModel;
import io.fragtrace.replay.model.KernelSemantics;
import io.fragtrace.replay.model.Migratetypes;
import io.fragtrace.replay.model.Zone;
import io.fragtrace.replay.snapshot.KpageFlags;
import io.fragtrace.replay.snapshot.PageTypeInfo;
import io.fragtrace.replay.snapshot.SnapshotException;
import io.fragtrace.replay.snapshot.ZoneInfo;
import io.fragtrace.replay.snapshot.ZoneTable;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static io.fragtrace.replay.model.KernelSemantics.MIGRATE_MOVABLE;
import static io.fragtrace.replay.model.KernelSemantics.MIGRATE_TYPES;

/**
 * A start state for a bundle without buddydump.txt, inferred from the /proc files a user can always save:
 * zoneinfo (zones), kpageflags (which pages are free: every page of a free block has KPF_BUDDY on 6.1, so the free
 * blocks are the largest aligned power-of-two runs, which reproduces buddyinfo exactly), and pagetypeinfo (free
 * blocks per order and migratetype, pageblocks per migratetype: used to type the blocks and pageblocks, keeping
 * the blocks of one pageblock on the pageblock's list). What no /proc file tells is left as the kernel would have it
 * after boot or reported as unknown: free-list order (taken as pfn order), per-CPU lists (empty: their pages look
 * allocated until drained), and which pageblock has which type beyond the counts. {@link #notes()} says what was
 * inferred and what did not match. Pages that are not free stay unknown (allocated or on a per-CPU list) until an
 * event touches them.
 */
public final class InferredStart {
    private final BuddyModel model;
    private final List<String> notes;

    private InferredStart(BuddyModel model, List<String> notes) {
        this.model = model;
        this.notes = notes;
    }

    public BuddyModel model() {
        return model;
    }

    /** What was inferred, and where the snapshot files disagree with the inference. */
    public List<String> notes() {
        return notes;
    }

    /** True when the snapshot folder has what this needs: zoneinfo and kpageflags. */
    public static boolean possible(Path dir) {
        return Files.isRegularFile(dir.resolve("zoneinfo")) && KpageFlags.find(dir) != null;
    }

    public static InferredStart load(Path dir, KernelSemantics ks) throws SnapshotException {
        ZoneInfo zi = ZoneInfo.load(dir.resolve("zoneinfo"));
        KpageFlags kf = KpageFlags.load(KpageFlags.find(dir));
        PageTypeInfo pti = Files.isRegularFile(dir.resolve("pagetypeinfo"))
                ? PageTypeInfo.load(dir.resolve("pagetypeinfo")) : null;
        if (pti != null && pti.pageblockOrder() > 0) {
            ks = ks.withPageblockOrder(pti.pageblockOrder());
        }
        List<String> notes = new ArrayList<>();
        notes.add("start state inferred from kpageflags/pagetypeinfo: free-list order taken as pfn order; pages not "
                + "free (allocated or on per-CPU lists) unknown until an event touches them");
        BuddyModel model = ModelLoader.fromZoneInfo(zi, ks); // every page unknown until known free or touched
        if (model.zoneCount() == 0) {
            throw new SnapshotException(dir.resolve("zoneinfo") + ": no populated zone with a start_pfn");
        }
        ZoneTable buddyinfo = Files.isRegularFile(dir.resolve("buddyinfo"))
                ? ZoneTable.loadBuddyInfo(dir.resolve("buddyinfo")) : null;
        for (Zone z : model.zones()) {
            List<long[]> blocks = freeBlocks(kf, z, ks.nrOrders() - 1);
            long[] perOrder = new long[ks.nrOrders()];
            blocks.forEach(b -> perOrder[(int) b[1]]++);
            ZoneTable.Row row = buddyinfo == null ? null : buddyinfo.row(z.name);
            long[] kernel = row == null ? null : row.values();
            if (kernel != null && !Arrays.equals(Arrays.copyOf(kernel, perOrder.length), perOrder)) {
                notes.add(z.name + ": free blocks from kpageflags " + Arrays.toString(perOrder)
                        + " differ from buddyinfo " + Arrays.toString(kernel) + " (pages changed while the files were read)");
            }
            typeAndAdd(model, z, blocks, pti, kf, ks, notes);
        }
        return new InferredStart(model, notes);
    }

    /** KPF_BUDDY runs of the zone split greedily into the largest aligned blocks (order ≤ maxOrder): {pfn, order}. */
    static List<long[]> freeBlocks(KpageFlags kf, Zone z, int maxOrder) {
        List<long[]> out = new ArrayList<>();
        long p = z.start;
        while (true) {
            long s = kf.nextBuddy(p);
            if (s < 0 || s >= z.end) {
                break;
            }
            long e = Math.min(kf.nextNonBuddy(s), z.end);
            long x = s;
            while (x < e) {
                int o = Math.min(maxOrder, Long.numberOfTrailingZeros(x));
                while (x + (1L << o) > e) {
                    o--;
                }
                out.add(new long[] {x, o});
                x += 1L << o;
            }
            p = e;
        }
        return out;
    }

    /**
     * Gives every free block a migratetype so that the per-order counts of pagetypeinfo hold, keeping blocks of
     * one pageblock on the pageblock's type, then types the remaining pageblocks by the "Number of blocks type" counts.
     */
    private static void typeAndAdd(BuddyModel m, Zone z, List<long[]> blocks, PageTypeInfo pti, KpageFlags kf,
                                   KernelSemantics ks, List<String> notes) {
        int pbOrder = ks.pageblockOrder();
        long[][] need = new long[ks.nrOrders()][MIGRATE_TYPES];
        long[] pbNeed = new long[MIGRATE_TYPES];
        boolean counts = pti != null && pti.freeCounts().containsKey(z.name);
        if (counts) {
            for (Map.Entry<String, long[]> e : pti.freeCounts().get(z.name).entrySet()) {
                int mt = migratetypeOf(e.getKey());
                for (int o = 0; o < need.length && o < e.getValue().length; o++) {
                    need[o][mt] += e.getValue()[o];
                }
            }
            for (Map.Entry<String, Long> e : pti.blockCounts().getOrDefault(z.name, Map.of()).entrySet()) {
                pbNeed[migratetypeOf(e.getKey())] += e.getValue();
            }
        }
        long pbStart = z.start >> pbOrder;
        int nPb = (int) (((z.end - 1) >> pbOrder) - pbStart + 1);
        int[] pbMt = new int[nPb];
        Arrays.fill(pbMt, -1);
        blocks.sort(Comparator.<long[]>comparingLong(b -> -b[1]).thenComparingLong(b -> b[0]));
        Map<Long, Integer> typed = new HashMap<>();
        long off = 0;
        for (long[] b : blocks) {
            int o = (int) b[1];
            int pb = (int) ((b[0] >> pbOrder) - pbStart);
            int mt;
            if (!counts) {
                mt = MIGRATE_MOVABLE;
            } else if (pbMt[pb] >= 0 && need[o][pbMt[pb]] > 0) {
                mt = pbMt[pb];
            } else {
                mt = largest(need[o], pbMt[pb] < 0 ? pbNeed : null);
            }
            if (counts) {
                if (need[o][mt] > 0) {
                    need[o][mt]--;
                } else {
                    off++;
                }
            }
            // a free block may sit on another list than its pageblock's type (6.1 lets them drift), so a pageblock
            // takes the block's type only while pagetypeinfo still counts pageblocks of that type
            long covered = o >= pbOrder ? 1L << (o - pbOrder) : 1;
            for (int i = 0; i < covered && pb + i < nPb; i++) {
                if (pbMt[pb + i] < 0 && (!counts || pbNeed[mt] > 0)) {
                    pbMt[pb + i] = mt;
                    pbNeed[mt]--;
                }
            }
            typed.put(b[0], mt);
        }
        if (off > 0) {
            notes.add(z.name + ": " + off + " free blocks could not be typed to match pagetypeinfo's counts");
        }
        // Untyped pageblocks: the most slab/page-table-like take the unmovable, then reclaimable, then highatomic
        // counts still owed; the rest are movable (memmap_init_range's boot default).
        List<Integer> untyped = new ArrayList<>();
        for (int i = 0; i < nPb; i++) {
            if (pbMt[i] < 0) {
                untyped.add(i);
            }
        }
        long[] score = new long[nPb];
        for (int i : untyped) {
            long s0 = Math.max(z.start, (pbStart + i) << pbOrder);
            score[i] = kf.unmovableScore(s0, Math.min(z.end, (pbStart + i + 1) << pbOrder));
        }
        untyped.sort(Comparator.<Integer>comparingLong(i -> -score[i]).thenComparingInt(i -> i));
        int next = 0;
        for (int mt : new int[] {KernelSemantics.MIGRATE_UNMOVABLE, KernelSemantics.MIGRATE_RECLAIMABLE,
                KernelSemantics.MIGRATE_HIGHATOMIC}) {
            for (long k = 0; k < pbNeed[mt] && next < untyped.size(); k++) {
                pbMt[untyped.get(next++)] = mt;
            }
        }
        while (next < untyped.size()) {
            pbMt[untyped.get(next++)] = MIGRATE_MOVABLE;
        }
        for (int i = 0; i < nPb; i++) {
            m.setPageblockMigratetype(Math.max(z.start, (pbStart + i) << pbOrder), pbMt[i]);
        }
        blocks.sort(Comparator.comparingLong(b -> b[0]));
        for (long[] b : blocks) {
            m.markKnown(b[0], (int) b[1]);
            m.addToFreeList(z.index, b[0], (int) b[1], typed.get(b[0]), true);
        }
    }

    /** The migratetype with the most remaining need; ties and all-zero go to the one also needed as pageblocks, then movable. */
    private static int largest(long[] need, long[] tieBreak) {
        int best = MIGRATE_MOVABLE;
        for (int mt = 0; mt < need.length; mt++) {
            if (need[mt] > need[best] || (need[mt] == need[best] && tieBreak != null && tieBreak[mt] > tieBreak[best])) {
                best = mt;
            }
        }
        return best;
    }

    /** pagetypeinfo type names to the kernel's enum numbers (no CMA in the model: counted as movable). */
    private static int migratetypeOf(String name) {
        int mt = Migratetypes.ofName(name);
        return mt < 0 ? MIGRATE_MOVABLE : mt;
    }
}
