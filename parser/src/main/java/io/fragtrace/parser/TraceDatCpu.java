package io.fragtrace.parser;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Walks one CPU's ring-buffer pages of a trace.dat, record by record, as libtraceevent's kbuffer-parse.c does
 * (and the kernel's kernel/trace/ring_buffer.c writes them): page header timestamp + commit, 5-bit type_len /
 * 27-bit time_delta event headers, time extends (type 30), absolute time stamps (31), padding (29), long events
 * (type_len 0 with the length in array[0]), the missed-events flags of the commit word. Reads the file in blocks of
 * pages (or v7 compressed chunks), so memory is a few pages per CPU whatever the trace length.
 */
final class TraceDatCpu {
    private static final int PADDING = 29, TIME_EXTEND = 30, TIME_STAMP = 31;
    private static final long MISSING_EVENTS = 1L << 31, MISSING_STORED = 1L << 30, COMMIT_MASK = (1L << 27) - 1;
    private static final int BLOCK_PAGES = 64;

    final int cpu;
    private final TraceDatFile file;
    private final TraceDatFile.CpuData data;
    private final ParseReport report;
    private final boolean big;
    private final int pageSize;

    // block of pages in memory
    byte[] buf = new byte[0];
    private int blockLen;
    private long blockFileOff; // file offset of buf[0], or of the compressed chunk
    private boolean blockCompressed;
    private long nextRead; // uncompressed: next file offset; compressed: next chunk header
    private long readEnd;
    private long chunksLeft = -1;

    // current page
    private int page = -1; // index in buf of the current page, -1 before the first
    private int pos;
    private int end;
    private long ts;

    // current record (valid after next() returned true)
    int recOff;
    int recLen;
    long recTs;
    boolean done;
    long lostEvents;
    long corruptPages;

    TraceDatCpu(TraceDatFile file, TraceDatFile.CpuData data, ParseReport report) {
        this.file = file;
        this.data = data;
        this.cpu = data.cpu();
        this.report = report;
        this.big = file.order == ByteOrder.BIG_ENDIAN;
        this.pageSize = file.pageSize;
        this.nextRead = data.offset();
        // trace-cmd 3.1 records a compressed CPU's size without its 4-byte chunk count
        this.readEnd = data.offset() + data.size() + (data.compressed() ? 4 : 0);
        if (readEnd > file.fileSize) {
            truncated("its data ends at byte " + readEnd + " but the file has " + file.fileSize);
            readEnd = file.fileSize;
        }
    }

    private void truncated(String why) {
        String msg = "trace.dat ends early: CPU " + cpu + " " + why + "; the complete pages are used";
        if (report.truncation == null) {
            report.truncation = msg;
        }
        report.problem("truncated CPU data", 0, msg);
    }

    int u32(int at) {
        int v = (buf[at] & 0xff) | (buf[at + 1] & 0xff) << 8 | (buf[at + 2] & 0xff) << 16 | (buf[at + 3] & 0xff) << 24;
        return big ? Integer.reverseBytes(v) : v;
    }

    long u64(int at) {
        long lo = u32(at) & 0xffffffffL;
        long hi = u32(at + 4) & 0xffffffffL;
        return big ? (lo << 32) | hi : (hi << 32) | lo;
    }

    /** An unsigned field of 1, 2, 4 or 8 bytes in the file's byte order. */
    static long word(byte[] b, int at, int size, boolean big) {
        long v = 0;
        if (big) {
            for (int i = 0; i < size; i++) {
                v = (v << 8) | (b[at + i] & 0xff);
            }
        } else {
            for (int i = size - 1; i >= 0; i--) {
                v = (v << 8) | (b[at + i] & 0xff);
            }
        }
        return v;
    }

    long word(int at, int size) {
        return switch (size) {
            case 1 -> buf[at] & 0xffL;
            case 2 -> big ? ((buf[at] & 0xff) << 8 | (buf[at + 1] & 0xff)) : ((buf[at] & 0xff) | (buf[at + 1] & 0xff) << 8);
            case 4 -> u32(at) & 0xffffffffL;
            default -> u64(at);
        };
    }

    /** Where the current page is, for reports. */
    private String where(int at) {
        if (blockCompressed) {
            return "CPU " + cpu + ", compressed chunk at file offset 0x" + Long.toHexString(blockFileOff)
                    + ", byte 0x" + Long.toHexString(at) + " of the chunk";
        }
        return "CPU " + cpu + ", file offset 0x" + Long.toHexString(blockFileOff + at);
    }

    /** Loads the next block of pages; false at the end of this CPU's data. */
    private boolean loadBlock() throws IOException {
        if (!data.compressed()) {
            long left = readEnd - nextRead;
            if (left < pageSize) {
                if (left > 0 && nextRead + left == file.fileSize && data.offset() + data.size() > file.fileSize) {
                    truncated("has a partial last page");
                }
                return false;
            }
            int n = (int) Math.min(left / pageSize, BLOCK_PAGES) * pageSize;
            if (buf.length < n) {
                buf = new byte[n];
            }
            ByteBuffer bb = ByteBuffer.wrap(buf, 0, n);
            while (bb.hasRemaining()) {
                if (file.readAt(bb, nextRead + bb.position()) < 0) {
                    truncated("ends at byte " + (nextRead + bb.position()));
                    return false;
                }
            }
            blockFileOff = nextRead;
            blockLen = n;
            nextRead += n;
            return true;
        }
        if (chunksLeft < 0) {
            if (nextRead + 4 > readEnd) {
                return false;
            }
            chunksLeft = ByteBuffer.wrap(file.read(nextRead, 4)).order(file.order).getInt() & 0xffffffffL;
            nextRead += 4;
        }
        if (chunksLeft == 0) {
            return false;
        }
        if (nextRead + 8 > readEnd) {
            truncated("has " + chunksLeft + " compressed chunks missing");
            return false;
        }
        ByteBuffer h = ByteBuffer.wrap(file.read(nextRead, 8)).order(file.order);
        long csize = h.getInt() & 0xffffffffL;
        long usize = h.getInt() & 0xffffffffL;
        if (nextRead + 8 + csize > readEnd || usize > (1L << 30)) {
            truncated("has a compressed chunk at file offset " + nextRead + " cut short");
            return false;
        }
        byte[] src = file.read(nextRead + 8, (int) csize);
        if (buf.length < usize) {
            buf = new byte[(int) usize];
        }
        blockFileOff = nextRead;
        blockCompressed = true;
        nextRead += 8 + csize;
        chunksLeft--;
        try {
            file.decompress(src, 0, src.length, buf, (int) usize);
        } catch (IOException e) {
            corruptPages++;
            report.problem("corrupt compressed chunk", 0, where(0) + ": " + e.getMessage());
            blockLen = 0;
            return true;
        }
        blockLen = (int) (usize / pageSize) * pageSize;
        return true;
    }

    /** Moves to the next page with data; false at the end. */
    private boolean nextPage() throws IOException {
        while (true) {
            page = page < 0 ? 0 : page + pageSize;
            if (page + pageSize > blockLen) {
                if (!loadBlock()) {
                    return false;
                }
                page = 0;
                if (blockLen < pageSize) {
                    continue;
                }
            }
            ts = u64(page);
            long commit = word(page + file.commitOffset, file.commitSize);
            int size = (int) (commit & COMMIT_MASK);
            if (size > pageSize - file.dataOffset) {
                corruptPages++;
                report.problem("corrupt page", 0, where(page) + ": commit size " + size + " larger than the page");
                continue;
            }
            if ((commit & MISSING_EVENTS) != 0) {
                long lost = -1;
                if ((commit & MISSING_STORED) != 0 && page + file.dataOffset + size + file.commitSize <= page + pageSize) {
                    lost = word(page + file.dataOffset + size, file.commitSize);
                }
                if (lost > 0) {
                    lostEvents += lost;
                    report.lostMarkers += lost;
                }
                report.problem("lost events", 0, where(page) + ": ring buffer dropped "
                        + (lost > 0 ? lost + " events" : "events (count not stored)") + " before this page");
            }
            pos = page + file.dataOffset;
            end = pos + size;
            if (size > 0) {
                return true;
            }
        }
    }

    /** Advances to the next data record: sets recOff, recLen, recTs. False when the CPU has no more. */
    boolean next() throws IOException {
        if (done) {
            return false;
        }
        while (true) {
            if (page < 0 || pos >= end) {
                if (!nextPage()) {
                    done = true;
                    return false;
                }
            }
            if (pos + 4 > end) {
                pos = end;
                continue;
            }
            int h = u32(pos);
            int typeLen = big ? h >>> 27 : h & 31;
            long delta = big ? h & ((1 << 27) - 1) : h >>> 5;
            int at = pos;
            switch (typeLen) {
                case PADDING -> {
                    if (pos + 8 > end || delta == 0 && u32(pos + 4) == 0) {
                        pos = end; // null event: the rest of the page is empty
                        continue;
                    }
                    long skip = u32(pos + 4) & 0xffffffffL;
                    if (pos + 4 + skip > end) { // padding reaches the end of the page (or is corrupt)
                        pos = end;
                        continue;
                    }
                    ts += delta;
                    pos = (int) (pos + 4 + skip);
                    continue;
                }
                case TIME_EXTEND, TIME_STAMP -> {
                    if (pos + 8 > end) {
                        corrupt(at, "time extend runs past the commit");
                        continue;
                    }
                    long ext = ((u32(pos + 4) & 0xffffffffL) << 27) | delta;
                    ts = typeLen == TIME_EXTEND ? ts + ext : (ts & ~((1L << 59) - 1)) | ext;
                    pos += 8;
                    continue;
                }
                case 0 -> {
                    if (pos + 8 > end) {
                        corrupt(at, "event header runs past the commit");
                        continue;
                    }
                    long len = (u32(pos + 4) & 0xffffffffL) - 4;
                    len = (len + 3) & ~3L;
                    if (len < 0 || pos + 8 + len > end) {
                        corrupt(at, "event of " + len + " bytes runs past the commit");
                        continue;
                    }
                    recOff = pos + 8;
                    recLen = (int) len;
                    pos = recOff + recLen;
                }
                default -> {
                    int len = typeLen << 2;
                    if (pos + 4 + len > end) {
                        corrupt(at, "event of " + len + " bytes runs past the commit");
                        continue;
                    }
                    recOff = pos + 4;
                    recLen = len;
                    pos = recOff + len;
                }
            }
            ts += delta;
            recTs = ts;
            return true;
        }
    }

    private void corrupt(int at, String why) {
        corruptPages++;
        report.problem("corrupt page", 0, where(at) + ": " + why + "; rest of the page skipped");
        pos = end;
    }
}
