package io.caravan.telegram.chart;

import com.pngencoder.PngEncoder;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.font.LineBreakMeasurer;
import java.awt.font.TextLayout;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.math.BigDecimal;
import java.text.SimpleDateFormat;
import java.util.Date;
import java.util.TimeZone;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.annotations.XYShapeAnnotation;
import org.jfree.chart.annotations.XYTextAnnotation;
import org.jfree.chart.axis.DateAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYStepRenderer;
import org.jfree.chart.ui.RectangleAnchor;
import org.jfree.chart.ui.RectangleInsets;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * Renders {@link ChartData} as a PNG with JFreeChart in headless Java2D: the price as a step line (each price stands
 * until the next change, which is what price_history records), the reference price dashed, the deal's price marked,
 * lowest and highest labelled. Sized and lettered for a phone: 1000×600, 22-30 px type. Words are kept out of the
 * picture (dates as dd.MM, "min"/"max", prices with the currency code) because one chart serves every reader of a
 * deal, English and Turkish alike; the title is the product's own, in whatever script it is written.
 */
public final class PriceChart {

    public static final int WIDTH = 1000;
    public static final int HEIGHT = 600;
    private static final int HEADER = 64;
    private static final Color LINE = new Color(0x1f, 0x6f, 0xd1);
    private static final Color DEAL = new Color(0xd1, 0x2f, 0x2f);
    private static final Color MUTED = new Color(0x55, 0x5f, 0x6b);

    static {
        System.setProperty("java.awt.headless", "true");
    }

    private PriceChart() {
    }

    public static byte[] png(ChartData data) {
        BufferedImage image = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, WIDTH, HEIGHT);
            title(g, data.title());
            chart(data).draw(g, new Rectangle2D.Double(0, HEADER, WIDTH, HEIGHT - HEADER));
        } finally {
            g.dispose();
        }
        // pngencoder, not ImageIO: ImageIO's writer picks a filter per row by trying all five, which made the PNG
        // encoding three quarters of a chart's CPU (about 20 of 26 ms); unfiltered rows at zlib level 6 encode these
        // flat-coloured charts in about 8 ms and come out a little smaller (31 against 34 KB). Single-threaded: the
        // outbox workers already render deals side by side, and the encoder's own pool would only compete with them.
        return new PngEncoder().withBufferedImage(image).withCompressionLevel(6)
                .withMultiThreadedCompressionEnabled(false).withPredictorEncoding(false).toBytes();
    }

    /** One line of the product's title, cut to fit, laid out with bidi and per-script fonts. */
    private static void title(Graphics2D g, String title) {
        String text = title == null ? "" : title.strip();
        if (text.isEmpty()) {
            return;
        }
        LineBreakMeasurer measurer = new LineBreakMeasurer(ChartFonts.mixed(text, ChartFonts.BOLD, 28f).getIterator(),
                g.getFontRenderContext());
        TextLayout line = measurer.nextLayout(WIDTH - 48);
        g.setColor(Color.BLACK);
        line.draw(g, 24, 20 + line.getAscent());
    }

    private static JFreeChart chart(ChartData data) {
        XYSeries series = new XYSeries("price", false, true);
        for (var step : data.steps()) {
            series.add(step.at().toEpochMilli(), step.price() == null ? null : step.price().doubleValue());
        }
        Font tick = ChartFonts.REGULAR.deriveFont(22f);
        Font label = ChartFonts.BOLD.deriveFont(24f);

        DateAxis time = new DateAxis();
        TimeZone zone = TimeZone.getTimeZone(data.zone());
        time.setTimeZone(zone);
        SimpleDateFormat format = new SimpleDateFormat("dd.MM");
        format.setTimeZone(zone);
        time.setDateFormatOverride(format);
        time.setRange(new Date(data.from().toEpochMilli()), new Date(data.to().toEpochMilli()));
        time.setTickLabelFont(tick);

        NumberAxis money = new NumberAxis(data.currency());
        money.setAutoRangeIncludesZero(false);
        money.setLabelFont(tick);
        money.setTickLabelFont(tick);
        double low = data.lowest().price().doubleValue();
        double high = Math.max(data.highest().price().doubleValue(),
                data.reference() == null ? 0 : data.reference().doubleValue());
        double pad = Math.max(1, (high - low) * 0.18);
        money.setRange(low - pad, high + pad);

        XYStepRenderer renderer = new XYStepRenderer();
        renderer.setSeriesPaint(0, LINE);
        renderer.setSeriesStroke(0, new BasicStroke(4f));
        XYPlot plot = new XYPlot(new XYSeriesCollection(series), time, money, renderer);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(new Color(0xdd, 0xdd, 0xdd));
        plot.setRangeGridlinePaint(new Color(0xdd, 0xdd, 0xdd));
        plot.setAxisOffset(RectangleInsets.ZERO_INSETS);

        if (data.reference() != null) {
            ValueMarker reference = new ValueMarker(data.reference().doubleValue(), MUTED,
                    new BasicStroke(3f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {14f, 10f}, 0f));
            reference.setLabel(price(data.reference(), data.currency()));
            reference.setLabelFont(tick);
            reference.setLabelPaint(MUTED);
            reference.setLabelBackgroundColor(new Color(255, 255, 255, 220));
            reference.setLabelAnchor(RectangleAnchor.TOP_LEFT);
            reference.setLabelTextAnchor(TextAnchor.BOTTOM_LEFT);
            plot.addRangeMarker(reference);
        }
        double x = data.deal().at().toEpochMilli();
        double y = data.deal().price().doubleValue();
        double xSpan = data.to().toEpochMilli() - data.from().toEpochMilli();
        double ySpan = (high + pad) - (low - pad);
        double rx = xSpan * 0.009;
        double ry = ySpan * 0.015;
        plot.addAnnotation(new XYShapeAnnotation(new Ellipse2D.Double(x - rx, y - ry, 2 * rx, 2 * ry), new BasicStroke(2f), DEAL, DEAL));
        plot.addAnnotation(text(price(data.deal().price(), data.currency()), label, DEAL, x - 2 * rx, y - ry, TextAnchor.TOP_RIGHT));
        if (data.lowest() != data.deal() && data.lowest().price().compareTo(data.deal().price()) != 0) {
            plot.addAnnotation(text("min " + price(data.lowest().price(), data.currency()), tick, Color.BLACK,
                    data.lowest().at().toEpochMilli(), data.lowest().price().doubleValue() - ry, TextAnchor.TOP_LEFT));
        }
        if (data.highest().price().compareTo(data.lowest().price()) != 0) {
            plot.addAnnotation(text("max " + price(data.highest().price(), data.currency()), tick, Color.BLACK,
                    data.highest().at().toEpochMilli(), data.highest().price().doubleValue() + ry, TextAnchor.BOTTOM_LEFT));
        }
        JFreeChart chart = new JFreeChart(null, null, plot, false);
        chart.setBackgroundPaint(Color.WHITE);
        chart.setPadding(new RectangleInsets(4, 16, 16, 24));
        return chart;
    }

    private static XYTextAnnotation text(String text, Font font, Color color, double x, double y, TextAnchor anchor) {
        XYTextAnnotation annotation = new XYTextAnnotation(text, x, y);
        annotation.setFont(font);
        annotation.setPaint(color);
        annotation.setTextAnchor(anchor);
        return annotation;
    }

    private static String price(BigDecimal price, String currency) {
        return price.setScale(2, java.math.RoundingMode.HALF_UP).toPlainString() + suffix(currency);
    }

    private static String suffix(String currency) {
        return currency == null || currency.isBlank() ? "" : " " + currency;
    }
}
