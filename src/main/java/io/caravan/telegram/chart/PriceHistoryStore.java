package io.caravan.telegram.chart;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.springframework.jdbc.core.JdbcTemplate;

/** Reads a product's {@link PriceSeries} from {@code price_history} (and when it was first seen, from {@code products}); a row out of stock or unavailable counts as a gap, as in PriceWrite.available. */
public class PriceHistoryStore {

    private final JdbcTemplate jdbc;

    public PriceHistoryStore(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * The rows of the last {@code days} up to {@code now}, plus the last row before them (the price standing when the
     * window opens). An unknown product gives an empty series with no tracking start.
     */
    public PriceSeries load(String asin, String marketplace, Instant now, Duration window) {
        Timestamp from = Timestamp.from(now.minus(window));
        Timestamp to = Timestamp.from(now);
        List<PriceSeries.Point> points = jdbc.query("""
                        (SELECT observed_at, CASE WHEN availability IS NULL OR availability NOT IN ('OUT_OF_STOCK', 'UNAVAILABLE') THEN price END AS price
                         FROM price_history WHERE asin = ? AND marketplace = ? AND observed_at < ?
                         ORDER BY observed_at DESC LIMIT 1)
                        UNION ALL
                        (SELECT observed_at, CASE WHEN availability IS NULL OR availability NOT IN ('OUT_OF_STOCK', 'UNAVAILABLE') THEN price END
                         FROM price_history WHERE asin = ? AND marketplace = ? AND observed_at >= ? AND observed_at <= ?)""",
                (rs, n) -> new PriceSeries.Point(rs.getTimestamp(1).toInstant(), rs.getBigDecimal(2)),
                asin, marketplace, from, asin, marketplace, from, to);
        Instant trackedSince = jdbc.query("SELECT created_at FROM products WHERE asin = ? AND marketplace = ?",
                rs -> rs.next() ? rs.getTimestamp(1).toInstant() : null, asin, marketplace);
        return new PriceSeries(points, trackedSince);
    }
}
