package io.fragtrace.replay.blame;

import io.fragtrace.parser.Samples;
import io.fragtrace.parser.TraceInput;
import io.fragtrace.replay.blame.BlameResult.RangeClass;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * blame on a real capture whose replay is exact (CaptureFidelityTest): replayed to the instants of the after/ dump
 * (each zone's L line), the order-9 ranges it finds not free must be the ones the kernel's own dump shows not
 * covered by a free block, counted here straight from the dump's text.
 */
class BlameCaptureTest {

    /** Per zone from after/buddydump.txt: {start, end, L instant ns, ranges not covered by a free block ≥ order}. */
    static Map<String, long[]> notFreeFromDump(Path dump, int order) throws Exception {
        Map<String, long[]> zones = new LinkedHashMap<>();
        Map<String, List<long[]>> blocks = new LinkedHashMap<>();
        String zone = null;
        for (String l : Files.readAllLines(dump)) {
            String[] f = l.trim().split("\\s+");
            switch (f[0]) {
                case "Z" -> {
                    zone = f[2];
                    long start = Long.parseLong(f[3].substring("start=".length()));
                    long spanned = Long.parseLong(f[4].substring("spanned=".length()));
                    zones.put(zone, new long[] {start, start + spanned, 0, 0});
                    blocks.put(zone, new ArrayList<>());
                }
                case "B" -> blocks.get(zone).add(new long[] {Long.parseLong(f[3], 16), Integer.parseInt(f[1])});
                case "L" -> {
                    String[] s = f[2].split("\\.");
                    zones.get(f[1])[2] = Long.parseLong(s[0]) * 1_000_000_000L + Long.parseLong(s[1]) * 1000;
                }
                default -> {
                }
            }
        }
        long size = 1L << order;
        for (Map.Entry<String, long[]> e : zones.entrySet()) {
            long[] z = e.getValue();
            long notFree = 0;
            for (long r = (z[0] + size - 1) / size * size; r + size <= z[1]; r += size) {
                boolean covered = false;
                for (long[] b : blocks.get(e.getKey())) {
                    covered |= b[1] >= order && b[0] <= r && r + size <= b[0] + (1L << b[1]);
                }
                notFree += covered ? 0 : 1;
            }
            z[3] = notFree;
        }
        return zones;
    }

    @Test
    void mixedChurnNotFreeRangesAreTheDumpsAtItsInstant() throws Exception {
        Path bundle = Samples.bundle("mixed-churn-512M");
        Map<String, long[]> dump = notFreeFromDump(bundle.resolve("after").resolve("buddydump.txt"), 9);
        // the zones in the model's order (the dump lists them as the kernel does: DMA, DMA32)
        long[] limits = dump.values().stream().mapToLong(z -> z[2]).toArray();
        BlameRun.Outcome o = BlameRun.run(TraceInput.of(bundle.toString()),
                new BlameRun.Options(9, null, false, null, limits));
        BlameResult r = o.result();
        assertEquals(dump.size(), r.zones().size());
        long pinned = 0;
        for (BlameResult.ZoneCounts z : r.zones()) {
            long[] d = dump.get(z.zone());
            assertEquals((d[1] - (d[0] + 511) / 512 * 512) / 512, z.ranges(), z.zone() + " ranges");
            assertEquals(d[3], z.notFree(), z.zone() + " order-9 ranges not free");
            pinned += z.byClass()[RangeClass.PINNED.ordinal()];
        }
        // and the JSON list names exactly those ranges
        assertEquals(dump.values().stream().mapToLong(z -> z[3]).sum(), r.ranges().size());
        // the capture's memory is mostly kernel memory at the end: some ranges are pinned, and every pinned range
        // has at least one blocker listed
        assertTrue(pinned > 0);
        r.ranges().stream().filter(g -> g.cls() == RangeClass.PINNED).forEach(g -> assertTrue(!g.blockers().isEmpty()));
    }
}
