package io.caravan.outbox;

import static io.caravan.support.TestEnvironment.ADMIN_TOKEN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.caravan.support.HubTest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.camel.builder.RouteBuilder;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.TestPropertySource;
import org.springframework.transaction.support.TransactionTemplate;

@HubTest
@Import(OutboxDeliveryIT.Handlers.class)
@TestPropertySource(properties = {
        "caravan.outbox.max-attempts=4",
        "caravan.outbox.initial-backoff=20ms",
        "caravan.outbox.max-backoff=100ms",
        "caravan.outbox.poll-interval=200ms"})
class OutboxDeliveryIT {

    /** Handlers that write through JdbcTemplate, so the test sees whether their writes commit with "done". */
    @TestConfiguration
    static class Handlers {

        static final AtomicBoolean BROKEN_IS_FIXED = new AtomicBoolean();
        /** While set, test.stubborn's handler waits for it (10 s at most) before failing, as it always does. */
        static final AtomicReference<CountDownLatch> STUBBORN_HOLD = new AtomicReference<>();

        @Bean
        RouteBuilder testHandlers(JdbcTemplate jdbc) {
            return new RouteBuilder() {
                @Override
                public void configure() {
                    from("outbox:test.flaky").process(exchange -> {
                        long id = exchange.getIn().getHeader(OutboxHeaders.EVENT_ID, Long.class);
                        int attempts = exchange.getIn().getHeader(OutboxHeaders.ATTEMPTS, Integer.class);
                        jdbc.update("INSERT INTO test_deliveries (event_id, attempt) VALUES (?, ?)", id, attempts);
                        if (attempts < 2) {
                            throw new IllegalStateException("handler down, attempt " + attempts);
                        }
                    });
                    from("outbox:test.broken").process(exchange -> {
                        if (!BROKEN_IS_FIXED.get()) {
                            throw new IllegalStateException("this one always fails");
                        }
                        jdbc.update("INSERT INTO test_deliveries (event_id, attempt) VALUES (?, ?)",
                                exchange.getIn().getHeader(OutboxHeaders.EVENT_ID, Long.class),
                                exchange.getIn().getHeader(OutboxHeaders.ATTEMPTS, Integer.class));
                    });
                    from("outbox:test.stubborn").process(exchange -> {
                        CountDownLatch hold = STUBBORN_HOLD.get();
                        if (hold != null) {
                            hold.await(10, TimeUnit.SECONDS);
                        }
                        throw new IllegalStateException("stubborn consumer refuses it");
                    });
                    // Two routes consume test.shared: the steady one must run once, the shaky one until it succeeds.
                    from("outbox:test.shared").routeId("shared-steady").process(exchange ->
                            jdbc.update("INSERT INTO test_deliveries (event_id, attempt) VALUES (?, 100)",
                                    exchange.getIn().getHeader(OutboxHeaders.EVENT_ID, Long.class)));
                    from("outbox:test.shared").routeId("shared-shaky").process(exchange -> {
                        int attempts = exchange.getIn().getHeader(OutboxHeaders.ATTEMPTS, Integer.class);
                        jdbc.update("INSERT INTO test_deliveries (event_id, attempt) VALUES (?, ?)",
                                exchange.getIn().getHeader(OutboxHeaders.EVENT_ID, Long.class), attempts);
                        if (attempts < 2) {
                            throw new IllegalStateException("shaky consumer down, attempt " + attempts);
                        }
                    });
                    // A route publishing with to: outbox:..., inside the transaction of whoever calls it.
                    from("direct:test.publish").setBody(simple("{\"n\": ${header.n}}")).to("outbox:test.published");
                    from("outbox:test.published").routeId("published-consumer").process(exchange ->
                            jdbc.update("INSERT INTO test_deliveries (event_id, attempt) VALUES (?, -1)",
                                    exchange.getIn().getHeader(OutboxHeaders.EVENT_ID, Long.class)));
                }
            };
        }
    }

    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    Outbox outbox;
    @Autowired
    TransactionTemplate transactions;
    @Autowired
    ObjectMapper json;
    @LocalServerPort
    int port;

    @BeforeAll
    static void reset() {
        Handlers.BROKEN_IS_FIXED.set(false);
    }

    private void ensureTable() {
        jdbc.execute("CREATE TABLE IF NOT EXISTS test_deliveries (event_id BIGINT, attempt INT)");
    }

