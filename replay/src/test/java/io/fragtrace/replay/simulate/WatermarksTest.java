package io.fragtrace.replay.simulate;

import io.fragtrace.replay.snapshot.ZoneInfo;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Watermark rules of mm/page_alloc.c and mm/khugepaged.c; expected values by hand or from the captures' files. */
class WatermarksTest {

    @Test
    void setupPerZoneWmarksByHand() {
        // __setup_per_zone_wmarks: min_free_kbytes 1024 → pages_min 256; lowmem 1000 + 3000 = 4000.
        // zone 0: tmp = 256*1000/4000 = 64; gap = max(64>>2 = 16, 1000*10/10000 = 1) = 16 → 64, 80, 96
        // zone 1: tmp = 256*3000/4000 = 192; gap = max(48, 3) = 48 → 192, 240, 288
        long[][] w = Watermarks.setupPerZoneWmarks(1024, 10, new long[] {1000, 3000});
        assertArrayEquals(new long[] {64, 80, 96}, w[0]);
        assertArrayEquals(new long[] {192, 240, 288}, w[1]);
        // watermark_scale_factor 1000 (10%): zone 1 gap = max(48, 3000*1000/10000 = 300) = 300 → 192, 492, 792
        assertArrayEquals(new long[] {192, 492, 792}, Watermarks.setupPerZoneWmarks(1024, 1000,
                new long[] {1000, 3000})[1]);
    }

    @Test
    void setupPerZoneWmarksMatchesMixedChurnZoneinfo() throws Exception {
        // mixed-churn-512M: meta.txt min_free_kbytes 2701 → pages_min 675; managed DMA 3840, DMA32 112688
        // (before/zoneinfo); DMA tmp = 675*3840/116528 = 22, DMA32 = 675*112688/116528 = 652: zoneinfo prints
        // min 22/652, low 27/815, high 32/978 exactly.
        Path bundle = SimSamples.bundle("mixed-churn-512M");
        long minFree = minFreeKbytes(bundle);
        assertEquals(2701, minFree);
        ZoneInfo zi = ZoneInfo.load(bundle.resolve("before/zoneinfo"));
        long[] managed = {zi.zone("DMA").managed, zi.zone("DMA32").managed};
        long[][] w = Watermarks.setupPerZoneWmarks(minFree, 10, managed);
        assertArrayEquals(new long[] {zi.zone("DMA").min, zi.zone("DMA").low, zi.zone("DMA").high}, w[0]);
        assertArrayEquals(new long[] {zi.zone("DMA32").min, zi.zone("DMA32").low, zi.zone("DMA32").high}, w[1]);
        assertArrayEquals(new long[] {22, 27, 32}, w[0]);
        assertArrayEquals(new long[] {652, 815, 978}, w[1]);
    }

    @Test
    void watermarkGapsMatchEveryCaptureZoneinfo() throws Exception {
        // The fragment-thp captures' min was computed at boot with smaller managed counts (init memory freed later),
        // so min is not reproducible from today's managed; the gap rule is: low - min = high - low =
        // max(min >> 2, managed * 10 / 10000): fragment-thp-256M DMA32 410 → 102 (= 512 - 410, 614 - 512).
        for (String b : new String[] {"fragment-thp-256M", "fragment-thp-256M-k6.12", "mixed-churn-512M"}) {
            ZoneInfo zi = ZoneInfo.load(SimSamples.bundle(b).resolve("before/zoneinfo"));
            for (String zn : new String[] {"DMA", "DMA32"}) {
                ZoneInfo.Zone z = zi.zone(zn);
                long gap = Math.max(z.min >> 2, z.managed * 10 / 10000);
                assertEquals(z.min + gap, z.low, b + " " + zn);
                assertEquals(z.min + 2 * gap, z.high, b + " " + zn);
            }
        }
    }

