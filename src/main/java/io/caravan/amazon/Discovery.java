package io.caravan.amazon;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The {@code amazon-discovery} job: pages searchItems through each active category (browse node and/or keywords)
 * and upserts what it finds into {@code products}. New products are due at once; known ones keep their schedule.
 */
public class Discovery {

    private static final Logger log = LoggerFactory.getLogger(Discovery.class);
    /** searchItems serves pages 1–10 of 10 items. */
    static final int MAX_PAGES = 10;
    /** A page throttled this often in a row fails the run: Amazon is refusing more than a burst. */
    static final int MAX_THROTTLES_PER_PAGE = 3;

    private final AmazonProperties amazon;
    private final CreatorsApiClient client;
    private final JdbcTemplate jdbc;
    private final Counter discovered;

    public Discovery(AmazonProperties amazon, CreatorsApiClient client, JdbcTemplate jdbc, MeterRegistry meters) {
        this.amazon = amazon;
        this.client = client;
        this.jdbc = jdbc;
        this.discovered = Counter.builder("caravan_amazon_discovered_total").description("Products upserted by discovery")
                .register(meters);
    }

    /** Makes {@code categories} match caravan.amazon.categories[] (by slug); categories dropped from config go inactive. */
    public void syncCategories() {
        List<String> slugs = new ArrayList<>();
        for (AmazonProperties.Category c : amazon.categories()) {
            slugs.add(c.slug());
            jdbc.update("""
                    INSERT INTO categories (slug, name, marketplace, browse_node_id, keywords, min_discount_pct, channel_chat_id, active)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT (slug) DO UPDATE SET name = EXCLUDED.name, marketplace = EXCLUDED.marketplace,
                        browse_node_id = EXCLUDED.browse_node_id, keywords = EXCLUDED.keywords,
                        min_discount_pct = EXCLUDED.min_discount_pct, channel_chat_id = EXCLUDED.channel_chat_id,
                        active = EXCLUDED.active""",
                    c.slug(), c.name(), amazon.marketplace(), blankToNull(c.browseNodeId()), blankToNull(c.keywords()),
                    c.minDiscountPercent(), blankToNull(c.channelChatId()), c.active());
        }
        if (!amazon.categories().isEmpty()) {
            jdbc.update("UPDATE categories SET active = FALSE WHERE marketplace = ? AND NOT (slug = ANY(?))",
                    amazon.marketplace(), slugs.toArray(String[]::new));
        }
    }

    /** @return products upserted */
    public int run() {
        // A run can come before the startup sync (an operator's or dev mode's first run): configured categories first.
        syncCategories();
        int upserted = 0;
        List<Map<String, Object>> categories = jdbc.queryForList("""
                SELECT id, slug, browse_node_id, keywords FROM categories WHERE active AND marketplace = ? ORDER BY id""",
                amazon.marketplace());
        Map<String, Integer> priorities = new java.util.HashMap<>();
        amazon.categories().forEach(c -> priorities.put(c.slug(), c.priority()));
        for (Map<String, Object> category : categories) {
            for (int page = 1; page <= MAX_PAGES; page++) {
                SearchResponse answer = search(category, page);
                for (AmazonItem item : answer.items()) {
                    upserted += jdbc.update("""
                            INSERT INTO products (asin, marketplace, title, category_id, image_url, url, priority)
                            VALUES (?, ?, ?, ?, ?, ?, ?)
                            ON CONFLICT (asin, marketplace) DO UPDATE SET title = coalesce(EXCLUDED.title, products.title),
                                category_id = EXCLUDED.category_id, image_url = coalesce(EXCLUDED.image_url, products.image_url),
                                url = coalesce(EXCLUDED.url, products.url), priority = EXCLUDED.priority, updated_at = now()""",
                            item.asin(), amazon.marketplace(), item.title(), category.get("id"), item.imageUrl(),
                            withPartnerTag(item.url(), item.asin()), priorities.getOrDefault((String) category.get("slug"), 0));
                }
                if (answer.items().size() < 10 || page * 10 >= answer.totalResultCount()) {
                    break;
                }
            }
        }
        discovered.increment(upserted);
        log.info("Discovery upserted {} products in {} categories", upserted, categories.size());
        return upserted;
    }

    /**
     * One page; a 429 is waited out and the page asked again: the client's quota holds every call until the answer's
     * {@code retryAfterSeconds} have passed (and slows down), so a throttle costs time, not the rest of the run.
     */
    private SearchResponse search(Map<String, Object> category, int page) {
        for (int throttled = 0; ; throttled++) {
            try {
                return client.searchItems((String) category.get("browse_node_id"), (String) category.get("keywords"), page);
            } catch (CreatorsApiException e) {
                if (!e.throttled() || throttled >= MAX_THROTTLES_PER_PAGE) {
                    throw e;
                }
                log.warn("Discovery: searchItems page {} of category {} was throttled (retry after {} s); asking again",
                        page, category.get("slug"), e.retryAfterSeconds() == null ? 1 : e.retryAfterSeconds());
            }
        }
    }

    /**
     * Amazon's detailPageURL already carries the tag and must be kept whole (attribution); a missing one is built
     * from the ASIN with the configured partner tag.
     */
    String withPartnerTag(String url, String asin) {
        if (url != null && !url.isBlank()) {
            return url;
        }
        String base = "https://" + amazon.marketplace() + "/dp/" + asin;
        return amazon.partnerTag() == null ? base : base + "?tag=" + amazon.partnerTag();
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }
}
