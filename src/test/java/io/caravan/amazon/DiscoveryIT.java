package io.caravan.amazon;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.caravan.support.Hubs;
import io.caravan.support.TestEnvironment;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Categories from configuration land in the table at startup; discovery pages searchItems and upserts products, waits
 * out a throttled page and, at a category's third throttle, leaves that category for the next run and carries on.
 */
class DiscoveryIT {

    private static String page(int from, int count, int total) {
        StringBuilder items = new StringBuilder();
        for (int i = from; i < from + count; i++) {
            items.append(i == from ? "" : ",").append("""
                    {"asin":"B0DISC%04d","detailPageURL":"https://www.amazon.com.tr/dp/B0DISC%04d?tag=caravan-21&linkCode=ogi",
                     "itemInfo":{"title":{"displayValue":"Kulaklık %d"}},"images":{"primary":{"large":{"url":"https://m.media-amazon.com/images/I/%d.jpg"}}}}"""
                    .formatted(i, i, i, i));
        }
        return "{\"searchResult\":{\"totalResultCount\":" + total + ",\"items\":[" + items + "]}}";
    }

    @Test
    void pagesThroughACategoryAndUpsertsProductsWithThePartnerTag() {
        String schema = TestEnvironment.newSchema();
        WireMockServer amazon = new WireMockServer(options().dynamicPort());
        amazon.start();
        amazon.stubFor(post("/auth/o2/token").willReturn(okJson("{\"access_token\":\"Atza|disc-token\",\"expires_in\":3600,\"token_type\":\"bearer\"}")));
        amazon.stubFor(post("/catalog/v1/searchItems").withRequestBody(matchingJsonPath("$.itemPage", equalTo("1"))).willReturn(okJson(page(0, 10, 15))));
        amazon.stubFor(post("/catalog/v1/searchItems").withRequestBody(matchingJsonPath("$.itemPage", equalTo("2"))).willReturn(okJson(page(10, 5, 15))));
        try (ConfigurableApplicationContext hub = hub(schema, amazon, Map.ofEntries(
                Map.entry("caravan.amazon.categories[0].slug", "electronics"),
                Map.entry("caravan.amazon.categories[0].name", "Elektronik"),
                Map.entry("caravan.amazon.categories[0].browse-node-id", "12466496031"),
                Map.entry("caravan.amazon.categories[0].min-discount-percent", "25"),
                Map.entry("caravan.amazon.categories[0].channel-chat-id", "@deals_electronics"),
                Map.entry("caravan.amazon.categories[0].priority", "5")))) {
            JdbcTemplate jdbc = hub.getBean(JdbcTemplate.class);
            assertThat(jdbc.queryForObject("SELECT name || '|' || browse_node_id || '|' || min_discount_pct || '|' || channel_chat_id FROM categories WHERE slug = 'electronics'", String.class))
                    .isEqualTo("Elektronik|12466496031|25.00|@deals_electronics");

            PriceRoutes.direct((ConfigurableApplicationContext) hub);
            assertThat(PriceRoutes.rows(hub, PriceRoutes.DISCOVERY)).isEqualTo(15);

            amazon.verify(2, postRequestedFor(urlEqualTo("/catalog/v1/searchItems"))
                    .withRequestBody(matchingJsonPath("$.browseNodeId", equalTo("12466496031"))));
            assertThat(jdbc.queryForObject("SELECT count(*) FROM products p JOIN categories c ON c.id = p.category_id WHERE c.slug = 'electronics' AND p.priority = 5 AND p.url LIKE '%tag=caravan-21%' AND p.next_check_at <= now()", Integer.class))
                    .isEqualTo(15);
            assertThat(PriceRoutes.rows(hub, PriceRoutes.DISCOVERY)).as("upsert, not duplicate").isEqualTo(15);
            assertThat(jdbc.queryForObject("SELECT count(*) FROM products", Integer.class)).isEqualTo(15);
        } finally {
            amazon.stop();
            TestEnvironment.dropSchema(schema);
        }
    }

