package io.caravan.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.caravan.support.Hubs;
import io.caravan.support.TestEnvironment;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The README offers SPRING_DATASOURCE_URL; a plain one, without {@code currentSchema}, must work: the hub's tables
 * are found in caravan.db.schema whatever the URL says (they used to be looked for in {@code public}).
 */
class PlainDatasourceUrlIT {

    private final String schema = TestEnvironment.newSchema();
    private ConfigurableApplicationContext hub;

    @AfterEach
    void stop() {
        if (hub != null) {
            hub.close();
        }
        TestEnvironment.dropSchema(schema);
    }

    @Test
    void aUrlWithoutCurrentSchemaFindsTheHubsOwnTables() throws Exception {
        hub = Hubs.start(schema, Map.of(
                "spring.datasource.url", "jdbc:postgresql://" + TestEnvironment.PG_HOST + ":" + TestEnvironment.PG_PORT + "/" + TestEnvironment.PG_DATABASE,
                "caravan.jobs.heartbeat.cron", "0 0 0 1 1 ? 2099",
                "caravan.jobs.heartbeat.endpoint", "direct:heartbeat"));
        JdbcTemplate jdbc = hub.getBean(JdbcTemplate.class);
        assertThat(jdbc.queryForObject("SHOW search_path", String.class)).startsWith("\"" + schema + "\"");
        assertThat(jdbc.queryForObject("SELECT to_regclass('public.outbox') IS NULL AND to_regclass('outbox') IS NOT NULL", Boolean.class))
                .as("outbox is the hub's own, in " + schema).isTrue();

        String base = "http://127.0.0.1:" + hub.getEnvironment().getProperty("local.server.port");
        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<String> jobs = http.send(HttpRequest.newBuilder(URI.create(base + "/api/jobs"))
                .header("Authorization", "Bearer " + TestEnvironment.ADMIN_TOKEN).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(jobs.statusCode()).as(jobs.body()).isEqualTo(200);
        assertThat(jobs.body()).contains("heartbeat");

        HttpResponse<String> run = http.send(HttpRequest.newBuilder(URI.create(base + "/api/jobs/heartbeat/run"))
                .header("Authorization", "Bearer " + TestEnvironment.ADMIN_TOKEN).POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(run.statusCode()).as(run.body()).isEqualTo(202);
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> jdbc.queryForObject(
                "SELECT count(*) FROM \"" + schema + "\".job_runs WHERE job = 'heartbeat' AND status = 'succeeded'", Integer.class) == 1);
        HttpResponse<String> readiness = http.send(HttpRequest.newBuilder(URI.create(base + "/actuator/health/readiness")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(readiness.statusCode()).as(readiness.body()).isEqualTo(200);
    }
}
