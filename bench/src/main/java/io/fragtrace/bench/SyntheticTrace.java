package io.fragtrace.bench;

import io.fragtrace.replay.model.BuddyModel;
import io.fragtrace.replay.model.KernelSemantics;
import io.fragtrace.replay.model.Zone;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Writes a consistent synthetic bundle of any size, for scale runs (never committed; generate on demand):
 * {@code trace.txt} with N events of one Normal zone of the given memory, {@code before/} and {@code after/}
 * buddydumps. The trace is what a 6.1 kernel would print for buddy allocations with no per-CPU lists involved:
 * every allocation is {@code mm_page_alloc_zone_locked} (percpu_refill=0) + {@code mm_page_alloc} of the block
 * __rmqueue_smallest() hands out (the head of the smallest non-empty free list, split by expand()), every free an
 * {@code mm_page_free} through __free_one_page(). Orders the per-CPU lists take go through them as with pcp->high
 * and batch of 1: rmqueue_bulk() refills one block (percpu_refill=1) that mm_page_alloc takes, and
 * free_unref_page_commit() drains the freed block at once (mm_page_pcpu_drain). Start: the zone free in MAX_ORDER-1 blocks; end: every block
 * freed again, so the exact end state is known without any model (the zone free in MAX_ORDER-1 blocks, all
 * movable), and {@code fragtrace validate} must report it EXACT.
 * <p>
 * Usage: {@code java -cp bench/target/benchmarks.jar io.fragtrace.bench.SyntheticTrace OUT_DIR MEM EVENTS [SEED]},
 * MEM like 64G or 1T. Event lines are about 110 bytes: 20 M events are 2.2 GB.
 */
public final class SyntheticTrace {
    static final long ZONE_START = 1L << 20; // pfn of 4 GiB, where ZONE_NORMAL starts on x86-64
    static final int MAX_BLOCK = 10;

