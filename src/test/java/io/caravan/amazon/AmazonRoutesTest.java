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
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.caravan.support.HubTest;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;
import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.AdviceWith;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;

/**
 * The amazon-prices and amazon-discovery routes as written, advised (AdviceWith) to record their steps: the steps
 * run in order, a 429 and a per-item error take their documented paths, and two routes calling {@code creators:} at
 * once stay within the per-second rate and the daily count.
 */
@HubTest
@CamelSpringBootTest
// Static, so the flow switches (read before dynamic properties) see the Amazon flow on.
@TestPropertySource(properties = {"caravan.amazon.client-id=amzn1.application-oa2-client.routes",
        "caravan.amazon.client-secret=" + AmazonRoutesTest.SECRET,
        "caravan.telegram.token=" + AmazonRoutesTest.TOKEN,
        "caravan.jobs.telegram-updates.enabled=false",
        // Runs back to back, counted: a day's budget spread over the day would size them by the time of day.
        "caravan.amazon.checks.spread-day-budget=false"})
@ExtendWith(OutputCaptureExtension.class)
class AmazonRoutesTest {

    static final String SECRET = "routes-secret-value-3";
    static final String TOKEN = "7123456789:AAHk_routes-Token-Value-0123456789";
    private static final int RATE = 20;
    private static final WireMockServer AMAZON = new WireMockServer(options().dynamicPort());

    static {
        AMAZON.start();
    }

    @DynamicPropertySource
    static void amazon(DynamicPropertyRegistry properties) {
        properties.add("caravan.amazon.base-url", () -> "http://localhost:" + AMAZON.port());
        properties.add("caravan.amazon.token-url", () -> "http://localhost:" + AMAZON.port() + "/auth/o2/token");
        properties.add("caravan.telegram.base-uri", () -> "http://localhost:" + AMAZON.port());
        properties.add("caravan.amazon.requests-per-second", () -> String.valueOf(RATE));
        properties.add("caravan.amazon.checks.claim-size", () -> "20");
        properties.add("caravan.jobs.amazon-prices.enabled", () -> "false");
        properties.add("caravan.jobs.amazon-discovery.enabled", () -> "false");
        properties.add("caravan.amazon.categories[0].slug", () -> "audio");
        properties.add("caravan.amazon.categories[0].name", () -> "Ses");
        properties.add("caravan.amazon.categories[0].keywords", () -> "kulaklik");
    }

    @AfterAll
    static void stopAmazon() {
        AMAZON.stop();
    }

    @Autowired
    CamelContext camel;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    ProducerTemplate producer;

    /** Static: the advised steps, woven once, write to it for every test. */
    private static final List<String> trail = Collections.synchronizedList(new ArrayList<>());

    @BeforeEach
    void advise() throws Exception {
        trail.clear();
        AMAZON.resetAll();
        AMAZON.stubFor(post("/auth/o2/token").willReturn(okJson(
                "{\"access_token\":\"Atza|routes-token\",\"expires_in\":3600,\"token_type\":\"bearer\"}")));
        for (String table : List.of("outbox", "deals", "price_history", "products", "amazon_quota", "job_state")) {
            jdbc.update("DELETE FROM " + table);
        }
        if (camel.getRoute("amazon-prices").getEndpoint().getEndpointUri().startsWith("direct:")) {
            return;
        }
        assertThat(camel.getRouteController().getRouteStatus("amazon-prices").isStarted()).as("the flow is on").isTrue();
        AdviceWith.adviceWith(camel, "amazon-prices", route -> {
            route.replaceFromWith("direct:amazon-prices");
            for (String step : List.of("prices-claim", "prices-get-items", "prices-throttled", "prices-write", "prices-settle", "prices-result")) {
                route.weaveById(step).after().process(exchange -> trail.add(step.substring("prices-".length())));
            }
            route.weaveById("prices-get-items").after().to("mock:answers");
        });
        AdviceWith.adviceWith(camel, "amazon-discovery", route -> {
            route.replaceFromWith("direct:amazon-discovery");
            for (String step : List.of("discovery-categories", "discovery-search-items", "discovery-upsert", "discovery-throttled", "discovery-result")) {
                route.weaveById(step).after().process(exchange -> trail.add(step.substring("discovery-".length())));
            }
        });
        for (String id : List.of("amazon-prices", "amazon-discovery")) {
            if (!camel.getRouteController().getRouteStatus(id).isStarted()) {
                camel.getRouteController().startRoute(id);
            }
        }
    }

