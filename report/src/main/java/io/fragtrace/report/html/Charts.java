package io.fragtrace.report.html;

import org.knowm.xchart.AnnotationLine;
import org.knowm.xchart.AnnotationText;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.HeatMapChart;
import org.knowm.xchart.HeatMapChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.AxesChartStyler;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.util.List;

/** XChart charts in one house style, sized for slides (1600×900 PNG), with trace markers on the time axis. */
public final class Charts {
    public static final int WIDTH = 1600;
    public static final int HEIGHT = 900;
    /** Run A and run B of a diff, always these colours. */
    public static final Color A = new Color(0x1f, 0x77, 0xb4);
    public static final Color B = new Color(0xe6, 0x55, 0x0d);
    /** The THP (pageblock) order stands out in this colour. */
    public static final Color THP = new Color(0xd6, 0x27, 0x28);
    public static final Color[] PALETTE = {
        new Color(0x1f, 0x77, 0xb4), new Color(0xff, 0x7f, 0x0e), new Color(0x2c, 0xa0, 0x2c),
        new Color(0x94, 0x67, 0xbd), new Color(0x8c, 0x56, 0x4b), new Color(0xe3, 0x77, 0xc2),
        new Color(0x7f, 0x7f, 0x7f), new Color(0xbc, 0xbd, 0x22), new Color(0x17, 0xbe, 0xcf),
        new Color(0x39, 0x3b, 0x79), new Color(0x30, 0x30, 0x30)};

    static {
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
    }

    private Charts() {
    }

    public static XYChart xy(String title, String xTitle, String yTitle) {
        XYChart c = new XYChartBuilder().width(WIDTH).height(HEIGHT).title(title).xAxisTitle(xTitle)
                .yAxisTitle(yTitle).build();
        style(c.getStyler());
        c.getStyler().setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
        c.getStyler().setMarkerSize(0);
        c.getStyler().setXAxisDecimalPattern("0.###");
        c.getStyler().setYAxisDecimalPattern("#,##0.###");
        return c;
    }

    public static CategoryChart category(String title, String xTitle, String yTitle) {
        CategoryChart c = new CategoryChartBuilder().width(WIDTH).height(HEIGHT).title(title).xAxisTitle(xTitle)
                .yAxisTitle(yTitle).build();
        style(c.getStyler());
        c.getStyler().setSeriesColors(PALETTE);
        return c;
    }

    public static HeatMapChart heatMap(String title, String xTitle, String yTitle) {
        HeatMapChart c = new HeatMapChartBuilder().width(WIDTH).height(HEIGHT).title(title).xAxisTitle(xTitle)
                .yAxisTitle(yTitle).build();
        style(c.getStyler());
        c.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
        c.getStyler().setRangeColors(new Color[] {new Color(0xf7, 0xfb, 0xff), new Color(0x6b, 0xae, 0xd6),
            new Color(0x08, 0x30, 0x6b)});
        c.getStyler().setShowValue(false);
        c.getStyler().setDrawBorder(false);
        return c;
    }

    private static void style(AxesChartStyler s) {
        s.setChartBackgroundColor(Color.WHITE);
        s.setPlotBackgroundColor(Color.WHITE);
        s.setPlotBorderColor(new Color(0xbb, 0xbb, 0xbb));
        s.setPlotGridLinesColor(new Color(0xe4, 0xe4, 0xe4));
        s.setChartTitleFont(new Font(Font.SANS_SERIF, Font.BOLD, 30));
        s.setAxisTitleFont(new Font(Font.SANS_SERIF, Font.PLAIN, 22));
        s.setAxisTickLabelsFont(new Font(Font.SANS_SERIF, Font.PLAIN, 18));
        s.setLegendFont(new Font(Font.SANS_SERIF, Font.PLAIN, 18));
        s.setLegendPosition(Styler.LegendPosition.OutsideE);
        s.setLegendBorderColor(Color.WHITE);
        s.setChartTitleBoxVisible(false);
        s.setChartPadding(16);
        s.setAntiAlias(true);
        s.setAnnotationLineColor(new Color(0x9a, 0x9a, 0x9a));
        s.setAnnotationLineStroke(new BasicStroke(1f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f,
                new float[] {6f, 5f}, 0f));
        s.setAnnotationTextFont(new Font(Font.SANS_SERIF, Font.PLAIN, 14));
        s.setAnnotationTextFontColor(new Color(0x33, 0x33, 0x33));
    }

