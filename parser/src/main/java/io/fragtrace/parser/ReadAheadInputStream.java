package io.fragtrace.parser;

import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * Reads (decompresses) an input stream on its own thread, {@link #RING} buffers of {@link #BUFFER} bytes ahead of
 * the reader. Every byte read before a failure is delivered first; the failure (a truncated or corrupt compressed
 * file) is then thrown at that point of the stream, as a direct read would.
 */
final class ReadAheadInputStream extends InputStream {
    static final int BUFFER = 1 << 20;
    static final int RING = 4;
    /**
     * Bytes asked of the decompressor per read: xz and bzip2 decode into the caller's array and, when the data ends
     * early, throw without saying how much of that one read they had filled, so at most this much before the damage
     * is lost.
     */
    static final int STEP = 8192;

    private static final class Chunk {
        final byte[] b;
        int len;
        IOException error;
        boolean eof;

        Chunk(int size) {
            b = new byte[size];
        }
    }

    private final InputStream in;
    private final BlockingQueue<Chunk> full = new ArrayBlockingQueue<>(RING + 1);
    private final BlockingQueue<Chunk> free = new ArrayBlockingQueue<>(RING + 1);
    private final Thread thread;
    private Chunk cur;
    private int pos;
    private boolean done;

    ReadAheadInputStream(InputStream in) {
        this.in = in;
        for (int i = 0; i < RING; i++) {
            free.add(new Chunk(BUFFER));
        }
        thread = new Thread(this::fill, "fragtrace-decompress");
        thread.setDaemon(true);
        thread.start();
    }

    private void fill() {
        try {
            while (true) {
                Chunk c = free.take();
                c.len = 0;
                try {
                    while (c.len < c.b.length) {
                        int n = in.read(c.b, c.len, Math.min(STEP, c.b.length - c.len));
                        if (n < 0) {
                            c.eof = true;
                            break;
                        }
                        c.len += n;
                    }
                } catch (IOException e) {
                    c.error = e;
                }
                full.put(c);
                if (c.eof || c.error != null) {
                    return;
                }
            }
        } catch (InterruptedException e) {
            // closed
        } catch (RuntimeException e) {
            // a decompressor's unchecked failure: deliver it as the stream's error
            Chunk c = new Chunk(0);
            c.error = new IOException(e.toString(), e);
            full.offer(c);
        }
    }

    /** The next chunk with bytes left, null at the end; throws the reader thread's error where it happened. */
    private boolean next() throws IOException {
        while (cur == null || pos >= cur.len) {
            if (cur != null) {
                if (cur.error != null) {
                    IOException e = cur.error;
                    cur.error = null;
                    done = true;
                    throw e;
                }
                if (cur.eof) {
                    done = true;
                    return false;
                }
                free.offer(cur);
                cur = null;
            }
            if (done) {
                return false;
            }
            try {
                cur = full.take();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted");
            }
            pos = 0;
        }
        return true;
    }

    @Override
    public int read() throws IOException {
        if (!next()) {
            return -1;
        }
        return cur.b[pos++] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        if (!next()) {
            return -1;
        }
        int n = Math.min(len, cur.len - pos);
        System.arraycopy(cur.b, pos, b, off, n);
        pos += n;
        return n;
    }

    @Override
    public void close() throws IOException {
        done = true;
        thread.interrupt();
        in.close();
    }
}