    @Test
    void aThrottledPageIsWaitedOutAndTheRunCarriesOn() {
        String schema = TestEnvironment.newSchema();
        WireMockServer amazon = new WireMockServer(options().dynamicPort());
        amazon.start();
        amazon.stubFor(post("/auth/o2/token").willReturn(okJson("{\"access_token\":\"Atza|disc-token\",\"expires_in\":3600,\"token_type\":\"bearer\"}")));
        amazon.stubFor(post("/catalog/v1/searchItems").withRequestBody(matchingJsonPath("$.itemPage", equalTo("1"))).willReturn(okJson(page(0, 10, 25))));
        amazon.stubFor(post("/catalog/v1/searchItems").withRequestBody(matchingJsonPath("$.itemPage", equalTo("2")))
                .inScenario("throttle").whenScenarioStateIs(Scenario.STARTED).willSetStateTo("throttled")
                .willReturn(aResponse().withStatus(429).withHeader("Content-Type", "application/json")
                        .withBody("{\"type\":\"ThrottleException\",\"message\":\"The request was denied due to request throttling.\",\"retryAfterSeconds\":2}")));
        amazon.stubFor(post("/catalog/v1/searchItems").withRequestBody(matchingJsonPath("$.itemPage", equalTo("2")))
                .inScenario("throttle").whenScenarioStateIs("throttled").willReturn(okJson(page(10, 10, 25))));
        amazon.stubFor(post("/catalog/v1/searchItems").withRequestBody(matchingJsonPath("$.itemPage", equalTo("3"))).willReturn(okJson(page(20, 5, 25))));
        try (ConfigurableApplicationContext hub = hub(schema, amazon, Map.ofEntries(
                Map.entry("caravan.amazon.categories[0].slug", "electronics"),
                Map.entry("caravan.amazon.categories[0].name", "Elektronik"),
                Map.entry("caravan.amazon.categories[0].browse-node-id", "12466496031"),
                Map.entry("caravan.amazon.categories[0].min-discount-percent", "25")))) {

            PriceRoutes.direct(hub);
            assertThat(PriceRoutes.rows(hub, PriceRoutes.DISCOVERY)).as("all three pages, the throttled one asked again").isEqualTo(25);

            List<LoggedRequest> pageTwo = amazon.findAll(postRequestedFor(urlEqualTo("/catalog/v1/searchItems"))
                    .withRequestBody(matchingJsonPath("$.itemPage", equalTo("2"))));
            assertThat(pageTwo).hasSize(2);
            assertThat(pageTwo.get(1).getLoggedDate().getTime() - pageTwo.get(0).getLoggedDate().getTime())
                    .as("the second ask waited the 429's retryAfterSeconds").isGreaterThanOrEqualTo(1900);
            assertThat(hub.getBean(JdbcTemplate.class).queryForObject("SELECT count(*) FROM products", Integer.class)).isEqualTo(25);
        } finally {
            amazon.stop();
            TestEnvironment.dropSchema(schema);
        }
    }

