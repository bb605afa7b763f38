package io.caravan.telegram;

import static io.caravan.telegram.Messages.text;
import static io.caravan.telegram.TelegramHtml.escape;
import static io.caravan.telegram.TelegramHtml.escapeAttribute;

import io.caravan.telegram.Messages.Key;
import io.caravan.telegram.TelegramProperties.DealImage;
import io.caravan.telegram.chart.PriceContext;
import io.caravan.telegram.gate.ChartPayload;

import io.caravan.telegram.gate.TelegramSender;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The Bot API bodies (without chat_id) of deal posts, their "expired" edits and watch hits. Pure: the same deal gives
 * the same message, so tests can compare exact captions. A subscriber's messages are in their language (the words
 * come from the bot's {@link io.caravan.telegram.Messages}); channel posts and expiry edits are English, since a
 * channel has no language.
 */
public final class DealMessages {

    public static final String BUTTON_TEXT = text(Language.EN, Key.DEAL_BUTTON);
    static final String EXPIRED_PREFIX = expiredPrefix(Language.EN);
    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm");

    private final ZoneId zone;

    public DealMessages(ZoneId zone) {
        this.zone = zone;
    }

    /** What a deal.created event says about the deal; prices are the event's decimal strings, e.g. "899.90". */
    public record Deal(long dealId, String title, String url, String imageUrl, String price, String referencePrice,
                       String discountPct, String currency, Instant observedAt) {

        public boolean hasImage() {
            return imageUrl != null && !imageUrl.isBlank();
        }
    }

    /** Payload field naming a post's chart (see {@link ChartPayload}). */
    public static final String CHART = ChartPayload.CHART;
    public static final String FALLBACK_PHOTO = ChartPayload.FALLBACK_PHOTO;

    /** sendPhoto when there is an image, else sendMessage. */
    public String method(Deal deal) {
        return deal.hasImage() ? "sendPhoto" : "sendMessage";
    }

    /** @param picture {@code product}, or chart/both when the deal has a rendered chart */
    public String method(Deal deal, DealImage picture) {
        return picture != DealImage.product ? "sendPhoto" : method(deal);
    }

    /** A channel's post: English. */
    public Map<String, Object> post(Deal deal) {
        return post(deal, Language.EN);
    }

    public Map<String, Object> post(Deal deal, Language language) {
        return post(deal, language, DealImage.product, null, null);
    }

    /**
     * @param picture {@code product}: Amazon's photo (or text without one); {@code chart}: the chart as the photo;
     *                {@code both}: the chart as the photo, and a second button opening the product photo, since an
     *                album (sendMediaGroup) can carry neither the "View on Amazon" button nor a caption edit per post
     * @param chartId the deal's chart (telegram_charts.id) when the picture is chart or both
     * @param context the context line's statement, or null when the history supports none
     */
    public Map<String, Object> post(Deal deal, Language language, DealImage picture, Long chartId,
                                    PriceContext.Statement context) {
        Map<String, Object> body = new LinkedHashMap<>();
        if (picture != DealImage.product) {
            body.put(CHART, java.util.Objects.requireNonNull(chartId, "a chart post needs its chart"));
            if (deal.hasImage()) {
                body.put(FALLBACK_PHOTO, deal.imageUrl());
            }
            body.put("caption", caption(deal, TelegramHtml.CAPTION_LIMIT, false, language, context));
        } else if (deal.hasImage()) {
            body.put("photo", deal.imageUrl());
            body.put("caption", caption(deal, TelegramHtml.CAPTION_LIMIT, false, language, context));
        } else {
            body.put("text", caption(deal, TelegramHtml.TEXT_LIMIT, true, language, context));
            body.put("link_preview_options", Map.of("is_disabled", true));
        }
        body.put("parse_mode", "HTML");
        if (deal.url() != null && !deal.url().isBlank()) {
            body.put("reply_markup", picture == DealImage.both && deal.hasImage()
                    ? Map.of("inline_keyboard", List.of(
                            List.of(Map.of("text", text(language, Key.DEAL_BUTTON), "url", deal.url())),
                            List.of(Map.of("text", text(language, Key.DEAL_PHOTO_BUTTON), "url", deal.imageUrl()))))
                    : button(deal.url(), language));
        }
        return body;
    }

    /** The context line's words in {@code language}, e.g. "Lowest price in 90 days". */
    public static String context(PriceContext.Statement statement, Language language) {
        return switch (statement.kind()) {
            case LOWEST_SINCE_TRACKING -> text(language, Key.CONTEXT_LOWEST_SINCE_TRACKING, statement.value());
            case LOWEST_IN_DAYS -> text(language, Key.CONTEXT_LOWEST_IN_DAYS, statement.value());
            case MATCHES_LOW -> text(language, Key.CONTEXT_MATCHES_LOW, statement.value());
            case BELOW_MEDIAN -> text(language, Key.CONTEXT_BELOW_MEDIAN, statement.value());
        };
    }

    /** A channel's caption: English. */
    public String caption(Deal deal, int limit, boolean linkTitle) {
        return caption(deal, limit, linkTitle, Language.EN);
    }