    private void products(int n) {
        jdbc.update("""
                INSERT INTO products (asin, marketplace, next_check_at)
                SELECT 'B0ROUTE' || lpad(g::text, 3, '0'), 'www.amazon.com.tr', now() - interval '1 minute'
                FROM generate_series(1, ?) g""", n);
    }

    private static void pricesAt(String price) {
        AMAZON.stubFor(post("/catalog/v1/getItems").willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withTransformers("response-template")
                .withBody("{\"itemsResult\":{\"items\":[{{#each (jsonPath request.body '$.itemIds') as |id|}}"
                        + "{{#unless @first}},{{/unless}}{\"asin\":\"{{id}}\",\"offersV2\":{\"listings\":[{\"isBuyBoxWinner\":true,"
                        + "\"price\":{\"money\":{\"amount\":" + price + ",\"currency\":\"TRY\"}},\"availability\":{\"type\":\"IN_STOCK\"}}]}}{{/each}}]}}")));
    }

    private int rows(String uri) {
        var done = producer.send(uri, exchange -> { });
        assertThat(done.getException()).as("the run's exception").isNull();
        return done.getMessage().getHeader("CaravanRows", Integer.class);
    }

    @Test
    void priceChecksClaimCallGatherWriteSettleInOrder() throws Exception {
        products(15);
        pricesAt("100.00");
        MockEndpoint answers = camel.getEndpoint("mock:answers", MockEndpoint.class);
        answers.reset();
        answers.expectedMessageCount(2);
        answers.allMessages().body().isInstanceOf(ItemsResponse.class);

        assertThat(rows("direct:amazon-prices")).isEqualTo(15);

        answers.assertIsSatisfied();
        assertThat(trail).as("one chunk of two calls, then a claim that finds nothing due")
                .containsExactly("claim", "get-items", "get-items", "write", "settle", "claim", "result");
        assertThat(jdbc.queryForObject("SELECT count(*) FROM products WHERE current_price = 100.00", Integer.class)).isEqualTo(15);
        assertThat(jdbc.queryForObject("SELECT used FROM amazon_quota", Integer.class)).as("exactly the calls sent").isEqualTo(2);
    }

    @Test
    void a429TakesTheThrottlePathGivesTheChunkBackAndEndsTheRun() {
        products(15);
        AMAZON.stubFor(post("/catalog/v1/getItems").willReturn(aResponse().withStatus(429).withHeader("Content-Type", "application/json")
                .withBody("{\"type\":\"ThrottleException\",\"message\":\"throttled\",\"retryAfterSeconds\":1}")));

        assertThat(rows("direct:amazon-prices")).isZero();

        assertThat(trail).as("the first call alone, throttled; the second never sent; the run ends")
                .containsExactly("claim", "throttled", "write", "settle", "result");
        AMAZON.verify(1, postRequestedFor(urlEqualTo("/catalog/v1/getItems")));
        assertThat(jdbc.queryForObject("SELECT count(*) FROM products WHERE next_check_at <= now() + interval '3 seconds'",
                Integer.class)).as("all 15 due again after retryAfterSeconds, not after the lease").isEqualTo(15);
        assertThat(jdbc.queryForObject("SELECT used FROM amazon_quota", Integer.class)).as("the unsent call given back").isEqualTo(1);
    }

    @Test
    void aPerItemErrorIsWrittenAsInaccessibleBesideTheGoodItems() {
        products(2);
        AMAZON.stubFor(post("/catalog/v1/getItems").willReturn(okJson("""
                {"errors":[{"code":"ItemNotAccessible","message":"The ItemId B0ROUTE002 is not accessible through the Creators API."}],
                 "itemsResult":{"items":[{"asin":"B0ROUTE001","offersV2":{"listings":[{"price":{"money":{"amount":55.5,"currency":"TRY"}},"availability":{"type":"IN_STOCK"}}]}}]}}""")));

        assertThat(rows("direct:amazon-prices")).isEqualTo(2);

        assertThat(trail).containsExactly("claim", "get-items", "write", "settle", "claim", "result");
        assertThat(jdbc.queryForList("SELECT asin || ' ' || status FROM products ORDER BY asin", String.class))
                .containsExactly("B0ROUTE001 active", "B0ROUTE002 inaccessible");
    }

    @Test
    void discoveryPagesACategoryAndA429AsksTheSamePageAgain() {
        AMAZON.stubFor(post("/catalog/v1/searchItems").inScenario("pages").whenScenarioStateIs("Started")
                .withRequestBody(matchingJsonPath("$.itemPage", equalTo("1")))
                .willReturn(okJson(search(1, 10, 15))).willSetStateTo("page 2 throttled"));
        AMAZON.stubFor(post("/catalog/v1/searchItems").inScenario("pages").whenScenarioStateIs("page 2 throttled")
                .willReturn(aResponse().withStatus(429).withHeader("Content-Type", "application/json")
                        .withBody("{\"type\":\"ThrottleException\",\"message\":\"throttled\",\"retryAfterSeconds\":1}"))
                .willSetStateTo("page 2"));
        AMAZON.stubFor(post("/catalog/v1/searchItems").inScenario("pages").whenScenarioStateIs("page 2")
                .withRequestBody(matchingJsonPath("$.itemPage", equalTo("2")))
                .willReturn(okJson(search(11, 5, 15))));

        assertThat(rows("direct:amazon-discovery")).isEqualTo(15);

        assertThat(trail).containsExactly("categories", "search-items", "upsert", "throttled", "search-items", "upsert", "result");
        assertThat(jdbc.queryForObject("SELECT count(*) FROM products", Integer.class)).isEqualTo(15);
    }

    private static String search(int from, int count, int total) {
        String items = String.join(",", IntStream.range(from, from + count)
                .mapToObj(i -> "{\"asin\":\"B0FOUND%03d\",\"itemInfo\":{\"title\":{\"displayValue\":\"Item %d\"}}}".formatted(i, i)).toList());
        return "{\"searchResult\":{\"totalResultCount\":" + total + ",\"items\":[" + items + "]}}";
    }

    @Test
    void theSecretAndTheTokenAreInNoEndpointUriRouteOrMetricTagNorTheLog(CapturedOutput output) {
        products(12);
        AMAZON.stubFor(post("/catalog/v1/getItems").willReturn(aResponse().withStatus(500).withHeader("Content-Type", "application/json")
                .withBody("{\"type\":\"InternalFailure\",\"message\":\"boom for " + SECRET + "\"}")));
        producer.send("direct:amazon-prices", exchange -> { });
        producer.sendBodyAndHeader("telegram-gate:digest", "<b>hello</b>", "CaravanChatId", "-100555");

        StringBuilder seen = new StringBuilder();
        camel.getEndpoints().forEach(endpoint -> seen.append(endpoint.getEndpointUri()).append('\n'));
        camel.getRoutes().forEach(route -> seen.append(route.getRouteId()).append(' ').append(route.getEndpoint().getEndpointUri())
                .append(' ').append(route.getDescription()).append('\n'));
        seen.append(applicationContext.getBean(io.micrometer.prometheusmetrics.PrometheusMeterRegistry.class).scrape());
        assertThat(seen.toString()).contains("creators://getItems").contains("telegram-gate://digest")
                .doesNotContain(SECRET).doesNotContain(TOKEN).doesNotContain("AAHk_routes");
        assertThat(output.getAll()).contains("boom for").doesNotContain(SECRET).doesNotContain(TOKEN);
    }

    @Autowired
    org.springframework.context.ApplicationContext applicationContext;

    @Test
    void twoRoutesCallingCreatorsAtOnceStayWithinTheRate() throws Exception {
        pricesAt("10.00");
        camel.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                for (String name : List.of("first", "second")) {
                    from("direct:burst-" + name).routeId("burst-" + name)
                            .split(body()).parallelProcessing()
                            .to("creators:getItems");
                }
            }
        });
        List<List<String>> batches = IntStream.range(0, 2 * RATE)
                .mapToObj(i -> List.of("B0BURST%03d".formatted(i))).toList();

        CompletableFuture<?> first = CompletableFuture.runAsync(() -> producer.sendBody("direct:burst-first", batches));
        CompletableFuture<?> second = CompletableFuture.runAsync(() -> producer.sendBody("direct:burst-second", batches));
        CompletableFuture.allOf(first, second).get();

        Map<Long, Integer> perSecond = new TreeMap<>();
        for (LoggedRequest request : AMAZON.findAll(postRequestedFor(urlEqualTo("/catalog/v1/getItems")))) {
            perSecond.merge(request.getLoggedDate().getTime() / 1000, 1, Integer::sum);
        }
        assertThat(perSecond.values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(4 * RATE);
        assertThat(perSecond.values()).as("requests per wall-clock second, both routes together").allMatch(n -> n <= RATE);
        assertThat(jdbc.queryForObject("SELECT used FROM amazon_quota", Integer.class)).as("each call counted once").isEqualTo(4 * RATE);
    }
}
