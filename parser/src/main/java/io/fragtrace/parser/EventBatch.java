package io.fragtrace.parser;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Parsed events packed as primitives, the one layout shared by {@link EventLog} (a whole trace in memory) and
 * {@link PipelinedParser} (fixed-size batches handed from the parsing thread to the model's thread). Per event:
 * a header word (type, cpu, flags, pid), timestamp, line, the present-field mask, comm/gfp ids, tgid/text index,
 * then one word per present field.
 */
final class EventBatch {
    long[] data;
    int size;
    int events;
    /** Marker texts of this batch. */
    final List<byte[]> texts = new ArrayList<>();
    /** Interner keys first seen in this batch, in id order (the consumer's interners learn them in that order). */
    final List<byte[]> newComms = new ArrayList<>();
    final List<byte[]> newGfps = new ArrayList<>();

    EventBatch(int words) {
        data = new long[words];
    }

    void clear() {
        size = 0;
        events = 0;
        texts.clear();
        newComms.clear();
        newGfps.clear();
    }

    /** Words event e takes at most. */
    static int words(ParsedEvent e) {
        return PackedEvent.MAX_LONGS;
    }

    /** Packs e at d[i..] (the caller made room); a marker's text goes to texts. Returns the next index. */
    static int pack(ParsedEvent e, long[] d, int i, List<byte[]> texts) {
        int text = -1;
        if (e.type == EventType.MARKER) {
            text = texts.size();
            texts.add(e.text().getBytes(StandardCharsets.UTF_8));
        }
        return PackedEvent.write(e, d, i, text);
    }

    /** Unpacks the event at d[i..] into the flyweight ev. Returns the next index. */
    static int unpack(long[] d, int i, ParsedEvent ev, List<byte[]> texts) {
        int text = PackedEvent.textSlot(d, i);
        return PackedEvent.read(d, i, ev, text >= 0 ? texts.get(text) : null);
    }
}
