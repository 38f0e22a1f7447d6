package io.fragtrace.replay.simulate;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The decision log keeps the first cap decisions in order and counts the rest. */
class DecisionLogTest {
    @Test
    void theFirstCapAreKeptTheRestCounted() {
        DecisionLog log = new DecisionLog(2);
        log.add(1, "kswapd_wake", "a");
        log.add(2, "kswapd_sleep", "b");
        log.add(3, "kswapd_wake", "c");
        assertEquals(2, log.decisions().size());
        assertEquals("kswapd_sleep", log.decisions().get(1).what());
        assertEquals(1, log.dropped());
    }
}