    /**
     * Title, new price, reference price, percent off and the time of the price. The title gets whatever room the
     * other lines leave, so a long title is what gets cut, never the price.
     */
    public String caption(Deal deal, int limit, boolean linkTitle, Language language) {
        return caption(deal, limit, linkTitle, language, null);
    }

    /** The same with the context line (📊) under the percent off, when the history supports one. */
    public String caption(Deal deal, int limit, boolean linkTitle, Language language, PriceContext.Statement context) {
        String currency = deal.currency() == null || deal.currency().isBlank() ? "" : " " + escape(deal.currency());
        String rest = "\n\n💰 <b>" + escape(deal.price()) + currency + "</b>"
                + (deal.referencePrice() == null ? "" : "  <s>" + escape(deal.referencePrice()) + currency + "</s>")
                + (deal.discountPct() == null ? "" : "\n📉 -" + percent(deal.discountPct()) + "%")
                + (context == null ? "" : "\n📊 " + escape(context(context, language)))
                + (deal.observedAt() == null ? "" : "\n🕒 " + priceAsOf(deal.observedAt(), language));
        int room = limit - TelegramHtml.visibleLength(rest);
        String title = TelegramHtml.truncate(escape(deal.title() == null ? "" : deal.title()), Math.max(1, room));
        String head = linkTitle && deal.url() != null && !deal.url().isBlank()
                ? "<b><a href=\"" + escapeAttribute(deal.url()) + "\">" + title + "</a></b>"
                : "<b>" + title + "</b>";
        return TelegramHtml.truncate(head + rest, limit);
    }

    /**
     * The edit that marks a post expired, built from the post's own HTML. Carries both a caption and a text, because
     * whether the post became a photo or a text message (a photo URL Telegram could not fetch is sent as text) is
     * known only once it was sent; the sender picks one. Without reply_markup the "View" button goes away.
     */
    public static Map<String, Object> expiredEdit(long postOutgoingId, String originalHtml) {
        return expiredEdit(postOutgoingId, originalHtml, Language.EN);
    }

    /** The same for a subscriber's copy, marked in the language the post was written in. */
    public static Map<String, Object> expiredEdit(long postOutgoingId, String originalHtml, Language language) {
        String original = originalHtml == null ? "" : originalHtml;
        String prefix = expiredPrefix(language);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put(TelegramSender.POST_REF, postOutgoingId);
        body.put("caption", TelegramHtml.truncate(prefix + "<s>" + original + "</s>", TelegramHtml.CAPTION_LIMIT));
        body.put("text", TelegramHtml.truncate(prefix + "<s>" + original + "</s>", TelegramHtml.TEXT_LIMIT));
        body.put("parse_mode", "HTML");
        return body;
    }

    static String expiredPrefix(Language language) {
        return "⌛ <b>" + escape(text(language, Key.DEAL_EXPIRED)) + "</b>\n";
    }

    /**
     * A watch.hit: the target price was reached or the product is back in stock.
     *
     * @param language the language of the subscriber who set the watch
     * @param kind {@code target-reached} or {@code back-in-stock}
     */
    public Map<String, Object> watchHit(Language language, String kind, String title, String url, String price, String targetPrice,
                                        String currency, Instant observedAt) {
        String cur = currency == null || currency.isBlank() ? "" : " " + escape(currency);
        String headline = "back-in-stock".equals(kind) ? "📦 <b>" + text(language, Key.WATCH_BACK_IN_STOCK) + "</b>"
                : "🎯 <b>" + text(language, Key.WATCH_TARGET_REACHED) + "</b>";
        String rest = (price == null ? "" : "\n" + text(language, Key.WATCH_NOW, "<b>" + escape(price) + cur + "</b>"))
                + (targetPrice == null || "back-in-stock".equals(kind) ? ""
                        : " (" + text(language, Key.WATCH_YOUR_TARGET, escape(targetPrice) + cur) + ")")
                + (observedAt == null ? "" : "\n🕒 " + priceAsOf(observedAt, language));
        String name = TelegramHtml.truncate(escape(title == null ? "" : title),
                Math.max(1, TelegramHtml.TEXT_LIMIT - TelegramHtml.visibleLength(headline + "\n" + rest)));
        String link = url == null || url.isBlank() ? name : "<a href=\"" + escapeAttribute(url) + "\">" + name + "</a>";
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("text", TelegramHtml.truncate(headline + "\n" + link + rest, TelegramHtml.TEXT_LIMIT));
        body.put("parse_mode", "HTML");
        body.put("link_preview_options", Map.of("is_disabled", true));
        if (url != null && !url.isBlank()) {
            body.put("reply_markup", button(url, language));
        }
        return body;
    }

    private String priceAsOf(Instant observedAt, Language language) {
        return text(language, Key.DEAL_PRICE_AS_OF, CLOCK.format(observedAt.atZone(zone)));
    }

    /** An inline keyboard with one URL button; the URL is JSON, not HTML, so it needs no escaping. */
    static Map<String, Object> button(String url, Language language) {
        return Map.of("inline_keyboard", List.of(List.of(Map.of("text", text(language, Key.DEAL_BUTTON), "url", url))));
    }

    private static String percent(String value) {
        try {
            return new BigDecimal(value).stripTrailingZeros().toPlainString();
        } catch (NumberFormatException e) {
            return escape(value);
        }
    }
}
