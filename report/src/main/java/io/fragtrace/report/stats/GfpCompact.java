package io.fragtrace.report.stats;

import java.util.HashMap;
import java.util.Map;

/**
 * perf kmem's short gfp names (tools/perf/builtin-kmem.c: gfp_compact_table, compact_gfp_flags): each
 * {@code |}-separated name of the printed flags is replaced by its abbreviation; names not in the table are dropped,
 * as perf drops them. perf's table gives two names the same letters (NF: GFP_NOFS and __GFP_NOFAIL; R:
 * __GFP_RETRY_MAYFAIL and __GFP_RECLAIM), which is why the legend lists the full flags.
 */
final class GfpCompact {
    private static final Map<String, String> TABLE = new HashMap<>();

    static {
        String[] t = {
            "GFP_TRANSHUGE", "THP", "GFP_TRANSHUGE_LIGHT", "THL", "GFP_HIGHUSER_MOVABLE", "HUM", "GFP_HIGHUSER", "HU",
            "GFP_USER", "U", "GFP_KERNEL_ACCOUNT", "KAC", "GFP_KERNEL", "K", "GFP_NOFS", "NF", "GFP_ATOMIC", "A",
            "GFP_NOIO", "NI", "GFP_NOWAIT", "NW", "GFP_DMA", "D", "__GFP_HIGHMEM", "HM", "GFP_DMA32", "D32",
            "__GFP_HIGH", "H", "__GFP_ATOMIC", "_A", "__GFP_IO", "I", "__GFP_FS", "F", "__GFP_COLD", "CO",
            "__GFP_NOWARN", "NWR", "__GFP_RETRY_MAYFAIL", "R", "__GFP_NOFAIL", "NF", "__GFP_NORETRY", "NR",
            "__GFP_COMP", "C", "__GFP_ZERO", "Z", "__GFP_NOMEMALLOC", "NMA", "__GFP_MEMALLOC", "MA",
            "__GFP_HARDWALL", "HW", "__GFP_THISNODE", "TN", "__GFP_RECLAIMABLE", "RC", "__GFP_MOVABLE", "M",
            "__GFP_ACCOUNT", "AC", "__GFP_NOTRACK", "NT", "__GFP_WRITE", "WR", "__GFP_RECLAIM", "R",
            "__GFP_DIRECT_RECLAIM", "DR", "__GFP_KSWAPD_RECLAIM", "KR",
        };
        for (int i = 0; i < t.length; i += 2) {
            TABLE.put(t[i], t[i + 1]);
        }
    }

    private GfpCompact() {
    }

    /**
     * The abbreviation of printed gfp flags, e.g. {@code GFP_HIGHUSER_MOVABLE|__GFP_COMP} → {@code HUM|C}. Where perf
     * would print {@code (null)} (no name of the flags is in its table, e.g. a hex mask) the flags are returned as
     * printed.
     */
    static String of(String flags) {
        StringBuilder b = new StringBuilder();
        for (String tok : flags.split("\\|")) {
            String c = TABLE.get(tok.trim());
            if (c != null) {
                b.append(b.length() == 0 ? "" : "|").append(c);
            }
        }
        return b.length() == 0 ? flags : b.toString();
    }
}
