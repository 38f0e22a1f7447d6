package io.fragtrace.report.html;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferInt;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * A PNG encoder for the report's images: 8-bit RGB (RGBA when a pixel is not opaque), the Sub filter on every row,
 * one deflate stream at zlib's default level. ImageIO's writer copies a raster per row (BufferedImage.getData) and
 * tries every filter on every row: it was a third of a report's time. On the 34 images of a fragment-thp-1G-k6.12
 * replay, encoded from ARGB images: ImageIO 2.86 MB in 4.0 s, this 2.57 MB in 0.9 s (Sub at deflate level 1: 3.41
 * MB, no faster; choosing a filter per row as ImageIO does: 2.18 MB in 1.8 s). The report's own (RGB) images came to
 * 2.45 MB with ImageIO and 2.58 MB with this.
 */
public final class Png {
    private static final byte[] SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    private static final int FILTER_SUB = 1;

    private Png() {
    }

    /** The image as PNG bytes. */
    public static byte[] encode(BufferedImage img) {
        int w = img.getWidth();
        int h = img.getHeight();
        int[] px = pixels(img);
        boolean alpha = false;
        if (img.getColorModel().hasAlpha()) {
            for (int p : px) {
                if (p >>> 24 != 0xff) {
                    alpha = true;
                    break;
                }
            }
        }
        int bpp = alpha ? 4 : 3;
        byte[] row = new byte[1 + w * bpp];
        Deflater deflater = new Deflater(Deflater.DEFAULT_COMPRESSION);
        ByteArrayOutputStream idat = new ByteArrayOutputStream(Math.max(1024, w * h / 8));
        byte[] buf = new byte[1 << 16];
        for (int y = 0; y < h; y++) {
            row[0] = FILTER_SUB;
            int prev = 0; // the pixel left of the first is 0 (all channels)
            for (int x = 0, o = 1, i = y * w; x < w; x++, i++) {
                int p = px[i];
                row[o++] = (byte) ((p >> 16) - (prev >> 16));
                row[o++] = (byte) ((p >> 8) - (prev >> 8));
                row[o++] = (byte) (p - prev);
                if (alpha) {
                    row[o++] = (byte) ((p >>> 24) - (prev >>> 24));
                }
                prev = p;
            }
            deflater.setInput(row);
            while (!deflater.needsInput()) {
                idat.write(buf, 0, deflater.deflate(buf));
            }
        }
        deflater.finish();
        while (!deflater.finished()) {
            idat.write(buf, 0, deflater.deflate(buf));
        }
        deflater.end();
        ByteArrayOutputStream out = new ByteArrayOutputStream(idat.size() + 64);
        out.writeBytes(SIGNATURE);
        byte[] ihdr = new byte[13];
        putInt(ihdr, 0, w);
        putInt(ihdr, 4, h);
        ihdr[8] = 8; // bit depth
        ihdr[9] = (byte) (alpha ? 6 : 2); // colour type: truecolour (with alpha)
        chunk(out, "IHDR", ihdr);
        chunk(out, "IDAT", idat.toByteArray());
        chunk(out, "IEND", new byte[0]);
        return out.toByteArray();
    }

    /** ARGB pixels, row by row: the raster's own array when the image is TYPE_INT_(A)RGB, else a copy. */
    private static int[] pixels(BufferedImage img) {
        int type = img.getType();
        if ((type == BufferedImage.TYPE_INT_RGB || type == BufferedImage.TYPE_INT_ARGB)
                && img.getRaster().getDataBuffer() instanceof DataBufferInt db && db.getNumBanks() == 1
                && img.getRaster().getMinX() == 0 && img.getRaster().getMinY() == 0
                && db.getSize() == img.getWidth() * img.getHeight()) {
            return db.getData(); // TYPE_INT_RGB's top byte is never read: hasAlpha() is false
        }
        return img.getRGB(0, 0, img.getWidth(), img.getHeight(), null, 0, img.getWidth());
    }

    private static void chunk(ByteArrayOutputStream out, String type, byte[] data) {
        byte[] len = new byte[4];
        putInt(len, 0, data.length);
        out.writeBytes(len);
        byte[] t = type.getBytes(StandardCharsets.US_ASCII);
        out.writeBytes(t);
        out.writeBytes(data);
        CRC32 crc = new CRC32();
        crc.update(t);
        crc.update(data);
        putInt(len, 0, (int) crc.getValue());
        out.writeBytes(len);
    }

    private static void putInt(byte[] b, int at, int v) {
        b[at] = (byte) (v >>> 24);
        b[at + 1] = (byte) (v >>> 16);
        b[at + 2] = (byte) (v >>> 8);
        b[at + 3] = (byte) v;
    }
}
