package io.caravan.amazon;

import static io.caravan.amazon.CheckPlannerTest.DAY;
import static io.caravan.amazon.CheckPlannerTest.HOUR;
import static io.caravan.amazon.CheckPlannerTest.MIN;
import static io.caravan.amazon.CheckPlannerTest.PRIOR;
import static io.caravan.amazon.CheckPlannerTest.SETTINGS;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

/** What Amazon's dealDetails (a deal's start and end) change in the belief and the schedule, on hand-made histories. */
class CheckPlannerDealDetailsTest {

    final CheckPlanner planner = new CheckPlanner(SETTINGS);
    final SplittableRandom random = new SplittableRandom(1);

    static CheckBelief.Timing timed(long start, long end) {
        return new CheckBelief.Timing(start, end, false);
    }

    static CheckBelief.Timing lightning(long start, long end) {
        return new CheckBelief.Timing(start, end, true);
    }

    /** Checked at 0 and every 6 h until {@code seen}, quiet at 100. */
    static CheckBelief quietUntil(long seen) {
        CheckBelief b = CheckBelief.NEW;
        for (long t = 0; t < seen; t += 6 * HOUR) {
            b = b.observe(t, 100, false, 6 * HOUR, 0.02, 30 * DAY);
        }
        return b;
    }

    @Test
    void aLightningDealIsDatedFromAmazonsStartAndItsLengthIsExact() {
        // Checks at 0, 6 h, 12 h; a lightning deal runs 13:00–15:30, seen at 14:00, gone at 20:00.
        CheckBelief before = quietUntil(13 * HOUR);
        CheckBelief seen = before.observe(14 * HOUR, 70, true, lightning(13 * HOUR, 15 * HOUR + 30 * MIN), 6 * HOUR, 0.02,
                30 * DAY);

        assertThat(seen.dealSince()).as("Amazon's start, not the sighting").isEqualTo(13 * HOUR);
        assertThat(seen.dealEnd()).isEqualTo(15 * HOUR + 30 * MIN);
        assertThat(seen.lightning()).isEqualTo(1);
        assertThat(seen.deals()).isCloseTo(1, Offset.offset(0.01));

        CheckBelief gone = seen.observe(20 * HOUR, 100, false, 6 * HOUR, 0.02, 30 * DAY);
        assertThat(gone.dealsEnded()).isCloseTo(1, Offset.offset(0.01));
        assertThat(gone.dealSeconds()).as("end minus start: 2.5 h, not first sighting to half-way into the gap (3 h)")
                .isCloseTo(2.5 * HOUR, Offset.offset(60.0));
        assertThat(gone.inDeal()).isFalse();
        assertThat(gone.dealEnd()).isEqualTo(-1);
    }

    @Test
    void anotherTimedDealIsMeasuredFromItsSightingToItsAnnouncedEnd() {
        // A limited-time deal 13:00–15:30 seen at 14:00: its full length would be length-biased (long deals are caught
        // more often), what runs on from the sighting is not; the announced end makes that exact.
        CheckBelief seen = quietUntil(13 * HOUR).observe(14 * HOUR, 70, true, timed(13 * HOUR, 15 * HOUR + 30 * MIN),
                6 * HOUR, 0.02, 30 * DAY);

        assertThat(seen.dealSince()).isEqualTo(14 * HOUR);
        assertThat(seen.group()).as("only Lightning sellers have a prior group of their own").isEqualTo(CheckBelief.QUIET);
        CheckBelief gone = seen.observe(20 * HOUR, 100, false, 6 * HOUR, 0.02, 30 * DAY);
        assertThat(gone.dealSeconds()).as("14:00 to 15:30, not to half-way into the gap (17:00)")
                .isCloseTo(1.5 * HOUR, Offset.offset(60.0));
    }

    @Test
    void aDealThatEndsBeforeItsAnnouncedEndIsMeasuredToHalfWay() {
        CheckBelief seen = quietUntil(13 * HOUR).observe(14 * HOUR, 70, true, lightning(13 * HOUR, 30 * HOUR), 6 * HOUR, 0.02,
                30 * DAY);

        // Sold out: gone at 18 h, long before the announced 30 h.
        CheckBelief gone = seen.observe(18 * HOUR, 100, false, 6 * HOUR, 0.02, 30 * DAY);

        assertThat(gone.dealSeconds()).as("from 13 h to half-way between 14 h and 18 h").isCloseTo(3 * HOUR, Offset.offset(60.0));
    }

    @Test
    void withoutDealDetailsNothingChanges() {
        CheckBelief before = quietUntil(13 * HOUR);

        assertThat(before.observe(14 * HOUR, 70, true, CheckBelief.Timing.NONE, 6 * HOUR, 0.02, 30 * DAY))
                .isEqualTo(before.observe(14 * HOUR, 70, true, 6 * HOUR, 0.02, 30 * DAY))
                .satisfies(b -> assertThat(b.dealSince()).isEqualTo(14 * HOUR))
                .satisfies(b -> assertThat(b.lightning()).isZero())
                .satisfies(b -> assertThat(b.group()).isEqualTo(CheckBelief.QUIET));
        assertThat(before.observe(14 * HOUR, 70, true, timed(15 * HOUR, -1), 6 * HOUR, 0.02, 30 * DAY).dealSince())
                .as("a start in the future (clock skew) is not taken").isEqualTo(14 * HOUR);
    }

