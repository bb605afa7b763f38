package io.caravan.cache;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.ok;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.caravan.ops.JobRun;
import io.caravan.ops.JobRunRepository;
import io.caravan.ops.JobRunner;
import io.caravan.support.HubTest;
import java.time.Duration;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The hourly cache-warm job GETs every enabled card's warm-urls once; a failing URL is counted, not fatal. */
@HubTest
class CacheWarmJobIT {

    static final WireMockServer dashboards = new WireMockServer(options().dynamicPort());

    static {
        dashboards.start();
    }

    @DynamicPropertySource
    static void cards(DynamicPropertyRegistry properties) {
        properties.add("caravan.metabase.url", () -> "http://127.0.0.1:9");
        properties.add("caravan.metabase.api-key", () -> "mb_warm_key");
        properties.add("caravan.metabase.cards[0].name", () -> "vendors");
        properties.add("caravan.metabase.cards[0].id", () -> "101");
        properties.add("caravan.metabase.cards[0].warm-urls[0]", () -> dashboards.baseUrl() + "/api/vendors");
        properties.add("caravan.metabase.cards[0].warm-urls[1]", () -> dashboards.baseUrl() + "/api/broken");
        properties.add("caravan.metabase.cards[1].name", () -> "orders");
        properties.add("caravan.metabase.cards[1].id", () -> "102");
        // the same URL under two cards is fetched once
        properties.add("caravan.metabase.cards[1].warm-urls[0]", () -> dashboards.baseUrl() + "/api/vendors");
        properties.add("caravan.metabase.cards[2].name", () -> "retired");
        properties.add("caravan.metabase.cards[2].id", () -> "103");
        properties.add("caravan.metabase.cards[2].enabled", () -> "false");
        properties.add("caravan.metabase.cards[2].warm-urls[0]", () -> dashboards.baseUrl() + "/api/retired");
    }

    @AfterAll
    static void stop() {
        dashboards.stop();
    }

    @Autowired
    JobRunner jobs;
    @Autowired
    JobRunRepository runs;

    @Test
    void everyEnabledCardsWarmUrlIsFetchedOnce() {
        dashboards.stubFor(get(urlEqualTo("/api/vendors")).willReturn(ok("{}")));
        dashboards.stubFor(get(urlEqualTo("/api/broken")).willReturn(aResponse().withStatus(500)));
        dashboards.stubFor(get(urlEqualTo("/api/retired")).willReturn(ok("{}")));

        long id = jobs.startNow("cache-warm");
        JobRun run = Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> runs.find(id).orElseThrow(),
                r -> !r.status().equals("running"));

        assertThat(run.status()).isEqualTo("succeeded");
        assertThat(run.rows()).isEqualTo(1);
        dashboards.verify(1, getRequestedFor(urlEqualTo("/api/vendors")));
        dashboards.verify(1, getRequestedFor(urlEqualTo("/api/broken")));
        dashboards.verify(0, getRequestedFor(urlEqualTo("/api/retired")));
    }
}
