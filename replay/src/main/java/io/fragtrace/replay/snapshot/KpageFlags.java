package io.fragtrace.replay.snapshot;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.BitSet;
import java.util.List;
import java.util.zip.GZIPInputStream;

/**
 * /proc/kpageflags (8 bytes per pfn, little endian; include/uapi/linux/kernel-page-flags.h), read as a stream and
 * kept only as the bits the model needs: one bit per pfn, so 1 TiB of RAM costs 32 MiB.
 */
public final class KpageFlags {
    /** KPF_BUDDY: the page belongs to a free buddy block (on 6.1 every page of the block, not only the head). */
    public static final int KPF_BUDDY = 10;
    /** KPF_NOPAGE: no struct page at this pfn (a hole). */
    public static final int KPF_NOPAGE = 20;
    /** Pages that can move: on an LRU list, anonymous, or mapped to user space (KPF_LRU 5, KPF_MMAP 11, KPF_ANON 12). */
    static final int MOVABLE_LIKE = 1 << 5 | 1 << 11 | 1 << 12;
    /** Pages that cannot: slab (KPF_SLAB 7) or page tables (KPF_PGTABLE 26). */
    static final int UNMOVABLE_LIKE = 1 << 7 | 1 << 26;
    /** KPF_LRU: on an LRU list. */
    public static final int KPF_LRU = 5;
    /** KPF_SWAPBACKED: an anonymous or shmem folio (folio_set_swapbacked()), an LRU page once on its list. */
    public static final int KPF_SWAPBACKED = 14;
    /** KPF_COMPOUND_HEAD, KPF_COMPOUND_TAIL: part of a compound page. */
    static final int COMPOUND = 1 << 15 | 1 << 16;
    /** The names a snapshot folder may give the file, in the order they are looked for. */
    private static final List<String> NAMES = List.of("kpageflags.bin.gz", "kpageflags.bin", "kpageflags");

    private final BitSet buddy;
    private final BitSet noPage;
    private final BitSet movableLike;
    private final BitSet unmovableLike;
    /** KPF_RESERVED (bit 32): reserved at boot (kernel image, memmap, firmware); never freed to the buddy. */
    private final BitSet reserved;
    /** KPF_LRU (or {@link #onItsWayToTheLru}) and not compound: simulate mode's movable pages at the start. */
    private final BitSet lruSingle;
    private final long pfns;

    private KpageFlags(BitSet buddy, BitSet noPage, BitSet movableLike, BitSet unmovableLike, BitSet reserved,
                       BitSet lruSingle, long pfns) {
        this.buddy = buddy;
        this.noPage = noPage;
        this.movableLike = movableLike;
        this.unmovableLike = unmovableLike;
        this.reserved = reserved;
        this.lruSingle = lruSingle;
        this.pfns = pfns;
    }

    /** The kpageflags file of a snapshot folder (kpageflags.bin.gz, kpageflags.bin or kpageflags), or null. */
    public static Path find(Path dir) {
        for (String n : NAMES) {
            if (Files.isRegularFile(dir.resolve(n))) {
                return dir.resolve(n);
            }
        }
        return null;
    }

    /** The kpageflags of a snapshot folder ({@link #find}), or null when it has none. */
    public static KpageFlags loadIn(Path dir) throws SnapshotException {
        Path f = find(dir);
        return f == null ? null : load(f);
    }

