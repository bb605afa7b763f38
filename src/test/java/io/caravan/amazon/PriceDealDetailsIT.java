package io.caravan.amazon;

import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.caravan.support.Hubs;
import io.caravan.support.TestEnvironment;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Amazon's dealDetails through the whole price job: asked for, read, stored on the product for the planner, the deal
 * dated from its start in {@code caravan_deal_detection_seconds}, the re-check set just after its announced end; a bad
 * timestamp named in {@code last_error} with the price kept.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PriceDealDetailsIT {

    private final String schema = TestEnvironment.newSchema();
    private final WireMockServer amazon = new WireMockServer(options().dynamicPort());
    private ConfigurableApplicationContext hub;
    private JdbcTemplate jdbc;

    @BeforeAll
    void startHub() {
        amazon.start();
        hub = Hubs.start(schema, Map.ofEntries(
                Map.entry("caravan.amazon.base-url", "http://localhost:" + amazon.port()),
                Map.entry("caravan.amazon.token-url", "http://localhost:" + amazon.port() + "/auth/o2/token"),
                Map.entry("caravan.amazon.client-id", "amzn1.application-oa2-client.details"),
                Map.entry("caravan.amazon.client-secret", "details-secret-value-4"),
                Map.entry("caravan.amazon.partner-tag", "caravan-21"),
                Map.entry("caravan.amazon.requests-per-second", "50"),
                Map.entry("caravan.jobs.amazon-prices.enabled", "false"),
                Map.entry("caravan.jobs.amazon-discovery.enabled", "false"),
                Map.entry("caravan.deals.min-discount-percent", "20")));
        jdbc = hub.getBean(JdbcTemplate.class);
        PriceRoutes.direct(hub);
    }

    @AfterAll
    void stopHub() {
        if (hub != null) {
            hub.close();
        }
        amazon.stop();
        TestEnvironment.dropSchema(schema);
    }

    private static String item(String asin, String start, String end) {
        return """
                {"asin": "%s", "itemInfo": {"title": {"displayValue": "Item %s"}},
                 "offersV2": {"listings": [{"isBuyBoxWinner": true, "type": "LIGHTNING_DEAL",
                   "price": {"money": {"amount": 700.00, "currency": "TRY"}}, "availability": {"type": "IN_STOCK"},
                   "dealDetails": {"accessType": "ALL", "startTime": "%s", "endTime": "%s", "percentClaimed": 12}}]}}"""
                .formatted(asin, asin, start, end);
    }

    @Test
    void aLightningDealIsDatedFromItsStartAndCheckedAgainJustAfterItsEnd() {
        for (String asin : new String[]{"B0DETAIL01", "B0DETAIL02"}) {
            jdbc.update("""
                    INSERT INTO products (asin, marketplace, current_price, currency, availability, next_check_at)
                    VALUES (?, 'www.amazon.com.tr', 1000.00, 'TRY', 'IN_STOCK', now() - interval '1 minute')""", asin);
            jdbc.update("""
                    INSERT INTO price_history (asin, marketplace, observed_at, price, currency, availability)
                    VALUES (?, 'www.amazon.com.tr', now() - interval '20 days', 1000.00, 'TRY', 'IN_STOCK')""", asin);
        }
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        Instant start = now.minus(30, ChronoUnit.MINUTES);
        Instant end = now.plus(40, ChronoUnit.MINUTES);
        amazon.stubFor(post("/auth/o2/token").willReturn(okJson(
                "{\"access_token\":\"Atza|details-token\",\"expires_in\":3600,\"token_type\":\"bearer\"}")));
        amazon.stubFor(post("/catalog/v1/getItems").willReturn(okJson("{\"itemsResult\": {\"items\": ["
                + item("B0DETAIL01", start.toString(), end.toString()) + ","
                + item("B0DETAIL02", start.toString(), "when it sells out") + "]}}")));

        assertThat(PriceRoutes.run(hub)).isEqualTo(2);

        amazon.verify(postRequestedFor(urlEqualTo("/catalog/v1/getItems"))
                .withRequestBody(com.github.tomakehurst.wiremock.client.WireMock.containing("offersV2.listings.dealDetails")));
        Map<String, Object> timed = jdbc.queryForMap("""
                SELECT EXTRACT(EPOCH FROM plan_deal_since)::bigint AS since, EXTRACT(EPOCH FROM plan_deal_end)::bigint AS ends,
                       plan_lightning_deals, plan_tier, last_error,
                       EXTRACT(EPOCH FROM next_check_at - last_checked_at)::bigint AS wait,
                       EXTRACT(EPOCH FROM last_checked_at)::bigint AS checked
                FROM products WHERE asin = 'B0DETAIL01'""");
        assertThat(((Number) timed.get("since")).longValue()).as("a Lightning Deal counts from Amazon's start")
                .isEqualTo(start.getEpochSecond());
        assertThat(((Number) timed.get("ends")).longValue()).isEqualTo(end.getEpochSecond());
        assertThat(timed.get("plan_lightning_deals")).isEqualTo(1.0);
        assertThat(((Number) timed.get("plan_tier")).intValue()).isEqualTo(CheckPlanner.TIER_DEAL);
        assertThat(timed.get("last_error")).isNull();
        long checked = ((Number) timed.get("checked")).longValue();
        assertThat(((Number) timed.get("wait")).longValue()).as("a minute after the announced end, not expiry-latency (2 h)")
                .isBetween(end.getEpochSecond() + CheckPlanner.END_GRACE - checked - 1, end.getEpochSecond() + CheckPlanner.END_GRACE - checked + 1);

        Map<String, Object> bad = jdbc.queryForMap("""
                SELECT current_price, plan_deal_end, plan_tier, last_error FROM products WHERE asin = 'B0DETAIL02'""");
        assertThat(bad.get("current_price")).as("the price is kept").isEqualTo(new java.math.BigDecimal("700.00"));
        assertThat(bad.get("plan_deal_end")).isNull();
        assertThat((String) bad.get("last_error")).contains("B0DETAIL02").contains("dealDetails.endTime").contains("when it sells out");
        assertThat(jdbc.queryForObject("SELECT count(*) FROM deals WHERE status = 'active'", Integer.class))
                .as("both deals start: a bad timestamp fails nothing").isEqualTo(2);

        DistributionSummary detection = hub.getBean(MeterRegistry.class).find("caravan_deal_detection_seconds").summary();
        assertThat(detection.count()).as("both deals dated from Amazon's start (never checked before)").isEqualTo(2);
        assertThat(detection.max()).isBetween(30 * 60.0 - 5, 30 * 60.0 + 60);
    }
}
