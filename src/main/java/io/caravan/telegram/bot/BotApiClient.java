package io.caravan.telegram.bot;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.caravan.telegram.gate.BotApi;
import io.caravan.telegram.gate.BotApiReply;
import io.caravan.telegram.TelegramProperties;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * getUpdates over java.net.http. Not camel-telegram's consumer: that one keeps its offset in memory and polls on
 * every instance it runs on, so two hubs would take turns stealing updates (409 Conflict) and a restart would
 * handle the unconfirmed ones again. Here the offset lives in bot_state and the clustered job polls on one instance.
 * Error messages name the method and the base URI, never the request URL, which carries the token.
 */
public class BotApiClient {

    /** Only what the bot handles; anything else would just be fetched, confirmed and dropped. */
    static final List<String> ALLOWED_UPDATES = List.of("message", "callback_query");
    private static final int LIMIT = 100;

    private final BotApi api;
    private final URI base;
    private final Duration timeout;

    public BotApiClient(TelegramProperties telegram, ObjectMapper json) {
        // The sender's transport: same URL scheme, JSON, timeouts and token redaction.
        this.api = new BotApi(telegram, json);
        this.base = telegram.baseUri();
        this.timeout = telegram.timeout();
    }

    /**
     * @param offset         the first update_id wanted; earlier ones are confirmed and deleted by Telegram
     * @param timeoutSeconds how long Telegram may hold the call open waiting for an update (long poll)
     * @return the updates, oldest first
     * @throws BotApiException on a 409 Conflict (another poller or a webhook), any other error, or no answer
     */
    public List<JsonNode> getUpdates(long offset, long timeoutSeconds) {
        BotApiReply reply = api.call("getUpdates", Map.of("offset", offset, "timeout", timeoutSeconds, "limit", LIMIT,
                "allowed_updates", ALLOWED_UPDATES), timeout.plusSeconds(timeoutSeconds));
        if (reply.status() == 409) {
            throw new BotApiException("getUpdates refused with 409 Conflict (" + reply.description() + "). Only one getUpdates "
                    + "poller may use a bot token: stop the other process polling with this token, or delete the webhook "
                    + "(deleteWebhook), or run the hub with caravan.telegram.mode=webhook", 409, null);
        }
        if (reply.status() == 0) {
            throw new BotApiException("getUpdates to " + base + " failed: " + reply.description(), 0, null);
        }
        if (reply.result() == null) {
            throw new BotApiException("getUpdates failed with HTTP " + reply.status() + ": " + reply.description(),
                    reply.status(), null);
        }
        List<JsonNode> updates = new ArrayList<>();
        reply.result().forEach(updates::add);
        return updates;
    }
}
