package io.fragtrace.report.pfnmap;

import io.fragtrace.report.html.Png;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferInt;
import java.util.Arrays;
import java.util.Locale;

/**
 * Draws a {@link PfnFrame} with plain Java2D: zones one under another in pfn order, each under a heading; a page per
 * 2×2-pixel cell in a tile per pageblock (its pages in pfn order, row by row) framed in the pageblock's migratetype
 * colour, or a cell per pageblock on large machines; mixed pageblocks outlined (or coloured) magenta; memory-region
 * boundaries as dark lines; a legend at the bottom. The image is bounded by the pageblock count, never the page count.
 */
public final class PfnMapImage {
    static final int WIDTH_TARGET = 1120;
    private static final int MARGIN = 80;
    private static final int HEADING = 26;
    private static final int PAGE_PX = 2;
    /** Pageblock tiles per row in the per-page layout. */
    static final int TILES_PER_ROW = 16;
    /** Frame (migratetype) and outline (mixed) of a tile, pixels. */
    private static final int FRAME = 2;
    private static final int OUTLINE = 2;

    static final Color[] TYPE = {new Color(0xd62728), new Color(0x1f77b4), new Color(0xff7f0e), new Color(0x9467bd),
        new Color(0x222222)};
    static final Color PCP = new Color(0xf2c80f);
    static final Color TAKEN = new Color(0x17becf);
    static final Color UNKNOWN = new Color(0xc4c4c4);
    static final Color HOLE = new Color(0xf3f3f3);
    static final Color MIXED = new Color(0xff00c8);
    static final Color REGION = new Color(0x111111);
    private static final Color FREE_LOW = new Color(0xc7e9c0);
    private static final Color FREE_HIGH = new Color(0x00441b);

    private PfnMapImage() {
    }

    /** The PNG of a frame. */
    public static byte[] png(PfnFrame f, String title) {
        return Png.encode(draw(f, title));
    }

    /** Geometry of one layout: cells per tile row/column, tile and row sizes. */
    private record Grid(int tileW, int tileH, int perRow, int cellPx, int rowH, int pbCols) {
    }

    private static Grid grid(PfnFrame f) {
        if (f.perPage) {
            int cols = 1 << ((f.pageblockOrder + 1) / 2);
            int rows = 1 << (f.pageblockOrder / 2);
            int tileW = cols * PAGE_PX + 2 * (FRAME + OUTLINE);
            int tileH = rows * PAGE_PX + 2 * (FRAME + OUTLINE);
            return new Grid(tileW, tileH, TILES_PER_ROW, PAGE_PX, tileH, cols);
        }
        long pbs = f.zones.stream().mapToLong(PfnFrame.ZoneCells::pageblocks).sum();
        int px = pbs <= 16384 ? 4 : pbs <= 131072 ? 2 : 1;
        int perRow = 1024 / px;
        return new Grid(px, px, perRow, px, px, 0);
    }

