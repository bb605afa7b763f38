package io.caravan.telegram;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.caravan.outbox.OutboxHeaders;
import io.caravan.telegram.TelegramProperties.DealImage;
import io.caravan.telegram.chart.DealCharts;
import io.caravan.telegram.gate.TelegramGateEndpoint;
import io.caravan.telegram.gate.TelegramOutgoing;
import java.math.BigDecimal;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.camel.Body;
import org.apache.camel.Header;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Turns deal and watch events into queued Telegram messages, inside the outbox handler's transaction: the messages
 * are committed with "event done" or not at all, and queueing is keyed by the event id, so a retried event queues
 * nothing twice. Sending is the sender's job, later, through the rate gate.
 */
public class DealNotifier {

    private static final Logger LOG = LoggerFactory.getLogger(DealNotifier.class);
    /** Messages that count against a subscriber's daily cap; bot replies do not. */
    private static final String CAPPED = "('subscriber_deal', 'watch_hit')";

    private final JdbcTemplate jdbc;
    private final TelegramOutgoing outgoing;
    private final DealMessages messages;
    private final TelegramProperties properties;
    private final ObjectMapper json;
    private final DealCharts charts;

    public DealNotifier(JdbcTemplate jdbc, TelegramOutgoing outgoing, DealMessages messages, TelegramProperties properties,
                        ObjectMapper json, DealCharts charts) {
        this.charts = charts;
        this.jdbc = jdbc;
        this.outgoing = outgoing;
        this.messages = messages;
        this.properties = properties;
        this.json = json;
    }

    /** What a deal.created event reaches: the deal, its channel (or none), and the subscribers who get it today. */
    public record DealRecipients(DealMessages.Deal deal, String asin, String marketplace, String channel,
                                 Map<String, Language> subscribers) {
        static DealRecipients none(DealMessages.Deal deal) {
            return new DealRecipients(deal, null, null, null, Map.of());
        }
    }

    /** A watch hit's one recipient, in their language. */
    public record WatchRecipient(String chatId, Language language, JsonNode event) {
    }

    /** deal.created, as one Java call: recipients, composed, queued (the route does the same in three steps). */
    public int dealCreated(@Body String payload, @Header(OutboxHeaders.EVENT_ID) long eventId) throws Exception {
        return enqueue(compose(recipients(payload)), "deal_post", eventId);
    }

    /**
     * Route step of deal.created: the category's channel (else the event's, else caravan.telegram.default-channel)
     * and the active subscribers of the category whose minimum discount the deal meets and who are under their daily
     * cap; nobody when the category is inactive.
     */
    public DealRecipients recipients(@Body String payload) throws Exception {
        JsonNode event = json.readTree(payload);
        DealMessages.Deal deal = new DealMessages.Deal(event.path("dealId").asLong(), text(event, "title"),
                text(event, "url"), text(event, "imageUrl"), text(event, "price"), text(event, "referencePrice"),
                text(event, "discountPct"), text(event, "currency"),
                event.hasNonNull("observedAt") ? Instant.parse(event.get("observedAt").asText()) : null);
        Long categoryId = event.hasNonNull("categoryId") ? event.get("categoryId").asLong() : null;
        Map<String, Object> category = categoryId == null ? Map.of() : jdbc.query(
                "SELECT channel_chat_id, min_discount_pct, active FROM categories WHERE id = ?",
                rs -> {
                    Map<String, Object> row = new HashMap<>();
                    if (rs.next()) {
                        row.put("channel", rs.getString(1));
                        row.put("min", rs.getBigDecimal(2));
                        row.put("active", rs.getBoolean(3));
                    }
                    return row;
                }, categoryId);
        if (Boolean.FALSE.equals(category.get("active"))) {
            LOG.debug("Deal {} is in an inactive category; not posted", deal.dealId());
            return DealRecipients.none(deal);
        }
        String channel = firstNonBlank((String) category.get("channel"), text(event, "channelChatId"),
                properties.defaultChannel());
        if (channel == null) {
            LOG.debug("Deal {} has no channel (category {} and caravan.telegram.default-channel unset)", deal.dealId(), categoryId);
        }
        Map<String, Language> recipients = new LinkedHashMap<>();
        if (categoryId != null && event.hasNonNull("discountPct")) {
            BigDecimal percent = new BigDecimal(event.get("discountPct").asText());
            // Locked in chat order, so two deals handled at once count each subscriber's cap one after the other.
            // The language comes with the chat id, so a subscriber's message is in their language at no extra query.
            Map<String, Language> subscribers = new LinkedHashMap<>();
            jdbc.query("""
                            SELECT u.chat_id, u.language FROM subscriptions s
                            JOIN subscribers u ON u.chat_id = s.chat_id AND u.status = 'active'
                            JOIN categories c ON c.id = s.category_id
                            WHERE s.category_id = ? AND coalesce(s.min_discount_pct, c.min_discount_pct, ?) <= ?
                            ORDER BY u.chat_id FOR UPDATE OF u""",
                    rs -> {
                        subscribers.put(String.valueOf(rs.getLong(1)), Language.of(rs.getString(2)));
                    },
                    categoryId, properties.bot().defaultMinDiscountPercent(), percent);
            Map<String, Long> sentToday = sentToday(List.copyOf(subscribers.keySet()));
            int cap = properties.bot().maxMessagesPerUserPerDay();
            subscribers.forEach((chat, language) -> {
                if (sentToday.getOrDefault(chat, 0L) < cap) {
                    recipients.put(chat, language);
                }
            });
        }
        return new DealRecipients(deal, text(event, "asin"), text(event, "marketplace"), channel, recipients);
    }

