package io.caravan.core;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.caravan.support.CuttableProxy;
import io.caravan.support.Hubs;
import io.caravan.support.OwnRedis;
import io.caravan.support.TestEnvironment;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.LivenessState;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * What a load balancer or a Kubernetes probe reads: the HTTP code. DOWN and OUT_OF_SERVICE are 503 and STALE 200 on
 * {@code /actuator/health} and each group application.yml declares (liveness, readiness) wherever that group can
 * reach the status. Readiness says DOWN within 3 s of a PostgreSQL outage — not after the pool's 30 s timeout — and
 * UP within 3 s of its recovery (the figures).
 */
class HealthCodesIT {

    private final String schema = TestEnvironment.newSchema();
    private final String target = "hc_" + schema;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final ObjectMapper json = new ObjectMapper();
    private ConfigurableApplicationContext hub;
    private OwnRedis redis;
    private CuttableProxy proxy;

    @AfterEach
    void stop() throws Exception {
        if (hub != null) {
            hub.close();
        }
        if (redis != null) {
            redis.close();
        }
        if (proxy != null) {
            proxy.close();
        }
        TestEnvironment.dropSchema(schema);
        TestEnvironment.dropSchema(target);
    }

    /** A Metabase card the hub never syncs (Metabase is not there): after {@code maxAge} its dataset is STALE. */
    private Map<String, Object> withCard(String maxAge) {
        Map<String, Object> properties = new HashMap<>();
        properties.put("caravan.metabase.url", "http://127.0.0.1:9");
        properties.put("caravan.metabase.api-key", "mb_health_key");
        properties.put("caravan.metabase.cards[0].name", "late");
        properties.put("caravan.metabase.cards[0].id", "401");
        properties.put("caravan.metabase.cards[0].schema", target);
        properties.put("caravan.metabase.cards[0].max-age", maxAge);
        properties.put("caravan.jobs.metabase-late.enabled", "false");
        return properties;
    }

    @Test
    void staleIs200AndDownIs503WithRedisStopped() throws Exception {
        redis = new OwnRedis();
        int port = redis.port();
        Map<String, Object> properties = withCard("1s");
        properties.put("spring.data.redis.port", String.valueOf(port));
        properties.put("spring.data.redis.timeout", "500ms");
        hub = Hubs.start(schema, properties);

        HttpResponse<String> stale = Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> get("/actuator/health/readiness"),
                r -> r.body().contains("\"status\":\"STALE\""));
        assertThat(stale.statusCode()).as("stale data is still served").isEqualTo(200);
        HttpResponse<String> staleAll = get("/actuator/health");
        assertThat(status(staleAll)).as(staleAll.body()).isEqualTo("STALE");
        assertThat(staleAll.statusCode()).as("the whole health is STALE too, and still 200").isEqualTo(200);

        redis.stop();

