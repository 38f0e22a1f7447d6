package io.fragtrace.parser;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The word-at-a-time digit count and value behind the timestamp's fast path, against hand-read values. */
class ByteScanDigitsTest {
    private static byte[] padded(String s) {
        byte[] b = new byte[s.length() + 16];
        byte[] t = s.getBytes(StandardCharsets.ISO_8859_1);
        System.arraycopy(t, 0, b, 0, t.length);
        for (int i = t.length; i < b.length; i++) {
            b[i] = '7'; // digits past the end must not count
        }
        return b;
    }

    @Test
    void countsDigitsUpToTheFirstOtherByteOrTheEnd() {
        assertEquals(2, ByteScan.digits8(padded("12.948104:"), 0, 10));
        assertEquals(6, ByteScan.digits8(padded("12.948104:"), 3, 10));
        assertEquals(6, ByteScan.digits8(padded("948104"), 0, 6)); // the end, then more digits
        assertEquals(8, ByteScan.digits8(padded("123456789"), 0, 9));
        assertEquals(0, ByteScan.digits8(padded(".5"), 0, 2));
        // the bytes next to '0' and '9' are not digits: '/' (0x2f), ':' (0x3a), and high bytes that carry
        assertEquals(1, ByteScan.digits8(padded("0/"), 0, 2));
        assertEquals(1, ByteScan.digits8(padded("9:"), 0, 2));
        assertEquals(2, ByteScan.digits8(padded("45\u00ff1"), 0, 4));
        assertEquals(0, ByteScan.digits8(padded("\u00fa9"), 0, 2));
        assertEquals(3, ByteScan.digits8(padded("123 "), 0, 4));
        assertEquals(0, ByteScan.digits8(padded("1"), 1, 1));
    }

    @Test
    void valueOfOneToEightDigits() {
        assertEquals(12L, ByteScan.digitsValue(padded("12.948104:"), 0, 2));
        assertEquals(948104L, ByteScan.digitsValue(padded("12.948104:"), 3, 6));
        assertEquals(7L, ByteScan.digitsValue(padded("7"), 0, 1));
        assertEquals(0L, ByteScan.digitsValue(padded("000"), 0, 3));
        assertEquals(12345678L, ByteScan.digitsValue(padded("12345678"), 0, 8));
        assertEquals(99999999L, ByteScan.digitsValue(padded("99999999"), 0, 8));
        assertEquals(1000857L, ByteScan.digitsValue(padded("1000857123"), 0, 7));
    }

    @Test
    void timestampsOfEveryDigitCountReadAsTheByteLoopsDo() {
        // seconds of 1..9 digits, fractions of 1..10 decimals (the first nine kept): the fast path and the loops agree
        for (int sd = 1; sd <= 9; sd++) {
            for (int fd = 1; fd <= 10; fd++) {
                String sec = "9876543210".substring(0, sd);
                String frac = "1234567891".substring(0, fd);
                String kept = (frac + "000000000").substring(0, 9);
                long expected = Long.parseLong(sec) * 1_000_000_000L + Long.parseLong(kept);
                PageFreeLine l = new PageFreeLine("app-1 [000] .... " + sec + "." + frac + ": mm_page_free: page=0x1 pfn=0x10 order=0\n");
                assertEquals(expected, l.timestampNs, sec + "." + frac);
            }
        }
    }

    private static final class PageFreeLine {
        final long timestampNs;

        PageFreeLine(String text) {
            TraceEvent.PageFree f = Lines.parse(text).only(TraceEvent.PageFree.class);
            timestampNs = f.header().timestampNs();
        }
    }
}
