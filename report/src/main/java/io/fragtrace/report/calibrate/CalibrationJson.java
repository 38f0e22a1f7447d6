package io.fragtrace.report.calibrate;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fragtrace.parser.CompactStatus;
import io.fragtrace.replay.compaction.CompactionContext;
import io.fragtrace.replay.compaction.CompactionRun;
import io.fragtrace.replay.config.BundleConfig;
import io.fragtrace.replay.config.KernelConfig;
import io.fragtrace.replay.config.Knob;
import io.fragtrace.replay.simulate.DecisionLog;
import io.fragtrace.replay.simulate.Simulator;

import java.util.List;

/** The {@code calibration} object of summary.json and of {@code fragtrace calibrate --json} (docs/calibrate.md). */
public final class CalibrationJson {
    private static final ObjectMapper JSON = new ObjectMapper();

    private CalibrationJson() {
    }

    /**
     * Where a simulation began, as calibrate's bundle entry and a simulate run's summary.json say it:
     * {@code {"from": "before/buddydump.txt" | "kernel_state", "at_s"}} (kernel_state: {@link
     * io.fragtrace.replay.simulate.KernelStateStart}, the observed replay up to the instant).
     */
    public static ObjectNode startState(Simulator sim) {
        ObjectNode st = JSON.createObjectNode();
        st.put("from", sim.fromKernelState() ? "kernel_state" : "before/buddydump.txt");
        if (sim.startNs() != Long.MIN_VALUE) {
            st.put("at_s", sim.startNs() / 1e9);
        }
        return st;
    }

    /**
     * {@code calibrate --decisions}: {@code model_decisions: [{at_s, what, detail}]} and {@code model_decisions_dropped}
     * into a bundle's entry, when the simulator kept its decisions ({@link DecisionLog}).
     */
    public static void decisions(ObjectNode entry, DecisionLog log) {
        if (log == null) {
            return;
        }
        ArrayNode a = entry.putArray("model_decisions");
        for (DecisionLog.Decision d : log.decisions()) {
            ObjectNode n = a.addObject();
            n.put("at_s", d.atNs() / 1e9);
            n.put("what", d.what());
            n.put("detail", d.detail());
        }
        entry.put("model_decisions_dropped", log.dropped());
    }

    /**
     * @param config   the configuration the model ran under
     * @param settings where each knob's value came from (the bundle's files), or null: all from {@code config}
     */
    public static ObjectNode of(Calibration c, KernelConfig config, List<BundleConfig.Setting> settings) {
        ObjectNode n = JSON.createObjectNode();
        int[] p = c.passed();
        n.put("verdict", c.verdict().name());
        n.put("rows_passed", p[0]);
        n.put("rows_with_a_bar", p[1]);
        ObjectNode bars = n.putObject("bars");
        bars.put("success_rate_points", Calibration.SUCCESS_POINTS);
        bars.put("attempts_share", Calibration.ATTEMPTS_SHARE);
        bars.put("attempts_abs", Calibration.ATTEMPTS_ABS);
        bars.put("end_buddyinfo_share", Calibration.END_SHARE);
        n.put("success_rule", "SUCCESS, or COMPLETE for a whole-zone pass (proactive, manual: cc->order == -1)");
        ObjectNode cfg = n.putObject("config");
        cfg.put("name", config.name());
        ArrayNode knobs = cfg.putArray("knobs");
        for (Knob k : Knob.values()) {
            ObjectNode kn = knobs.addObject();
            kn.put("key", k.key);
            kn.put("value", config.values().get(k.key).toString());
            String from = "config " + config.name();
            if (settings != null) {
                for (BundleConfig.Setting s : settings) {
                    if (s.knob() == k) {
                        from = s.from();
                    }
                }
            }
            kn.put("from", from);
        }
        ArrayNode ws = n.putArray("sysctl_writes");
        for (BundleConfig.SysctlWrite w : c.writes()) {
            ObjectNode wn = ws.addObject();
            wn.put("time_s", w.timeNs() / 1e9);
            wn.put("file", w.file());
            wn.put("value", w.value());
            wn.put("knob", w.knob() == null ? null : w.knob().key);
            wn.put("applied_by_model", w.appliedByModel());
        }
        ObjectNode end = n.putObject("end");
        end.put("kernel_from", c.endFrom());
        end.put("at_s", c.endAtNs() == Long.MAX_VALUE ? null : c.endAtNs() / 1e9);
        if (c.kernelEnd() != null) {
            ArrayNode zs = end.putArray("zones");
            for (int z = 0; z < c.zones().length; z++) {
                if (c.kernelEnd()[z] == null) {
                    continue;
                }
                ObjectNode zn = zs.addObject();
                zn.put("zone", c.zones()[z]);
                longs(zn.putArray("kernel"), c.kernelEnd()[z]);
                longs(zn.putArray("model"), c.modelEnd()[z]);
            }
        }
        n.put("kernel_buddyinfo_over_time", c.overTime() ? "observed replay of the trace, sampled at each marker"
                : "not computed (a second model does not fit the heap)");
        ArrayNode rows = n.putArray("rows");
        for (Calibration.Row r : c.rows()) {
            ObjectNode rn = rows.addObject();
            rn.put("key", r.key());
            rn.put("name", r.name());
            if (!r.unit().equals("share")) {
                num(rn, "kernel", r.kernel());
            }
            num(rn, "model", r.model());
            num(rn, "error", r.error());
            rn.put("unit", r.unit());
            rn.put("bar", r.bar() == Calibration.Bar.NONE ? null : r.bar().text);
            rn.put("verdict", r.verdict() == Calibration.Verdict.NONE ? null : r.verdict().name());
        }
        ObjectNode outcomes = n.putObject("outcomes");
        outcomes.set("kernel", outcomes(c, true));
        outcomes.set("model", outcomes(c, false));
        ObjectNode pc = n.putObject("proactive_checks");
        checks(pc.putArray("kernel"), c.proactiveChecks().kernel());
        checks(pc.putArray("model"), c.proactiveChecks().model());
        ArrayNode ph = n.putArray("phases");
        for (Calibration.PhaseResult r : c.phases()) {
            ObjectNode pn = ph.addObject();
            pn.put("label", r.label());
            pn.put("from_s", r.fromNs() / 1e9);
            pn.put("to_s", r.toNs() == Long.MAX_VALUE ? null : r.toNs() / 1e9);
            pn.set("kernel", tally(r.kernel()));
            pn.set("model", tally(r.model()));
            num(pn, "buddyinfo_misplaced", r.misplaced());
            split(pn.putArray("free_split"), c.zones(), r.kernelSplit(), r.modelSplit());
        }
        return n;
    }

