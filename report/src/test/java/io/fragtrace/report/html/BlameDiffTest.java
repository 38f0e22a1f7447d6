package io.fragtrace.report.html;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** diff's "who blocks order-9" table on two runs whose summary.json blame is written here by hand. */
class BlameDiffTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Adds blame.at_end with the given task rows ("name ranges pinned") and totals to a run's summary.json. */
    static void blame(Path run, long notFree, long pinned, long movable, String... tasks) throws Exception {
        Path f = run.resolve("summary.json");
        ObjectNode s = (ObjectNode) JSON.readTree(f.toFile());
        ObjectNode b = s.putObject("blame");
        b.put("order", 9);
        ObjectNode end = b.putObject("at_end");
        end.putObject("total").put("not_free", notFree).put("pinned", pinned).put("movable_only", movable);
        var top = end.putObject("by_task").putArray("top");
        for (String t : tasks) {
            String[] p = t.split(" ");
            top.addObject().put("name", p[0]).put("ranges", Long.parseLong(p[1])).put("pinned", Long.parseLong(p[2]));
        }
        end.putObject("by_gfp").putArray("top");
        end.putObject("by_migratetype").putArray("top");
        Files.write(f, JSON.writeValueAsBytes(s));
    }

    /**
     * By hand: tasks by comm summed over pids. A: kworker/0:1 5 (pids 12 and 20: 3 + 2), cat 4; B: kworker/0:1 1
     * (pinned 1), cat 4, dd 2 (pinned 0). Deltas: kworker −4, dd +2, cat 0: rows in that order (|delta| first).
     */
    @Test
    void culpritsComparedByCommBiggestChangeFirst(@TempDir Path tmp) throws Exception {
        Path a = ReplayFixture.synthetic(tmp.resolve("A"), 0);
        Path b = ReplayFixture.synthetic(tmp.resolve("B"), 0.6);
        blame(a, 10, 7, 1, "kworker/0:1-12 3 3", "cat-100 4 4", "kworker/0:1-20 2 2");
        blame(b, 8, 5, 2, "kworker/0:1-31 1 1", "cat-200 4 4", "dd-300 2 0");
        DiffReport.Result r = DiffReport.render(ReplayFolder.load(a), ReplayFolder.load(b));
        List<CSVRecord> rows = Csv.read(r.files(), "diff_blame.csv");
        assertEquals(List.of("kworker/0:1 5 1 -4", "dd 0 2 2", "cat 4 4 0"), rows.stream().map(x -> x.get("culprit")
                + " " + num(x.get("ranges_a")) + " " + num(x.get("ranges_b")) + " " + num(x.get("delta"))).toList());
        Map<String, DiffReport.Metric> m = new java.util.HashMap<>();
        r.metrics().forEach(x -> m.put(x.name(), x));
        assertEquals(10, m.get("order-9 ranges not free at end").a());
        assertEquals(8, m.get("order-9 ranges not free at end").b());
        assertEquals(2, m.get("order-9 ranges movable only (compaction should have succeeded) at end").b());
        assertTrue(new String(r.files().get(DiffReport.FILE)).contains("Who blocks order-9: A vs B"));
    }

    private static long num(String s) {
        return (long) Double.parseDouble(s);
    }
}