    private SyntheticTrace() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length < 3) {
            System.err.println("usage: SyntheticTrace OUT_DIR MEM(e.g. 64G, 1T) EVENTS [SEED]");
            System.exit(2);
        }
        Path out = Path.of(args[0]);
        long pages = parseMem(args[1]) >> 12;
        long events = Long.parseLong(args[2].replace("_", ""));
        long seed = args.length > 3 ? Long.parseLong(args[3]) : 1;
        long t0 = System.nanoTime();
        long written = write(out, pages, events, seed);
        System.err.printf("%s: %d events, %.1f GiB zone, %.1f s%n", out, written, pages / 262144.0,
                (System.nanoTime() - t0) / 1e9);
    }

    static long parseMem(String s) {
        char u = Character.toUpperCase(s.charAt(s.length() - 1));
        long mult = switch (u) {
            case 'K' -> 1L << 10;
            case 'M' -> 1L << 20;
            case 'G' -> 1L << 30;
            case 'T' -> 1L << 40;
            default -> 1;
        };
        return Long.parseLong(Character.isDigit(u) ? s : s.substring(0, s.length() - 1)) * mult;
    }

    /** Writes the bundle; returns the number of events. */
    static long write(Path out, long pages, long events, long seed) throws IOException {
        pages &= -(1L << MAX_BLOCK);
        Files.createDirectories(out.resolve("before"));
        Files.createDirectories(out.resolve("after"));
        KernelSemantics ks = KernelSemantics.V6_1;
        Zone zone = new Zone(0, 0, "Normal", ZONE_START, pages);
        BuddyModel m = new BuddyModel(ks, List.of(zone), 1);
        for (long p = ZONE_START; p < ZONE_START + pages; p += 1L << MAX_BLOCK) {
            m.addToFreeList(0, p, MAX_BLOCK, KernelSemantics.MIGRATE_MOVABLE, true);
        }
        long startUs = 100_000_000L;
        dump(out.resolve("before/buddydump.txt"), m, zone, startUs - 1);
        // live blocks: pfn and order, removed by swapping with the last
        long allocs = Math.max(1, events / 3);
        int cap = (int) Math.min(allocs, Math.min(pages / 8, 50_000_000L));
        long[] livePfn = new long[cap];
        byte[] liveOrder = new byte[cap];
        int live = 0;
        SplittableRandom rnd = new SplittableRandom(seed);
        long us = startUs;
        long n = 0;
        Line line = new Line();
        try (OutputStream o = new BufferedOutputStream(Files.newOutputStream(out.resolve("trace.txt")), 1 << 20)) {
            o.write(("# tracer: nop\n#\n# entries-in-buffer/entries-written: " + events + "/" + events
                    + "   #P:1\n#\n").getBytes(StandardCharsets.US_ASCII));
            line.marker(o, us++, "synthetic: start");
            n++;
            while (n + 3 + 2L * live <= events) {
                boolean alloc = live == 0 || (live < cap && rnd.nextInt(100) < 52);
                if (alloc) {
                    int order = orderOf(rnd);
                    long pfn = m.rmqueueSmallest(0, order, KernelSemantics.MIGRATE_MOVABLE);
                    if (pfn < 0) {
                        alloc = false;
                    } else {
                        m.markAllocated(pfn, order, false);
                        livePfn[live] = pfn;
                        liveOrder[live] = (byte) order;
                        live++;
                        line.event(o, us++, "mm_page_alloc_zone_locked: page=00000000deadbeef pfn=0x", pfn, order,
                                pcpOrder(order) ? " migratetype=1 percpu_refill=1" : " migratetype=1 percpu_refill=0");
                        line.event(o, us++, "mm_page_alloc: page=00000000deadbeef pfn=0x", pfn, order,
                                " migratetype=1 gfp_flags=GFP_HIGHUSER_MOVABLE");
                        n += 2;
                    }
                }
                if (!alloc) {
                    int i = rnd.nextInt(live);
                    n += free(o, line, m, livePfn[i], liveOrder[i], us);
                    us += 2;
                    live--;
                    livePfn[i] = livePfn[live];
                    liveOrder[i] = liveOrder[live];
                }
            }
            while (live > 0) {
                live--;
                n += free(o, line, m, livePfn[live], liveOrder[live], us);
                us += 2;
            }
            line.marker(o, us++, "synthetic: end");
            n++;
        }
        dump(out.resolve("after/buddydump.txt"), m, zone, us);
        try (PrintWriter w = new PrintWriter(Files.newBufferedWriter(out.resolve("meta.txt")))) {
            w.printf("synthetic bundle (io.fragtrace.bench.SyntheticTrace): kernel 6.1, one Normal zone of %d pages "
                    + "at pfn 0x%x, %d events, seed %d%n", pages, ZONE_START, n, seed);
        }
        return n;
    }

    /** Orders as a page-cache/anon mix: mostly 0, some 1-3, a few THP-sized 9. */
    private static int orderOf(SplittableRandom rnd) {
        int r = rnd.nextInt(100);
        return r < 70 ? 0 : r < 85 ? 1 : r < 92 ? 2 : r < 98 ? 3 : 9;
    }

    private static int free(OutputStream o, Line line, BuddyModel m, long pfn, int order, long us) throws IOException {
        m.clearState(pfn);
        m.freeOnePage(0, pfn, order, KernelSemantics.MIGRATE_MOVABLE, false);
        line.event(o, us, "mm_page_free: page=00000000deadbeef pfn=0x", pfn, order, "");
        if (pcpOrder(order)) {
            line.event(o, us + 1, "mm_page_pcpu_drain: page=00000000deadbeef pfn=0x", pfn, order, " migratetype=1");
            return 2;
        }
        return 1;
    }

    /** Orders the 6.1 per-CPU lists take (0..PAGE_ALLOC_COSTLY_ORDER and pageblock_order). */
    private static boolean pcpOrder(int order) {
        return order <= 3 || order == 9;
    }

    /** The buddydump format of sample-traces/README.md: Z, B (list order), L lines. */
    private static void dump(Path f, BuddyModel m, Zone zone, long lockUs) throws IOException {
        try (PrintWriter w = new PrintWriter(Files.newBufferedWriter(f), false)) {
            w.println("# buddydump v1 MAX_ORDER=11 MIGRATE_TYPES=5 MIGRATE_PCPTYPES=3 NR_PCP_LISTS=14 "
                    + "pageblock_order=9");
            StringBuilder nr = new StringBuilder();
            for (int o = 0; o < m.nrOrders(); o++) {
                nr.append(o == 0 ? "" : ",").append(m.nrFree(0, o));
            }
            w.printf("Z 0 Normal start=%d spanned=%d present=%d managed=%d nr_free=%s%n", zone.start,
                    zone.spanned(), zone.spanned(), zone.spanned(), nr);
            for (int o = 0; o < m.nrOrders(); o++) {
                for (int mt = 0; mt < KernelSemantics.MIGRATE_TYPES; mt++) {
                    for (long p = m.freeListHeadPfn(0, o, mt); p >= 0; p = m.listNextPfn(p)) {
                        w.printf("B %d %d %x%n", o, mt, p);
                    }
                }
            }
            w.printf("L Normal %d.%06d%n", lockUs / 1_000_000, lockUs % 1_000_000);
            w.println("# END");
        }
    }

    /** One trace line, formatted without String.format. */
    private static final class Line {
        private final byte[] b = new byte[256];
        private int n;

        void event(OutputStream o, long us, String head, long pfn, int order, String tail) throws IOException {
            prefix(us);
            ascii(head);
            ascii(Long.toHexString(pfn));
            ascii(" order=");
            ascii(Integer.toString(order));
            ascii(tail);
            b[n++] = '\n';
            o.write(b, 0, n);
        }

        void marker(OutputStream o, long us, String text) throws IOException {
            prefix(us);
            ascii("tracing_mark_write: ");
            ascii(text);
            b[n++] = '\n';
            o.write(b, 0, n);
        }

        private void prefix(long us) {
            n = 0;
            ascii("           synth-1     [000] .....  ");
            ascii(Long.toString(us / 1_000_000));
            b[n++] = '.';
            String frac = Long.toString(us % 1_000_000 + 1_000_000);
            ascii(frac.substring(1));
            ascii(": ");
        }

        private void ascii(String s) {
            for (int i = 0; i < s.length(); i++) {
                b[n++] = (byte) s.charAt(i);
            }
        }
    }
}
