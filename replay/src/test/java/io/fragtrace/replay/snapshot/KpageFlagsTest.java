package io.fragtrace.replay.snapshot;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The one /proc/kpageflags reader (include/uapi/linux/kernel-page-flags.h bit numbers) on a hand-written file. */
class KpageFlagsTest {
    private static final long LRU = 1L << 5;
    private static final long BUDDY = 1L << 10;
    private static final long HEAD = 1L << 15;
    private static final long TAIL = 1L << 16;
    private static final long RESERVED = 1L << 32;

    @TempDir
    Path dir;

    @Test
    void lruPagesNotCompoundAreTheSimulatorsMovableOnes() throws Exception {
        // pfn: 0 LRU, 1 LRU|HEAD (THP head), 2 LRU|TAIL, 3 buddy, 4 reserved, ..., 70 LRU (second word)
        long[] flags = new long[71];
        flags[0] = LRU;
        flags[1] = LRU | HEAD;
        flags[2] = LRU | TAIL;
        flags[3] = BUDDY;
        flags[4] = RESERVED;
        flags[70] = LRU;
        write(dir.resolve("kpageflags.bin.gz"), flags);
        KpageFlags kf = KpageFlags.loadIn(dir);
        assertEquals(71, kf.pfns());
        // word 0: bit 0 only (pfns 1, 2 are compound); word 1: bit 70 - 64 = 6
        assertArrayEquals(new long[] {1L, 1L << 6}, kf.lruSingleWords());
        assertTrue(kf.isBuddy(3));
        assertFalse(kf.isBuddy(0));
        assertTrue(kf.isReserved(4));
    }

    @Test
    void aSwapbackedPageOffTheLruIsInAnLruAddBatch() throws Exception {
        // folio_add_lru() (mm/swap.c): a new anon/shmem folio waits in the CPU's lru_add folio_batch before lru_add()
        // sets PG_lru. variants-fragment-thp-256M-k6.12's before/ shows 0x35e0 as 0x401c = REFERENCED | UPTODATE |
        // DIRTY | SWAPBACKED (a shmem page, no LRU): movable. Not: SWAPBACKED with SLAB (bit 7) or PGTABLE (bit 26),
        // a SWAPBACKED THP tail, a free page; nor a page mapped to user space (MMAP, bit 11) that is not SWAPBACKED
        // (a driver's or perf's buffer).
        long[] flags = new long[6];
        flags[0] = 0x401c;
        flags[1] = 0x401c | 1L << 7;
        flags[2] = 0x401c | 1L << 26;
        flags[3] = 0x401c | TAIL;
        flags[4] = 1L << 11;
        flags[5] = (1L << 14) | BUDDY;
        write(dir.resolve("kpageflags.bin.gz"), flags);
        assertArrayEquals(new long[] {1L}, KpageFlags.loadIn(dir).lruSingleWords());
    }

    @Test
    void findLooksForTheThreeNamesAndNothingElse() throws Exception {
        assertNull(KpageFlags.find(dir));
        assertNull(KpageFlags.loadIn(dir));
        write(dir.resolve("kpageflags"), new long[] {BUDDY});
        assertEquals(dir.resolve("kpageflags"), KpageFlags.find(dir));
        assertTrue(KpageFlags.loadIn(dir).isBuddy(0));
        write(dir.resolve("kpageflags.bin.gz"), new long[] {0});
        assertEquals(dir.resolve("kpageflags.bin.gz"), KpageFlags.find(dir));
    }

    private static void write(Path f, long[] flags) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(flags.length * 8).order(ByteOrder.LITTLE_ENDIAN);
        for (long v : flags) {
            b.putLong(v);
        }
        try (OutputStream raw = Files.newOutputStream(f);
             OutputStream out = f.toString().endsWith(".gz") ? new GZIPOutputStream(raw) : raw) {
            out.write(b.array());
        }
    }
}
