package io.fragtrace.report.output;

import io.fragtrace.replay.model.FragMetrics;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * CsvBytes writes the bytes Commons CSV's DEFAULT format wrote before (the report's CSV files must not change):
 * every expected file here is produced by CSVPrinter itself, with the values the report used to hand it.
 */
class CsvBytesTest {
    /** Strings on each side of every quoting rule of QuoteMode.MINIMAL, first on the line and after a comma. */
    private static final List<String> TEXTS = List.of("", "a", "kswapd0", " x", "x ", "#x", "x#", "!x", "$x", "-x",
            "a,b", "a\"b", "\"", "a\nb", "a\rb", "tab\t", "\tx", "caf\u00e9", "\u00e9", "\u65e5\u672c", "echo 1 > f",
            "marker: start phase 2", "<idle>-0", "x\u0001", "'q'");

    @Test
    void textCellsQuoteAsCommonsCsv() throws IOException {
        ByteArrayOutputStream want = new ByteArrayOutputStream();
        try (Writer w = new OutputStreamWriter(want, StandardCharsets.UTF_8);
             CSVPrinter p = new CSVPrinter(w, CSVFormat.DEFAULT)) {
            for (String a : TEXTS) {
                for (String b : TEXTS) {
                    p.printRecord(a, b);
                }
                p.printRecord(a);
                p.printRecord(a, null, 7);
                p.printRecord(null, a);
            }
        }
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        CsvBytes c = new CsvBytes(got);
        for (String a : TEXTS) {
            for (String b : TEXTS) {
                c.text(a).text(b).end();
            }
            c.text(a).end();
            c.text(a).obj(null).num(7).end();
            c.obj(null).text(a).end();
        }
        c.finish();
        assertEquals(want.toString(StandardCharsets.UTF_8), got.toString(StandardCharsets.UTF_8));
    }

    @Test
    void numbersAsTheFormattersBefore() throws IOException {
        SplittableRandom rnd = new SplittableRandom(10);
        List<Long> nums = new ArrayList<>(List.of(0L, 1L, -1L, 9L, 10L, -10L, 999_999L, 1_000_000L,
                Long.MAX_VALUE, Long.MIN_VALUE, (long) Integer.MIN_VALUE));
        List<Long> times = new ArrayList<>(List.of(0L, 999L, 1000L, 999_999_999L, 1_000_000_000L, 1_000_000_999L,
                86_400_123_456_789L, Long.MAX_VALUE, -1L, -1_500_000_000L));
        List<Integer> idx = new ArrayList<>(List.of(0, 1, 999, 1000, 1001, -1, -999, -1000, -1001, -12345,
                Integer.MAX_VALUE, Integer.MIN_VALUE));
        while (times.size() < nums.size()) {
            times.add(rnd.nextLong(0, 1L << 40));
        }
        while (idx.size() < nums.size()) {
            idx.add(rnd.nextInt());
        }
        while (nums.size() < idx.size()) {
            nums.add(rnd.nextLong());
            times.add(rnd.nextLong(0, 1L << 40));
        }
        for (int i = 0; i < 2000; i++) {
            nums.add(rnd.nextLong() >> rnd.nextInt(64));
            times.add(rnd.nextLong(0, Long.MAX_VALUE) >> rnd.nextInt(40));
            idx.add(rnd.nextInt(-2000, 2000));
        }
        ByteArrayOutputStream want = new ByteArrayOutputStream();
        try (Writer w = new OutputStreamWriter(want, StandardCharsets.UTF_8);
             CSVPrinter p = new CSVPrinter(w, CSVFormat.DEFAULT)) {
            for (int i = 0; i < nums.size(); i++) {
                p.printRecord(nums.get(i), ReplayCsv.seconds(times.get(i)), FragMetrics.format3(idx.get(i)));
            }
        }
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        CsvBytes c = new CsvBytes(got);
        for (int i = 0; i < nums.size(); i++) {
            c.num(nums.get(i)).seconds(times.get(i)).index3(idx.get(i)).end();
        }
        c.finish();
        assertEquals(want.toString(StandardCharsets.UTF_8), got.toString(StandardCharsets.UTF_8));
    }

    @Test
    void longFilesCrossTheBuffer() throws IOException {
        String big = "x".repeat(200_000);
        ByteArrayOutputStream want = new ByteArrayOutputStream();
        try (Writer w = new OutputStreamWriter(want, StandardCharsets.UTF_8);
             CSVPrinter p = new CSVPrinter(w, CSVFormat.DEFAULT)) {
            for (int i = 0; i < 20_000; i++) {
                p.printRecord(i, "caf\u00e9 " + i);
            }
            p.printRecord(big, big + "\u00e9");
        }
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        CsvBytes c = new CsvBytes(got);
        for (int i = 0; i < 20_000; i++) {
            c.num(i).text("caf\u00e9 " + i).end();
        }
        c.text(big).text(big + "\u00e9").end().finish();
        assertEquals(want.toString(StandardCharsets.UTF_8), got.toString(StandardCharsets.UTF_8));
    }
}
