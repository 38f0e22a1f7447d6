package io.fragtrace.parser;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * gfp_t bits as a {@code long}, in the bit layout of include/linux/gfp_types.h of Linux 6.1 (___GFP_ATOMIC at 0x200;
 * 6.3+ leave it unused). Symbolic names are read with the composite definitions of that file; hex values
 * (userspace tools on 6.10-6.12 before the "tracing: gfp: Fix the GFP enum values" fix, or old try_to_compact_pages)
 * are taken as raw bits of this layout. Kernels before 4.10 used other bit positions: their hex values are kept
 * verbatim and only their symbolic names decode reliably.
 */
public final class Gfp {
    public static final long DMA = 0x01, HIGHMEM = 0x02, DMA32 = 0x04, MOVABLE = 0x08, RECLAIMABLE = 0x10,
            HIGH = 0x20, IO = 0x40, FS = 0x80, ZERO = 0x100, ATOMIC = 0x200, DIRECT_RECLAIM = 0x400,
            KSWAPD_RECLAIM = 0x800, WRITE = 0x1000, NOWARN = 0x2000, RETRY_MAYFAIL = 0x4000, NOFAIL = 0x8000,
            NORETRY = 0x10000, MEMALLOC = 0x20000, COMP = 0x40000, NOMEMALLOC = 0x80000, HARDWALL = 0x100000,
            THISNODE = 0x200000, ACCOUNT = 0x400000, ZEROTAGS = 0x800000, SKIP_ZERO = 0x1000000,
            SKIP_KASAN = 0x2000000, NOLOCKDEP = 0x4000000;
    /** Bits of names from older kernels that have no place in the modern layout (__GFP_COLD, __GFP_REPEAT, ...). */
    public static final long LEGACY = 1L << 40;
    /** A token that is neither a known name nor a number. */
    public static final long UNKNOWN_NAME = 1L << 41;

    public static final long RECLAIM = DIRECT_RECLAIM | KSWAPD_RECLAIM;

    private static final Map<String, Long> NAMES = new LinkedHashMap<>();

    static {
        long kernel = RECLAIM | IO | FS;
        long user = kernel | HARDWALL;
        long highuserMovable = user | HIGHMEM | MOVABLE | SKIP_KASAN;
        long transhugeLight = (highuserMovable | COMP | NOMEMALLOC | NOWARN) & ~RECLAIM;
        NAMES.put("GFP_TRANSHUGE", transhugeLight | DIRECT_RECLAIM);
        NAMES.put("GFP_TRANSHUGE_LIGHT", transhugeLight);
        NAMES.put("GFP_HIGHUSER_MOVABLE", highuserMovable);
        NAMES.put("GFP_HIGHUSER", user | HIGHMEM);
        NAMES.put("GFP_USER", user);
        NAMES.put("GFP_KERNEL_ACCOUNT", kernel | ACCOUNT);
        NAMES.put("GFP_KERNEL", kernel);
        NAMES.put("GFP_NOFS", RECLAIM | IO);
        NAMES.put("GFP_ATOMIC", HIGH | ATOMIC | KSWAPD_RECLAIM);
        NAMES.put("GFP_NOIO", RECLAIM);
        NAMES.put("GFP_NOWAIT", KSWAPD_RECLAIM);
        NAMES.put("GFP_DMA", DMA);
        NAMES.put("GFP_DMA32", DMA32);
        NAMES.put("__GFP_RECLAIM", RECLAIM);
        NAMES.put("__GFP_DMA", DMA);
        NAMES.put("__GFP_HIGHMEM", HIGHMEM);
        NAMES.put("__GFP_DMA32", DMA32);
        NAMES.put("__GFP_MOVABLE", MOVABLE);
        NAMES.put("__GFP_RECLAIMABLE", RECLAIMABLE);
        NAMES.put("__GFP_HIGH", HIGH);
        NAMES.put("__GFP_IO", IO);
        NAMES.put("__GFP_FS", FS);
        NAMES.put("__GFP_ZERO", ZERO);
        NAMES.put("__GFP_ATOMIC", ATOMIC);
        NAMES.put("__GFP_DIRECT_RECLAIM", DIRECT_RECLAIM);
        NAMES.put("__GFP_KSWAPD_RECLAIM", KSWAPD_RECLAIM);
        NAMES.put("__GFP_WRITE", WRITE);
        NAMES.put("__GFP_NOWARN", NOWARN);
        NAMES.put("__GFP_RETRY_MAYFAIL", RETRY_MAYFAIL);
        NAMES.put("__GFP_NOFAIL", NOFAIL);
        NAMES.put("__GFP_NORETRY", NORETRY);
        NAMES.put("__GFP_MEMALLOC", MEMALLOC);
        NAMES.put("__GFP_COMP", COMP);
        NAMES.put("__GFP_NOMEMALLOC", NOMEMALLOC);
        NAMES.put("__GFP_HARDWALL", HARDWALL);
        NAMES.put("__GFP_THISNODE", THISNODE);
        NAMES.put("__GFP_ACCOUNT", ACCOUNT);
        NAMES.put("__GFP_ZEROTAGS", ZEROTAGS);
        NAMES.put("__GFP_SKIP_ZERO", SKIP_ZERO);
        NAMES.put("__GFP_SKIP_KASAN", SKIP_KASAN);
        NAMES.put("__GFP_SKIP_KASAN_POISON", SKIP_KASAN);
        NAMES.put("__GFP_SKIP_KASAN_UNPOISON", SKIP_KASAN);
        NAMES.put("__GFP_NOLOCKDEP", NOLOCKDEP);
        // Older kernels (removed or renamed between 4.4 and 4.15): kept, but outside the modern layout.
        NAMES.put("__GFP_WAIT", DIRECT_RECLAIM);
        NAMES.put("__GFP_REPEAT", RETRY_MAYFAIL);
        NAMES.put("GFP_IOFS", IO | FS);
        NAMES.put("GFP_TEMPORARY", RECLAIM | IO | FS | RECLAIMABLE);
        NAMES.put("__GFP_COLD", LEGACY);
        NAMES.put("__GFP_NOTRACK", LEGACY);
        NAMES.put("__GFP_OTHER_NODE", LEGACY);
        NAMES.put("__GFP_NO_KSWAPD", LEGACY);
        NAMES.put("none", 0L);
    }

