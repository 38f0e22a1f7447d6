package io.fragtrace.replay.snapshot;

import io.fragtrace.replay.model.Migratetypes;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code /proc/pagetypeinfo}: pageblock order, free blocks per zone/migratetype/order, pageblocks per migratetype. */
public final class PageTypeInfo {
    /** The type names it prints (CONFIG_CMA kernels). */
    public static final List<String> TYPE_NAMES = Migratetypes.WITH_CMA;

    private int pageblockOrder = -1;
    /** zone → type name → per-order free block counts. */
    private final Map<String, Map<String, long[]>> free = new LinkedHashMap<>();
    /** zone → type name → pageblock count. */
    private final Map<String, Map<String, Long>> blocks = new LinkedHashMap<>();
    private final Problems problems;

    private PageTypeInfo(Problems p) {
        this.problems = p;
    }

    public int pageblockOrder() {
        return pageblockOrder;
    }

    public Map<String, Map<String, long[]>> freeCounts() {
        return free;
    }

    public Map<String, Map<String, Long>> blockCounts() {
        return blocks;
    }

    public Problems problems() {
        return problems;
    }

    public static PageTypeInfo load(Path file) throws SnapshotException {
        List<String> lines = Snapshots.lines(file);
        PageTypeInfo p = new PageTypeInfo(new Problems(file.toString()));
        String[] blockHeader = null;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            String s = line.trim();
            try {
                if (s.startsWith("Page block order:")) {
                    p.pageblockOrder = Integer.parseInt(s.substring(s.indexOf(':') + 1).trim());
                } else if (s.startsWith("Number of blocks type")) {
                    blockHeader = s.substring("Number of blocks type".length()).trim().split("\\s+");
                } else if (s.startsWith("Node") && s.contains(", type")) {
                    // Node    0, zone      DMA, type    Unmovable      1      1 ...
                    String[] t = s.split("[ ,]+");
                    String zone = t[3];
                    String type = t[5];
                    long[] c = new long[t.length - 6];
                    for (int k = 6; k < t.length; k++) {
                        c[k - 6] = Long.parseLong(t[k]);
                    }
                    p.free.computeIfAbsent(zone, z -> new LinkedHashMap<>()).put(type, c);
                } else if (s.startsWith("Node") && blockHeader != null) {
                    String[] t = s.split("[ ,]+");
                    String zone = t[3];
                    Map<String, Long> m = p.blocks.computeIfAbsent(zone, z -> new LinkedHashMap<>());
                    for (int k = 4; k < t.length && k - 4 < blockHeader.length; k++) {
                        m.put(blockHeader[k - 4], Long.parseLong(t[k]));
                    }
                }
            } catch (RuntimeException e) {
                p.problems.add(i + 1, "unreadable line", line);
            }
        }
        if (p.pageblockOrder < 0) {
            throw new SnapshotException(file + ": no 'Page block order:' line");
        }
        return p;
    }
}
