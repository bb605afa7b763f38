package io.caravan.telegram;

import jakarta.validation.Valid;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import java.math.BigDecimal;
import java.net.URI;
import java.time.Duration;
import java.time.ZoneId;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The hub's Telegram bot. Without {@code token} the Telegram flow stays off: events that would post are kept
 * in {@code telegram_outgoing} as pending, nothing is sent, the hub still starts.
 *
 * @param token         the bot token from @BotFather; registered with Secrets, never logged
 * @param baseUri       Bot API host; tests and dev mode point it at a local fake
 * @param adminChatId   where admin alerts go (failed jobs, dead letters, disabled channels, paused price jobs)
 * @param defaultChannel channel for deals of a category without its own {@code channel-chat-id}
 * @param mode          {@code polling} (getUpdates, one poller across instances) or {@code webhook}
 * @param webhookSecret compared with {@code X-Telegram-Bot-Api-Secret-Token} in webhook mode
 * @param dryRun        log and record what would be sent without calling Telegram (staging)
 * @param timeZone      "price as of HH:MM" is shown in this zone (the marketplace's)
 * @param timeout       connect and read timeout of each Bot API call (getUpdates adds its long-poll time)
 * @param retention     sent, dropped and failed messages (and posts of deals no longer active) older than this are
 *                      deleted daily by {@code telegram-history-prune}; pending messages are never pruned
 * @param limits        the send gate's budgets
 * @param bot           the subscriber bot's behaviour
 * @param dealImage     the picture of a deal post: {@code chart} (the price-history chart; the product photo while
 *                      the product has fewer than {@code chart.min-points} prices), {@code product} (Amazon's photo)
 *                      or {@code both} (the chart, with a second button opening the product photo)
 * @param dealImageByChannel per channel or group chat id (e.g. {@code [@deals_tr]: product}), overriding deal-image;
 *                      subscribers' private chats get deal-image
 * @param chart         the price-history chart
 */
@Validated
@ConfigurationProperties("caravan.telegram")
public record TelegramProperties(
        String token,
        @NotNull @DefaultValue("https://api.telegram.org") URI baseUri,
        String adminChatId,
        String defaultChannel,
        @NotNull @DefaultValue("polling") Mode mode,
        @Pattern(regexp = "[A-Za-z0-9_-]{0,256}", message = "must be up to 256 characters of A-Z, a-z, 0-9, _ and - (Telegram's rule)")
        String webhookSecret,
        @DefaultValue("false") boolean dryRun,
        @NotNull @DefaultValue("Europe/Istanbul") ZoneId timeZone,
        @NotNull @DefaultValue("10s") Duration timeout,
        @NotNull @DefaultValue("30d") Duration retention,
        @Valid @NotNull @DefaultValue Limits limits,
        @Valid @NotNull @DefaultValue Bot bot,
        @NotNull @DefaultValue("chart") DealImage dealImage,
        Map<String, DealImage> dealImageByChannel,
        @Valid @NotNull @DefaultValue Chart chart) {

    public enum Mode { polling, webhook }

    public enum DealImage { product, chart, both }

    public TelegramProperties {
        dealImageByChannel = dealImageByChannel == null ? Map.of() : Map.copyOf(dealImageByChannel);
    }

    /** What a chat gets as a deal's picture, before looking at whether the product has enough history. */
    public DealImage dealImageFor(String chatId) {
        return dealImageByChannel.getOrDefault(chatId, dealImage);
    }

    /**
     * @param days      how much history the chart shows and the context line may speak of
     * @param minPoints a product with fewer known prices gets the product photo instead of a chart (a chart of one
     *                  or two prices is a flat line that proves nothing)
     */
    public record Chart(
            @Min(7) @Max(365) @DefaultValue("90") int days,
            @Min(2) @DefaultValue("3") int minPoints) {
    }

    /** The flow sends only with a token (or in dry run). */
    public boolean configured() {
        return (token != null && !token.isBlank()) || dryRun;
    }

    /**
     * Telegram's limits are not contractual; these defaults stay under the ones its Bot FAQ names.
     *
     * @param globalPerSecond       all sends together
     * @param perGroupPerMinute     one channel or group
     * @param perPrivateChatPerSecond one subscriber
     * @param maxAttempts           a message that failed this often (5xx, timeouts) is marked failed
     * @param initialBackoff        first retry delay after a 5xx or timeout, doubled each time
     * @param maxBackoff            the longest retry delay
     */
    public record Limits(
            @DecimalMin("0.1") @DecimalMax("1000") @DefaultValue("25") double globalPerSecond,
            @Min(1) @DefaultValue("20") int perGroupPerMinute,
            @DecimalMin("0.01") @DecimalMax("30") @DefaultValue("1") double perPrivateChatPerSecond,
            @Min(1) @DefaultValue("8") int maxAttempts,
            @NotNull @DefaultValue("1s") Duration initialBackoff,
            @NotNull @DefaultValue("5m") Duration maxBackoff) {
    }

    /**
     * @param maxMessagesPerUserPerDay cap on deal and watch messages to one subscriber per day (bot replies are not capped)
     * @param defaultMinDiscountPercent a /subscribe without a percent uses the category's threshold, else this
     * @param pollTimeout               getUpdates long-poll time; also how long one telegram-updates run keeps polling
     * @param trackPriority             price-check priority of a product first seen through /track (discovery's
     *                                  categories use 0 by default), so the user's watch gets a price soon
     */
    public record Bot(
            @Min(1) @DefaultValue("50") int maxMessagesPerUserPerDay,
            @DecimalMin("1") @DecimalMax("99") @DefaultValue("20") BigDecimal defaultMinDiscountPercent,
            @NotNull @DefaultValue("25s") Duration pollTimeout,
            @Min(0) @DefaultValue("100") int trackPriority) {
    }
}
