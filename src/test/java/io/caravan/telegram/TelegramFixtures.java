package io.caravan.telegram;

import io.caravan.outbox.Outbox;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

/** Categories, subscribers and events shaped like the price checks' (PriceChecks.startDeal / watchHit). */
final class TelegramFixtures {

    /** Shaped like a real token, so the unconfigured-token pattern in Secrets would catch it too. */
    static final String TOKEN = "7123456789:AAHk_test-Token-Value-0123456789";

    private final JdbcTemplate jdbc;
    private final TransactionTemplate tx;
    private final Outbox outbox;

    TelegramFixtures(ConfigurableApplicationContext hub) {
        this.jdbc = hub.getBean(JdbcTemplate.class);
        this.tx = hub.getBean(TransactionTemplate.class);
        this.outbox = hub.getBean(Outbox.class);
    }

    long category(String slug, String channel, Double minDiscount) {
        return jdbc.queryForObject("""
                INSERT INTO categories (slug, name, keywords, channel_chat_id, min_discount_pct) VALUES (?, ?, ?, ?, ?)
                RETURNING id""", Long.class, slug, slug, slug, channel, minDiscount);
    }

    void subscriber(long chatId, long categoryId, Double minDiscount) {
        subscriber(chatId, categoryId, minDiscount, "en");
    }

    /** @param language {@code en} or {@code tr}, as the bot stores it from the user's Telegram language */
    void subscriber(long chatId, long categoryId, Double minDiscount, String language) {
        jdbc.update("INSERT INTO subscribers (chat_id, first_name, language) VALUES (?, 'Test', ?) ON CONFLICT DO NOTHING",
                chatId, language);
        jdbc.update("INSERT INTO subscriptions (chat_id, category_id, min_discount_pct) VALUES (?, ?, ?)", chatId, categoryId,
                minDiscount);
    }

    static Map<String, Object> deal(long dealId, long categoryId, String title, String imageUrl, String discountPct) {
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("dealId", dealId);
        event.put("asin", "B0" + dealId);
        event.put("marketplace", "www.amazon.com.tr");
        event.put("title", title);
        event.put("url", "https://www.amazon.com.tr/dp/B0" + dealId + "?tag=caravan-21");
        event.put("imageUrl", imageUrl);
        event.put("price", "899.90");
        event.put("referencePrice", "1199.90");
        event.put("discountPct", discountPct);
        event.put("currency", "TRY");
        event.put("categoryId", categoryId);
        event.put("categorySlug", "c" + categoryId);
        event.put("channelChatId", null);
        event.put("observedAt", "2026-11-23T11:05:00Z");
        event.put("timeZone", "Europe/Istanbul");
        return event;
    }

    long publish(String type, Object payload) {
        return tx.execute(status -> outbox.publish(type, payload));
    }

    long dealCreated(long dealId, long categoryId, String title, String imageUrl) {
        return publish("deal.created", deal(dealId, categoryId, title, imageUrl, "25.00"));
    }

    long dealExpired(long dealId) {
        return publish("deal.expired", Map.of("dealId", dealId, "asin", "B0" + dealId, "marketplace", "www.amazon.com.tr",
                "reason", "price-rose", "price", "1299.90", "currency", "TRY", "endedAt", Instant.now().toString()));
    }
}
