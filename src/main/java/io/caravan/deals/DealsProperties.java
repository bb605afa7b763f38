package io.caravan.deals;

import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.NotNull;
import java.math.BigDecimal;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * When a price is a deal. See {@link DealRules} for the rule itself.
 *
 * @param minDiscountPercent global minimum drop below the reference price; a category's own value wins
 * @param referenceWindow    how far back the median of our own observations reaches
 * @param minHistory         how much of that window our history must cover before it alone is the reference
 *                           (shorter history falls back to the lower of the median and Amazon's savingBasis)
 * @param repostCooldown     after a deal ends, how long before the same product may deal again
 * @param expiryLatency      a running deal is re-checked at least this often, so its end is posted within it
 */
@Validated
@ConfigurationProperties("caravan.deals")
public record DealsProperties(
        @NotNull @DecimalMin(value = "1", message = "must be at least 1 percent")
        @DecimalMax(value = "95", message = "must be at most 95 percent") @DefaultValue("20") BigDecimal minDiscountPercent,
        @NotNull @DefaultValue("30d") Duration referenceWindow,
        @NotNull @DefaultValue("7d") Duration minHistory,
        @NotNull @DefaultValue("24h") Duration repostCooldown,
        @NotNull @DefaultValue("2h") Duration expiryLatency) {
}
