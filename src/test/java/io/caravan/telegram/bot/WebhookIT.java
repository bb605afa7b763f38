package io.caravan.telegram.bot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.caravan.ops.JobRegistry;
import io.caravan.support.HubTest;
import io.caravan.support.Hubs;
import io.caravan.support.TestEnvironment;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.core.NestedExceptionUtils;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.TestPropertySource;

/** POST /telegram/webhook: only with Telegram's secret header, each update_id once, and no poller beside it. */
@HubTest
@TestPropertySource(properties = {
        "caravan.telegram.token=7000000003:AAwebhookTestTokenValue123",
        "caravan.telegram.base-uri=http://127.0.0.1:9",
        "caravan.telegram.mode=webhook",
        "caravan.telegram.webhook-secret=" + WebhookIT.SECRET})
class WebhookIT {

    static final String SECRET = "wh_Secret-0123456789abcdef";
    private static final long CHIPS = 436432850L;

    @LocalServerPort
    int port;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    MeterRegistry meters;
    @Autowired
    JobRegistry jobs;

    private final HttpClient http = HttpClient.newHttpClient();

    private HttpResponse<String> post(String body, String secret) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/telegram/webhook"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        if (secret != null) {
            request.header("X-Telegram-Bot-Api-Secret-Token", secret);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String update(long updateId, long chatId, String text) {
        return """
                {"update_id": %d, "message": {"message_id": 1, "date": 1700000000, "text": "%s",
                 "from": {"id": %d, "is_bot": false, "first_name": "Deniz", "language_code": "tr"},
                 "chat": {"id": %d, "type": "private", "first_name": "Deniz"}}}""".formatted(updateId, text, chatId, chatId);
    }

    private long replies(long chat) {
        return jdbc.queryForObject("SELECT count(*) FROM telegram_outgoing WHERE chat_id = ?", Long.class, String.valueOf(chat));
    }

    @Test
    void rightSecretIsHandledOnceEvenWhenTelegramRetries() throws Exception {
        long chat = 7_100_000_001L;
        String body = update(500_000_001L, chat, "/help");

        HttpResponse<String> first = post(body, SECRET);
        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(jdbc.queryForObject("SELECT payload->>'text' FROM telegram_outgoing WHERE chat_id = ?", String.class,
                String.valueOf(chat))).startsWith("Komutlar:\n/categories – abone olabileceğin kategoriler");

        assertThat(post(body, SECRET).statusCode()).as("a retry is acknowledged").isEqualTo(200);
        assertThat(replies(chat)).isEqualTo(1);
        assertThat(meters.get("caravan.telegram.updates").tag("type", "help").tag("outcome", "duplicate").counter().count())
                .isEqualTo(1);
        String scrape = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/actuator/prometheus")).header("Authorization", "Bearer " + io.caravan.support.TestEnvironment.SCRAPE_TOKEN).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        assertThat(scrape).containsPattern("caravan_telegram_updates_total\\{[^}]*outcome=\"duplicate\"[^}]*type=\"help\"[^}]*} 1\\.0");
    }

    @Test
    void callbackSampleIsAnswered() throws Exception {
        String body;
        try (InputStream in = getClass().getResourceAsStream("/telegram/update-callback-query.json")) {
            body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertThat(post(body, SECRET).statusCode()).isEqualTo(200);
        assertThat(jdbc.queryForObject("SELECT method || ' ' || (payload->>'callback_query_id') FROM telegram_outgoing WHERE chat_id = ?",
                String.class, String.valueOf(CHIPS))).isEqualTo("answerCallbackQuery 1874464818486990916");
    }

    @Test
    void wrongOrMissingSecretIsRefusedAndNothingHandled() throws Exception {
        long chat = 7_100_000_002L;
        HttpResponse<String> wrong = post(update(500_000_002L, chat, "/start"), "not-the-secret");
        assertThat(wrong.statusCode()).isEqualTo(401);
        assertThat(wrong.body()).contains("X-Telegram-Bot-Api-Secret-Token").doesNotContain(SECRET);
        assertThat(post(update(500_000_002L, chat, "/start"), SECRET.substring(0, SECRET.length() - 1)).statusCode()).isEqualTo(401);
        assertThat(post(update(500_000_002L, chat, "/start"), null).statusCode()).isEqualTo(401);

        assertThat(jdbc.queryForObject("SELECT count(*) FROM telegram_updates WHERE update_id = 500000002", Long.class)).isZero();
        assertThat(jdbc.queryForObject("SELECT count(*) FROM subscribers WHERE chat_id = ?", Long.class, chat)).isZero();
        assertThat(replies(chat)).isZero();
        assertThat(meters.get("caravan.telegram.updates").tag("type", "webhook").tag("outcome", "rejected").counter().count())
                .isGreaterThanOrEqualTo(3);
    }

    @Test
    void bodyThatIsNoUpdateIsABadRequest() throws Exception {
        assertThat(post("{\"message\": {}}", SECRET).statusCode()).isEqualTo(400);
        assertThat(post("not json", SECRET).statusCode()).isEqualTo(400);
    }

    @Test
    void noPollerInWebhookModeAndTheApiStillNeedsItsToken() throws Exception {
        assertThat(jobs.find("telegram-updates")).isEmpty();
        assertThat(jobs.find("telegram-updates-prune")).as("webhook updates are recorded too").isPresent();
        HttpResponse<String> api = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/jobs")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(api.statusCode()).isEqualTo(401);
    }

    @Test
    void webhookModeWithoutASecretFailsStartupNamingTheKey() {
        String schema = TestEnvironment.newSchema();
        try {
            assertThatThrownBy(() -> Hubs.start(schema, Map.of(
                    "caravan.telegram.token", "7000000004:AAwebhookNoSecretToken1",
                    "caravan.telegram.mode", "webhook")).close())
                    .satisfies(e -> Assertions.assertThat(NestedExceptionUtils.getMostSpecificCause(e).getMessage())
                            .startsWith("caravan.telegram.webhook-secret must be set when caravan.telegram.mode=webhook"));
        } finally {
            TestEnvironment.dropSchema(schema);
        }
    }
}
