package io.fragtrace.report.html;

import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVPrinter;
import org.apache.commons.csv.CSVRecord;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.NumericColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;
import tech.tablesaw.columns.Column;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Reader;
import java.io.Writer;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * CSV files to and from Tablesaw tables, through Commons CSV ({@code DEFAULT}, header row, UTF-8) as
 * docs/replay-output.md specifies. Text columns are named by the caller; every other column is read as a double
 * column, with an empty cell as a missing value.
 */
public final class Tables {
    private Tables() {
    }

    /** Reads a replay CSV; columns in {@code textColumns} stay strings, the rest become doubles. */
    public static Table read(Path file, Set<String> textColumns) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return read(file.getFileName().toString(), in, textColumns);
        }
    }

    /** As {@link #read(Path, Set)} from a stream (a run's CSV bytes in memory); {@code name} names the table. */
    public static Table read(String name, InputStream in, Set<String> textColumns) throws IOException {
        // a strict decoder, as Files.newBufferedReader: a malformed byte is an error, not a U+FFFD
        try (Reader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8.newDecoder()));
             CSVParser p = CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).build().parse(r)) {
            List<String> names = p.getHeaderNames();
            List<Column<?>> cols = new ArrayList<>();
            for (String n : names) {
                cols.add(textColumns.contains(n) ? StringColumn.create(n) : DoubleColumn.create(n));
            }
            for (CSVRecord rec : p) {
                for (int i = 0; i < names.size(); i++) {
                    String v = i < rec.size() ? rec.get(i) : "";
                    Column<?> c = cols.get(i);
                    if (c instanceof StringColumn s) {
                        s.append(v);
                    } else if (v.isEmpty()) {
                        ((DoubleColumn) c).appendMissing();
                    } else {
                        try {
                            ((DoubleColumn) c).append(Double.parseDouble(v));
                        } catch (NumberFormatException e) {
                            throw new IOException(name + " line " + p.getCurrentLineNumber()
                                    + ": column " + names.get(i) + " is not a number: '" + v + "'");
                        }
                    }
                }
            }
            return Table.create(name, cols.toArray(new Column<?>[0]));
        }
    }

    /** The table as CSV bytes; numbers without exponent or trailing zeros, missing values as empty cells. */
    public static byte[] csv(Table t) {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        try (Writer w = new OutputStreamWriter(buf, StandardCharsets.UTF_8);
             CSVPrinter out = new CSVPrinter(w, CSVFormat.DEFAULT.builder().setHeader(
                     t.columnNames().toArray(new String[0])).build())) {
            for (int r = 0; r < t.rowCount(); r++) {
                List<String> row = new ArrayList<>(t.columnCount());
                for (Column<?> c : t.columns()) {
                    row.add(cell(c, r));
                }
                out.printRecord(row);
            }
        } catch (IOException e) {
            throw new IllegalStateException(e); // in-memory
        }
        return buf.toByteArray();
    }

    static String cell(Column<?> c, int row) {
        if (c.isMissing(row)) {
            return "";
        }
        if (c instanceof NumericColumn<?> n) {
            return number(n.getDouble(row));
        }
        return c.getString(row);
    }

    /** 12 → "12", 0.5 → "0.5", 18.0748350 → "18.074835"; NaN → "". */
    public static String number(double d) {
        if (Double.isNaN(d) || Double.isInfinite(d)) {
            return "";
        }
        if (d == Math.rint(d) && Math.abs(d) < 1e15) {
            return Long.toString((long) d);
        }
        return new BigDecimal(Double.toString(d)).stripTrailingZeros().toPlainString();
    }

    /** A summary.json number, or a number printed as a string ("-1.000"); NaN when neither. */
    public static double parse(com.fasterxml.jackson.databind.JsonNode n) {
        if (n.isNumber()) {
            return n.asDouble();
        }
        try {
            return Double.parseDouble(n.asText());
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }

    /** Rounds to {@code digits} decimals for display and derived CSV columns (rates, means). */
    public static double round(double d, int digits) {
        if (Double.isNaN(d) || Double.isInfinite(d)) {
            return d;
        }
        return BigDecimal.valueOf(d).setScale(digits, java.math.RoundingMode.HALF_UP).doubleValue();
    }

    /**
     * Whether row r of compaction.csv is a pass that succeeded by the kernel's meaning of its status: SUCCESS, or
     * COMPLETE for a whole-zone (proactive, manual) pass ({@link io.fragtrace.replay.compaction.CompactOutcome}).
     */
    static boolean passSucceeded(Table cp, int r) {
        double order = cp.doubleColumn("order").getDouble(r);
        return io.fragtrace.replay.compaction.CompactOutcome.succeeded(cp.stringColumn("context").get(r),
                Double.isNaN(order) ? 0 : (int) order, cp.stringColumn("status").get(r));
    }
}