        HttpResponse<String> down = Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> get("/actuator/health/readiness"),
                r -> r.body().contains("\"status\":\"DOWN\""));
        assertThat(down.statusCode()).as("readiness DOWN takes the hub out of the load balancer").isEqualTo(503);
        HttpResponse<String> all = get("/actuator/health");
        assertThat(all.body()).contains("\"status\":\"DOWN\"");
        assertThat(all.statusCode()).isEqualTo(503);
        HttpResponse<String> liveness = get("/actuator/health/liveness");
        assertThat(liveness.statusCode()).as("the process itself is fine: no restart").isEqualTo(200);
        assertThat(liveness.body()).contains("\"status\":\"UP\"");
    }

    @Test
    void readinessSaysDownWithinSecondsWhilePostgresqlIsUnreachableAndUpSoonAfter() throws Exception {
        proxy = new CuttableProxy(TestEnvironment.PG_HOST, Integer.parseInt(TestEnvironment.PG_PORT));
        Map<String, Object> properties = withCard("1d");
        properties.put("spring.datasource.url", "jdbc:postgresql://127.0.0.1:" + proxy.port() + "/" + TestEnvironment.PG_DATABASE
                + "?currentSchema=" + schema);
        hub = Hubs.start(schema, properties);
        HttpResponse<String> up = get("/actuator/health/readiness");
        assertThat(up.statusCode()).as(up.body()).isEqualTo(200);
        assertThat(up.body()).contains("\"status\":\"UP\"");

        proxy.cut();
        for (int probe = 0; probe < 3; probe++) {
            long start = System.nanoTime();
            HttpResponse<String> down = get("/actuator/health/readiness");
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            System.out.printf("readiness probe %d during the outage: HTTP %d in %d ms%n", probe, down.statusCode(), took.toMillis());
            assertThat(took).as("probe " + probe + " answered in " + took.toMillis() + " ms").isLessThan(Duration.ofSeconds(3));
            assertThat(down.statusCode()).as(down.body()).isEqualTo(503);
            assertThat(down.body()).contains("\"status\":\"DOWN\"");
        }

        proxy.restore();
        long restored = System.nanoTime();
        Awaitility.await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100))
                .until(() -> get("/actuator/health/readiness").statusCode() == 200);
        Duration recovery = Duration.ofNanos(System.nanoTime() - restored);
        System.out.printf("readiness UP %d ms after PostgreSQL came back%n", recovery.toMillis());
        assertThat(recovery).as("UP again " + recovery.toMillis() + " ms after PostgreSQL came back").isLessThan(Duration.ofSeconds(3));
    }

    /**
     * The availability states Spring Boot publishes (a liveness failure, start-up and shut-down refusing traffic),
     * set here by hand on a running hub: each reaches the groups that include it, with its own code.
     */
    @Test
    void brokenLivenessAndRefusedTrafficAre503() throws Exception {
        hub = Hubs.start(schema, Map.of());
        assertThat(get("/actuator/health").statusCode()).isEqualTo(200);

        AvailabilityChangeEvent.publish(hub, LivenessState.BROKEN);
        HttpResponse<String> broken = get("/actuator/health/liveness");
        assertThat(broken.statusCode()).as(broken.body()).isEqualTo(503);
        assertThat(status(broken)).isEqualTo("DOWN");
        HttpResponse<String> brokenAll = get("/actuator/health");
        assertThat(brokenAll.statusCode()).as(brokenAll.body()).isEqualTo(503);
        assertThat(status(brokenAll)).isEqualTo("DOWN");
        HttpResponse<String> stillReady = get("/actuator/health/readiness");
        assertThat(stillReady.statusCode()).as("readiness does not include liveness: " + stillReady.body()).isEqualTo(200);

        AvailabilityChangeEvent.publish(hub, LivenessState.CORRECT);
        assertThat(get("/actuator/health/liveness").statusCode()).isEqualTo(200);

        AvailabilityChangeEvent.publish(hub, ReadinessState.REFUSING_TRAFFIC);
        HttpResponse<String> refusing = get("/actuator/health/readiness");
        assertThat(refusing.statusCode()).as(refusing.body()).isEqualTo(503);
        assertThat(status(refusing)).isEqualTo("OUT_OF_SERVICE");
        HttpResponse<String> refusingAll = get("/actuator/health");
        assertThat(refusingAll.statusCode()).as(refusingAll.body()).isEqualTo(503);
        assertThat(status(refusingAll)).isEqualTo("OUT_OF_SERVICE");
        HttpResponse<String> stillLive = get("/actuator/health/liveness");
        assertThat(stillLive.statusCode()).as("no restart for a hub that refuses traffic: " + stillLive.body()).isEqualTo(200);

        AvailabilityChangeEvent.publish(hub, ReadinessState.ACCEPTING_TRAFFIC);
        HttpResponse<String> ready = get("/actuator/health/readiness");
        assertThat(ready.statusCode()).as(ready.body()).isEqualTo(200);
        assertThat(status(ready)).isEqualTo("UP");
    }

    /** The group's own status, not one of its components'. */
    private String status(HttpResponse<String> response) throws IOException {
        return json.readTree(response.body()).path("status").asText();
    }

    private HttpResponse<String> get(String path) throws IOException, InterruptedException {
        String port = hub.getEnvironment().getProperty("local.server.port");
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(40)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
