package io.fragtrace.parser;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Test helper: parse text, keep every event as a record. */
final class Lines {
    final List<TraceEvent> events = new ArrayList<>();
    final ParseReport report;

    private Lines(byte[] data) {
        report = new TraceParser().parse(new ByteArrayInputStream(data), "fixture", e -> events.add(e.toRecord()));
    }

    static Lines parse(String text) {
        return new Lines(text.getBytes(StandardCharsets.UTF_8));
    }

    static Lines parse(byte[] data) {
        return new Lines(data);
    }

    @SuppressWarnings("unchecked")
    <T extends TraceEvent> T only(Class<T> type) {
        if (events.size() != 1 || !type.isInstance(events.get(0))) {
            throw new AssertionError("expected one " + type.getSimpleName() + ", got " + events
                    + " problems " + report.examples());
        }
        return (T) events.get(0);
    }
}
