package io.fragtrace.replay.snapshot;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The "Node N, zone NAME v0 v1 ..." tables: {@code /proc/buddyinfo} (block counts per order) and the debugfs
 * {@code extfrag_index} / {@code unusable_index} (thousandths, printed {@code %d.%03d}).
 */
public final class ZoneTable {
    public record Row(int nid, String zone, long[] values) {
    }

    private final List<Row> rows;
    private final Problems problems;

    private ZoneTable(List<Row> rows, Problems problems) {
        this.rows = rows;
        this.problems = problems;
    }

    public List<Row> rows() {
        return Collections.unmodifiableList(rows);
    }

    public Row row(String zone) {
        for (Row r : rows) {
            if (r.zone.equals(zone)) {
                return r;
            }
        }
        return null;
    }

    public Problems problems() {
        return problems;
    }

    /** /proc/buddyinfo. */
    public static ZoneTable loadBuddyInfo(Path file) throws SnapshotException {
        return load(file, false);
    }

    /** extfrag_index or unusable_index: values in thousandths (-1.000 → -1000). */
    public static ZoneTable loadIndex(Path file) throws SnapshotException {
        return load(file, true);
    }

    private static ZoneTable load(Path file, boolean thousandths) throws SnapshotException {
        List<String> lines = Snapshots.lines(file);
        Problems problems = new Problems(file.toString());
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            String s = line.trim();
            if (s.isEmpty()) {
                continue;
            }
            try {
                String[] t = s.split("[ ,]+");
                if (t.length < 5 || !t[0].equals("Node") || !t[2].equals("zone")) {
                    throw new IllegalArgumentException();
                }
                long[] v = new long[t.length - 4];
                for (int k = 4; k < t.length; k++) {
                    v[k - 4] = thousandths ? Snapshots.parseThousandths(t[k]) : Long.parseLong(t[k]);
                }
                rows.add(new Row(Integer.parseInt(t[1]), t[3], v));
            } catch (RuntimeException e) {
                problems.add(i + 1, "not 'Node N, zone NAME values...'", line);
            }
        }
        return new ZoneTable(rows, problems);
    }
}
