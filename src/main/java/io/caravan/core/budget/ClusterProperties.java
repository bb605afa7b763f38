package io.caravan.core.budget;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * How the hubs of one cluster (one PostgreSQL schema) share the outside services' per-second and per-minute limits.
 *
 * @param budgets            {@code redis}: every hub draws from budgets kept in the shared Redis (the default);
 *                           {@code local}: each hub keeps the whole budget to itself (one hub only)
 * @param expectedInstances  while Redis cannot be reached, each hub sends at most 1/expected-instances of each budget,
 *                           so the cluster stays under the limit; set it to the most hubs you run
 * @param redisRetry         how long a hub keeps to its local share after Redis failed before trying Redis again
 * @param callLease          how long a call in flight holds its place in a Redis budget (a Telegram chat's one call
 *                           in flight, a slot of the global budget) when its hub dies before answering: longer than
 *                           any outside call can take (the clients' timeouts are 10 s by default); until it runs out,
 *                           the chat of a killed hub's last call waits
 */
@Validated
@ConfigurationProperties("caravan.cluster")
public record ClusterProperties(
        @NotNull @DefaultValue("redis") Mode budgets,
        @Min(1) @Max(1000) @DefaultValue("1") int expectedInstances,
        @NotNull @DefaultValue("5s") Duration redisRetry,
        @NotNull @DefaultValue("2m") Duration callLease) {

    public enum Mode { redis, local }
}
