package io.fragtrace.report.calibrate;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The bars and the buddyinfo distance, by hand. */
class CalibrationTest {
    @Test
    void misplacedIsHalfTheWeightedDistanceOverTheKernelsFreePages() {
        // kernel: 4 order-0 + 1 order-2 = 8 pages; model: 0 order-0 + 2 order-2 = 8 pages
        // |0-4|*1 + |2-1|*4 = 8 pages apart, half of them (4) misplaced: 4 / 8 = 0.5
        assertEquals(0.5, Calibration.misplaced(new long[][] {{0, 0, 2}}, new long[][] {{4, 0, 1}}), 1e-12);
        assertEquals(0.0, Calibration.misplaced(new long[][] {{4, 0, 1}}, new long[][] {{4, 0, 1}}), 1e-12);
        // a zone the kernel side does not know is left out
        assertEquals(0.0, Calibration.misplaced(new long[][] {{1}, {9}}, new long[][] {{1}, null}), 1e-12);
    }

    @Test
    void attemptsWithin30PercentOrWithin2() {
        assertTrue(Calibration.attemptsPass(0, 2));
        assertFalse(Calibration.attemptsPass(0, 3));
        assertTrue(Calibration.attemptsPass(10, 13));
        assertFalse(Calibration.attemptsPass(10, 14));
        assertTrue(Calibration.attemptsPass(46, 33)); // 13 <= 13.8
        assertFalse(Calibration.attemptsPass(46, 13)); // the 13 vs 46
    }

    @Test
    void freeSplitPerZoneInJsonAndSummedOverZonesInText() {
        // kernel: DMA buddy 10, pcp {1, 0, 0, 0}; DMA32 buddy 100, pcp {3, 4, 0, 0}
        // model:  DMA buddy 12, pcp {0, 0, 0, 0}; DMA32 buddy 90,  pcp {5, 0, 7, 0}
        Calibration.Split k = new Calibration.Split(new long[] {10, 100}, new long[][] {{1, 0, 0, 0}, {3, 4, 0, 0}});
        Calibration.Split m = new Calibration.Split(new long[] {12, 90}, new long[][] {{0, 0, 0, 0}, {5, 0, 7, 0}});
        assertEquals(110, k.buddyTotal());
        assertEquals(4, k.pcpOfCpu(0)); // 1 + 3
        assertEquals(7, m.pcpOfCpu(2));
        ObjectMapper json = new ObjectMapper();
        ObjectNode phase = json.createObjectNode();
        phase.put("label", "p1");
        phase.put("to_s", 1.5);
        phase.putObject("kernel").put("kswapd_wakes", 1);
        phase.putObject("model");
        ArrayNode split = phase.putArray("free_split");
        CalibrationJson.split(split, new String[] {"DMA", "DMA32"}, k, m);
        // CPUs up to the last holding pages on either side: cpu2 (the model's 7)
        assertEquals("{\"zone\":\"DMA32\",\"buddy_kernel\":100,\"pcp_kernel\":[3,4,0],\"buddy_model\":90,"
                + "\"pcp_model\":[5,0,7]}", split.get(1).toString());
        assertEquals("[1]", split.get(0).path("pcp_kernel").toString()); // DMA: its own last CPU with pages, cpu0
        StringBuilder b = new StringBuilder();
        CalibrationText.split(b, json.createArrayNode().add(phase));
        // buddy 10+100 / 12+90; cpu0 1+3 / 0+5; cpu1 0+4 / 0; cpu2 0 / 7
        String row = b.toString().lines().filter(l -> l.contains("p1")).findFirst().orElseThrow();
        assertEquals(List.of("1.500", "p1", "110/102", "4/5", "4/0", "0/7"), List.of(row.trim().split("\\s+")));
    }
}