    /**
     * The third throttle on one category (counted over the category's pages, a good page between them does not reset
     * it) leaves that category's remaining pages for the next run; the run goes on to the next category and succeeds
     * with what it upserted.
     */
    @Test
    void theThirdThrottleOnACategoryLeavesItsRemainingPagesForTheNextRunAndTheRunCarriesOn() {
        String schema = TestEnvironment.newSchema();
        WireMockServer amazon = new WireMockServer(options().dynamicPort());
        amazon.start();
        String throttle = "{\"type\":\"ThrottleException\",\"message\":\"The request was denied due to request throttling.\",\"retryAfterSeconds\":1}";
        amazon.stubFor(post("/auth/o2/token").willReturn(okJson("{\"access_token\":\"Atza|disc-token\",\"expires_in\":3600,\"token_type\":\"bearer\"}")));
        // Category "busy" (node 1001) has 40 results: page 1 answers, page 2 is throttled once then answers, page 3 is
        // throttled every time. Category "quiet" (node 2002) has one page.
        amazon.stubFor(post("/catalog/v1/searchItems").withRequestBody(matchingJsonPath("$.browseNodeId", equalTo("1001")))
                .withRequestBody(matchingJsonPath("$.itemPage", equalTo("1"))).willReturn(okJson(page(0, 10, 40))));
        amazon.stubFor(post("/catalog/v1/searchItems").withRequestBody(matchingJsonPath("$.browseNodeId", equalTo("1001")))
                .withRequestBody(matchingJsonPath("$.itemPage", equalTo("2")))
                .inScenario("busy").whenScenarioStateIs(Scenario.STARTED).willSetStateTo("throttled once")
                .willReturn(aResponse().withStatus(429).withHeader("Content-Type", "application/json").withBody(throttle)));
        amazon.stubFor(post("/catalog/v1/searchItems").withRequestBody(matchingJsonPath("$.browseNodeId", equalTo("1001")))
                .withRequestBody(matchingJsonPath("$.itemPage", equalTo("2")))
                .inScenario("busy").whenScenarioStateIs("throttled once").willReturn(okJson(page(10, 10, 40))));
        amazon.stubFor(post("/catalog/v1/searchItems").withRequestBody(matchingJsonPath("$.browseNodeId", equalTo("1001")))
                .withRequestBody(matchingJsonPath("$.itemPage", equalTo("3")))
                .willReturn(aResponse().withStatus(429).withHeader("Content-Type", "application/json").withBody(throttle)));
        amazon.stubFor(post("/catalog/v1/searchItems").withRequestBody(matchingJsonPath("$.browseNodeId", equalTo("1001")))
                .withRequestBody(matchingJsonPath("$.itemPage", equalTo("4"))).willReturn(okJson(page(30, 10, 40))));
        amazon.stubFor(post("/catalog/v1/searchItems").withRequestBody(matchingJsonPath("$.browseNodeId", equalTo("2002")))
                .withRequestBody(matchingJsonPath("$.itemPage", equalTo("1"))).willReturn(okJson(page(100, 5, 5))));
        try (ConfigurableApplicationContext hub = hub(schema, amazon, Map.ofEntries(
                Map.entry("caravan.amazon.categories[0].slug", "busy"),
                Map.entry("caravan.amazon.categories[0].name", "Busy"),
                Map.entry("caravan.amazon.categories[0].browse-node-id", "1001"),
                Map.entry("caravan.amazon.categories[1].slug", "quiet"),
                Map.entry("caravan.amazon.categories[1].name", "Quiet"),
                Map.entry("caravan.amazon.categories[1].browse-node-id", "2002")))) {

            PriceRoutes.direct(hub);
            assertThat(PriceRoutes.rows(hub, PriceRoutes.DISCOVERY)).as("the run succeeds: busy's pages 1 and 2, quiet's page")
                    .isEqualTo(25);

            assertThat(searches(amazon, "1001", "2")).as("throttle 1, then answered").isEqualTo(2);
            assertThat(searches(amazon, "1001", "3")).as("throttles 2 and 3; the third ends the category").isEqualTo(2);
            assertThat(searches(amazon, "1001", "4")).as("left for the next run").isZero();
            assertThat(searches(amazon, "2002", "1")).as("the next category still ran").isEqualTo(1);
            assertThat(hub.getBean(JdbcTemplate.class).queryForObject("""
                    SELECT count(*) FROM products p JOIN categories c ON c.id = p.category_id WHERE c.slug = 'quiet'""", Integer.class))
                    .isEqualTo(5);
        } finally {
            amazon.stop();
            TestEnvironment.dropSchema(schema);
        }
    }

    /** A hub on the WireMock Creators API, its jobs off (the test runs discovery itself), with these categories. */
    private static ConfigurableApplicationContext hub(String schema, WireMockServer amazon, Map<String, Object> categories) {
        Map<String, Object> properties = new java.util.HashMap<>(Map.of(
                "caravan.amazon.base-url", "http://localhost:" + amazon.port(),
                "caravan.amazon.token-url", "http://localhost:" + amazon.port() + "/auth/o2/token",
                "caravan.amazon.client-id", "amzn1.application-oa2-client.disc",
                "caravan.amazon.client-secret", "disc-secret-value",
                "caravan.amazon.requests-per-second", "50",
                "caravan.jobs.amazon-prices.enabled", "false",
                "caravan.jobs.amazon-discovery.enabled", "false"));
        properties.putAll(categories);
        return Hubs.start(schema, properties);
    }

    private static int searches(WireMockServer amazon, String browseNode, String page) {
        return amazon.findAll(postRequestedFor(urlEqualTo("/catalog/v1/searchItems"))
                .withRequestBody(matchingJsonPath("$.browseNodeId", equalTo(browseNode)))
                .withRequestBody(matchingJsonPath("$.itemPage", equalTo(page)))).size();
    }
}
