package io.caravan.amazon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The check planner's estimate and allocation on small hand-made histories. */
class CheckPlannerTest {

    static final long MIN = 60;
    static final long HOUR = 3_600;
    static final long DAY = 86_400;
    static final CheckPlanner.Settings SETTINGS = new CheckPlanner.Settings(0.02, 15 * MIN, 6 * HOUR, 7 * DAY, 2 * HOUR,
            30 * DAY, DAY);
    static final CheckPlanner.Prior PRIOR = new CheckPlanner.Prior(1.0 / (20 * DAY), 12 * HOUR);

    final CheckPlanner planner = new CheckPlanner(SETTINGS);

    /** Checks every {@code gap} for {@code days}; {@code deal} says whether a deal runs at a time. */
    CheckBelief history(long gap, long days, java.util.function.LongPredicate deal, java.util.function.LongToDoubleFunction price) {
        CheckBelief b = CheckBelief.NEW;
        for (long t = 0; t < days * DAY; t += gap) {
            b = b.observe(t, price.applyAsDouble(t), deal.test(t), CheckPlanner.duration(b, PRIOR), 0.02, 30 * DAY);
        }
        return b;
    }

    @Test
    void pricesThatOnlyJitterAreNoiseAndPromoteNothing() {
        // A repricer moving by up to 1 % every check, and a product whose price never moves.
        CheckBelief jitter = history(HOUR, 10, t -> false, t -> 100 * (1 + 0.01 * Math.sin(t)));
        CheckBelief still = history(HOUR, 10, t -> false, t -> 100);

        assertThat(jitter.moves()).as("moves under caravan.amazon.checks.noise").isZero();
        assertThat(jitter.mover()).isFalse();
        assertThat(jitter.deals()).isEqualTo(still.deals()).isZero();
        assertThat(mean(jitter)).isEqualTo(mean(still));
        assertThat(planner.interval(mean(jitter), CheckPlanner.duration(jitter, PRIOR), 0.003))
                .isEqualTo(planner.interval(mean(still), CheckPlanner.duration(still, PRIOR), 0.003));
    }

    @Test
    void aRealMoveCountsAndMovesIntoAndOutOfADealDoNot() {
        CheckBelief b = CheckBelief.NEW.observe(0, 100, false, 6 * HOUR, 0.02, 30 * DAY)
                .observe(HOUR, 90, false, 6 * HOUR, 0.02, 30 * DAY)
                .observe(2 * HOUR, 60, true, 6 * HOUR, 0.02, 30 * DAY)
                .observe(3 * HOUR, 90, false, 6 * HOUR, 0.02, 30 * DAY);

        assertThat(b.moves()).as("100 → 90 only; 90 → 60 and 60 → 90 are the deal's").isCloseTo(1, org.assertj.core.data.Offset.offset(0.01));
        assertThat(b.mover()).isTrue();
        assertThat(b.deals()).isCloseTo(1, org.assertj.core.data.Offset.offset(0.01));
        assertThat(b.dealsEnded()).isCloseTo(1, org.assertj.core.data.Offset.offset(0.01));
        assertThat(b.dealSeconds()).as("first seen at 2 h, gone at 3 h (ended after 2.5 h on average): half an hour")
                .isBetween(0.45 * HOUR, 0.55 * HOUR);
    }

    @Test
    void aCheckThatFindsNoOfferAddsNoExposure() {
        // Out of stock at the check: no deal can be running, so the gap before it could not have shown one.
        CheckBelief b = CheckBelief.NEW.observe(0, 100, false, 6 * HOUR, 0.02, 30 * DAY);
        CheckBelief outOfStock = b.observe(DAY, Double.NaN, false, 6 * HOUR, 0.02, 30 * DAY);
        CheckBelief inStock = b.observe(DAY, 100, false, 6 * HOUR, 0.02, 30 * DAY);

        assertThat(outOfStock.exposure()).isZero();
        assertThat(inStock.exposure()).isCloseTo(6 * HOUR * (1 - Math.exp(-4)), org.assertj.core.data.Offset.offset(1.0));
        assertThat(outOfStock.observe(2 * DAY, 100, false, 6 * HOUR, 0.02, 30 * DAY).exposure())
                .as("back in stock: the gap since counts again").isPositive();
    }