    @Test
    void aTimedDealIsCheckedJustAfterItsEndWithinExpiryLatency() {
        CheckBelief before = quietUntil(13 * HOUR);
        long now = 14 * HOUR;

        long soon = planner.plan(before, now, 70, true, timed(13 * HOUR, now + 40 * MIN), false, PRIOR, 1e-4, random).nextCheck();
        long late = planner.plan(before, now, 70, true, timed(13 * HOUR, now + 10 * HOUR), false, PRIOR, 1e-4, random).nextCheck();
        long imminent = planner.plan(before, now, 70, true, timed(13 * HOUR, now + 2 * MIN), false, PRIOR, 1e-4, random).nextCheck();
        long untimed = planner.plan(before, now, 70, true, false, PRIOR, 1e-4, random).nextCheck();

        assertThat(soon - now).as("a minute after the announced end").isEqualTo(40 * MIN + CheckPlanner.END_GRACE);
        assertThat(late - now).as("it may end early (sold out): within expiry-latency meanwhile")
                .isEqualTo(SETTINGS.expiryLatency());
        assertThat(imminent - now).as("never under min-interval").isEqualTo(SETTINGS.minInterval());
        assertThat(untimed - now).isLessThanOrEqualTo(SETTINGS.expiryLatency());
        CheckPlanner.Plan next = planner.plan(before, now, 70, true, timed(13 * HOUR, now + 40 * MIN), false, PRIOR, 1e-4, random);
        assertThat(next.tier()).isEqualTo(CheckPlanner.TIER_DEAL);
    }

    @Test
    void theExactLengthOfLightningDealsTeachesAShortDuration() {
        // Two lightning deals of 2 h each, each first seen an hour in: without their start they look half as long.
        CheckBelief timed = quietUntil(13 * HOUR);
        CheckBelief untimed = timed;
        for (long start : new long[]{13 * HOUR, 13 * HOUR + 7 * DAY}) {
            if (start > 13 * HOUR) {
                timed = timed.observe(start - HOUR, 100, false, 2 * HOUR, 0.02, 30 * DAY);
                untimed = untimed.observe(start - HOUR, 100, false, 2 * HOUR, 0.02, 30 * DAY);
            }
            timed = timed.observe(start + HOUR, 70, true, lightning(start, start + 2 * HOUR), 2 * HOUR, 0.02, 30 * DAY)
                    .observe(start + 2 * HOUR + CheckPlanner.END_GRACE, 100, false, 2 * HOUR, 0.02, 30 * DAY);
            untimed = untimed.observe(start + HOUR, 70, true, 2 * HOUR, 0.02, 30 * DAY)
                    .observe(start + 2 * HOUR + CheckPlanner.END_GRACE, 100, false, 2 * HOUR, 0.02, 30 * DAY);
        }

        assertThat(timed.dealSeconds() / timed.dealsEnded()).isCloseTo(2 * HOUR, Offset.offset(60.0));
        assertThat(untimed.dealSeconds() / untimed.dealsEnded()).isLessThan(1.5 * HOUR);
    }

    @Test
    void aLightningDealPutsTheProductAmongLightningSellers() {
        CheckBelief before = quietUntil(13 * HOUR);
        CheckBelief.Timing lightning = new CheckBelief.Timing(13 * HOUR, 15 * HOUR, true);

        CheckBelief seen = before.observe(14 * HOUR, 70, true, lightning, 6 * HOUR, 0.02, 30 * DAY);

        assertThat(seen.group()).isEqualTo(CheckBelief.LIGHTNING);
        assertThat(seen.lightning()).isEqualTo(1);
        // Evidence fades: two half-lives later the product is no longer taken for a lightning seller.
        CheckBelief later = seen.observe(16 * HOUR, 100, false, 6 * HOUR, 0.02, 30 * DAY)
                .observe(16 * HOUR + 60 * DAY, 100, false, 6 * HOUR, 0.02, 30 * DAY);
        assertThat(later.group()).isEqualTo(CheckBelief.QUIET);
    }

    @Test
    void theHubReadsTheTimingFromTheListing() {
        java.time.Instant now = java.time.Instant.parse("2024-11-05T20:00:00Z");
        AmazonItem.Deal deal = new AmazonItem.Deal("PRIME_EXCLUSIVE", null, java.time.Instant.parse("2024-11-05T18:05:00Z"),
                java.time.Instant.parse("2024-11-06T05:35:00Z"), 38);
        AmazonItem.Offer lightning = new AmazonItem.Offer(java.math.BigDecimal.TEN, "USD", null, null, "IN_STOCK",
                "LIGHTNING_DEAL", deal, null);

        assertThat(CheckBelief.Timing.of(lightning, now)).isEqualTo(new CheckBelief.Timing(
                deal.start().getEpochSecond(), deal.end().getEpochSecond(), true));
        assertThat(CheckBelief.Timing.of(new AmazonItem.Offer(java.math.BigDecimal.TEN, "USD", null, null, "IN_STOCK"), now))
                .as("an ordinary price drop").isEqualTo(CheckBelief.Timing.NONE);
        assertThat(CheckBelief.Timing.of(lightning, java.time.Instant.parse("2024-11-05T18:00:00Z")).start())
                .as("a start after the check (clock skew) is not taken").isEqualTo(-1);
        assertThat(CheckBelief.Timing.of(null, now)).isEqualTo(CheckBelief.Timing.NONE);
    }
}
