package io.fragtrace.report.stats;

import io.fragtrace.parser.ParseReport;
import io.fragtrace.parser.TraceInput;
import io.fragtrace.parser.TraceParser;

/** The stats of sample-traces/variants-fragment-thp-256M-k6.12/perf-script.txt.gz, parsed once for the tests. */
final class KmemMatchesPerfTestSupport {
    private static TraceStats perf;

    private KmemMatchesPerfTestSupport() {
    }

    static synchronized TraceStats perfStats() {
        if (perf == null) {
            try {
                StatsCollector c = new StatsCollector();
                ParseReport r = new TraceParser().parse(TraceInput.of(SampleCaptureStatsTest
                        .bundle(KmemMatchesPerfTest.BUNDLE).resolve("perf-script.txt.gz").toString()), c);
                perf = c.finish(r);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
        return perf;
    }
}
