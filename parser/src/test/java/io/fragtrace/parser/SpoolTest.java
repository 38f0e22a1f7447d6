package io.fragtrace.parser;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

class SpoolTest {
    /** {@code size} bytes (byte i = i mod 251), failing with an IOException after {@code failAt} bytes if set. */
    private static InputStream bytes(long size, long failAt) {
        return new InputStream() {
            long pos;

            @Override
            public int read() throws IOException {
                if (pos == failAt) {
                    throw new IOException("Unexpected end of ZLIB input stream");
                }
                return pos < size ? (int) (pos++ % 251) : -1;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                int n = 0;
                while (n < len) {
                    int c = n == 0 ? read() : pos == failAt ? -1 : read();
                    if (c < 0) {
                        break;
                    }
                    b[off + n++] = (byte) c;
                }
                return n == 0 && len > 0 ? -1 : n;
            }
        };
    }

    @Test
    void smallInputStaysInMemory() {
        ParseReport r = new ParseReport();
        Spool s = Spool.read(new ByteArrayInputStream(new byte[] {1, 2, 3}), ".dat", r);
        assertNull(s.file);
        assertEquals(3, s.length);
        assertEquals(3, s.bytes[2]);
        assertNull(r.truncation);
    }

    @Test
    void inputOverTheLimitGoesToATemporaryFileWhole() throws IOException {
        long size = Spool.IN_MEMORY + 100_000L;
        Spool s = Spool.read(bytes(size, -1), ".dat", new ParseReport());
        assertNotNull(s.file);
        try {
            assertEquals(size, Files.size(s.file));
            byte[] tail = Files.readAllBytes(s.file);
            assertEquals((byte) ((size - 1) % 251), tail[(int) (size - 1)]);
        } finally {
            Files.delete(s.file);
        }
    }

    @Test
    void aStreamFailingPartWayKeepsWhatWasReadAndSaysSo() {
        ParseReport r = new ParseReport();
        Spool s = Spool.read(bytes(1_000_000, 70_000), ".dat", r);
        assertNull(s.file);
        assertEquals(70_000, s.length);
        assertEquals("input ends early (Unexpected end of ZLIB input stream); the complete part is used", r.truncation);
    }
}
