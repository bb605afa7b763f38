package io.caravan.deals;

import static org.assertj.core.api.Assertions.assertThat;

import io.caravan.deals.DealRules.ActiveDeal;
import io.caravan.deals.DealRules.Check;
import io.caravan.deals.DealRules.Decision;
import io.caravan.deals.DealRules.End;
import io.caravan.deals.DealRules.Keep;
import io.caravan.deals.DealRules.NoDeal;
import io.caravan.deals.DealRules.Observation;
import io.caravan.deals.DealRules.Start;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Scripted price sequences played through the rules the way the price job does: each check sees the history
 * before it, and a started deal is active for the next checks.
 */
class DealRulesTest {

    private static final Instant T0 = Instant.parse("2026-11-01T00:00:00Z");
    private static final BigDecimal MIN_PCT = new BigDecimal("20");

    private final DealRules rules = new DealRules(Duration.ofDays(30), Duration.ofDays(7), Duration.ofHours(24));

    /** Replays a product: records history on change, tracks the active deal and when the last one ended. */
    private final class Product {
        final List<Observation> history = new ArrayList<>();
        ActiveDeal active;
        Instant lastEnded;
        long nextId = 1;

        Decision see(Instant at, String price, String savingBasis) {
            BigDecimal p = price == null ? null : new BigDecimal(price);
            boolean available = p != null;
            Decision d = rules.decide(new Check(p, available, savingBasis == null ? null : new BigDecimal(savingBasis),
                    List.copyOf(history), active, lastEnded, MIN_PCT, at));
            if (d instanceof Start s) {
                active = new ActiveDeal(nextId++, s.referencePrice(), p);
            } else if (d instanceof End) {
                active = null;
                lastEnded = at;
            }
            Observation last = history.isEmpty() ? null : history.get(history.size() - 1);
            if (last == null || !java.util.Objects.equals(last.price(), p) || last.available() != available) {
                history.add(new Observation(at, p, available));
            }
            return d;
        }
    }

    private static Instant day(double d) {
        return T0.plusSeconds((long) (d * 86400));
    }

    @Test
    void aRealDropAgainstAMonthOfHistoryStartsADealAtTheMedian() {
        Product product = new Product();
        for (int d = 0; d < 20; d++) {
            assertThat(product.see(day(d), d % 2 == 0 ? "1000.00" : "1010.00", null)).isInstanceOf(NoDeal.class);
        }
        Decision drop = product.see(day(20), "790.00", "1500.00");

        assertThat(drop).isInstanceOf(Start.class);
        Start start = (Start) drop;
        assertThat(start.referencePrice()).as("our median, not Amazon's 1500 'list price'").isIn(new BigDecimal("1000.00"), new BigDecimal("1010.00"));
        assertThat(start.discountPct()).isGreaterThanOrEqualTo(new BigDecimal("21.00"));
    }

    @Test
    void aSmallDropIsNoDealEvenIfAmazonClaimsABigSaving() {
        Product product = new Product();
        for (int d = 0; d < 10; d++) {
            product.see(day(d), "1000.00", null);
        }
        assertThat(product.see(day(10), "900.00", "1500.00")).isInstanceOf(NoDeal.class);
    }

    @Test
    void fakeDiscountGuardIgnoresASavingBasisWeNeverSawAsAPrice() {
        Product product = new Product();
        // Two days of history (short): the product always sold at 1000, then Amazon starts claiming "was 1500".
        assertThat(product.see(day(0), "1000.00", null)).isInstanceOf(NoDeal.class);
        assertThat(product.see(day(1), "1000.00", null)).isInstanceOf(NoDeal.class);
        Decision d = product.see(day(2), "950.00", "1500.00");

        assertThat(d).as("36.7% off a price nobody paid is only 5% off the real one").isInstanceOf(NoDeal.class);
        assertThat(rules.reference(new Check(new BigDecimal("950.00"), true, new BigDecimal("1500.00"),
                product.history, null, null, MIN_PCT, day(2)))).isEqualByComparingTo("1000.00");
    }

