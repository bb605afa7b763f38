package io.caravan.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.caravan.core.budget.RedisFallback;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.springframework.dao.QueryTimeoutException;

/** The one state machine both cluster gates use while Redis is away, on a clock the test moves. */
class RedisFallbackTest {

    private static final long SECOND = Duration.ofSeconds(1).toNanos();
    private static final long MINUTE = Duration.ofMinutes(1).toNanos();

    // Near the top of nanoTime's range: every instant is compared by difference, so none may overflow.
    private final AtomicLong clock = new AtomicLong(Long.MAX_VALUE - 10 * SECOND);
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final RedisFallback fallback = new RedisFallback("telegram", "Telegram budgets", "local share",
            Duration.ofSeconds(5), meters, clock::get);

    private void advance(long nanos) {
        clock.addAndGet(nanos);
    }

    private double gauge() {
        return meters.get("caravan.budget.fallback").tag("budget", "telegram").gauge().value();
    }

    @Test
    void aHubThatNeverLostRedisIsNeitherLocalNorQuietNorCapped() {
        assertThat(fallback.onLocalShare()).isFalse();
        assertThat(fallback.degraded()).isFalse();
        assertThat(fallback.quietFor(MINUTE)).isLessThanOrEqualTo(0);
        assertThat(fallback.returning(MINUTE)).isFalse();
        assertThat(gauge()).isZero();
    }

    @Test
    void losingRedisGoesLocalForTheRetryQuietForOneWindowAndSaysSoOnce() {
        assertThat(fallback.lost(new QueryTimeoutException("down"))).as("began the outage").isTrue();
        assertThat(gauge()).isEqualTo(1);
        assertThat(fallback.onLocalShare()).isTrue();
        assertThat(fallback.quietFor(SECOND)).isEqualTo(SECOND);
        assertThat(fallback.quietFor(MINUTE)).isEqualTo(MINUTE);

        advance(SECOND);
        assertThat(fallback.quietFor(SECOND)).as("the second's window is over").isLessThanOrEqualTo(0);
        assertThat(fallback.quietFor(MINUTE)).isEqualTo(MINUTE - SECOND);

        advance(4 * SECOND);
        assertThat(fallback.onLocalShare()).as("redis-retry is over: ask Redis again").isFalse();
        assertThat(fallback.returning(SECOND)).as("a retry counts against the local share too").isTrue();
        assertThat(fallback.lost(new QueryTimeoutException("still down"))).as("the same outage").isFalse();
        assertThat(fallback.quietFor(MINUTE)).as("quiet counts from the first failure").isEqualTo(MINUTE - 5 * SECOND);
        assertThat(fallback.onLocalShare()).isTrue();
        assertThat(gauge()).isEqualTo(1);
    }

    @Test
    void afterRedisAnswersACallNeedsTheLocalShareForTheRetryAndOneWindow() {
        fallback.lost(new QueryTimeoutException("down"));
        advance(5 * SECOND);
        assertThat(fallback.onLocalShare()).isFalse();
        fallback.answered();
        assertThat(gauge()).isZero();
        assertThat(fallback.degraded()).isFalse();

        advance(5 * SECOND + SECOND - 1);
        assertThat(fallback.returning(SECOND)).isTrue();
        assertThat(fallback.returning(MINUTE)).isTrue();
        advance(1);
        assertThat(fallback.returning(SECOND)).as("retry plus one second are over").isFalse();
        assertThat(fallback.returning(MINUTE)).as("a minute's window is not").isTrue();
        advance(MINUTE);
        assertThat(fallback.returning(MINUTE)).isFalse();

        assertThat(fallback.lost(new QueryTimeoutException("down again"))).as("a new outage").isTrue();
        assertThat(fallback.quietFor(SECOND)).isEqualTo(SECOND);
    }
}
