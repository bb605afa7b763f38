package io.caravan.amazon;

import io.caravan.ops.JobHeaders;
import java.time.Duration;
import org.apache.camel.Exchange;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * The amazon-history-prune route's step. Like every bean the amazon-*.yaml routes call, always present, so the
 * routes load even when the flow is off (no {@code caravan.amazon.client-id}); then {@code creators:} says why a
 * manual run does nothing.
 */
@Component("amazonFlow")
public class AmazonFlow {

    private final AmazonProperties amazon;
    private final JdbcTemplate jdbc;

    public AmazonFlow(AmazonProperties amazon, JdbcTemplate jdbc) {
        this.amazon = amazon;
        this.jdbc = jdbc;
    }

    /** The amazon-history-prune route's retention, as a PostgreSQL interval (e.g. "7776000 seconds"). */
    public String historyRetention() {
        return amazon.priceHistory().retention().toSeconds() + " seconds";
    }

    /** Deletes price history older than caravan.amazon.price-history.retention (Amazon's licence limits caching). */
    public void pruneHistory(Exchange exchange) {
        Duration retention = amazon.priceHistory().retention();
        int deleted = jdbc.update("DELETE FROM price_history WHERE observed_at < now() - ?::interval",
                retention.toSeconds() + " seconds");
        exchange.getMessage().setHeader(JobHeaders.ROWS, deleted);
    }
}