    @Test
    void aDealFirstSeenAfterALongGapIsNotTakenForALongDeal() {
        // Checked every 24 h; each deal lasts 2 h and happens to be running at a check, then gone 2 h later.
        CheckBelief b = CheckBelief.NEW;
        long t = 0;
        for (int day = 0; day < 10; day++) {
            b = b.observe(t, 100, false, 6 * HOUR, 0.02, 30 * DAY);
            t += DAY;
            b = b.observe(t, 70, true, 6 * HOUR, 0.02, 30 * DAY);
            t += 2 * HOUR;
            b = b.observe(t, 100, false, 6 * HOUR, 0.02, 30 * DAY);
            t += 2 * DAY;
        }
        assertThat(CheckPlanner.duration(b, PRIOR)).as("not half the 24 h gap before each deal was seen")
                .isLessThan(3 * HOUR);
    }

    @Test
    void aDealProneProductIsPromotedOverAQuietOne() {
        // Checked every 6 h for 20 days: one sees a 6-hour deal every 4 days, the other never a deal.
        CheckBelief prone = history(6 * HOUR, 20, t -> t % (4 * DAY) < 6 * HOUR && t > 0, t -> 100);
        CheckBelief quiet = history(6 * HOUR, 20, t -> false, t -> 100);

        assertThat(prone.deals()).isGreaterThan(3);
        assertThat(mean(prone)).isGreaterThan(5 * mean(quiet));
        double mu = 0.003;
        long proneInterval = planner.interval(mean(prone), CheckPlanner.duration(prone, PRIOR), mu);
        long quietInterval = planner.interval(mean(quiet), CheckPlanner.duration(quiet, PRIOR), mu);
        assertThat(proneInterval).isLessThan(quietInterval / 3);
    }

    @Test
    void aQuietProductDecaysButIsStillExplored() {
        CheckBelief week = history(12 * HOUR, 7, t -> false, t -> 100);
        CheckBelief month = history(12 * HOUR, 30, t -> false, t -> 100);
        assertThat(mean(month)).as("the posterior decays with quiet exposure").isLessThan(mean(week));

        // A product the planner knows little yet is explored: its posterior is sampled, so it is sometimes given a
        // shorter interval than its mean would give, never a longer one.
        CheckBelief young = history(12 * HOUR, 1, t -> false, t -> 100);
        assertThat(young.exposure()).isLessThan(CheckPlanner.EXPLORE_EXPOSURE);
        List<Long> intervals = intervals(young, DAY);
        long youngAtMean = atMean(young, DAY);
        assertThat(intervals).allMatch(i -> i <= youngAtMean);
        assertThat(intervals).as("sometimes sooner than the mean says").anyMatch(i -> i < youngAtMean * 0.8);

        // A month of quiet checks places it: its mean decides (no quota on re-exploring it), explore-interval bounds it.
        assertThat(month.exposure()).isGreaterThan(CheckPlanner.EXPLORE_EXPOSURE);
        long monthAtMean = atMean(month, 30 * DAY);
        assertThat(intervals(month, 30 * DAY)).as("always the mean's interval").allMatch(i -> i == monthAtMean);
        assertThat(monthAtMean).isLessThanOrEqualTo(SETTINGS.exploreInterval());
        assertThat(planner.interval(1e-12, HOUR, 0.003)).as("not worth a check: explored only").isEqualTo(SETTINGS.exploreInterval());
    }

    @Test
    void guaranteesBoundTheIntervalAndComeFirst() {
        CheckBelief quiet = history(12 * HOUR, 30, t -> false, t -> 100);
        SplittableRandom random = new SplittableRandom(1);
        double exhausted = 1.0; // the quota is gone: no product is worth a check on its own

        CheckPlanner.Plan tracked = planner.plan(quiet, 30 * DAY, 100, false, true, PRIOR, exhausted, random);
        CheckPlanner.Plan other = planner.plan(quiet, 30 * DAY, 100, false, false, PRIOR, exhausted, random);
        CheckPlanner.Plan deal = planner.plan(quiet, 30 * DAY, 60, true, false, PRIOR, exhausted, random);

        assertThat(tracked.nextCheck() - 30 * DAY).isLessThanOrEqualTo(SETTINGS.maxInterval());
        assertThat(tracked.tier()).isEqualTo(CheckPlanner.TIER_GUARANTEED);
        assertThat(other.nextCheck() - 30 * DAY).isEqualTo(SETTINGS.exploreInterval());
        assertThat(other.tier()).isEqualTo(CheckPlanner.TIER_OTHER);
        assertThat(deal.nextCheck() - 30 * DAY).as("a running deal's end is seen within expiry-latency")
                .isLessThanOrEqualTo(SETTINGS.expiryLatency());
        assertThat(deal.tier()).isEqualTo(CheckPlanner.TIER_DEAL);
        CheckPlanner.Plan ended = planner.plan(deal.belief(), 31 * DAY, 100, false, false, PRIOR, 0.0001, random);
        assertThat(ended.nextCheck() - 31 * DAY).as("no deal can be posted in the repost cooldown").isGreaterThanOrEqualTo(DAY);
    }

