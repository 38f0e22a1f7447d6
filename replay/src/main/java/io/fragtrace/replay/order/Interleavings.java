package io.fragtrace.replay.order;

import io.fragtrace.parser.TraceInput;
import io.fragtrace.replay.Validation;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

/**
 * Rewrites a real capture's text trace into another interleaving of its per-CPU streams that the kernel's tracing
 * could also have printed, to check that validate stays exact on busy machines whose interleavings we have not seen.
 * Each CPU's own order is kept. Between CPUs (kernel/trace/ring_buffer.c merges per-CPU buffers by timestamp, ties by
 * CPU; trace_clock "local" is per-CPU sched_clock):
 * <ul>
 * <li>{@code ties}: events of several CPUs at one instant are printed in another CPU order (a stalled clock);</li>
 * <li>{@code free-early}: mm_page_free fires in free_pages_prepare() before any lock, so it may be printed earlier than
 * other CPUs' events that took the lock before its free did (its timestamp moved back up to delta);</li>
 * <li>{@code alloc-late}: mm_page_alloc fires after the page was taken and the lock dropped, so it may be printed later
 * (moved forward up to delta);</li>
 * <li>{@code skew}: each CPU's clock off by up to delta, the offset redrawn every 10 ms of trace time (possible with
 * trace_clock local only: the copy's meta.txt says so).</li>
 * </ul>
 * Never moved across each other: two events on one pfn (a page is handed from CPU to CPU only after the first
 * CPU's event, so that order is causal), an event and a trace_marker, an event and a dump's L instant (the zone's
 * replay window edge). Timestamps are printed in microseconds.
 */
public final class Interleavings {
    /** Kinds of perturbation (combined as flags). */
    public static final int TIES = 1;
    public static final int FREE_EARLY = 2;
    public static final int ALLOC_LATE = 4;
    public static final int SKEW = 8;
    public static final int ALL = TIES | FREE_EARLY | ALLOC_LATE | SKEW;

    private static final Pattern LINE = Pattern.compile(
            "-(\\d+)\\s+\\(?\\s*(?:\\d+|-+)?\\)?\\s?\\[(\\d+)\\]\\s*[a-zA-Z0-9.]{0,5}\\s+(\\d+)\\.(\\d{6}):\\s+(\\S+):");
    private static final Pattern PFN = Pattern.compile(" pfn=(0x[0-9a-fA-F]+|\\d+)");

    /** What a perturbation did: events moved relative to another CPU's. */
    public record Stats(long events, long moved, long crossings) {
    }

    private Interleavings() {
    }

    public static int parseModes(String s) {
        int m = 0;
        for (String p : s.split(",")) {
            m |= switch (p.trim()) {
                case "ties" -> TIES;
                case "free-early" -> FREE_EARLY;
                case "alloc-late" -> ALLOC_LATE;
                case "skew" -> SKEW;
                case "all" -> ALL;
                default -> throw new IllegalArgumentException("unknown perturbation " + p
                        + " (ties, free-early, alloc-late, skew, all)");
            };
        }
        return m;
    }

