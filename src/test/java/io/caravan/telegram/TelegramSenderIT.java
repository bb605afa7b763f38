package io.caravan.telegram;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static io.caravan.telegram.TelegramFixtures.TOKEN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.caravan.ops.JobFinishedEvent;
import io.caravan.ops.JobRun;
import io.caravan.outbox.OutboxDispatcher;
import io.caravan.support.Hubs;
import io.caravan.support.TestEnvironment;
import io.caravan.telegram.gate.TelegramOutgoing;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * A whole hub on its own schema, WireMock as the Bot API: deal posts, expiry edits, and every kind of answer
 * Telegram gives. Each test uses chats of its own, so they share one hub.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(OutputCaptureExtension.class)
class TelegramSenderIT {

    private static final String API = "/bot" + TOKEN + "/";
    private static final String PHOTO = "https://m.media-amazon.com/images/I/71test.jpg";
    private static final String FILE_ID = "AgACAgQAAxkBAAIBiWc-large";

    private final String schema = TestEnvironment.newSchema();
    private final WireMockServer telegram = new WireMockServer(options().dynamicPort());
    private final ObjectMapper json = new ObjectMapper();
    private ConfigurableApplicationContext hub;
    private JdbcTemplate jdbc;
    private TelegramFixtures fixtures;

    @BeforeAll
    void startHub() {
        telegram.start();
        // Anything not stubbed more specifically succeeds.
        telegram.stubFor(post(urlPathMatching(API + "send.*")).atPriority(10).willReturn(okJson(
                "{\"ok\":true,\"result\":{\"message_id\":77,\"chat\":{\"id\":1},\"date\":1}}")));
        telegram.stubFor(post(urlPathEqualTo(API + "sendPhoto")).atPriority(9).willReturn(okJson(
                "{\"ok\":true,\"result\":{\"message_id\":501,\"chat\":{\"id\":-1},\"date\":1,\"photo\":["
                        + "{\"file_id\":\"AgACAgQAAxkBAAIBiWc-small\",\"width\":90,\"height\":90},"
                        + "{\"file_id\":\"" + FILE_ID + "\",\"width\":800,\"height\":800}]}}")));
        telegram.stubFor(post(urlPathMatching(API + "edit.*")).atPriority(10).willReturn(okJson(
                "{\"ok\":true,\"result\":{\"message_id\":501,\"chat\":{\"id\":-1},\"date\":1}}")));
        hub = Hubs.start(schema, Map.of(
                "caravan.telegram.token", TOKEN,
                "caravan.telegram.base-uri", "http://localhost:" + telegram.port(),
                "caravan.jobs.telegram-updates.enabled", "false", // this flow sends; the bot's poller is tested apart
                "caravan.telegram.admin-chat-id", "9000",
                "caravan.telegram.timeout", "2s",
                "caravan.telegram.limits.initial-backoff", "100ms",
                "caravan.telegram.limits.max-backoff", "200ms",
                "caravan.telegram.limits.max-attempts", "3",
                "caravan.telegram.bot.max-messages-per-user-per-day", "3",
                "caravan.outbox.poll-interval", "200ms"));
        jdbc = hub.getBean(JdbcTemplate.class);
        fixtures = new TelegramFixtures(hub);
    }

    @AfterAll
    void stopHub() {
        if (hub != null) {
            hub.close();
        }
        telegram.stop();
        TestEnvironment.dropSchema(schema);
    }

    private List<LoggedRequest> requests(String method, String chatId) {
        return telegram.findAll(postRequestedFor(urlPathEqualTo(API + method))
                .withRequestBody(matchingJsonPath("$.chat_id", equalTo(chatId))));
    }

    private JsonNode body(LoggedRequest request) throws Exception {
        return json.readTree(request.getBodyAsString());
    }

    private String status(String chatId, String purpose) {
        return jdbc.query("SELECT status FROM telegram_outgoing WHERE chat_id = ? AND purpose = ? ORDER BY id DESC LIMIT 1",
                rs -> rs.next() ? rs.getString(1) : null, chatId, purpose);
    }