    /**
     * The gfp names of a kernel, for naming a raw (hex) mask: {@code trace-cmd report -R}, and text tools that could
     * not resolve the names, print the kernel's own bits. 4.10-6.2 have ___GFP_ATOMIC at 0x200 (GFP_ATOMIC =
     * __GFP_HIGH|__GFP_ATOMIC|__GFP_KSWAPD_RECLAIM); 6.3 removed it (GFP_ATOMIC = __GFP_HIGH|__GFP_KSWAPD_RECLAIM).
     * GFP_NOWAIT is __GFP_KSWAPD_RECLAIM on 6.1 and __GFP_KSWAPD_RECLAIM|__GFP_NOWARN on 6.12 (both as the
     * sample captures print 0x2800); the first release with the second form was not checked, 6.12 is assumed.
     * The KASAN tag bits (CONFIG_KASAN_HW_TAGS, arm64 MTE only) and __GFP_NOLOCKDEP (CONFIG_LOCKDEP) are 0 in
     * distribution kernels and are left as hex.
     */
    public enum Layout {
        V4_10, V6_3, V6_12;

        /** The layout of a kernel release such as {@code 6.12.107+deb13-amd64}; the newest when unknown. */
        public static Layout forKernel(String release) {
            if (release == null) {
                return V6_12;
            }
            String[] p = release.trim().split("[^0-9]+", 3);
            try {
                int major = Integer.parseInt(p[0]);
                int minor = p.length > 1 ? Integer.parseInt(p[1]) : 0;
                int v = major * 1000 + minor;
                return v < 6003 ? V4_10 : v < 6012 ? V6_3 : V6_12;
            } catch (NumberFormatException e) {
                return V6_12;
            }
        }
    }

    /**
     * show_gfp_flags() of include/trace/events/mmflags.h (4.10-6.12 order of __def_gfpflag_names): composite
     * names first, then single bits; each matching mask is printed and cleared, what is left is printed in hex.
     */
    private static final String[] SHOW_NAMES = {"GFP_TRANSHUGE", "GFP_TRANSHUGE_LIGHT", "GFP_HIGHUSER_MOVABLE",
            "GFP_HIGHUSER", "GFP_USER", "GFP_KERNEL_ACCOUNT", "GFP_KERNEL", "GFP_NOFS", "GFP_ATOMIC", "GFP_NOIO",
            "GFP_NOWAIT", "GFP_DMA", "__GFP_HIGHMEM", "GFP_DMA32", "__GFP_HIGH", "__GFP_ATOMIC", "__GFP_IO",
            "__GFP_FS", "__GFP_NOWARN", "__GFP_RETRY_MAYFAIL", "__GFP_NOFAIL", "__GFP_NORETRY", "__GFP_COMP",
            "__GFP_ZERO", "__GFP_NOMEMALLOC", "__GFP_MEMALLOC", "__GFP_HARDWALL", "__GFP_THISNODE",
            "__GFP_RECLAIMABLE", "__GFP_MOVABLE", "__GFP_ACCOUNT", "__GFP_WRITE", "__GFP_RECLAIM",
            "__GFP_DIRECT_RECLAIM", "__GFP_KSWAPD_RECLAIM", "__GFP_ZEROTAGS"};