    /**
     * Writes a copy of bundle into out (snapshots linked, trace.txt rewritten) with its interleaving perturbed.
     *
     * @param deltaUs how far an event may move, in microseconds
     * @param share   fraction of the movable events that move
     */
    public static Stats perturb(Path bundle, Path out, int modes, long seed, long deltaUs, double share)
            throws IOException {
        Files.createDirectories(out);
        try (Stream<Path> s = Files.list(bundle)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                String n = p.getFileName().toString();
                if (n.startsWith("trace.") || n.startsWith("perf") || n.equals("summary.json")) {
                    continue;
                }
                if (n.equals("meta.txt") && (modes & SKEW) != 0) {
                    // skewed CPU clocks are trace_clock local: trace_clock_global() would have stamped them coherently
                    List<String> meta = new ArrayList<>();
                    for (String l : Files.readAllLines(p, StandardCharsets.UTF_8)) {
                        meta.add(l.startsWith("trace_clock:") ? "trace_clock: [local] global counter" : l);
                    }
                    Files.deleteIfExists(out.resolve(n));
                    Files.write(out.resolve(n), meta, StandardCharsets.UTF_8);
                    continue;
                }
                Path link = out.resolve(n);
                Files.deleteIfExists(link);
                Files.createSymbolicLink(link, p.toAbsolutePath());
            }
        }
        List<String> lines = new ArrayList<>();
        Path trace = bundle.resolve("trace.txt.gz");
        try (BufferedReader r = new BufferedReader(new InputStreamReader(Files.exists(trace)
                ? new GZIPInputStream(Files.newInputStream(trace), 1 << 16)
                : Files.newInputStream(bundle.resolve("trace.txt")), StandardCharsets.UTF_8), 1 << 16)) {
            for (String l = r.readLine(); l != null; l = r.readLine()) {
                lines.add(l);
            }
        }
        long[] barriersL = lInstants(bundle);
        String[] out2 = new String[lines.size()];
        Stats st = perturb(lines, barriersL, modes, seed, deltaUs, share, out2);
        try (BufferedWriter w = Files.newBufferedWriter(out.resolve("trace.txt"), StandardCharsets.UTF_8)) {
            for (String l : out2) {
                w.write(l);
                w.write('\n');
            }
        }
        return st;
    }

    /** The before/after dumps' L instants in microseconds (each zone's window edges). */
    static long[] lInstants(Path bundle) throws IOException {
        List<Long> ls = new ArrayList<>();
        for (String d : new String[] {"before", "after"}) {
            Path f = bundle.resolve(d).resolve("buddydump.txt");
            if (!Files.exists(f)) {
                continue;
            }
            try (Stream<String> s = Files.lines(f)) {
                s.filter(l -> l.startsWith("L ")).forEach(l -> {
                    String[] p = l.trim().split("\\s+");
                    ls.add(micros(p[p.length - 1]));
                });
            }
        }
        return ls.stream().mapToLong(Long::longValue).sorted().toArray();
    }

    private static long micros(String secs) {
        int dot = secs.indexOf('.');
        String frac = (secs.substring(dot + 1) + "000000").substring(0, 6);
        return Long.parseLong(secs.substring(0, dot)) * 1_000_000 + Long.parseLong(frac);
    }

    /** The perturbation on lines in memory; out receives the rewritten lines (same count). */
    public static Stats perturb(List<String> lines, long[] lInstants, int modes, long seed, long deltaUs, double share,
                                String[] out) {
        int n = lines.size();
        // header lines (#...) stay first; events get an index into ev*
        int[] lineOf = new int[n];
        int[] cpu = new int[n];
        long[] ts = new long[n];
        long[] pfn = new long[n];
        byte[] kind = new byte[n]; // 0 other, 1 free, 2 alloc, 3 marker
        int[] tsStart = new int[n];
        int[] tsEnd = new int[n];
        int ne = 0;
        int header = 0;
        for (int i = 0; i < n; i++) {
            String l = lines.get(i);
            Matcher m = l.startsWith("#") ? null : LINE.matcher(l);
            if (m == null || !m.find()) {
                if (ne == 0) {
                    out[header++] = l;
                    continue;
                }
                // a line inside the trace that is no event (LOST EVENTS...): keep it where it is, as a marker
                lineOf[ne] = i;
                cpu[ne] = -1;
                ts[ne] = ne > 0 ? ts[ne - 1] : 0;
                kind[ne] = 3;
                pfn[ne] = -1;
                ne++;
                continue;
            }
            lineOf[ne] = i;
            cpu[ne] = Integer.parseInt(m.group(2));
            ts[ne] = Long.parseLong(m.group(3)) * 1_000_000 + Long.parseLong(m.group(4));
            tsStart[ne] = m.start(3);
            tsEnd[ne] = m.end(4);
            String ev = m.group(5);
            kind[ne] = switch (ev) {
                case "mm_page_free" -> (byte) 1;
                case "mm_page_alloc" -> (byte) 2;
                case "tracing_mark_write" -> (byte) 3;
                default -> (byte) 0;
            };
            Matcher pm = PFN.matcher(l);
            pfn[ne] = pm.find(m.end()) ? parsePfn(pm.group(1)) : -1;
            ne++;
        }
        SplittableRandom rnd = new SplittableRandom(seed);
        // barrier bounds: nearest marker before/after (by position) and nearest L instant
        long[] lo = new long[ne];
        long[] hi = new long[ne];
        long prevMarker = Long.MIN_VALUE;
        for (int i = 0; i < ne; i++) {
            lo[i] = prevMarker;
            if (kind[i] == 3) {
                prevMarker = ts[i];
            }
        }
        long nextMarker = Long.MAX_VALUE;
        for (int i = ne - 1; i >= 0; i--) {
            hi[i] = nextMarker;
            if (kind[i] == 3) {
                nextMarker = ts[i];
            }
        }
        for (int i = 0; i < ne; i++) {
            int k = Arrays.binarySearch(lInstants, ts[i]);
            int firstGe = k >= 0 ? k : -k - 1; // first L >= ts: the event is at or before it (window is (from, to])
            while (firstGe > 0 && lInstants[firstGe - 1] >= ts[i]) {
                firstGe--;
            }
            if (firstGe < lInstants.length) {
                hi[i] = Math.min(hi[i], lInstants[firstGe]);
            }
            if (firstGe > 0) {
                lo[i] = Math.max(lo[i], lInstants[firstGe - 1] + 1);
            }
        }
        // shifts
        long[] vt = new long[ne];
        long segment = 10_000;
        Map<Long, Long> skewOf = new HashMap<>();
        for (int i = 0; i < ne; i++) {
            long v = ts[i];
            if (kind[i] != 3 && cpu[i] >= 0) {
                if ((modes & FREE_EARLY) != 0 && kind[i] == 1 && rnd.nextDouble() < share) {
                    v -= 1 + rnd.nextLong(deltaUs);
                }
                if ((modes & ALLOC_LATE) != 0 && kind[i] == 2 && rnd.nextDouble() < share) {
                    v += 1 + rnd.nextLong(deltaUs);
                }
                if ((modes & SKEW) != 0) {
                    long key = (ts[i] / segment) * 4096 + cpu[i];
                    Long off = skewOf.get(key);
                    if (off == null) {
                        off = new SplittableRandom(seed * 31 + key).nextLong(-deltaUs, deltaUs + 1);
                        skewOf.put(key, off);
                    }
                    v += off;
                }
                v = Math.max(lo[i], Math.min(hi[i], v));
            }
            vt[i] = v;
        }
        // causality: a sunk allocation is printed before the next event on its pfn (forward pass below keeps the rest)
        Map<Long, Integer> next = new HashMap<>();
        for (int i = ne - 1; i >= 0; i--) {
            if (pfn[i] < 0) {
                continue;
            }
            Integer j = next.put(pfn[i], i);
            if (kind[i] == 2 && j != null && cpu[j] != cpu[i]) {
                vt[i] = Math.min(vt[i], Math.max(ts[j], vt[j]));
            }
        }
        // forward: own CPU's order, and no event before the previous event on its pfn
        Map<Integer, Long> lastOfCpu = new HashMap<>();
        Map<Long, Long> lastOfPfn = new HashMap<>();
        for (int i = 0; i < ne; i++) {
            if (cpu[i] >= 0) {
                Long c = lastOfCpu.get(cpu[i]);
                if (c != null && vt[i] < c) {
                    vt[i] = c;
                }
            }
            if (pfn[i] >= 0) {
                Long p = lastOfPfn.get(pfn[i]);
                if (p != null && vt[i] < p) {
                    vt[i] = p;
                }
                lastOfPfn.put(pfn[i], vt[i]);
            }
            if (kind[i] == 3) {
                vt[i] = ts[i];
            }
            if (cpu[i] >= 0) {
                lastOfCpu.put(cpu[i], vt[i]);
            }
        }
        Integer[] order = new Integer[ne];
        for (int i = 0; i < ne; i++) {
            order[i] = i;
        }
        Arrays.sort(order, Comparator.<Integer>comparingLong(i -> vt[i]).thenComparingInt(i -> i));
        if ((modes & TIES) != 0) {
            // an instant with several CPUs and no marker: print its CPUs in a random order, each CPU's events in order
            for (int a = 0; a < ne; ) {
                int b = a;
                boolean marker = false;
                while (b < ne && vt[order[b]] == vt[order[a]]) {
                    marker |= kind[order[b]] == 3;
                    b++;
                }
                if (b - a > 1 && !marker) {
                    long salt = rnd.nextLong();
                    Arrays.sort(order, a, b, Comparator.<Integer>comparingLong(
                            i -> Long.hashCode(salt ^ (cpu[i] * 0x9E3779B97F4A7C15L)) & 0xffffffffL)
                            .thenComparingInt(i -> i));
                }
                a = b;
            }
        }
        long moved = 0;
        long crossings = 0;
        for (int k = 0; k < ne; k++) {
            int i = order[k];
            String l = lines.get(lineOf[i]);
            if (vt[i] != ts[i] && cpu[i] >= 0) {
                moved++;
                l = l.substring(0, tsStart[i]) + String.format("%d.%06d", vt[i] / 1_000_000, vt[i] % 1_000_000)
                        + l.substring(tsEnd[i]);
            }
            if (k != i) {
                crossings++;
            }
            out[header + k] = l;
        }
        return new Stats(ne, moved, crossings);
    }

    private static long parsePfn(String s) {
        return s.startsWith("0x") ? Long.parseLong(s.substring(2), 16) : Long.parseLong(s);
    }

    /**
     * {@code Interleavings BUNDLE MODES SEED DELTA_US [SHARE] [WORKDIR]}: perturbs the bundle, validates the copy and
     * prints one line with the perturbation and the result.
     */
    public static void main(String[] args) throws Exception {
        if (args.length < 4) {
            System.err.println("usage: Interleavings BUNDLE ties|free-early|alloc-late|skew|all[,...] SEED DELTA_US "
                    + "[SHARE] [WORKDIR]");
            System.exit(2);
        }
        Path bundle = Path.of(args[0]);
        int modes = parseModes(args[1]);
        long seed = Long.parseLong(args[2]);
        long delta = Long.parseLong(args[3]);
        double share = args.length > 4 ? Double.parseDouble(args[4]) : 0.5;
        Path work = args.length > 5 ? Path.of(args[5]) : Files.createTempDirectory("perturb");
        Path out = work.resolve(bundle.getFileName().toString());
        Stats st = perturb(bundle, out, modes, seed, delta, share);
        Validation.Result r = Validation.run(TraceInput.of(out.toString()), null, true, null);
        System.out.println(describe(bundle.getFileName().toString(), args[1], seed, delta, st, r));
        try (Stream<Path> s = Files.walk(out)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.delete(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }

    public static String describe(String bundle, String modes, long seed, long delta, Stats st, Validation.Result r) {
        long reordered = r.consistency.entrySet().stream().filter(e -> e.getKey().startsWith("reordered"))
                .mapToLong(Map.Entry::getValue).sum();
        return String.format("%s %s seed=%d delta=%dus moved=%d out-of-place=%d: %d pages (%d buddy), %d missing, "
                        + "%d extra, %d pageblocks, %d lists in another order, %d pcp lists, reordered=%d %s%n  %s",
                bundle, modes, seed, delta, st.moved(), st.crossings(), r.pagesMismatched, r.buddyPagesMismatched,
                r.freeBlocksMissing, r.freeBlocksExtra, r.pageblocksMismatched, r.freeListsOrderDiffer,
                r.pcpListsDiffer, reordered, r.exact() ? "EXACT" : "OFF", r.consistency);
    }
}
