package io.caravan.amazon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.caravan.support.TestEnvironment;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/** The daily budget lives in PostgreSQL: two instances (or a restarted one) share it. */
class AmazonQuotaTest {

    private final String schema = TestEnvironment.newSchema();
    private JdbcTemplate jdbc;

    @BeforeEach
    void table() {
        DriverManagerDataSource data = new DriverManagerDataSource(TestEnvironment.jdbcUrl(schema), TestEnvironment.PG_USER,
                TestEnvironment.PG_PASSWORD);
        jdbc = new JdbcTemplate(data);
        jdbc.execute("CREATE SCHEMA IF NOT EXISTS " + schema);
        jdbc.execute("CREATE TABLE amazon_quota (credential TEXT NOT NULL, day DATE NOT NULL, used INT NOT NULL DEFAULT 0, PRIMARY KEY (credential, day))");
    }

    @AfterEach
    void drop() {
        TestEnvironment.dropSchema(schema);
    }

    @Test
    void twoInstancesShareTheDailyBudgetAndStopAtIt() {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        AmazonQuota first = new AmazonQuota(jdbc, "cred-a", 100, 5, meters, Clock.systemUTC());
        AmazonQuota second = new AmazonQuota(jdbc, "cred-a", 100, 5, new SimpleMeterRegistry(), Clock.systemUTC());
        first.acquire("getItems");
        first.acquire("getItems");
        second.acquire("getItems");
        second.acquire("getItems");
        first.acquire("getItems");

        QuotaExhaustedException error = catchThrowableOfType(QuotaExhaustedException.class, () -> second.acquire("getItems"));
        assertThat(error).hasMessageContaining("caravan.amazon.requests-per-day");
        assertThat(jdbc.queryForObject("SELECT used FROM amazon_quota WHERE credential = 'cred-a'", Integer.class)).isEqualTo(5);
        assertThat(meters.get("caravan_amazon_quota_left_today").gauge().value()).isZero();

        AmazonQuota restarted = new AmazonQuota(jdbc, "cred-a", 100, 5, new SimpleMeterRegistry(), Clock.systemUTC());
        assertThat(restarted.leftToday()).isZero();
        AmazonQuota otherCredential = new AmazonQuota(jdbc, "cred-b", 100, 5, new SimpleMeterRegistry(), Clock.systemUTC());
        otherCredential.acquire("getItems");
        assertThat(otherCredential.leftToday()).isEqualTo(4);
    }

    @Test
    void holdsTheRatePerSecondAndWaitsOutAThrottle() {
        AmazonQuota quota = new AmazonQuota(jdbc, "cred-rate", 10, 1000, new SimpleMeterRegistry(), Clock.systemUTC());
        long start = System.nanoTime();
        for (int i = 0; i < 11; i++) {
            quota.acquire("getItems");
        }
        assertThat(Duration.ofNanos(System.nanoTime() - start)).as("11 calls at 10/s take about a second").isGreaterThan(Duration.ofMillis(900));

        quota.throttled(Duration.ofMillis(1500));
        Instant throttledAt = Instant.now();
        quota.acquire("getItems");
        assertThat(Duration.between(throttledAt, Instant.now())).isGreaterThanOrEqualTo(Duration.ofMillis(1400));
    }

    /**
     * A 429 with retryAfterSeconds pauses every call for that long plus one quiet window of the send log, then calls go
     * at the full rate: not half of it for ten minutes, which turned one late packet into twenty minutes of half quota.
     */
    @Test
    void aThrottlePausesForRetryAfterThenTheFullRateResumesAfterAQuietWindow() {
        AmazonQuota quota = new AmazonQuota(jdbc, "cred-resume", 10, 1000, new SimpleMeterRegistry(), Clock.systemUTC());
        quota.acquire("getItems");
        Instant throttledAt = Instant.now();
        quota.throttled(Duration.ofSeconds(1));
        Duration window = SendLog.window(10, AmazonQuota.DEFAULT_SEND_MARGIN);
        assertThat(quota.pausedUntil()).isAfterOrEqualTo(throttledAt.plusSeconds(1).plus(window))
                .isBefore(throttledAt.plusSeconds(1).plus(window).plusMillis(500));

        quota.acquire("getItems");
        Instant resumed = Instant.now();
        assertThat(resumed).as("nothing before retryAfterSeconds and the quiet window").isAfterOrEqualTo(throttledAt.plusSeconds(1).plus(window));
        int sent = 1;
        while (Duration.between(resumed, Instant.now()).compareTo(Duration.ofSeconds(2)) < 0) {
            quota.acquire("getItems");
            sent++;
        }
        // 10/s less the 10 % margin is 18 in two seconds; half the rate would be 9.
        assertThat(sent).as("calls in the two seconds after the pause").isGreaterThanOrEqualTo(13);
    }

    @Test
    void blocksGrantWhatIsLeftAcrossInstancesAndUnsentCallsComeBack() {
        AmazonQuota first = new AmazonQuota(jdbc, "cred-blocks", 100, 10, new SimpleMeterRegistry(), Clock.systemUTC());
        AmazonQuota second = new AmazonQuota(jdbc, "cred-blocks", 100, 10, new SimpleMeterRegistry(), Clock.systemUTC());

        Quota.Block a = first.reserve(4);
        Quota.Block b = second.reserve(5);
        Quota.Block c = first.reserve(4);
        Quota.Block d = second.reserve(1);

        assertThat(List.of(a.granted(), b.granted(), c.granted(), d.granted())).containsExactly(4, 5, 1, 0);
        assertThat(used("cred-blocks")).isEqualTo(10);
        assertThat(first.leftToday()).isZero();

        first.giveBack(a, 3);
        assertThat(used("cred-blocks")).as("three of the first block never went out").isEqualTo(7);
        assertThat(second.reserve(5).granted()).isEqualTo(3);
        assertThat(catchThrowableOfType(QuotaExhaustedException.class, () -> second.acquire("getItems"))).isNotNull();
    }

    @Test
    void concurrentBlocksNeverExceedTheDailyBudget() throws Exception {
        int perDay = 100;
        List<AmazonQuota> instances = List.of(
                new AmazonQuota(jdbc, "cred-race", 100, perDay, new SimpleMeterRegistry(), Clock.systemUTC()),
                new AmazonQuota(jdbc, "cred-race", 100, perDay, new SimpleMeterRegistry(), Clock.systemUTC()));
        ExecutorService pool = Executors.newFixedThreadPool(6);
        try {
            List<Future<Integer>> granted = new ArrayList<>();
            for (int t = 0; t < 6; t++) {
                AmazonQuota quota = instances.get(t % 2);
                granted.add(pool.submit(() -> {
                    int total = 0;
                    for (int g = quota.reserve(7).granted(); g > 0; g = quota.reserve(7).granted()) {
                        total += g;
                    }
                    return total;
                }));
            }
            int total = 0;
            for (Future<Integer> f : granted) {
                total += f.get();
            }
            assertThat(total).isEqualTo(perDay);
            assertThat(used("cred-race")).isEqualTo(perDay);
        } finally {
            pool.shutdownNow();
        }
    }

    private int used(String credential) {
        return jdbc.queryForObject("SELECT used FROM amazon_quota WHERE credential = ?", Integer.class, credential);
    }
}
