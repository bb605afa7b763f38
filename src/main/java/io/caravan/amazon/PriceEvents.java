package io.caravan.amazon;

import io.caravan.amazon.PriceClaims.Claimed;
import io.caravan.deals.DealRules;
import io.caravan.outbox.Outbox;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The events a chunk's write publishes: deal.created, deal.expired, watch.hit and dataset.changed, in their contract. */
public class PriceEvents {

    private final AmazonProperties amazon;

    public PriceEvents(AmazonProperties amazon) {
        this.amazon = amazon;
    }

    /** What one product's check decided, kept until the chunk's deals have ids for their events. */
    record Checked(Claimed product, AmazonItem item, BigDecimal price, String currency,
                   DealRules.Decision decision, List<Map<String, Object>> watchHits, boolean changed) {
    }

    /**
     * Events in the order the single-call job wrote them: per call, each product's deal and watch events, then the
     * call's dataset.changed (one per getItems call, so consumers see the same invalidation sizes).
     */
    List<Outbox.Event> of(List<List<Checked>> perCall, Map<String, Long> dealIds, Instant now) {
        List<Outbox.Event> events = new ArrayList<>();
        for (List<Checked> results : perCall) {
            List<String> changedAsins = new ArrayList<>();
            for (Checked c : results) {
                if (c.changed()) {
                    changedAsins.add(c.product().asin());
                }
                if (c.decision() instanceof DealRules.Start start) {
                    events.add(dealCreated(dealIds.get(c.product().asin()), c, start, now));
                    changedAsins.add(c.product().asin());
                } else if (c.decision() instanceof DealRules.End end) {
                    events.add(dealExpired(c, end, now));
                    changedAsins.add(c.product().asin());
                }
                for (Map<String, Object> hit : c.watchHits()) {
                    events.add(watchHit(hit, c, now));
                }
            }
            if (!changedAsins.isEmpty()) {
                events.add(datasetChanged(changedAsins.stream().distinct().toList(), now));
            }
        }
        return events;
    }

    private Outbox.Event dealCreated(Long id, Checked c, DealRules.Start start, Instant now) {
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("dealId", id);
        event.put("asin", c.product().asin());
        event.put("marketplace", amazon.marketplace());
        putProductFields(event, c.product(), c.item());
        event.put("price", money(c.price()));
        event.put("referencePrice", money(start.referencePrice()));
        event.put("discountPct", money(start.discountPct())); // percent, same two-place decimal string
        event.put("currency", c.currency());
        event.put("categoryId", c.product().categoryId());
        event.put("categorySlug", c.product().categorySlug());
        event.put("channelChatId", c.product().channelChatId());
        event.put("observedAt", now.toString());
        event.put("timeZone", timeZone());
        return new Outbox.Event("deal.created", event);
    }

    /** Title, URL and image as Amazon just answered them, else as we stored them. */
    private static void putProductFields(Map<String, Object> event, Claimed product, AmazonItem item) {
        event.put("title", product.titleNow(item));
        event.put("url", product.urlNow(item));
        event.put("imageUrl", product.imageUrlNow(item));
    }

    private Outbox.Event dealExpired(Checked c, DealRules.End end, Instant now) {
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("dealId", end.dealId());
        event.put("asin", c.product().asin());
        event.put("marketplace", amazon.marketplace());
        event.put("reason", end.reason());
        event.put("price", c.price() == null ? null : money(c.price()));
        event.put("currency", c.currency());
        event.put("endedAt", now.toString());
        return new Outbox.Event("deal.expired", event);
    }

    private Outbox.Event watchHit(Map<String, Object> watch, Checked c, Instant now) {
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("watchId", watch.get("id"));
        event.put("chatId", watch.get("chat_id"));
        event.put("asin", c.product().asin());
        event.put("marketplace", amazon.marketplace());
        putProductFields(event, c.product(), c.item());
        event.put("price", money(c.price()));
        event.put("currency", c.currency());
        BigDecimal target = (BigDecimal) watch.get("target_price");
        event.put("targetPrice", target == null ? null : money(target));
        event.put("kind", watch.get("kind"));
        event.put("observedAt", now.toString());
        return new Outbox.Event("watch.hit", event);
    }

    private Outbox.Event datasetChanged(List<String> asins, Instant now) {
        List<String> keys = new ArrayList<>();
        for (String template : amazon.invalidate().keys()) {
            if (template.contains("{asin}")) {
                asins.forEach(a -> keys.add(template.replace("{asin}", a).replace("{marketplace}", amazon.marketplace())));
            } else {
                keys.add(template.replace("{marketplace}", amazon.marketplace()));
            }
        }
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("dataset", "amazon.products");
        event.put("table", "products");
        event.put("rows", asins.size());
        event.put("keys", keys);
        event.put("patterns", amazon.invalidate().patterns());
        event.put("tags", amazon.invalidate().tags());
        event.put("warmUrls", List.of());
        event.put("at", now.toString());
        return new Outbox.Event("dataset.changed", event);
    }

    private String timeZone() {
        return switch (amazon.marketplace()) {
            case "www.amazon.com.tr" -> "Europe/Istanbul";
            case "www.amazon.de", "www.amazon.fr", "www.amazon.it", "www.amazon.es", "www.amazon.nl", "www.amazon.se",
                 "www.amazon.pl", "www.amazon.com.be" -> "Europe/Berlin";
            case "www.amazon.co.uk" -> "Europe/London";
            case "www.amazon.co.jp" -> "Asia/Tokyo";
            default -> "UTC";
        };
    }

    /** Event contract (events/*.schema.json): money and percentages as decimal strings with two places, e.g. "899.90". */
    static String money(BigDecimal value) {
        return value.setScale(2, RoundingMode.HALF_UP).toPlainString();
    }
}
