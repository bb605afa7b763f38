package io.caravan.amazon;

import io.caravan.core.Secrets;
import io.caravan.deals.DealRules;
import io.caravan.deals.DealsProperties;
import io.caravan.deals.WatchRules;
import io.caravan.ops.JobStateRepository;
import io.caravan.outbox.Outbox;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.postgresql.util.PGInterval;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The {@code amazon-prices} job: claim the most due products, ask Amazon for their prices ten at a time, and write
 * each batch — products, price history on change, deals, outbox events — in one transaction.
 */
public class PriceChecks {

    private static final Logger log = LoggerFactory.getLogger(PriceChecks.class);
    /** How long a claim holds a product away from other workers if this one dies mid-batch. */
    static final Duration LEASE = Duration.ofMinutes(10);
    static final List<String> PRICE_JOBS = List.of("amazon-prices", "amazon-discovery");
    private static final Set<String> NOT_AVAILABLE = Set.of("OUT_OF_STOCK", "UNAVAILABLE");
    private static final Set<String> INACCESSIBLE = Set.of("ItemNotAccessible", "ItemNotFound", "InvalidParameterValue");

    private final AmazonProperties amazon;
    private final DealsProperties dealSettings;
    private final DealRules rules;
    private final CreatorsApiClient client;
    private final JdbcTemplate jdbc;
    private final TransactionTemplate tx;
    private final Outbox outbox;
    private final JobStateRepository jobState;
    private final Clock clock;
    private final Counter checks;
    private final AtomicLong activeDeals = new AtomicLong();

    public PriceChecks(AmazonProperties amazon, DealsProperties dealSettings, CreatorsApiClient client, JdbcTemplate jdbc,
                       TransactionTemplate tx, Outbox outbox, JobStateRepository jobState, MeterRegistry meters, Clock clock) {
        this.amazon = amazon;
        this.dealSettings = dealSettings;
        this.rules = new DealRules(dealSettings);
        this.client = client;
        this.jdbc = jdbc;
        this.tx = tx;
        this.outbox = outbox;
        this.jobState = jobState;
        this.clock = clock;
        this.checks = Counter.builder("caravan_amazon_checks_total").description("Products whose price was checked")
                .register(meters);
        Gauge.builder("caravan_amazon_active_deals", activeDeals, AtomicLong::get)
                .description("Deals active after the last price run").register(meters);
    }

    /** A claimed product with what the checks compare against. */
    record Claimed(String asin, BigDecimal price, String availability, String status, Duration interval, Long categoryId,
                   String categorySlug, BigDecimal categoryMinPct, String channelChatId, String title, String url,
                   String imageUrl) {
    }

    /** One job run: batches until nothing is due or the per-run budget is spent. @return products checked */
    public int run() {
        int checked = 0;
        for (int request = 0; request < amazon.checks().maxRequestsPerRun(); request++) {
            List<Claimed> batch = claim(amazon.checks().batchSize());
            if (batch.isEmpty()) {
                break;
            }
            try {
                checked += check(batch);
            } catch (CreatorsApiException e) {
                if (e.notEligible()) {
                    notEligible(batch, e);
                    break;
                }
                release(batch, e.throttled() && e.retryAfterSeconds() != null
                        ? Duration.ofSeconds(e.retryAfterSeconds()) : amazon.checks().minInterval());
                if (e.throttled()) {
                    log.warn("Creators API throttled the price checks; they resume after {} s", e.retryAfterSeconds());
                    break;
                }
                throw e;
            } catch (QuotaExhaustedException e) {
                release(batch, Duration.ZERO);
                log.warn("Price checks stop: {}", e.getMessage());
                break;
            }
        }
        refreshActiveDeals();
        return checked;
    }

    /**
     * Claims up to {@code n} due products, higher priority first, in a short transaction of its own: pushing
     * {@code next_check_at} forward by the lease is the claim, and SKIP LOCKED lets a concurrent worker take the
     * next ones instead of waiting.
     */
    public List<Claimed> claim(int n) {
        return tx.execute(status -> jdbc.query("""
                WITH due AS (
                    SELECT asin, marketplace FROM products
                    WHERE marketplace = ? AND status <> 'inaccessible' AND next_check_at <= now()
                    ORDER BY priority DESC, next_check_at
                    LIMIT ? FOR UPDATE SKIP LOCKED),
                claimed AS (
                    UPDATE products p SET next_check_at = now() + ?::interval
                    FROM due WHERE p.asin = due.asin AND p.marketplace = due.marketplace
                    RETURNING p.*)
                SELECT p.asin, p.current_price, p.availability, p.status, EXTRACT(EPOCH FROM p.check_interval)::bigint,
                       p.category_id, c.slug, c.min_discount_pct, c.channel_chat_id, p.title, p.url, p.image_url
                FROM claimed p LEFT JOIN categories c ON c.id = p.category_id
                ORDER BY p.priority DESC, p.asin""",
                (rs, i) -> new Claimed(rs.getString(1), rs.getBigDecimal(2), rs.getString(3), rs.getString(4),
                        Duration.ofSeconds(rs.getLong(5)), (Long) rs.getObject(6), rs.getString(7), rs.getBigDecimal(8),
                        rs.getString(9), rs.getString(10), rs.getString(11), rs.getString(12)),
                amazon.marketplace(), n, LEASE.toSeconds() + " seconds"));
    }

