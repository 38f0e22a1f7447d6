package io.fragtrace.replay.model;

import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

class IntIntMapTest {
    @Test
    void behavesLikeAHashMap() {
        IntIntMap m = new IntIntMap(4);
        Map<Integer, Integer> ref = new HashMap<>();
        Random rnd = new Random(7);
        for (int i = 0; i < 200_000; i++) {
            int k = rnd.nextInt(5000);
            if (rnd.nextInt(3) == 0) {
                m.remove(k);
                ref.remove(k);
            } else {
                m.put(k, i);
                ref.put(k, i);
            }
            if (i % 1000 == 0) {
                for (int q = 0; q < 5000; q += 37) {
                    assertEquals(ref.getOrDefault(q, -1), m.get(q));
                }
            }
        }
        assertEquals(ref.size(), m.size());
    }
}
