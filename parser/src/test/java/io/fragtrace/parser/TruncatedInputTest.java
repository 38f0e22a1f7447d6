package io.fragtrace.parser;

import com.github.luben.zstd.ZstdInputStream;
import com.github.luben.zstd.ZstdOutputStream;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorInputStream;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorOutputStream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.tukaani.xz.LZMA2Options;
import org.tukaani.xz.XZInputStream;
import org.tukaani.xz.XZOutputStream;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A compressed trace cut short: every event the decompressor can give before the cut is used, the cut line is not
 * parsed, and the damage is reported with the stored byte offset where reading stopped. The expected events are
 * what the format's own decoder (JDK gzip, zstd-jni, XZ for Java, Commons Compress) yields from the cut file, read
 * directly until it fails: its complete lines.
 */
class TruncatedInputTest {
    @TempDir
    Path tmp;

    private static byte[] compress(String kind, byte[] data) throws IOException {
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        try (OutputStream o = switch (kind) {
            case "gzip" -> new GZIPOutputStream(bos);
            case "zstd" -> new ZstdOutputStream(bos);
            case "xz" -> new XZOutputStream(bos, new LZMA2Options());
            default -> new BZip2CompressorOutputStream(bos);
        }) {
            o.write(data);
        }
        return bos.toByteArray();
    }

    private static InputStream decoder(String kind, byte[] cut) throws IOException {
        InputStream in = new ByteArrayInputStream(cut);
        return switch (kind) {
            case "gzip" -> new GZIPInputStream(in);
            case "zstd" -> new ZstdInputStream(in);
            case "xz" -> new XZInputStream(in);
            default -> new BZip2CompressorInputStream(in);
        };
    }

    /** The pfns of the complete lines the decoder yields before it fails or ends. */
    private static List<Long> decodable(String kind, byte[] cut) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (InputStream in = decoder(kind, cut)) {
            int c;
            while ((c = in.read()) >= 0) { // a byte at a time: all the decoder can give
                out.write(c);
            }
        } catch (IOException expected) {
            // the damage
        }
        String text = out.toString(StandardCharsets.US_ASCII);
        List<Long> pfns = new ArrayList<>();
        for (String line : text.substring(0, text.lastIndexOf('\n') + 1).split("\n")) {
            int p = line.indexOf("pfn=0x");
            pfns.add(Long.parseLong(line.substring(p + 6, line.indexOf(' ', p)), 16));
        }
        return pfns;
    }

    @ParameterizedTest
    @ValueSource(strings = {"gzip", "zstd", "xz", "bzip2"})
    void everythingBeforeTheCutIsUsedAndTheCutIsReportedWithItsOffset(String kind) throws Exception {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 60_000; i++) {
            sb.append("app-1 [000] ..... 1.").append(String.format("%06d", i % 1_000_000))
                    .append(": mm_page_free: page=0x1 pfn=0x").append(Integer.toHexString(i)).append(" order=0\n");
        }
        byte[] packed = compress(kind, sb.toString().getBytes(StandardCharsets.US_ASCII));
        byte[] cut = Arrays.copyOf(packed, packed.length * 2 / 3);
        Path f = tmp.resolve("cut." + kind);
        Files.write(f, cut);
        List<Long> want = decodable(kind, cut);
        List<Long> got = new ArrayList<>();
        ParseReport r = new TraceParser().parse(TraceInput.of(f.toString()), e -> got.add(e.pfn()));
        // xz and bzip2 lose what they decoded in the read that meets the damage: at most one read of
        // ReadAheadInputStream.STEP bytes (lines here are 67 bytes or more: 123 lines); gzip and zstd give theirs back
        int lost = want.size() - got.size();
        assertTrue(lost >= 0 && lost <= ReadAheadInputStream.STEP / 67 + 1, kind + ": lost " + lost + " of " + want.size());
        assertTrue(want.subList(0, got.size()).equals(got), kind + ": the events before the cut, in order");
        assertTrue(got.size() > 10_000, kind + ": " + got.size());
        assertNotNull(r.truncation(), kind);
        // the decoder read the whole cut file before it found the data missing: the damage is at its end
        assertTrue(r.truncation().startsWith("input ends early near stored byte " + cut.length + " "), r.truncation());
        assertEquals(1, r.badLines(), "the truncation itself: " + r.examples());
        assertEquals(cut.length, r.rawBytes());
    }
}