    /** getItems for one claimed batch and its one transaction. @return products checked */
    int check(List<Claimed> batch) {
        List<String> asins = batch.stream().map(Claimed::asin).toList();
        ItemsResponse answer = client.getItems(asins);
        Map<String, AmazonItem> byAsin = new HashMap<>();
        answer.items().forEach(item -> byAsin.put(item.asin().toUpperCase(), item));
        Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
        tx.executeWithoutResult(status -> write(batch, byAsin, answer, now));
        checks.increment(batch.size());
        return batch.size();
    }

    private void write(List<Claimed> batch, Map<String, AmazonItem> byAsin, ItemsResponse answer, Instant now) {
        String market = amazon.marketplace();
        Object[] asinArray = batch.stream().map(Claimed::asin).toArray();
        Instant from = now.minus(dealSettings.referenceWindow()).minus(Duration.ofDays(1));
        Map<String, List<DealRules.Observation>> history = new HashMap<>();
        jdbc.query("""
                SELECT asin, observed_at, price, availability FROM price_history
                WHERE marketplace = ? AND asin = ANY(?) AND observed_at > ? ORDER BY observed_at""", rs -> {
            history.computeIfAbsent(rs.getString(1), a -> new ArrayList<>()).add(new DealRules.Observation(
                    rs.getTimestamp(2).toInstant(), rs.getBigDecimal(3), available(rs.getBigDecimal(3), rs.getString(4))));
        }, market, array(asinArray), Timestamp.from(from));
        Map<String, DealRules.ActiveDeal> active = new HashMap<>();
        Map<String, Instant> lastEnded = new HashMap<>();
        jdbc.query("""
                SELECT asin, id, reference_price, price, status, ended_at FROM deals
                WHERE marketplace = ? AND asin = ANY(?) AND (status = 'active' OR ended_at > ?)""", rs -> {
            if ("active".equals(rs.getString(5))) {
                active.put(rs.getString(1), new DealRules.ActiveDeal(rs.getLong(2), rs.getBigDecimal(3), rs.getBigDecimal(4)));
            } else {
                Instant ended = rs.getTimestamp(6).toInstant();
                lastEnded.merge(rs.getString(1), ended, (a, b) -> a.isAfter(b) ? a : b);
            }
        }, market, array(asinArray), Timestamp.from(now.minus(dealSettings.repostCooldown())));
        Map<String, List<Map<String, Object>>> watches = new HashMap<>();
        for (Map<String, Object> w : jdbc.queryForList("""
                SELECT id, chat_id, asin, target_price, notify_back_in_stock FROM watches
                WHERE active AND marketplace = ? AND asin = ANY(?)""", market, array(asinArray))) {
            watches.computeIfAbsent((String) w.get("asin"), a -> new ArrayList<>()).add(w);
        }

        List<Object[]> productRows = new ArrayList<>();
        List<Object[]> historyRows = new ArrayList<>();
        List<String> changedAsins = new ArrayList<>();
        for (Claimed product : batch) {
            AmazonItem item = byAsin.get(product.asin().toUpperCase());
            ItemsResponse.ItemError error = answer.errors().get(product.asin());
            BigDecimal price = item != null && item.offer() != null ? item.offer().price() : null;
            String availability = item == null ? (error != null ? "INACCESSIBLE" : "MISSING")
                    : item.offer() == null ? "NO_OFFER" : item.offer().availability();
            boolean available = available(price, availability);
            String status = error != null && INACCESSIBLE.contains(error.code()) ? "inaccessible"
                    : available ? "active" : "unavailable";
            BigDecimal savingBasis = item != null && item.offer() != null ? item.offer().savingBasis() : null;
            String currency = item != null && item.offer() != null && item.offer().currency() != null
                    ? item.offer().currency() : null;

            boolean changed = !Objects.equals(norm(price), norm(product.price())) || !Objects.equals(availability, product.availability());
            if (changed) {
                historyRows.add(new Object[]{product.asin(), market, Timestamp.from(now), price, savingBasis, currency, availability});
                changedAsins.add(product.asin());
            }
            BigDecimal minPct = product.categoryMinPct() != null ? product.categoryMinPct() : dealSettings.minDiscountPercent();
            DealRules.Decision decision = rules.decide(new DealRules.Check(price, available, savingBasis,
                    history.getOrDefault(product.asin(), List.of()), active.get(product.asin()),
                    lastEnded.get(product.asin()), minPct, now));
            boolean nearDeal = false;
            if (decision instanceof DealRules.Start start) {
                startDeal(product, item, price, currency, start, now);
                changedAsins.add(product.asin());
            } else if (decision instanceof DealRules.End end) {
                endDeal(product, end, price, currency, now);
                changedAsins.add(product.asin());
            } else if (decision instanceof DealRules.Keep) {
                nearDeal = true;
            } else if (available) {
                BigDecimal reference = rules.reference(new DealRules.Check(price, true, savingBasis,
                        history.getOrDefault(product.asin(), List.of()), null, null, minPct, now));
                // Within half the minimum discount of a deal: worth looking again soon.
                nearDeal = reference != null && price.compareTo(reference.multiply(BigDecimal.ONE.subtract(
                        minPct.divide(BigDecimal.valueOf(200), 6, RoundingMode.HALF_UP)))) <= 0;
            }
            for (Map<String, Object> watch : watches.getOrDefault(product.asin(), List.of())) {
                String kind = WatchRules.hit((BigDecimal) watch.get("target_price"), (Boolean) watch.get("notify_back_in_stock"),
                        product.price(), product.availability() == null ? null : available(product.price(), product.availability()),
                        price, available);
                if (kind != null) {
                    watchHit(watch, product, item, price, currency, kind, now);
                }
            }
            Duration interval = nextInterval(product.interval(), changed || nearDeal || decision instanceof DealRules.Start);
            productRows.add(new Object[]{
                    item != null && item.title() != null ? item.title() : product.title(),
                    item != null && item.url() != null ? item.url() : product.url(),
                    item != null && item.imageUrl() != null ? item.imageUrl() : product.imageUrl(),
                    status, status.equals("inaccessible") ? product.price() : price, currency, savingBasis,
                    item != null && item.offer() != null ? item.offer().savingBasisType() : null, availability,
                    error == null ? null : Secrets.redact(error.code() + ": " + error.message()),
                    Timestamp.from(now), interval(interval), Timestamp.from(now.plus(interval)), product.asin(), market});
        }
        jdbc.batchUpdate("""
                UPDATE products SET title = ?, url = ?, image_url = ?, status = ?, current_price = ?, currency = coalesce(?, currency),
                    list_price = ?, saving_basis_type = ?, availability = ?, last_error = ?, last_checked_at = ?,
                    check_interval = ?, next_check_at = ?, updated_at = now()
                WHERE asin = ? AND marketplace = ?""", productRows);
        if (!historyRows.isEmpty()) {
            jdbc.batchUpdate("""
                    INSERT INTO price_history (asin, marketplace, observed_at, price, list_price, currency, availability)
                    VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING""", historyRows);
        }
        if (!changedAsins.isEmpty()) {
            datasetChanged(changedAsins.stream().distinct().toList(), now);
        }
    }

