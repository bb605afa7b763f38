package io.caravan.core;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.caravan.support.Hubs;
import io.caravan.support.TestEnvironment;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.ApplicationRunner;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The web server listens before the hub is ready: until readiness is UP, an operator call that starts work answers
 * 503 with JSON (it used to be accepted, and the run failed with "CamelContext is stopped"); reads answer. Readiness
 * and the whole health say OUT_OF_SERVICE (503) meanwhile, liveness UP.
 */
class NotReadyGateIT {

    static final CountDownLatch STARTING = new CountDownLatch(1);
    static final CountDownLatch RELEASE = new CountDownLatch(1);

    /** Holds the start-up where the web server is up but the hub is not yet ready. */
    @Configuration(proxyBeanMethods = false)
    static class HoldStartUp {
        @Bean
        ApplicationRunner holdStartUp() {
            return arguments -> {
                STARTING.countDown();
                RELEASE.await(120, TimeUnit.SECONDS);
            };
        }
    }

    private final String schema = TestEnvironment.newSchema();
    private final HttpClient http = HttpClient.newHttpClient();
    private final ObjectMapper json = new ObjectMapper();
    private CompletableFuture<ConfigurableApplicationContext> starting;
    private String base;

    @AfterEach
    void stop() throws Exception {
        RELEASE.countDown();
        if (starting != null) {
            starting.get(120, TimeUnit.SECONDS).close();
        }
        TestEnvironment.dropSchema(schema);
    }

    private HttpResponse<String> call(String method, String path, boolean token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).method(method, HttpRequest.BodyPublishers.noBody());
        if (token) {
            request.header("Authorization", "Bearer " + TestEnvironment.ADMIN_TOKEN);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aRunRequestedBeforeTheHubIsReadyIsRefusedWith503AndAcceptedOnceItIs() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        base = "http://127.0.0.1:" + port;
        starting = CompletableFuture.supplyAsync(() -> Hubs.start(schema, Map.of(
                "server.port", String.valueOf(port),
                "caravan.jobs.heartbeat.cron", "0 0 0 1 1 ? 2099",
                "caravan.jobs.heartbeat.endpoint", "direct:heartbeat"), HoldStartUp.class));
        assertThat(STARTING.await(120, TimeUnit.SECONDS)).as("the hub reached its start-up runners").isTrue();

        HttpResponse<String> early = call("POST", "/api/jobs/heartbeat/run", true);
        assertThat(early.statusCode()).as(early.body()).isEqualTo(503);
        assertThat(early.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type).startsWith("application/json"));
        assertThat(early.headers().firstValue("Retry-After")).hasValue("5");
        JsonNode body = json.readTree(early.body());
        assertThat(body.get("status").asInt()).isEqualTo(503);
        assertThat(body.get("state").asText()).isEqualTo("starting");
        assertThat(body.get("message").asText()).contains("starting");
        assertThat(call("POST", "/api/jobs/pause-all", true).statusCode()).isEqualTo(503);
        assertThat(call("POST", "/api/jobs/heartbeat/run", false).statusCode()).as("no token is still 401").isEqualTo(401);
        assertThat(call("GET", "/api/jobs", true).statusCode()).as("reads answer").isEqualTo(200);
        HttpResponse<String> readiness = call("GET", "/actuator/health/readiness", false);
        assertThat(readiness.statusCode()).as(readiness.body()).isEqualTo(503);
        assertThat(json.readTree(readiness.body()).path("status").asText()).as("still starting: refusing traffic, not broken")
                .isEqualTo("OUT_OF_SERVICE");
        HttpResponse<String> health = call("GET", "/actuator/health", false);
        assertThat(health.statusCode()).as(health.body()).isEqualTo(503);
        assertThat(json.readTree(health.body()).path("status").asText()).isEqualTo("OUT_OF_SERVICE");
        HttpResponse<String> liveness = call("GET", "/actuator/health/liveness", false);
        assertThat(liveness.statusCode()).as("a starting hub is not restarted: " + liveness.body()).isEqualTo(200);

        RELEASE.countDown();
        ConfigurableApplicationContext hub = starting.get(120, TimeUnit.SECONDS);
        assertThat(hub.getBean(JdbcTemplate.class).queryForObject("SELECT count(*) FROM job_runs", Integer.class))
                .as("the refused call recorded no run").isZero();
        HttpResponse<String> ready = call("POST", "/api/jobs/heartbeat/run", true);
        assertThat(ready.statusCode()).as(ready.body()).isEqualTo(202);
    }
}
