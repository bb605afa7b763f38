package io.caravan.amazon;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.math.BigDecimal;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The client against WireMock playing Amazon's token endpoint and the Creators API, bodies as documented. */
class CreatorsApiClientTest {

    static final String TOKEN_PATH = "/auth/o2/token";
    static final String GET_ITEMS = "/catalog/v1/getItems";

    private final WireMockServer amazon = new WireMockServer(options().dynamicPort());
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final List<Duration> throttles = new ArrayList<>();

    @BeforeEach
    void start() {
        amazon.start();
    }

    @AfterEach
    void stop() {
        amazon.stop();
    }

    static AmazonProperties settings(int port, String secret) {
        return settings(URI.create("http://localhost:" + port), URI.create("http://localhost:" + port + TOKEN_PATH), secret);
    }

    static AmazonProperties settings(URI api, URI tokenUrl, String secret) {
        return new AmazonProperties(api, tokenUrl,
                "amzn1.application-oa2-client.test", secret, "creatorsapi::default", "caravan-21", "www.amazon.com.tr",
                1, 8640, Duration.ofSeconds(5), new AmazonProperties.Checks(Duration.ofMinutes(15), Duration.ofHours(6), 10, 60, 500, 8, Duration.ofMinutes(10),
                        Duration.ofDays(7), new java.math.BigDecimal("0.02"), Duration.ofDays(30), true),
                List.of(), new AmazonProperties.PriceHistory(Duration.ofDays(90)),
                new AmazonProperties.Invalidate(List.of("products:{asin}"), List.of("deals:*"), List.of("deals")), 0.10);
    }

    private CreatorsApiClient client(String secret) {
        Quota recording = new Quota() {
            @Override
            public void acquire(String operation) {
            }

            @Override
            public void throttled(Duration retryAfter) {
                throttles.add(retryAfter);
            }
        };
        return new CreatorsApiClient(settings(amazon.port(), secret), new ObjectMapper(), recording, meters);
    }

    static String token(String value) {
        return "{\"access_token\":\"" + value + "\",\"expires_in\":3600,\"token_type\":\"bearer\"}";
    }

    static String sample(String name) throws Exception {
        return Files.readString(Path.of("src/test/resources/amazon/" + name));
    }

    private void tokenStub() {
        amazon.stubFor(post(TOKEN_PATH).willReturn(okJson(token("Atza|first-token-value"))));
    }

    @Test
    void fetchesTheTokenOnceAndReusesIt() throws Exception {
        tokenStub();
        amazon.stubFor(post(GET_ITEMS).withHeader("Authorization", equalTo("Bearer Atza|first-token-value"))
                .withHeader("x-marketplace", equalTo("www.amazon.com.tr"))
                .willReturn(okJson(sample("getitems-offersv2-deal.json"))));
        CreatorsApiClient client = client("s3cret-value");

        for (int i = 0; i < 3; i++) {
            ItemsResponse answer = client.getItems(List.of("B00MNV8E0C"));
            assertThat(answer.items()).hasSize(1);
        }

        amazon.verify(1, postRequestedFor(urlEqualTo(TOKEN_PATH))
                .withRequestBody(containing("grant_type=client_credentials"))
                .withRequestBody(containing("scope=creatorsapi")));
        amazon.verify(3, postRequestedFor(urlEqualTo(GET_ITEMS))
                .withRequestBody(matchingJsonPath("$.itemIds[0]", equalTo("B00MNV8E0C")))
                .withRequestBody(matchingJsonPath("$.partnerTag", equalTo("caravan-21")))
                .withRequestBody(matchingJsonPath("$.marketplace", equalTo("www.amazon.com.tr"))));
    }

    @Test
    void readsPriceSavingBasisAndAvailabilityFromOffersV2() throws Exception {
        tokenStub();
        amazon.stubFor(post(GET_ITEMS).willReturn(okJson(sample("getitems-offersv2-deal.json"))));

        AmazonItem item = client("s3cret-value").getItems(List.of("B00MNV8E0C")).items().get(0);

        assertThat(item.asin()).isEqualTo("B00MNV8E0C");
        assertThat(item.url()).startsWith("https://www.amazon.com/dp/B00MNV8E0C?tag=");
        assertThat(item.offer().price()).isEqualByComparingTo("59.49");
        assertThat(item.offer().currency()).isEqualTo("USD");
        assertThat(item.offer().savingBasis()).isEqualByComparingTo("69.99");
        assertThat(item.offer().savingBasisType()).isEqualTo("LIST_PRICE");
        assertThat(item.offer().availability()).isEqualTo("IN_STOCK");
    }

