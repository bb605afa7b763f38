package io.caravan.amazon;

import static org.assertj.core.api.Assertions.assertThat;

import io.caravan.core.budget.ClusterBudgets;
import io.caravan.core.budget.ClusterProperties;
import io.caravan.support.OwnRedis;
import io.caravan.support.TestEnvironment;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The Creators API rate is the cluster's: two hubs (each with discovery and price checks calling at once, four
 * threads apiece) configured at 10 requests/s send at most 10 in any second together; without Redis a hub keeps to
 * its share. What is counted is the moment each send was logged (the pace returns it: Redis's clock, or the JVM's for
 * the local log), not a stamp taken after the pace returned: on a loaded machine a thread can wake late, and one late
 * stamp among sends spaced 0.11 s apart put 11 in a second that the log had kept at 10.
 */
class ClusterPaceTest {

    private static final double RATE = 10;

    private final String schema = TestEnvironment.newSchema();

    @AfterEach
    void drop() {
        TestEnvironment.dropSchema(schema);
    }

    @Test
    void twoHubsAtTheFullRateEachSendTheRateTogether() throws Exception {
        try (OwnRedis redis = new OwnRedis()) {
            ClusterProperties cluster = new ClusterProperties(ClusterProperties.Mode.redis, 2, Duration.ofSeconds(5), Duration.ofMinutes(2));
            List<ClusterPace> hubs = List.of(hub(redis, cluster), hub(redis, cluster));
            List<Long> sent = send(hubs, Duration.ofSeconds(4));

            assertThat(maxPerSecond(sent)).as("requests in any one second, both hubs together").isLessThanOrEqualTo(10);
            assertThat(maxPerWallClockSecond(sent)).as("requests per wall-clock second").isLessThanOrEqualTo(10);
            assertThat(sent.size()).as("the cluster still used its rate").isGreaterThanOrEqualTo(20);
        }
    }

    @Test
    void withoutRedisAHubKeepsToItsShare() throws Exception {
        try (OwnRedis redis = new OwnRedis()) {
            SimpleMeterRegistry meters = new SimpleMeterRegistry();
            ClusterProperties cluster = new ClusterProperties(ClusterProperties.Mode.redis, 2, Duration.ofSeconds(30), Duration.ofMinutes(2));
            ClusterPace pace = new ClusterPace(new ClusterBudgets(redis.template(), "{t}:budget:", Duration.ofMinutes(2)),
                    cluster, "cred-" + schema, RATE, AmazonQuota.SEND_JITTER_HEADROOM, meters);
            redis.stop();
            List<Long> sent = send(List.of(pace), Duration.ofSeconds(4));
            assertThat(maxPerSecond(sent)).as("half of 10/s with expected-instances 2").isLessThanOrEqualTo(5);
            assertThat(sent).hasSizeGreaterThanOrEqualTo(5);
            assertThat(meters.get("caravan.budget.fallback").tag("budget", "amazon").gauge().value()).isEqualTo(1.0);
        }
    }

