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
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The {@code amazon-prices} job: claim a chunk of the most due products in one statement, ask Amazon for their
 * prices ten at a time with several calls in flight, and write the whole chunk — products, price history on change,
 * deals, watch hits, outbox events — in one transaction with set-based SQL.
 *
 * <p>"One transaction per batch" (issue 4) holds with the chunk as the batch: a chunk's results are committed together
 * or not at all, with their events. A chunk is {@code caravan.amazon.checks.claim-size} products (500 by default, i.e.
 * 50 getItems calls); writing it costs about ten round trips to PostgreSQL instead of about eight per call.
 */
public class PriceChecks implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(PriceChecks.class);
    /** How long a claim holds a product away from other workers if this one dies mid-chunk. */
    static final Duration LEASE = Duration.ofMinutes(10);
    static final List<String> PRICE_JOBS = List.of("amazon-prices", "amazon-discovery");
    private static final Set<String> NOT_AVAILABLE = Set.of("OUT_OF_STOCK", "UNAVAILABLE");
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
                next_check_at = ?::timestamptz + make_interval(secs => v.secs), updated_at = now()
            FROM unnest(?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::numeric[], ?::text[], ?::numeric[],
                        ?::text[], ?::text[], ?::text[], ?::bigint[])
                AS v(asin, title, url, image_url, status, price, currency, list_price, saving_basis_type, availability,
                     last_error, secs)
            WHERE p.asin = v.asin AND p.marketplace = ? AND p.asin = ANY(?::text[])""";

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
    private final int claimSize;
    /** Shared by every run in this instance, so concurrent runs together keep at most {@code concurrency} calls in flight. */
    private final ExecutorService calls;

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
        this.claimSize = claimSize(amazon);
        AtomicInteger threadNumber = new AtomicInteger();
        this.calls = Executors.newFixedThreadPool(amazon.checks().concurrency(), task -> {
            Thread thread = new Thread(task, "amazon-getitems-" + threadNumber.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
    }

    /**
     * The products claimed at once. A chunk is written only when all its calls are back, and at the configured rate
     * they take {@code claim-size / batch-size / requests-per-second} seconds; kept under half the lease (room for a
     * 429's halved rate) so no other worker re-claims products whose answers are still on the way. At 1 request/s
     * the default 500 fits (50 s); at 0.05/s it drops to 150.
     */
    static int claimSize(AmazonProperties amazon) {
        int batch = amazon.checks().batchSize();
        long callsInHalfLease = Math.max(1, (long) Math.floor(amazon.requestsPerSecond() * LEASE.toSeconds() / 2.0));
        return (int) Math.max(1, Math.min(amazon.checks().claimSize(), callsInHalfLease * batch));
    }

    /** A claimed product with what the checks compare against. */
    record Claimed(String asin, BigDecimal price, String availability, String status, Duration interval, Long categoryId,
                   String categorySlug, BigDecimal categoryMinPct, String channelChatId, String title, String url,
                   String imageUrl) {
    }

    /** What came of one chunk: products written, getItems calls it was split into, and whether the run must stop. */
    record ChunkResult(int checked, int requests, boolean stop) {
    }

    /** One getItems call of a chunk: its answer, or its error, or neither when it was never sent. */
    private record Call(List<Claimed> batch, ItemsResponse answer, RuntimeException error, boolean sent) {
        static Call skipped(List<Claimed> batch) {
            return new Call(batch, null, null, false);
        }
    }

    /** One job run: chunks until nothing is due, the per-run budget is spent or Amazon says stop. @return products checked */
    public int run() {
        int checked = 0;
        int requestsLeft = amazon.checks().maxRequestsPerRun();
        while (requestsLeft > 0) {
            List<Claimed> chunk = claim((int) Math.min(claimSize, (long) requestsLeft * amazon.checks().batchSize()));
            if (chunk.isEmpty()) {
                break;
            }
            ChunkResult result = check(chunk);
            checked += result.checked();
            requestsLeft -= result.requests();
            if (result.stop()) {
                break;
            }
        }
        refreshActiveDeals();
        return checked;
    }

    /**
     * Claims up to {@code n} due products, higher priority first, in a short transaction of its own: pushing
     * {@code next_check_at} forward by the lease is the claim, and SKIP LOCKED lets a concurrent worker (or another
     * instance) take the next ones instead of waiting.
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
                        AND p.asin = ANY(ARRAY(SELECT asin FROM due)) -- through the primary key, see PRODUCTS_UPDATE
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

    /**
     * getItems for a claimed chunk, {@code batch-size} ASINs per call, then one transaction for every answer. The
     * chunk's calls are counted against the daily budget in one reservation; calls never sent are given back.
     * Answers that arrived are written even when another call of the chunk failed; the failed and unsent products
     * are released as the single-call job did (a 429 after its retry-after, a 403 at once with the jobs paused,
     * another error after the shortest interval, and that error is rethrown so the job run records it).
     */
    ChunkResult check(List<Claimed> chunk) {
        int batchSize = amazon.checks().batchSize();
        List<List<Claimed>> batches = new ArrayList<>();
        for (int i = 0; i < chunk.size(); i += batchSize) {
            batches.add(chunk.subList(i, Math.min(chunk.size(), i + batchSize)));
        }
        Quota quota = client.quota();
        Quota.Block block = quota.reserve(batches.size());
        int granted = Math.min(block.granted(), batches.size());
        Call[] done = send(batches.subList(0, granted));
        List<Claimed> unsent = new ArrayList<>();
        batches.subList(granted, batches.size()).forEach(unsent::addAll);
        boolean budgetSpent = granted < batches.size();
        if (budgetSpent) {
            log.warn("Price checks stop: the Creators API budget of {} requests for today (UTC) is spent "
                    + "(caravan.amazon.requests-per-day); checks resume tomorrow", amazon.requestsPerDay());
        }

        List<Call> answered = new ArrayList<>();
        List<Call> failed = new ArrayList<>();
        int sent = 0;
        for (Call call : done) {
            sent += call.sent() ? 1 : 0;
            if (call.answer() != null) {
                answered.add(call);
            } else if (call.error() != null) {
                failed.add(call);
            } else {
                unsent.addAll(call.batch());
            }
        }
        quota.giveBack(block, granted - sent);

        int checked = 0;
        if (!answered.isEmpty()) {
            Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
            tx.executeWithoutResult(status -> write(answered, now));
            checked = answered.stream().mapToInt(c -> c.batch().size()).sum();
            checks.increment(checked);
        }
        release(unsent, Duration.ZERO);
        RuntimeException rethrow = handleFailures(failed);
        if (rethrow != null) {
            throw rethrow;
        }
        return new ChunkResult(checked, batches.size(), budgetSpent || !failed.isEmpty() || !unsent.isEmpty());
    }

    /**
     * Sends the calls, at most {@code concurrency} at once. The first goes alone: a 403 or 429 then costs one request
     * rather than one per thread, and the token is fetched once before calls fan out. After any error the calls not
     * yet started are skipped, as the single-call job stopped at its first error.
     */
    private Call[] send(List<List<Claimed>> batches) {
        Call[] done = new Call[batches.size()];
        if (batches.isEmpty()) {
            return done;
        }
        AtomicBoolean stop = new AtomicBoolean();
        done[0] = call(batches.get(0), stop);
        List<Future<Call>> pending = new ArrayList<>();
        for (int i = 1; i < batches.size(); i++) {
            List<Claimed> batch = batches.get(i);
            pending.add(calls.submit(() -> stop.get() ? Call.skipped(batch) : call(batch, stop)));
        }
        boolean interrupted = false;
        for (int i = 0; i < pending.size(); i++) {
            try {
                done[i + 1] = pending.get(i).get();
            } catch (InterruptedException e) {
                // Shutting down: stop sending, wait for the calls already out so their answers are not lost.
                interrupted = true;
                stop.set(true);
                i--;
            } catch (ExecutionException e) {
                stop.set(true);
                done[i + 1] = new Call(batches.get(i + 1), null,
                        e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause()), true);
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        return done;
    }

    private Call call(List<Claimed> batch, AtomicBoolean stop) {
        try {
            return new Call(batch, client.getItems(batch.stream().map(Claimed::asin).toList(), true), null, true);
        } catch (QuotaExhaustedException e) {
            // Raised while waiting for the per-second slot: the call never went out.
            stop.set(true);
            return new Call(batch, null, e, false);
        } catch (RuntimeException e) {
            stop.set(true);
            return new Call(batch, null, e, true);
        }
    }

    /** Releases failed calls' products as the single-call job did. @return an error the run must rethrow, if any */
    private RuntimeException handleFailures(List<Call> failed) {
        RuntimeException rethrow = null;
        CreatorsApiException notEligible = null;
        for (Call call : failed) {
            RuntimeException error = call.error();
            if (error instanceof CreatorsApiException e && e.notEligible()) {
                release(call.batch(), Duration.ZERO);
                notEligible = notEligible == null ? e : notEligible;
            } else if (error instanceof CreatorsApiException e && e.throttled()) {
                release(call.batch(), e.retryAfterSeconds() != null ? Duration.ofSeconds(e.retryAfterSeconds())
                        : amazon.checks().minInterval());
                log.warn("Creators API throttled the price checks; they resume after {} s", e.retryAfterSeconds());
            } else if (error instanceof QuotaExhaustedException e) {
                release(call.batch(), Duration.ZERO);
                log.warn("Price checks stop: {}", e.getMessage());
            } else {
                release(call.batch(), amazon.checks().minInterval());
                rethrow = rethrow == null ? error : rethrow;
            }
        }
        if (notEligible != null) {
            notEligible(notEligible);
            return null;
        }
        return rethrow;
    }

    /** What one product's check decided, kept until the chunk's deals have ids for their events. */
    private record Checked(Claimed product, AmazonItem item, BigDecimal price, String currency,
                           DealRules.Decision decision, List<Map<String, Object>> watchHits, boolean changed) {
    }

    /**
     * The chunk's one transaction: three reads for every product's inputs (history in the reference window, deals
     * active or in cooldown, active watches), the rules in Java, then one statement each for products, history,
     * ended deals, started deals, watch hits and outbox events.
     */
    private void write(List<Call> answered, Instant now) {
        String market = amazon.marketplace();
        String[] asins = answered.stream().flatMap(c -> c.batch().stream()).map(Claimed::asin).toArray(String[]::new);
        Instant from = now.minus(dealSettings.referenceWindow()).minus(Duration.ofDays(1));
        Map<String, List<DealRules.Observation>> history = new HashMap<>();
        jdbc.query("""
                SELECT asin, observed_at, price, availability FROM price_history
                WHERE marketplace = ? AND asin = ANY(?) AND observed_at > ? ORDER BY observed_at""", rs -> {
            history.computeIfAbsent(rs.getString(1), a -> new ArrayList<>()).add(new DealRules.Observation(
                    rs.getTimestamp(2).toInstant(), rs.getBigDecimal(3), available(rs.getBigDecimal(3), rs.getString(4))));
        }, market, asins, Timestamp.from(from));
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
        }, market, asins, Timestamp.from(now.minus(dealSettings.repostCooldown())));
        Map<String, List<Map<String, Object>>> watches = new HashMap<>();
        for (Map<String, Object> w : jdbc.queryForList("""
                SELECT id, chat_id, asin, target_price, notify_back_in_stock FROM watches
                WHERE active AND marketplace = ? AND asin = ANY(?)""", market, asins)) {
            watches.computeIfAbsent((String) w.get("asin"), a -> new ArrayList<>()).add(w);
        }

        Columns products = new Columns(12);
        Columns historyRows = new Columns(5);
        Columns ended = new Columns(2);
        Columns started = new Columns(5);
        List<Object> hitWatchIds = new ArrayList<>();
        List<List<Checked>> perCall = new ArrayList<>();
        for (Call call : answered) {
            Map<String, AmazonItem> byAsin = new HashMap<>();
            call.answer().items().forEach(item -> byAsin.put(item.asin().toUpperCase(), item));
            List<Checked> results = new ArrayList<>();
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
                Duration interval = nextInterval(product.interval(), changed || nearDeal || decision instanceof DealRules.Start);
                products.add(product.asin(),
                        item != null && item.title() != null ? item.title() : product.title(),
                        item != null && item.url() != null ? item.url() : product.url(),
                        item != null && item.imageUrl() != null ? item.imageUrl() : product.imageUrl(),
                        status, status.equals("inaccessible") ? product.price() : price, currency, savingBasis,
                        item != null && item.offer() != null ? item.offer().savingBasisType() : null, availability,
                        error == null ? null : Secrets.redact(error.code() + ": " + error.message()),
                        interval.toSeconds());
                results.add(new Checked(product, item, price, currency, decision, hits, changed));
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

        // Events in the order the single-call job wrote them: per call, each product's deal and watch events, then
        // the call's dataset.changed (one per getItems call, so consumers see the same invalidation sizes).
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
        outbox.publishAll(events);
    }

    /**
     * Column-wise rows for {@code unnest(?::text[], ...)}: one text array per column (the driver binds String[] as
     * text[]; SQL casts each to its type), so a whole chunk is one statement and one round trip.
     */
    static final class Columns {
        private final List<List<String>> columns = new ArrayList<>();

        Columns(int width) {
            for (int i = 0; i < width; i++) {
                columns.add(new ArrayList<>());
            }
        }

        void add(Object... row) {
            if (row.length != columns.size()) {
                throw new IllegalArgumentException("expected " + columns.size() + " columns, got " + row.length);
            }
            for (int i = 0; i < row.length; i++) {
                columns.get(i).add(row[i] == null ? null : row[i] instanceof BigDecimal d ? d.toPlainString() : row[i].toString());
            }
        }

        int size() {
            return columns.get(0).size();
        }

        /** {@code before}, then one String[] per column, then {@code after}. */
        Object[] arguments(Object[] before, Object... after) {
            List<Object> arguments = new ArrayList<>(List.of(before));
            columns.forEach(column -> arguments.add(column.toArray(String[]::new)));
            arguments.addAll(List.of(after));
            return arguments.toArray();
        }
    }

    private Outbox.Event dealCreated(Long id, Checked c, DealRules.Start start, Instant now) {
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("dealId", id);
        event.put("asin", c.product().asin());
        event.put("marketplace", amazon.marketplace());
        putProductFields(event, c.product(), c.item());
        event.put("price", money(c.price()));
        event.put("referencePrice", money(start.referencePrice()));
        event.put("discountPct", start.discountPct().toPlainString());
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
        event.put("title", item != null && item.title() != null ? item.title() : product.title());
        event.put("url", item != null && item.url() != null ? item.url() : product.url());
        event.put("imageUrl", item != null && item.imageUrl() != null ? item.imageUrl() : product.imageUrl());
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

    /** 403 AssociateNotEligible: retrying burns quota for nothing, so pause the jobs and tell the admin once. */
    private void notEligible(CreatorsApiException e) {
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
    private void release(List<Claimed> products, Duration after) {
        if (products.isEmpty()) {
            return;
        }
        jdbc.update("UPDATE products SET next_check_at = now() + ?::interval WHERE marketplace = ? AND asin = ANY(?)",
                after.toSeconds() + " seconds", amazon.marketplace(), products.stream().map(Claimed::asin).toArray(String[]::new));
    }

    /** Stops the call threads; calls in flight finish or time out on their own. */
    @Override
    public void close() {
        calls.shutdown();
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
}
