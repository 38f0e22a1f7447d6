package io.fragtrace.replay.snapshot;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** {@code /proc/zoneinfo}: per zone start pfn, spans, watermarks, boost, lowmem protection and per-CPU high/batch. */
public final class ZoneInfo {
    /** One zone (populated or not) as printed. */
    public static final class Zone {
        public final int nid;
        public final String name;
        public long startPfn = -1;
        public long pagesFree;
        public long boost;
        public long min;
        public long low;
        public long high;
        public long spanned;
        public long present;
        public long managed;
        public long[] protection = new long[0];
        /** Per CPU, in order: {count, high, batch}. */
        public final List<long[]> pagesets = new ArrayList<>();

        Zone(int nid, String name) {
            this.nid = nid;
            this.name = name;
        }

        public boolean populated() {
            return present > 0;
        }
    }

    private final List<Zone> zones;
    private final Problems problems;

    private ZoneInfo(List<Zone> zones, Problems problems) {
        this.zones = zones;
        this.problems = problems;
    }

    public List<Zone> zones() {
        return Collections.unmodifiableList(zones);
    }

    public Zone zone(String name) {
        for (Zone z : zones) {
            if (z.name.equals(name)) {
                return z;
            }
        }
        return null;
    }

    public Problems problems() {
        return problems;
    }

    public static ZoneInfo load(Path file) throws SnapshotException {
        List<String> lines = Snapshots.lines(file);
        Problems problems = new Problems(file.toString());
        List<Zone> zones = new ArrayList<>();
        Zone cur = null;
        long[] pcp = null;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            String s = line.trim();
            try {
                if (line.startsWith("Node ")) {
                    // "Node 0, zone      DMA"
                    String[] t = s.split("[ ,]+");
                    if (t.length < 4 || !t[2].equals("zone")) {
                        problems.add(i + 1, "bad zone header", line);
                        cur = null;
                        continue;
                    }
                    cur = new Zone(Integer.parseInt(t[1]), t[3]);
                    zones.add(cur);
                    pcp = null;
                    continue;
                }
                if (cur == null || s.isEmpty()) {
                    continue;
                }
                String[] t = s.split("[:\\s]+");
                switch (t[0]) {
                    case "pages" -> {
                        if (t.length >= 3 && t[1].equals("free")) {
                            cur.pagesFree = Long.parseLong(t[2]);
                        }
                    }
                    case "boost" -> cur.boost = Long.parseLong(t[1]);
                    case "min" -> cur.min = Long.parseLong(t[1]);
                    case "low" -> cur.low = Long.parseLong(t[1]);
                    case "high" -> {
                        if (pcp != null) {
                            pcp[1] = Long.parseLong(t[1]);
                        } else {
                            cur.high = Long.parseLong(t[1]);
                        }
                    }
                    case "spanned" -> cur.spanned = Long.parseLong(t[1]);
                    case "present" -> cur.present = Long.parseLong(t[1]);
                    case "managed" -> cur.managed = Long.parseLong(t[1]);
                    case "protection" -> {
                        String inner = s.substring(s.indexOf('(') + 1, s.indexOf(')'));
                        String[] p = inner.split(",\\s*");
                        cur.protection = new long[p.length];
                        for (int k = 0; k < p.length; k++) {
                            cur.protection[k] = Long.parseLong(p[k].trim());
                        }
                    }
                    case "cpu" -> {
                        pcp = new long[3];
                        cur.pagesets.add(pcp);
                    }
                    case "count" -> {
                        if (pcp != null) {
                            pcp[0] = Long.parseLong(t[1]);
                        }
                    }
                    case "batch" -> {
                        if (pcp != null) {
                            pcp[2] = Long.parseLong(t[1]);
                        }
                    }
                    case "start_pfn" -> {
                        cur.startPfn = Long.parseLong(t[1]);
                        pcp = null;
                    }
                    case "vm", "node_unreclaimable", "per-node", "pagesets" -> pcp = t[0].equals("vm") ? pcp : null;
                    default -> {
                    }
                }
            } catch (RuntimeException e) {
                problems.add(i + 1, "bad number", line);
            }
        }
        if (zones.isEmpty()) {
            throw new SnapshotException(file + ": no 'Node N, zone NAME' section");
        }
        return new ZoneInfo(zones, problems);
    }
}
