package io.caravan.amazon;

import io.caravan.ops.JobHeaders;
import java.time.Duration;
import org.apache.camel.Exchange;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * What the amazon-*.yaml routes call. Always present, so the routes load even when the flow is off (no
 * {@code caravan.amazon.client-id}); then no job is scheduled and a manual run says why nothing happens.
 */
@Component("amazonFlow")
public class AmazonFlow {

    private final ObjectProvider<PriceChecks> priceChecks;
    private final ObjectProvider<Discovery> discovery;
    private final AmazonProperties amazon;
    private final JdbcTemplate jdbc;

    public AmazonFlow(ObjectProvider<PriceChecks> priceChecks, ObjectProvider<Discovery> discovery,
                      AmazonProperties amazon, JdbcTemplate jdbc) {
        this.priceChecks = priceChecks;
        this.discovery = discovery;
        this.amazon = amazon;
        this.jdbc = jdbc;
    }

    public void checkPrices(Exchange exchange) {
        exchange.getMessage().setHeader(JobHeaders.ROWS, required(priceChecks.getIfAvailable()).run());
    }

    public void discover(Exchange exchange) {
        exchange.getMessage().setHeader(JobHeaders.ROWS, required(discovery.getIfAvailable()).run());
    }

    /** Deletes price history older than caravan.amazon.price-history.retention (Amazon's licence limits caching). */
    public void pruneHistory(Exchange exchange) {
        Duration retention = amazon.priceHistory().retention();
        int deleted = jdbc.update("DELETE FROM price_history WHERE observed_at < now() - ?::interval",
                retention.toSeconds() + " seconds");
        exchange.getMessage().setHeader(JobHeaders.ROWS, deleted);
    }

    private static <T> T required(T bean) {
        if (bean == null) {
            throw new IllegalStateException("the Amazon flow is off: set caravan.amazon.client-id and caravan.amazon.client-secret");
        }
        return bean;
    }
}
