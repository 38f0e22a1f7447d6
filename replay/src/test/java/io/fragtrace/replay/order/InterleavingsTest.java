package io.fragtrace.replay.order;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The perturbation keeps what the kernel's tracing fixes: each CPU's order, markers, window edges, page handoffs. */
class InterleavingsTest {
    private static final Pattern P = Pattern.compile("\\[(\\d+)\\] \\.\\.\\.\\.\\. +(\\d+\\.\\d+): (\\S+): id=(\\d+)");

    private static String line(int cpu, long us, String event, int id, String rest) {
        return String.format("            task-%d     [%03d] .....    %d.%06d: %s: id=%d %s", 100 + cpu, cpu,
                us / 1_000_000, us % 1_000_000, event, id, rest);
    }

    /** Two busy CPUs: frees, allocations and drains every microsecond, a marker in the middle, ties at 1 s + 50. */
    private static List<String> trace() {
        List<String> t = new ArrayList<>();
        t.add("# tracer: nop");
        int id = 0;
        for (long us = 1_000_000; us < 1_000_400; us++) {
            for (int cpu = 0; cpu < 2; cpu++) {
                String ev = switch ((int) ((us + cpu) % 3)) {
                    case 0 -> "mm_page_free";
                    case 1 -> "mm_page_alloc";
                    default -> "mm_page_pcpu_drain";
                };
                long pfn = 0x1000 + (us % 7) * 2 + cpu; // pfns shared over time by the two CPUs
                t.add(line(cpu, us, ev, id++, "pfn=0x" + Long.toHexString(pfn) + " order=0"));
            }
            if (us == 1_000_200) {
                t.add(line(0, us, "tracing_mark_write", id++, "capture: phase"));
            }
        }
        return t;
    }

    private record Ev(int cpu, long us, String type, int id, String pfn) {
    }

    private static List<Ev> parse(String[] lines) {
        List<Ev> out = new ArrayList<>();
        for (String l : lines) {
            Matcher m = P.matcher(l);
            if (m.find()) {
                String[] s = m.group(2).split("\\.");
                Matcher pm = Pattern.compile("pfn=(\\S+)").matcher(l);
                out.add(new Ev(Integer.parseInt(m.group(1)), Long.parseLong(s[0]) * 1_000_000 + Long.parseLong(s[1]),
                        m.group(3), Integer.parseInt(m.group(4)), pm.find() ? pm.group(1) : null));
            }
        }
        return out;
    }

    @Test
    void perCpuOrderMarkersWindowEdgesAndHandoffsAreKept() {
        List<String> in = trace();
        List<Ev> orig = parse(in.toArray(new String[0]));
        long edge = 1_000_300; // an L instant: events at or before it stay at or before it
        for (long seed = 1; seed <= 5; seed++) {
            String[] out = new String[in.size()];
            Interleavings.Stats st = Interleavings.perturb(in, new long[] {edge}, Interleavings.ALL, seed, 30, 0.7, out);
            assertEquals("# tracer: nop", out[0]);
            List<Ev> ev = parse(out);
            assertEquals(orig.size(), ev.size());
            assertTrue(st.crossings() > 0, "something moved");
            int[] lastId = {-1, -1};
            long lastUs = 0;
            int markerAt = -1;
            for (int k = 0; k < ev.size(); k++) {
                Ev e = ev.get(k);
                assertTrue(e.id > lastId[e.cpu], "cpu " + e.cpu + " order, seed " + seed);
                lastId[e.cpu] = e.id;
                assertTrue(e.us >= lastUs, "printed in timestamp order");
                lastUs = e.us;
                if (e.type.equals("tracing_mark_write")) {
                    markerAt = k;
                }
            }
            for (int k = 0; k < ev.size(); k++) {
                Ev e = ev.get(k);
                Ev o = orig.get(e.id);
                if (!e.type.equals("tracing_mark_write")) {
                    assertEquals(o.us <= 1_000_200, k < markerAt, "marker not crossed, seed " + seed);
                }
                assertEquals(o.us <= edge, e.us <= edge, "window edge kept, seed " + seed);
            }
            // a page goes from one CPU's event to the other's only in the original order, unless both share an
            // instant (a stalled clock prints them in CPU order)
            for (int a = 0; a < ev.size(); a++) {
                for (int b = a + 1; b < Math.min(ev.size(), a + 200); b++) {
                    Ev x = ev.get(a);
                    Ev y = ev.get(b);
                    if (x.pfn != null && x.pfn.equals(y.pfn) && x.cpu != y.cpu && x.id > y.id) {
                        assertEquals(x.us, y.us, "handoff order, seed " + seed + ": " + x + " " + y);
                    }
                }
            }
        }
    }
}
