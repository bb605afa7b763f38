package io.caravan.telegram.gate;

import io.caravan.outbox.OutboxHeaders;
import io.caravan.telegram.TelegramHtml;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.apache.camel.Category;
import org.apache.camel.Consumer;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;
import org.apache.camel.Producer;
import org.apache.camel.spi.Metadata;
import org.apache.camel.spi.UriEndpoint;
import org.apache.camel.spi.UriParam;
import org.apache.camel.spi.UriPath;
import org.apache.camel.support.DefaultEndpoint;
import org.apache.camel.support.DefaultProducer;

/**
 * Queues messages for the Telegram rate gate (producer only; the bot's updates come in through the telegram-updates
 * job or the webhook).
 * <ul>
 *   <li>Body before: a {@link Outgoing} or a collection of them (one per recipient, as a compose step makes them;
 *   an Outgoing's own purpose, if set, is recorded instead of the URI's);
 *   a Map (a Bot API request body without {@code chat_id}); or a String (HTML text, sent with sendMessage and
 *   {@code parse_mode=HTML}).</li>
 *   <li>Headers read: {@code CaravanChatId} (else the {@code chatId} option), {@code CaravanTelegramMethod} (else
 *   {@code method}), {@code CaravanDealId}, {@code CaravanEventId} (set by {@code outbox:}; the dedupe key with chat
 *   and purpose).</li>
 *   <li>Body after: the number of messages queued (0 when a retried event had queued them already); header
 *   {@code CaravanTelegramQueued} the same.</li>
 * </ul>
 */
@UriEndpoint(firstVersion = "0.1.0", scheme = "telegram-gate", title = "Caravan Telegram gate", syntax = "telegram-gate:purpose",
        producerOnly = true, category = {Category.CHAT})
public class TelegramGateEndpoint extends DefaultEndpoint {

    public static final String CHAT_ID = "CaravanChatId";
    public static final String METHOD = "CaravanTelegramMethod";
    public static final String DEAL_ID = "CaravanDealId";
    public static final String QUEUED = "CaravanTelegramQueued";
    static final Set<String> METHODS = Set.of("sendMessage", "sendPhoto", "editMessageText", "editMessageCaption");

    /** One message for one chat: what a compose step hands the gate. */
    public record Outgoing(String chatId, String purpose, String method, Map<String, ?> body, Long dealId) {
        /** A message with the endpoint's purpose. */
        public Outgoing(String chatId, String method, Map<String, ?> body, Long dealId) {
            this(chatId, null, method, body, dealId);
        }
    }

    @UriPath(description = "Why the message is sent, recorded with it: deal_post, subscriber_deal, deal_expired,"
            + " watch_hit, bot_reply, admin_alert, or a lower-case word of your own (e.g. digest)")
    @Metadata(required = true)
    private final String purpose;

    @UriParam(description = "The chat: a numeric id or @channelname; header CaravanChatId overrides it")
    private String chatId;

    @UriParam(defaultValue = "sendMessage", description = "The Bot API method: sendMessage, sendPhoto, editMessageText"
            + " or editMessageCaption; header CaravanTelegramMethod overrides it")
    private String method = "sendMessage";

    private final TelegramOutgoing outgoing;

    TelegramGateEndpoint(String uri, TelegramGateComponent component, String purpose, TelegramOutgoing outgoing) {
        super(uri, component);
        if (purpose == null || !purpose.matches("[a-z][a-z0-9_]{0,39}")) {
            throw new IllegalArgumentException("telegram-gate:" + purpose + ": the purpose must be a lower-case word"
                    + " (letters, digits, _), e.g. telegram-gate:deal_post");
        }
        this.purpose = purpose;
        this.outgoing = outgoing;
    }

    public String getChatId() {
        return chatId;
    }

    public void setChatId(String chatId) {
        this.chatId = chatId;
    }

    public String getMethod() {
        return method;
    }

    public void setMethod(String method) {
        requireMethod(method);
        this.method = method;
    }

    @Override
    public Producer createProducer() {
        return new DefaultProducer(this) {
            @Override
            public void process(Exchange exchange) {
                queue(exchange);
            }
        };
    }

    @Override
    public Consumer createConsumer(Processor processor) {
        throw new UnsupportedOperationException("telegram-gate: only queues (to: telegram-gate:<purpose>); the bot's"
                + " updates arrive through the telegram-updates route or the webhook");
    }

    private void queue(Exchange exchange) {
        Message message = exchange.getMessage();
        Long eventId = message.getHeader(OutboxHeaders.EVENT_ID, Long.class);
        Object body = message.getBody();
        int queued = 0;
        if (body instanceof Outgoing one) {
            queued += queue(one, eventId);
        } else if (body instanceof Collection<?> many) {
            for (Object item : many) {
                if (!(item instanceof Outgoing one)) {
                    throw new IllegalArgumentException("telegram-gate:" + purpose + ": a list body must hold"
                            + " TelegramGateEndpoint.Outgoing messages, got " + (item == null ? "null" : item.getClass().getName()));
                }
                queued += queue(one, eventId);
            }
        } else {
            String chat = message.getHeader(CHAT_ID, chatId, String.class);
            if (chat == null || chat.isBlank()) {
                throw new IllegalArgumentException("telegram-gate:" + purpose + ": no chat: set ?chatId= or header " + CHAT_ID);
            }
            queued += queue(new Outgoing(chat, message.getHeader(METHOD, method, String.class), request(body),
                    message.getHeader(DEAL_ID, Long.class)), eventId);
        }
        message.setHeader(QUEUED, queued);
        message.setBody(queued);
    }

    private int queue(Outgoing message, Long eventId) {
        requireMethod(message.method());
        String why = message.purpose() == null ? purpose : message.purpose();
        return outgoing.enqueue(message.chatId(), why, message.method(), message.body(), eventId, message.dealId()) == null ? 0 : 1;
    }

    private Map<String, ?> request(Object body) {
        if (body instanceof Map<?, ?> map) {
            Map<String, Object> request = new LinkedHashMap<>();
            map.forEach((key, value) -> request.put(String.valueOf(key), value));
            return request;
        }
        if (body instanceof String html && !html.isBlank()) {
            Map<String, Object> request = new LinkedHashMap<>();
            request.put("text", TelegramHtml.truncate(html, TelegramHtml.TEXT_LIMIT));
            request.put("parse_mode", "HTML");
            return request;
        }
        throw new IllegalArgumentException("telegram-gate:" + purpose + ": the body must be HTML text, a Bot API request"
                + " (Map) or Outgoing messages, got " + (body == null ? "no body" : body.getClass().getName()));
    }

    private static void requireMethod(String method) {
        if (!METHODS.contains(method)) {
            throw new IllegalArgumentException("telegram-gate: method " + method + " is not one of " + METHODS);
        }
    }
}
