package io.fragtrace.report.output;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Every CSV column ReplayCsv declares is documented in docs/replay-output.md (the per-order/per-type families by name). */
class ReplayCsvDocTest {
    private static String doc() throws Exception {
        Path p = Path.of("").toAbsolutePath();
        while (p != null && !Files.isRegularFile(p.resolve("docs/replay-output.md"))) {
            p = p.getParent();
        }
        if (p == null) {
            throw new IllegalStateException("docs/replay-output.md not found");
        }
        return Files.readString(p.resolve("docs/replay-output.md"));
    }

    @Test
    void everyDeclaredColumnIsInTheDoc() throws Exception {
        String doc = doc();
        List<String> columns = new ArrayList<>(ReplayCsv.timeseriesColumns(0, List.of())); // the fixed columns
        columns.addAll(List.of("nr_free_0", "frag_index_0", "unusable_index_0", "free_movable"));
        columns.addAll(ReplayCsv.COMPACTION_COLUMNS);
        columns.addAll(ReplayCsv.DAEMONS_COLUMNS);
        columns.addAll(ReplayCsv.REGIONS_COLUMNS);
        columns.addAll(ReplayCsv.MARKERS_COLUMNS);
        List<String> missing = columns.stream().filter(c -> !doc.contains("`" + c + "`")).toList();
        assertEquals(List.of(), missing, "columns ReplayCsv writes that docs/replay-output.md does not name");
    }

    @Test
    void timeseriesColumnsPerOrderAndType() {
        // 2 orders, 2 types: 6 fixed + nr_free x2 + free_<mt> x2 + frag_index x2 + unusable_index x2 + frag_score
        // + pageblocks_<mt> x2 + mixed_pageblocks, free_regions + 5 reporting/headroom = 6+2+2+2+2+1+2+2+5 = 24
        List<String> c = ReplayCsv.timeseriesColumns(2, List.of("unmovable", "movable"));
        assertEquals(24, c.size());
        assertEquals(List.of("nr_free_0", "nr_free_1", "free_unmovable", "free_movable"), c.subList(6, 10));
        assertEquals("min_headroom", c.get(23));
    }
}
