package io.fragtrace.replay;

import io.fragtrace.replay.model.BuddyModel;
import io.fragtrace.replay.model.KernelSemantics;
import io.fragtrace.replay.model.Zone;

import java.util.List;

/**
 * Memory bound check (run by hand, see README): 1 TiB of modelled RAM = 2^28 pfns in one zone, everything free as
 * order-10 blocks, then a synthetic alloc/free churn that splits blocks all over the zone.
 * {@code java -Xmx4g -cp ... io.fragtrace.replay.TerabyteProbe}
 */
public final class TerabyteProbe {
    public static void main(String[] args) {
        long pfns = 1L << 28;
        long t0 = System.nanoTime();
        BuddyModel m = new BuddyModel(KernelSemantics.V6_1, List.of(new Zone(0, 0, "Normal", 0, pfns)), 64);
        for (long p = 0; p < pfns; p += 1024) {
            m.addToFreeList(0, p, 10, KernelSemantics.MIGRATE_MOVABLE, true);
        }
        java.util.Random rnd = new java.util.Random(1);
        long ops = 0;
        // take an order-0 page out of 1/8 of all order-10 blocks (splits them: 10 list members each), free half back
        for (long p = 0; p < pfns; p += 8192) {
            m.takeFromBuddy(0, p, 0, KernelSemantics.MIGRATE_MOVABLE);
            ops++;
            if (rnd.nextBoolean()) {
                m.freeOnePage(0, p, 0, KernelSemantics.MIGRATE_MOVABLE, false);
                ops++;
            }
        }
        Runtime rt = Runtime.getRuntime();
        System.gc();
        long used = rt.totalMemory() - rt.freeMemory();
        System.out.printf("pfns=%d (%.0f GiB) free blocks order10=%d ops=%d heapUsed=%.2f GiB max=%.2f GiB chunks=%d %.1fs%n",
                pfns, pfns * 4096.0 / (1L << 30), m.nrFree(0, 10), ops, used / (double) (1L << 30),
                rt.maxMemory() / (double) (1L << 30), m.chunksAllocated(), (System.nanoTime() - t0) / 1e9);
    }
}
