package io.fragtrace.replay;

import io.fragtrace.parser.*;
import io.fragtrace.replay.model.*;
import io.fragtrace.replay.snapshot.*;
import java.nio.file.Path;

class DebugProbe {
    @org.junit.jupiter.api.Test
    void probe() throws Exception {
        String b = System.getProperty("dbg");
        if (b == null) return;
        long watch = Long.decode(System.getProperty("pfn"));
        Path bundle = Samples.bundle(b);
        BuddyDump before = ModelLoader.loadDump(bundle.resolve("before"));
        BuddyDump after = ModelLoader.loadDump(bundle.resolve("after"));
        KernelSemantics ks = ModelLoader.semanticsFor(bundle, before);
        BuddyModel m = ModelLoader.fromDump(before, ks, null);
        long[] from = new long[m.zoneCount()], to = new long[m.zoneCount()];
        for (int z = 0; z < m.zoneCount(); z++) { from[z] = before.zone(m.zone(z).name).lockNs; to[z] = after.zone(m.zone(z).name).lockNs; }
        ObservedReplay r = new ObservedReplay(m, from, to);
        new TraceParser().parse(TraceInput.of(bundle.toString()), e -> {
            boolean hit = e.has(Field.PFN) && Math.abs(e.pfn() - watch) < 16;
            if (hit) System.out.println("BEFORE " + e + "  head=" + Long.toHexString(m.findBuddyHead(watch)) + " ord=" + (m.findBuddyHead(watch) >= 0 ? m.orderAt(m.findBuddyHead(watch)) : -1) + " pcp=" + Long.toHexString(m.findPcpHead(watch)));
            r.onEvent(e);
        });
    }
}
