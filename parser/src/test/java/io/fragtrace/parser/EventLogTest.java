package io.fragtrace.parser;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Re-emitting a recorded trace gives exactly the events a streaming parse gives. */
class EventLogTest {
    @Test
    void replayEqualsStreamingParseOnARealCapture() throws Exception {
        TraceInput in = TraceInput.of(Samples.bundle("fragment-thp-256M").toString());
        List<TraceEvent> streamed = new ArrayList<>();
        new TraceParser().parse(in, e -> streamed.add(e.toRecord()));
        EventLog log = EventLog.record(in);
        List<TraceEvent> replayed = new ArrayList<>();
        log.replay(e -> replayed.add(e.toRecord()));
        assertEquals(streamed.size(), log.size());
        assertEquals(streamed, replayed);
        List<TraceEvent> again = new ArrayList<>();
        log.replay(e -> again.add(e.toRecord()));
        assertEquals(streamed, again, "a log can be replayed any number of times");
    }

    @Test
    void aTeeOfAPipelinedParseReplaysWhatThatParseDelivered() throws Exception {
        // a 6.12 capture: its gfp names mean 6.12's bits, which the replay must keep (the parse's gfp layout)
        TraceInput in = TraceInput.of(Samples.bundle("fragment-thp-256M-k6.12").toString());
        List<TraceEvent> delivered = new ArrayList<>();
        List<Long> gfpBits = new ArrayList<>();
        EventLog log = EventLog.tee(Long.MAX_VALUE);
        new PipelinedParser().parse(in, e -> {
            log.record(e);
            delivered.add(e.toRecord());
            gfpBits.add(e.gfpBits());
        });
        List<TraceEvent> replayed = new ArrayList<>();
        List<Long> replayedBits = new ArrayList<>();
        log.replay(e -> {
            replayed.add(e.toRecord());
            replayedBits.add(e.gfpBits());
        });
        assertEquals(delivered.size(), log.size());
        assertEquals(delivered, replayed);
        assertEquals(gfpBits, replayedBits);
    }

    @Test
    void aTeePastItsBudgetLetsGoOfItsEventsAndSaysSo() throws Exception {
        // 126 k events of ~50 bytes (6 MB) against a budget of 1 MB: the tee holds the first block (64 Ki words,
        // 512 KiB) and its doubling to 1 MiB, then overflows; it must not keep growing with the trace
        TraceInput in = TraceInput.of(Samples.bundle("fragment-thp-256M-k6.12").toString());
        EventLog log = EventLog.tee(1 << 20);
        new PipelinedParser().parse(in, log::record);
        assertEquals(false, log.complete());
        assertEquals(0, log.size());
        org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class, () -> log.replay(e -> { }));
        EventLog big = EventLog.tee(64L << 20);
        new PipelinedParser().parse(in, big::record);
        assertEquals(true, big.complete());
    }

    @Test
    void failuresGfpTextAndMarkersSurvive() {
        String text = "a-1 [000] ..... 1.000000: mm_page_alloc: page=(null) pfn=0x0 order=9 migratetype=1 "
                + "gfp_flags=GFP_TRANSHUGE\n"
                + "b-2 (  7) [001] ..... 1.000001: tracing_mark_write: phase two\n";
        EventLog log = EventLog.record(new java.io.ByteArrayInputStream(text.getBytes()), "t");
        List<TraceEvent> out = new ArrayList<>();
        log.replay(e -> out.add(e.toRecord()));
        TraceEvent.PageAlloc a = (TraceEvent.PageAlloc) out.get(0);
        assertEquals(true, a.failed());
        assertEquals("GFP_TRANSHUGE", a.gfpText());
        TraceEvent.Marker m = (TraceEvent.Marker) out.get(1);
        assertEquals("phase two", m.text());
        assertEquals("b", m.header().comm());
        assertEquals(1, m.header().cpu());
    }
}