    /** The names the kernel prints for a raw mask in this layout (no KASAN tag bits, no lockdep). */
    public static String show(long raw, Layout layout) {
        if (raw == 0) {
            return "none";
        }
        long kernel = RECLAIM | IO | FS;
        long user = kernel | HARDWALL;
        long highuserMovable = user | HIGHMEM | MOVABLE;
        long transhugeLight = (highuserMovable | COMP | NOMEMALLOC | NOWARN) & ~RECLAIM;
        boolean atomicBit = layout == Layout.V4_10;
        StringBuilder out = new StringBuilder();
        long left = raw;
        for (String name : SHOW_NAMES) {
            long mask = switch (name) {
                case "GFP_TRANSHUGE" -> transhugeLight | DIRECT_RECLAIM;
                case "GFP_TRANSHUGE_LIGHT" -> transhugeLight;
                case "GFP_HIGHUSER_MOVABLE" -> highuserMovable;
                case "GFP_HIGHUSER" -> user | HIGHMEM;
                case "GFP_USER" -> user;
                case "GFP_KERNEL_ACCOUNT" -> kernel | ACCOUNT;
                case "GFP_KERNEL" -> kernel;
                case "GFP_NOFS" -> RECLAIM | IO;
                case "GFP_ATOMIC" -> HIGH | KSWAPD_RECLAIM | (atomicBit ? ATOMIC : 0);
                case "GFP_NOIO" -> RECLAIM;
                case "GFP_NOWAIT" -> KSWAPD_RECLAIM | (layout == Layout.V6_12 ? NOWARN : 0);
                case "__GFP_ATOMIC" -> atomicBit ? ATOMIC : 0;
                default -> NAMES.get(name);
            };
            if (mask != 0 && (left & mask) == mask) {
                if (out.length() > 0) {
                    out.append('|');
                }
                out.append(name);
                left &= ~mask;
            }
        }
        if (left != 0) {
            if (out.length() > 0) {
                out.append('|');
            }
            out.append("0x").append(Long.toHexString(left));
        }
        return out.toString();
    }

    /**
     * A raw mask named for display. With the kernel known, as that kernel prints it. Unknown: named with the newest
     * layout only when every bit has a name there; otherwise kept verbatim, as a mask of a kernel before 4.10 (other
     * bit positions, e.g. 0x27000c0 of 4.4's GFP_KERNEL family) would be misnamed.
     */
    public static String showRaw(long raw, Layout layout, String verbatim) {
        if (layout != null) {
            return show(raw, layout);
        }
        String named = show(raw, Layout.V6_12);
        return named.contains("0x") ? verbatim : named;
    }

    /** Whether a printed gfp text is a bare number (a raw mask), not names. */
    static boolean isRaw(String text) {
        return text.startsWith("0x") && text.indexOf('|') < 0 && (parseNumber(text) & UNKNOWN_NAME) == 0;
    }

    private Gfp() {
    }

    /** Bits of a printed gfp string: {@code GFP_KERNEL|__GFP_ZERO}, {@code 0x140cca}, {@code GFP_KERNEL|0x2}, {@code none}. */
    public static long parse(String text) {
        return parse(text, Layout.V6_3);
    }

    /** As {@link #parse(String)}, with the composite names of the given kernel's layout (GFP_NOWAIT). */
    public static long parse(String text, Layout layout) {
        long bits = 0;
        int start = 0;
        int n = text.length();
        while (start <= n) {
            int bar = text.indexOf('|', start);
            int end = bar < 0 ? n : bar;
            String tok = text.substring(start, end).trim();
            if (!tok.isEmpty()) {
                Long v = NAMES.get(tok);
                if (v != null && layout == Layout.V6_12 && tok.equals("GFP_NOWAIT")) {
                    bits |= v | NOWARN;
                } else if (v != null) {
                    bits |= v;
                } else {
                    bits |= parseNumber(tok);
                }
            }
            if (bar < 0) {
                break;
            }
            start = bar + 1;
        }
        return bits;
    }

    private static long parseNumber(String tok) {
        try {
            if (tok.startsWith("0x") || tok.startsWith("0X")) {
                return Long.parseUnsignedLong(tok.substring(2), 16) & 0xffffffffL;
            }
            return Long.parseLong(tok) & 0xffffffffL;
        } catch (NumberFormatException e) {
            return UNKNOWN_NAME;
        }
    }

    /** gfp_migratetype() (include/linux/gfp.h): the migratetype an allocation with these flags asks for. */
    public static int migratetype(long bits) {
        if ((bits & MOVABLE) != 0) {
            return 1;
        }
        return (bits & RECLAIMABLE) != 0 ? 2 : 0;
    }
}