    private void startDeal(Claimed product, AmazonItem item, BigDecimal price, String currency, DealRules.Start start, Instant now) {
        Long id = jdbc.queryForObject("""
                INSERT INTO deals (asin, marketplace, price, reference_price, discount_pct, currency, started_at)
                VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id""", Long.class, product.asin(), amazon.marketplace(), price,
                start.referencePrice(), start.discountPct(), currency, Timestamp.from(now));
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("dealId", id);
        event.put("asin", product.asin());
        event.put("marketplace", amazon.marketplace());
        putProductFields(event, product, item);
        event.put("price", money(price));
        event.put("referencePrice", money(start.referencePrice()));
        event.put("discountPct", start.discountPct().toPlainString());
        event.put("currency", currency);
        event.put("categoryId", product.categoryId());
        event.put("categorySlug", product.categorySlug());
        event.put("channelChatId", product.channelChatId());
        event.put("observedAt", now.toString());
        event.put("timeZone", timeZone());
        outbox.publish("deal.created", event);
    }

    /** Title, URL and image as Amazon just answered them, else as we stored them. */
    private static void putProductFields(Map<String, Object> event, Claimed product, AmazonItem item) {
        event.put("title", item != null && item.title() != null ? item.title() : product.title());
        event.put("url", item != null && item.url() != null ? item.url() : product.url());
        event.put("imageUrl", item != null && item.imageUrl() != null ? item.imageUrl() : product.imageUrl());
    }

