package io.caravan.amazon;

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
 * One credential's quota: requests per second as a sliding log of sends ({@link SendLog}; the whole cluster's in Redis
 * when the hubs share one, {@link ClusterPace}), requests per UTC day in PostgreSQL (so every instance and a restarted
 * one share the budget). A 429 stops all calls for its {@code retryAfterSeconds} plus one quiet window, then calls go
 * on at the full rate: the log already keeps every window at or under the rate, so a stray 429 (a request delayed
 * past the margin) is not a reason to lose half the quota for minutes.
 */
public class AmazonQuota implements Quota {

    /** Default {@code caravan.amazon.send-margin}: the log keeps 10 % of the rate free for jitter. */
    static final double DEFAULT_SEND_MARGIN = 0.10;
    /** The window stretch of the default margin, for the cluster's log: 1 / (1 - margin). */
    static final double SEND_JITTER_HEADROOM = 1 / (1 - DEFAULT_SEND_MARGIN);

    private final JdbcTemplate jdbc;
    private final String credential;
    private final int perDay;
    private final SendLog sends;
    private final Clock clock;
    private final AtomicLong leftToday;
    private final Counter throttles;
    private volatile Instant pausedUntil = Instant.EPOCH;
    /** The cluster-wide pace, when the hubs share one (caravan.cluster.budgets=redis). */
    private volatile ClusterPace cluster;

    public AmazonQuota(JdbcTemplate jdbc, String credential, double perSecond, int perDay, MeterRegistry meters, Clock clock) {
        this(jdbc, credential, perSecond, DEFAULT_SEND_MARGIN, perDay, meters, clock);
    }

    /** @param margin share of the rate kept free for jitter between this hub's send and Amazon's count (caravan.amazon.send-margin) */
    public AmazonQuota(JdbcTemplate jdbc, String credential, double perSecond, double margin, int perDay, MeterRegistry meters,
                       Clock clock) {
        this.jdbc = jdbc;
        this.credential = credential;
        this.perDay = perDay;
        this.clock = clock;
        this.sends = SendLog.forRate(perSecond, margin, 1, System::nanoTime);
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

    /**
     * The per-second part only (the request's daily count was taken by {@link #acquire} or {@link #reserve}): called
     * by the client right before the request is written, so the log records the moment it goes on the wire.
     */
    @Override
    public void pace(String operation) {
        try {
            // A 429 that came while this call waited for its place pauses it too (its place in the log is simply spent).
            do {
                sleepUntil(pausedUntil);
                ClusterPace shared = cluster;
                if (shared != null) {
                    // The cluster's log (this hub's sends are in it too), or this hub's share of the rate without Redis.
                    shared.await();
                } else {
                    sends.await();
                }
            } while (clock.instant().isBefore(pausedUntil));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new QuotaExhaustedException("interrupted while waiting for the Creators API rate limit");
        }
    }

    /** Shares the per-second pace with every hub of the cluster (see {@link ClusterPace}). */
    public AmazonQuota sharedBy(ClusterPace pace) {
        this.cluster = pace;
        return this;
    }

    /**
     * Amazon said 429: nothing goes out for {@code retryAfter}, then for one more window of the log (a quiet period,
     * so the receiver's count has surely moved on), then at the full rate again.
     */
    @Override
    public void throttled(Duration retryAfter) {
        throttles.increment();
        Instant until = clock.instant().plus(retryAfter).plus(sends.window());
        synchronized (this) {
            if (until.isAfter(pausedUntil)) {
                pausedUntil = until;
            }
        }
    }

    /** For tests and the benchmark: when calls may resume. */
    public Instant pausedUntil() {
        return pausedUntil;
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
