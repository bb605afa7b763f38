package io.caravan.amazon;

import io.caravan.amazon.CheckPlanner.Plan;
import io.caravan.amazon.PriceCalls.Call;
import io.caravan.amazon.PriceClaims.Claimed;
import io.caravan.core.Secrets;
import io.caravan.deals.DealRules;
import io.caravan.deals.DealsProperties;
import io.caravan.deals.WatchRules;
import io.caravan.outbox.Outbox;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.apache.camel.Exchange;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The chunk's one transaction: every answered call's products, price history on change, deals started and ended by
 * {@link DealRules}, watch hits by {@link WatchRules}, and their events (through {@link Outbox#publishAll}, one
 * statement for the chunk), with set-based SQL — about ten round trips to PostgreSQL for a chunk of 500 products
 * instead of about eight per call. Committed together or not at all.
 */
public class PriceWrite {

    static final Set<String> NOT_AVAILABLE = Set.of("OUT_OF_STOCK", "UNAVAILABLE");
    private static final Set<String> INACCESSIBLE = Set.of("ItemNotAccessible", "ItemNotFound", "InvalidParameterValue");

    /**
     * A chunk's products in one statement; the benchmark times it alone as the write's physical limit. The second
     * {@code asin = ANY} repeats the join's keys so PostgreSQL reads the chunk's rows through the primary key: from
     * the join alone it estimates hundreds of index probes as dearer than a hash join over the whole table, which at
     * 100,000 products cost several times the update itself.
     */
    static final String PRODUCTS_UPDATE = """
            UPDATE products p SET title = v.title, url = v.url, image_url = v.image_url, status = v.status,
                current_price = v.price, currency = coalesce(v.currency, p.currency), list_price = v.list_price,
                saving_basis_type = v.saving_basis_type, availability = v.availability, last_error = v.last_error,
                last_checked_at = ?::timestamptz, check_interval = make_interval(secs => v.secs),
                next_check_at = ?::timestamptz + make_interval(secs => v.secs), updated_at = now(),
                plan_deals = v.deals, plan_exposure = v.exposure, plan_deal_seconds = v.deal_seconds,
                plan_deals_ended = v.deals_ended, plan_moves = v.moves, plan_deal_since = v.deal_since,
                plan_last_price = v.last_price, plan_tier = v.tier, plan_deal_end = v.deal_end,
                plan_lightning_deals = v.lightning
            FROM unnest(?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::numeric[], ?::text[], ?::numeric[],
                        ?::text[], ?::text[], ?::text[], ?::bigint[], ?::float8[], ?::float8[], ?::float8[], ?::float8[],
                        ?::float8[], ?::timestamptz[], ?::numeric[], ?::smallint[], ?::timestamptz[], ?::float8[])
                AS v(asin, title, url, image_url, status, price, currency, list_price, saving_basis_type, availability,
                     last_error, secs, deals, exposure, deal_seconds, deals_ended, moves, deal_since, last_price, tier,
                     deal_end, lightning)
            WHERE p.asin = v.asin AND p.marketplace = ? AND p.asin = ANY(?::text[])""";

    private final AmazonProperties amazon;
    private final DealsProperties dealSettings;
    private final DealRules rules;
    private final PriceEvents events;
    private final JdbcTemplate jdbc;
    private final TransactionTemplate tx;
    private final Outbox outbox;
    private final Clock clock;
    private final Counter checks;
    private final PricePlan plan;

    public PriceWrite(AmazonProperties amazon, DealsProperties dealSettings, JdbcTemplate jdbc, TransactionTemplate tx,
                      Outbox outbox, MeterRegistry meters, Clock clock, PricePlan plan) {
        this.plan = plan;
        this.amazon = amazon;
        this.dealSettings = dealSettings;
        this.rules = new DealRules(dealSettings);
        this.events = new PriceEvents(amazon);
        this.jdbc = jdbc;
        this.tx = tx;
        this.outbox = outbox;
        this.clock = clock;
        this.checks = Counter.builder("caravan_amazon_checks_total").description("Products whose price was checked")
                .register(meters);
    }

    /**
     * Route step after the chunk's calls: body the gathered {@code List<Call>}; writes the answered ones in one
     * transaction and adds the products written to the run. The failed and unsent calls are left to
     * {@link PriceRun#settle}.
     */
    @SuppressWarnings("unchecked")
    public void write(Exchange exchange) {
        List<Call> calls = new ArrayList<>(exchange.getMessage().getBody(List.class));
        calls.sort(Comparator.comparingInt(Call::index));
        exchange.getMessage().setBody(calls);
        List<Call> answered = calls.stream().filter(c -> c.answer() != null).toList();
        if (answered.isEmpty()) {
            return;
        }
        Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
        tx.executeWithoutResult(status -> write(answered, now));
        int checked = answered.stream().mapToInt(c -> c.batch().size()).sum();
        checks.increment(checked);
        PriceRun.state(exchange).checked(checked);
    }

    /** Sequential and bitmap scans for the rest of this transaction: off for the lookups, then on again. */
    private void plannerForLookups(boolean on) {
        String value = on ? "on" : "off";
        jdbc.queryForList("SELECT set_config('enable_seqscan', ?, true), set_config('enable_bitmapscan', ?, true)", value, value);
    }

    private void write(List<Call> answered, Instant now) {
        String market = amazon.marketplace();
        String[] asins = answered.stream().flatMap(c -> c.batch().stream()).map(Claimed::asin).toArray(String[]::new);
        Instant from = now.minus(dealSettings.referenceWindow()).minus(Duration.ofDays(1));
        Map<String, List<DealRules.Observation>> history = new HashMap<>();
        // One index range per product (the primary key, asin first), not "asin = ANY(...)". The statistics alone do
        // not hold that plan: taken of a young table (analysed while small, or with autovacuum off) they make
        // PostgreSQL read all recent price_history for every chunk, or for every product, at a cost that grows with the
        // table (auto_explain in bench/price-pipeline at 100,000 rows: a flattened hash join, 25 → 240 ms a chunk; a
        // nested loop over a materialised scan with only hash joins off, 3 s; a sequential scan per product with
        // OFFSET 0, 1,674 items/s; the observed_at index per product, 25 s). So nothing else is left to choose: the
        // LATERAL is not flattened (OFFSET 0), the time bound is an expression no index serves (the observed_at index
        // is for the retention prune), and sequential and bitmap scans are off for the two lookups (set_config(...,
        // true): this transaction only, on again before the writes).
        plannerForLookups(false);
        jdbc.query("""
                SELECT h.asin, h.observed_at, h.price, h.availability FROM unnest(?::text[]) AS a(asin)
                CROSS JOIN LATERAL (SELECT p.asin, p.observed_at, p.price, p.availability FROM price_history p
                    WHERE p.asin = a.asin AND p.marketplace = ? AND p.observed_at + interval '0 s' > ? OFFSET 0) h
                ORDER BY h.asin, h.observed_at""", rs -> {
            history.computeIfAbsent(rs.getString(1), a -> new ArrayList<>()).add(new DealRules.Observation(
                    rs.getTimestamp(2).toInstant(), rs.getBigDecimal(3), available(rs.getBigDecimal(3), rs.getString(4))));
        }, asins, market, Timestamp.from(from));
        Map<String, DealRules.ActiveDeal> active = new HashMap<>();
        Map<String, Instant> lastEnded = new HashMap<>();
        jdbc.query("""
                SELECT d.asin, d.id, d.reference_price, d.price, d.status, d.ended_at FROM unnest(?::text[]) AS a(asin)
                CROSS JOIN LATERAL (SELECT * FROM deals x WHERE x.asin = a.asin AND x.marketplace = ?
                    AND (x.status = 'active' OR x.ended_at > ?) OFFSET 0) d""", rs -> {
            if ("active".equals(rs.getString(5))) {
                active.put(rs.getString(1), new DealRules.ActiveDeal(rs.getLong(2), rs.getBigDecimal(3), rs.getBigDecimal(4)));
            } else {
                Instant ended = rs.getTimestamp(6).toInstant();
                lastEnded.merge(rs.getString(1), ended, (a, b) -> a.isAfter(b) ? a : b);
            }
        }, asins, market, Timestamp.from(now.minus(dealSettings.repostCooldown())));
        plannerForLookups(true);
        Map<String, List<Map<String, Object>>> watches = new HashMap<>();
        for (Map<String, Object> w : jdbc.queryForList("""
                SELECT id, chat_id, asin, target_price, notify_back_in_stock FROM watches
                WHERE active AND marketplace = ? AND asin = ANY(?)""", market, asins)) {
            watches.computeIfAbsent((String) w.get("asin"), a -> new ArrayList<>()).add(w);
        }

        UnnestColumns products = new UnnestColumns(22);
        double mu = plan.mu();
        java.util.SplittableRandom random = plan.random();
        UnnestColumns historyRows = new UnnestColumns(5);
        UnnestColumns ended = new UnnestColumns(2);
        UnnestColumns started = new UnnestColumns(5);
        List<Object> hitWatchIds = new ArrayList<>();
        List<List<PriceEvents.Checked>> perCall = new ArrayList<>();
        for (Call call : answered) {
            Map<String, AmazonItem> byAsin = new HashMap<>();
            call.answer().items().forEach(item -> byAsin.put(item.asin().toUpperCase(), item));
            List<PriceEvents.Checked> results = new ArrayList<>();
            for (Claimed product : call.batch()) {
                AmazonItem item = byAsin.get(product.asin().toUpperCase());
                ItemsResponse.ItemError error = call.answer().errors().get(product.asin());
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
                    historyRows.add(product.asin(), price, savingBasis, currency, availability);
                }
                BigDecimal minPct = product.categoryMinPct() != null ? product.categoryMinPct() : dealSettings.minDiscountPercent();
                DealRules.Decision decision = rules.decide(new DealRules.Check(price, available, savingBasis,
                        history.getOrDefault(product.asin(), List.of()), active.get(product.asin()),
                        lastEnded.get(product.asin()), minPct, now));
                boolean nearDeal = false;
                if (decision instanceof DealRules.Start start) {
                    started.add(product.asin(), price, start.referencePrice(), start.discountPct(), currency);
                } else if (decision instanceof DealRules.End end) {
                    ended.add(end.dealId(), end.reason());
                } else if (decision instanceof DealRules.Keep) {
                    nearDeal = true;
                } else if (available) {
                    BigDecimal reference = rules.reference(new DealRules.Check(price, true, savingBasis,
                            history.getOrDefault(product.asin(), List.of()), null, null, minPct, now));
                    // Within half the minimum discount of a deal: worth looking again soon.
                    nearDeal = reference != null && price.compareTo(reference.multiply(BigDecimal.ONE.subtract(
                            minPct.divide(BigDecimal.valueOf(200), 6, RoundingMode.HALF_UP)))) <= 0;
                }
                List<Map<String, Object>> hits = new ArrayList<>();
                for (Map<String, Object> watch : watches.getOrDefault(product.asin(), List.of())) {
                    String kind = WatchRules.hit((BigDecimal) watch.get("target_price"), (Boolean) watch.get("notify_back_in_stock"),
                            product.price(), product.availability() == null ? null : available(product.price(), product.availability()),
                            price, available);
                    if (kind != null) {
                        Map<String, Object> hit = new HashMap<>(watch);
                        hit.put("kind", kind);
                        hits.add(hit);
                        hitWatchIds.add(watch.get("id"));
                    }
                }
                boolean guaranteed = product.channelChatId() != null || watches.containsKey(product.asin());
                Plan next = plan(product, now, available ? price : null, decision,
                        item != null ? item.offer() : null, guaranteed, mu, random);
                CheckBelief b = next.belief();
                products.add(product.asin(),
                        product.titleNow(item), product.urlNow(item), product.imageUrlNow(item),
                        status, status.equals("inaccessible") ? product.price() : price, currency, savingBasis,
                        item != null && item.offer() != null ? item.offer().savingBasisType() : null, availability,
                        error != null ? Secrets.redact(error.code() + ": " + error.message())
                                : item != null && item.offer() != null ? item.offer().problem() : null,
                        Math.max(1, next.nextCheck() - now.getEpochSecond()), b.deals(), b.exposure(), b.dealSeconds(),
                        b.dealsEnded(), b.moves(), b.inDeal() ? Instant.ofEpochSecond(b.dealSince()) : null,
                        Double.isNaN(b.lastPrice()) ? null : BigDecimal.valueOf(b.lastPrice()), next.tier(),
                        b.dealEnd() >= 0 ? Instant.ofEpochSecond(b.dealEnd()) : null, b.lightning());
                results.add(new PriceEvents.Checked(product, item, price, currency, decision, hits, changed));
            }
            perCall.add(results);
        }

        Timestamp at = Timestamp.from(now);
        jdbc.update(PRODUCTS_UPDATE, products.arguments(new Object[]{at, at}, market, asins));
        if (historyRows.size() > 0) {
            // ON CONFLICT: a product checked twice in one microsecond keeps its first observation, as before.
            jdbc.update("""
                    INSERT INTO price_history (asin, marketplace, observed_at, price, list_price, currency, availability)
                    SELECT v.asin, ?, ?::timestamptz, v.price, v.list_price, v.currency, v.availability
                    FROM unnest(?::text[], ?::numeric[], ?::numeric[], ?::text[], ?::text[])
                        AS v(asin, price, list_price, currency, availability)
                    ON CONFLICT DO NOTHING""", historyRows.arguments(new Object[]{market, at}));
        }
        if (ended.size() > 0) {
            jdbc.update("""
                    UPDATE deals d SET status = 'expired', ended_at = ?::timestamptz, end_reason = v.reason
                    FROM unnest(?::bigint[], ?::text[]) AS v(id, reason) WHERE d.id = v.id""",
                    ended.arguments(new Object[]{at}));
        }
        Map<String, Long> dealIds = new HashMap<>();
        if (started.size() > 0) {
            jdbc.query("""
                    INSERT INTO deals (asin, marketplace, price, reference_price, discount_pct, currency, started_at)
                    SELECT v.asin, ?, v.price, v.reference_price, v.discount_pct, v.currency, ?::timestamptz
                    FROM unnest(?::text[], ?::numeric[], ?::numeric[], ?::numeric[], ?::text[])
                        AS v(asin, price, reference_price, discount_pct, currency)
                    RETURNING asin, id""", rs -> {
                dealIds.put(rs.getString(1), rs.getLong(2));
            }, started.arguments(new Object[]{market, at}));
        }
        if (!hitWatchIds.isEmpty()) {
            jdbc.update("UPDATE watches SET last_hit_at = ?::timestamptz WHERE id = ANY(?::bigint[])", at,
                    hitWatchIds.stream().map(String::valueOf).toArray(String[]::new));
        }

        outbox.publishAll(events.of(perCall, dealIds, now));
    }

    /**
     * The {@link CheckPlanner}'s decision for a checked product: its belief after this check, when it is due and its
     * claim tier. Counts the request share by the product's class and category, and a new deal's detection delay.
     */
    private Plan plan(Claimed product, Instant now, BigDecimal price, DealRules.Decision decision, AmazonItem.Offer offer,
                      boolean guaranteed, double mu, java.util.SplittableRandom random) {
        CheckBelief before = product.belief();
        boolean inDeal = decision instanceof DealRules.Start || decision instanceof DealRules.Keep;
        CheckBelief.Timing timing = CheckBelief.Timing.of(inDeal ? offer : null, now);
        long start = timing.start();
        if (decision instanceof DealRules.Start && (start >= 0 || before.lastCheck() >= 0)) {
            // From Amazon's start when it gave one, else from the check before: the earliest the history allows.
            plan.detected(now.getEpochSecond() - (start >= 0 ? start : before.lastCheck()));
        }
        plan.spent(PricePlan.productClass(before, guaranteed), product.categorySlug() == null ? "none" : product.categorySlug());
        return plan.planner().plan(before, now.getEpochSecond(), price == null ? Double.NaN : price.doubleValue(), inDeal,
                timing, guaranteed, plan.prior(product.categoryId(), before.group()), mu, random);
    }

    static boolean available(BigDecimal price, String availability) {
        return price != null && (availability == null || !NOT_AVAILABLE.contains(availability));
    }

    private static BigDecimal norm(BigDecimal value) {
        return value == null ? null : value.setScale(2, RoundingMode.HALF_UP);
    }
}