    @Test
    void aDealBecomesOnePhotoPostWithTheExactCaptionAndButtonAndItsExpiryEditsIt() throws Exception {
        long category = fixtures.category("phones", "@caravan_phones", 20.0);
        // The subscriber's chat is paused (as after a 429) so the channel post goes first and its file_id is reused.
        fixtures.subscriber(41001, category, null);
        jdbc.update("INSERT INTO telegram_chats (chat_id, paused_until) VALUES ('41001', now() + interval '2 seconds')");
        long event = fixtures.dealCreated(7001, category, "Telefon <Pro> & Kılıf", PHOTO);

        await().atMost(Duration.ofSeconds(15)).until(() -> "sent".equals(status("41001", "subscriber_deal")));
        List<LoggedRequest> posts = requests("sendPhoto", "@caravan_phones");
        assertThat(posts).hasSize(1);
        String caption = """
                <b>Telefon &lt;Pro&gt; &amp; Kılıf</b>

                💰 <b>899.90 TRY</b>  <s>1199.90 TRY</s>
                📉 -25%
                🕒 Price as of 14:05""";
        assertThat(posts.get(0).getBodyAsString()).is(new org.assertj.core.api.Condition<>(
                b -> equalToJson(json.createObjectNode()
                        .put("photo", PHOTO).put("caption", caption).put("parse_mode", "HTML")
                        .put("chat_id", "@caravan_phones")
                        .set("reply_markup", json.valueToTree(Map.of("inline_keyboard", List.of(List.of(Map.of(
                                "text", DealMessages.BUTTON_TEXT,
                                "url", "https://www.amazon.com.tr/dp/B07001?tag=caravan-21")))))).toString())
                        .match(b).isExactMatch(), "the exact post"));
        assertThat(body(requests("sendPhoto", "41001").get(0)).get("photo").asText()).as("file_id reused").isEqualTo(FILE_ID);
        Map<String, Object> post = jdbc.queryForMap("SELECT * FROM telegram_posts WHERE chat_id = '@caravan_phones'");
        assertThat(post).containsEntry("message_id", 501L).containsEntry("kind", "photo").containsEntry("deal_id", 7001L)
                .containsEntry("event_id", event).containsEntry("photo_file_id", FILE_ID).containsEntry("dry_run", false);

        fixtures.dealExpired(7001);
        await().atMost(Duration.ofSeconds(15)).until(() -> requests("editMessageCaption", "@caravan_phones").size() == 1
                && requests("editMessageCaption", "41001").size() == 1);
        JsonNode edit = body(requests("editMessageCaption", "@caravan_phones").get(0));
        assertThat(edit.get("message_id").asLong()).isEqualTo(501);
        assertThat(edit.get("caption").asText()).isEqualTo("⌛ <b>Expired</b>\n<s>" + caption + "</s>");
        assertThat(edit.has("reply_markup")).as("the button goes away").isFalse();
        await().atMost(Duration.ofSeconds(5)).until(() -> jdbc.queryForObject(
                "SELECT count(*) FROM telegram_posts WHERE deal_id = 7001 AND expired_at IS NOT NULL", Long.class) == 2);

        MeterRegistry meters = hub.getBean(MeterRegistry.class);
        assertThat(meters.get("caravan.telegram.sent").tag("method", "sendPhoto").tag("outcome", "sent").counter().count())
                .isGreaterThanOrEqualTo(2);
        assertThat(meters.get("caravan.telegram.sent").tag("method", "editMessageCaption").tag("outcome", "sent").counter().count())
                .isGreaterThanOrEqualTo(2);
        assertThat(meters.get("caravan.telegram.event.to.send").timer().count()).isGreaterThanOrEqualTo(4);
        assertThat(meters.get("caravan.telegram.pending").gauge().value()).isGreaterThanOrEqualTo(0);
    }

