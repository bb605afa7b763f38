package io.caravan.telegram.gate;

import java.util.Map;
import org.apache.camel.Endpoint;
import org.apache.camel.support.DefaultComponent;
import org.springframework.stereotype.Component;

/**
 * {@code telegram-gate:<purpose>}: a Telegram message queued for the rate gate (camel-telegram's {@code telegram:}
 * cannot send a photo by URL, an HTML caption or report {@code retry_after}). The producer writes the message into
 * {@code telegram_outgoing} in the transaction bound to the thread — inside an {@code outbox:} consumer, the event's
 * — keyed by the event id, so a retried event queues nothing twice; {@link TelegramSender} then sends it through the
 * {@link SendGate} (global, per-chat and per-group limits, 429 {@code retry_after}). The bot token is
 * {@code caravan.telegram.bot-token}, never part of the URI. See {@link TelegramGateEndpoint}.
 */
@Component("telegram-gate")
public class TelegramGateComponent extends DefaultComponent {

    private final TelegramOutgoing outgoing;

    public TelegramGateComponent(TelegramOutgoing outgoing) {
        this.outgoing = outgoing;
    }

    @Override
    protected Endpoint createEndpoint(String uri, String remaining, Map<String, Object> parameters) throws Exception {
        TelegramGateEndpoint endpoint = new TelegramGateEndpoint(uri, this, remaining, outgoing);
        setProperties(endpoint, parameters);
        return endpoint;
    }
}
