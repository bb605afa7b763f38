package io.caravan.metabase;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.caravan.ops.JobRun;
import io.caravan.ops.JobRunRepository;
import io.caravan.ops.JobRunner;
import io.caravan.support.HubTest;
import io.caravan.support.TestEnvironment;
import java.time.Duration;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** A Metabase that answers 503: each sync retries, and after enough failed syncs the circuit breaker stops calling it. */
@HubTest
class MetabaseResilienceIT {

    static final WireMockServer metabase = new WireMockServer(options().dynamicPort());
    static final String TARGET = "mbr_" + UUID.randomUUID().toString().substring(0, 8);

    static {
        metabase.start();
    }

    @DynamicPropertySource
    static void settings(DynamicPropertyRegistry properties) {
        properties.add("caravan.metabase.url", metabase::baseUrl);
        properties.add("caravan.metabase.api-key", () -> "mb_resilience_key");
        properties.add("caravan.metabase.retries", () -> "2");
        properties.add("caravan.metabase.retry-backoff", () -> "10ms");
        properties.add("caravan.metabase.circuit-breaker", () -> "2");
        properties.add("caravan.metabase.circuit-open-for", () -> "1h");
        properties.add("caravan.metabase.cards[0].name", () -> "overloaded");
        properties.add("caravan.metabase.cards[0].id", () -> "301");
        properties.add("caravan.metabase.cards[0].schema", () -> TARGET);
    }

    @AfterAll
    static void cleanUp() {
        metabase.stop();
        TestEnvironment.dropSchema(TARGET);
    }

    @Autowired
    JobRunner jobs;
    @Autowired
    JobRunRepository runs;

    @Test
    void transientFailuresAreRetriedThenTheBreakerOpensAndMetabaseIsLeftAlone() {
        metabase.stubFor(get(urlPathEqualTo("/api/card/301")).withQueryParam("ignore_view", equalTo("true"))
                .willReturn(okJson("{\"id\":301,\"result_metadata\":[{\"name\":\"n\",\"display_name\":\"N\",\"base_type\":\"type/Integer\"}]}")));
        metabase.stubFor(post(urlEqualTo("/api/card/301/query/csv")).willReturn(aResponse().withStatus(503)
                .withHeader("Content-Type", "text/plain").withBody("Service Unavailable")));

        JobRun first = run();
        assertThat(first.status()).isEqualTo("failed");
        assertThat(first.error()).contains("card overloaded", "503");
        metabase.verify(2, postRequestedFor(urlEqualTo("/api/card/301/query/csv")));

        assertThat(run().status()).isEqualTo("failed");
        metabase.verify(4, postRequestedFor(urlEqualTo("/api/card/301/query/csv")));

        JobRun third = run();
        assertThat(third.status()).isEqualTo("failed");
        assertThat(third.error()).contains("card overloaded", "circuit breaker", "caravan.metabase.circuit-open-for");
        metabase.verify(4, postRequestedFor(urlEqualTo("/api/card/301/query/csv")));
    }

    private JobRun run() {
        // The previous run's row reads finished a moment before its lock is released.
        long id = Awaitility.await().atMost(Duration.ofSeconds(5)).ignoreException(io.caravan.ops.JobAlreadyRunningException.class)
                .until(() -> jobs.startNow("metabase-overloaded"), started -> true);
        return Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> runs.find(id).orElseThrow(),
                r -> !r.status().equals("running"));
    }
}
