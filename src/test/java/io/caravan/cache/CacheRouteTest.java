package io.caravan.cache;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.ok;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.caravan.outbox.Outbox;
import io.caravan.support.HubTest;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.AdviceWith;
import org.apache.camel.builder.NotifyBuilder;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.TestPropertySource;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The cache-invalidation route: outbox:dataset.changed → cache:invalidate → cache:warmUrls → the camel-http warm-up route, in that order; a failing
 * invalidation leaves the event to the outbox, which delivers it again, and the warm-up waits for the invalidation.
 */
@HubTest
@CamelSpringBootTest
@TestPropertySource(properties = {"caravan.outbox.initial-backoff=300ms", "caravan.outbox.max-backoff=1s",
        "caravan.outbox.poll-interval=300ms"})
class CacheRouteTest {

    static final WireMockServer dashboards = new WireMockServer(options().dynamicPort());
    static final AtomicBoolean failNextInvalidation = new AtomicBoolean();
    static boolean advised;

    static {
        dashboards.start();
    }

    @AfterAll
    static void stop() {
        dashboards.stop();
    }

    @Autowired
    CamelContext camel;
    @Autowired
    Outbox outbox;
    @Autowired
    TransactionTemplate transactions;
    @Autowired
    StringRedisTemplate redis;
    @Autowired
    JdbcTemplate jdbc;

    MockEndpoint steps;

    @BeforeEach
    void advise() throws Exception {
        steps = camel.getEndpoint("mock:cache-steps", MockEndpoint.class);
        if (!advised) {
            AdviceWith.adviceWith(camel, "cache-invalidation", route -> {
                route.weaveById("invalidate").before().process(exchange -> {
                    if (failNextInvalidation.getAndSet(false)) {
                        throw new IllegalStateException("Redis said no");
                    }
                });
                route.weaveById("invalidate").after().setHeader("step").constant("invalidate").to("mock:cache-steps");
                route.weaveById("warm").after().setHeader("step").constant("warm").to("mock:cache-steps");
            });
            advised = true;
        }
        steps.reset();
    }

    @Test
    void theEventsKeysAreDroppedThenItsUrlsWarmed() throws Exception {
        String p = "cr" + UUID.randomUUID().toString().substring(0, 8) + ":";
        redis.opsForValue().set(p + "list", "x");
        redis.opsForValue().set(p + "page:1", "x");
        dashboards.stubFor(get(urlEqualTo("/" + p + "dash")).willReturn(ok()));
        NotifyBuilder done = new NotifyBuilder(camel).fromRoute("cache-invalidation").whenCompleted(1).create();
        steps.expectedMessageCount(2);

        publish(p, List.of(dashboards.baseUrl() + "/" + p + "dash"));

        assertThat(done.matches(20, TimeUnit.SECONDS)).isTrue();
        steps.assertIsSatisfied();
        assertThat(steps.getReceivedExchanges()).extracting(e -> e.getMessage().getHeader("step")).containsExactly("invalidate", "warm");
        assertThat(steps.getReceivedExchanges().get(0).getMessage().getHeader(CacheEndpoint.INVALIDATED, Long.class)).isEqualTo(2);
        assertThat(steps.getReceivedExchanges().get(1).getMessage().getHeader(CacheEndpoint.WARMED, Integer.class)).isEqualTo(1);
        assertThat(redis.hasKey(p + "list")).isFalse();
        assertThat(redis.hasKey(p + "page:1")).isFalse();
        dashboards.verify(1, getRequestedFor(urlEqualTo("/" + p + "dash")));
    }

