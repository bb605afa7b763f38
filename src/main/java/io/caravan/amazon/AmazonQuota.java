package io.caravan.amazon;

import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * One credential's quota: requests per second in this process (Resilience4j), requests per UTC day in PostgreSQL
 * (so every instance and a restarted one share the budget). A 429 stops all calls for {@code retryAfterSeconds} and
 * halves the rate for the next ten minutes.
 */
public class AmazonQuota implements Quota {

    private static final Duration SLOW_FOR = Duration.ofMinutes(10);
    /**
     * Calls are spaced 5% wider than 1/rate. The client paces a request once its token is in hand and its connection
     * open, right before it is written, but on a busy machine the write can still lag its slot by tens of
     * milliseconds; with exact spacing a late first call and a punctual (rate+1)-th can land in the same one of
     * Amazon's seconds (bench/price-pipeline counted 1 in 100 at load 9). 5% of the rate buys 50 ms of such lag
     * across any one-second window.
     */
    static final double SEND_JITTER_HEADROOM = 1.05;

    private final JdbcTemplate jdbc;
    private final String credential;
    private final int perDay;
    private final long gapNanos;
    private final long spacingNanos;
    private final RateLimiter limiter;
    private final Clock clock;
    private final AtomicLong leftToday;
    private final Counter throttles;
    /** Earliest System.nanoTime() of the next call: keeps calls at least 1/rate apart. */
    private final java.util.concurrent.atomic.AtomicLong nextSlot = new java.util.concurrent.atomic.AtomicLong(System.nanoTime());
    private volatile Instant pausedUntil = Instant.EPOCH;
    /** The cluster-wide pace, when the hubs share one (caravan.cluster.budgets=redis). */
    private volatile ClusterPace cluster;
    private volatile Instant slowUntil = Instant.EPOCH;

    public AmazonQuota(JdbcTemplate jdbc, String credential, double perSecond, int perDay, MeterRegistry meters, Clock clock) {
        this.jdbc = jdbc;
        this.credential = credential;
        this.perDay = perDay;
        this.clock = clock;
        this.gapNanos = (long) (1_000_000_000L / perSecond);
        this.spacingNanos = (long) (gapNanos * SEND_JITTER_HEADROOM);
        // Below 1/s: one permit per 1/rate seconds; above: a permit batch per second would burst, so spread evenly.
        this.limiter = RateLimiter.of("amazon-" + credential, RateLimiterConfig.custom()
                .limitForPeriod(1)
                .limitRefreshPeriod(Duration.ofNanos(gapNanos))
                .timeoutDuration(Duration.ofMinutes(10))
                .build());
        this.leftToday = new AtomicLong(perDay);
        this.throttles = Counter.builder("caravan_amazon_throttles_total")
                .description("429 ThrottleException answers from the Creators API").register(meters);
        Gauge.builder("caravan_amazon_quota_left_today", leftToday, AtomicLong::get)
                .description("Creators API requests left today (UTC) for the credential").register(meters);
        refreshLeft();
    }

    @Override
    public void acquire(String operation) {
        count(operation);
        pace(operation);
    }

    @Override
    public void count(String operation) {
        sleepUntil(pausedUntil);
        List<Integer> used = jdbc.queryForList("""
                INSERT INTO amazon_quota (credential, day, used) VALUES (?, ?, 1)
                ON CONFLICT (credential, day) DO UPDATE SET used = amazon_quota.used + 1
                WHERE amazon_quota.used < ?
                RETURNING used""", Integer.class, credential, today(), perDay);
        if (used.isEmpty()) {
            leftToday.set(0);
            throw new QuotaExhaustedException("the Creators API budget of " + perDay
                    + " requests for today (UTC) is spent (caravan.amazon.requests-per-day); checks resume tomorrow");
        }
        leftToday.set(Math.max(0, perDay - used.get(0)));
    }

