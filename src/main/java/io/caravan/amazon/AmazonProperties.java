package io.caravan.amazon;

import jakarta.validation.Valid;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import java.math.BigDecimal;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The price radar's connection to Amazon's Creators API. Without {@code client-id} the whole Amazon flow stays off
 * (no jobs, no client) so a hub without Amazon credentials still starts.
 *
 * @param baseUrl           Creators API host; tests and dev mode point it at a local fake
 * @param tokenUrl          OAuth2 token endpoint of the credential's version (LWA 3.2 EU for amazon.com.tr)
 * @param clientId          Credential ID from Associates Central → Tools → Creators API
 * @param clientSecret      its secret (shown once by Amazon); registered with Secrets, never logged
 * @param scope             OAuth2 scope: {@code creatorsapi::default} for LWA (3.x), {@code creatorsapi/default} for Cognito (2.x)
 * @param partnerTag        Associates tag, e.g. {@code caravan-21}; sent with every call so links carry attribution
 * @param marketplace       sent as {@code x-marketplace}
 * @param requestsPerSecond per-credential rate; Amazon starts new credentials near 1/s
 * @param sendMargin        share of that rate kept free for jitter between a request leaving the hub and Amazon
 *                          counting it: the sliding log of sends allows {@code floor(rate)} requests per
 *                          {@code floor(rate) / (rate * (1 - margin))} seconds (0.10: 4/s becomes 4 per 1.11 s)
 * @param requestsPerDay    per-credential daily budget, counted in PostgreSQL so it holds across instances
 * @param timeout           connect and read timeout of each call
 * @param checks            how often products are re-checked
 * @param categories        synced into {@code categories} at startup
 * @param priceHistory      how long price history is kept
 * @param invalidate        cache entries a price or deal change invalidates (sent as {@code dataset.changed})
 */