    @Test
    void theBudgetPricesChecksSoGuaranteesAreServedAndTheRestShares() {
        List<CheckPlanner.Demand> products = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            products.add(new CheckPlanner.Demand(i < 10 ? 1.0 / (3 * DAY) : 1.0 / (200 * DAY), 6 * HOUR, i < 5, false));
        }
        // 5 guaranteed every 6 h at least: 20 checks a day. Give 200 a day.
        double mu = planner.price(products, 1, 200.0 / DAY);
        double perDay = 0;
        for (CheckPlanner.Demand d : products) {
            long interval = planner.interval(d.rate(), d.duration(), mu);
            perDay += DAY / (double) (d.guaranteed() ? Math.min(interval, SETTINGS.maxInterval()) : interval);
        }
        assertThat(perDay).isBetween(180.0, 200.0);
        assertThat(planner.interval(1.0 / (3 * DAY), 6 * HOUR, mu)).as("deal-prone ones get most")
                .isLessThan(planner.interval(1.0 / (200 * DAY), 6 * HOUR, mu) / 4);

        // An exhausted budget: only the guarantees are asked for, μ is at its ceiling.
        assertThat(planner.price(products, 1, 1.0 / DAY)).isEqualTo(1.0);
    }

    @Test
    void anUnspentBudgetLowersThePriceAndABacklogRaisesIt() {
        double lowered = CheckBudget.correct(1, 60, 30, 0);
        assertThat(lowered).isLessThan(1);
        assertThat(CheckBudget.correct(lowered, 60, 60, 60)).as("spent, a run's worth still due").isGreaterThan(lowered);
        assertThat(CheckBudget.correct(lowered, 60, 60, 0)).as("spent exactly: nothing to correct").isEqualTo(lowered);
        assertThat(CheckBudget.correct(lowered, 60, 60, 6)).as("a small backlog, a small step")
                .isLessThan(CheckBudget.correct(lowered, 60, 60, 60));
        assertThat(CheckBudget.correct(1, 60, 60, 600)).as("never above what the budget equation says").isEqualTo(1);
    }

    @Test
    void aRunWithNothingDueBarelyMovesThePrice() {
        // Nothing was due, so nothing was re-planned: stepping μ down at full strength run after run wound it up
        // (ten-fold drops, then backlogs of hours).
        double idle = CheckBudget.correct(1, 60, 0, 0);
        double half = CheckBudget.correct(1, 60, 30, 0);
        assertThat(idle).isLessThan(1);
        assertThat(Math.log(idle)).as("a tenth of the step of a run that found nothing due at full gain")
                .isCloseTo(-CheckBudget.GAIN * CheckBudget.IDLE_STEP, org.assertj.core.data.Offset.offset(1e-12));
        assertThat(Math.log(half)).isCloseTo(-CheckBudget.GAIN * 0.5 * 0.5, org.assertj.core.data.Offset.offset(1e-12));
    }

    @Test
    void theDaysBudgetIsSpreadAndNeverExceeded() {
        assertThat(CheckBudget.runBudget(0, 2_000, 0, 60, 1, 60)).isEqualTo(1);
        assertThat(CheckBudget.runBudget(1_000, 2_000, 43_200, 60, 1, 60)).isEqualTo(1);
        assertThat(CheckBudget.runBudget(0, 2_000, 43_200, 60, 1, 60)).as("catching up, at the rate's limit").isEqualTo(60);
        assertThat(CheckBudget.runBudget(2_000, 2_000, 86_340, 60, 1, 60)).isZero();
    }

    @Test
    void theIntervalSolvesTheOptimalityCondition() {
        for (double c : new double[]{1e-6, 1e-3, 0.1, 0.5, 0.9, 0.999}) {
            double x = DealYield.solve(c);
            assertThat(1 - Math.exp(-x) * (1 + x)).isCloseTo(c, org.assertj.core.data.Offset.offset(1e-6 + c * 1e-6));
        }
    }

    @Test
    void theExpectedYieldIsTheYieldAveragedOverTheDurationsPosterior() {
        // D inverse-gamma of shape 4 and mean 6 h: D = 18 h / Gamma(4, 1).
        SplittableRandom random = new SplittableRandom(3);
        double shape = 4;
        for (double tau : new double[]{0.5 * HOUR, 3 * HOUR, 12 * HOUR, 3 * DAY}) {
            double sum = 0;
            int n = 400_000;
            for (int i = 0; i < n; i++) {
                double d = (shape - 1) * 6 * HOUR / PriorFit.gamma(shape, random);
                sum += d - Math.exp(-tau / d) * (d + tau);
            }
            assertThat(DealYield.expectedYield(tau, 6 * HOUR, shape)).as("τ = %.1f h", tau / HOUR)
                    .isCloseTo(sum / n, org.assertj.core.data.Percentage.withPercentage(1.5));
            double h = tau * 1e-5;
            assertThat(DealYield.expectedYieldSlope(tau, 6 * HOUR, shape)).isCloseTo(
                    (DealYield.expectedYield(tau + h, 6 * HOUR, shape) - DealYield.expectedYield(tau - h, 6 * HOUR, shape)) / (2 * h),
                    org.assertj.core.data.Percentage.withPercentage(1e-3));
        }
        assertThat(DealYield.expectedYield(1e9, 6 * HOUR, shape)).as("a long gap: the mean duration")
                .isCloseTo(6 * HOUR, org.assertj.core.data.Percentage.withPercentage(1e-3));
    }

    @Test
    void aProductWhoseDurationRestsOnThePriorIsCheckedMoreOftenThanOneWhoseDurationIsKnown() {
        // Same rate and mean duration (12 h, the prior's); one saw no deal end, the other 40 ending after 12 h on average.
        CheckPlanner.Prior prior = PRIOR.fitted(3, null);
        CheckBelief unsure = new CheckBelief(2, 10 * DAY, 0, 0, 0, -1, 100, 0);
        CheckBelief known = new CheckBelief(2, 10 * DAY, 40 * 12 * HOUR, 40, 0, -1, 100, 0);
        SplittableRandom random = new SplittableRandom(1);
        CheckPlanner.Plan a = planner.plan(unsure, HOUR, 100, false, false, prior, 0.003, random);
        CheckPlanner.Plan b = planner.plan(known, HOUR, 100, false, false, prior, 0.003, random);
        assertThat(a.duration()).isCloseTo(b.duration(), org.assertj.core.data.Percentage.withPercentage(0.1));
        assertThat(a.rate()).isCloseTo(b.rate(), org.assertj.core.data.Percentage.withPercentage(0.1));

        long plugIn = planner.interval(a.rate(), a.duration(), 0.003);
        assertThat(b.nextCheck() - HOUR).as("40 durations seen: about the plug-in interval")
                .isCloseTo(plugIn, org.assertj.core.data.Percentage.withPercentage(3));
        // Shape 4 (3 pseudo-durations + 1): for short intervals the yield goes with E[1/D] = 4/3 · 1/E[D], so the
        // interval is about √(3/4) of the plug-in one.
        assertThat((double) (a.nextCheck() - HOUR) / plugIn).isCloseTo(Math.sqrt(0.75), org.assertj.core.data.Offset.offset(0.05));
        assertThat(planner.interval(a.rate(), a.duration(), Double.POSITIVE_INFINITY, 0.003)).as("a known duration")
                .isEqualTo(plugIn);
        assertThat(planner.interval(1e-12, HOUR, 4, 0.003)).as("not worth a check").isEqualTo(SETTINGS.exploreInterval());
    }

    @Test
    void badSettingsAreRefusedNamingTheSetting() {
        assertThatThrownBy(() -> new CheckPlanner.Settings(0.02, HOUR, MIN, DAY, HOUR, DAY, DAY))
                .hasMessageContaining("max-interval");
        assertThatThrownBy(() -> new CheckPlanner.Settings(1.5, MIN, HOUR, DAY, HOUR, DAY, DAY)).hasMessageContaining("noise");
    }

    /** Intervals of 500 plans of the same product checked at {@code at} with a quiet price. */
    private List<Long> intervals(CheckBelief b, long at) {
        SplittableRandom random = new SplittableRandom(7);
        List<Long> intervals = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            intervals.add(planner.plan(b, at, 100, false, false, PRIOR, 0.003, random).nextCheck() - at);
        }
        return intervals;
    }

    /** The interval the posterior mean gives after a quiet check at {@code at}. */
    private long atMean(CheckBelief b, long at) {
        CheckBelief after = planner.plan(b, at, 100, false, false, PRIOR, 0.003, new SplittableRandom(1)).belief();
        return planner.interval(mean(after), CheckPlanner.duration(after, PRIOR), CheckPlanner.durationShape(after, PRIOR), 0.003);
    }

    private static double mean(CheckBelief b) {
        return (CheckPlanner.PRIOR_DEALS + b.deals()) / (CheckPlanner.PRIOR_DEALS / PRIOR.rate() + b.exposure());
    }
}
