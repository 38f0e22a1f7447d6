package io.fragtrace.parser;

import com.github.luben.zstd.ZstdOutputStream;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.tukaani.xz.LZMA2Options;
import org.tukaani.xz.XZOutputStream;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import java.util.zip.GZIPOutputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Bad input is counted, never thrown, never hangs (the timeouts guard against hangs, they measure nothing). */
@Timeout(120)
class HostileInputTest {
    private static final String GOOD = "app-1 [000] ..... 1.000000: mm_page_free: page=0000000012345678 pfn=0x10 order=0\n";

    @TempDir
    Path tmp;

    @Test
    void emptyInputIsNotATrace() {
        Lines l = Lines.parse(new byte[0]);
        assertTrue(l.report.notATrace());
        assertEquals(0, l.report.lines());
        assertTrue(l.events.isEmpty());
    }

    @Test
    void binaryGarbageIsCountedAndFlaggedNotATrace() {
        byte[] junk = new byte[3 << 20];
        new Random(42).nextBytes(junk);
        Lines l = Lines.parse(junk);
        assertTrue(l.report.notATrace());
        assertTrue(l.report.badLines() > 0);
        assertTrue(l.report.examples().size() <= ParseReport.MAX_EXAMPLES);
    }

    @Test
    void nulBytesAndInvalidUtf8InsideLines() {
        byte[] bad = ("a\0b-1 [000] ..... 1.000000: mm_page_free: page=0x1 pfn=0x10 order=0\n"
                + "\u00ff\u00fe-2 [000] ..... 1.000001: mm_page_free: page=0x1 pfn=0x11 order=0\n")
                .getBytes(StandardCharsets.ISO_8859_1); // 0xff 0xfe: invalid UTF-8
        byte[] nulBody = "x-3 [000] ..... 1.000002: mm_page_free: page=0x1 pfn=0x1\0 order=0\n"
                .getBytes(StandardCharsets.ISO_8859_1);
        byte[] all = concat(bad, nulBody, GOOD.getBytes(StandardCharsets.US_ASCII));
        Lines l = Lines.parse(all);
        assertEquals(3, l.events.size(), l.report.examples().toString());
        assertEquals("a\0b", l.events.get(0).header().comm());
        assertEquals(1, l.report.badLines(), "pfn=0x1<NUL> is a bad value");
        assertEquals(3, l.report.examples().get(0).line());
    }

    @Test
    void fiftyMegabyteLineIsSkippedAndReported() {
        byte[] huge = new byte[50 << 20];
        Arrays.fill(huge, (byte) 'x');
        Lines l = Lines.parse(concat(GOOD.getBytes(StandardCharsets.US_ASCII), huge, "\n".getBytes(),
                GOOD.getBytes(StandardCharsets.US_ASCII)));
        assertEquals(2, l.events.size());
        assertEquals(1, l.report.badLines());
        ParseReport.Problem p = l.report.examples().get(0);
        assertEquals(2, p.line());
        assertTrue(p.reason().startsWith("line longer than"));
        assertEquals(3, l.report.lines());
    }

    @Test
    void numbersThatOverflowLong() {
        Lines l = Lines.parse("app-1 [000] ..... 1.000000: mm_page_free: page=0x1 pfn=99999999999999999999999 order=0\n"
                + "app-1 [000] ..... 1.000000: mm_page_free: page=0x1 pfn=0x1ffffffffffffffff order=0\n"
                + "app-1 [000] ..... 99999999999999999999.000000: mm_page_free: page=0x1 pfn=0x10 order=0\n"
                + "app-99999999999999999 [000] ..... 1.000000: mm_page_free: page=0x1 pfn=0x10 order=0\n"
                + "app-1 [000] ..... 1.000000: mm_page_alloc: page=(null) pfn=0xffffffffffffffff order=9 "
                + "migratetype=1 gfp_flags=GFP_TRANSHUGE\n");
        assertEquals(1, l.events.size(), "only the 64-bit -1UL pfn fits");
        assertEquals(-1L, ((TraceEvent.PageAlloc) l.events.get(0)).pfn());
        assertTrue(((TraceEvent.PageAlloc) l.events.get(0)).failed());
        assertEquals(4, l.report.badLines(), l.report.examples().toString());
        assertEquals(2, l.report.malformed().get("mm_page_free: number overflows 64 bits in pfn"));
    }

