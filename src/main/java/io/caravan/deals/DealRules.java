package io.caravan.deals;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Decides whether a freshly observed price starts, keeps or ends a deal. Pure: no database, no clock.
 *
 * <h2>Reference price</h2>
 * The time-weighted median of the prices we observed for the product over the reference window (30 days): each
 * observation counts for as long as it stood, so a one-hour blip weighs little against a price that held for weeks.
 * <ul>
 * <li>History covering at least {@code minHistory} (7 days) of the window: the median alone is the reference.
 *     Amazon's savingBasis is ignored — our own observations are better evidence than a "list price".</li>
 * <li>Shorter history: the lower of the median (if any) and Amazon's savingBasis.</li>
 * </ul>
 *
 * <h2>Fake-discount guard</h2>
 * A savingBasis counts only if nothing we observed contradicts it: either we have no history at all, or we saw the
 * product sell at no less than 98% of that savingBasis at some time in the window. A "was 1,500" that we only ever
 * saw at 1,000 is a list price nobody paid, so it is dropped and the deal must stand against our median alone. And
 * a product we saw at a higher price only within the last day before the drop (a price raised just before a
 * "discount") counts that raised price for the hours it stood, which the time-weighted median all but ignores.
 *
 * <h2>Start, end, cooldown</h2>
 * A deal starts when the product is available and {@code price <= reference × (1 − min%/100)}, no deal is active, and
 * the previous deal ended more than {@code repostCooldown} ago. It ends when the price rises above the threshold
 * computed from the deal's own reference ({@code price-rose}) or the offer disappears / goes out of stock
 * ({@code offer-gone}).
 */
public final class DealRules {

    /** A savingBasis is corroborated by an observed price at least this share of it. */
    private static final BigDecimal CORROBORATION = new BigDecimal("0.98");
    private static final BigDecimal HUNDRED = BigDecimal.valueOf(100);

    private final Duration referenceWindow;
    private final Duration minHistory;
    private final Duration repostCooldown;

    public DealRules(Duration referenceWindow, Duration minHistory, Duration repostCooldown) {
        this.referenceWindow = referenceWindow;
        this.minHistory = minHistory;
        this.repostCooldown = repostCooldown;
    }

    public DealRules(DealsProperties settings) {
        this(settings.referenceWindow(), settings.minHistory(), settings.repostCooldown());
    }

    /** A row of price_history: the price (null = no offer) and availability from {@code at} until the next row. */
    public record Observation(Instant at, BigDecimal price, boolean available) {
    }

    /** The product's deal that is active now. */
    public record ActiveDeal(long id, BigDecimal referencePrice, BigDecimal price) {
    }

    /**
     * @param price          observed now; null when Amazon returned no offer
     * @param available      in stock / orderable
     * @param savingBasis    Amazon's "was" price, null when none
     * @param history        our earlier observations (any order), not including this one
     * @param activeDeal     null when none
     * @param lastDealEnded  when the product's last deal ended, null when never
     * @param minDiscountPct the category's minimum, else the global one
     */
    public record Check(BigDecimal price, boolean available, BigDecimal savingBasis, List<Observation> history,
                        ActiveDeal activeDeal, Instant lastDealEnded, BigDecimal minDiscountPct, Instant now) {
    }

    public sealed interface Decision permits NoDeal, Start, Keep, End {
    }

    /** @param why for logs and tests: which rule said no */
    public record NoDeal(String why) implements Decision {
    }

    public record Start(BigDecimal referencePrice, BigDecimal discountPct) implements Decision {
    }

    public record Keep(long dealId) implements Decision {
    }

    /** @param reason {@code price-rose} or {@code offer-gone} */
    public record End(long dealId, String reason) implements Decision {
    }

