package io.caravan.cache;

import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.ok;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.caravan.outbox.Outbox;
import io.caravan.support.Hubs;
import io.caravan.support.OwnRedis;
import io.caravan.support.RedisCli;
import io.caravan.support.TestEnvironment;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Redis goes away while a dataset changes: the outbox keeps the invalidation and retries it, and once a Redis comes
 * back (a second redis-server of this test's own, embedded-redis's binary, restarted with its saved keys) the keys are dropped and the
 * dataset's warm-up URL is fetched. Nothing is lost.
 */
class RedisOutageIT {

    private final WireMockServer dashboards = new WireMockServer(options().dynamicPort());
    private final String schema = TestEnvironment.newSchema();
    private OwnRedis redis;
    private ConfigurableApplicationContext hub;

    @AfterEach
    void stop() throws Exception {
        if (hub != null) {
            hub.close();
        }
        if (redis != null) {
            redis.close();
        }
        dashboards.stop();
        TestEnvironment.dropSchema(schema);
    }

    @Test
    void theInvalidationWaitsForRedisAndHappensWhenItReturns() throws Exception {
        dashboards.start();
        dashboards.stubFor(get(urlEqualTo("/api/dashboards/vendors")).willReturn(ok("warm")));
        redis = new OwnRedis();
        cli("SET", "vendors:list", "cached");
        for (int i = 0; i < 50; i++) {
            cli("SET", "dash:vendors:" + i, "v");
        }
        cli("SADD", CacheInvalidator.TAG_PREFIX + "vendors", "vendor:1", "vendor:2");
        cli("SET", "vendor:1", "a");
        cli("SET", "vendor:2", "b");
        cli("SET", "dash:orders:1", "stays");
        cli("SAVE");
        redis.stop();

        hub = Hubs.start(schema, Map.of(
                "spring.data.redis.port", String.valueOf(redis.port()),
                "spring.data.redis.timeout", "500ms",
                "caravan.outbox.initial-backoff", "300ms",
                "caravan.outbox.max-backoff", "1s",
                "caravan.outbox.poll-interval", "300ms"));
        JdbcTemplate jdbc = hub.getBean(JdbcTemplate.class);
        hub.getBean(TransactionTemplate.class).executeWithoutResult(status -> hub.getBean(Outbox.class).publish("dataset.changed", Map.of(
                "dataset", "metabase.vendors",
                "keys", List.of("vendors:list"),
                "patterns", List.of("dash:vendors:*"),
                "tags", List.of("vendors"),
                "warmUrls", List.of(dashboards.baseUrl() + "/api/dashboards/vendors"))));

        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> jdbc.queryForObject(
                "SELECT attempts FROM outbox WHERE type = 'dataset.changed'", Integer.class) >= 2);
        assertThat(jdbc.queryForObject("SELECT done_at IS NULL FROM outbox WHERE type = 'dataset.changed'", Boolean.class)).isTrue();
        assertThat(jdbc.queryForObject("SELECT last_error FROM outbox WHERE type = 'dataset.changed'", String.class)).isNotBlank();
        assertThat(jdbc.queryForObject("SELECT count(*) FROM dead_letters", Integer.class)).isZero();
        dashboards.verify(0, getRequestedFor(urlEqualTo("/api/dashboards/vendors")));

        redis.start();
        assertThat(cli("EXISTS", "vendors:list")).as("Redis came back with its keys").isEqualTo("1");

        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> jdbc.queryForObject(
                "SELECT done_at IS NOT NULL FROM outbox WHERE type = 'dataset.changed'", Boolean.class));
        assertThat(cli("EXISTS", "vendors:list", "vendor:1", "vendor:2", CacheInvalidator.TAG_PREFIX + "vendors")).isEqualTo("0");
        assertThat(cli("KEYS", "dash:*")).isEqualTo("dash:orders:1");
        dashboards.verify(1, getRequestedFor(urlEqualTo("/api/dashboards/vendors")));
    }

    /** One command, answered as redis-cli prints it (integers and strings bare, arrays one item a line). */
    private String cli(String... command) throws IOException {
        return RedisCli.call("127.0.0.1", redis.port(), command);
    }
}