    /**
     * One statement per block instead of one per request: the CTE locks today's row (waiting for, then reading, a
     * concurrent instance's committed count) and adds {@code least(requests, left)}, so the sum of every grant
     * never exceeds {@code requests-per-day}. Only the first reservation of a day needs a second statement to
     * create the row.
     */
    @Override
    public Block reserve(int requests) {
        if (requests <= 0) {
            throw new IllegalArgumentException("reserve at least one request, got " + requests);
        }
        LocalDate day = today();
        for (int attempt = 0; attempt < 2; attempt++) {
            List<int[]> granted = jdbc.query("""
                    WITH current AS (
                        SELECT used FROM amazon_quota WHERE credential = ? AND day = ? FOR UPDATE)
                    UPDATE amazon_quota q SET used = q.used + least(?, ? - current.used)
                    FROM current
                    WHERE q.credential = ? AND q.day = ? AND current.used < ?
                    RETURNING least(?, ? - current.used), q.used""",
                    (rs, i) -> new int[]{rs.getInt(1), rs.getInt(2)},
                    credential, day, requests, perDay, credential, day, perDay, requests, perDay);
            if (!granted.isEmpty()) {
                leftToday.set(Math.max(0, perDay - granted.get(0)[1]));
                return new Block(day, granted.get(0)[0]);
            }
            // No row yet (first call of the day), or the budget is spent: creating the row tells which.
            List<Integer> created = jdbc.queryForList("""
                    INSERT INTO amazon_quota (credential, day, used) VALUES (?, ?, least(?, ?))
                    ON CONFLICT (credential, day) DO NOTHING RETURNING used""", Integer.class,
                    credential, day, requests, perDay);
            if (!created.isEmpty()) {
                leftToday.set(Math.max(0, perDay - created.get(0)));
                return new Block(day, created.get(0));
            }
            // Someone else created it between the two statements: the UPDATE now finds it (or finds it full).
        }
        leftToday.set(0);
        return new Block(day, 0);
    }

    @Override
    public void giveBack(Block block, int unused) {
        if (unused <= 0 || block.day() == null) {
            return;
        }
        jdbc.update("UPDATE amazon_quota SET used = greatest(0, used - ?) WHERE credential = ? AND day = ?",
                unused, credential, block.day());
        if (block.day().equals(today())) {
            refreshLeft();
        }
    }

    /** The per-second part only: the request's daily count was taken by {@link #acquire} or {@link #reserve}. */
    @Override
    public void pace(String operation) {
        sleepUntil(pausedUntil);
        if (!limiter.acquirePermission()) {
            throw new QuotaExhaustedException("timed out waiting for a Creators API permit");
        }
        // Resilience4j hands out one permit per refresh cycle, so two calls can fall at the end of one cycle and the
        // start of the next, a few microseconds apart; Amazon counts per second, so also keep them 1/rate apart (and
        // a little more, see SEND_JITTER_HEADROOM).
        boolean slowed = clock.instant().isBefore(slowUntil);
        long gap = slowed ? 2 * spacingNanos : spacingNanos;
        long slot = nextSlot.getAndUpdate(previous -> Math.max(previous, System.nanoTime()) + gap);
        long wait = slot - System.nanoTime();
        if (wait > 0) {
            sleep(Duration.ofNanos(wait));
        }
        // This hub's own spacing first (it smooths the hub's threads), then the cluster's slot: other hubs and jobs
        // of the same credential draw from it too.
        ClusterPace shared = cluster;
        if (shared != null) {
            try {
                shared.await(slowed);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new QuotaExhaustedException("interrupted while waiting for the Creators API rate limit");
            }
        }
    }

    /** Shares the per-second pace with every hub of the cluster (see {@link ClusterPace}). */
    public AmazonQuota sharedBy(ClusterPace pace) {
        this.cluster = pace;
        return this;
    }

    @Override
    public void throttled(Duration retryAfter) {
        throttles.increment();
        Instant now = clock.instant();
        pausedUntil = now.plus(retryAfter);
        slowUntil = now.plus(retryAfter).plus(SLOW_FOR);
    }

    /** For tests and the benchmark: when calls may resume and until when they are slowed. */
    public Instant pausedUntil() {
        return pausedUntil;
    }

    public Instant slowUntil() {
        return slowUntil;
    }

    public long leftToday() {
        return leftToday.get();
    }

    private void refreshLeft() {
        List<Integer> used = jdbc.queryForList("SELECT used FROM amazon_quota WHERE credential = ? AND day = ?",
                Integer.class, credential, today());
        leftToday.set(Math.max(0, perDay - (used.isEmpty() ? 0 : used.get(0))));
    }

    private LocalDate today() {
        return LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
    }

    private void sleepUntil(Instant until) {
        Duration wait = Duration.between(clock.instant(), until);
        if (!wait.isNegative() && !wait.isZero()) {
            sleep(wait);
        }
    }

    private static void sleep(Duration wait) {
        try {
            Thread.sleep(wait.toMillis(), (int) (wait.toNanosPart() % 1_000_000));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new QuotaExhaustedException("interrupted while waiting for the Creators API rate limit");
        }
    }
}
