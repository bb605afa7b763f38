package io.caravan.telegram.chart;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * A deal's evidence (its price history and the context line it supports) and its chart, rendered at most once per
 * deal into {@code telegram_charts}, whatever the number of chats that get it; Delivery uploads it from there.
 */
public class DealCharts {

    /** A product's history up to a moment, and the strongest statement it supports (null: none). */
    public record Evidence(PriceSeries series, PriceContext.Statement context) {
    }

    private final JdbcTemplate jdbc;
    private final PriceHistoryStore history;
    private final Duration window;
    private final int chartDays;
    private final int minPoints;
    private final ZoneId zone;
    private final Timer renderTime;
    private final DistributionSummary size;

    public DealCharts(JdbcTemplate jdbc, int chartDays, int minPoints, ZoneId zone, MeterRegistry meters) {
        this.jdbc = jdbc;
        this.history = new PriceHistoryStore(jdbc);
        this.chartDays = chartDays;
        this.window = Duration.ofDays(chartDays);
        this.minPoints = minPoints;
        this.zone = zone;
        this.renderTime = Timer.builder("caravan.telegram.chart.render").description("Rendering one price-history chart (PNG)")
                .publishPercentiles(0.5, 0.99).register(meters);
        this.size = DistributionSummary.builder("caravan.telegram.chart.bytes").baseUnit("bytes")
                .description("Size of a rendered price-history chart").register(meters);
    }

    public Evidence evidence(String asin, String marketplace, Instant now, BigDecimal price) {
        // The median window (30 days) lies inside the chart's, so one read serves both.
        PriceSeries series = history.load(asin, marketplace, now, window);
        return new Evidence(series, PriceContext.of(series, now, price, chartDays).orElse(null));
    }

    /** What {@code series} supports about {@code price}, judged as of {@code at} (rows from then on are not evidence). */
    public PriceContext.Statement context(PriceSeries series, Instant at, BigDecimal price) {
        return PriceContext.of(series, at, price, chartDays).orElse(null);
    }

    /** Whether the series has enough prices for a chart worth showing. */
    public boolean chartable(PriceSeries series) {
        return series.prices() >= minPoints;
    }

    public int minPoints() {
        return minPoints;
    }

    /** The chart as a PNG, measured (the bot's /history renders without storing). */
    public byte[] render(String title, PriceSeries series, Instant now, BigDecimal price, BigDecimal reference, String currency) {
        long start = System.nanoTime();
        byte[] png = PriceChart.png(ChartData.of(title, series, window, now, price, reference, zone, currency));
        renderTime.record(Duration.ofNanos(System.nanoTime() - start));
        size.record(png.length);
        return png;
    }

    /**
     * Renders and stores the deal's chart unless it is stored already (a retried event renders nothing twice). Runs
     * in the deal event's transaction, so the chart is committed with the messages that need it.
     *
     * @return the chart's id (telegram_charts), for the messages' payloads
     */
    public long renderOnce(long dealId, String title, PriceSeries series, Instant now, BigDecimal price, BigDecimal reference,
                           String currency) {
        Long stored = jdbc.query("SELECT id FROM telegram_charts WHERE deal_id = ?", rs -> rs.next() ? rs.getLong(1) : null, dealId);
        if (stored != null) {
            return stored;
        }
        return store(dealId, title, series, now, price, reference, currency);
    }

    /** Renders and stores a chart that belongs to no deal (a bot reply's); @return its id */
    public long renderForReply(String title, PriceSeries series, Instant now, BigDecimal price, BigDecimal reference, String currency) {
        return store(null, title, series, now, price, reference, currency);
    }

    private long store(Long dealId, String title, PriceSeries series, Instant now, BigDecimal price, BigDecimal reference,
                       String currency) {
        long start = System.nanoTime();
        byte[] png = render(title, series, now, price, reference, currency);
        return jdbc.queryForObject("INSERT INTO telegram_charts (deal_id, png, render_ms) VALUES (?, ?, ?) RETURNING id",
                Long.class, dealId, png, (int) Duration.ofNanos(System.nanoTime() - start).toMillis());
    }
}
