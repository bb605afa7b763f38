package io.caravan.telegram.chart;

import io.caravan.deals.DealRules;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The one line of context a deal post gains: the strongest statement its price history supports, or none.
 * <ol>
 * <li>{@link Kind#LOWEST_SINCE_TRACKING}: below every price since the hub began tracking the product, the whole time
 *     known (nothing pruned, no gap) and inside the chart's window;</li>
 * <li>{@link Kind#LOWEST_IN_DAYS}: below every price of the last N days, N the days of unbroken known history back
 *     from the deal, capped at the chart's days;</li>
 * <li>{@link Kind#MATCHES_LOW}: equal to the lowest of those N days (a tie is not "the lowest");</li>
 * <li>{@link Kind#BELOW_MEDIAN}: X % under the time-weighted median of the last 30 days, only when the known history
 *     covers all 30 of them.</li>
 * </ol>
 * Fewer than {@link #MIN_DAYS} days of known history support no claim at all ("lowest in 2 days" says nothing). A gap
 * (a row without a price: no offer or out of stock) ends the known history: what the price was then is not known.
 */
public final class PriceContext {

    /** Less history than this supports no statement. */
    public static final int MIN_DAYS = 7;
    static final int MEDIAN_DAYS = 30;
    private static final BigDecimal HUNDRED = BigDecimal.valueOf(100);

    public enum Kind { LOWEST_SINCE_TRACKING, LOWEST_IN_DAYS, MATCHES_LOW, BELOW_MEDIAN }

    /** @param value days for the first three kinds, whole percent for BELOW_MEDIAN */
    public record Statement(Kind kind, long value) {
    }

    private PriceContext() {
    }

    public static Optional<Statement> of(PriceSeries series, Instant now, BigDecimal price, int chartDays) {
        if (price == null) {
            return Optional.empty();
        }
        Instant windowStart = now.minus(Duration.ofDays(chartDays));
        List<PriceSeries.Point> before = series.before(now);
        // Walk back from the deal to the first gap or the window's start: the known stretch of history.
        List<PriceSeries.Point> known = new ArrayList<>();
        Instant start = null;
        boolean clipped = false;
        for (int i = before.size() - 1; i >= 0; i--) {
            PriceSeries.Point point = before.get(i);
            if (point.price() == null) {
                break;
            }
            known.add(0, point);
            if (!point.at().isAfter(windowStart)) {
                start = windowStart;
                clipped = true;
                break;
            }
            start = point.at();
        }
        if (start == null) {
            return Optional.empty();
        }
        long days = Duration.between(start, now).toDays();
        if (days < MIN_DAYS) {
            return Optional.empty();
        }
        BigDecimal low = known.stream().map(PriceSeries.Point::price).min(BigDecimal::compareTo).orElseThrow();
        int versusLow = price.compareTo(low);
        if (versusLow < 0) {
            boolean wholeHistory = !clipped && known.size() == before.size() && series.trackedSince() != null
                    && !known.get(0).at().isAfter(series.trackedSince().plus(Duration.ofDays(1)));
            return Optional.of(new Statement(wholeHistory ? Kind.LOWEST_SINCE_TRACKING : Kind.LOWEST_IN_DAYS, days));
        }
        if (versusLow == 0) {
            return Optional.of(new Statement(Kind.MATCHES_LOW, days));
        }
        if (days >= MEDIAN_DAYS) {
            List<DealRules.Observation> observations = known.stream()
                    .map(p -> new DealRules.Observation(p.at(), p.price(), true)).toList();
            BigDecimal median = DealRules.weightedMedian(observations, now.minus(Duration.ofDays(MEDIAN_DAYS)), now);
            if (median != null && price.compareTo(median) < 0) {
                long percent = median.subtract(price).multiply(HUNDRED).divide(median, 0, RoundingMode.DOWN).longValueExact();
                if (percent >= 1) {
                    return Optional.of(new Statement(Kind.BELOW_MEDIAN, percent));
                }
            }
        }
        return Optional.empty();
    }
}
