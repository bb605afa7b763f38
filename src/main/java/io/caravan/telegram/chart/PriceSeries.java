package io.caravan.telegram.chart;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;

/**
 * A product's {@code price_history} as the chart and the context line read it: one row per change, each standing
 * until the next. A row without a price (no offer, out of stock) is a gap: the hub does not know a price for that
 * time, so nothing is claimed about it.
 *
 * @param points       oldest first; the first may be older than the chart's window (it is the price at the window's start)
 * @param trackedSince when the hub started tracking the product ({@code products.created_at}); when history older
 *                     than the retention was pruned, the first point is later than this
 */
public record PriceSeries(List<Point> points, Instant trackedSince) {

    /** @param price null when the product had no offer or was out of stock from {@code at} on */
    public record Point(Instant at, BigDecimal price) {
    }

    public PriceSeries {
        points = points.stream().sorted(Comparator.comparing(Point::at)).toList();
    }

    /** How many known prices the series holds (gaps not counted): {@code caravan.telegram.chart.min-points} compares this. */
    public long prices() {
        return points.stream().filter(p -> p.price() != null).count();
    }

    /** The points before {@code now} (the deal's own observation is what is judged, not evidence). */
    public List<Point> before(Instant now) {
        return points.stream().filter(p -> p.at().isBefore(now)).toList();
    }
}