    @Test
    void aFailedInvalidationIsRetriedByTheOutboxAndNothingIsWarmedBeforeIt() throws Exception {
        String p = "cr" + UUID.randomUUID().toString().substring(0, 8) + ":";
        redis.opsForValue().set(p + "list", "x");
        dashboards.stubFor(get(urlEqualTo("/" + p + "dash")).willReturn(ok()));
        failNextInvalidation.set(true);
        NotifyBuilder failedThenDone = new NotifyBuilder(camel).fromRoute("cache-invalidation").whenFailed(1).and().whenCompleted(1).create();

        long id = publish(p, List.of(dashboards.baseUrl() + "/" + p + "dash"));

        assertThat(failedThenDone.matches(20, TimeUnit.SECONDS)).isTrue();
        await().atMost(Duration.ofSeconds(10)).until(() -> jdbc.queryForObject("SELECT done_at IS NOT NULL FROM outbox WHERE id = ?",
                Boolean.class, id));
        assertThat(steps.getReceivedExchanges()).extracting(e -> e.getMessage().getHeader("step")).containsExactly("invalidate", "warm");
        assertThat(steps.getReceivedExchanges().get(0).getMessage().getHeader("CaravanEventAttempts", Integer.class))
                .as("delivered again after the failed try").isEqualTo(1);
        assertThat(redis.hasKey(p + "list")).isFalse();
        dashboards.verify(1, getRequestedFor(urlEqualTo("/" + p + "dash")));
    }

    @Test
    void theWarmUpRouteGetsEachUrlWithCamelHttpAndCountsOnlyTheAnswersBelow400() {
        String p = "cw" + UUID.randomUUID().toString().substring(0, 8);
        dashboards.stubFor(get(urlEqualTo("/" + p + "/ok")).willReturn(ok("{\"big\": \"page\"}")));
        dashboards.stubFor(get(urlEqualTo("/" + p + "/moved")).willReturn(aResponse().withStatus(302)
                .withHeader("Location", dashboards.baseUrl() + "/" + p + "/ok")));
        dashboards.stubFor(get(urlEqualTo("/" + p + "/broken")).willReturn(aResponse().withStatus(500)));
        List<String> urls = List.of(dashboards.baseUrl() + "/" + p + "/ok", dashboards.baseUrl() + "/" + p + "/moved",
                dashboards.baseUrl() + "/" + p + "/broken", "http://127.0.0.1:9/refused");

        org.apache.camel.Exchange done = camel.createProducerTemplate().request("direct:cache-warm-urls", exchange -> {
            exchange.getMessage().setBody(urls);
            exchange.getMessage().setHeader("CaravanEventId", 42); // an event's header must not reach the dashboard
        });

        assertThat(done.getException()).as("a failing URL is counted, not an error").isNull();
        assertThat(done.getMessage().getHeader(CacheEndpoint.WARMED, Integer.class)).as("ok and the redirect to ok").isEqualTo(2);
        dashboards.verify(2, getRequestedFor(urlEqualTo("/" + p + "/ok")).withHeader("User-Agent", equalTo("caravan-cache-warm"))
                .withoutHeader("CaravanEventId"));
        dashboards.verify(1, getRequestedFor(urlEqualTo("/" + p + "/broken")));
    }

    @Test
    void warmUrlsListsTheEventsUrlsOnceAndRefusesOneThatIsNotHttp() {
        Object urls = camel.createProducerTemplate().requestBody("cache:warmUrls?urls=http://a.example/x",
                "{\"warmUrls\": [\"http://a.example/x\", \"https://b.example/y\"]}");
        assertThat(urls).isEqualTo(List.of("http://a.example/x", "https://b.example/y"));
        assertThatThrownBy(() -> camel.createProducerTemplate().requestBody("cache:warmUrls", "{\"warmUrls\": [\"ftp://c.example/z\"]}"))
                .hasRootCauseMessage("warm URL 'ftp://c.example/z' must be an absolute http:// or https:// URL");
    }

    @Test
    void aBodyThatIsNotAnEventIsAClearError() {
        assertThatThrownBy(() -> camel.createProducerTemplate().requestBody("cache:invalidate", "[1, 2]"))
                .hasRootCauseMessage("cache:invalidate expects a dataset.changed payload (a JSON object), got ARRAY");
        assertThatThrownBy(() -> camel.getEndpoint("cache:flush"))
                .hasRootCauseMessage("cache:flush: the operation is cache:invalidate or cache:warmUrls");
    }

    private long publish(String p, List<String> warmUrls) {
        return transactions.execute(status -> outbox.publish("dataset.changed", Map.of("dataset", p + "metabase.test",
                "keys", List.of(p + "list"), "patterns", List.of(p + "page:*"), "warmUrls", warmUrls)));
    }
}
