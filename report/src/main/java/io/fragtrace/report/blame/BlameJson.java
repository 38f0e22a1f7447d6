package io.fragtrace.report.blame;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fragtrace.replay.blame.BlameResult;
import io.fragtrace.replay.blame.BlameResult.Allocation;
import io.fragtrace.replay.blame.BlameResult.Culprit;
import io.fragtrace.replay.blame.BlameResult.RangeClass;

import java.io.IOException;
import java.io.OutputStream;
import java.util.List;
import java.util.Locale;

/**
 * The JSON form of a blame analysis (docs/blame.md): {@code fragtrace blame --json} and summary.json's
 * {@code blame} object (the same keys, culprits cut to the top rows and no range list).
 */
public final class BlameJson {
    public static final int SCHEMA_VERSION = 1;
    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
            .disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);

    private BlameJson() {
    }

    public static void write(ObjectNode tree, OutputStream out) throws IOException {
        MAPPER.writeValue(out, tree);
        out.write('\n');
        out.flush();
    }

    /**
     * @param top    culprits kept per kind (Integer.MAX_VALUE: all)
     * @param ranges whether to list every range that is not free
     */
    public static ObjectNode tree(BlameResult r, int top, boolean ranges) {
        ObjectNode n = JsonNodeFactory.instance.objectNode();
        n.put("order", r.order());
        n.put("at", r.at());
        n.put("time_s", seconds(r.timeNs()));
        n.put("instants", r.instants());
        ObjectNode classes = n.putObject("classes");
        for (RangeClass c : RangeClass.values()) {
            classes.put(key(c), c.meaning);
        }
        ArrayNode zones = n.putArray("zones");
        long[] total = new long[RangeClass.values().length];
        long ranged = 0;
        for (BlameResult.ZoneCounts z : r.zones()) {
            ObjectNode zn = zones.addObject();
            zn.put("node", z.node());
            zn.put("zone", z.zone());
            zn.put("ranges", z.ranges());
            zn.put("not_free", z.notFree());
            ObjectNode bc = zn.putObject("by_class");
            for (RangeClass c : RangeClass.values()) {
                bc.put(key(c), z.byClass()[c.ordinal()]);
                total[c.ordinal()] += z.byClass()[c.ordinal()];
            }
            ObjectNode br = zn.putObject("reserved_by_reason");
            for (int i = 0; i < BlameResult.REASON_NAMES.size(); i++) {
                br.put(BlameResult.REASON_NAMES.get(i), z.byReason()[i]);
            }
            ranged += z.ranges();
        }
        ObjectNode tot = n.putObject("total");
        tot.put("ranges", ranged);
        tot.put("not_free", ranged - total[RangeClass.FREE.ordinal()]);
        for (RangeClass c : RangeClass.values()) {
            tot.put(key(c), total[c.ordinal()]);
        }
        culprits(n.putObject("by_task"), r.tasks(), top);
        culprits(n.putObject("by_gfp"), r.gfps(), top);
        culprits(n.putObject("by_migratetype"), r.mts(), top);
        if (ranges) {
            ArrayNode rs = n.putArray("ranges");
            for (BlameResult.Range g : r.ranges()) {
                ObjectNode gn = rs.addObject();
                gn.put("zone", g.zone());
                gn.put("pfn", hex(g.pfn()));
                gn.put("class", key(g.cls()));
                if (g.reasons() != 0) {
                    gn.put("reasons", BlameResult.reasons(g.reasons()));
                }
                gn.put("free_pages", g.free());
                gn.put("pcp_pages", g.pcp());
                gn.put("allocated_pages", g.allocated());
                gn.put("unmovable_pages", g.unmovable());
                gn.put("movable_pages", g.movable());
                gn.put("unknown_pages", g.unknown());
                ArrayNode b = gn.putArray("blockers");
                g.blockers().forEach(a -> allocation(b.addObject(), a));
                if (g.moreBlockers() > 0) {
                    gn.put("more_blockers", g.moreBlockers());
                }
            }
        }
        if (!r.failures().isEmpty() || r.at().startsWith("failed")) {
            ArrayNode fs = n.putArray("failures");
            for (BlameResult.Failure f : r.failures()) {
                ObjectNode fn = fs.addObject();
                fn.put("time_s", seconds(f.timeNs()));
                fn.put("line", f.line());
                fn.put("task", f.task());
                fn.put("gfp", f.gfp());
                ObjectNode bc = fn.putObject("by_class");
                for (RangeClass c : RangeClass.values()) {
                    bc.put(key(c), f.byClass()[c.ordinal()]);
                }
            }
        }
        return n;
    }

    /** The class as a JSON key. */
    public static String key(RangeClass c) {
        return c.key;
    }

    private static void culprits(ObjectNode out, List<Culprit> cs, int top) {
        out.put("distinct", cs.size());
        ArrayNode a = out.putArray("top");
        for (int i = 0; i < Math.min(top, cs.size()); i++) {
            Culprit c = cs.get(i);
            ObjectNode cn = a.addObject();
            cn.put("name", c.name());
            cn.put("ranges", c.ranges());
            cn.put("sole", c.sole());
            cn.put("pinned", c.pinned());
            cn.put("movable_only", c.movable());
            cn.put("other", c.unknown());
            cn.put("pages", c.pages());
            if (c.firstNs() != Long.MIN_VALUE) {
                cn.put("first_alloc_s", seconds(c.firstNs()));
                cn.put("last_alloc_s", seconds(c.lastNs()));
            }
            ArrayNode ex = cn.putArray("examples");
            c.examples().forEach(x -> allocation(ex.addObject(), x));
        }
    }

    private static void allocation(ObjectNode n, Allocation a) {
        n.put("pfn", hex(a.pfn()));
        if (a.traced()) {
            n.put("order", a.order());
        }
        n.put("pages", a.pages());
        n.put("task", a.task());
        n.put("gfp", a.gfp());
        n.put("migratetype", a.migratetype());
        if (a.traced()) {
            n.put("time_s", seconds(a.timeNs()));
            n.put("line", a.line());
        }
    }

    static String hex(long pfn) {
        return "0x" + Long.toHexString(pfn);
    }

    static double seconds(long ns) {
        return ns == Long.MIN_VALUE || ns == Long.MAX_VALUE ? 0.0 : Math.round(ns / 1e3) / 1e6;
    }
}
