package io.caravan.amazon;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import io.caravan.support.TestEnvironment;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * A fresh hub's first calls, with a token endpoint that takes its time: no wall-clock second at the Creators API ever
 * carries more than requests-per-second, from the very first call. (The slot used to be taken before the token was
 * fetched: the first call went late and the second, whose slot had passed, right behind it.)
 */
class ColdStartPacingTest {

    private static final int RATE = 5;
    private static final String SEARCH = "/catalog/v1/searchItems";

    private final WireMockServer amazon = new WireMockServer(options().dynamicPort());
    private final String schema = TestEnvironment.newSchema();
    private JdbcTemplate jdbc;

    @BeforeEach
    void start() {
        amazon.start();
        amazon.stubFor(post(CreatorsApiClientTest.TOKEN_PATH).willReturn(aResponse().withFixedDelay(400)
                .withHeader("Content-Type", "application/json").withBody(CreatorsApiClientTest.token("Atza|cold-start"))));
        amazon.stubFor(post(SEARCH).willReturn(okJson("{\"searchResult\":{\"totalResultCount\":0,\"items\":[]}}")));
        jdbc = new JdbcTemplate(new DriverManagerDataSource(TestEnvironment.jdbcUrl(schema), TestEnvironment.PG_USER,
                TestEnvironment.PG_PASSWORD));
        jdbc.execute("CREATE SCHEMA IF NOT EXISTS " + schema);
        jdbc.execute("CREATE TABLE amazon_quota (credential TEXT NOT NULL, day DATE NOT NULL, used INT NOT NULL DEFAULT 0, PRIMARY KEY (credential, day))");
    }

    @AfterEach
    void stop() {
        amazon.stop();
        TestEnvironment.dropSchema(schema);
    }

    private CreatorsApiClient freshClient() {
        AmazonQuota quota = new AmazonQuota(jdbc, "cold-" + schema, RATE, 10_000, new SimpleMeterRegistry(), Clock.systemUTC());
        return new CreatorsApiClient(CreatorsApiClientTest.settings(amazon.port(), "cold-secret-value"), new ObjectMapper(),
                quota, new SimpleMeterRegistry());
    }

    @Test
    void theFirstCallsOfAColdStartKeepTheRateWhileTheTokenIsSlow() {
        CreatorsApiClient client = freshClient();
        for (int page = 1; page <= 8; page++) {
            client.searchItems("12466496031", null, 1 + (page - 1) % 10);
        }

        List<Long> arrivals = arrivals();
        assertThat(arrivals).hasSize(8);
        assertThat(busiestSecond(arrivals)).as("requests in the busiest wall-clock second, arrivals " + arrivals).isLessThanOrEqualTo(RATE);
        for (int i = 1; i < arrivals.size(); i++) {
            assertThat(arrivals.get(i) - arrivals.get(i - 1)).as("gap before call " + (i + 1) + " (1/rate = 200 ms), arrivals " + arrivals)
                    .isGreaterThanOrEqualTo(150);
        }
    }

    @Test
    void concurrentCallersOfAColdStartKeepTheRateToo() throws Exception {
        CreatorsApiClient client = freshClient();
        ExecutorService callers = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> calls = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
                calls.add(callers.submit(() -> client.searchItems(null, "kulaklık", 1)));
            }
            for (Future<?> call : calls) {
                call.get();
            }
        } finally {
            callers.shutdownNow();
        }
        List<Long> arrivals = arrivals();
        assertThat(arrivals).hasSize(12);
        assertThat(busiestSecond(arrivals)).as("requests in the busiest wall-clock second, arrivals " + arrivals).isLessThanOrEqualTo(RATE);
    }

    /** When each searchItems reached the stub, in epoch milliseconds, in order. */
    private List<Long> arrivals() {
        return amazon.getAllServeEvents().stream().filter(e -> e.getRequest().getUrl().equals(SEARCH))
                .map(e -> e.getRequest().getLoggedDate().getTime()).sorted().toList();
    }

    private static int busiestSecond(List<Long> arrivals) {
        Map<Long, Integer> perSecond = new TreeMap<>();
        arrivals.forEach(at -> perSecond.merge(at / 1000, 1, Integer::sum));
        return perSecond.values().stream().max(Integer::compare).orElse(0);
    }
}
