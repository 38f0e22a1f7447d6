package io.fragtrace.replay.snapshot;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code buddydump.txt}: the exact allocator state (free lists in list order, per-CPU lists in list order, pageblock
 * migratetypes and the trace-clock instant {@code L} at which each zone's locks were held). Reads the 6.1 header and
 * the 6.12 one ({@code NR_PAGE_ORDERS=.. MAX_PAGE_ORDER=.. pcp_mt=pindex release=..}). Malformed lines are counted
 * in {@link #problems()}, never thrown.
 */
public final class BuddyDump {
    /** {@code B <order> <mt> <pfn>}: one block of a free list, in list order (head first). */
    public record Block(int order, int migratetype, long pfn) {
    }

    /** {@code C <cpu> count= high= batch=}. */
    public record Cpu(int cpu, int count, int high, int batch) {
    }

    /** {@code P <cpu> <pindex> <order> <mt> <pfn>}: one page of a per-CPU list, in list order. */
    public record PcpPage(int cpu, int pindex, int order, int migratetype, long pfn) {
    }

    /** One populated zone of the dump. */
    public static final class Zone {
        public final int nid;
        public final String name;
        public final long start;
        public final long spanned;
        public final long present;
        public final long managed;
        public final int[] nrFree;
        public final List<Block> blocks = new ArrayList<>();
        public final List<Cpu> cpus = new ArrayList<>();
        public final List<PcpPage> pcp = new ArrayList<>();
        /** Trace-clock ns of the {@code L} line; {@link Long#MIN_VALUE} when missing. */
        public long lockNs = Long.MIN_VALUE;

        Zone(int nid, String name, long start, long spanned, long present, long managed, int[] nrFree) {
            this.nid = nid;
            this.name = name;
            this.start = start;
            this.spanned = spanned;
            this.present = present;
            this.managed = managed;
            this.nrFree = nrFree;
        }

        public long end() {
            return start + spanned;
        }
    }

    private final Map<String, String> header;
    private final List<Zone> zones;
    private final long[] pageblockPfns;
    private final byte[] pageblockMts;
    private final Problems problems;

    private BuddyDump(Map<String, String> header, List<Zone> zones, long[] pbPfns, byte[] pbMts, Problems problems) {
        this.header = header;
        this.zones = zones;
        this.pageblockPfns = pbPfns;
        this.pageblockMts = pbMts;
        this.problems = problems;
    }

    public Map<String, String> header() {
        return Collections.unmodifiableMap(header);
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

    /** Number of orders: NR_PAGE_ORDERS (6.12) or MAX_ORDER (6.1, exclusive bound). */
    public int nrOrders() {
        String s = header.getOrDefault("NR_PAGE_ORDERS", header.getOrDefault("MAX_ORDER", "11"));
        return Integer.parseInt(s);
    }

    public int pageblockOrder() {
        return Integer.parseInt(header.getOrDefault("pageblock_order", "9"));
    }

    public int nrPcpLists() {
        return Integer.parseInt(header.getOrDefault("NR_PCP_LISTS", "14"));
    }

    /** The 6.12 dump takes the P-line migratetype from the per-CPU list index. */
    public boolean pcpMigratetypeFromPindex() {
        return "pindex".equals(header.get("pcp_mt"));
    }

    /** {@code release=} of the 6.12 header, else null. */
    public String release() {
        return header.get("release");
    }

    public int pageblockCount() {
        return pageblockPfns.length;
    }

    public long pageblockPfn(int i) {
        return pageblockPfns[i];
    }

    public int pageblockMigratetype(int i) {
        return pageblockMts[i];
    }

    public static BuddyDump load(Path file) throws SnapshotException {
        List<String> lines = Snapshots.lines(file);
        Problems problems = new Problems(file.toString());
        if (lines.isEmpty() || !lines.get(0).startsWith("# buddydump")) {
            throw new SnapshotException(file + ": not a buddydump (first line must start with '# buddydump')");
        }
        Map<String, String> header = new LinkedHashMap<>();
        for (String tok : Snapshots.fields(lines.get(0).substring(1))) {
            int eq = tok.indexOf('=');
            if (eq > 0) {
                header.put(tok.substring(0, eq), tok.substring(eq + 1));
            } else {
                header.put(tok, "");
            }
        }
        int nrOrders = Integer.parseInt(header.getOrDefault("NR_PAGE_ORDERS", header.getOrDefault("MAX_ORDER", "11")));
        List<Zone> zones = new ArrayList<>();
        Zone cur = null;
        long[] pbPfn = new long[1024];
        byte[] pbMt = new byte[1024];
        int nPb = 0;
        for (int i = 1; i < lines.size(); i++) {
            String line = lines.get(i);
            long lineNo = i + 1L;
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String[] t = Snapshots.fields(line);
            try {
                switch (t[0]) {
                    case "Z" -> {
                        Map<String, String> kv = kv(t, 3);
                        String[] nf = kv.get("nr_free").split(",");
                        int[] nrFree = new int[nrOrders];
                        for (int o = 0; o < nrOrders && o < nf.length; o++) {
                            nrFree[o] = Integer.parseInt(nf[o]);
                        }
                        cur = new Zone(Integer.parseInt(t[1]), t[2], Long.parseLong(kv.get("start")),
                                Long.parseLong(kv.get("spanned")), Long.parseLong(kv.get("present")),
                                Long.parseLong(kv.get("managed")), nrFree);
                        zones.add(cur);
                    }
                    case "B" -> {
                        need(cur, t, 4);
                        cur.blocks.add(new Block(Integer.parseInt(t[1]), Integer.parseInt(t[2]), Long.parseLong(t[3], 16)));
                    }
                    case "C" -> {
                        need(cur, t, 5);
                        Map<String, String> kv = kv(t, 2);
                        cur.cpus.add(new Cpu(Integer.parseInt(t[1]), Integer.parseInt(kv.get("count")),
                                Integer.parseInt(kv.get("high")), Integer.parseInt(kv.get("batch"))));
                    }
                    case "P" -> {
                        need(cur, t, 6);
                        cur.pcp.add(new PcpPage(Integer.parseInt(t[1]), Integer.parseInt(t[2]), Integer.parseInt(t[3]),
                                Integer.parseInt(t[4]), Long.parseLong(t[5], 16)));
                    }
                    case "L" -> {
                        if (t.length < 3) {
                            throw new IllegalArgumentException("too few fields");
                        }
                        Zone z = null;
                        for (Zone c : zones) {
                            if (c.name.equals(t[1])) {
                                z = c;
                            }
                        }
                        if (z == null) {
                            throw new IllegalArgumentException("L for unknown zone " + t[1]);
                        }
                        z.lockNs = Snapshots.secondsToNs(t[2]);
                    }
                    case "M" -> {
                        if (t.length < 3) {
                            throw new IllegalArgumentException("too few fields");
                        }
                        if (nPb == pbPfn.length) {
                            pbPfn = java.util.Arrays.copyOf(pbPfn, nPb * 2);
                            pbMt = java.util.Arrays.copyOf(pbMt, nPb * 2);
                        }
                        pbPfn[nPb] = Long.parseLong(t[1], 16);
                        pbMt[nPb] = (byte) Integer.parseInt(t[2]);
                        nPb++;
                    }
                    default -> problems.add(lineNo, "unknown record type '" + t[0] + "'", line);
                }
            } catch (RuntimeException e) {
                problems.add(lineNo, e instanceof NumberFormatException ? "bad number" : String.valueOf(e.getMessage()), line);
            }
        }
        return new BuddyDump(header, zones, java.util.Arrays.copyOf(pbPfn, nPb), java.util.Arrays.copyOf(pbMt, nPb),
                problems);
    }

    private static void need(Zone cur, String[] t, int n) {
        if (cur == null) {
            throw new IllegalArgumentException("record before any Z line");
        }
        if (t.length < n) {
            throw new IllegalArgumentException("too few fields");
        }
    }

    private static Map<String, String> kv(String[] t, int from) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = from; i < t.length; i++) {
            int eq = t[i].indexOf('=');
            if (eq > 0) {
                m.put(t[i].substring(0, eq), t[i].substring(eq + 1));
            }
        }
        return new MissingKeyMap(m);
    }

    /** Map whose get() of an absent key fails with a readable message. */
    private static final class MissingKeyMap extends LinkedHashMap<String, String> {
        private static final long serialVersionUID = 1L;

        MissingKeyMap(Map<String, String> m) {
            super(m);
        }

        @Override
        public String get(Object key) {
            String v = super.get(key);
            if (v == null) {
                throw new IllegalArgumentException("missing " + key + "=");
            }
            return v;
        }
    }
}