    /** Loads kpageflags.bin.gz or kpageflags.bin. */
    public static KpageFlags load(Path file) throws SnapshotException {
        BitSet buddy = new BitSet();
        BitSet noPage = new BitSet();
        BitSet movableLike = new BitSet();
        BitSet unmovableLike = new BitSet();
        BitSet reserved = new BitSet();
        BitSet lruSingle = new BitSet();
        long pfn = 0;
        try (InputStream raw = Files.newInputStream(file);
             InputStream in = new BufferedInputStream(file.toString().endsWith(".gz")
                     ? new GZIPInputStream(raw, 1 << 16) : raw, 1 << 16)) {
            byte[] rec = new byte[8];
            while (true) {
                int n = in.readNBytes(rec, 0, 8);
                if (n == 0) {
                    break;
                }
                if (n < 8 || pfn > Integer.MAX_VALUE) {
                    throw new SnapshotException(file + ": truncated or too large at pfn " + pfn);
                }
                // bits 5, 10, 15, 16 and 20 are in the low four bytes (little endian)
                int low = (rec[0] & 0xff) | (rec[1] & 0xff) << 8 | (rec[2] & 0xff) << 16 | (rec[3] & 0xff) << 24;
                if ((low >>> KPF_BUDDY & 1) != 0) {
                    buddy.set((int) pfn);
                }
                if ((low >>> KPF_NOPAGE & 1) != 0) {
                    noPage.set((int) pfn);
                }
                if ((low & UNMOVABLE_LIKE) != 0) {
                    unmovableLike.set((int) pfn);
                } else if ((low & MOVABLE_LIKE) != 0) {
                    movableLike.set((int) pfn);
                }
                if (((low >>> KPF_LRU & 1) != 0 || onItsWayToTheLru(low)) && (low & COMPOUND) == 0) {
                    lruSingle.set((int) pfn);
                }
                if ((rec[4] & 1) != 0) {
                    reserved.set((int) pfn);
                }
                pfn++;
            }
        } catch (EOFException e) {
            throw new SnapshotException(file + ": truncated at pfn " + pfn);
        } catch (IOException e) {
            throw new SnapshotException(file + ": cannot read (" + e.getMessage() + ")");
        }
        return new KpageFlags(buddy, noPage, movableLike, unmovableLike, reserved, lruSingle, pfn);
    }

    public long pfns() {
        return pfns;
    }

    public boolean isBuddy(long pfn) {
        return pfn < pfns && buddy.get((int) pfn);
    }

    public boolean isHole(long pfn) {
        return pfn < pfns && noPage.get((int) pfn);
    }

    /** The page was reserved at boot (KPF_RESERVED): kernel image, memmap, firmware. */
    public boolean isReserved(long pfn) {
        return pfn < pfns && reserved.get((int) pfn);
    }

    /** The page was slab or a page table (KPF_SLAB, KPF_PGTABLE) when the snapshot was taken. */
    public boolean isUnmovableLike(long pfn) {
        return pfn < pfns && unmovableLike.get((int) pfn);
    }

    /** The page was on an LRU list, anonymous or mapped (and neither slab nor a page table). */
    public boolean isMovableLike(long pfn) {
        return pfn < pfns && movableLike.get((int) pfn);
    }

    /**
     * How unmovable the allocated pages of [from, to) look: slab/page-table pages minus LRU/anon/mapped pages.
     * Used to guess which pageblocks are unmovable when only their counts are known.
     */
    public long unmovableScore(long from, long to) {
        int f = (int) Math.min(from, pfns);
        int t = (int) Math.min(to, pfns);
        return unmovableLike.get(f, t).cardinality() - movableLike.get(f, t).cardinality();
    }

    /**
     * The pages on an LRU list, or on their way to it ({@link #onItsWayToTheLru}), and not part of a compound page
     * (neither KPF_COMPOUND_HEAD nor _TAIL), as
     * bitmap words ({@link BitSet#toLongArray()} layout: pfn p is bit p % 64 of word p / 64). Simulate mode takes
     * them as movable at the start, every other allocated page as pinned.
     */
    public long[] lruSingleWords() {
        return lruSingle.toLongArray();
    }

    /**
     * An anonymous or shmem page without KPF_LRU, neither slab nor page table nor free: folio_add_lru() (mm/swap.c)
     * holds a new folio in its CPU's lru_add folio_batch (PAGEVEC_SIZE = 31) until the batch fills or lru_add_drain()
     * runs, and only lru_add() sets PG_lru. A snapshot read meanwhile shows the folio off the LRU; the samples' start
     * states have 0 to 31 such pages, never more than a batch. Simulate mode takes them as movable, as they are a
     * moment later (variants-fragment-thp-256M-k6.12: 0x35e0.. in pageblock 0x3400, which the kernel's first direct
     * pass migrated whole at 16.96 s).
     */
    static boolean onItsWayToTheLru(int low) {
        return (low >>> KPF_SWAPBACKED & 1) != 0 && (low & (UNMOVABLE_LIKE | 1 << KPF_BUDDY)) == 0;
    }

    /** First buddy pfn at or after {@code from}, or -1. */
    public long nextBuddy(long from) {
        return from >= pfns ? -1 : buddy.nextSetBit((int) from);
    }

    /** First non-buddy pfn at or after {@code from}. */
    public long nextNonBuddy(long from) {
        return buddy.nextClearBit((int) from);
    }
}