    @Test
    void aPhotoTelegramCannotFetchBecomesTextAndAnEditThatChangesNothingIsDone() throws Exception {
        long category = fixtures.category("nophoto", "@caravan_nophoto", null);
        telegram.stubFor(post(urlPathEqualTo(API + "sendPhoto")).atPriority(1)
                .withRequestBody(matchingJsonPath("$.chat_id", equalTo("@caravan_nophoto")))
                .willReturn(aResponse().withStatus(400).withHeader("Content-Type", "application/json")
                        .withBody("{\"ok\":false,\"error_code\":400,\"description\":\"Bad Request: failed to get HTTP URL content\"}")));
        telegram.stubFor(post(urlPathEqualTo(API + "editMessageText")).atPriority(1)
                .withRequestBody(matchingJsonPath("$.chat_id", equalTo("@caravan_nophoto")))
                .willReturn(aResponse().withStatus(400).withHeader("Content-Type", "application/json")
                        .withBody("{\"ok\":false,\"error_code\":400,\"description\":\"Bad Request: message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message\"}")));

        fixtures.dealCreated(7900, category, "Broken image", "https://m.media-amazon.com/images/I/gone.jpg");
        await().atMost(Duration.ofSeconds(10)).until(() -> "sent".equals(status("@caravan_nophoto", "deal_post")));
        JsonNode text = body(requests("sendMessage", "@caravan_nophoto").get(0));
        assertThat(text.get("text").asText()).startsWith("<b>Broken image</b>\n\n💰");
        assertThat(text.has("reply_markup")).isTrue();
        assertThat(jdbc.queryForObject("SELECT kind FROM telegram_posts WHERE deal_id = 7900", String.class)).isEqualTo("text");

        fixtures.dealExpired(7900);
        await().atMost(Duration.ofSeconds(10)).until(() -> "sent".equals(status("@caravan_nophoto", "deal_expired")));
        assertThat(requests("editMessageText", "@caravan_nophoto")).hasSize(1);
        assertThat(requests("editMessageCaption", "@caravan_nophoto")).isEmpty();
        assertThat(jdbc.queryForObject("SELECT expired_at IS NOT NULL FROM telegram_posts WHERE deal_id = 7900", Boolean.class)).isTrue();
    }

    @Test
    void aRetriedEventQueuesNothingTwiceAndTheBotsRepliesAreDeliveredToo() throws Exception {
        long category = fixtures.category("retry", "@caravan_retry", null);
        fixtures.subscriber(44001, category, null);
        DealNotifier notifier = hub.getBean(DealNotifier.class);
        String payload = json.writeValueAsString(TelegramFixtures.deal(7050, category, "Retried", null, "25.00"));
        org.springframework.transaction.support.TransactionTemplate tx =
                hub.getBean(org.springframework.transaction.support.TransactionTemplate.class);
        // The outbox calls a handler again after a failure that came after the messages were queued and committed.
        Integer first = tx.execute(status -> call(() -> notifier.dealCreated(payload, 424242L)));
        Integer again = tx.execute(status -> call(() -> notifier.dealCreated(payload, 424242L)));
        assertThat(first).isEqualTo(2);
        assertThat(again).isZero();
        // A bot command's reply, queued the way the bot does it.
        Long reply = tx.execute(status -> hub.getBean(TelegramOutgoing.class)
                .enqueue("44001", "bot_reply", "sendMessage", Map.of("text", "You are subscribed to retry."), null, null));
        assertThat(reply).isNotNull();

        await().atMost(Duration.ofSeconds(10)).until(() -> jdbc.queryForObject(
                "SELECT count(*) FROM telegram_outgoing WHERE chat_id IN ('@caravan_retry', '44001') AND status = 'sent'", Long.class) == 3);
        assertThat(requests("sendMessage", "@caravan_retry")).hasSize(1);
        assertThat(requests("sendMessage", "44001")).hasSize(2);
        assertThat(requests("sendMessage", "44001").stream().map(LoggedRequest::getBodyAsString))
                .anyMatch(b -> b.contains("You are subscribed to retry."));
    }

