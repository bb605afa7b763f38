package dev.caravan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.caravan.support.EmbeddedServices;
import io.caravan.support.EmbeddedServices.PgAddress;
import io.caravan.support.RedisCli;
import io.caravan.support.TestEnvironment;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The fresh-machine path of {@code ./mvnw spring-boot:test-run}, whatever this machine runs: the dev hub started as
 * {@code main} starts it, with {@code caravan.embedded=always}, on an embedded PostgreSQL and an embedded Redis of
 * its own. It syncs a card, checks prices and posts a deal; stopping it stops both; a second start on the same
 * data folder finds the first run's data.
 */
class EmbeddedDevModeIT {

    private static final Duration LIMIT = Duration.ofMinutes(2);

    @TempDir
    Path dir;

    @Test
    void aDevHubOnEmbeddedPostgresAndRedisSyncsACardChecksPricesAndPostsADeal() throws Exception {
        Path data = dir.resolve("postgres");
        Instant started = Instant.now();
        ConfigurableApplicationContext hub = DevCaravan.start("--caravan.embedded=always",
                "--caravan.embedded.data-dir=" + data, "--server.port=0", "--management.server.port=",
                "--caravan.instance-name=embedded-" + TestEnvironment.newSchema());
        PgAddress postgres = PgAddress.of(hub.getEnvironment().getProperty("spring.datasource.url"));
        int redisPort = hub.getEnvironment().getProperty("spring.data.redis.port", Integer.class);
        try {
            assertThat(postgres.host()).isEqualTo("127.0.0.1");
            assertThat(postgres.port()).as("not the PostgreSQL the other tests use")
                    .isNotEqualTo(Integer.parseInt(TestEnvironment.PG_PORT));
            assertThat(redisPort).as("not the Redis the other tests use").isNotEqualTo(TestEnvironment.REDIS_PORT);
            assertThat(Files.exists(data.resolve("PG_VERSION"))).as("data in the configured folder").isTrue();
            JdbcTemplate jdbc = hub.getBean(JdbcTemplate.class);

            await("a card synced").atMost(LIMIT).pollInterval(Duration.ofMillis(500))
                    .until(() -> count(jdbc, "SELECT count(*) FROM metabase.vendors"), rows -> rows > 0);
            await("prices checked").atMost(LIMIT).pollInterval(Duration.ofMillis(500))
                    .until(() -> count(jdbc, "SELECT count(*) FROM caravan_dev.price_history"), rows -> rows > 0);
            FakeTelegram.Sent post = await("a deal posted").atMost(LIMIT).pollInterval(Duration.ofMillis(500))
                    .until(() -> firstChannelPostAfter(started), Optional::isPresent).orElseThrow();
            assertThat(post.text()).contains("%");
            // The hub records the post once Telegram's answer is back: a moment after the fake has it.
            await("the post recorded").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                    .until(() -> count(jdbc, "SELECT count(*) FROM caravan_dev.telegram_posts"), rows -> rows > 0);
            assertThat(RedisCli.call("127.0.0.1", redisPort, "PING")).isEqualTo("PONG");

            String port = hub.getEnvironment().getProperty("local.server.port");
            HttpResponse<String> ready = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + port + "/actuator/health/readiness")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(ready.body()).contains("\"status\":\"UP\"");
        } finally {
            hub.close();
        }
        assertThat(EmbeddedServices.answers("127.0.0.1", postgres.port())).as("PostgreSQL stopped with the hub").isFalse();
        assertThat(EmbeddedServices.answers("127.0.0.1", redisPort)).as("Redis stopped with the hub").isFalse();

        EmbeddedPostgres again = EmbeddedServices.startPostgres(data);
        try (Connection connection = again.getDatabase(EmbeddedServices.USER, EmbeddedServices.DATABASE).getConnection();
             Statement statement = connection.createStatement();
             ResultSet products = statement.executeQuery("SELECT count(*) FROM caravan_dev.products")) {
            products.next();
            assertThat(products.getLong(1)).as("a second run continues with the first run's data").isPositive();
        } finally {
            again.close();
        }
    }

    private static long count(JdbcTemplate jdbc, String sql) {
        try {
            return jdbc.queryForObject(sql, Long.class);
        } catch (org.springframework.jdbc.BadSqlGrammarException notYet) {
            return 0;
        }
    }

    private static Optional<FakeTelegram.Sent> firstChannelPostAfter(Instant started) {
        return DevConfiguration.TELEGRAM.sentNewestFirst().stream()
                .filter(m -> m.at().isAfter(started) && m.chatId().startsWith("@caravan_") && m.method().startsWith("send"))
                .reduce((newer, older) -> older);
    }
}