    @Test
    void a401RenewsTheTokenOnceAndRetries() {
        amazon.stubFor(post(TOKEN_PATH).inScenario("tokens").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(okJson(token("Atza|revoked-token"))).willSetStateTo("second"));
        amazon.stubFor(post(TOKEN_PATH).inScenario("tokens").whenScenarioStateIs("second")
                .willReturn(okJson(token("Atza|fresh-token"))));
        amazon.stubFor(post(GET_ITEMS).withHeader("Authorization", equalTo("Bearer Atza|revoked-token"))
                .willReturn(aResponse().withStatus(401).withHeader("Content-Type", "application/json")
                        .withBody("{\"type\":\"UnauthorizedException\",\"reason\":\"TokenExpired\",\"message\":\"The access token has expired\"}")));
        amazon.stubFor(post(GET_ITEMS).withHeader("Authorization", equalTo("Bearer Atza|fresh-token"))
                .willReturn(okJson("{\"itemsResult\":{\"items\":[{\"asin\":\"B0TEST0001\"}]}}")));

        ItemsResponse answer = client("s3cret-value").getItems(List.of("B0TEST0001"));

        assertThat(answer.items()).extracting(AmazonItem::asin).containsExactly("B0TEST0001");
        assertThat(answer.items().get(0).offer()).as("no offersV2 is no offer, never a price of 0").isNull();
        amazon.verify(2, postRequestedFor(urlEqualTo(TOKEN_PATH)));
        amazon.verify(2, postRequestedFor(urlEqualTo(GET_ITEMS)));
    }

    @Test
    void a401AfterRenewalIsAnErrorNotALoop() {
        tokenStub();
        amazon.stubFor(post(GET_ITEMS).willReturn(aResponse().withStatus(401).withHeader("Content-Type", "application/json")
                .withBody("{\"__type\":\"com.amazon.creators#UnauthorizedException\",\"reason\":\"InvalidIssuer\",\"message\":\"Issuer does not match\"}")));

        CreatorsApiException error = catchThrowableOfType(CreatorsApiException.class,
                () -> client("s3cret-value").getItems(List.of("B0TEST0001")));

        assertThat(error.status()).isEqualTo(401);
        assertThat(error.type()).isEqualTo("UnauthorizedException");
        assertThat(error.getMessage()).contains("InvalidIssuer").doesNotContain("first-token-value");
        amazon.verify(2, postRequestedFor(urlEqualTo(GET_ITEMS)));
    }

    @Test
    void aBadSecretGivesAClearErrorWithoutTheSecret() {
        amazon.stubFor(post(TOKEN_PATH).willReturn(aResponse().withStatus(401).withHeader("Content-Type", "application/json")
                .withBody("{\"error\":\"invalid_client\",\"error_description\":\"Client authentication failed\"}")));

        CreatorsApiException error = catchThrowableOfType(CreatorsApiException.class,
                () -> client("wrong-secret-42").getItems(List.of("B0TEST0001")));

        assertThat(error.reason()).as(error.getMessage()).isEqualTo("invalid_client");
        assertThat(error.badCredentials()).isTrue();
        assertThat(error.getMessage()).contains("invalid_client").contains("caravan.amazon.client-secret")
                .doesNotContain("wrong-secret-42");
        amazon.verify(0, postRequestedFor(urlEqualTo(GET_ITEMS)));
    }

    @Test
    void partialErrorsBesideGoodItemsAreKeyedByAsin() throws Exception {
        tokenStub();
        amazon.stubFor(post(GET_ITEMS).willReturn(okJson(sample("getitems-partial-errors.json"))));

        ItemsResponse answer = client("s3cret-value").getItems(List.of("B0BL8WSCH3", "B08N5WRWNW"));

        assertThat(answer.items()).extracting(AmazonItem::asin).containsExactly("B0BL8WSCH3");
        assertThat(answer.items().get(0).title()).startsWith("Amazon Fire 7 Kids tablet");
        assertThat(answer.errors()).containsOnlyKeys("B08N5WRWNW");
        assertThat(answer.errors().get("B08N5WRWNW").code()).isEqualTo("InvalidParameterValue");
        assertThat(answer.missing()).isEmpty();
        assertThat(meters.counter("caravan_amazon_requests_total", "operation", "getItems", "outcome", "partial").count()).isEqualTo(1);
    }

