package io.caravan.amazon;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import io.caravan.ops.JobStateRepository;
import io.caravan.support.Hubs;
import io.caravan.support.TestEnvironment;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.camel.ProducerTemplate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

/** The price job in a whole hub on real PostgreSQL, with WireMock as the Creators API and its token endpoint. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PriceChecksIT {

    private final String schema = TestEnvironment.newSchema();
    private final WireMockServer amazon = new WireMockServer(options().dynamicPort());
    private final ObjectMapper json = new ObjectMapper();
    private ConfigurableApplicationContext hub;
    private JdbcTemplate jdbc;
    private ProducerTemplate camel;

    /** Chunks of 20 products (two getItems calls), so runs span several chunks and two hubs both get work. */
    private Map<String, Object> hubSettings() {
        return Map.ofEntries(
                Map.entry("caravan.amazon.base-url", "http://localhost:" + amazon.port()),
                Map.entry("caravan.amazon.token-url", "http://localhost:" + amazon.port() + "/auth/o2/token"),
                Map.entry("caravan.amazon.client-id", "amzn1.application-oa2-client.test"),
                Map.entry("caravan.amazon.client-secret", "test-secret-value-9"),
                Map.entry("caravan.amazon.partner-tag", "caravan-21"),
                Map.entry("caravan.amazon.requests-per-second", "50"),
                Map.entry("caravan.amazon.requests-per-day", String.valueOf(PER_DAY)),
                Map.entry("caravan.amazon.checks.claim-size", "20"),
                Map.entry("caravan.jobs.amazon-prices.enabled", "false"),
                Map.entry("caravan.jobs.amazon-discovery.enabled", "false"),
                Map.entry("caravan.deals.min-discount-percent", "20"),
                Map.entry("caravan.deals.repost-cooldown", "24h"));
    }

    private static final int PER_DAY = 8640;

    @BeforeAll
    void startHub() {
        amazon.start();
        hub = Hubs.start(schema, hubSettings());
        jdbc = hub.getBean(JdbcTemplate.class);
        camel = PriceRoutes.direct(hub);
    }

    @AfterAll
    void stopHub() {
        if (hub != null) {
            hub.close();
        }
        amazon.stop();
        TestEnvironment.dropSchema(schema);
    }

    @BeforeEach
    void reset() {
        amazon.resetAll();
        amazon.stubFor(post("/auth/o2/token").willReturn(okJson(
                "{\"access_token\":\"Atza|price-test-token\",\"expires_in\":3600,\"token_type\":\"bearer\"}")));
        jdbc.update("DELETE FROM outbox");
        jdbc.update("DELETE FROM watches");
        jdbc.update("DELETE FROM deals");
        jdbc.update("DELETE FROM price_history");
        jdbc.update("DELETE FROM products");
        jdbc.update("DELETE FROM job_state");
        jdbc.update("DELETE FROM amazon_quota");
    }

    /** Every requested ASIN comes back at {@code price} (templated from the request body). */
    private void pricesAt(String price) {
        amazon.stubFor(post("/catalog/v1/getItems").willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withTransformers("response-template")
                .withBody("{\"itemsResult\":{\"items\":[{{#each (jsonPath request.body '$.itemIds') as |id|}}"
                        + "{{#unless @first}},{{/unless}}{\"asin\":\"{{id}}\",\"detailPageURL\":\"https://www.amazon.com.tr/dp/{{id}}?tag=caravan-21\","
                        + "\"itemInfo\":{\"title\":{\"displayValue\":\"Item {{id}}\"}},"
                        + "\"offersV2\":{\"listings\":[{\"isBuyBoxWinner\":true,\"price\":{\"money\":{\"amount\":" + price
                        + ",\"currency\":\"TRY\"}},\"availability\":{\"type\":\"IN_STOCK\"}}]}}{{/each}}]}}")));
    }

    private void products(int n) {
        for (int i = 0; i < n; i++) {
            jdbc.update("INSERT INTO products (asin, marketplace, priority, next_check_at) VALUES (?, 'www.amazon.com.tr', ?, now() - interval '1 minute')",
                    "B0TEST%04d".formatted(i), i % 3);
        }
    }

    private List<JsonNode> requestBodies() throws Exception {
        List<JsonNode> bodies = new ArrayList<>();
        for (var request : amazon.findAll(postRequestedFor(urlEqualTo("/catalog/v1/getItems")))) {
            bodies.add(json.readTree(request.getBodyAsString()));
        }
        return bodies;
    }

    private List<JsonNode> events(String type) throws Exception {
        List<JsonNode> events = new ArrayList<>();
        for (String payload : jdbc.queryForList("SELECT payload::text FROM outbox WHERE type = ? ORDER BY id", String.class, type)) {
            events.add(json.readTree(payload));
        }
        return events;
    }

    /** One run of the amazon-prices route (its quartz consumer replaced by direct:, see {@link PriceRoutes}). */
    private int run(ConfigurableApplicationContext onHub) {
        return PriceRoutes.run(onHub);
    }

    private void makeDue() {
        jdbc.update("UPDATE products SET next_check_at = now() - interval '1 second'");
    }

    @Test
    void checksInBatchesOfExactlyTenAndRecordsHistoryOnlyOnChange() throws Exception {
        products(25);
        pricesAt("100.00");

        assertThat(run(hub)).isEqualTo(25);

        List<JsonNode> bodies = requestBodies();
        assertThat(bodies).extracting(b -> b.get("itemIds").size()).containsExactlyInAnyOrder(10, 10, 5);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM price_history", Integer.class)).isEqualTo(25);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM products WHERE current_price = 100.00 AND currency = 'TRY' AND status = 'active' AND next_check_at > now()", Integer.class)).isEqualTo(25);
        assertThat(amazon.findAll(postRequestedFor(urlEqualTo("/auth/o2/token")))).as("one token for all calls").hasSizeLessThanOrEqualTo(1);

        makeDue();
        assertThat(run(hub)).isEqualTo(25);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM price_history", Integer.class)).as("same price: no new history").isEqualTo(25);
        assertThat(events("dataset.changed")).hasSize(3);
        assertThat(events("dataset.changed").get(0).get("keys").get(0).asText()).matches(".*products:B0TEST\\d+");
    }

    @Test
    void aScriptedDropStartsADealAndARiseEndsIt() throws Exception {
        products(1);
        jdbc.update("UPDATE products SET current_price = 1000.00, currency = 'TRY', availability = 'IN_STOCK'");
        jdbc.update("INSERT INTO price_history (asin, marketplace, observed_at, price, currency, availability) VALUES ('B0TEST0000', 'www.amazon.com.tr', now() - interval '20 days', 1000.00, 'TRY', 'IN_STOCK')");
        jdbc.update("INSERT INTO watches (chat_id, asin, marketplace, target_price) VALUES (12345, 'B0TEST0000', 'www.amazon.com.tr', 800.00)");

        pricesAt("700.00");
        run(hub);

        List<JsonNode> created = events("deal.created");
        assertThat(created).hasSize(1);
        JsonNode deal = created.get(0);
        assertThat(deal.get("asin").asText()).isEqualTo("B0TEST0000");
        assertThat(deal.get("price").asText()).isEqualTo("700.00");
        assertThat(deal.get("referencePrice").asText()).isEqualTo("1000.00");
        assertThat(deal.get("discountPct").asText()).isEqualTo("30.00");
        assertThat(deal.get("currency").asText()).isEqualTo("TRY");
        assertThat(deal.get("url").asText()).contains("tag=caravan-21");
        assertThat(deal.get("timeZone").asText()).isEqualTo("Europe/Istanbul");
        assertThat(events("watch.hit")).extracting(e -> e.get("kind").asText()).containsExactly("target-reached");
        assertThat(jdbc.queryForObject("SELECT count(*) FROM active_deals", Integer.class)).isEqualTo(1);
        assertThat(jdbc.queryForObject("SELECT check_interval = interval '15 minutes' FROM products", Boolean.class))
                .as("a deal is checked at the shortest interval").isTrue();

        makeDue();
        pricesAt("990.00");
        run(hub);

        List<JsonNode> expired = events("deal.expired");
        assertThat(expired).hasSize(1);
        assertThat(expired.get(0).get("reason").asText()).isEqualTo("price-rose");
        assertThat(expired.get(0).get("dealId").asLong()).isEqualTo(deal.get("dealId").asLong());
        assertThat(jdbc.queryForObject("SELECT count(*) FROM active_deals", Integer.class)).isZero();

        makeDue();
        pricesAt("700.00");
        run(hub);
        assertThat(events("deal.created")).as("cooldown: no second deal within 24 h").hasSize(1);
    }

    @Test
    void partialErrorsMarkTheProductInaccessibleWithoutDeletingIt() throws Exception {
        products(2);
        amazon.stubFor(post("/catalog/v1/getItems").willReturn(okJson("""
                {"errors":[{"code":"ItemNotAccessible","message":"The ItemId B0TEST0001 is not accessible through the Creators API."}],
                 "itemResults":{"items":[{"asin":"B0TEST0000","offersV2":{"listings":[{"price":{"money":{"amount":55.5,"currency":"TRY"}},"availability":{"type":"IN_STOCK"}}]}}]}}""")));

        assertThat(run(hub)).isEqualTo(2);

        assertThat(jdbc.queryForObject("SELECT status FROM products WHERE asin = 'B0TEST0000'", String.class)).isEqualTo("active");
        assertThat(jdbc.queryForObject("SELECT status || ' ' || last_error FROM products WHERE asin = 'B0TEST0001'", String.class))
                .startsWith("inaccessible ItemNotAccessible");
    }

    @Test
    void aThrottleHonoursRetryAfterAndGivesTheBatchBack() {
        products(3);
        amazon.stubFor(post("/catalog/v1/getItems").willReturn(aResponse().withStatus(429).withHeader("Content-Type", "application/json")
                .withBody("{\"type\":\"ThrottleException\",\"message\":\"The request was denied due to request throttling.\",\"retryAfterSeconds\":2}")));
        Instant before = Instant.now();

        assertThat(run(hub)).isZero();

        AmazonQuota quota = hub.getBean(AmazonQuota.class);
        assertThat(quota.pausedUntil()).isAfterOrEqualTo(before.plusSeconds(2));
        assertThat(quota.pausedUntil()).as("retryAfterSeconds plus one quiet window, then the full rate (no slow-down)")
                .isBefore(Instant.now().plusSeconds(4));
        amazon.verify(1, postRequestedFor(urlEqualTo("/catalog/v1/getItems")));
        assertThat(jdbc.queryForObject("SELECT count(*) FROM products WHERE next_check_at BETWEEN now() AND now() + interval '5 seconds'", Integer.class))
                .as("retried after retryAfterSeconds, not after the lease").isEqualTo(3);
    }

    @Test
    void notEligiblePausesThePriceJobsAndAlertsTheAdmin() throws Exception {
        products(15);
        amazon.stubFor(post("/catalog/v1/getItems").willReturn(aResponse().withStatus(403).withHeader("Content-Type", "application/json")
                .withBody("{\"type\":\"AccessDeniedException\",\"reason\":\"AssociateNotEligible\",\"message\":\"The associate is not eligible for the Creators API\"}")));

        assertThat(run(hub)).isZero();

        amazon.verify(1, postRequestedFor(urlEqualTo("/catalog/v1/getItems")));
        JobStateRepository state = hub.getBean(JobStateRepository.class);
        assertThat(state.isPaused("amazon-prices")).isTrue();
        assertThat(state.isPaused("amazon-discovery")).isTrue();
        List<JsonNode> alerts = events("admin.alert");
        assertThat(alerts).hasSize(1);
        assertThat(alerts.get(0).get("kind").asText()).isEqualTo("price-job-paused");
        assertThat(alerts.get(0).get("key").asText()).isEqualTo("amazon-403");
        assertThat(alerts.get(0).get("text").asText()).contains("AssociateNotEligible").doesNotContain("test-secret-value-9");
    }

    @Test
    void twoHubsOnOneSchemaNeverCheckTheSameProductTwiceInACycle() throws Exception {
        products(200);
        pricesAt("100.00");
        ExecutorService workers = Executors.newFixedThreadPool(2);
        CountDownLatch go = new CountDownLatch(1);
        try (ConfigurableApplicationContext second = Hubs.start(schema, hubSettings())) {
            List<Future<Integer>> results = new ArrayList<>();
            PriceRoutes.direct(second);
            for (ConfigurableApplicationContext instance : List.of(hub, second)) {
                results.add(workers.submit(() -> {
                    go.await();
                    int checked = 0;
                    for (int done = run(instance); done > 0; done = run(instance)) {
                        checked += done;
                    }
                    return checked;
                }));
            }
            go.countDown();
            int first = results.get(0).get();
            int other = results.get(1).get();

            Map<String, Integer> requested = new HashMap<>();
            for (JsonNode body : requestBodies()) {
                body.get("itemIds").forEach(id -> requested.merge(id.asText(), 1, Integer::sum));
            }
            assertThat(requested).as("every product asked of Amazon").hasSize(200);
            assertThat(requested.values()).as("each exactly once in the cycle").containsOnly(1);
            assertThat(first + other).isEqualTo(200);
            assertThat(first).as("both hubs got work").isPositive();
            assertThat(other).isPositive();
            assertThat(jdbc.queryForObject("SELECT count(*) FROM price_history", Integer.class)).as("one observation each").isEqualTo(200);
            assertThat(jdbc.queryForObject("SELECT sum(used) FROM amazon_quota", Integer.class))
                    .as("both hubs counted against the one daily budget").isEqualTo(requestBodies().size());
        } finally {
            workers.shutdownNow();
        }
    }

    @Test
    void aDailyBudgetThatEndsMidChunkSendsOnlyWhatIsLeftAndLeavesTheRestDue() throws Exception {
        products(25);
        pricesAt("100.00");
        jdbc.update("INSERT INTO amazon_quota (credential, day, used) VALUES ('amzn1.application-oa2-client.test', (now() AT TIME ZONE 'UTC')::date, ?)",
                PER_DAY - 1);

        assertThat(run(hub)).isEqualTo(10);

        assertThat(requestBodies()).extracting(b -> b.get("itemIds").size()).containsExactly(10);
        assertThat(jdbc.queryForObject("SELECT used FROM amazon_quota", Integer.class)).isEqualTo(PER_DAY);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM products WHERE next_check_at <= now()", Integer.class))
                .as("the chunk's unsent half released, the rest never claimed").isEqualTo(15);
    }

    @Test
    void aFailedCallInAChunkKeepsTheOtherAnswersAndReleasesItsProducts() {
        products(20);
        pricesAt("100.00");
        // The chunk's second call (the first goes alone) asks for B0TEST0000 and fails; the first call's ten are written.
        amazon.stubFor(post("/catalog/v1/getItems").withRequestBody(containing("B0TEST0000")).atPriority(1)
                .willReturn(aResponse().withStatus(500).withHeader("Content-Type", "application/json")
                        .withBody("{\"type\":\"InternalFailure\",\"message\":\"boom\"}")));

        Throwable error = catchThrowable(() -> run(hub));

        assertThat(error).isInstanceOf(CreatorsApiException.class).hasMessageContaining("InternalFailure");
        assertThat(jdbc.queryForObject("SELECT count(*) FROM products WHERE current_price = 100.00", Integer.class)).isEqualTo(10);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM price_history", Integer.class)).isEqualTo(10);
        assertThat(jdbc.queryForObject("""
                SELECT count(*) FROM products WHERE current_price IS NULL
                AND next_check_at BETWEEN now() + interval '14 minutes' AND now() + interval '16 minutes'""", Integer.class))
                .as("the failed call's products wait the shortest interval, not the lease").isEqualTo(10);
    }

    @Test
    void theClaimShrinksWhenTheRateWouldOutlastHalfTheLease() {
        AmazonProperties base = CreatorsApiClientTest.settings(1, "s");
        assertThat(PriceClaims.claimSize(withRate(base, 1))).as("50 calls at 1/s: 50 s").isEqualTo(500);
        assertThat(PriceClaims.claimSize(withRate(base, 0.05))).as("15 calls at 0.05/s fill 5 minutes").isEqualTo(150);
        assertThat(PriceClaims.claimSize(withRate(base, 0.01))).isEqualTo(30);
    }

    private static AmazonProperties withRate(AmazonProperties base, double rate) {
        return new AmazonProperties(base.baseUrl(), base.tokenUrl(), base.clientId(), base.clientSecret(), base.scope(),
                base.partnerTag(), base.marketplace(), rate, base.requestsPerDay(), base.timeout(), base.checks(),
                base.categories(), base.priceHistory(), base.invalidate(), base.sendMargin());
    }

    @Test
    void theRetentionJobPrunesHistoryOlderThanNinetyDaysOnly() {
        products(1);
        jdbc.update("INSERT INTO price_history (asin, marketplace, observed_at, price) VALUES ('B0TEST0000', 'www.amazon.com.tr', now() - interval '91 days', 10), ('B0TEST0000', 'www.amazon.com.tr', now() - interval '89 days', 11)");

        Object rows = camel.request("direct:amazon-history-prune", exchange -> { }).getMessage().getHeader("CaravanRows");

        assertThat(rows).isEqualTo(1);
        assertThat(jdbc.queryForList("SELECT price::text FROM price_history", String.class)).containsExactly("11.00");
    }

    @Test
    void higherPriorityIsClaimedFirst() {
        products(9);
        List<PriceClaims.Claimed> first = hub.getBean(PriceClaims.class).claim(3);
        assertThat(first).extracting(PriceClaims.Claimed::asin).containsExactlyInAnyOrder("B0TEST0002", "B0TEST0005", "B0TEST0008");
    }
}