    /** A line series; NaN y values break the line. */
    public static XYSeries line(XYChart c, String name, double[] x, double[] y, Color color, float width) {
        XYSeries s = c.addSeries(name, x, y);
        s.setMarker(SeriesMarkers.NONE);
        s.setLineColor(color);
        s.setLineWidth(width);
        return s;
    }

    /** A dashed line series. */
    public static XYSeries dashed(XYChart c, String name, double[] x, double[] y, Color color, float width) {
        XYSeries s = line(c, name, x, y, color, width);
        s.setLineStyle(new BasicStroke(width, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 10f,
                new float[] {12f, 8f}, 0f));
        return s;
    }

    /** Points only. */
    public static XYSeries points(XYChart c, String name, double[] x, double[] y, Color color, int size) {
        XYSeries s = c.addSeries(name, x, y);
        s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
        s.setMarker(SeriesMarkers.CIRCLE);
        s.setMarkerColor(color);
        c.getStyler().setMarkerSize(size);
        return s;
    }

    /** Rows of marker numbers above the data, so that close markers do not print over each other. */
    public static final int MARKER_ROWS = 3;

    /**
     * Trace markers as dashed vertical lines, numbered 1..n above the data (the report lists the numbers with their
     * text). The y axis is set to [yLo, yHi + headroom]; a number that would overlap the previous one in every row
     * is left out (its line is still drawn).
     *
     * @param span the x range (seconds) the chart shows, to keep labels apart
     */
    public static void markers(XYChart c, List<Double> times, double span, double yLo, double yHi) {
        double h = yHi - yLo <= 0 ? 1 : yHi - yLo;
        c.getStyler().setYAxisMin(yLo);
        c.getStyler().setYAxisMax(times.isEmpty() ? yHi + 0.04 * h : yHi + 0.08 * h + MARKER_ROWS * 0.055 * h);
        if (!times.isEmpty()) {
            // no tick labels in the band of marker numbers above the data
            java.text.DecimalFormat fmt = new java.text.DecimalFormat("#,##0.###",
                    java.text.DecimalFormatSymbols.getInstance(java.util.Locale.ROOT));
            double limit = yHi + 0.04 * h;
            // XChart loops forever on equal tick labels: each hidden label is a different number of spaces
            java.util.Map<Double, String> hidden = new java.util.HashMap<>();
            c.getStyler().setyAxisTickLabelsFormattingFunction(v -> v > limit
                    ? hidden.computeIfAbsent(v, k -> " ".repeat(hidden.size() + 1)) : fmt.format(v));
        }
        double[] lastX = new double[MARKER_ROWS];
        java.util.Arrays.fill(lastX, Double.NEGATIVE_INFINITY);
        double gap = Math.max(span, 1e-9) * 0.018;
        for (int i = 0; i < times.size(); i++) {
            double x = times.get(i);
            c.addAnnotation(new AnnotationLine(x, true, false));
            for (int r = 0; r < MARKER_ROWS; r++) {
                if (x - lastX[r] >= gap) {
                    lastX[r] = x;
                    c.addAnnotation(new AnnotationText(Integer.toString(i + 1), x,
                            yHi + 0.08 * h + (MARKER_ROWS - 1 - r + 0.5) * 0.055 * h, false));
                    break;
                }
            }
        }
    }

    /** The chart as a PNG. */
    public static byte[] png(Chart<?, ?> c) {
        return Png.encode(BitmapEncoder.getBufferedImage(c));
    }
}