    @Test
    void withShortHistoryACorroboratedSavingBasisCounts() {
        Product product = new Product();
        product.see(day(0), "1500.00", "1500.00");
        product.see(day(0.5), "1490.00", "1500.00");
        // median is ~1490–1500; basis 1500 was observed → the lower of the two is the reference.
        Decision d = product.see(day(1), "1100.00", "1500.00");

        assertThat(d).isInstanceOf(Start.class);
        assertThat(((Start) d).referencePrice()).isEqualByComparingTo("1490.00");
    }

    @Test
    void withNoHistoryAtAllAmazonsSavingBasisIsTheOnlyReference() {
        Decision d = new Product().see(day(0), "700.00", "1000.00");
        assertThat(d).isInstanceOf(Start.class);
        assertThat(((Start) d).discountPct()).isEqualByComparingTo("30.00");
        assertThat(new Product().see(day(0), "700.00", null)).as("no history, no basis: no reference").isInstanceOf(NoDeal.class);
    }

    @Test
    void aPriceRaisedJustBeforeTheDropDoesNotMakeADeal() {
        Product product = new Product();
        for (int d = 0; d < 20; d++) {
            product.see(day(d), "1000.00", null);
        }
        product.see(day(20), "1400.00", "1400.00");   // raised for a few hours
        Decision d = product.see(day(20.2), "1050.00", "1400.00"); // "25% off"
        assertThat(d).isInstanceOf(NoDeal.class);
    }

    @Test
    void aDealExpiresWhenThePriceRisesAboveTheThreshold() {
        Product product = new Product();
        for (int d = 0; d < 10; d++) {
            product.see(day(d), "1000.00", null);
        }
        assertThat(product.see(day(10), "750.00", null)).isInstanceOf(Start.class);
        assertThat(product.see(day(10.1), "790.00", null)).as("still ≥20% below 1000").isInstanceOf(Keep.class);
        assertThat(product.see(day(10.2), "800.00", null)).as("exactly at the threshold").isInstanceOf(Keep.class);
        Decision end = product.see(day(10.3), "800.01", null);
        assertThat(end).isEqualTo(new End(1, "price-rose"));
    }

    @Test
    void aDealExpiresWhenTheOfferDisappears() {
        Product product = new Product();
        for (int d = 0; d < 10; d++) {
            product.see(day(d), "1000.00", null);
        }
        product.see(day(10), "700.00", null);
        assertThat(product.see(day(10.5), null, null)).isEqualTo(new End(1, "offer-gone"));
    }

    @Test
    void cooldownKeepsTheSameProductFromDealingAgainTooSoon() {
        Product product = new Product();
        for (int d = 0; d < 10; d++) {
            product.see(day(d), "1000.00", null);
        }
        product.see(day(10), "700.00", null);
        product.see(day(10.25), "1000.00", null);                       // ends at 10.25
        Decision again = product.see(day(10.5), "700.00", null);        // 6 h later
        assertThat(again).isInstanceOf(NoDeal.class);
        assertThat(((NoDeal) again).why()).startsWith("cooldown");
        assertThat(product.see(day(11.3), "700.00", null)).as("25 h after the end").isInstanceOf(Start.class);
    }

    @Test
    void watchFiresOnTheCrossingAndOnBackInStock() {
        BigDecimal target = new BigDecimal("800.00");
        assertThat(WatchRules.hit(target, true, new BigDecimal("850"), true, new BigDecimal("799"), true)).isEqualTo("target-reached");
        assertThat(WatchRules.hit(target, true, new BigDecimal("799"), true, new BigDecimal("790"), true))
                .as("already below: no repeat").isNull();
        assertThat(WatchRules.hit(null, true, null, false, new BigDecimal("900"), true)).isEqualTo("back-in-stock");
        assertThat(WatchRules.hit(null, true, null, null, new BigDecimal("900"), true)).as("first sighting").isNull();
        assertThat(WatchRules.hit(null, false, null, false, new BigDecimal("900"), true)).isNull();
        assertThat(WatchRules.hit(target, true, new BigDecimal("850"), true, null, false)).isNull();
    }
}