    /**
     * The pcp/buddy split at a phase end, per zone: buddy pages and pcp->count per CPU, kernel (the observed replay;
     * null when not known) and model; CPUs up to the last one holding pages on either side.
     */
    static void split(ArrayNode a, String[] zones, Calibration.Split k, Calibration.Split m) {
        if (m == null) {
            return;
        }
        for (int z = 0; z < zones.length; z++) {
            long[] kp = k == null ? new long[0] : k.pcp()[z];
            long[] mp = m.pcp()[z];
            int cpus = Math.max(lastNonZero(kp), lastNonZero(mp)) + 1;
            ObjectNode zn = a.addObject();
            zn.put("zone", zones[z]);
            if (k == null) {
                zn.putNull("buddy_kernel");
                zn.putNull("pcp_kernel");
            } else {
                zn.put("buddy_kernel", k.buddy()[z]);
                longs(zn.putArray("pcp_kernel"), java.util.Arrays.copyOf(kp, cpus));
            }
            zn.put("buddy_model", m.buddy()[z]);
            longs(zn.putArray("pcp_model"), java.util.Arrays.copyOf(mp, cpus));
        }
    }

    static int lastNonZero(long[] v) {
        for (int i = v.length - 1; i >= 0; i--) {
            if (v[i] != 0) {
                return i;
            }
        }
        return -1;
    }

    private static void checks(ArrayNode a, List<Calibration.ProactiveCheck> checks) {
        for (Calibration.ProactiveCheck k : checks) {
            ObjectNode cn = a.addObject();
            cn.put("at_s", k.atNs() / 1e9);
            cn.put("wmark_high", k.wmarkHigh());
            if (k.kernelScore() < 0) {
                cn.putNull("kernel_score");
            } else {
                cn.put("kernel_score", k.kernelScore());
            }
            cn.put("model_score", k.modelScore());
            if (k.modelNearest() != null) {
                ObjectNode mn = cn.putObject("model_nearest_check");
                mn.put("at_s", k.modelNearest()[0] / 1e9);
                mn.put("score", k.modelNearest()[1]);
            }
            ArrayNode ps = cn.putArray("passes");
            for (CompactionRun r : k.passes()) {
                ObjectNode rn = ps.addObject();
                rn.put("zone", r.zone().name());
                rn.put("status", r.status().name());
                rn.put("end_s", r.endNs() / 1e9);
                rn.put("migrated", r.migrated());
            }
        }
    }

    private static ObjectNode outcomes(Calibration c, boolean kernel) {
        ObjectNode n = JSON.createObjectNode();
        for (CompactionContext ctx : CompactionContext.values()) {
            ObjectNode cn = JSON.createObjectNode();
            for (CompactStatus s : CompactStatus.values()) {
                long v = kernel ? c.kernelPasses(ctx, s) : c.modelPasses(ctx, s);
                if (v > 0) {
                    cn.put(s.name(), v);
                }
            }
            if (!cn.isEmpty()) {
                n.set(ctx.name(), cn);
            }
        }
        return n;
    }

    static ObjectNode tally(Tally t) {
        ObjectNode n = JSON.createObjectNode();
        n.put("attempts", t.attempts());
        n.put("successes", t.successes());
        ObjectNode by = n.putObject("attempts_by_context");
        for (CompactionContext c : CompactionContext.values()) {
            if (t.attempts(c) > 0) {
                by.put(c.name(), t.attempts(c));
            }
        }
        ObjectNode f = n.putObject("failures_by_order");
        for (int o = 0; o < Tally.ORDERS; o++) {
            if (t.failures[o] > 0) {
                f.put(Integer.toString(o), t.failures[o]);
            }
        }
        n.put("kswapd_wakes", t.kswapdWakes);
        n.put("kcompactd_wakes", t.kcompactdWakes);
        n.put("migrated", t.migrated);
        return n;
    }

    private static void longs(ArrayNode a, long[] v) {
        if (v != null) {
            for (long x : v) {
                a.add(x);
            }
        }
    }

    private static void num(ObjectNode n, String key, double v) {
        if (Double.isNaN(v)) {
            n.putNull(key);
        } else {
            n.put(key, Math.round(v * 10000) / 10000.0);
        }
    }
}