    @Test
    void everyEventIsDeliveredOnceAfterTheHandlerFailsAFewTimes() {
        ensureTable();
        List<Long> ids = transactions.execute(status -> java.util.stream.LongStream.range(0, 20)
                .mapToObj(i -> outbox.publish("test.flaky", Map.of("n", i))).toList());

        await().atMost(Duration.ofSeconds(20)).until(() -> jdbc.queryForObject(
                "SELECT count(*) FROM outbox WHERE type = 'test.flaky' AND done_at IS NOT NULL", Long.class) == 20);

        for (long id : ids) {
            // Writes of the two failed attempts were rolled back with them; only the successful one stays.
            assertThat(jdbc.queryForList("SELECT attempt FROM test_deliveries WHERE event_id = ?", Integer.class, id))
                    .as("deliveries of event %d", id).containsExactly(2);
            assertThat(jdbc.queryForObject("SELECT attempts FROM outbox WHERE id = ?", Integer.class, id)).isEqualTo(3);
        }
    }

    @Test
    void anEventThatAlwaysFailsIsDeadLetteredAndReplayBringsItBack() throws Exception {
        ensureTable();
        long id = transactions.execute(status -> outbox.publish("test.broken", Map.of("order", 42)));

        await().atMost(Duration.ofSeconds(20)).until(() -> jdbc.queryForObject(
                "SELECT count(*) FROM dead_letters WHERE event_id = ?", Long.class, id) == 1);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM outbox WHERE id = ?", Long.class, id)).isZero();

        JsonNode letters = json.readTree(call("GET", "/api/dead-letters?type=test.broken").body());
        JsonNode letter = letters.get(0);
        assertThat(letter.get("eventId").asLong()).isEqualTo(id);
        assertThat(letter.get("replayOutcome").isNull()).as("not replayed yet").isTrue();
        assertThat(letter.get("attempts").asInt()).isEqualTo(4);
        assertThat(letter.get("lastError").asText()).contains("this one always fails");
        assertThat(json.readTree(letter.get("payload").asText()).get("order").asInt()).isEqualTo(42);

        Handlers.BROKEN_IS_FIXED.set(true);
        HttpResponse<String> replay = call("POST", "/api/dead-letters/" + letter.get("id").asLong() + "/replay");
        assertThat(replay.statusCode()).isEqualTo(202);
        assertThat(json.readTree(replay.body()).get("eventId").asLong()).isEqualTo(id);

        await().atMost(Duration.ofSeconds(10)).until(() -> jdbc.queryForObject(
                "SELECT count(*) FROM test_deliveries WHERE event_id = ?", Long.class, id) == 1);
        await().atMost(Duration.ofSeconds(5)).until(() -> jdbc.queryForObject(
                "SELECT done_at IS NOT NULL FROM outbox WHERE id = ?", Boolean.class, id));
        JsonNode replayed = letter(letter.get("id").asLong());
        assertThat(replayed.get("replayOutcome").asText()).isEqualTo("delivered");
        assertThat(Instant.parse(replayed.get("deliveredAt").asText())).isEqualTo(jdbc.queryForObject(
                "SELECT done_at FROM outbox WHERE id = ?", java.sql.Timestamp.class, id).toInstant());
        assertThat(replayed.get("failedAgainAs").isNull()).isTrue();
        assertThat(call("POST", "/api/dead-letters/" + letter.get("id").asLong() + "/replay").statusCode())
                .as("second replay of an event already back").isEqualTo(409);
        assertThat(call("POST", "/api/dead-letters/999999/replay").statusCode()).isEqualTo(404);
    }

