package io.caravan.telegram.chart;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;

/**
 * What a deal's chart shows, computed from its {@link PriceSeries} and nothing else, so a test can assert it exactly.
 *
 * @param steps     the price line, oldest first: each price stands until the next step; null price = a gap. The first
 *                  step starts at {@code from} when the history began earlier (it carries the price standing then)
 * @param from      the window's start: {@code now} minus the chart's days
 * @param to        the deal's observation time; the line ends there at the deal's price
 * @param reference the deal's reference price (the dashed line)
 * @param deal      the deal's price at {@code to} (the marked point)
 * @param lowest    the first time the lowest price of the window was seen (the deal itself included)
 * @param highest   the first time the highest price of the window was seen
 */
public record ChartData(String title, List<PriceSeries.Point> steps, Instant from, Instant to, BigDecimal reference,
                        PriceSeries.Point deal, PriceSeries.Point lowest, PriceSeries.Point highest, ZoneId zone,
                        String currency) {

    public static ChartData of(String title, PriceSeries series, Duration window, Instant now, BigDecimal price,
                               BigDecimal reference, ZoneId zone, String currency) {
        Instant from = now.minus(window);
        List<PriceSeries.Point> steps = new ArrayList<>();
        for (PriceSeries.Point point : series.before(now)) {
            if (point.at().isBefore(from)) {
                steps.clear(); // only the last one before the window counts: it is the price when the window opens
                steps.add(new PriceSeries.Point(from, point.price()));
            } else {
                steps.add(point);
            }
        }
        PriceSeries.Point deal = new PriceSeries.Point(now, price);
        steps.add(deal);
        PriceSeries.Point lowest = null;
        PriceSeries.Point highest = null;
        for (PriceSeries.Point step : steps) {
            if (step.price() == null) {
                continue;
            }
            if (lowest == null || step.price().compareTo(lowest.price()) < 0) {
                lowest = step;
            }
            if (highest == null || step.price().compareTo(highest.price()) > 0) {
                highest = step;
            }
        }
        return new ChartData(title, List.copyOf(steps), from, now, reference, deal, lowest, highest, zone, currency);
    }
}