    /**
     * Route step of deal.created: the channel's post (English: a channel has no language) and each subscriber's
     * message in their language — one body per language, not per subscriber: thousands share two messages.
     */
    public List<TelegramGateEndpoint.Outgoing> compose(@Body DealRecipients recipients) {
        DealMessages.Deal deal = recipients.deal();
        List<TelegramGateEndpoint.Outgoing> out = new ArrayList<>();
        String channel = recipients.channel();
        if (channel == null && recipients.subscribers().isEmpty()) {
            return out; // nobody gets the deal: no history read, no chart rendered
        }
        DealCharts.Evidence evidence = evidence(recipients);
        boolean chartable = evidence != null && charts.chartable(evidence.series());
        DealImage channelPicture = channel == null || !chartable ? DealImage.product : properties.dealImageFor(channel);
        DealImage subscriberPicture = recipients.subscribers().isEmpty() || !chartable ? DealImage.product : properties.dealImage();
        Long chartId = null;
        if (channelPicture != DealImage.product || subscriberPicture != DealImage.product) {
            // Once per deal, however many chats get it; Delivery uploads it once and reuses Telegram's file_id.
            chartId = charts.renderOnce(deal.dealId(), deal.title(), evidence.series(), observedAt(deal), new BigDecimal(deal.price()),
                    deal.referencePrice() == null ? null : new BigDecimal(deal.referencePrice()), deal.currency());
        }
        var context = evidence == null ? null : evidence.context();
        Long chart = chartId;
        if (channel != null) {
            out.add(new TelegramGateEndpoint.Outgoing(channel, "deal_post", messages.method(deal, channelPicture),
                    messages.post(deal, Language.EN, channelPicture, chart, context), deal.dealId()));
        }
        Map<Language, Map<String, Object>> bodies = new EnumMap<>(Language.class);
        recipients.subscribers().forEach((chat, language) -> out.add(new TelegramGateEndpoint.Outgoing(chat, "subscriber_deal",
                messages.method(deal, subscriberPicture),
                bodies.computeIfAbsent(language, l -> messages.post(deal, l, subscriberPicture, chart, context)), deal.dealId())));
        return out;
    }

    /** The product's history and what it supports; null for an event without a product or a price. */
    private DealCharts.Evidence evidence(DealRecipients recipients) {
        DealMessages.Deal deal = recipients.deal();
        if (recipients.asin() == null || recipients.marketplace() == null || deal.price() == null) {
            return null;
        }
        return charts.evidence(recipients.asin(), recipients.marketplace(), observedAt(deal), new BigDecimal(deal.price()));
    }

    private static Instant observedAt(DealMessages.Deal deal) {
        return deal.observedAt() == null ? Instant.now() : deal.observedAt();
    }