    @Test
    void recommendedMinFreeKbytesExplainsTheThpCapture() {
        // set_recommended_min_free_kbytes (mm/khugepaged.c) once fragment-thp-256M enables THP: 2 zones,
        // recommended = 512*2*2 + 512*2*9 = 11264 pages, capped at nr_free_buffer_pages/20 =
        // ((3840-50) + (48272-614))/20 = 51448/20 = 2572 pages = 10288 kB.
        assertEquals(10288, Watermarks.recommendedMinFreeKbytes(1782, 9, 2, 51448));
        // never lowered
        assertEquals(20000, Watermarks.recommendedMinFreeKbytes(20000, 9, 2, 51448));
        // DMA32 then: tmp = 2572*48272/52112 = 2382, gap = max(595, 48) = 595 → low 2977. The kernel stopped
        // allocating from DMA32 at 2969 free pages (11.922 s in that trace) and fell back to DMA: below low.
        long[][] w = Watermarks.setupPerZoneWmarks(10288, 10, new long[] {3840, 48272});
        assertArrayEquals(new long[] {2382, 2977, 3572}, w[1]);
        assertTrue(2969 <= w[1][1]);
    }

    @Test
    void order0WatermarkTest() {
        // __zone_watermark_ok order-0 part: free - ((1<<order) - 1) must exceed min + lowmem_reserve.
        assertTrue(Watermarks.order0Ok(100, 0, 50, 10, 0, 0));   // 100 > 60
        assertFalse(Watermarks.order0Ok(60, 0, 50, 10, 0, 0));   // 60 <= 60
        assertTrue(Watermarks.order0Ok(64, 2, 50, 10, 0, 0));    // 64 - 3 = 61 > 60
        assertFalse(Watermarks.order0Ok(63, 2, 50, 10, 0, 0));   // 60 <= 60
        // ALLOC_HIGH: min 50 - 25 = 25 → 40 > 35
        assertTrue(Watermarks.order0Ok(40, 0, 50, 10, Watermarks.ALLOC_HIGH, 0));
        // ALLOC_HARDER: min 50 - 12 = 38 → 48 <= 48 false, 49 true
        assertFalse(Watermarks.order0Ok(48, 0, 50, 10, Watermarks.ALLOC_HARDER, 0));
        assertTrue(Watermarks.order0Ok(49, 0, 50, 10, Watermarks.ALLOC_HARDER, 0));
        // highatomic reserve is unusable without ALLOC_HARDER: 100 - 512 reserved
        assertFalse(Watermarks.order0Ok(100, 0, 50, 10, 0, 512));
    }

    @Test
    void boostWatermark() {
        // boost_watermark (mm/page_alloc.c): max_boost = mult_frac(high 614, 15000, 10000) = 921;
        // first boost min(0 + 512, 921) = 512, second min(1024, 921) = 921
        assertEquals(512, Watermarks.boostWatermark(0, 614, 48272, 15000, 9));
        assertEquals(921, Watermarks.boostWatermark(512, 614, 48272, 15000, 9));
        // no boost: factor 0; zone smaller than 4 pageblocks (2048 > 2000); max_boost 0 (high 0)
        assertEquals(-1, Watermarks.boostWatermark(0, 614, 48272, 0, 9));
        assertEquals(-1, Watermarks.boostWatermark(0, 614, 2000, 15000, 9));
        assertEquals(-1, Watermarks.boostWatermark(0, 0, 48272, 15000, 9));
        // max_boost below a pageblock is raised to a pageblock: high 50 → 75 → max(512, 75) = 512
        assertEquals(512, Watermarks.boostWatermark(0, 50, 3840, 15000, 9));
    }

    @Test
    void proactiveScoreThresholds() {
        // fragmentation_score_wmark() (mm/compaction.c, 5.9-6.15): wmark_low = max(100U - proactiveness, 5U);
        // high = min(wmark_low + 10, 100U)
        assertArrayEquals(new int[] {80, 90}, Watermarks.fragmentationScoreWmarks(20));  // default: 80, 80+10
        assertArrayEquals(new int[] {10, 20}, Watermarks.fragmentationScoreWmarks(90));  // preset proactive: 10, 10+10
        assertArrayEquals(new int[] {100, 100}, Watermarks.fragmentationScoreWmarks(0)); // 100, min(110, 100)
        assertArrayEquals(new int[] {5, 15}, Watermarks.fragmentationScoreWmarks(96));   // max(4, 5) = 5, 5+10
        assertArrayEquals(new int[] {5, 15}, Watermarks.fragmentationScoreWmarks(100));  // max(0, 5) = 5, 5+10
    }

    static long minFreeKbytes(Path bundle) throws Exception {
        Matcher m = Pattern.compile("min_free_kbytes: (\\d+)").matcher(Files.readString(bundle.resolve("meta.txt")));
        assertTrue(m.find());
        return Long.parseLong(m.group(1));
    }
}
