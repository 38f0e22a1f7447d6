package io.fragtrace.replay.metrics;

import io.fragtrace.parser.Samples;
import io.fragtrace.replay.ModelLoader;
import io.fragtrace.replay.model.BuddyModel;
import io.fragtrace.replay.snapshot.BuddyDump;
import io.fragtrace.replay.snapshot.KpageFlags;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Region occupancy of the kernel's before state, counted straight from the dump's B and P lines. */
class RegionSamplerTest {
    @Test
    void usedPagesPerRegionAreSpannedMinusHolesMinusFreeAndPcpPages() throws Exception {
        Path before = Samples.bundle("mixed-churn-512M").resolve("before");
        BuddyDump dump = BuddyDump.load(before.resolve("buddydump.txt"));
        BuddyModel m = ModelLoader.fromDump(dump, ModelLoader.semanticsFor(null, dump), null);
        KpageFlags kf = KpageFlags.load(before.resolve("kpageflags.bin.gz"));
        int shift = 13; // 32 MiB regions of 8192 pages
        RegionSampler rs = new RegionSampler(m, shift, kf);

        long[] expected = new long[rs.regions()];
        for (BuddyDump.Zone z : dump.zones()) {
            for (long pfn = z.start; pfn < z.start + z.spanned; pfn++) {
                if (!kf.isHole(pfn)) {
                    expected[(int) (pfn >> shift)]++;
                }
            }
            for (BuddyDump.Block b : z.blocks) {
                for (long p = b.pfn(); p < b.pfn() + (1L << b.order()); p++) {
                    expected[(int) (p >> shift)]--;
                }
            }
            for (BuddyDump.PcpPage p : z.pcp) {
                for (long q = p.pfn(); q < p.pfn() + (1L << p.order()); q++) {
                    expected[(int) (q >> shift)]--;
                }
            }
        }
        long[] used = rs.used(m);
        assertEquals(expected.length, used.length);
        for (int r = 0; r < used.length; r++) {
            assertEquals(expected[r], used[r], "region " + r);
        }
        long free = 0;
        for (long u : expected) {
            free += u == 0 ? 1 : 0;
        }
        assertEquals(free, RegionSampler.freeRegions(rs, used, 0));
    }
}
