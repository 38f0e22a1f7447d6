package io.fragtrace.report.html;

import org.junit.jupiter.api.Test;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PngTest {
    /** An anti-aliased drawing: every channel value and the Sub filter's wrap-around (0x00 - 0xff) occur. */
    private static BufferedImage drawing(int type) {
        BufferedImage img = new BufferedImage(173, 61, type);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, 173, 61);
        g.setColor(new Color(0xd62728));
        g.drawLine(0, 60, 172, 3);
        g.setColor(new Color(0x00441b));
        g.fillOval(40, 10, 50, 30);
        g.dispose();
        return img;
    }

    private static int[] argb(BufferedImage img) {
        return img.getRGB(0, 0, img.getWidth(), img.getHeight(), null, 0, img.getWidth());
    }

    @Test
    void anOpaqueImageDecodesToTheSamePixelsAsRgb() throws IOException {
        for (int type : new int[] {BufferedImage.TYPE_INT_RGB, BufferedImage.TYPE_INT_ARGB,
                BufferedImage.TYPE_3BYTE_BGR}) {
            BufferedImage img = drawing(type);
            byte[] png = Png.encode(img);
            BufferedImage back = ImageIO.read(new ByteArrayInputStream(png));
            assertEquals(173, back.getWidth());
            assertEquals(61, back.getHeight());
            assertFalse(back.getColorModel().hasAlpha(), "all pixels opaque: colour type 2, no alpha channel");
            assertArrayEquals(argb(img), argb(back));
        }
    }

    @Test
    void translucentPixelsKeepTheirAlpha() throws IOException {
        BufferedImage img = drawing(BufferedImage.TYPE_INT_ARGB);
        img.setRGB(5, 5, 0x80123456);
        img.setRGB(6, 5, 0x00000000);
        BufferedImage back = ImageIO.read(new ByteArrayInputStream(Png.encode(img)));
        assertTrue(back.getColorModel().hasAlpha());
        assertArrayEquals(argb(img), argb(back));
    }
}
