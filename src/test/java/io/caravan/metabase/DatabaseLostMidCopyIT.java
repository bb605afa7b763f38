package io.caravan.metabase;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.caravan.ops.JobRun;
import io.caravan.ops.JobRunRepository;
import io.caravan.ops.JobRunner;
import io.caravan.support.Hubs;
import io.caravan.support.TestEnvironment;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The database connection of a card's load dies in the middle of the COPY while Metabase is still streaming a long
 * export: the run ends within seconds (the HTTP exchange is aborted, not drained to its end) and its error says the
 * database connection was lost, not that the data did not fit.
 */
class DatabaseLostMidCopyIT {

    private static final int ROWS = 60_000;
    private static final Duration EXPORT_TAKES = Duration.ofSeconds(40);

    private final WireMockServer metabase = new WireMockServer(options().dynamicPort());
    private final String schema = TestEnvironment.newSchema();
    private final String target = "lost_" + schema;
    private ConfigurableApplicationContext hub;

    @AfterEach
    void stop() {
        if (hub != null) {
            hub.close();
        }
        metabase.stop();
        TestEnvironment.dropSchema(schema);
        TestEnvironment.dropSchema(target);
    }

    @Test
    void aLoadWhoseConnectionIsTerminatedMidCopyEndsWithinSecondsAsADatabaseFailure() {
        metabase.start();
        metabase.stubFor(get(urlPathEqualTo("/api/card/501")).withQueryParam("ignore_view", equalTo("true"))
                .willReturn(okJson("{\"id\":501,\"result_metadata\":[{\"name\":\"id\",\"display_name\":\"ID\",\"base_type\":\"type/Integer\"},"
                        + "{\"name\":\"name\",\"display_name\":\"Name\",\"base_type\":\"type/Text\"}]}")));
        StringBuilder csv = new StringBuilder("ID,Name\n");
        for (int i = 1; i <= ROWS; i++) {
            csv.append(i).append(",vendor number ").append(i).append('\n');
        }
        metabase.stubFor(post(urlEqualTo("/api/card/501/query/csv")).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "text/csv").withBody(csv.toString())
                .withChunkedDribbleDelay(400, (int) EXPORT_TAKES.toMillis())));
        hub = Hubs.start(schema, Map.of(
                "caravan.metabase.url", metabase.baseUrl(),
                "caravan.metabase.api-key", "mb_lost_key",
                "caravan.metabase.cards[0].name", "big",
                "caravan.metabase.cards[0].id", "501",
                "caravan.metabase.cards[0].schema", target,
                "caravan.metabase.cards[0].mode", "replace",
                "caravan.jobs.metabase-big.enabled", "false"));
        JdbcTemplate jdbc = hub.getBean(JdbcTemplate.class);
        JobRunRepository runs = hub.getBean(JobRunRepository.class);

        long run = hub.getBean(JobRunner.class).startNow("metabase-big");
        // The load's COPY, a few thousand rows in.
        Integer copying = Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(() -> {
            List<Integer> pids = jdbc.queryForList("SELECT pid FROM pg_stat_activity WHERE query LIKE 'COPY %' AND query LIKE ?",
                    Integer.class, "%" + target + "%");
            return pids.isEmpty() ? null : pids.get(0);
        }, pid -> pid != null);
        // Some rows in, counted by PostgreSQL's COPY progress view rather than waited for.
        Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(() -> jdbc.queryForObject(
                "SELECT coalesce(max(tuples_processed), 0) FROM pg_stat_progress_copy WHERE pid = ?", Long.class, copying) >= 2_000);

        long cut = System.nanoTime();
        assertThat(jdbc.queryForObject("SELECT pg_terminate_backend(?)", Boolean.class, copying)).isTrue();
        JobRun failed = Awaitility.await().atMost(EXPORT_TAKES).pollInterval(Duration.ofMillis(100))
                .until(() -> runs.find(run).orElseThrow(), r -> !r.status().equals("running"));
        Duration took = Duration.ofNanos(System.nanoTime() - cut);
        System.out.printf("run %s %d ms after its COPY's connection was terminated: %s%n", failed.status(), took.toMillis(), failed.error());

        assertThat(took).as("final within seconds, not at the end of the %s export", EXPORT_TAKES).isLessThan(Duration.ofSeconds(8));
        assertThat(failed.status()).isEqualTo("failed");
        assertThat(failed.error()).containsIgnoringCase("database connection was lost").doesNotContain("does not fit");
        assertThat(jdbc.queryForObject("SELECT error FROM sync_runs WHERE card = 'big'", String.class))
                .containsIgnoringCase("database connection was lost");
        assertThat(jdbc.queryForObject("SELECT to_regclass(?) IS NULL", Boolean.class, "\"" + target + "\".big"))
                .as("nothing half-loaded").isTrue();
    }
}
