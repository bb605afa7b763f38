package io.caravan.amazon;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code caravan.amazon.checks.spread-day-budget}: a run's requests are the day's share so far, not the whole day. */
class PriceRunBudgetTest {

    static final Instant MIDNIGHT = Instant.parse("2026-12-06T00:00:00Z");

    /** 1 request/s, 1,600 a day, at most 60 per run. */
    static PriceRun run() {
        AmazonProperties base = CreatorsApiClientTest.settings(1, "s3cret-value");
        AmazonProperties amazon = new AmazonProperties(URI.create("http://localhost:1"), URI.create("http://localhost:1/token"),
                "client", "s3cret-value", base.scope(), "caravan-21", base.marketplace(), 1, 1_600, base.timeout(),
                base.checks(), List.of(), base.priceHistory(), base.invalidate(), base.sendMargin());
        return new PriceRun(amazon, null, null, null, null, null, new SimpleMeterRegistry(), null, Clock.systemUTC());
    }

    @Test
    void aRunSpendsTheDaysShareUpToItsEndLessWhatTheDayUsed() {
        PriceRun run = run();
        Instant noon = MIDNIGHT.plus(Duration.ofHours(12));

        // 1,600 a day is 1.11 a minute: by 12:01 the share is 801, so 800 used leaves 1.
        assertThat(run.budget(noon, noon.minusSeconds(60), 800)).isEqualTo(1);
        assertThat(run.budget(noon, noon.minusSeconds(60), 801)).as("the share is spent: wait").isZero();
        assertThat(run.budget(noon, noon.minusSeconds(60), 1_000)).as("spent ahead (e.g. before the spread)").isZero();
        assertThat(run.budget(noon, noon.minusSeconds(60), 770)).as("catches up what earlier runs left")
                .isEqualTo(31);
        assertThat(run.budget(noon, noon.minusSeconds(60), 0)).as("no more than the per-second rate over the run")
                .isEqualTo(60);
        assertThat(run.budget(noon, noon.minusSeconds(30), 0)).as("a run of 30 s: 30 requests at 1/s").isEqualTo(30);
        assertThat(run.budget(noon, noon.minus(Duration.ofHours(1)), 0)).as("max-requests-per-run still bounds a late run")
                .isEqualTo(60);
    }

    @Test
    void theDayStartsAfreshAtMidnightUtcAndTheFirstRunStandsForAMinute() {
        PriceRun run = run();

        assertThat(run.budget(MIDNIGHT, null, 0)).as("00:00 to 00:01 of 1,600 a day").isEqualTo(1);
        assertThat(run.budget(MIDNIGHT.plus(Duration.ofHours(23).plusMinutes(59)), null, 1_598)).isEqualTo(2);
        assertThat(run.budget(MIDNIGHT.plus(Duration.ofHours(23).plusMinutes(59)), null, 1_600)).isZero();
    }
}
