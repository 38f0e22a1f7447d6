package io.fragtrace.report.at;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fragtrace.replay.Instant;
import io.fragtrace.replay.ReplayTo;
import io.fragtrace.replay.model.BuddyModel;
import io.fragtrace.replay.model.FragMetrics;
import io.fragtrace.replay.model.Zone;
import io.fragtrace.report.AtomicOutput;
import io.fragtrace.report.OutputGuard;
import io.fragtrace.report.pfnmap.PfnFrame;
import io.fragtrace.report.pfnmap.PfnMapImage;

import java.io.IOException;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What {@code fragtrace at} writes from the model at an instant ({@link ReplayTo}): the kernel's files
 * ({@link ProcFiles}), {@code at.json}, and the pfn map ({@link PfnFrame}, {@link PfnMapImage}).
 */
public final class AtReport {
    /** The text files of {@code --out}, in the order stdout shows them. */
    public static final String[] FILES = {"buddyinfo", "pagetypeinfo", "extfrag_index", "unusable_index", "pcp",
        "fragmentation_score"};
    public static final String JSON = "at.json";
    public static final String PFNMAP = "pfnmap.png";

    private AtReport() {
    }

    /** File name → text, each in the kernel's layout. */
    public static Map<String, String> texts(BuddyModel m) {
        Map<String, String> t = new LinkedHashMap<>();
        t.put("buddyinfo", ProcFiles.buddyinfo(m));
        t.put("pagetypeinfo", ProcFiles.pagetypeinfo(m));
        t.put("extfrag_index", ProcFiles.extfragIndex(m));
        t.put("unusable_index", ProcFiles.unusableIndex(m));
        t.put("pcp", ProcFiles.pcp(m));
        t.put("fragmentation_score", ProcFiles.fragmentationScore(m));
        return t;
    }

    /** Where each text comes from in a kernel, for the headings on stdout. */
    private static final Map<String, String> SOURCE = Map.of("buddyinfo", "/proc/buddyinfo", "pagetypeinfo",
            "/proc/pagetypeinfo", "extfrag_index", "/sys/kernel/debug/extfrag/extfrag_index", "unusable_index",
            "/sys/kernel/debug/extfrag/unusable_index", "pcp", "/proc/zoneinfo pagesets (count)",
            "fragmentation_score", "fragmentation_score_zone() / fragmentation_score_node(), mm/compaction.c");

    /** Every text under a heading naming the kernel file it mirrors: what stdout shows. */
    public static String stdout(ReplayTo.Result r) {
        StringBuilder sb = new StringBuilder();
        sb.append("# model at ").append(when(r)).append(", from ").append(r.start().kind()).append(", ")
                .append(String.format(java.util.Locale.ROOT, "%,d", r.eventsApplied())).append(" events applied\n");
        texts(r.model()).forEach((name, text) -> sb.append("\n# ").append(SOURCE.get(name)).append('\n').append(text));
        return sb.toString();
    }

    static String when(ReplayTo.Result r) {
        return Instant.seconds(r.atNs()) + " s" + (r.marker() == null ? "" : " (marker '" + r.marker() + "')");
    }

    private static BigDecimal thousandths(int v) {
        return BigDecimal.valueOf(v, 3);
    }

    /** at.json: per zone node, zone, nr_free per order, and the rest named as the kernel names them. */
    public static ObjectNode json(ReplayTo.Result r, String input) {
        BuddyModel m = r.model();
        ObjectMapper om = new ObjectMapper();
        ObjectNode root = om.createObjectNode();
        root.put("generator", OutputGuard.GENERATOR);
        root.put("input", input);
        root.put("time_s", new BigDecimal(Instant.seconds(r.atNs())));
        if (r.marker() == null) {
            root.putNull("marker");
        } else {
            root.put("marker", r.marker());
        }
        root.put("start_state", r.start().kind());
        root.put("kernel", m.ks.name());
        root.put("pageblock_order", m.pageblockOrder());
        root.put("events_applied", r.eventsApplied());
        ArrayNode zones = root.putArray("zones");
        for (int z : ProcFiles.populated(m)) {
            Zone zone = m.zone(z);
            ObjectNode zn = zones.addObject();
            zn.put("node", zone.nid);
            zn.put("zone", zone.name);
            zn.put("zone_start_pfn", zone.start);
            zn.put("spanned", zone.spanned());
            zn.put("present", zone.present);
            long[] nr = ProcFiles.nrFree(m, z);
            ArrayNode nf = zn.putArray("nr_free");
            for (long v : nr) {
                nf.add(v);
            }
            ObjectNode fc = zn.putObject("free_count");
            ObjectNode blocks = zn.putObject("pageblocks");
            for (int mt = 0; mt < ProcFiles.migrateTypes(); mt++) {
                ArrayNode a = fc.putArray(ProcFiles.typeName(mt));
                for (int o = 0; o < nr.length; o++) {
                    a.add(m.freeListLength(z, o, mt));
                }
                blocks.put(ProcFiles.typeName(mt), m.pageblocksOfType(z, mt));
            }
            ArrayNode ef = zn.putArray("extfrag_index");
            ArrayNode un = zn.putArray("unusable_index");
            for (int o = 0; o < nr.length; o++) {
                ef.add(thousandths(FragMetrics.fragmentationIndex(nr, o)));
                un.add(thousandths(FragMetrics.unusableFreeIndex(nr, o)));
            }
            ArrayNode pcp = zn.putArray("pcp");
            for (int cpu : ProcFiles.cpus(m)) {
                pcp.addObject().put("cpu", cpu).put("count", m.pcpCount(z, cpu));
            }
            zn.put("fragmentation_score", FragMetrics.fragmentationScoreZone(nr));
            zn.put("mixed_pageblocks", m.mixedPageblocks(z));
        }
        ArrayNode nodes = root.putArray("nodes");
        ProcFiles.nodeScores(m).forEach((nid, s) -> nodes.addObject().put("node", nid).put("fragmentation_score", s));
        return root;
    }

    public static void writeJson(ObjectNode json, OutputStream out) throws IOException {
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
                .disable(com.fasterxml.jackson.core.JsonGenerator.Feature.AUTO_CLOSE_TARGET).writeValue(out, json);
        out.write('\n');
        out.flush();
    }

    /** The pfn map PNG of the model at the instant. */
    public static byte[] pfnMap(ReplayTo.Result r, String input, int regionShift) {
        PfnFrame f = PfnFrame.capture(r.model(), when(r), r.atNs(), regionShift);
        return PfnMapImage.png(f, "Physical memory of " + input + " at " + when(r));
    }

    /** The --out folder: the texts, at.json and pfnmap.png, written completely or not at all. */
    public static void writeDir(Path out, ReplayTo.Result r, String input, int regionShift) throws IOException {
        Map<String, String> texts = texts(r.model());
        ObjectNode json = json(r, input);
        byte[] png = pfnMap(r, input, regionShift);
        AtomicOutput.writeDir(out, dir -> {
            for (Map.Entry<String, String> e : texts.entrySet()) {
                Files.writeString(dir.resolve(e.getKey()), e.getValue(), StandardCharsets.UTF_8);
            }
            try (OutputStream o = Files.newOutputStream(dir.resolve(JSON))) {
                writeJson(json, o);
            }
            Files.write(dir.resolve(PFNMAP), png);
        });
    }
}
