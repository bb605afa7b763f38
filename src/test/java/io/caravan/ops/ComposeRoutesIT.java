package io.caravan.ops;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import io.caravan.support.HubTest;
import io.caravan.support.TestEnvironment;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;

/**
 * The README's "Compose your own route" examples, run as written from src/test/resources/example-routes: a second
 * copy of a Metabase card with a filter step and its own cache keys, and a webhook POST on the card's dataset.changed
 * that the outbox retries.
 */
@HubTest
// A property the route loader reads while the environment is prepared, so not a @DynamicPropertySource.
// caravan.flow.metabase is derived from caravan.metabase.url while the environment is prepared, before dynamic properties.
@TestPropertySource(properties = {"caravan.routes.dir=src/test/resources/example-routes", "caravan.flow.metabase=true"})
class ComposeRoutesIT {

    static final WireMockServer metabase = new WireMockServer(options().dynamicPort());
    static final WireMockServer partner = new WireMockServer(options().dynamicPort());
    static final String TARGET = "compose_" + UUID.randomUUID().toString().substring(0, 8);

    static {
        metabase.start();
        partner.start();
    }

    @DynamicPropertySource
    static void settings(DynamicPropertyRegistry properties) {
        properties.add("caravan.metabase.url", metabase::baseUrl);
        properties.add("caravan.metabase.api-key", () -> "mb_compose_key");
        properties.add("caravan.metabase.cards[0].name", () -> "orders");
        properties.add("caravan.metabase.cards[0].id", () -> "42");
        properties.add("caravan.metabase.cards[0].schema", () -> TARGET);
        properties.add("examples.schema", () -> TARGET);
        properties.add("orders.webhook.url", () -> partner.baseUrl() + "/hooks/orders");
        properties.add("caravan.outbox.initial-backoff", () -> "300ms");
        properties.add("caravan.outbox.max-backoff", () -> "1s");
        properties.add("caravan.outbox.poll-interval", () -> "300ms");
    }

    @AfterAll
    static void cleanUp() {
        metabase.stop();
        partner.stop();
        TestEnvironment.dropSchema(TARGET);
    }

    @Autowired
    JobRunner jobs;
    @Autowired
    JobRunRepository runs;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    StringRedisTemplate redis;
    @Value("${caravan.db.schema}")
    String schema;

    @Test
    void aSecondCopyOfACardAppendsItsRowsAndDropsItsOwnCacheKeysOnlyWhenRowsCame() {
        metabase.stubFor(get(urlPathEqualTo("/api/card/42")).withQueryParam("ignore_view", equalTo("true"))
                .willReturn(okJson("{\"id\":42,\"result_metadata\":[{\"name\":\"order_id\",\"display_name\":\"Order ID\","
                        + "\"base_type\":\"type/Integer\"},{\"name\":\"status\",\"display_name\":\"Status\",\"base_type\":\"type/Text\"}]}")));
        metabase.stubFor(post(urlEqualTo("/api/card/42/query/csv")).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "text/csv").withBody("Order ID,Status\n1,new\n2,delivered\n")));
        String key = "report:" + schema + ":orders-history";
        redis.opsForValue().set(key, "cached");
        redis.opsForValue().set(key + ":week", "cached");
        try {
            JobRun first = run("orders-history");
            assertThat(first.status()).as(String.valueOf(first.error())).isEqualTo("succeeded");
            assertThat(first.rows()).isEqualTo(2);
            assertThat(run("orders-history").status()).isEqualTo("succeeded");
            assertThat(jdbc.queryForList("SELECT order_id || ':' || status FROM " + TARGET + ".orders_history ORDER BY order_id",
                    String.class)).as("appended twice").containsExactly("1:new", "1:new", "2:delivered", "2:delivered");
            await().atMost(Duration.ofSeconds(20)).until(() -> !redis.hasKey(key) && !redis.hasKey(key + ":week"));
            assertThat(jdbc.queryForObject("SELECT count(*) FROM outbox WHERE type = 'dataset.changed'"
                    + " AND payload->>'dataset' = 'metabase.orders'", Long.class)).as("event=false: not the card's own event").isZero();

            // An empty night: the filter stops the route before the event, so the report's new cache stays.
            metabase.stubFor(post(urlEqualTo("/api/card/42/query/csv")).willReturn(aResponse().withStatus(200)
                    .withHeader("Content-Type", "text/csv").withBody("Order ID,Status\n")));
            redis.opsForValue().set(key, "cached again");
            JobRun empty = run("orders-history");
            assertThat(empty.status()).as(String.valueOf(empty.error())).isEqualTo("succeeded");
            assertThat(empty.rows()).isZero();
            assertThat(jdbc.queryForObject("SELECT count(*) FROM outbox WHERE type = 'dataset.changed'"
                    + " AND payload->>'dataset' = 'reports.orders_history'", Long.class)).isEqualTo(2);
            assertThat(redis.opsForValue().get(key)).isEqualTo("cached again");
        } finally {
            redis.delete(key);
            redis.delete(key + ":week");
        }
    }

    @Test
    void theCardsDatasetChangedIsPostedToTheWebhookAndAFailedPostIsRetriedByTheOutbox() {
        partner.stubFor(post(urlEqualTo("/hooks/orders")).inScenario("flaky").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withStatus(503)).willSetStateTo("recovered"));
        partner.stubFor(post(urlEqualTo("/hooks/orders")).inScenario("flaky").whenScenarioStateIs("recovered")
                .willReturn(aResponse().withStatus(204)));
        long id = jdbc.queryForObject("INSERT INTO outbox (type, payload) VALUES ('dataset.changed', ?::jsonb) RETURNING id", Long.class,
                "{\"dataset\": \"metabase.orders\", \"table\": \"" + TARGET + ".orders\", \"rows\": 2, \"keys\": []}");
        jdbc.update("INSERT INTO outbox (type, payload) VALUES ('dataset.changed', '{\"dataset\": \"metabase.other\", \"keys\": []}'::jsonb)");

        await().atMost(Duration.ofSeconds(30)).until(() -> jdbc.queryForObject("SELECT done_at IS NOT NULL FROM outbox WHERE id = ?",
                Boolean.class, id));

        partner.verify(2, postRequestedFor(urlEqualTo("/hooks/orders"))
                .withHeader("Content-Type", equalTo("application/json"))
                .withHeader("X-Caravan-Event", equalTo(String.valueOf(id)))
                .withRequestBody(matchingJsonPath("$.dataset", equalTo("metabase.orders")))
                .withRequestBody(matchingJsonPath("$.rows", equalTo("2"))));
        assertThat(partner.findAll(postRequestedFor(urlEqualTo("/hooks/orders"))))
                .as("only card orders' events, no Caravan header").allSatisfy(request -> {
                    assertThat(request.getBodyAsString()).doesNotContain("metabase.other");
                    assertThat(request.getHeaders().keys()).noneMatch(h -> h.startsWith("Caravan"));
                });
        assertThat(jdbc.queryForObject("SELECT attempts FROM outbox WHERE id = ?", Integer.class, id)).isGreaterThanOrEqualTo(1);
    }

    private JobRun run(String job) {
        long id = await().atMost(Duration.ofSeconds(5)).ignoreException(JobAlreadyRunningException.class)
                .until(() -> jobs.startNow(job), r -> true);
        return await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                .until(() -> runs.find(id).orElseThrow(), r -> !r.status().equals("running"));
    }
}
