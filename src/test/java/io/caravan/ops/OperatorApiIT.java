package io.caravan.ops;

import static io.caravan.support.TestEnvironment.ADMIN_TOKEN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.caravan.support.HubTest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.TestPropertySource;

@HubTest
@TestPropertySource(properties = {
        "caravan.jobs.heartbeat.cron=0 0 0 1 1 ? 2099",
        "caravan.jobs.heartbeat.endpoint=direct:heartbeat",
        "caravan.jobs.heartbeat.time-zone=Asia/Tehran"})
class OperatorApiIT {

    @LocalServerPort
    int port;

    @Autowired
    ObjectMapper json;

    private final HttpClient http = HttpClient.newHttpClient();

    private HttpResponse<String> call(String method, String path, String token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .method(method, HttpRequest.BodyPublishers.noBody());
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void apiRefusesRequestsWithoutTheRightTokenWithJson() throws Exception {
        HttpResponse<String> missing = call("GET", "/api/jobs", null);
        assertThat(missing.statusCode()).isEqualTo(401);
        assertThat(json.readTree(missing.body()).get("message").asText()).contains("Authorization");

        HttpResponse<String> wrong = call("GET", "/api/jobs", "not-the-token");
        assertThat(wrong.statusCode()).isEqualTo(401);
        assertThat(json.readTree(wrong.body()).get("message").asText()).isEqualTo("Invalid bearer token");

        assertThat(call("GET", "/actuator/env", null).statusCode()).isEqualTo(401);
    }

    @Test
    void healthAndPrometheusStayOpen() throws Exception {
        HttpResponse<String> health = call("GET", "/actuator/health/readiness", null);
        assertThat(health.statusCode()).isEqualTo(200);
        JsonNode components = json.readTree(health.body()).get("components");
        assertThat(components.fieldNames()).toIterable().contains("db", "redis", "camelHealth");
        assertThat(call("GET", "/actuator/health/liveness", null).statusCode()).isEqualTo(200);
        assertThat(call("GET", "/actuator/prometheus", null).statusCode()).as("closed without a token").isEqualTo(401);
        assertThat(call("GET", "/actuator/prometheus", io.caravan.support.TestEnvironment.SCRAPE_TOKEN).statusCode()).isEqualTo(200);
        assertThat(call("GET", "/actuator/prometheus", ADMIN_TOKEN).statusCode()).isEqualTo(200);
        assertThat(call("GET", "/api/jobs", io.caravan.support.TestEnvironment.SCRAPE_TOKEN).statusCode())
                .as("the scrape token opens nothing else").isEqualTo(401);
        assertThat(health.body()).doesNotContain(ADMIN_TOKEN);
    }

    @Test
    void listsJobsWithScheduleAndZone() throws Exception {
        HttpResponse<String> response = call("GET", "/api/jobs", ADMIN_TOKEN);
        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode heartbeat = find(json.readTree(response.body()), "heartbeat");
        assertThat(heartbeat.get("schedule").asText()).isEqualTo("0 0 0 1 1 ? 2099");
        assertThat(heartbeat.get("timeZone").asText()).isEqualTo("Asia/Tehran");
        assertThat(heartbeat.get("nextFireTime").asText()).startsWith("2098-12-31T20:30");
    }

    @Test
    void runsAJobNowAndRecordsTheRun() throws Exception {
        HttpResponse<String> started = call("POST", "/api/jobs/heartbeat/run", ADMIN_TOKEN);
        assertThat(started.statusCode()).isEqualTo(202);
        long runId = json.readTree(started.body()).get("runId").asLong();
        assertThat(started.headers().firstValue("Location")).hasValue("/api/runs/" + runId);

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            JsonNode run = json.readTree(call("GET", "/api/runs/" + runId, ADMIN_TOKEN).body());
            assertThat(run.get("status").asText()).isEqualTo("succeeded");
            assertThat(run.get("rows").asLong()).isEqualTo(1);
            assertThat(run.get("trigger").asText()).isEqualTo("manual");
            assertThat(run.get("finishedAt").isNull()).isFalse();
        });
        JsonNode runs = json.readTree(call("GET", "/api/runs?job=heartbeat&limit=5", ADMIN_TOKEN).body());
        assertThat(runs.get(0).get("id").asLong()).isEqualTo(runId);

        JsonNode job = find(json.readTree(call("GET", "/api/jobs", ADMIN_TOKEN).body()), "heartbeat");
        assertThat(job.get("lastRun").get("id").asLong()).isEqualTo(runId);

        String metrics = call("GET", "/actuator/prometheus", io.caravan.support.TestEnvironment.SCRAPE_TOKEN).body();
        assertThat(metrics).contains("caravan_job_runs_total{application=\"caravan\",job=\"heartbeat\",status=\"succeeded\"}");
        assertThat(metrics).contains("caravan_job_duration_seconds_count{application=\"caravan\",job=\"heartbeat\",status=\"succeeded\"}");
    }

    @Test
    void unknownJobsAndRunsAre404WithAClearMessage() throws Exception {
        HttpResponse<String> job = call("POST", "/api/jobs/nope/run", ADMIN_TOKEN);
        assertThat(job.statusCode()).isEqualTo(404);
        assertThat(json.readTree(job.body()).get("message").asText()).isEqualTo("No job named 'nope'. Jobs: cache-warm, heartbeat");
        assertThat(call("POST", "/api/jobs/nope/pause", ADMIN_TOKEN).statusCode()).isEqualTo(404);
        HttpResponse<String> run = call("GET", "/api/runs/987654", ADMIN_TOKEN);
        assertThat(run.statusCode()).isEqualTo(404);
        assertThat(json.readTree(run.body()).get("message").asText()).isEqualTo("No run with id 987654");
        assertThat(call("GET", "/api/runs?limit=0", ADMIN_TOKEN).statusCode()).isEqualTo(400);
    }

    @Test
    void pauseAndResumeAll() throws Exception {
        JsonNode paused = json.readTree(call("POST", "/api/jobs/pause-all", ADMIN_TOKEN).body());
        assertThat(find(paused, "heartbeat").get("paused").asBoolean()).isTrue();
        assertThat(find(paused, "heartbeat").get("nextFireTime").isNull()).isTrue();
        JsonNode resumed = json.readTree(call("POST", "/api/jobs/resume-all", ADMIN_TOKEN).body());
        assertThat(find(resumed, "heartbeat").get("paused").asBoolean()).isFalse();
    }

    private static JsonNode find(JsonNode jobs, String name) {
        for (JsonNode job : jobs) {
            if (job.get("name").asText().equals(name)) {
                return job;
            }
        }
        throw new AssertionError("no job " + name + " in " + jobs);
    }
}