    /**
     * Route step of deal.expired: a post still waiting in the queue is not sent at all; every post already sent
     * (channel and subscribers) gets an edit saying the deal ended, in the language it was written in.
     */
    public List<TelegramGateEndpoint.Outgoing> expiredEdits(@Body String payload) throws Exception {
        long dealId = json.readTree(payload).path("dealId").asLong();
        jdbc.update("""
                UPDATE telegram_outgoing SET status = 'dropped', last_error = 'the deal expired before it was sent'
                WHERE deal_id = ? AND purpose IN ('deal_post', 'subscriber_deal') AND status = 'pending'""", dealId);
        // A subscriber's copy was written in their language; the mark goes in the same one (channels: English).
        List<Map<String, Object>> posts = jdbc.queryForList("""
                SELECT o.id, o.chat_id, o.method, o.payload::text AS payload,
                       CASE WHEN o.purpose = 'subscriber_deal' THEN s.language END AS language
                FROM telegram_outgoing o
                LEFT JOIN subscribers s ON o.purpose = 'subscriber_deal' AND s.chat_id::text = o.chat_id
                WHERE o.deal_id = ? AND o.purpose IN ('deal_post', 'subscriber_deal') AND o.status = 'sent' ORDER BY o.id""", dealId);
        List<TelegramGateEndpoint.Outgoing> edits = new ArrayList<>();
        for (Map<String, Object> post : posts) {
            JsonNode original = json.readTree((String) post.get("payload"));
            String html = original.hasNonNull("caption") ? original.get("caption").asText() : original.path("text").asText("");
            String method = "sendPhoto".equals(post.get("method")) ? "editMessageCaption" : "editMessageText";
            edits.add(new TelegramGateEndpoint.Outgoing((String) post.get("chat_id"), "deal_expired", method,
                    DealMessages.expiredEdit(((Number) post.get("id")).longValue(), html, Language.of((String) post.get("language"))),
                    dealId));
        }
        return edits;
    }

    /** Route step of watch.hit: the chat that set the watch, unless it left or reached its daily cap (then null). */
    public WatchRecipient watchRecipient(@Body String payload) throws Exception {
        JsonNode event = json.readTree(payload);
        long chatId = event.path("chatId").asLong();
        // The row is read for its status anyway; its language comes along (English when the chat never wrote to the bot).
        Recipient recipient = jdbc.query("SELECT status, language FROM subscribers WHERE chat_id = ? FOR UPDATE",
                rs -> rs.next() ? new Recipient(rs.getString(1), Language.of(rs.getString(2))) : new Recipient(null, Language.EN),
                chatId);
        String status = recipient.status();
        if (status != null && !status.equals("active")) {
            LOG.debug("Watch hit for chat {} not sent: subscriber is {}", chatId, status);
            return null;
        }
        String chat = String.valueOf(chatId);
        if (sentToday(List.of(chat)).getOrDefault(chat, 0L) >= properties.bot().maxMessagesPerUserPerDay()) {
            LOG.info("Watch hit for chat {} not sent: daily cap of {} reached", chatId, properties.bot().maxMessagesPerUserPerDay());
            return null;
        }
        return new WatchRecipient(chat, recipient.language(), event);
    }

    /** Route step of watch.hit: the message, in the recipient's language. */
    public TelegramGateEndpoint.Outgoing composeWatchHit(@Body WatchRecipient recipient) {
        JsonNode event = recipient.event();
        Map<String, Object> body = messages.watchHit(recipient.language(), text(event, "kind"), text(event, "title"), text(event, "url"),
                text(event, "price"), text(event, "targetPrice"), text(event, "currency"),
                event.hasNonNull("observedAt") ? Instant.parse(event.get("observedAt").asText()) : null);
        return new TelegramGateEndpoint.Outgoing(recipient.chatId(), "watch_hit", "sendMessage", body, null);
    }

    private int enqueue(List<TelegramGateEndpoint.Outgoing> messages, String purpose, long eventId) {
        int queued = 0;
        for (TelegramGateEndpoint.Outgoing m : messages) {
            queued += outgoing.enqueue(m.chatId(), m.purpose() == null ? purpose : m.purpose(), m.method(), m.body(), eventId,
                    m.dealId()) == null ? 0 : 1;
        }
        return queued;
    }

    private record Recipient(String status, Language language) {
    }

    /** Deal and watch messages queued today (in caravan.telegram.time-zone) per chat, whatever became of them. */
    private Map<String, Long> sentToday(List<String> chats) {
        Map<String, Long> counts = new HashMap<>();
        if (chats.isEmpty()) {
            return counts;
        }
        Instant startOfDay = LocalDate.now(properties.timeZone()).atStartOfDay(properties.timeZone()).toInstant();
        jdbc.query(connection -> {
            var statement = connection.prepareStatement("""
                    SELECT chat_id, count(*) FROM telegram_outgoing
                    WHERE chat_id = ANY(?) AND purpose IN """ + CAPPED + " AND created_at >= ? AND status <> 'dropped' GROUP BY chat_id");
            statement.setArray(1, connection.createArrayOf("text", chats.toArray()));
            statement.setTimestamp(2, Timestamp.from(startOfDay));
            return statement;
        }, rs -> {
            counts.put(rs.getString(1), rs.getLong(2));
        });
        return counts;
    }

    private static String text(JsonNode event, String field) {
        return event.hasNonNull(field) ? event.get(field).asText() : null;
    }

    private static String firstNonBlank(String... values) {
        for (String value : values) {
            if (value != null && !value.isBlank()) {
                return value;
            }
        }
        return null;
    }
}
