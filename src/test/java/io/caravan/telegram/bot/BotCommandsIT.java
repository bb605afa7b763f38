package io.caravan.telegram.bot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.caravan.ops.JobRunRepository;
import io.caravan.ops.JobRunner;
import io.caravan.support.HubTest;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.TestPropertySource;

/**
 * Every command against a whole hub on its own schema: the update goes through {@link UpdateHandler} to the bot route
 * (routes/telegram-bot.yaml, where the poller hands its updates too)
 * as the webhook does, and the test reads what was queued in telegram_outgoing.
 */
@HubTest
@TestPropertySource(properties = {
        "caravan.telegram.token=7000000001:AAbotCommandsTestTokenValue",
        "caravan.telegram.base-uri=http://127.0.0.1:9",
        "caravan.jobs.telegram-updates.enabled=false",
        "caravan.amazon.marketplace=www.amazon.com.tr"})
class BotCommandsIT {

    private static final AtomicLong CHATS = new AtomicLong(5_000_000_000L);
    private static final AtomicLong UPDATES = new AtomicLong(900_000_000L);

    @Autowired
    UpdateHandler handler;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    ObjectMapper json;
    @Autowired
    MeterRegistry meters;
    @Autowired
    JobRunner runner;
    @Autowired
    JobRunRepository runs;

    record Sent(String chatId, String method, JsonNode payload) {
        String text() {
            return payload.path("text").asText();
        }
    }

    @BeforeEach
    void categories() {
        jdbc.update("""
                INSERT INTO categories (slug, name, browse_node_id, min_discount_pct, active) VALUES
                    ('electronics', 'Elektronik', '12466496031', 25, TRUE),
                    ('books', 'Kitaplar', '12466439031', NULL, TRUE),
                    ('garden', 'Bahçe', '12466552031', 30, FALSE)
                ON CONFLICT (slug) DO NOTHING""");
    }

    private long newChat() {
        return CHATS.incrementAndGet();
    }

    private ObjectNode message(long chatId, String language, String text) {
        ObjectNode update = json.createObjectNode().put("update_id", UPDATES.incrementAndGet());
        ObjectNode message = update.putObject("message").put("message_id", 10).put("date", 1_700_000_000).put("text", text);
        ObjectNode from = message.putObject("from").put("id", chatId).put("is_bot", false).put("first_name", "Ada")
                .put("username", "ada_" + chatId);
        if (language != null) {
            from.put("language_code", language);
        }
        message.putObject("chat").put("id", chatId).put("type", "private").put("first_name", "Ada");
        return update;
    }

    private ObjectNode button(long chatId, String language, String data, long messageId) {
        ObjectNode update = json.createObjectNode().put("update_id", UPDATES.incrementAndGet());
        ObjectNode callback = update.putObject("callback_query").put("id", "cb-" + update.get("update_id").asText())
                .put("chat_instance", "1").put("data", data);
        callback.putObject("from").put("id", chatId).put("is_bot", false).put("first_name", "Ada").put("language_code", language);
        ObjectNode message = callback.putObject("message").put("message_id", messageId).put("date", 1_700_000_000);
        message.putObject("chat").put("id", chatId).put("type", "private");
        return update;
    }

