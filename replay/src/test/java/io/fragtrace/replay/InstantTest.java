package io.fragtrace.replay;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** --time: seconds as the trace prints them, or a marker. */
class InstantTest {
    @Test
    void secondsAreExactDecimals() {
        // 28.506990 s = 28,506,990,000 ns (a double would give 28506989999.999996)
        assertEquals(28_506_990_000L, Instant.parse("28.506990").ns());
        assertEquals(12_500_000_000L, Instant.parse("12.5").ns());
        assertEquals(7_000_000_000L, Instant.parse("7").ns());
        assertFalse(Instant.parse("12.5").isMarker());
        assertEquals("28.506990", Instant.seconds(28_506_990_000L));
    }

    @Test
    void anythingElseIsAMarkerMatchedWholeOrAsItsEnd() {
        Instant i = Instant.parse("phase round 3");
        assertTrue(i.isMarker());
        assertTrue(i.matches("capture: phase round 3"));
        assertTrue(i.matches("phase round 3"));
        assertFalse(i.matches("capture: phase round 30"));
        assertFalse(i.matches("capture: phase round 3 begin"));
        assertTrue(Instant.parse("round 3").matches("capture: phase round 3"));
        assertFalse(Instant.parse("und 3").matches("capture: phase round 3")); // not at a word start
        assertTrue(Instant.parse("1.2.3").isMarker());
    }

    @Test
    void emptyIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> Instant.parse("  "));
    }
}