    private void endDeal(Claimed product, DealRules.End end, BigDecimal price, String currency, Instant now) {
        jdbc.update("UPDATE deals SET status = 'expired', ended_at = ?, end_reason = ? WHERE id = ?",
                Timestamp.from(now), end.reason(), end.dealId());
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("dealId", end.dealId());
        event.put("asin", product.asin());
        event.put("marketplace", amazon.marketplace());
        event.put("reason", end.reason());
        event.put("price", price == null ? null : money(price));
        event.put("currency", currency);
        event.put("endedAt", now.toString());
        outbox.publish("deal.expired", event);
    }

    private void watchHit(Map<String, Object> watch, Claimed product, AmazonItem item, BigDecimal price, String currency,
                          String kind, Instant now) {
        jdbc.update("UPDATE watches SET last_hit_at = ? WHERE id = ?", Timestamp.from(now), watch.get("id"));
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("watchId", watch.get("id"));
        event.put("chatId", watch.get("chat_id"));
        event.put("asin", product.asin());
        event.put("marketplace", amazon.marketplace());
        putProductFields(event, product, item);
        event.put("price", money(price));
        event.put("currency", currency);
        BigDecimal target = (BigDecimal) watch.get("target_price");
        event.put("targetPrice", target == null ? null : money(target));
        event.put("kind", kind);
        event.put("observedAt", now.toString());
        outbox.publish("watch.hit", event);
    }

    private void datasetChanged(List<String> asins, Instant now) {
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
        outbox.publish("dataset.changed", event);
    }

    /** 403 AssociateNotEligible: retrying burns quota for nothing, so pause the jobs and tell the admin once. */
    private void notEligible(List<Claimed> batch, CreatorsApiException e) {
        release(batch, Duration.ZERO);
        tx.executeWithoutResult(status -> {
            jobState.setPaused(PRICE_JOBS, true, "amazon-403");
            outbox.publish("admin.alert", Map.of("kind", "price-job-paused", "key", "amazon-403",
                    "text", "Amazon refused the Creators API credential for " + amazon.marketplace()
                            + " (403 AssociateNotEligible: the associate account needs 10 qualified sales in the trailing 30 days). "
                            + "The jobs " + String.join(" and ", PRICE_JOBS) + " are paused; resume them once Amazon restores access."));
        });
        log.warn("Price jobs paused: {}", e.getMessage());
    }

    /** Gives claimed products back so the next run (after {@code after}) takes them again. */
    private void release(List<Claimed> batch, Duration after) {
        jdbc.update("UPDATE products SET next_check_at = now() + ?::interval WHERE marketplace = ? AND asin = ANY(?)",
                after.toSeconds() + " seconds", amazon.marketplace(), array(batch.stream().map(Claimed::asin).toArray()));
    }

    Duration nextInterval(Duration current, boolean busy) {
        Duration min = amazon.checks().minInterval();
        Duration max = amazon.checks().maxInterval();
        if (busy) {
            return min;
        }
        Duration doubled = current.multipliedBy(2);
        return doubled.compareTo(max) > 0 ? max : doubled.compareTo(min) < 0 ? min : doubled;
    }

    private void refreshActiveDeals() {
        Long count = jdbc.queryForObject("SELECT count(*) FROM deals WHERE status = 'active' AND marketplace = ?",
                Long.class, amazon.marketplace());
        activeDeals.set(count == null ? 0 : count);
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

    private static boolean available(BigDecimal price, String availability) {
        return price != null && (availability == null || !NOT_AVAILABLE.contains(availability));
    }

    /** Event contract: decimals as strings with two places, e.g. "899.90". */
    private static String money(BigDecimal value) {
        return value.setScale(2, RoundingMode.HALF_UP).toPlainString();
    }

    private static BigDecimal norm(BigDecimal value) {
        return value == null ? null : value.setScale(2, RoundingMode.HALF_UP);
    }

    private static PGInterval interval(Duration d) {
        try {
            return new PGInterval(d.toSeconds() + " seconds");
        } catch (java.sql.SQLException e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static String[] array(Object[] values) {
        return java.util.Arrays.copyOf(values, values.length, String[].class);
    }
}