    private static <T> T call(java.util.concurrent.Callable<T> work) {
        try {
            return work.call();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void aCrashBetweenTelegramsOkAndOurCommitRepeatsThatOnePostAndLosesNothing() {
        long category = fixtures.category("crash", "@caravan_crash", null);
        // Fails the first commit that records a post to this channel, after Telegram accepted it: a deferred trigger
        // runs at COMMIT, and a sequence is not rolled back, so it fails exactly once.
        jdbc.execute("CREATE SEQUENCE crash_once");
        jdbc.execute("""
                CREATE FUNCTION crash_once() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    IF NEW.chat_id = '@caravan_crash' THEN
                        IF nextval('crash_once') = 1 THEN
                            RAISE EXCEPTION 'simulated crash before commit';
                        END IF;
                    END IF;
                    RETURN NULL;
                END $$""");
        jdbc.execute("""
                CREATE CONSTRAINT TRIGGER crash_once AFTER INSERT ON telegram_posts DEFERRABLE INITIALLY DEFERRED
                FOR EACH ROW EXECUTE FUNCTION crash_once()""");
        for (int i = 0; i < 3; i++) {
            fixtures.dealCreated(7100 + i, category, "Crash " + i, PHOTO);
        }

        await().atMost(Duration.ofSeconds(20)).until(() -> jdbc.queryForObject(
                "SELECT count(*) FROM telegram_outgoing WHERE chat_id = '@caravan_crash' AND status = 'sent'", Long.class) == 3);
        List<LoggedRequest> sent = requests("sendPhoto", "@caravan_crash");
        assertThat(sent).as("three deals, one of them posted twice").hasSize(4);
        assertThat(sent.stream().map(r -> r.getBodyAsString().replaceAll(".*Crash (\\d).*", "$1")).distinct()).hasSize(3);
        assertThat(jdbc.queryForList("SELECT deal_id FROM telegram_posts WHERE chat_id = '@caravan_crash' ORDER BY deal_id",
                Long.class)).containsExactly(7100L, 7101L, 7102L);
        assertThat(jdbc.queryForObject("SELECT max(attempts) FROM telegram_outgoing WHERE chat_id = '@caravan_crash'",
                Integer.class)).isEqualTo(2);
        jdbc.execute("DROP TRIGGER crash_once ON telegram_posts");
    }

    @Test
    void a429PausesThatChatForRetryAfterAndTheMessageGoesAfterwards() throws Exception {
        long category = fixtures.category("flood", "@caravan_flood", null);
        telegram.stubFor(post(urlPathEqualTo(API + "sendPhoto")).atPriority(1)
                .withRequestBody(matchingJsonPath("$.chat_id", equalTo("@caravan_flood")))
                .inScenario("flood").whenScenarioStateIs(Scenario.STARTED).willSetStateTo("waited")
                .willReturn(aResponse().withStatus(429).withHeader("Content-Type", "application/json").withBody(
                        "{\"ok\":false,\"error_code\":429,\"description\":\"Too Many Requests: retry after 2\",\"parameters\":{\"retry_after\":2}}")));
        MeterRegistry meters = hub.getBean(MeterRegistry.class);
        double before = meters.find("caravan.telegram.throttled").counters().stream().mapToDouble(c -> c.count()).sum();

        fixtures.dealCreated(7200, category, "Flood", PHOTO);
        await().atMost(Duration.ofSeconds(10)).until(() -> requests("sendPhoto", "@caravan_flood").size() == 1);
        await().atMost(Duration.ofSeconds(3)).until(() -> jdbc.queryForObject(
                "SELECT count(*) FROM telegram_chats WHERE chat_id = '@caravan_flood' AND paused_until > now()", Long.class) == 1);
        await().atMost(Duration.ofSeconds(10)).until(() -> "sent".equals(status("@caravan_flood", "deal_post")));

        List<LoggedRequest> calls = requests("sendPhoto", "@caravan_flood");
        assertThat(calls).hasSize(2);
        assertThat(Duration.between(calls.get(0).getLoggedDate().toInstant(), calls.get(1).getLoggedDate().toInstant()))
                .isGreaterThanOrEqualTo(Duration.ofSeconds(2));
        assertThat(meters.find("caravan.telegram.throttled").counters().stream().mapToDouble(c -> c.count()).sum())
                .isEqualTo(before + 1);
    }

    @Test
    void aSubscriberWhoBlockedTheBotIsEndedAndTheMessageDropped() {
        long category = fixtures.category("blocked", null, null);
        fixtures.subscriber(42001, category, null);
        telegram.stubFor(post(urlPathMatching(API + "send.*")).atPriority(1)
                .withRequestBody(matchingJsonPath("$.chat_id", equalTo("42001")))
                .willReturn(aResponse().withStatus(403).withHeader("Content-Type", "application/json")
                        .withBody("{\"ok\":false,\"error_code\":403,\"description\":\"Forbidden: bot was blocked by the user\"}")));

        fixtures.dealCreated(7300, category, "Blocked", null);
        await().atMost(Duration.ofSeconds(10)).until(() -> "dropped".equals(status("42001", "subscriber_deal")));
        assertThat(jdbc.queryForObject("SELECT status FROM subscribers WHERE chat_id = 42001", String.class)).isEqualTo("blocked");
        assertThat(requests("sendMessage", "42001")).hasSize(1);

        // Nothing more goes to them, and nothing is even queued.
        fixtures.dealCreated(7301, category, "Blocked again", null);
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3))
                .until(() -> requests("sendMessage", "42001").size() == 1);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM telegram_outgoing WHERE chat_id = '42001'", Long.class)).isEqualTo(1);
    }