@Validated
@ConfigurationProperties("caravan.amazon")
public record AmazonProperties(
        @NotNull @DefaultValue("https://creatorsapi.amazon") URI baseUrl,
        @NotNull @DefaultValue("https://api.amazon.co.uk/auth/o2/token") URI tokenUrl,
        String clientId,
        String clientSecret,
        @NotBlank @DefaultValue("creatorsapi::default") String scope,
        String partnerTag,
        @NotBlank @DefaultValue("www.amazon.com.tr") String marketplace,
        @DecimalMin(value = "0.01", message = "must be at least 0.01 requests per second")
        @DecimalMax(value = "100", message = "must be at most 100 requests per second")
        @DefaultValue("1") double requestsPerSecond,
        @Min(value = 1, message = "must be at least 1 request per day") @DefaultValue("8640") int requestsPerDay,
        @NotNull @DefaultValue("10s") Duration timeout,
        @Valid @NotNull @DefaultValue Checks checks,
        @Valid List<Category> categories,
        @Valid @NotNull @DefaultValue PriceHistory priceHistory,
        @Valid @NotNull @DefaultValue Invalidate invalidate,
        @DecimalMin(value = "0", message = "must be at least 0 (no margin)")
        @DecimalMax(value = "0.5", message = "must be at most 0.5 (half the rate)")
        @DefaultValue("0.10") double sendMargin) {

    public AmazonProperties {
        categories = categories == null ? List.of() : List.copyOf(categories);
    }

    /** The flow runs only with a credential. */
    public boolean configured() {
        return clientId != null && !clientId.isBlank();
    }

    /**
     * When products are checked: {@link CheckPlanner} spends the request budget where deals are likely (see
     * docs/price-planner.md).
     *
     * @param minInterval       shortest interval between two checks of a product
     * @param maxInterval       longest interval of a product someone tracks or of a category posting to a channel
     * @param exploreInterval   longest interval of any product: a quiet one is still looked at this often
     * @param noise             a price change under this share of the price is noise (repricers' cents), not a move
     * @param memory            half-life of what the planner learned: older deals and quiet spells count less
     *
     * @param batchSize         items claimed per getItems call; Amazon accepts at most 10 and bills a call, not an item
     * @param maxRequestsPerRun getItems calls per {@code amazon-prices} run
     * @param claimSize         products claimed in one statement and written back in one transaction (a "chunk" of
     *                          claimSize / batchSize getItems calls). Larger chunks mean fewer database round trips
     *                          per item; the price job lowers it when the rate limit would keep a chunk in flight
     *                          for more than half the claim's lease
     * @param concurrency       getItems calls in flight at once per instance; the per-second limiter still paces
     *                          them, so this only matters when the rate allows more calls than one connection's
     *                          round trip does
     * @param lease             how long a claim holds products away from other workers: the products of a hub that
     *                          died mid-chunk are due again after it (claims are sized to take at most half of it)
     * @param spreadDayBudget   spread {@code requests-per-day} evenly over the UTC day: a run may spend no more than the
     *                          day's share up to its end minus what today used ({@code CheckBudget.runBudget}), so the
     *                          evening's deals are not missed because the morning spent the day. Off: every run may
     *                          spend up to {@code max-requests-per-run} while the day's budget lasts
     */
    public record Checks(@NotNull @DefaultValue("15m") Duration minInterval,
                         @NotNull @DefaultValue("6h") Duration maxInterval,
                         @Min(1) @Max(value = 10, message = "must be at most 10 (Amazon's getItems limit)") @DefaultValue("10") int batchSize,
                         @Min(1) @DefaultValue("60") int maxRequestsPerRun,
                         @Min(value = 1, message = "must be at least 1 product")
                         @Max(value = 5000, message = "must be at most 5000 products (one transaction writes them all)")
                         @DefaultValue("500") int claimSize,
                         @Min(value = 1, message = "must be at least 1 call in flight")
                         @Max(value = 64, message = "must be at most 64 calls in flight")
                         @DefaultValue("8") int concurrency,
                         @NotNull @DefaultValue("10m") Duration lease,
                         @NotNull @DefaultValue("7d") Duration exploreInterval,
                         @NotNull @DecimalMin(value = "0", message = "must be at least 0")
                         @DecimalMax(value = "0.5", message = "must be at most 0.5 (50 %)") @DefaultValue("0.02") BigDecimal noise,
                         @NotNull @DefaultValue("30d") Duration memory,
                         @DefaultValue("true") boolean spreadDayBudget) {

        public Checks {
            if (minInterval != null && maxInterval != null && maxInterval.compareTo(minInterval) < 0) {
                throw new IllegalArgumentException("caravan.amazon.checks.max-interval (" + maxInterval
                        + ") must be at least min-interval (" + minInterval + ")");
            }
            if (maxInterval != null && exploreInterval != null && exploreInterval.compareTo(maxInterval) < 0) {
                throw new IllegalArgumentException("caravan.amazon.checks.explore-interval (" + exploreInterval
                        + ") must be at least max-interval (" + maxInterval + ")");
            }
        }
    }

    /**
     * A category the radar discovers products in.
     *
     * @param slug               lower-case id used in events and channel routing, e.g. {@code electronics}
     * @param browseNodeId       Amazon browse node; this and/or {@code keywords} must be set
     * @param minDiscountPercent overrides {@code caravan.deals.min-discount-percent} for this category
     * @param channelChatId      Telegram channel that gets this category's deals, e.g. {@code @deals_electronics}
     */
    public record Category(@NotBlank @Pattern(regexp = "[a-z0-9][a-z0-9-]{0,62}", message = "must be lower-case letters, digits and '-'") String slug,
                           @NotBlank String name,
                           String browseNodeId,
                           String keywords,
                           @DecimalMin("0.01") @DecimalMax("99.99") BigDecimal minDiscountPercent,
                           String channelChatId,
                           @DefaultValue("0") int priority,
                           @DefaultValue("true") boolean active) {
        public Category {
            if ((browseNodeId == null || browseNodeId.isBlank()) && (keywords == null || keywords.isBlank())) {
                throw new IllegalArgumentException("caravan.amazon.categories[" + slug + "] needs browse-node-id and/or keywords");
            }
        }
    }

    /**
     * What a batch with price or deal changes invalidates. {@code {asin}} and {@code {marketplace}} in a key are
     * filled per changed product.
     */
    public record Invalidate(@DefaultValue("products:{asin}") List<String> keys,
                             @DefaultValue("deals:*") List<String> patterns,
                             @DefaultValue("deals") List<String> tags) {
    }

    /**
     * Amazon's licence limits how long API content may be cached (third parties quote 24 hours for content other
     * than ASINs, see the reference findings §1.7). The radar keeps price history to judge whether a discount is
     * real; this bounds how long. The owner decides the value against the licence; 90 days is the default.
     */
    public record PriceHistory(@NotNull @DefaultValue("90d") Duration retention) {
    }
}
