package io.fragtrace.replay;

/** Manual probe: prints the validation figures of every capture (run with -Dtest=FidelityProbe -Dprobe=1). */
class FidelityProbe {
    @org.junit.jupiter.api.Test
    void probe() throws Exception {
        if (System.getProperty("probe") == null) {
            return;
        }
        for (String b : new String[] {"fragment-thp-256M", "fragment-thp-256M-k6.12", "mixed-churn-512M"}) {
            for (boolean untraced : new boolean[] {false, true}) {
                Validation.Result r = Validation.run(Samples.bundle(b), null, untraced);
                System.out.printf("%-26s %-5s untraced=%-5s pages=%d buddyPages=%d missing=%d extra=%d wrongMt=%d pb=%d bi=%d pcp=%d/%d order=%s extfrag=%d unusable=%d %.2fs%n  %s%n",
                        b, r.kernel, untraced, r.pagesMismatched, r.buddyPagesMismatched, r.freeBlocksMissing, r.freeBlocksExtra,
                        r.freeBlocksWrongMigratetype, r.pageblocksMismatched, r.buddyinfoCellsMismatched, r.pcpPagesModel,
                        r.pcpPagesKernel, r.freeListsOrderDiffer + " pcpLists=" + r.pcpListsDiffer, r.extfragIndexMaxError, r.unusableIndexMaxError,
                        r.replaySeconds, r.consistency);
                System.out.println("  IF " + Validation.lastReplay.consistency().examples(Consistency.Kind.INTERRUPT_FREE) + " " + Validation.lastReplay.consistency().asMap() + " ffm calls=" + Validation.lastReplay.ffmCalls + " found=" + Validation.lastReplay.ffmFound + " rot=" + Validation.lastReplay.ffmRotations);
                for (Validation.ZoneResult z : r.zones) {
                    for (var k : Consistency.Kind.values()) { if (System.getProperty("ex") != null) System.out.println("     " + k + " " + Validation.lastReplay.consistency().examples(k)); }
                    System.out.println("   " + z.zone + " missing " + z.missingExamples + " extra " + z.extraExamples + " pages " + z.pageExamples + " order " + z.orderExamples);
                }
            }
        }
    }
}