    @Test
    void aChannelTheBotLeftIsDisabledAndTheAdminAlerted() throws Exception {
        long category = fixtures.category("gone", "@caravan_gone", null);
        telegram.stubFor(post(urlPathMatching(API + "send.*")).atPriority(1)
                .withRequestBody(matchingJsonPath("$.chat_id", equalTo("@caravan_gone")))
                .willReturn(aResponse().withStatus(403).withHeader("Content-Type", "application/json")
                        .withBody("{\"ok\":false,\"error_code\":403,\"description\":\"Forbidden: bot is not a member of the channel chat\"}")));

        fixtures.dealCreated(7400, category, "Gone", null);
        await().atMost(Duration.ofSeconds(10)).until(() -> "dropped".equals(status("@caravan_gone", "deal_post")));
        assertThat(jdbc.queryForObject("SELECT disabled_reason FROM telegram_chats WHERE chat_id = '@caravan_gone'", String.class))
                .contains("not a member");
        await().atMost(Duration.ofSeconds(10)).until(() -> requests("sendMessage", "9000").stream()
                .anyMatch(r -> r.getBodyAsString().contains("@caravan_gone")));

        fixtures.dealCreated(7401, category, "Gone again", null);
        await().atMost(Duration.ofSeconds(10)).until(() -> jdbc.queryForObject(
                "SELECT count(*) FROM telegram_outgoing WHERE chat_id = '@caravan_gone' AND status = 'dropped'", Long.class) == 2);
        assertThat(requests("sendMessage", "@caravan_gone")).as("a disabled channel is not called again").hasSize(1);
    }

