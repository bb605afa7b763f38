package io.caravan.amazon;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import org.apache.camel.Exchange;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The price checks' claim and release: which products are due, held away from other workers by a lease, and given
 * back when a call failed or was never sent.
 */
public class PriceClaims {

    private final AmazonProperties amazon;
    private final JdbcTemplate jdbc;
    private final TransactionTemplate tx;
    private final int claimSize;

    public PriceClaims(AmazonProperties amazon, JdbcTemplate jdbc, TransactionTemplate tx) {
        this.amazon = amazon;
        this.jdbc = jdbc;
        this.tx = tx;
        this.claimSize = claimSize(amazon);
    }

    /** A claimed product with what the checks compare against. */
    public record Claimed(String asin, BigDecimal price, String availability, String status, Duration interval, Long categoryId,
                          String categorySlug, BigDecimal categoryMinPct, String channelChatId, String title, String url,
                          String imageUrl, CheckBelief belief) implements CreatorsEndpoint.Asin {

        /** Title, URL and image as Amazon just answered them ({@code item} may be null or lack them), else as stored. */
        public String titleNow(AmazonItem item) {
            return item != null && item.title() != null ? item.title() : title;
        }

        public String urlNow(AmazonItem item) {
            return item != null && item.url() != null ? item.url() : url;
        }

        public String imageUrlNow(AmazonItem item) {
            return item != null && item.imageUrl() != null ? item.imageUrl() : imageUrl;
        }
    }

    /**
     * The products claimed at once. A chunk is written only when all its calls are back, and at the configured rate
     * they take {@code claim-size / batch-size / requests-per-second} seconds; kept under half the lease (room for a
     * 429's halved rate) so no other worker re-claims products whose answers are still on the way. At 1 request/s
     * the default 500 fits (50 s); at 0.05/s it drops to 150.
     */
    static int claimSize(AmazonProperties amazon) {
        int batch = amazon.checks().batchSize();
        long callsInHalfLease = Math.max(1, (long) Math.floor(amazon.requestsPerSecond() * amazon.checks().lease().toSeconds() / 2.0));
        return (int) Math.max(1, Math.min(amazon.checks().claimSize(), callsInHalfLease * batch));
    }

    /**
     * Route step: the next chunk of the run (at most what its request budget still allows), as the body; announces
     * its number of getItems calls to {@code creators:} (one quota reservation for the chunk) and ends the run's
     * loop when nothing is due.
     */
    public void claimNext(Exchange exchange) {
        PriceRun.State run = PriceRun.state(exchange);
        int n = (int) Math.min(claimSize, (long) run.requestsLeft() * amazon.checks().batchSize());
        List<Claimed> chunk = n <= 0 ? List.of() : claim(n);
        if (chunk.isEmpty()) {
            run.stop();
        }
        exchange.setProperty(CreatorsEndpoint.RESERVE, (chunk.size() + amazon.checks().batchSize() - 1) / amazon.checks().batchSize());
        exchange.setProperty(PriceCalls.CHUNK, new PriceCalls.Chunk());
        exchange.getMessage().setBody(chunk);
    }

    /**
     * Claims up to {@code n} due products, the planner's tier first (running deals, then tracked products and channel
     * categories), then higher priority, most overdue first, in a short transaction of its own: pushing
     * {@code next_check_at} forward by the lease is the claim, and SKIP LOCKED lets a concurrent worker (or another
     * instance) take the next ones instead of waiting.
     */
    public List<Claimed> claim(int n) {
        return tx.execute(status -> jdbc.query("""
                WITH due AS (
                    SELECT asin, marketplace FROM products
                    WHERE marketplace = ? AND status <> 'inaccessible' AND next_check_at <= now()
                    ORDER BY plan_tier DESC, priority DESC, next_check_at
                    LIMIT ? FOR UPDATE SKIP LOCKED),
                claimed AS (
                    UPDATE products p SET next_check_at = now() + ?::interval
                    FROM due WHERE p.asin = due.asin AND p.marketplace = due.marketplace
                        AND p.asin = ANY(ARRAY(SELECT asin FROM due)) -- through the primary key, see PriceWrite.PRODUCTS_UPDATE
                    RETURNING p.*)
                SELECT p.asin, p.current_price, p.availability, p.status, EXTRACT(EPOCH FROM p.check_interval)::bigint,
                       p.category_id, c.slug, c.min_discount_pct, c.channel_chat_id, p.title, p.url, p.image_url,
                       p.plan_deals, p.plan_exposure, p.plan_deal_seconds, p.plan_deals_ended,
                       coalesce(EXTRACT(EPOCH FROM p.last_checked_at)::bigint, -1),
                       coalesce(EXTRACT(EPOCH FROM p.plan_deal_since)::bigint, -1), p.plan_last_price, p.plan_moves,
                       coalesce(EXTRACT(EPOCH FROM p.plan_deal_end)::bigint, -1), p.plan_lightning_deals
                FROM claimed p LEFT JOIN categories c ON c.id = p.category_id
                ORDER BY p.plan_tier DESC, p.priority DESC, p.asin""",
                (rs, i) -> new Claimed(rs.getString(1), rs.getBigDecimal(2), rs.getString(3), rs.getString(4),
                        Duration.ofSeconds(rs.getLong(5)), (Long) rs.getObject(6), rs.getString(7), rs.getBigDecimal(8),
                        rs.getString(9), rs.getString(10), rs.getString(11), rs.getString(12),
                        new CheckBelief(rs.getDouble(13), rs.getDouble(14), rs.getDouble(15), rs.getDouble(16), rs.getLong(17),
                                rs.getLong(18), rs.getBigDecimal(19) == null ? Double.NaN : rs.getBigDecimal(19).doubleValue(),
                                rs.getDouble(20), rs.getLong(21), rs.getDouble(22))),
                amazon.marketplace(), n, amazon.checks().lease().toMillis() + " milliseconds"));
    }

    /** Gives claimed products back so the next run (after {@code after}) takes them again. */
    void release(List<Claimed> products, Duration after) {
        if (products.isEmpty()) {
            return;
        }
        jdbc.update("UPDATE products SET next_check_at = now() + ?::interval WHERE marketplace = ? AND asin = ANY(?)",
                after.toSeconds() + " seconds", amazon.marketplace(), products.stream().map(Claimed::asin).toArray(String[]::new));
    }
}
