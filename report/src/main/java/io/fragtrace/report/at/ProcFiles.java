package io.fragtrace.report.at;

import io.fragtrace.replay.model.BuddyModel;
import io.fragtrace.replay.model.FragMetrics;
import io.fragtrace.replay.model.KernelSemantics;
import io.fragtrace.replay.model.Migratetypes;
import io.fragtrace.replay.model.Zone;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A model's state printed as the kernel prints its own (mm/vmstat.c): {@code /proc/buddyinfo} (frag_show_print()),
 * {@code /proc/pagetypeinfo} (pagetypeinfo_show(): pagetypeinfo_showfree_print(), pagetypeinfo_showblockcount_print()),
 * {@code /sys/kernel/debug/extfrag/extfrag_index} (extfrag_show_print()) and {@code unusable_index}
 * (unusable_show_print()); the per-CPU list counts as zoneinfo_show_print()'s "pagesets" prints them, and the
 * proactive-compaction score of mm/compaction.c (fragmentation_score_zone(), fragmentation_score_node()), which no
 * kernel file prints. Zones are walked as walk_zones_in_node(..., assert_populated=true) does: populated ones only.
 */
public final class ProcFiles {
    /** migratetype_names[] without CMA (the model has no CMA type: MIGRATE_TYPES = 5, as the captures' kernels). */
    public static final List<String> TYPE_NAMES = Migratetypes.MODEL;
    /** pagetypeinfo_showfree_print() stops counting a free list here and prints {@code >100000}. */
    static final long FREECOUNT_CAP = 100000;

    private ProcFiles() {
    }

    /** The zones the kernel's files print: populated ones (present pages), in node and zone order. */
    static List<Integer> populated(BuddyModel m) {
        List<Integer> out = new ArrayList<>();
        for (int z = 0; z < m.zoneCount(); z++) {
            if (m.zone(z).present > 0) {
                out.add(z);
            }
        }
        out.sort((a, b) -> Integer.compare(m.zone(a).nid, m.zone(b).nid));
        return out;
    }

    static long[] nrFree(BuddyModel m, int z) {
        long[] a = new long[m.nrOrders()];
        for (int o = 0; o < a.length; o++) {
            a[o] = m.nrFree(z, o);
        }
        return a;
    }

