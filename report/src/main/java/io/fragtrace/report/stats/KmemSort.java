package io.fragtrace.report.stats;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * The row order of {@code perf kmem --page stat -s KEYS} (tools/perf/builtin-kmem.c: setup_page_sorting,
 * sort_page_insert): comma-separated keys, each one highest first; rows equal on every key keep perf's input order
 * (callsite, order, migratetype, gfp value, lowest first). perf's default for page stats is {@code bytes,hit}.
 */
public final class KmemSort {
    /** The keys perf kmem has for page stats that need something a trace does not carry. */
    private static final String NOT_HERE = "callsite needs the callers' stack traces and page the per-page table; "
            + "a tracepoint trace carries neither";

    public enum Key {
        ORDER("order"), MIGTYPE("migtype"), GFP("gfp"), BYTES("bytes"), HIT("hit");

        final String perfName;

        Key(String perfName) {
            this.perfName = perfName;
        }

        public String perfName() {
            return perfName;
        }
    }

    public static final KmemSort DEFAULT = new KmemSort(List.of(Key.BYTES, Key.HIT));

    private final List<Key> keys;

    private KmemSort(List<Key> keys) {
        this.keys = List.copyOf(keys);
    }

    public List<Key> keys() {
        return keys;
    }

    /** Parses {@code order,migtype,gfp,bytes,hit} (any subset, any order); an unknown key throws with a message. */
    public static KmemSort parse(String spec) {
        List<Key> keys = new ArrayList<>();
        for (String tok : spec.split(",", -1)) {
            String t = tok.trim().toLowerCase(Locale.ROOT);
            Key k = null;
            for (Key x : Key.values()) {
                if (x.perfName.equals(t)) {
                    k = x;
                }
            }
            if (k == null) {
                String why = t.equals("callsite") || t.equals("page") ? " (" + NOT_HERE + ")" : "";
                throw new IllegalArgumentException("unknown sort key '" + tok + "'" + why
                        + "; keys: order, migtype, gfp, bytes, hit");
            }
            keys.add(k);
        }
        return new KmemSort(keys);
    }

    /** perf's spelling, e.g. {@code bytes,hit}. */
    @Override
    public String toString() {
        return String.join(",", keys.stream().map(Key::perfName).toList());
    }

    Comparator<KmemPageStat.Row> comparator() {
        Comparator<KmemPageStat.Row> c = (a, b) -> 0;
        for (Key k : keys) {
            Comparator<KmemPageStat.Row> one = switch (k) {
                case ORDER -> Comparator.comparingInt(KmemPageStat.Row::order);
                case MIGTYPE -> Comparator.comparingInt(KmemPageStat.Row::migratetypeSlot);
                case GFP -> Comparator.comparingLong(KmemPageStat.Row::gfpValue);
                case BYTES -> Comparator.comparingLong(KmemPageStat.Row::pages);
                case HIT -> Comparator.comparingLong(KmemPageStat.Row::requests);
            };
            c = c.thenComparing(one.reversed());
        }
        return c.thenComparing(KmemPageStat.Row.INPUT_ORDER);
    }
}
