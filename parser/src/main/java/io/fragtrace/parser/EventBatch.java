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

    /** Words event e takes. */
    static int words(ParsedEvent e) {
        return 6 + Long.bitCount(e.present);
    }

    /** Packs e at d[i..] (the caller made room); a marker's text goes to texts. Returns the next index. */
    static int pack(ParsedEvent e, long[] d, int i, List<byte[]> texts) {
        d[i++] = (long) e.type.ordinal() | ((long) (e.cpu + 1) & 0xffff) << 8 | (e.pageNull ? 1L << 24 : 0)
                | (e.hasTimestamp ? 1L << 25 : 0) | ((long) e.pid & 0xffffffffL) << 32;
        d[i++] = e.timestampNs;
        d[i++] = e.line;
        d[i++] = e.present;
        int text = -1;
        if (e.type == EventType.MARKER) {
            text = texts.size();
            texts.add(e.text().getBytes(StandardCharsets.UTF_8));
        }
        d[i++] = ((long) e.commId() << 32) | (e.gfpId() & 0xffffffffL);
        d[i++] = ((long) e.tgid << 32) | (text & 0xffffffffL);
        for (long bits = e.present; bits != 0; bits &= bits - 1) {
            d[i++] = e.values[Long.numberOfTrailingZeros(bits)];
        }
        return i;
    }

    /** Unpacks the event at d[i..] into the flyweight ev. Returns the next index. */
    static int unpack(long[] d, int i, ParsedEvent ev, List<byte[]> texts) {
        long h = d[i++];
        ev.reset(null);
        ev.type = EventType.byOrdinal((int) (h & 0xff));
        ev.cpu = (int) ((h >>> 8) & 0xffff) - 1;
        ev.pageNull = (h & (1L << 24)) != 0;
        ev.hasTimestamp = (h & (1L << 25)) != 0;
        ev.pid = (int) (h >>> 32);
        ev.timestampNs = d[i++];
        ev.line = d[i++];
        long present = d[i++];
        ev.present = present;
        long ids = d[i++];
        long t = d[i++];
        ev.tgid = (int) (t >>> 32);
        int text = (int) t;
        ev.restore((int) (ids >> 32), (int) ids, text >= 0 ? texts.get(text) : null);
        for (long bits = present; bits != 0; bits &= bits - 1) {
            ev.values[Long.numberOfTrailingZeros(bits)] = d[i++];
        }
        return i;
    }
}
