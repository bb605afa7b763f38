package io.caravan.ops;

import static io.caravan.support.TestEnvironment.ADMIN_TOKEN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.caravan.support.Hubs;
import io.caravan.support.TestEnvironment;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

/** An engineer's route file that starts from: quartz: is a job like the built-in ones, with no Java and no settings. */
class RouteFileJobIT {

    private static final String ROUTE = """
            - route:
                id: engineers-tick
                description: "An engineer's own job"
                from:
                  uri: quartz:caravan/engineers-tick
                  parameters:
                    cron: "* * * * * ?"
                    trigger.timeZone: Europe/Istanbul
                  steps:
                    - setBody:
                        constant: 3
                    - log:
                        message: "engineers-tick run ${header.CaravanRunId}"
            """;

    private final HttpClient http = HttpClient.newHttpClient();
    private final ObjectMapper json = new ObjectMapper();

    @Test
    void aDroppedInQuartzRouteIsListedPausedResumedRunAndRecorded(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("engineers-tick.yaml"), ROUTE);
        String schema = TestEnvironment.newSchema();
        try (ConfigurableApplicationContext hub = Hubs.start(schema, Map.of("caravan.routes.dir", dir.toString()))) {
            String base = "http://127.0.0.1:" + hub.getEnvironment().getProperty("local.server.port");
            JdbcTemplate jdbc = hub.getBean(JdbcTemplate.class);

            JsonNode job = find(json.readTree(call(base, "GET", "/api/jobs").body()), "engineers-tick");
            assertThat(job.get("schedule").asText()).isEqualTo("* * * * * ?");
            assertThat(job.get("timeZone").asText()).isEqualTo("Europe/Istanbul");
            assertThat(job.get("description").asText()).isEqualTo("An engineer's own job");

            // Scheduled fires are recorded with their fire time and the body as the row count.
            await().atMost(Duration.ofSeconds(20)).until(() -> count(jdbc,
                    "trigger = 'schedule' AND status = 'succeeded' AND rows = 3 AND scheduled_for IS NOT NULL") >= 2);

            assertThat(call(base, "POST", "/api/jobs/engineers-tick/pause").statusCode()).isEqualTo(200);
            // A fire already past the pause check may still finish: wait until nothing runs and the count has held.
            AtomicLong seen = new AtomicLong(-1);
            await().atMost(Duration.ofSeconds(30)).during(Duration.ofMillis(1500)).pollInterval(Duration.ofMillis(100))
                    .until(() -> {
                        long now = count(jdbc, "true");
                        return count(jdbc, "status = 'running'") == 0 && seen.getAndSet(now) == now;
                    });
            long whilePaused = count(jdbc, "true");
            Thread.sleep(2500);
            assertThat(count(jdbc, "true")).as("runs while paused").isEqualTo(whilePaused);
            assertThat(hub.getBean(JobStateRepository.class).isPaused("engineers-tick")).isTrue();

            HttpResponse<String> started = call(base, "POST", "/api/jobs/engineers-tick/run");
            assertThat(started.statusCode()).as("run now, even while paused").isEqualTo(202);
            long runId = json.readTree(started.body()).get("runId").asLong();
            await().atMost(Duration.ofSeconds(10)).until(() -> "succeeded".equals(
                    json.readTree(call(base, "GET", "/api/runs/" + runId).body()).get("status").asText()));
            JsonNode run = json.readTree(call(base, "GET", "/api/runs/" + runId).body());
            assertThat(run.get("trigger").asText()).isEqualTo("manual");
            assertThat(run.get("rows").asLong()).isEqualTo(3);

            assertThat(call(base, "POST", "/api/jobs/engineers-tick/resume").statusCode()).isEqualTo(200);
            long resumedAt = count(jdbc, "trigger = 'schedule'");
            await().atMost(Duration.ofSeconds(20)).until(() -> count(jdbc, "trigger = 'schedule'") > resumedAt);

            String metrics = call(base, "GET", "/actuator/prometheus").body();
            assertThat(metrics).contains("caravan_job_runs_total{application=\"caravan\",job=\"engineers-tick\",status=\"succeeded\"}");
        } finally {
            TestEnvironment.dropSchema(schema);
        }
    }

    private static long count(JdbcTemplate jdbc, String where) {
        return jdbc.queryForObject("SELECT count(*) FROM job_runs WHERE job = 'engineers-tick' AND " + where, Long.class);
    }

    private static JsonNode find(JsonNode jobs, String name) {
        for (JsonNode job : jobs) {
            if (job.get("name").asText().equals(name)) {
                return job;
            }
        }
        throw new AssertionError("no job " + name + " in " + jobs);
    }

    private HttpResponse<String> call(String base, String method, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(base + path)).header("Authorization", "Bearer " + ADMIN_TOKEN)
                .method(method, HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    }
}
