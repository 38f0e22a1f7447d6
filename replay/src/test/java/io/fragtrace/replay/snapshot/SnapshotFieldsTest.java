package io.fragtrace.replay.snapshot;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/** {@link Snapshots#fields} splits as {@code trim().split("\\s+")} did (the dump loaders' old tokenizer). */
class SnapshotFieldsTest {
    @Test
    void handWritten() {
        assertArrayEquals(new String[] {"B", "10", "1", "100000"}, Snapshots.fields("B 10 1 100000"));
        assertArrayEquals(new String[] {"Z", "0", "Normal", "start=1"}, Snapshots.fields("  Z\t0  Normal\r\n start=1 \n"));
        assertArrayEquals(new String[] {""}, Snapshots.fields(""));
        assertArrayEquals(new String[] {""}, Snapshots.fields(" \t "));
        // trim() drops every control character at the ends, but only \s separates inside the line
        assertArrayEquals(new String[] {"a\u0001b", "c"}, Snapshots.fields("\u0001a\u0001b\u000Bc\u001f"));
        assertArrayEquals(new String[] {"a\u00a0b"}, Snapshots.fields("a\u00a0b"));
    }

    @Test
    void sameAsRegexSplitOnRandomLines() {
        char[] alphabet = {' ', '\t', '\n', 0x0B, '\f', '\r', 0x01, 0x1F, 'a', 'b', '=', '\u00a0'};
        Random rnd = new Random(7);
        for (int i = 0; i < 200_000; i++) {
            char[] c = new char[rnd.nextInt(12)];
            for (int j = 0; j < c.length; j++) {
                c[j] = alphabet[rnd.nextInt(alphabet.length)];
            }
            String s = new String(c);
            assertArrayEquals(s.trim().split("\\s+"), Snapshots.fields(s), () -> "line: " + s.chars().boxed().toList());
        }
    }
}