    @Test
    void missingRequiredFieldIsCountedPerReason() {
        Lines l = Lines.parse("app-1 [000] ..... 1.000000: mm_page_free: page=0x1 order=0\n"
                + "app-1 [000] ..... 1.000000: mm_page_alloc_zone_locked: page=0x1 pfn=0x10 order=0\n");
        assertEquals(0, l.events.size());
        assertEquals(1L, l.report.malformed().get("mm_page_free: missing pfn"));
        assertEquals(1L, l.report.malformed().get("mm_page_alloc_zone_locked: missing migratetype"));
    }

    @Test
    void gzipTruncatedInTheMiddleKeepsEverythingBefore() throws Exception {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 20000; i++) {
            sb.append("app-1 [000] ..... 1.").append(String.format("%06d", i % 1000000))
                    .append(": mm_page_free: page=0x1 pfn=0x").append(Integer.toHexString(i)).append(" order=0\n");
        }
        byte[] gz = compress(sb.toString().getBytes(StandardCharsets.US_ASCII), GZIPOutputStream::new);
        Path cut = tmp.resolve("cut.gz");
        Files.write(cut, Arrays.copyOf(gz, gz.length / 2));
        ParseReport r = new TraceParser().parse(TraceInput.of(cut.toString()), e -> { });
        assertNotNull(r.truncation());
        assertEquals(1, r.badLines(), "the truncation itself; the cut-off last line is not a malformed event: "
                + r.examples());
        assertTrue(r.count(EventType.MM_PAGE_FREE) > 1000, "events before the cut are kept");
        assertTrue(r.count(EventType.MM_PAGE_FREE) < 20000);
        assertFalse(r.notATrace());
    }

    interface Compressor {
        OutputStream wrap(OutputStream out) throws IOException;
    }

    @Test
    void compressionIsDetectedByMagicBytesNotByName() throws Exception {
        byte[] plain = (GOOD + GOOD).getBytes(StandardCharsets.US_ASCII);
        Compressor[] kinds = {GZIPOutputStream::new, o -> new XZOutputStream(o, new LZMA2Options()),
                ZstdOutputStream::new, BZip2CompressorOutputStream::new, o -> o};
        for (int i = 0; i < kinds.length; i++) {
            Path f = tmp.resolve("trace-" + i + ".txt"); // misleading name on purpose
            Files.write(f, compress(plain, kinds[i]));
            ParseReport r = new TraceParser().parse(TraceInput.of(f.toString()), e -> { });
            assertEquals(2, r.count(EventType.MM_PAGE_FREE), "format " + i);
            assertNull(r.truncation());
        }
    }

    @Test
    void inputErrorsAreOneLineMessages() throws Exception {
        TraceInputException missing = assertThrows(TraceInputException.class,
                () -> TraceInput.of(tmp.resolve("nope.txt").toString()));
        assertTrue(missing.getMessage().endsWith("no such file or directory"));
        Path empty = Files.createDirectory(tmp.resolve("bundle"));
        TraceInputException dir = assertThrows(TraceInputException.class, () -> TraceInput.of(empty.toString()));
        assertTrue(dir.getMessage().contains("folder holds no trace"));
        assertFalse(dir.getMessage().contains("\n"));
    }

    @Test
    void bundleFolderFindsItsTrace() throws Exception {
        TraceInput in = TraceInput.of(Samples.bundle("fragment-thp-256M").toString());
        assertEquals("trace.txt.gz", in.file().getFileName().toString());
        assertEquals(Samples.bundle("fragment-thp-256M"), in.bundle());
        try (InputStream s = in.open()) {
            assertEquals('#', s.read());
        }
    }

    private static byte[] compress(byte[] data, Compressor c) throws IOException {
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        try (OutputStream o = c.wrap(bos)) {
            o.write(data);
        }
        return bos.toByteArray();
    }

    private static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) {
            n += p.length;
        }
        byte[] out = new byte[n];
        int off = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, off, p.length);
            off += p.length;
        }
        return out;
    }
}