    @Test
    void aReplayedEventThatFailsAgainIsListedAsPendingThenAsFailedAgainUnderItsNewDeadLetter() throws Exception {
        long id = transactions.execute(status -> outbox.publish("test.stubborn", Map.of("order", 7)));
        await().atMost(Duration.ofSeconds(20)).until(() -> jdbc.queryForObject(
                "SELECT count(*) FROM dead_letters WHERE event_id = ?", Long.class, id) == 1);
        long first = jdbc.queryForObject("SELECT id FROM dead_letters WHERE event_id = ?", Long.class, id);

        CountDownLatch hold = new CountDownLatch(1);
        Handlers.STUBBORN_HOLD.set(hold);
        try {
            assertThat(call("POST", "/api/dead-letters/" + first + "/replay").statusCode()).isEqualTo(202);
            // The handler holds the event: it is back in the outbox and not delivered.
            JsonNode pending = letter(first);
            assertThat(pending.get("replayOutcome").asText()).isEqualTo("pending");
            assertThat(pending.get("deliveredAt").isNull()).isTrue();
        } finally {
            Handlers.STUBBORN_HOLD.set(null);
            hold.countDown();
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> jdbc.queryForObject(
                "SELECT count(*) FROM dead_letters WHERE event_id = ?", Long.class, id) == 2);
        long second = jdbc.queryForObject("SELECT max(id) FROM dead_letters WHERE event_id = ?", Long.class, id);
        JsonNode failedAgain = letter(first);
        assertThat(failedAgain.get("replayOutcome").asText()).isEqualTo("failed-again");
        assertThat(failedAgain.get("failedAgainAs").asLong()).isEqualTo(second);
        assertThat(failedAgain.get("deliveredAt").isNull()).isTrue();
        JsonNode newest = letter(second);
        assertThat(newest.get("replayedAt").isNull()).isTrue();
        assertThat(newest.get("replayOutcome").isNull()).isTrue();
    }

    @Test
    void eachRouteConsumingATypeIsRetriedOnItsOwn() {
        ensureTable();
        long id = transactions.execute(status -> outbox.publish("test.shared", Map.of("n", 1)));
        await().atMost(Duration.ofSeconds(20)).until(() -> jdbc.queryForObject(
                "SELECT done_at IS NOT NULL FROM outbox WHERE id = ?", Boolean.class, id));
        // The shaky route's two failed attempts were rolled back; the steady route ran once, not on every retry.
        assertThat(jdbc.queryForList("SELECT attempt FROM test_deliveries WHERE event_id = ? ORDER BY attempt",
                Integer.class, id)).containsExactly(2, 100);
        assertThat(jdbc.queryForObject("SELECT attempts FROM outbox WHERE id = ?", Integer.class, id)).isEqualTo(3);
        assertThat(jdbc.queryForList("SELECT consumer FROM outbox_consumed WHERE event_id = ? ORDER BY consumer",
                String.class, id)).containsExactly("shared-shaky", "shared-steady");
    }

    @Test
    void toOutboxPublishesInTheCallersTransaction(@Autowired org.apache.camel.ProducerTemplate camel) {
        ensureTable();
        // Rolled back with the caller's transaction: the event never exists.
        transactions.executeWithoutResult(status -> {
            camel.sendBodyAndHeader("direct:test.publish", null, "n", 1);
            status.setRollbackOnly();
        });
        Long id = transactions.execute(status -> camel.request("direct:test.publish",
                e -> e.getIn().setHeader("n", 2)).getMessage().getHeader(OutboxHeaders.EVENT_ID, Long.class));
        assertThat(id).isNotNull();
        assertThat(jdbc.queryForObject("SELECT payload->>'n' FROM outbox WHERE id = ?", String.class, id)).isEqualTo("2");
        assertThat(jdbc.queryForObject("SELECT count(*) FROM outbox WHERE type = 'test.published'", Long.class)).isEqualTo(1);
        await().atMost(Duration.ofSeconds(10)).until(() -> jdbc.queryForObject(
                "SELECT count(*) FROM test_deliveries WHERE event_id = ? AND attempt = -1", Long.class, id) == 1);
    }

    @Test
    void anEventOfATypeNobodyHandlesFailsFastWithAClearError() {
        long id = transactions.execute(status -> outbox.publish("test.unhandled", Map.of()));
        await().atMost(Duration.ofSeconds(10)).until(() -> jdbc.queryForObject(
                "SELECT last_error IS NOT NULL FROM outbox WHERE id = ?", Boolean.class, id));
        assertThat(jdbc.queryForObject("SELECT last_error FROM outbox WHERE id = ?", String.class, id))
                .contains("no route consumes outbox:test.unhandled");
    }

    /** One dead letter as the operator API lists it (replayed ones included). */
    private JsonNode letter(long deadLetterId) throws Exception {
        for (JsonNode letter : json.readTree(call("GET", "/api/dead-letters?includeReplayed=true&limit=1000").body())) {
            if (letter.get("id").asLong() == deadLetterId) {
                return letter;
            }
        }
        throw new AssertionError("dead letter " + deadLetterId + " is not listed");
    }

    private HttpResponse<String> call(String method, String path) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Authorization", "Bearer " + ADMIN_TOKEN)
                .method(method, HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    }
}