    /** Hands the update over and returns what it queued, oldest first. */
    private List<Sent> deliver(ObjectNode update) {
        long before = jdbc.queryForObject("SELECT coalesce(max(id), 0) FROM telegram_outgoing", Long.class);
        assertThat(handler.handle(update, false)).isEqualTo(UpdateHandler.Outcome.handled);
        return jdbc.query("SELECT chat_id, method, payload::text, purpose FROM telegram_outgoing WHERE id > ? ORDER BY id",
                (rs, i) -> {
                    assertThat(rs.getString(4)).isEqualTo("bot_reply");
                    try {
                        return new Sent(rs.getString(1), rs.getString(2), json.readTree(rs.getString(3)));
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }, before);
    }

    /** The one sendMessage text a command queued for the chat. */
    private String say(long chatId, String language, String text) {
        List<Sent> sent = deliver(message(chatId, language, text));
        assertThat(sent).hasSize(1);
        assertThat(sent.get(0).chatId()).isEqualTo(String.valueOf(chatId));
        assertThat(sent.get(0).method()).isEqualTo("sendMessage");
        return sent.get(0).text();
    }

    private static final String HELP_EN = """
            Commands:
            /categories – categories you can subscribe to
            /subscribe <category> [min%] – deals of a category, optionally only from min% off
            /unsubscribe <category> – no more deals of a category
            /track <ASIN or Amazon link> [target price] – tell me when a product gets cheaper
            /untrack <ASIN> – stop tracking a product
            /history <ASIN or Amazon link> – a product's price chart
            /list – your subscriptions and tracked products
            /stop – no more messages (/start to come back)""";
    private static final String HELP_TR = """
            Komutlar:
            /categories – abone olabileceğin kategoriler
            /subscribe <kategori> [min%] – bir kategorinin fırsatları, istersen yalnızca min% ve üzeri indirimler
            /unsubscribe <kategori> – bir kategorinin fırsatlarını artık gönderme
            /track <ASIN veya Amazon bağlantısı> [hedef fiyat] – ürün ucuzlayınca haber ver
            /untrack <ASIN> – ürünü takip etmeyi bırak
            /history <ASIN veya Amazon bağlantısı> – ürünün fiyat grafiği
            /list – aboneliklerin ve takip ettiğin ürünler
            /stop – artık mesaj gönderme (geri dönmek için /start)""";

    @Test
    void startRegistersTheSubscriberWithNameAndLanguage() {
        long en = newChat();
        assertThat(say(en, "en", "/start")).isEqualTo("Welcome! I send Amazon deals from the categories you choose and tell "
                + "you when a product you track gets cheaper.\n\n" + HELP_EN);
        long tr = newChat();
        assertThat(say(tr, "tr", "/start@CaravanDealsBot")).isEqualTo("Hoş geldin! Seçtiğin kategorilerdeki Amazon fırsatlarını "
                + "gönderirim ve takip ettiğin ürün ucuzlayınca haber veririm.\n\n" + HELP_TR);
        assertThat(jdbc.queryForMap("SELECT username, first_name, language, status FROM subscribers WHERE chat_id = ?", tr))
                .isEqualTo(Map.of("username", "ada_" + tr, "first_name", "Ada", "language", "tr", "status", "active"));
        assertThat(jdbc.queryForObject("SELECT language FROM subscribers WHERE chat_id = ?", String.class, en)).isEqualTo("en");
    }

    @Test
    void helpInBothLanguagesAndEnglishWithoutALanguage() {
        assertThat(say(newChat(), "en-GB", "/help")).isEqualTo(HELP_EN);
        assertThat(say(newChat(), "tr", "/help")).isEqualTo(HELP_TR);
        assertThat(say(newChat(), null, "/help")).isEqualTo(HELP_EN);
        assertThat(say(newChat(), "de", "/HELP")).isEqualTo(HELP_EN);
    }

    @Test
    void categoriesListsActiveOnesWithButtonsThatShowTheSubscription() throws Exception {
        long chat = newChat();
        say(chat, "en", "/subscribe books");
        List<Sent> sent = deliver(message(chat, "en", "/categories"));
        assertThat(sent).hasSize(1);
        assertThat(sent.get(0).text()).isEqualTo("""
                Categories (tap a button to subscribe or unsubscribe):
                • Kitaplar – /subscribe books
                • Elektronik – /subscribe electronics""");
        assertThat(sent.get(0).payload().get("reply_markup")).isEqualTo(json.readTree("""
                {"inline_keyboard": [[{"text": "✅ Kitaplar", "callback_data": "unsub:%d"}],
                                     [{"text": "➕ Elektronik", "callback_data": "sub:%d"}]]}"""
                .formatted(categoryId("books"), categoryId("electronics"))));

        assertThat(deliver(message(newChat(), "tr", "/categories")).get(0).text()).isEqualTo("""
                Kategoriler (abone olmak veya aboneliği kaldırmak için düğmeye dokun):
                • Kitaplar – /subscribe books
                • Elektronik – /subscribe electronics""");
    }

    @Test
    void buttonsSubscribeAndUnsubscribeAndRefreshTheKeyboard() throws Exception {
        long chat = newChat();
        say(chat, "tr", "/start");
        long electronics = categoryId("electronics");
        List<Sent> sent = deliver(button(chat, "tr", "sub:" + electronics, 77));
        assertThat(sent).extracting(Sent::method).containsExactly("answerCallbackQuery", "editMessageReplyMarkup");
        assertThat(sent.get(0).payload().get("text").asText()).isEqualTo("Elektronik kategorisine abone oldun");
        assertThat(sent.get(0).payload().get("callback_query_id").asText()).startsWith("cb-");
        assertThat(sent.get(1).payload().get("message_id").asLong()).isEqualTo(77);
        assertThat(sent.get(1).payload().at("/reply_markup/inline_keyboard/1/0")).isEqualTo(json.readTree(
                "{\"text\": \"✅ Elektronik\", \"callback_data\": \"unsub:" + electronics + "\"}"));
        assertThat(jdbc.queryForObject("SELECT min_discount_pct IS NULL FROM subscriptions WHERE chat_id = ? AND category_id = ?",
                Boolean.class, chat, electronics)).as("follows the category's threshold").isTrue();

        sent = deliver(button(chat, "en", "unsub:" + electronics, 77));
        assertThat(sent.get(0).payload().get("text").asText()).isEqualTo("Unsubscribed from Elektronik");
        assertThat(count("SELECT count(*) FROM subscriptions WHERE chat_id = ?", chat)).isZero();

        sent = deliver(button(chat, "en", "sub:" + categoryId("garden"), 77));
        assertThat(sent).extracting(Sent::method).containsExactly("answerCallbackQuery");
        assertThat(sent.get(0).payload().get("text").asText()).isEqualTo("This button is no longer valid. Send /categories for fresh ones.");
        sent = deliver(button(chat, "tr", "K0ktLokvzsgvj08sTqlKq6oAAA==", 77));
        assertThat(sent.get(0).payload().get("text").asText()).isEqualTo("Bu düğme artık geçerli değil. Yenileri için /categories gönder.");
        assertThat(count("SELECT count(*) FROM subscriptions WHERE chat_id = ?", chat)).isZero();
    }

    @Test
    void subscribeWithAndWithoutAMinimumDiscount() {
        long en = newChat();
        assertThat(say(en, "en", "/subscribe electronics 30")).isEqualTo("Subscribed to Elektronik: deals from 30% off.");
        assertThat(say(en, "en", "/subscribe Books")).as("category without threshold: the bot's default")
                .isEqualTo("Subscribed to Kitaplar: deals from 20% off.");
        assertThat(jdbc.queryForList("SELECT c.slug || '=' || s.min_discount_pct FROM subscriptions s JOIN categories c ON c.id = s.category_id WHERE chat_id = ? ORDER BY 1", String.class, en))
                .containsExactly("books=20.00", "electronics=30.00");
        assertThat(say(en, "en", "/subscribe electronics")).as("back to the category's own threshold")
                .isEqualTo("Subscribed to Elektronik: deals from 25% off.");

        long tr = newChat();
        assertThat(say(tr, "tr", "/subscribe electronics %35")).isEqualTo("Elektronik kategorisine abone oldun: %35 ve üzeri indirimli fırsatlar.");
        assertThat(meters.get("caravan.telegram.updates").tag("type", "subscribe").tag("outcome", "handled").counter().count())
                .isGreaterThanOrEqualTo(4);
    }

    @Test
    void subscribeRejectsUnknownCategoriesAndBadPercentages() {
        long en = newChat();
        assertThat(say(en, "en", "/subscribe garden")).as("inactive").isEqualTo("Unknown category \"garden\". Categories: books, electronics");
        assertThat(say(en, "en", "/subscribe toys 20")).isEqualTo("Unknown category \"toys\". Categories: books, electronics");
        assertThat(say(en, "en", "/subscribe electronics 0")).isEqualTo("The minimum discount must be a number from 1 to 99, e.g. 30.");
        assertThat(say(en, "en", "/subscribe electronics 100")).isEqualTo("The minimum discount must be a number from 1 to 99, e.g. 30.");
        assertThat(say(en, "en", "/subscribe electronics lots")).isEqualTo("The minimum discount must be a number from 1 to 99, e.g. 30.");
        assertThat(say(en, "en", "/subscribe")).isEqualTo("Usage: /subscribe <category> [min%], e.g. /subscribe books 30");
        long tr = newChat();
        assertThat(say(tr, "tr", "/subscribe oyuncak")).isEqualTo("\"oyuncak\" diye bir kategori yok. Kategoriler: books, electronics");
        assertThat(say(tr, "tr", "/subscribe electronics -5")).isEqualTo("En düşük indirim 1 ile 99 arasında bir sayı olmalı, ör. 30.");
        assertThat(say(tr, "tr", "/subscribe")).isEqualTo("Kullanım: /subscribe <kategori> [min%], ör. /subscribe books 30");
        assertThat(count("SELECT count(*) FROM subscriptions WHERE chat_id IN (?, ?)", en, tr)).isZero();
    }

    @Test
    void unsubscribe() {
        long en = newChat();
        say(en, "en", "/subscribe electronics");
        assertThat(say(en, "en", "/unsubscribe electronics")).isEqualTo("Unsubscribed from Elektronik.");
        assertThat(say(en, "en", "/unsubscribe electronics")).isEqualTo("You are not subscribed to Elektronik.");
        assertThat(say(en, "en", "/unsubscribe toys")).isEqualTo("Unknown category \"toys\". Categories: books, electronics");
        assertThat(say(en, "en", "/unsubscribe")).isEqualTo("Usage: /unsubscribe <category>, e.g. /unsubscribe books");
        long tr = newChat();
        say(tr, "tr", "/subscribe books");
        assertThat(say(tr, "tr", "/unsubscribe books")).isEqualTo("Kitaplar aboneliğin kaldırıldı.");
        assertThat(say(tr, "tr", "/unsubscribe books")).isEqualTo("Kitaplar kategorisine abone değilsin.");
        assertThat(say(tr, "tr", "/unsubscribe")).isEqualTo("Kullanım: /unsubscribe <kategori>, ör. /unsubscribe books");
    }

    @Test
    void trackLinksOfAnyMarketplaceAndPlainAsinsCreateWatchAndProduct() {
        long en = newChat();
        assertThat(say(en, "en", "/track https://www.amazon.com.tr/Apple-AirPods-Pro/dp/B0CHWRXH8B/ref=sr_1_1 4999,90"))
                .isEqualTo("Tracking B0CHWRXH8B on www.amazon.com.tr. I'll tell you when the price drops to 4999.90 or below.");
        assertThat(say(en, "en", "/track https://www.amazon.de/gp/product/B07PGL2ZSL?th=1 89"))
                .isEqualTo("Tracking B07PGL2ZSL on www.amazon.de. I'll tell you when the price drops to 89.00 or below.");
        long tr = newChat();
        assertThat(say(tr, "tr", "/track b09g9fpgtn"))
                .isEqualTo("B09G9FPGTN ürününü www.amazon.com.tr üzerinde takip ediyorum. Yeniden stoğa girince haber vereceğim; "
                        + "fiyat düşüşleri için hedef fiyat ekle: /track B09G9FPGTN <fiyat>");
        assertThat(say(tr, "tr", "/track B0CHWRXH8B 1.299"))
                .isEqualTo("B0CHWRXH8B ürününü www.amazon.com.tr üzerinde takip ediyorum. Fiyat 1299.00 veya altına düşünce haber vereceğim.");

        assertThat(jdbc.queryForList("SELECT chat_id || ' ' || asin || ' ' || marketplace || ' ' || coalesce(target_price::text, '-') FROM watches WHERE active AND chat_id IN (?, ?) ORDER BY id", String.class, en, tr))
                .containsExactly(en + " B0CHWRXH8B www.amazon.com.tr 4999.90", en + " B07PGL2ZSL www.amazon.de 89.00",
                        tr + " B09G9FPGTN www.amazon.com.tr -", tr + " B0CHWRXH8B www.amazon.com.tr 1299.00");
        assertThat(jdbc.queryForList("SELECT asin || ' ' || marketplace || ' ' || url || ' ' || priority || ' ' || (next_check_at <= now()) FROM products WHERE asin IN ('B0CHWRXH8B', 'B07PGL2ZSL', 'B09G9FPGTN') ORDER BY asin", String.class))
                .containsExactly("B07PGL2ZSL www.amazon.de https://www.amazon.de/dp/B07PGL2ZSL 100 true",
                        "B09G9FPGTN www.amazon.com.tr https://www.amazon.com.tr/dp/B09G9FPGTN 100 true",
                        "B0CHWRXH8B www.amazon.com.tr https://www.amazon.com.tr/dp/B0CHWRXH8B 100 true");

        assertThat(say(en, "en", "/track B0CHWRXH8B 3999.5")).as("a new target replaces the old one")
                .isEqualTo("Tracking B0CHWRXH8B on www.amazon.com.tr. I'll tell you when the price drops to 3999.50 or below.");
        assertThat(jdbc.queryForObject("SELECT target_price::text FROM watches WHERE chat_id = ? AND asin = 'B0CHWRXH8B'", String.class, en))
                .isEqualTo("3999.50");
    }

    /** A product tracked for 60 days: 1199.90, then 1099.90, now 899.90 (since 10 minutes). */
    private void productWithHistory(String asin) {
        jdbc.update("""
                INSERT INTO products (asin, marketplace, title, url, current_price, currency, created_at)
                VALUES (?, 'www.amazon.com.tr', 'Çaydanlık', 'https://www.amazon.com.tr/dp/' || ?, 899.90, 'TRY',
                        now() - interval '60 days 1 hour')""", asin, asin);
        jdbc.update("""
                INSERT INTO price_history (asin, marketplace, observed_at, price, currency, availability) VALUES
                    (?, 'www.amazon.com.tr', now() - interval '60 days 1 hour', 1199.90, 'TRY', 'IN_STOCK'),
                    (?, 'www.amazon.com.tr', now() - interval '30 days', 1099.90, 'TRY', 'IN_STOCK'),
                    (?, 'www.amazon.com.tr', now() - interval '10 minutes', 899.90, 'TRY', 'IN_STOCK')""", asin, asin, asin);
    }

    @Test
    void historyOfATrackedProductIsItsChartWithTheContextLine() {
        productWithHistory("B0HIST0001");
        List<Sent> en = deliver(message(newChat(), "en", "/history https://www.amazon.com.tr/dp/B0HIST0001?th=1"));
        assertThat(en).hasSize(1);
        assertThat(en.get(0).method()).isEqualTo("sendPhoto");
        assertThat(en.get(0).payload().path("caption").asText())
                .isEqualTo("Çaydanlık – now 899.90 TRY\n📊 Lowest price since tracking began 60 days ago");
        long chart = en.get(0).payload().path("_chart").asLong();
        byte[] png = jdbc.queryForObject("SELECT png FROM telegram_charts WHERE id = ? AND deal_id IS NULL", byte[].class, chart);
        assertThat(new String(png, 1, 3, java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("PNG");

        List<Sent> tr = deliver(message(newChat(), "tr", "/history B0HIST0001"));
        assertThat(tr.get(0).payload().path("caption").asText())
                .isEqualTo("Çaydanlık – şimdi 899.90 TRY\n📊 60 gün önce takip başladığından beri en düşük fiyat");
    }

    @Test
    void historyOfUntrackedMalformedAndYoungProducts() {
        long en = newChat();
        assertThat(say(en, "en", "/history B0UNTRACK1")).isEqualTo(
                "I don't track B0UNTRACK1 yet, so I have no price history for it. /track B0UNTRACK1 starts tracking it.");
        assertThat(say(newChat(), "tr", "/history B0UNTRACK1")).isEqualTo(
                "B0UNTRACK1 ürününü henüz takip etmiyorum, fiyat geçmişi yok. /track B0UNTRACK1 ile takibi başlatabilirsin.");
        assertThat(say(en, "en", "/history HELLOWORLD")).startsWith("\"HELLOWORLD\" is not an ASIN or an Amazon product link.");
        assertThat(say(en, "en", "/history")).isEqualTo("Usage: /history <ASIN or Amazon link>, e.g. /history B08N5WRWNW");
        jdbc.update("INSERT INTO products (asin, marketplace, current_price, currency) VALUES ('B0YOUNG001', 'www.amazon.com.tr', 50, 'TRY')");
        jdbc.update("""
                INSERT INTO price_history (asin, marketplace, observed_at, price, currency)
                VALUES ('B0YOUNG001', 'www.amazon.com.tr', now() - interval '1 hour', 50, 'TRY')""");
        assertThat(say(en, "en", "/history B0YOUNG001")).isEqualTo(
                "B0YOUNG001 is tracked, but I have seen only 1 price(s) so far; the chart comes once there are 3.");
    }

    @Test
    void trackAnswersWithTheChartOnceTheProductHasHistory() {
        productWithHistory("B0HIST0002");
        List<Sent> sent = deliver(message(newChat(), "en", "/track B0HIST0002 850"));
        assertThat(sent).hasSize(1);
        assertThat(sent.get(0).method()).isEqualTo("sendPhoto");
        assertThat(sent.get(0).payload().path("caption").asText()).isEqualTo("Tracking B0HIST0002 on www.amazon.com.tr. "
                + "I'll tell you when the price drops to 850.00 or below.\n📊 Lowest price since tracking began 60 days ago");
    }

    @Test
    void trackKeepsAKnownProductAsTheRadarLeftIt() {
        jdbc.update("INSERT INTO products (asin, marketplace, title, url, priority, current_price) VALUES ('B0KNOWN001', 'www.amazon.com.tr', 'Kulaklık', 'https://www.amazon.com.tr/dp/B0KNOWN001?tag=caravan-21', 5, 999) ON CONFLICT DO NOTHING");
        say(newChat(), "en", "/track B0KNOWN001 900");
        assertThat(jdbc.queryForObject("SELECT url || ' ' || priority FROM products WHERE asin = 'B0KNOWN001'", String.class))
                .isEqualTo("https://www.amazon.com.tr/dp/B0KNOWN001?tag=caravan-21 5");
    }

    @Test
    void trackRejectsMalformedProductsAndPrices() {
        long en = newChat();
        assertThat(say(en, "en", "/track HELLOWORLD")).isEqualTo("\"HELLOWORLD\" is not an ASIN or an Amazon product link. "
                + "Send a 10-character ASIN such as B08N5WRWNW or a link with /dp/<ASIN> in it.");
        assertThat(say(en, "en", "/track https://www.example.com/dp/B08N5WRWNW")).startsWith("\"https://www.example.com/dp/B08N5WRWNW\" is not an ASIN");
        assertThat(say(en, "en", "/track B08N5WRWNW -10")).isEqualTo("The target price must be a number above 0, e.g. 1299.90.");
        assertThat(say(en, "en", "/track B08N5WRWNW 0")).isEqualTo("The target price must be a number above 0, e.g. 1299.90.");
        assertThat(say(en, "en", "/track B08N5WRWNW cheap")).isEqualTo("The target price must be a number above 0, e.g. 1299.90.");
        assertThat(say(en, "en", "/track")).isEqualTo("Usage: /track <ASIN or Amazon link> [target price], e.g. /track B08N5WRWNW 1299.90");
        long tr = newChat();
        assertThat(say(tr, "tr", "/track amzn.to/3xYz")).isEqualTo("\"amzn.to/3xYz\" bir ASIN veya Amazon ürün bağlantısı değil. "
                + "B08N5WRWNW gibi 10 karakterlik bir ASIN ya da içinde /dp/<ASIN> olan bir bağlantı gönder.");
        assertThat(say(tr, "tr", "/track B08N5WRWNW -3,5")).isEqualTo("Hedef fiyat 0'dan büyük bir sayı olmalı, ör. 1299.90.");
        assertThat(say(tr, "tr", "/track")).isEqualTo("Kullanım: /track <ASIN veya Amazon bağlantısı> [hedef fiyat], ör. /track B08N5WRWNW 1299.90");
        assertThat(count("SELECT count(*) FROM watches WHERE chat_id IN (?, ?)", en, tr)).isZero();
        assertThat(count("SELECT count(*) FROM products WHERE asin = 'B08N5WRWNW'")).isZero();
    }

    @Test
    void untrack() {
        long en = newChat();
        say(en, "en", "/track https://www.amazon.de/dp/B07PGL2ZSL");
        assertThat(say(en, "en", "/untrack B07PGL2ZSL")).as("a bare ASIN on any marketplace").isEqualTo("Stopped tracking B07PGL2ZSL.");
        assertThat(say(en, "en", "/untrack B07PGL2ZSL")).isEqualTo("You are not tracking B07PGL2ZSL. /list shows what you track.");
        assertThat(say(en, "en", "/untrack nonsense")).startsWith("\"nonsense\" is not an ASIN or an Amazon product link.");
        assertThat(say(en, "en", "/untrack")).isEqualTo("Usage: /untrack <ASIN>, e.g. /untrack B08N5WRWNW");
        assertThat(count("SELECT count(*) FROM watches WHERE chat_id = ? AND active", en)).isZero();
        long tr = newChat();
        say(tr, "tr", "/track B0CHWRXH8B");
        assertThat(say(tr, "tr", "/untrack https://www.amazon.de/dp/B0CHWRXH8B")).as("a link names its marketplace")
                .isEqualTo("B0CHWRXH8B ürününü takip etmiyorsun. Takip ettiklerini /list gösterir.");
        assertThat(say(tr, "tr", "/untrack https://www.amazon.com.tr/dp/B0CHWRXH8B")).isEqualTo("B0CHWRXH8B artık takip edilmiyor.");
        assertThat(say(tr, "tr", "/untrack")).isEqualTo("Kullanım: /untrack <ASIN>, ör. /untrack B08N5WRWNW");
    }

    @Test
    void listShowsSubscriptionsAndWatches() {
        long en = newChat();
        assertThat(say(en, "en", "/list")).isEqualTo("You have no subscriptions and track no products. Start with /categories or /track.");
        say(en, "en", "/subscribe electronics");
        say(en, "en", "/subscribe books 15");
        say(en, "en", "/track B0CHWRXH8B 4999.90");
        say(en, "en", "/track https://www.amazon.de/dp/B07PGL2ZSL");
        assertThat(say(en, "en", "/list")).isEqualTo("""
                Subscriptions:
                • Elektronik (electronics), from 25% off
                • Kitaplar (books), from 15% off

                Tracked products:
                • B0CHWRXH8B on www.amazon.com.tr, target 4999.90
                • B07PGL2ZSL on www.amazon.de""");
        long tr = newChat();
        assertThat(say(tr, "tr", "/list")).isEqualTo("Aboneliğin ya da takip ettiğin ürün yok. /categories veya /track ile başlayabilirsin.");
        say(tr, "tr", "/subscribe books");
        say(tr, "tr", "/track B0CHWRXH8B 4999.90");
        assertThat(say(tr, "tr", "/list")).isEqualTo("""
                Abonelikler:
                • Kitaplar (books), %20 ve üzeri

                Takip edilen ürünler:
                • B0CHWRXH8B (www.amazon.com.tr), hedef 4999.90""");
    }

    @Test
    void stopEndsMessagesUntilStartAndKeepsSubscriptions() {
        long en = newChat();
        say(en, "en", "/start");
        say(en, "en", "/subscribe electronics");
        assertThat(say(en, "en", "/stop")).isEqualTo("Stopped: you will get no more messages from me. Send /start to come back; "
                + "your subscriptions and tracked products are kept.");
        assertThat(status(en)).isEqualTo("stopped");
        assertThat(say(en, "en", "/subscribe books")).isEqualTo("You stopped me earlier. Send /start to get messages again.");
        assertThat(count("SELECT count(*) FROM subscriptions WHERE chat_id = ?", en)).isEqualTo(1);
        List<Sent> pressed = deliver(button(en, "en", "sub:" + categoryId("books"), 5));
        assertThat(pressed.get(0).payload().get("text").asText()).isEqualTo("You stopped me earlier. Send /start to get messages again.");
        say(en, "en", "/start");
        assertThat(status(en)).isEqualTo("active");

        long tr = newChat();
        say(tr, "tr", "/start");
        assertThat(say(tr, "tr", "/stop")).isEqualTo("Durduruldu: artık sana mesaj göndermeyeceğim. Geri dönmek için /start gönder; "
                + "aboneliklerin ve takip ettiğin ürünler saklanıyor.");
        assertThat(say(tr, "tr", "/list")).isEqualTo("Beni daha önce durdurdun. Yeniden mesaj almak için /start gönder.");
        assertThat(status(tr)).isEqualTo("stopped");
    }

    @Test
    void unknownCommandsAndPlainText() {
        assertThat(say(newChat(), "en", "/deals")).isEqualTo("Unknown command /deals. Send /help for the list of commands.");
        assertThat(say(newChat(), "tr", "/firsatlar")).isEqualTo("Bilinmeyen komut: /firsatlar. Komut listesi için /help gönder.");
        assertThat(say(newChat(), "en", "hello")).isEqualTo("I only understand commands. Send /help for the list.");
        assertThat(say(newChat(), "tr", "merhaba")).isEqualTo("Yalnızca komutları anlıyorum. Liste için /help gönder.");
        assertThat(meters.get("caravan.telegram.updates").tag("type", "unknown").tag("outcome", "handled").counter().count())
                .isGreaterThanOrEqualTo(2);
    }

    @Test
    void anUpdateThatBreaksIsConfirmedWithAnApologyAndDoesNotBlockTheNext() {
        // PostgreSQL refuses NUL in text: stands for any bug or bad data in one update's handling.
        long chat = newChat();
        ObjectNode broken = message(chat, "tr", "/start");
        ((ObjectNode) broken.at("/message/from")).put("first_name", "A\u0000da");
        long before = count("SELECT coalesce(max(id), 0) FROM telegram_outgoing");

        assertThat(handler.handle(broken, false)).isEqualTo(UpdateHandler.Outcome.failed);

        assertThat(jdbc.queryForList("SELECT method || ' ' || (payload->>'text') FROM telegram_outgoing WHERE id > ?", String.class, before))
                .containsExactly("sendMessage Üzgünüm, bir şeyler ters gitti. Lütfen daha sonra tekrar dene.");
        assertThat(count("SELECT count(*) FROM telegram_updates WHERE update_id = ?", broken.get("update_id").asLong())).isEqualTo(1);
        assertThat(count("SELECT count(*) FROM subscribers WHERE chat_id = ?", chat)).as("rolled back").isZero();
        assertThat(handler.handle(broken, false)).as("not retried").isEqualTo(UpdateHandler.Outcome.duplicate);
        assertThat(say(chat, "tr", "/help")).isEqualTo(HELP_TR);
        assertThat(meters.get("caravan.telegram.updates").tag("type", "start").tag("outcome", "failed").counter().count()).isEqualTo(1);
    }

    @Test
    void groupChatsAreLeftAlone() {
        ObjectNode update = message(newChat(), "en", "/start");
        ((ObjectNode) update.at("/message/chat")).put("type", "supergroup").put("id", -1001234567890L);
        long before = count("SELECT count(*) FROM telegram_outgoing");
        assertThat(handler.handle(update, false)).isEqualTo(UpdateHandler.Outcome.ignored);
        assertThat(count("SELECT count(*) FROM telegram_outgoing")).isEqualTo(before);
        assertThat(count("SELECT count(*) FROM subscribers WHERE chat_id = -1001234567890")).isZero();
    }

    @Test
    void pruneForgetsUpdateIdsPastTelegramsRedeliveryWindow() {
        jdbc.update("INSERT INTO telegram_updates (update_id, received_at) VALUES (1, now() - interval '8 days'), (2, now() - interval '6 days')");
        long id = runner.startNow("telegram-updates-prune");
        await().atMost(Duration.ofSeconds(20)).until(() -> !runs.find(id).orElseThrow().status().equals("running"));
        assertThat(runs.find(id).orElseThrow().status()).isEqualTo("succeeded");
        assertThat(runs.find(id).orElseThrow().rows()).isEqualTo(1);
        assertThat(jdbc.queryForList("SELECT update_id FROM telegram_updates WHERE update_id < 3", Long.class)).containsExactly(2L);
    }

    private long categoryId(String slug) {
        return jdbc.queryForObject("SELECT id FROM categories WHERE slug = ?", Long.class, slug);
    }

    private String status(long chat) {
        return jdbc.queryForObject("SELECT status FROM subscribers WHERE chat_id = ?", String.class, chat);
    }

    private long count(String sql, Object... args) {
        return jdbc.queryForObject(sql, Long.class, args);
    }
}
