package io.caravan.telegram.gate;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Map;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Queues a message for Telegram. Call it inside the transaction that decides to send (an outbox handler, a bot
 * command): the message is then committed with that decision or not at all, and the sender delivers it through
 * the rate gate after the commit. With an event id, queueing the same (event, chat, purpose) twice is a no-op,
 * so a retried outbox handler never sends twice.
 */
@Component
public class TelegramOutgoing {

    private final JdbcTemplate jdbc;
    private final ObjectMapper json;

    public TelegramOutgoing(JdbcTemplate jdbc, ObjectMapper json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    /**
     * @param chatId  numeric chat id or @channelname
     * @param purpose deal_post | deal_expired | subscriber_deal | watch_hit | bot_reply | admin_alert
     * @param method  the Bot API method, e.g. sendMessage
     * @param body    the request body without chat_id
     * @param eventId the outbox event behind it, or null
     * @param dealId  the deal it is about, or null
     * @return the queued row's id, or null if that event already queued this message for this chat
     */
    public Long enqueue(String chatId, String purpose, String method, Map<String, ?> body, Long eventId, Long dealId) {
        try {
            return jdbc.query("""
                            INSERT INTO telegram_outgoing (chat_id, purpose, method, payload, event_id, deal_id)
                            VALUES (?, ?, ?, ?::jsonb, ?, ?)
                            ON CONFLICT (event_id, chat_id, purpose) WHERE event_id IS NOT NULL DO NOTHING
                            RETURNING id""",
                    rs -> rs.next() ? rs.getLong(1) : null,
                    chatId, purpose, method, json.writeValueAsString(body), eventId, dealId);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("Telegram " + method + " body for chat " + chatId + " is not JSON-serialisable", e);
        }
    }
}
