package io.caravan.amazon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The empirical-Bayes priors on small hand-made catalogues whose true rates and durations are known. */
class PriorFitTest {

    static final double DAY = 86_400;
    static final double HOUR = 3_600;
    /** A category whose products deal on average once in 30 days, for 12 hours. */
    static final CheckPlanner.Prior CATEGORY = new CheckPlanner.Prior(1.0 / (30 * DAY), 12 * HOUR);

    /** A belief with {@code deals} deals seen in {@code exposure} seconds of effective exposure. */
    static CheckBelief seen(double deals, double exposure) {
        return new CheckBelief(deals, exposure, 0, 0, 0, -1, 100, 0);
    }

    static CheckBelief ended(double ends, double seconds) {
        return new CheckBelief(ends, 20 * DAY, seconds, ends, 0, -1, 100, 0);
    }

    @Test
    void aCatalogueWhoseProductsDealAlikeHoldsAChanceDealAtTheMean() {
        // 400 products dealing once in 30 days each, seen for 20 days of exposure: their counts are Poisson(2/3).
        PriorFit fit = new PriorFit();
        SplittableRandom random = new SplittableRandom(1);
        for (int i = 0; i < 400; i++) {
            fit.add(false, seen(poisson(20.0 / 30, random), 20 * DAY), CATEGORY);
        }
        CheckPlanner.Prior prior = fit.fit().apply(CATEGORY, false);

        double lucky = PriorFit.rate(seen(3, 20 * DAY), prior, null);
        double gammaLucky = (CheckPlanner.PRIOR_DEALS + 3) / (CheckPlanner.PRIOR_DEALS / CATEGORY.rate() + 20 * DAY);
        assertThat(lucky * 30 * DAY).as("three deals in 20 days where every product deals once a month: still about that")
                .isLessThan(1.6);
        assertThat(gammaLucky * 30 * DAY).as("the fixed wide prior took it for one dealing three times as often").isGreaterThan(2.5);
    }

    @Test
    void aFewDealProneProductsAmongQuietOnesStandOutOnceTheyDeal() {
        // 360 products dealing once in 150 days, 40 dealing every 5 days; all seen for 20 days of exposure.
        PriorFit fit = new PriorFit();
        SplittableRandom random = new SplittableRandom(2);
        for (int i = 0; i < 400; i++) {
            double rate = i < 360 ? 1 / (150 * DAY) : 1 / (5 * DAY);
            fit.add(false, seen(poisson(rate * 20 * DAY, random), 20 * DAY), CATEGORY);
        }
        CheckPlanner.Prior prior = fit.fit().apply(CATEGORY, false);

        double quiet = PriorFit.rate(seen(0, 20 * DAY), prior, null);
        double prone = PriorFit.rate(seen(4, 20 * DAY), prior, null);
        assertThat(1 / (quiet * DAY)).as("no deal in 20 days: one of the quiet ones (once in 150 days)").isGreaterThan(80);
        assertThat(1 / (prone * DAY)).as("four deals in 20 days: one of the deal-prone ones (every 5 days)").isBetween(3.5, 7.0);
        double[] mix = fit.mix(false);
        assertThat(mix).hasSize(PriorFit.MULTIPLIERS.length);
        assertThat(java.util.Arrays.stream(mix).sum()).isCloseTo(1, offset(1e-9));
    }

    @Test
    void aNewProductIsExploredOptimisticallyButNeverBelowItsMean() {
        PriorFit fit = new PriorFit();
        SplittableRandom random = new SplittableRandom(3);
        for (int i = 0; i < 400; i++) {
            double rate = i % 2 == 0 ? 1 / (100 * DAY) : 1 / (4 * DAY);
            fit.add(true, seen(poisson(rate * 20 * DAY, random), 20 * DAY), CATEGORY);
        }
        CheckPlanner.Prior prior = fit.fit().apply(CATEGORY, true);
        CheckBelief young = seen(0, HOUR);
        double mean = PriorFit.rate(young, prior, null);
        double highest = 0;
        for (int i = 0; i < 200; i++) {
            double sample = PriorFit.rate(young, prior, random);
            assertThat(sample).isGreaterThanOrEqualTo(mean);
            highest = Math.max(highest, sample);
        }
        assertThat(highest).as("sometimes taken for one of the deal-prone half").isGreaterThan(3 * mean);
    }

    @Test
    void tooFewProductsKeepTheFixedPriors() {
        PriorFit fit = new PriorFit();
        for (int i = 0; i < PriorFit.MIN_PRODUCTS - 1; i++) {
            fit.add(true, seen(1, 10 * DAY), CATEGORY);
        }
        CheckPlanner.Prior prior = fit.fit().apply(CATEGORY, true);
        assertThat(prior.mix()).isNull();
        assertThat(prior.ends()).isEqualTo(CheckPlanner.PRIOR_ENDS);
        CheckBelief b = seen(1, 10 * DAY);
        assertThat(new CheckPlanner(CheckPlannerTest.SETTINGS).rate(b.observe(0, 100, false, HOUR, 0.02, 30 * DAY), prior, null))
                .as("no random source is needed once exposure is past the exploring phase").isPositive();
    }

    @Test
    void theDurationPriorWeighsMoreWhereDealsLastAlike() {
        // Alike: every product's deals last 12 h (exponential from first sighting), three each.
        PriorFit alike = new PriorFit();
        // Unlike: half the products' deals last 2 h, half 24 h.
        PriorFit unlike = new PriorFit();
        SplittableRandom random = new SplittableRandom(4);
        for (int i = 0; i < 400; i++) {
            alike.add(true, ended(3, exponentials(3, 12 * HOUR, random)), CATEGORY);
            unlike.add(true, ended(3, exponentials(3, i % 2 == 0 ? 2 * HOUR : 24 * HOUR, random)), CATEGORY.fitted(1, null));
        }
        double alikeWeight = alike.fit().ends(true);
        double unlikeWeight = unlike.fit().ends(true);
        assertThat(alikeWeight).as("durations alike: the category's mean says most").isGreaterThan(10);
        assertThat(unlikeWeight).as("durations differ: a product's own deals say most").isLessThan(1);
        CheckBelief short3 = ended(3, 3 * 2 * HOUR);
        assertThat(CheckPlanner.duration(short3, unlike.apply(CATEGORY, true)) / HOUR).isLessThan(5);
        assertThat(CheckPlanner.duration(short3, alike.apply(CATEGORY, true)) / HOUR).isGreaterThan(9);
    }

    @Test
    void logGammaIsRight() {
        assertThat(PriorFit.lgamma(1)).isCloseTo(0, offset(1e-12));
        assertThat(PriorFit.lgamma(5)).isCloseTo(Math.log(24), offset(1e-12));
        assertThat(PriorFit.lgamma(0.5)).isCloseTo(0.5 * Math.log(Math.PI), offset(1e-12));
        assertThat(PriorFit.lgamma(0.1)).isCloseTo(2.252712651734206, offset(1e-10));
    }

    private static double exponentials(int n, double mean, SplittableRandom random) {
        double sum = 0;
        for (int i = 0; i < n; i++) {
            sum += -Math.log(1 - random.nextDouble()) * mean;
        }
        return sum;
    }

    private static int poisson(double mean, SplittableRandom random) {
        int k = 0;
        double p = Math.exp(-mean);
        double u = random.nextDouble();
        double cdf = p;
        while (u > cdf) {
            k++;
            p *= mean / k;
            cdf += p;
        }
        return k;
    }
}
