package io.caravan.amazon;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.caravan.ops.JobHeaders;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The {@code amazon-discovery} route's steps: the active categories, each category's search headers, the upsert
 * of each page's items into {@code products} (new ones due at once, known ones keep their schedule), a throttled
 * page's retry. The route pages {@code creators:searchItems} through each category.
 */
public class Discovery {

    private static final Logger log = LoggerFactory.getLogger(Discovery.class);
    /** searchItems serves pages 1–10 of 10 items. */
    static final int MAX_PAGES = 10;
    /**
     * Throttles on one category in a run (all its pages together, not only in a row) before its remaining pages wait
     * for the next run: each throttle holds the run for its retryAfterSeconds, so this bounds one category's waiting.
     */
    static final int MAX_THROTTLES = 3;
    private static final String UPSERTED = "CaravanUpserted";
    private static final String CATEGORY = "CaravanCategory";
    private static final String THROTTLES = "CaravanThrottles";

    private final AmazonProperties amazon;
    private final JdbcTemplate jdbc;
    private final Counter discovered;

    public Discovery(AmazonProperties amazon, JdbcTemplate jdbc, MeterRegistry meters) {
        this.amazon = amazon;
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

    /** Route step: configured categories synced first, then the active ones as the body, one map per category. */
    public void activeCategories(Exchange exchange) {
        // A run can come before the startup sync (an operator's or dev mode's first run): configured categories first.
        syncCategories();
        exchange.setProperty(UPSERTED, new AtomicInteger());
        exchange.getMessage().setBody(jdbc.queryForList("""
                SELECT id, slug, browse_node_id, keywords FROM categories WHERE active AND marketplace = ? ORDER BY id""",
                amazon.marketplace()));
    }

    /** Route step per category: the search's headers for {@code creators:searchItems}, from page 1. */
    @SuppressWarnings("unchecked")
    public void firstPage(Exchange exchange) {
        Map<String, Object> category = exchange.getMessage().getBody(Map.class);
        exchange.setProperty(CATEGORY, category);
        exchange.setProperty(THROTTLES, 0);
        var message = exchange.getMessage();
        message.setHeader(CreatorsEndpoint.BROWSE_NODE, category.get("browse_node_id"));
        message.setHeader(CreatorsEndpoint.KEYWORDS, category.get("keywords"));
        message.setHeader(CreatorsEndpoint.PAGE, 1);
        message.setHeader(CreatorsEndpoint.MORE_PAGES, true);
    }

    /**
     * Route step after a page: body the {@link SearchResponse}; upserts its items into {@code products} (new ones due
     * at once, known ones keep their schedule) and moves to the next page.
     */
    @SuppressWarnings("unchecked")
    public void upsert(Exchange exchange) {
        SearchResponse answer = exchange.getMessage().getBody(SearchResponse.class);
        Map<String, Object> category = exchange.getProperty(CATEGORY, Map.class);
        int priority = amazon.categories().stream().filter(c -> c.slug().equals(category.get("slug")))
                .mapToInt(AmazonProperties.Category::priority).findFirst().orElse(0);
        int upserted = 0;
        for (AmazonItem item : answer.items()) {
            upserted += jdbc.update("""
                    INSERT INTO products (asin, marketplace, title, category_id, image_url, url, priority)
                    VALUES (?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT (asin, marketplace) DO UPDATE SET title = coalesce(EXCLUDED.title, products.title),
                        category_id = EXCLUDED.category_id, image_url = coalesce(EXCLUDED.image_url, products.image_url),
                        url = coalesce(EXCLUDED.url, products.url), priority = EXCLUDED.priority, updated_at = now()""",
                    item.asin(), amazon.marketplace(), item.title(), category.get("id"), item.imageUrl(),
                    withPartnerTag(item.url(), item.asin()), priority);
        }
        exchange.getProperty(UPSERTED, AtomicInteger.class).addAndGet(upserted);
        exchange.getMessage().setHeader(CreatorsEndpoint.PAGE, exchange.getMessage().getHeader(CreatorsEndpoint.PAGE, Integer.class) + 1);
    }

    /**
     * Route step when a page was throttled (429): the same page is asked again, after the retryAfterSeconds every
     * {@code creators:} call now waits; once the category has been throttled {@value #MAX_THROTTLES} times in this run
     * its remaining pages wait for the next run, and the run goes on with the next category.
     */
    public void throttled(Exchange exchange) {
        int throttles = exchange.getProperty(THROTTLES, 0, Integer.class) + 1;
        exchange.setProperty(THROTTLES, throttles);
        CreatorsApiException e = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, CreatorsApiException.class);
        if (throttles >= MAX_THROTTLES) {
            log.warn("Discovery leaves category {} for the next run: throttled {} times in this run ({})",
                    exchange.getProperty(CATEGORY, Map.class).get("slug"), throttles, e == null ? "" : e.getMessage());
            exchange.getMessage().setHeader(CreatorsEndpoint.MORE_PAGES, false);
        } else {
            log.info("Discovery throttled; asking page {} again after {} s", exchange.getMessage().getHeader(CreatorsEndpoint.PAGE),
                    e == null ? null : e.retryAfterSeconds());
        }
    }

    /** Route step at the end: products upserted as {@code CaravanRows}. */
    public void finish(Exchange exchange) {
        int upserted = exchange.getProperty(UPSERTED, AtomicInteger.class).get();
        discovered.increment(upserted);
        log.info("Discovery upserted {} products", upserted);
        exchange.getMessage().setHeader(JobHeaders.ROWS, upserted);
        exchange.getMessage().setBody(upserted);
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