    @Test
    void aGroupUpgradedToASupergroupGetsTheMessageAtItsNewId() throws Exception {
        long category = fixtures.category("migrated", "-4001", null);
        telegram.stubFor(post(urlPathMatching(API + "send.*")).atPriority(1)
                .withRequestBody(matchingJsonPath("$.chat_id", equalTo("-4001")))
                .willReturn(aResponse().withStatus(400).withHeader("Content-Type", "application/json")
                        .withBody("{\"ok\":false,\"error_code\":400,\"description\":\"Bad Request: group chat was upgraded to a supergroup chat\",\"parameters\":{\"migrate_to_chat_id\":-1004000000001}}")));

        fixtures.dealCreated(7500, category, "Migrated", null);
        await().atMost(Duration.ofSeconds(10)).until(() -> "sent".equals(status("-4001", "deal_post")));
        assertThat(requests("sendMessage", "-1004000000001")).hasSize(1);
        assertThat(jdbc.queryForObject("SELECT migrated_to FROM telegram_chats WHERE chat_id = '-4001'", String.class))
                .isEqualTo("-1004000000001");
        assertThat(jdbc.queryForObject("SELECT channel_chat_id FROM categories WHERE id = ?", String.class, category))
                .isEqualTo("-1004000000001");
        assertThat(jdbc.queryForObject("SELECT chat_id FROM telegram_posts WHERE deal_id = 7500", String.class))
                .isEqualTo("-1004000000001");
    }

    @Test
    void htmlTelegramCannotParseIsResentAsPlainTextAndLogged(CapturedOutput output) throws Exception {
        long category = fixtures.category("html", "@caravan_html", null);
        telegram.stubFor(post(urlPathEqualTo(API + "sendPhoto")).atPriority(1)
                .withRequestBody(matchingJsonPath("$.chat_id", equalTo("@caravan_html")))
                .withRequestBody(matchingJsonPath("$.parse_mode"))
                .willReturn(aResponse().withStatus(400).withHeader("Content-Type", "application/json")
                        .withBody("{\"ok\":false,\"error_code\":400,\"description\":\"Bad Request: can't parse entities: Unsupported start tag \\\"name\\\" at byte offset 69\"}")));

        fixtures.dealCreated(7600, category, "Ütü & <masa>", PHOTO);
        await().atMost(Duration.ofSeconds(10)).until(() -> "sent".equals(status("@caravan_html", "deal_post")));
        List<LoggedRequest> calls = requests("sendPhoto", "@caravan_html");
        assertThat(calls).hasSize(2);
        JsonNode plain = body(calls.get(1));
        assertThat(plain.has("parse_mode")).isFalse();
        assertThat(plain.get("caption").asText()).startsWith("Ütü & <masa>\n\n💰 899.90 TRY  1199.90 TRY\n📉 -25%");
        assertThat(plain.has("reply_markup")).isTrue();
        assertThat(output.getAll()).contains("escaping bug");
    }

    @Test
    void theTokenNeverReachesTheLogOrLastError(CapturedOutput output) {
        long category = fixtures.category("leak", "@caravan_leak", null);
        // A broken proxy in front of Telegram that echoes the request path, token and all.
        telegram.stubFor(post(urlPathMatching(API + "send.*")).atPriority(1)
                .withRequestBody(matchingJsonPath("$.chat_id", equalTo("@caravan_leak")))
                .willReturn(aResponse().withStatus(502).withHeader("Content-Type", "application/json")
                        .withBody("{\"ok\":false,\"error_code\":502,\"description\":\"Bad Gateway: upstream failed for POST " + API + "sendMessage\"}")));

        fixtures.dealCreated(7700, category, "Leak", null);
        await().atMost(Duration.ofSeconds(15)).until(() -> "failed".equals(status("@caravan_leak", "deal_post")));
        String lastError = jdbc.queryForObject(
                "SELECT last_error FROM telegram_outgoing WHERE chat_id = '@caravan_leak'", String.class);
        assertThat(lastError).contains("upstream failed").contains("/bot****/sendMessage").doesNotContain(TOKEN);
        assertThat(requests("sendMessage", "@caravan_leak")).hasSize(3); // max-attempts
        assertThat(output.getAll()).contains("failed 3 times").doesNotContain(TOKEN)
                .doesNotContain(TOKEN.substring(TOKEN.indexOf(':') + 1));
    }