    public Decision decide(Check check) {
        boolean hasOffer = check.price() != null && check.available();
        if (check.activeDeal() != null) {
            if (!hasOffer) {
                return new End(check.activeDeal().id(), "offer-gone");
            }
            BigDecimal threshold = threshold(check.activeDeal().referencePrice(), check.minDiscountPct());
            return check.price().compareTo(threshold) > 0
                    ? new End(check.activeDeal().id(), "price-rose")
                    : new Keep(check.activeDeal().id());
        }
        if (!hasOffer) {
            return new NoDeal("no offer");
        }
        if (check.lastDealEnded() != null && check.lastDealEnded().plus(repostCooldown).isAfter(check.now())) {
            return new NoDeal("cooldown until " + check.lastDealEnded().plus(repostCooldown));
        }
        BigDecimal reference = reference(check);
        if (reference == null) {
            return new NoDeal("no reference price");
        }
        if (check.price().compareTo(threshold(reference, check.minDiscountPct())) > 0) {
            return new NoDeal("price " + check.price() + " not " + check.minDiscountPct() + "% below reference " + reference);
        }
        return new Start(reference, discountPct(reference, check.price()));
    }

    /** The reference price per the class rules; null when there is none (no history and no savingBasis). */
    public BigDecimal reference(Check check) {
        Instant from = check.now().minus(referenceWindow);
        List<Observation> history = new ArrayList<>(check.history());
        history.sort(Comparator.comparing(Observation::at));
        BigDecimal median = weightedMedian(history, from, check.now());
        Duration covered = history.isEmpty() ? Duration.ZERO
                : Duration.between(history.get(0).at().isBefore(from) ? from : history.get(0).at(), check.now());
        if (median != null && covered.compareTo(minHistory) >= 0) {
            return median;
        }
        BigDecimal basis = check.savingBasis();
        if (basis != null && basis.signum() > 0 && !history.isEmpty()) {
            BigDecimal floor = basis.multiply(CORROBORATION);
            boolean seen = history.stream().filter(o -> o.price() != null && !o.at().isBefore(from.minus(Duration.ofDays(1))))
                    .anyMatch(o -> o.price().compareTo(floor) >= 0);
            if (!seen) {
                basis = null;
            }
        }
        if (median == null) {
            return basis == null || basis.signum() <= 0 ? null : basis;
        }
        return basis == null || basis.signum() <= 0 ? median : median.min(basis);
    }

    /** Median of available prices, each weighted by how long it stood inside [from, now]. */
    public static BigDecimal weightedMedian(List<Observation> sortedHistory, Instant from, Instant now) {
        record Span(BigDecimal price, long seconds) {
        }
        List<Span> spans = new ArrayList<>();
        for (int i = 0; i < sortedHistory.size(); i++) {
            Observation o = sortedHistory.get(i);
            Instant end = i + 1 < sortedHistory.size() ? sortedHistory.get(i + 1).at() : now;
            Instant start = o.at().isBefore(from) ? from : o.at();
            if (o.price() == null || !o.available() || !end.isAfter(start)) {
                continue;
            }
            spans.add(new Span(o.price(), Math.max(1, Duration.between(start, end).toSeconds())));
        }
        if (spans.isEmpty()) {
            return null;
        }
        spans.sort(Comparator.comparing(Span::price));
        long total = spans.stream().mapToLong(Span::seconds).sum();
        long running = 0;
        for (Span span : spans) {
            running += span.seconds();
            if (running * 2 >= total) {
                return span.price();
            }
        }
        return spans.get(spans.size() - 1).price();
    }

    static BigDecimal threshold(BigDecimal reference, BigDecimal minPct) {
        return reference.multiply(BigDecimal.ONE.subtract(minPct.divide(HUNDRED, 6, RoundingMode.HALF_UP)))
                .setScale(2, RoundingMode.HALF_UP);
    }

    static BigDecimal discountPct(BigDecimal reference, BigDecimal price) {
        return reference.subtract(price).multiply(HUNDRED).divide(reference, 2, RoundingMode.HALF_UP);
    }
}
