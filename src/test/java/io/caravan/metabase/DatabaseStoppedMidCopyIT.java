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
import io.caravan.support.OwnPostgres;
import io.caravan.support.TestEnvironment;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The hub's PostgreSQL (one of this test's own) stops in the middle of a card's COPY and starts again 10 s later.
 * While it is away the failure path's own writes (sync_runs, job_runs) fail too; the run must still end 'failed' with
 * its first error, the lost connection during the COPY of the card, never the failure path's UPDATE.
 */
@ExtendWith(OutputCaptureExtension.class)
class DatabaseStoppedMidCopyIT {

    private static final int ROWS = 60_000;
    private static final Duration EXPORT_TAKES = Duration.ofSeconds(60);
    private static final Duration OUTAGE = Duration.ofSeconds(10);

    private final WireMockServer metabase = new WireMockServer(options().dynamicPort());
    private final String schema = TestEnvironment.newSchema();
    private final String target = "stopped_" + schema;
    private OwnPostgres postgres;
    private ConfigurableApplicationContext hub;

    @AfterEach
    void stop() throws Exception {
        if (hub != null) {
            hub.close();
        }
        metabase.stop();
        if (postgres != null) {
            postgres.close();
        }
    }

    @Test
    void theRunKeepsTheLostConnectionAsItsErrorWhenItsFailurePathCannotWriteEither(CapturedOutput output) throws Exception {
        postgres = new OwnPostgres();
        metabase.start();
        metabase.stubFor(get(urlPathEqualTo("/api/card/502")).withQueryParam("ignore_view", equalTo("true"))
                .willReturn(okJson("{\"id\":502,\"result_metadata\":[{\"name\":\"id\",\"display_name\":\"ID\",\"base_type\":\"type/Integer\"},"
                        + "{\"name\":\"name\",\"display_name\":\"Name\",\"base_type\":\"type/Text\"}]}")));
        StringBuilder csv = new StringBuilder("ID,Name\n");
        for (int i = 1; i <= ROWS; i++) {
            csv.append(i).append(",vendor number ").append(i).append('\n');
        }
        metabase.stubFor(post(urlEqualTo("/api/card/502/query/csv")).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "text/csv").withBody(csv.toString())
                .withChunkedDribbleDelay(600, (int) EXPORT_TAKES.toMillis())));
        hub = Hubs.start(schema, Map.of(
                "spring.datasource.url", postgres.jdbcUrl(schema),
                // While the database is away a write fails in 2 s instead of waiting out the outage on the pool.
                "spring.datasource.hikari.connection-timeout", "2000",
                "caravan.metabase.url", metabase.baseUrl(),
                "caravan.metabase.api-key", "mb_stopped_key",
                "caravan.metabase.cards[0].name", "big",
                "caravan.metabase.cards[0].id", "502",
                "caravan.metabase.cards[0].schema", target,
                "caravan.metabase.cards[0].mode", "replace",
                "caravan.jobs.metabase-big.enabled", "false"));
        JdbcTemplate jdbc = hub.getBean(JdbcTemplate.class);
        JobRunRepository runs = hub.getBean(JobRunRepository.class);

        long run = hub.getBean(JobRunner.class).startNow("metabase-big");
        Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(() -> {
            List<Integer> pids = jdbc.queryForList("SELECT pid FROM pg_stat_activity WHERE query LIKE 'COPY %' AND query LIKE ?",
                    Integer.class, "%" + target + "%");
            return !pids.isEmpty();
        });
        Awaitility.await().pollDelay(Duration.ofSeconds(3)).until(() -> true); // some thousands of rows into the COPY

        postgres.stop();
        Awaitility.await().pollDelay(OUTAGE).atMost(OUTAGE.plusSeconds(5)).until(() -> true);
        postgres.start();

        JobRun failed = Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250)).ignoreExceptions()
                .until(() -> runs.find(run).orElseThrow(), r -> !r.status().equals("running"));
        String syncError = jdbc.queryForObject("SELECT error FROM sync_runs WHERE card = 'big'", String.class);
        System.out.printf("run %s: %s%nsync_runs: %s%n", failed.status(), failed.error(), syncError);

        assertThat(failed.status()).isEqualTo("failed");
        for (String error : List.of(failed.error(), syncError)) {
            assertThat(error).matches("(?s).*the database connection was lost during the COPY of card big after [1-9][0-9]* rows.*")
                    .doesNotContain("UPDATE sync_runs").doesNotContain("UPDATE job_runs").doesNotContain("PreparedStatementCallback");
        }
        assertThat(output.getAll()).as("the failure path's own failure is logged apart")
                .containsPattern("Could not record (sync_runs|job metabase-big run)");
        assertThat(jdbc.queryForObject("SELECT to_regclass(?) IS NULL", Boolean.class, "\"" + target + "\".big"))
                .as("nothing half-loaded").isTrue();
    }
}