    /**
     * Redis lost and back while a hub sends as fast as the pace lets it: Redis restarts empty and knows nothing of the
     * calls paced locally meanwhile, so for redis-retry plus a window a call needs its local slot as well; no second
     * sees more than the rate, and the gauge says 1 for the whole outage (not 0 while a retry waits for Redis).
     */
    @Test
    void losingAndRegainingRedisNeverOverfillsASecond() throws Exception {
        try (OwnRedis redis = new OwnRedis()) {
            SimpleMeterRegistry meters = new SimpleMeterRegistry();
            ClusterProperties cluster = new ClusterProperties(ClusterProperties.Mode.redis, 2, Duration.ofMillis(500), Duration.ofMinutes(2));
            ClusterPace pace = new ClusterPace(new ClusterBudgets(redis.template(), "{t}:budget:", Duration.ofMinutes(2)),
                    cluster, "cred-" + schema, RATE, AmazonQuota.SEND_JITTER_HEADROOM, meters);
            java.util.concurrent.CompletableFuture<List<Long>> driven = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                try {
                    return send(List.of(pace), Duration.ofMillis(7000));
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            });
            Thread.sleep(1500);
            redis.stop();
            List<Double> gauge = new ArrayList<>();
            for (int i = 0; i < 20; i++) { // 2 s of the outage, through several retries
                Thread.sleep(100);
                gauge.add(meters.get("caravan.budget.fallback").tag("budget", "amazon").gauge().value());
            }
            redis.start();
            List<Long> sent = new ArrayList<>(driven.get(60, TimeUnit.SECONDS));
            assertThat(gauge.subList(10, 20)).as("fallback gauge during the outage, once it noticed").containsOnly(1.0);
            // Lettuce reconnects with a growing back-off: on a busy machine the drive may end before it is back. The hub
            // goes on pacing, and a call after the reconnect finds Redis again.
            List<Long> probes = Collections.synchronizedList(new ArrayList<>());
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() -> {
                probes.addAll(send(List.of(pace), Duration.ofMillis(200)));
                return meters.get("caravan.budget.fallback").tag("budget", "amazon").gauge().value() == 0.0;
            });
            List<Long> after = send(List.of(pace), Duration.ofMillis(3000));
            sent.addAll(probes);
            sent.addAll(after);
            sent.sort(null);
            assertThat(maxPerSecond(sent)).as("requests in any one second, across both switches").isLessThanOrEqualTo(10);
            long end = after.stream().mapToLong(Long::longValue).max().orElseThrow();
            assertThat(after.stream().filter(at -> at > end - 1_000_000).count()).as("the last second: the full rate again").isGreaterThan(5);
        }
    }

    /**
     * While Redis is down every retry of it takes a place in the local log first and then waits out the Redis call's
     * timeout (500 ms here) before failing: the request must not then go out under that old place, which the log counted
     * half a second before it leaves, beside the places taken since. Each send leaves well within that half second of
     * being counted (the bound leaves room for a thread descheduled between the pace's return and the test's stamp).
     */
    @Test
    void aRetryThatFailsDoesNotSendUnderItsOldLocalPlace() throws Exception {
        try (OwnRedis redis = new OwnRedis()) {
            ClusterProperties cluster = new ClusterProperties(ClusterProperties.Mode.redis, 2, Duration.ofMillis(100), Duration.ofMinutes(2));
            ClusterPace pace = new ClusterPace(new ClusterBudgets(redis.template(), "{t}:budget:", Duration.ofMinutes(2)),
                    cluster, "cred-" + schema, RATE, AmazonQuota.SEND_JITTER_HEADROOM, new SimpleMeterRegistry());
            pace.await(); // connected: Redis then goes away under an open connection, as in a running hub
            redis.stop();
            List<Long> lateness = Collections.synchronizedList(new ArrayList<>());
            long end = System.nanoTime() + Duration.ofSeconds(4).toNanos();
            ExecutorService pool = Executors.newFixedThreadPool(4);
            for (int t = 0; t < 4; t++) {
                pool.execute(() -> {
                    while (System.nanoTime() < end) {
                        try {
                            long counted = pace.await();
                            lateness.add(ClusterPace.epochMicros(System.nanoTime()) - counted);
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                });
            }
            pool.shutdown();
            assertThat(pool.awaitTermination(40, TimeUnit.SECONDS)).isTrue();
            assertThat(lateness).as("sends during the outage").hasSizeGreaterThanOrEqualTo(5);
            assertThat(Collections.max(lateness)).as("microseconds from the log's count to the send, at most").isLessThan(400_000);
        }
    }

    private ClusterPace hub(OwnRedis redis, ClusterProperties cluster) {
        return new ClusterPace(new ClusterBudgets(redis.template(), "{t}:budget:", Duration.ofMinutes(2)), cluster,
                "cred-" + schema, RATE, AmazonQuota.SEND_JITTER_HEADROOM, new SimpleMeterRegistry());
    }

    /** Four threads per hub call the pace as fast as it lets them; returns the moments it logged (epoch micros). */
    private static List<Long> send(List<ClusterPace> hubs, Duration length) throws InterruptedException {
        List<Long> sent = Collections.synchronizedList(new ArrayList<>());
        long end = System.nanoTime() + length.toNanos();
        ExecutorService pool = Executors.newFixedThreadPool(hubs.size() * 4);
        for (ClusterPace hub : hubs) {
            for (int t = 0; t < 4; t++) {
                pool.execute(() -> {
                    while (System.nanoTime() < end) {
                        try {
                            sent.add(hub.await());
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                            return;
                        }
                    }
                });
            }
        }
        pool.shutdown();
        assertThat(pool.awaitTermination(length.toSeconds() + 30, TimeUnit.SECONDS)).isTrue();
        return sent;
    }

    private static int maxPerSecond(List<Long> sent) {
        List<Long> times = sent.stream().sorted().toList();
        int max = 0;
        for (int i = 0, start = 0; i < times.size(); i++) {
            while (times.get(i) - times.get(start) >= 1_000_000) {
                start++;
            }
            max = Math.max(max, i - start + 1);
        }
        return max;
    }

    private static int maxPerWallClockSecond(List<Long> sent) {
        Map<Long, Integer> perSecond = new TreeMap<>();
        sent.forEach(at -> perSecond.merge(at / 1_000_000, 1, Integer::sum));
        return perSecond.values().stream().max(Integer::compare).orElse(0);
    }
}
