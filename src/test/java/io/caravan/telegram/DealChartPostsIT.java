package io.caravan.telegram;

import static com.github.tomakehurst.wiremock.client.WireMock.aMultipart;
import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
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
import com.github.tomakehurst.wiremock.http.Request;
import com.github.tomakehurst.wiremock.stubbing.StubMapping;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.caravan.support.Hubs;
import io.caravan.support.TestEnvironment;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Deal posts with the price chart, a whole hub against WireMock as the Bot API: one multipart upload per deal and its
 * file_id for every other chat, the fallback when Telegram refuses the upload, expiry edits of chart posts.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DealChartPostsIT {

    private static final String API = "/bot" + TOKEN + "/";
    private static final String CHART_FILE_ID = "AgACAgQAAxkBAAIChart-large";
    private static final String PHOTO = "https://m.media-amazon.com/images/I/71chart.jpg";
    private static final Instant OBSERVED = Instant.parse("2026-11-23T11:05:00Z"); // TelegramFixtures.deal's

    private final String schema = TestEnvironment.newSchema();
    private final WireMockServer telegram = new WireMockServer(options().dynamicPort());
    private final ObjectMapper json = new ObjectMapper();
    private ConfigurableApplicationContext hub;
    private JdbcTemplate jdbc;
    private TelegramFixtures fixtures;

    @BeforeAll
    void startHub() {
        telegram.start();
        telegram.stubFor(post(urlPathMatching(API + "(send|edit).*")).atPriority(10).willReturn(okJson(
                "{\"ok\":true,\"result\":{\"message_id\":601,\"chat\":{\"id\":1},\"date\":1}}")));
        telegram.stubFor(post(urlPathEqualTo(API + "sendPhoto")).atPriority(9).willReturn(okJson(
                "{\"ok\":true,\"result\":{\"message_id\":602,\"chat\":{\"id\":1},\"date\":1,\"photo\":["
                        + "{\"file_id\":\"AgACAgQAAxkBAAIChart-small\",\"width\":90,\"height\":54},"
                        + "{\"file_id\":\"" + CHART_FILE_ID + "\",\"width\":1000,\"height\":600}]}}")));
        hub = Hubs.start(schema, Map.of(
                "caravan.telegram.token", TOKEN,
                "caravan.telegram.base-uri", "http://localhost:" + telegram.port(),
                "caravan.jobs.telegram-updates.enabled", "false",
                "caravan.telegram.timeout", "5s",
                "caravan.telegram.limits.global-per-second", "200",
                "caravan.telegram.limits.per-group-per-minute", "600",
                "caravan.telegram.limits.per-private-chat-per-second", "10",
                "caravan.telegram.deal-image-by-channel[@charts_both]", "both",
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

    /** The product of TelegramFixtures.deal(dealId): 100 days tracked, a price change every 20 days, none as low. */
    private void history(long dealId) {
        String asin = "B0" + dealId;
        jdbc.update("INSERT INTO products (asin, marketplace, title, created_at) VALUES (?, 'www.amazon.com.tr', 'Kettle', ?)",
                asin, Timestamp.from(OBSERVED.minus(Duration.ofDays(100))));
        String[] prices = {"1199.90", "1249.90", "1149.90", "1299.00", "1199.90"};
        for (int i = 0; i < prices.length; i++) {
            jdbc.update("""
                    INSERT INTO price_history (asin, marketplace, observed_at, price, currency, availability)
                    VALUES (?, 'www.amazon.com.tr', ?, ?, 'TRY', 'IN_STOCK')""",
                    asin, Timestamp.from(OBSERVED.minus(Duration.ofDays(100 - 20L * i))), new BigDecimal(prices[i]));
        }
    }

    private static boolean multipart(Request request) {
        return String.valueOf(request.getHeader("Content-Type")).startsWith("multipart/form-data");
    }

    private List<LoggedRequest> uploads() {
        return telegram.findAll(postRequestedFor(urlPathEqualTo(API + "sendPhoto"))).stream().filter(DealChartPostsIT::multipart).toList();
    }

    private String part(Request request, String name) {
        return request.getParts().stream().filter(p -> p.getName().equals(name)).findFirst()
                .map(p -> p.getBody().asString()).orElse(null);
    }

    /** The JSON requests of a method to chats in {@code chats}. */
    private List<JsonNode> sent(String method, List<String> chats) throws Exception {
        List<JsonNode> bodies = new java.util.ArrayList<>();
        for (LoggedRequest request : telegram.findAll(postRequestedFor(urlPathEqualTo(API + method)))) {
            if (!multipart(request)) {
                JsonNode body = json.readTree(request.getBodyAsString());
                if (chats.contains(body.path("chat_id").asText())) {
                    bodies.add(body);
                }
            }
        }
        return bodies;
    }

    private long count(String sql, Object... args) {
        return jdbc.queryForObject(sql, Long.class, args);
    }

    @Test
    void aDealToAChannelAndFiftySubscribersUploadsItsChartOnceAndSendsItsFileIdFiftyTimes() throws Exception {
        long category = fixtures.category("charts", "@charts_both", null);
        List<String> subscribers = new java.util.ArrayList<>();
        for (long chat = 71001; chat <= 71050; chat++) {
            fixtures.subscriber(chat, category, null, chat % 2 == 0 ? "tr" : "en");
            subscribers.add(String.valueOf(chat));
        }
        history(7101);
        int uploadsBefore = uploads().size();

        fixtures.dealCreated(7101, category, "Kettle", PHOTO);
        await().atMost(Duration.ofSeconds(60)).until(() -> count(
                "SELECT count(*) FROM telegram_outgoing WHERE deal_id = 7101 AND status = 'sent'") == 51);

        List<LoggedRequest> uploads = uploads().subList(uploadsBefore, uploads().size());
        assertThat(uploads).as("one multipart upload for 51 chats").hasSize(1);
        LoggedRequest upload = uploads.get(0);
        var photo = upload.getParts().stream().filter(p -> p.getName().equals("photo")).findFirst().orElseThrow();
        byte[] png = photo.getBody().asBytes();
        assertThat(new String(png, 1, 3, StandardCharsets.US_ASCII)).isEqualTo("PNG");
        assertThat(photo.getHeader("Content-Type").firstValue()).isEqualTo("image/png");
        assertThat(part(upload, "parse_mode")).isEqualTo("HTML");

        List<String> everyone = new java.util.ArrayList<>(subscribers);
        everyone.add("@charts_both");
        List<JsonNode> byFileId = sent("sendPhoto", everyone);
        assertThat(byFileId).hasSize(50).allSatisfy(body -> assertThat(body.path("photo").asText()).isEqualTo(CHART_FILE_ID));
        assertThat(count("SELECT count(*) FROM telegram_charts WHERE deal_id = 7101")).as("rendered once").isEqualTo(1);

        // The caption says what the history supports: 899.90 is under every price of the 90 days shown.
        String channelCaption = "@charts_both".equals(part(upload, "chat_id")) ? part(upload, "caption")
                : sent("sendPhoto", List.of("@charts_both")).get(0).path("caption").asText();
        assertThat(channelCaption).contains("\n📊 Lowest price in 90 days");
        JsonNode keyboard = "@charts_both".equals(part(upload, "chat_id")) ? json.readTree(part(upload, "reply_markup"))
                : sent("sendPhoto", List.of("@charts_both")).get(0).path("reply_markup");
        assertThat(keyboard.at("/inline_keyboard/0/0/text").asText()).isEqualTo("🛒 View on Amazon");
        assertThat(keyboard.at("/inline_keyboard/1/0/url").asText()).as("both: the product photo a tap away").isEqualTo(PHOTO);
        JsonNode turkish = sent("sendPhoto", List.of("71002")).isEmpty() ? null : sent("sendPhoto", List.of("71002")).get(0);
        if (turkish != null) {
            assertThat(turkish.path("caption").asText()).contains("\n📊 Son 90 günün en düşük fiyatı");
            assertThat(turkish.at("/reply_markup/inline_keyboard").size()).as("subscribers get deal-image (chart)").isEqualTo(1);
        }
        assertThat(count("SELECT count(*) FROM telegram_posts WHERE deal_id = 7101 AND kind = 'photo' AND photo_file_id IS NULL"))
                .as("a chart's file_id is never offered as the product photo's").isEqualTo(51);

        // Expiry edits work on the chart posts: captions edited.
        fixtures.dealExpired(7101);
        await().atMost(Duration.ofSeconds(60)).until(() -> count(
                "SELECT count(*) FROM telegram_outgoing WHERE deal_id = 7101 AND purpose = 'deal_expired' AND status = 'sent'") == 51);
        List<JsonNode> edits = sent("editMessageCaption", List.of("@charts_both"));
        assertThat(edits).hasSize(1);
        assertThat(edits.get(0).path("caption").asText()).startsWith("⌛ <b>Expired</b>\n<s><b>Kettle");
    }

    @Test
    void anUploadRefusedWith413FallsBackToTheProductPhotoForEveryChat() throws Exception {
        StubMapping tooLarge = telegram.stubFor(post(urlPathEqualTo(API + "sendPhoto")).atPriority(1)
                .withMultipartRequestBody(aMultipart().withName("caption").withBody(containing("Toaster")))
                .willReturn(aResponse().withStatus(413).withHeader("Content-Type", "application/json")
                        .withBody("{\"ok\":false,\"error_code\":413,\"description\":\"Request Entity Too Large\"}")));
        try {
            long category = fixtures.category("charts413", "@charts_413", null);
            fixtures.subscriber(72001, category, null, "en");
            fixtures.subscriber(72002, category, null, "tr");
            history(7102);
            fixtures.dealCreated(7102, category, "Toaster", PHOTO);
            await().atMost(Duration.ofSeconds(60)).until(() -> count(
                    "SELECT count(*) FROM telegram_outgoing WHERE deal_id = 7102 AND status = 'sent'") == 3);

            assertThat(uploads().stream().filter(r -> String.valueOf(part(r, "caption")).contains("Toaster")).count())
                    .as("refused once, never tried again").isEqualTo(1);
            List<JsonNode> posts = sent("sendPhoto", List.of("@charts_413", "72001", "72002"));
            assertThat(posts).hasSize(3).allSatisfy(body -> {
                assertThat(body.path("caption").asText()).contains("Toaster").contains("📊");
                assertThat(body.has("_chart")).isFalse();
            });
            assertThat(posts).extracting(body -> body.path("photo").asText()).as("the product photo: its URL, then its file_id")
                    .contains(PHOTO).allMatch(photo -> photo.equals(PHOTO) || photo.equals(CHART_FILE_ID));
            assertThat(jdbc.queryForObject("SELECT failed FROM telegram_charts WHERE deal_id = 7102", String.class))
                    .isEqualTo("413: Request Entity Too Large");
        } finally {
            telegram.removeStub(tooLarge);
        }
    }

    @Test
    void anUploadRefusedWith400AndNoProductPhotoFallsBackToText() throws Exception {
        StubMapping refused = telegram.stubFor(post(urlPathEqualTo(API + "sendPhoto")).atPriority(1)
                .withMultipartRequestBody(aMultipart().withName("caption").withBody(containing("Blender")))
                .willReturn(aResponse().withStatus(400).withHeader("Content-Type", "application/json")
                        .withBody("{\"ok\":false,\"error_code\":400,\"description\":\"Bad Request: IMAGE_PROCESS_FAILED\"}")));
        try {
            long category = fixtures.category("charts400", "@charts_400", null);
            history(7103);
            fixtures.dealCreated(7103, category, "Blender", null);
            await().atMost(Duration.ofSeconds(60)).until(() -> count(
                    "SELECT count(*) FROM telegram_outgoing WHERE deal_id = 7103 AND status = 'sent'") == 1);

            List<JsonNode> texts = sent("sendMessage", List.of("@charts_400"));
            assertThat(texts).hasSize(1);
            assertThat(texts.get(0).path("text").asText()).startsWith("<b>Blender</b>").contains("📉 -25%").contains("📊");
            assertThat(texts.get(0).at("/reply_markup/inline_keyboard/0/0/url").asText()).contains("/dp/B07103");
            assertThat(count("SELECT count(*) FROM telegram_posts WHERE deal_id = 7103 AND kind = 'text'")).isEqualTo(1);
        } finally {
            telegram.removeStub(refused);
        }
    }

    @Test
    void aProductWithoutEnoughHistoryGetsItsPhotoAndNoChartIsRendered() throws Exception {
        long category = fixtures.category("charts-new", "@charts_new", null);
        fixtures.dealCreated(7104, category, "Brand new", PHOTO);
        await().atMost(Duration.ofSeconds(60)).until(() -> count(
                "SELECT count(*) FROM telegram_outgoing WHERE deal_id = 7104 AND status = 'sent'") == 1);
        assertThat(sent("sendPhoto", List.of("@charts_new")).get(0).path("photo").asText()).isEqualTo(PHOTO);
        assertThat(count("SELECT count(*) FROM telegram_charts WHERE deal_id = 7104")).isZero();
    }

    @Test
    void nothingIsRenderedForADealNoChatGets() {
        long category = fixtures.category("charts-nobody", null, null);
        history(7105);
        long event = fixtures.dealCreated(7105, category, "Nobody's", PHOTO);
        await().atMost(Duration.ofSeconds(30)).until(() -> count(
                "SELECT count(*) FROM outbox WHERE id = ? AND done_at IS NOT NULL", event) > 0);
        assertThat(count("SELECT count(*) FROM telegram_charts WHERE deal_id = 7105")).isZero();
    }
}
