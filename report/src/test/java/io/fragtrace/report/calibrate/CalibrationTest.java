package io.fragtrace.report.calibrate;

import org.junit.jupiter.api.Test;

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
}