    /** /proc/buddyinfo: frag_show_print(). */
    public static String buddyinfo(BuddyModel m) {
        StringBuilder sb = new StringBuilder();
        for (int z : populated(m)) {
            Zone zone = m.zone(z);
            sb.append(String.format(Locale.ROOT, "Node %d, zone %8s ", zone.nid, zone.name));
            for (int o = 0; o < m.nrOrders(); o++) {
                sb.append(String.format(Locale.ROOT, "%6d ", m.nrFree(z, o)));
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    /** /proc/pagetypeinfo: pagetypeinfo_show() of each node with memory (no mixed-count part: needs page_owner). */
    public static String pagetypeinfo(BuddyModel m) {
        StringBuilder sb = new StringBuilder();
        List<Integer> zones = populated(m);
        int lastNid = Integer.MIN_VALUE;
        for (int i = 0; i < zones.size(); i++) {
            int nid = m.zone(zones.get(i)).nid;
            if (nid == lastNid) {
                continue;
            }
            lastNid = nid;
            List<Integer> node = zones.stream().filter(z -> m.zone(z).nid == nid).toList();
            sb.append("Page block order: ").append(m.pageblockOrder()).append('\n');
            sb.append("Pages per block:  ").append(1L << m.pageblockOrder()).append('\n');
            sb.append('\n');
            sb.append(String.format(Locale.ROOT, "%-43s ", "Free pages count per migrate type at order"));
            for (int o = 0; o < m.nrOrders(); o++) {
                sb.append(String.format(Locale.ROOT, "%6d ", o));
            }
            sb.append('\n');
            for (int z : node) {
                Zone zone = m.zone(z);
                for (int mt = 0; mt < TYPE_NAMES.size(); mt++) {
                    sb.append(String.format(Locale.ROOT, "Node %4d, zone %8s, type %12s ", zone.nid, zone.name,
                            TYPE_NAMES.get(mt)));
                    for (int o = 0; o < m.nrOrders(); o++) {
                        long n = m.freeListLength(z, o, mt);
                        boolean overflow = n >= FREECOUNT_CAP;
                        sb.append(String.format(Locale.ROOT, "%s%6d ", overflow ? ">" : "",
                                overflow ? FREECOUNT_CAP : n));
                    }
                    sb.append('\n');
                }
            }
            sb.append(String.format(Locale.ROOT, "\n%-23s", "Number of blocks type "));
            for (String t : TYPE_NAMES) {
                sb.append(String.format(Locale.ROOT, "%12s ", t));
            }
            sb.append('\n');
            for (int z : node) {
                Zone zone = m.zone(z);
                sb.append(String.format(Locale.ROOT, "Node %d, zone %8s ", zone.nid, zone.name));
                for (int mt = 0; mt < TYPE_NAMES.size(); mt++) {
                    sb.append(String.format(Locale.ROOT, "%12d ", m.pageblocksOfType(z, mt)));
                }
                sb.append('\n');
            }
        }
        return sb.toString();
    }

    /** extfrag/extfrag_index: extfrag_show_print(), __fragmentation_index() as "%2d.%03d ". */
    public static String extfragIndex(BuddyModel m) {
        return index(m, true);
    }

    /** extfrag/unusable_index: unusable_show_print(), unusable_free_index() as "%d.%03d ". */
    public static String unusableIndex(BuddyModel m) {
        return index(m, false);
    }

    private static String index(BuddyModel m, boolean extfrag) {
        StringBuilder sb = new StringBuilder();
        for (int z : populated(m)) {
            Zone zone = m.zone(z);
            long[] nr = nrFree(m, z);
            sb.append(String.format(Locale.ROOT, "Node %d, zone %8s ", zone.nid, zone.name));
            for (int o = 0; o < nr.length; o++) {
                int v = extfrag ? FragMetrics.fragmentationIndex(nr, o) : FragMetrics.unusableFreeIndex(nr, o);
                // C's int division truncates toward zero, as Java's: -1000 prints "-1.000"
                sb.append(String.format(Locale.ROOT, extfrag ? "%2d.%03d " : "%d.%03d ", v / 1000, v % 1000));
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    /** CPUs printed: all of the model's when few, else those with pages on a list of some zone. */
    static List<Integer> cpus(BuddyModel m) {
        List<Integer> out = new ArrayList<>();
        for (int cpu = 0; cpu < m.maxCpus(); cpu++) {
            boolean any = m.maxCpus() <= 16;
            for (int z = 0; !any && z < m.zoneCount(); z++) {
                any = m.pcpCount(z, cpu) > 0;
            }
            if (any) {
                out.add(cpu);
            }
        }
        return out;
    }

    /**
     * Pages on each CPU's lists per zone, as zoneinfo_show_print() prints its "pagesets" (count only: the model does
     * not keep pcp->high and pcp->batch).
     */
    public static String pcp(BuddyModel m) {
        StringBuilder sb = new StringBuilder();
        List<Integer> cpus = cpus(m);
        for (int z : populated(m)) {
            Zone zone = m.zone(z);
            sb.append(String.format(Locale.ROOT, "Node %d, zone %8s\n  pagesets", zone.nid, zone.name));
            for (int cpu : cpus) {
                sb.append(String.format(Locale.ROOT, "\n    cpu: %d\n              count: %d", cpu,
                        m.pcpCount(z, cpu)));
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    /** fragmentation_score_zone() of each zone and fragmentation_score_node() of each node with populated zones. */
    public static Map<Integer, Long> nodeScores(BuddyModel m) {
        Map<Integer, List<Integer>> byNode = new LinkedHashMap<>();
        for (int z : populated(m)) {
            byNode.computeIfAbsent(m.zone(z).nid, k -> new ArrayList<>()).add(z);
        }
        Map<Integer, Long> out = new LinkedHashMap<>();
        byNode.forEach((nid, zs) -> {
            out.put(nid, FragMetrics.fragmentationScoreNode(m, zs.stream().mapToInt(Integer::intValue).toArray()));
        });
        return out;
    }

    /**
     * The proactive-compaction score (mm/compaction.c): per zone fragmentation_score_zone() (extfrag_for_order() at
     * COMPACTION_HPAGE_ORDER, 0..100) and its weight in the node, per node fragmentation_score_node() (what
     * kcompactd compares with the proactiveness thresholds).
     */
    public static String fragmentationScore(BuddyModel m) {
        StringBuilder sb = new StringBuilder();
        Map<Integer, Long> nodes = nodeScores(m);
        for (int z : populated(m)) {
            Zone zone = m.zone(z);
            long nodePresent = 0;
            for (int y : populated(m)) {
                if (m.zone(y).nid == zone.nid) {
                    nodePresent += m.zone(y).present;
                }
            }
            int score = FragMetrics.fragmentationScoreZone(nrFree(m, z));
            sb.append(String.format(Locale.ROOT, "Node %d, zone %8s score %3d weighted %3d\n", zone.nid, zone.name,
                    score, FragMetrics.fragmentationScoreZoneWeighted(zone.present, nodePresent, score)));
        }
        nodes.forEach((nid, s) -> sb.append(String.format(Locale.ROOT, "Node %d score %3d\n", nid, s)));
        return sb.toString();
    }

    /** The migratetype names of the model's types, for JSON keys. */
    static String typeName(int mt) {
        return mt < TYPE_NAMES.size() ? TYPE_NAMES.get(mt) : "type" + mt;
    }

    static int migrateTypes() {
        return Math.min(KernelSemantics.MIGRATE_TYPES, TYPE_NAMES.size());
    }
}