    static BufferedImage draw(PfnFrame f, String title) {
        Grid g = grid(f);
        int width = MARGIN + g.perRow * g.tileW + 16;
        int height = 34;
        for (PfnFrame.ZoneCells z : f.zones) {
            height += HEADING + ((z.pageblocks() + g.perRow - 1) / g.perRow) * g.rowH + 10;
        }
        int legendH = 130;
        height += legendH;
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g2 = img.createGraphics();
        g2.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g2.setColor(Color.WHITE);
        g2.fillRect(0, 0, width, height);
        g2.setColor(Color.BLACK);
        g2.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
        g2.drawString(fit(title, g2.getFontMetrics(), width - 16), 8, 20);
        Font small = new Font(Font.SANS_SERIF, Font.PLAIN, 12);
        int y = 34;
        for (PfnFrame.ZoneCells z : f.zones) {
            g2.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 13));
            g2.setColor(Color.BLACK);
            g2.drawString(String.format(Locale.ROOT, "node %d %s: pfn 0x%x-0x%x (%s), %,d pageblocks, %,d mixed",
                    z.nid(), z.name(), z.start(), z.end() - 1, size(z.end() - z.start()), z.pageblocks(), z.mixed()),
                    8, y + 17);
            g2.setColor(new Color(0xbbbbbb));
            g2.drawLine(8, y + HEADING - 3, width - 8, y + HEADING - 3);
            y += HEADING;
            g2.setFont(small);
            drawZone(g2, img, f, z, g, y);
            y += ((z.pageblocks() + g.perRow - 1) / g.perRow) * g.rowH + 10;
        }
        legend(g2, f, 8, y + 4, width - 16);
        g2.dispose();
        return img;
    }

    /** The text, cut with an ellipsis to fit {@code w} pixels (a long marker in a title). */
    static String fit(String text, FontMetrics fm, int w) {
        if (fm.stringWidth(text) <= w) {
            return text;
        }
        int n = text.length();
        while (n > 0 && fm.stringWidth(text.substring(0, n) + "…") > w) {
            n--;
        }
        return text.substring(0, n) + "…";
    }

    private static void drawZone(Graphics2D g2, BufferedImage img, PfnFrame f, PfnFrame.ZoneCells z, Grid g, int y0) {
        long pbPages = 1L << f.pageblockOrder;
        int rows = (z.pageblocks() + g.perRow - 1) / g.perRow;
        FontMetrics fm = g2.getFontMetrics();
        int labelEvery = Math.max(1, (fm.getHeight() + g.rowH - 1) / g.rowH * 4);
        for (int r = 0; r < rows; r++) {
            if (r % labelEvery == 0) {
                g2.setColor(new Color(0x555555));
                String pfn = "0x" + Long.toHexString(z.firstPbPfn() + (long) r * g.perRow * pbPages);
                g2.drawString(pfn, MARGIN - 6 - fm.stringWidth(pfn), y0 + r * g.rowH + fm.getAscent());
            }
        }
        // pixels go straight into the raster (setRGB per pixel and a Color per cell were the PNG thread's hot spot)
        int[] px = ((DataBufferInt) img.getRaster().getDataBuffer()).getData();
        int w = img.getWidth();
        int h = img.getHeight();
        int[] rgb = new int[256]; // a cell code's colour, filled on first use (-1: not yet)
        Arrays.fill(rgb, -1);
        int mixed = MIXED.getRGB() & 0xffffff;
        int white = 0xffffff;
        for (int b = 0; b < z.pageblocks(); b++) {
            int x = MARGIN + (b % g.perRow) * g.tileW;
            int y = y0 + (b / g.perRow) * g.rowH;
            int mt = z.pbType()[b];
            if (f.perPage) {
                fill(px, w, h, x, y, g.tileW, g.tileH, z.pbMixed()[b] ? mixed : white);
                fill(px, w, h, x + OUTLINE, y + OUTLINE, g.tileW - 2 * OUTLINE, g.tileH - 2 * OUTLINE,
                        typeColour(mt).getRGB() & 0xffffff);
                int ix = x + OUTLINE + FRAME;
                int iy = y + OUTLINE + FRAME;
                int base = (int) (b * pbPages);
                byte[] cells = z.cells();
                for (int i = 0; i < pbPages; i++) {
                    fill(px, w, h, ix + (i % g.pbCols) * PAGE_PX, iy + (i / g.pbCols) * PAGE_PX, PAGE_PX, PAGE_PX,
                            rgb(rgb, cells[base + i], f.nrOrders));
                }
            } else {
                fill(px, w, h, x, y, g.tileW, g.tileH, z.pbMixed()[b] ? mixed : rgb(rgb, z.cells()[b], f.nrOrders));
            }
            long pfn = z.firstPbPfn() + b * pbPages;
            if (drawRegions(f, g) && b > 0 && (pfn & ((1L << f.regionShift) - 1)) == 0) {
                g2.setColor(REGION);
                g2.setStroke(new BasicStroke(3));
                int right = MARGIN + g.perRow * g.tileW;
                if (b % g.perRow == 0) {
                    g2.drawLine(MARGIN - 40, y, right, y);
                } else {
                    // a step: above the new region's first row part, down at the tile, under the old region's part
                    g2.drawLine(x, y, right, y);
                    g2.drawLine(x, y, x, y + g.rowH);
                    g2.drawLine(MARGIN, y + g.rowH, x, y + g.rowH);
                }
                g2.drawString("region " + (pfn >> f.regionShift), 4, y + 12);
                g2.setStroke(new BasicStroke(1));
            }
        }
    }

    private static int rgb(int[] cache, byte code, int nrOrders) {
        int c = cache[code & 0xff];
        return c >= 0 ? c : (cache[code & 0xff] = colour(code, nrOrders).getRGB() & 0xffffff);
    }

    /** Fills a rectangle of a TYPE_INT_RGB raster {@code px} ({@code width} × {@code height}), clipped. */
    private static void fill(int[] px, int width, int height, int x, int y, int w, int h, int rgb) {
        int x1 = Math.min(x + w, width);
        for (int j = y, y1 = Math.min(y + h, height); j < y1; j++) {
            int row = j * width;
            for (int i = x; i < x1; i++) {
                px[row + i] = rgb;
            }
        }
    }

    static Color typeColour(int mt) {
        return mt >= 0 && mt < TYPE.length ? TYPE[mt] : UNKNOWN;
    }

    /** A pale tint of a migratetype's colour: allocated pages whose own migratetype the trace did not tell. */
    static Color pale(int mt) {
        return mix(typeColour(mt), Color.WHITE, 0.62);
    }

    /** Free pages: light (order 0) to dark green (the highest order). */
    static Color freeColour(int order, int nrOrders) {
        return mix(FREE_LOW, FREE_HIGH, nrOrders <= 1 ? 1 : order / (double) (nrOrders - 1));
    }

    static Color colour(byte code, int nrOrders) {
        if (code == PfnFrame.HOLE) {
            return HOLE;
        } else if (code == PfnFrame.UNKNOWN) {
            return UNKNOWN;
        } else if (code == PfnFrame.PCP) {
            return PCP;
        } else if (code == PfnFrame.TAKEN) {
            return TAKEN;
        } else if (code >= PfnFrame.FREE && code < PfnFrame.ALLOC) {
            return freeColour(code - PfnFrame.FREE, nrOrders);
        } else if (code >= PfnFrame.ALLOC && code < PfnFrame.UNTAGGED) {
            return typeColour(code - PfnFrame.ALLOC);
        } else if (code >= PfnFrame.UNTAGGED && code < PfnFrame.PB_FREE) {
            return pale(code - PfnFrame.UNTAGGED);
        } else if (code == PfnFrame.PB_FREE) {
            return freeColour(nrOrders - 1, nrOrders);
        } else if (code >= PfnFrame.PB_USED && code < PfnFrame.PB_PARTLY_FREE) {
            return typeColour(code - PfnFrame.PB_USED);
        } else if (code >= PfnFrame.PB_PARTLY_FREE) {
            return mix(pale(code - PfnFrame.PB_PARTLY_FREE), FREE_LOW, 0.5);
        }
        return UNKNOWN;
    }

    private static Color mix(Color a, Color b, double t) {
        return new Color((int) Math.round(a.getRed() + (b.getRed() - a.getRed()) * t),
                (int) Math.round(a.getGreen() + (b.getGreen() - a.getGreen()) * t),
                (int) Math.round(a.getBlue() + (b.getBlue() - a.getBlue()) * t));
    }

    private static String size(long pages) {
        long kib = pages * 4;
        return kib >= (1L << 20) ? String.format(Locale.ROOT, "%.1f GiB", kib / 1048576.0)
                : String.format(Locale.ROOT, "%d MiB", kib >> 10);
    }

    /** The legend: what every colour means in this frame's layout. */
    private static void legend(Graphics2D g2, PfnFrame f, int x0, int y0, int w) {
        g2.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        FontMetrics fm = g2.getFontMetrics();
        int[] pos = {x0, y0};
        if (f.perPage) {
            // free: a gradient over the orders
            g2.setColor(Color.BLACK);
            g2.drawString("free, order 0", pos[0], pos[1] + 11);
            pos[0] += fm.stringWidth("free, order 0") + 4;
            for (int o = 0; o < f.nrOrders; o++) {
                g2.setColor(freeColour(o, f.nrOrders));
                g2.fillRect(pos[0] + o * 10, pos[1], 10, 12);
            }
            pos[0] += f.nrOrders * 10 + 4;
            g2.setColor(Color.BLACK);
            String hi = (f.nrOrders - 1) + "";
            g2.drawString(hi, pos[0], pos[1] + 11);
            pos[0] += fm.stringWidth(hi) + 18;
            item(g2, pos, x0, w, PCP, "on a per-CPU list");
            item(g2, pos, x0, w, TAKEN, "isolated / taken, not yet allocated");
            for (int mt = 0; mt < 4; mt++) {
                item(g2, pos, x0, w, TYPE[mt], "allocated " + PfnFrame.typeName(mt).toLowerCase(Locale.ROOT));
            }
            newLine(pos, x0);
            for (int mt = 0; mt < 3; mt++) {
                item(g2, pos, x0, w, pale(mt), "allocated, untraced, in " + PfnFrame.typeName(mt).toLowerCase(Locale.ROOT)
                        + " block");
            }
            item(g2, pos, x0, w, UNKNOWN, "unknown");
            item(g2, pos, x0, w, HOLE, "outside the zone");
            newLine(pos, x0);
            g2.setColor(Color.BLACK);
            g2.drawString("pageblock frame:", pos[0], pos[1] + 11);
            pos[0] += fm.stringWidth("pageblock frame:") + 8;
            for (int mt = 0; mt < TYPE.length; mt++) {
                item(g2, pos, x0, w, TYPE[mt], PfnFrame.typeName(mt));
            }
            item(g2, pos, x0, w, MIXED, "outline: mixed (holds pages allocated for another type)");
        } else {
            item(g2, pos, x0, w, freeColour(f.nrOrders - 1, f.nrOrders), "pageblock free");
            for (int mt = 0; mt < TYPE.length; mt++) {
                item(g2, pos, x0, w, TYPE[mt], PfnFrame.typeName(mt) + " pageblock, mostly allocated");
            }
            newLine(pos, x0);
            for (int mt = 0; mt < 3; mt++) {
                item(g2, pos, x0, w, colour((byte) (PfnFrame.PB_PARTLY_FREE + mt), f.nrOrders),
                        PfnFrame.typeName(mt) + ", more than half free");
            }
            item(g2, pos, x0, w, MIXED, "mixed (pages allocated for another type)");
            item(g2, pos, x0, w, UNKNOWN, "mostly unknown");
            newLine(pos, x0);
            g2.setColor(Color.BLACK);
            g2.drawString("one cell per pageblock (2^" + f.pageblockOrder + " pages)", pos[0], pos[1] + 11);
        }
        if (regionBoundaries(f)) {
            newLine(pos, x0);
            g2.setColor(Color.BLACK);
            g2.drawString("dark lines: memory-region boundaries (" + size(1L << f.regionShift) + " regions)", pos[0],
                    pos[1] + 11);
        } else if (f.regionShift > f.pageblockOrder && !drawRegions(f, grid(f))) {
            newLine(pos, x0);
            g2.setColor(Color.BLACK);
            g2.drawString("memory regions (" + size(1L << f.regionShift) + ") not drawn: fewer than "
                    + REGION_MIN_ROWS + " rows each at this scale", pos[0], pos[1] + 11);
        }
    }

    /** Regions are drawn when each spans at least {@link #REGION_MIN_ROWS} rows (else the lines would hide the map). */
    static final int REGION_MIN_ROWS = 4;

    private static boolean drawRegions(PfnFrame f, Grid g) {
        return f.regionShift > f.pageblockOrder
                && (1L << (f.regionShift - f.pageblockOrder)) >= (long) REGION_MIN_ROWS * g.perRow;
    }

    /** Whether a memory-region boundary falls inside some zone's pageblocks (drawn, so explained). */
    private static boolean regionBoundaries(PfnFrame f) {
        if (!drawRegions(f, grid(f))) {
            return false;
        }
        long region = 1L << f.regionShift;
        for (PfnFrame.ZoneCells z : f.zones) {
            long first = z.firstPbPfn() + (1L << f.pageblockOrder);
            long end = z.firstPbPfn() + ((long) z.pageblocks() << f.pageblockOrder);
            if (((first + region - 1) & -region) < end) {
                return true;
            }
        }
        return false;
    }

    private static void item(Graphics2D g2, int[] pos, int x0, int w, Color c, String text) {
        FontMetrics fm = g2.getFontMetrics();
        int need = 18 + fm.stringWidth(text) + 16;
        if (pos[0] + need > x0 + w) {
            newLine(pos, x0);
        }
        g2.setColor(c);
        g2.fillRect(pos[0], pos[1], 14, 12);
        g2.setColor(new Color(0x888888));
        g2.drawRect(pos[0], pos[1], 14, 12);
        g2.setColor(Color.BLACK);
        g2.drawString(text, pos[0] + 18, pos[1] + 11);
        pos[0] += need;
    }

    private static void newLine(int[] pos, int x0) {
        pos[0] = x0;
        pos[1] += 20;
    }
}
