package io.fragtrace.report.html;

import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** Test reading of CSV files as records by header. */
final class Csv {
    private Csv() {
    }

    static List<CSVRecord> read(Path file) throws IOException {
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            return parse(r);
        }
    }

    static List<CSVRecord> read(Map<String, byte[]> files, String name) throws IOException {
        byte[] b = files.get(name);
        if (b == null) {
            throw new AssertionError("no " + name + " in " + files.keySet());
        }
        return parse(new StringReader(new String(b, StandardCharsets.UTF_8)));
    }

    static List<String> header(Map<String, byte[]> files, String name) throws IOException {
        try (CSVParser p = CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).build()
                .parse(new StringReader(new String(files.get(name), StandardCharsets.UTF_8)))) {
            return p.getHeaderNames();
        }
    }

    private static List<CSVRecord> parse(Reader r) throws IOException {
        try (CSVParser p = CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).build().parse(r)) {
            return p.getRecords();
        }
    }

    static double d(CSVRecord r, String col) {
        return Double.parseDouble(r.get(col));
    }
}