    @Test
    void watchHitsAndDealsToOneSubscriberStopAtTheDailyCap() {
        long category = fixtures.category("capped", null, 30.0);
        fixtures.subscriber(43001, category, null);      // category threshold 30 %
        fixtures.subscriber(43002, category, 10.0);      // own threshold 10 %
        // A 25 % deal: only 43002 wants it.
        fixtures.dealCreated(7800, category, "Quarter off", null);
        for (int i = 0; i < 4; i++) {
            fixtures.publish("watch.hit", Map.of("watchId", i, "chatId", 43002, "asin", "B0W" + i,
                    "title", "Watched " + i, "url", "https://www.amazon.com.tr/dp/B0W" + i + "?tag=caravan-21",
                    "price", "450.00", "currency", "TRY", "targetPrice", "500.00", "kind", "target-reached",
                    "observedAt", Instant.now().toString()));
        }
        await().atMost(Duration.ofSeconds(15)).until(() -> jdbc.queryForObject(
                "SELECT count(*) FROM telegram_outgoing WHERE chat_id = '43002' AND status = 'sent'", Long.class) == 3);
        await().during(Duration.ofMillis(800)).atMost(Duration.ofSeconds(3)).until(() -> jdbc.queryForObject(
                "SELECT count(*) FROM outbox WHERE done_at IS NULL", Long.class) == 0);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM telegram_outgoing WHERE chat_id = '43002'", Long.class))
                .as("1 deal + 2 watch hits; the 4th message of the day is not queued").isEqualTo(3);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM telegram_outgoing WHERE chat_id = '43001'", Long.class)).isZero();
        assertThat(requests("sendMessage", "43002").stream().filter(r -> r.getBodyAsString().contains("Target price reached")))
                .hasSize(2);
    }

    @Test
    void adminAlertsAreGroupedPerKeyWithACountOfTheOnesHeldBack() {
        for (int i = 0; i < 3; i++) {
            fixtures.publish("admin.alert", Map.of("kind", "price-job-paused", "key", "amazon-403", "text", "Amazon said 403 #" + i));
        }
        JobRun failed = new JobRun(1, "metabase-vendors", "schedule", null, "test", Instant.now(), Instant.now(), "failed",
                null, "HTTP 500 from Metabase");
        hub.publishEvent(new JobFinishedEvent(failed));
        hub.publishEvent(new JobFinishedEvent(failed));
        hub.publishEvent(new OutboxDispatcher.DeadLetteredEvent(99, "dataset.changed", 8, "Redis down"));

        await().atMost(Duration.ofSeconds(10)).until(() -> jdbc.queryForObject(
                "SELECT count(*) FROM telegram_outgoing WHERE chat_id = '9000' AND status = 'sent' AND payload->>'text' NOT LIKE '%caravan_gone%'",
                Long.class) >= 3);
        await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(3)).until(() -> jdbc.queryForObject(
                "SELECT count(*) FROM outbox WHERE type = 'admin.alert' AND done_at IS NULL", Long.class) == 0);
        List<String> texts = jdbc.queryForList("""
                SELECT payload->>'text' FROM telegram_outgoing WHERE chat_id = '9000' AND payload->>'text' NOT LIKE '%caravan_gone%'
                ORDER BY id""", String.class);
        assertThat(texts).hasSize(3);
        // Two outbox workers handle the three events, so which of them goes out first is not fixed.
        assertThat(texts).filteredOn(t -> t.contains("Amazon said 403 #")).hasSize(1);
        assertThat(texts)
                .anyMatch(t -> t.contains("metabase-vendors failed") && t.contains("HTTP 500 from Metabase"))
                .anyMatch(t -> t.contains("dataset.changed") && t.contains("dead_letters"));