    @Test
    void acceptsTheItemResultsSpellingOfTheGetItemsPage() {
        tokenStub();
        amazon.stubFor(post(GET_ITEMS).willReturn(okJson("""
                {"itemResults":{"items":[{"asin":"B0TEST0002","offersV2":{"listings":[
                  {"isBuyBoxWinner":false,"price":{"money":{"amount":120.00,"currency":"TRY"}},"availability":{"type":"IN_STOCK"}},
                  {"isBuyBoxWinner":true,"price":{"money":{"amount":99.90,"currency":"TRY"}},"availability":{"type":"IN_STOCK_SCARCE"}}]}}]}}""")));

        AmazonItem item = client("s3cret-value").getItems(List.of("B0TEST0002")).items().get(0);

        assertThat(item.offer().price()).as("the Buy Box winner, not the first listing").isEqualByComparingTo(new BigDecimal("99.90"));
        assertThat(item.offer().availability()).isEqualTo("IN_STOCK_SCARCE");
    }

    @Test
    void a429HonoursRetryAfterSeconds() {
        tokenStub();
        amazon.stubFor(post(GET_ITEMS).willReturn(aResponse().withStatus(429).withHeader("Content-Type", "application/json")
                .withBody("{\"type\":\"ThrottleException\",\"message\":\"The request was denied due to request throttling.\",\"retryAfterSeconds\":60}")));

        CreatorsApiException error = catchThrowableOfType(CreatorsApiException.class,
                () -> client("s3cret-value").getItems(List.of("B0TEST0001")));

        assertThat(error.throttled()).isTrue();
        assertThat(error.retryAfterSeconds()).isEqualTo(60);
        assertThat(throttles).containsExactly(Duration.ofSeconds(60));
        amazon.verify(1, postRequestedFor(urlEqualTo(GET_ITEMS)));
    }

    @Test
    void a403AssociateNotEligibleIsRecognised() {
        tokenStub();
        amazon.stubFor(post(GET_ITEMS).willReturn(aResponse().withStatus(403).withHeader("Content-Type", "application/json")
                .withBody("{\"__type\":\"com.amazon.creators#AccessDeniedException\",\"reason\":\"AssociateNotEligible\",\"message\":\"The associate is not eligible\"}")));

        CreatorsApiException error = catchThrowableOfType(CreatorsApiException.class,
                () -> client("s3cret-value").getItems(List.of("B0TEST0001")));

        assertThat(error.notEligible()).isTrue();
        assertThat(error.type()).isEqualTo("AccessDeniedException");
    }

    @Test
    void refusesMoreThanTenAsins() {
        List<String> eleven = new ArrayList<>();
        for (int i = 0; i < 11; i++) {
            eleven.add("B0TEST%04d".formatted(i));
        }
        IllegalArgumentException error = catchThrowableOfType(IllegalArgumentException.class, () -> client("s3cret-value").getItems(eleven));
        assertThat(error).hasMessageContaining("1 to 10 ASINs, got 11");
    }

    @Test
    void callsOverHttpsCheckTheServerAgainstTheJdkTrustStore() throws Exception {
        // The TLS context is made at the first TLS connection, not with the client (docs/startup.md): it still has
        // to be there and check the certificate. WireMock's own certificate is signed by no CA the JDK trusts.
        WireMockServer tls = new WireMockServer(options().dynamicPort().dynamicHttpsPort());
        tls.start();
        try {
            tokenStub();
            tls.stubFor(post(GET_ITEMS).willReturn(okJson(sample("getitems-offersv2-deal.json"))));
            CreatorsApiClient client = new CreatorsApiClient(settings(URI.create("https://localhost:" + tls.httpsPort()),
                    URI.create("http://localhost:" + amazon.port() + TOKEN_PATH), "s3cret-value"), new ObjectMapper(),
                    Quota.UNLIMITED, meters);

            Throwable error = catchThrowable(() -> client.getItems(List.of("B00MNV8E0C")));

            assertThat(error).hasRootCauseInstanceOf(java.security.cert.CertPathBuilderException.class);
            assertThat(tls.getAllServeEvents()).isEmpty();
        } finally {
            tls.stop();
        }
    }
}
