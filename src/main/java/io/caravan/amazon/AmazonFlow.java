package io.caravan.amazon;

import org.springframework.stereotype.Component;

/**
 * The amazon-history-prune route's step. Like every bean the amazon-*.yaml routes call, always present, so the
 * routes load even when the flow is off (no {@code caravan.amazon.client-id}); then {@code creators:} says why a
 * manual run does nothing.
 */
@Component("amazonFlow")
public class AmazonFlow {

    private final AmazonProperties amazon;

    public AmazonFlow(AmazonProperties amazon) {
        this.amazon = amazon;
    }

    /** The amazon-history-prune route's retention, as a PostgreSQL interval (e.g. "7776000 seconds"). */
    public String historyRetention() {
        return amazon.priceHistory().retention().toSeconds() + " seconds";
    }
}