        // The interval has passed: the next alert of that key goes out and says how many were held back.
        jdbc.update("UPDATE alert_windows SET sent_at = now() - interval '2 hours' WHERE channel = 'telegram' AND alert_key = 'amazon-403'");
        fixtures.publish("admin.alert", Map.of("kind", "price-job-paused", "key", "amazon-403", "text", "Amazon said 403 #3"));
        await().atMost(Duration.ofSeconds(10)).until(() -> jdbc.queryForObject(
                "SELECT count(*) FROM telegram_outgoing WHERE chat_id = '9000' AND payload->>'text' LIKE '%#3%'", Long.class) == 1);
        assertThat(jdbc.queryForObject("SELECT payload->>'text' FROM telegram_outgoing WHERE payload->>'text' LIKE '%#3%'",
                String.class)).contains("(+2 more like this since");
    }

    @Test
    void eachSubscriberGetsTheDealAndTheirWatchHitInTheirLanguageWhileTheChannelStaysEnglish() throws Exception {
        long category = fixtures.category("i18n", "@caravan_i18n", null);
        fixtures.subscriber(45001, category, null, "tr");
        fixtures.subscriber(45002, category, null, "en");
        fixtures.dealCreated(7950, category, "Çaydanlık & <demlik>", PHOTO);
        fixtures.publish("watch.hit", Map.of("watchId", 950, "chatId", 45001, "asin", "B0W950",
                "title", "Kahve makinesi", "url", "https://www.amazon.com.tr/dp/B0W950?tag=caravan-21",
                "price", "450.00", "currency", "TRY", "targetPrice", "500.00", "kind", "target-reached",
                "observedAt", "2026-11-23T06:00:00Z"));

        await().atMost(Duration.ofSeconds(15)).until(() -> "sent".equals(status("45001", "subscriber_deal"))
                && "sent".equals(status("45002", "subscriber_deal")) && "sent".equals(status("45001", "watch_hit"))
                && "sent".equals(status("@caravan_i18n", "deal_post")));
        String english = """
                <b>Çaydanlık &amp; &lt;demlik&gt;</b>

                💰 <b>899.90 TRY</b>  <s>1199.90 TRY</s>
                📉 -25%
                🕒 Price as of 14:05""";
        JsonNode turkish = body(requests("sendPhoto", "45001").get(0));
        assertThat(turkish.get("caption").asText()).isEqualTo(english.replace("🕒 Price as of 14:05", "🕒 Fiyat 14:05 itibarıyla"));
        assertThat(turkish.at("/reply_markup/inline_keyboard/0/0/text").asText()).isEqualTo("🛒 Amazon'da gör");
        for (String chat : List.of("45002", "@caravan_i18n")) {
            JsonNode post = body(requests("sendPhoto", chat).get(0));
            assertThat(post.get("caption").asText()).as(chat).isEqualTo(english);
            assertThat(post.at("/reply_markup/inline_keyboard/0/0/text").asText()).as(chat).isEqualTo(DealMessages.BUTTON_TEXT);
        }
        assertThat(body(requests("sendMessage", "45001").get(0)).get("text").asText()).isEqualTo("""
                🎯 <b>Hedef fiyata ulaşıldı</b>
                <a href="https://www.amazon.com.tr/dp/B0W950?tag=caravan-21">Kahve makinesi</a>
                Şimdi <b>450.00 TRY</b> (hedef fiyatın 500.00 TRY)
                🕒 Fiyat 09:00 itibarıyla""");

        fixtures.dealExpired(7950);
        await().atMost(Duration.ofSeconds(15)).until(() -> requests("editMessageCaption", "45001").size() == 1
                && requests("editMessageCaption", "45002").size() == 1 && requests("editMessageCaption", "@caravan_i18n").size() == 1);
        assertThat(body(requests("editMessageCaption", "45001").get(0)).get("caption").asText())
                .startsWith("⌛ <b>Fırsat sona erdi</b>\n<s><b>Çaydanlık");
        for (String chat : List.of("45002", "@caravan_i18n")) {
            assertThat(body(requests("editMessageCaption", chat).get(0)).get("caption").asText()).as(chat)
                    .startsWith("⌛ <b>Expired</b>\n<s><b>Çaydanlık");
        }
    }
}
