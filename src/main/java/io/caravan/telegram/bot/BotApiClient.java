package io.caravan.telegram.bot;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.caravan.telegram.TelegramProperties;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
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

    private final HttpClient http;
    private final ObjectMapper json;
    private final URI base;
    private final String token;
    private final Duration timeout;

    public BotApiClient(TelegramProperties telegram, ObjectMapper json) {
        this.json = json;
        this.base = telegram.baseUri();
        this.token = telegram.token();
        this.timeout = telegram.timeout();
        this.http = HttpClient.newBuilder().connectTimeout(timeout).build();
    }

    /**
     * @param offset         the first update_id wanted; earlier ones are confirmed and deleted by Telegram
     * @param timeoutSeconds how long Telegram may hold the call open waiting for an update (long poll)
     * @return the updates, oldest first
     * @throws BotApiException on a 409 Conflict (another poller or a webhook), any other error, or no answer
     */
    public List<JsonNode> getUpdates(long offset, long timeoutSeconds) {
        JsonNode answer = call("getUpdates", Map.of("offset", offset, "timeout", timeoutSeconds, "limit", LIMIT,
                "allowed_updates", ALLOWED_UPDATES), timeout.plusSeconds(timeoutSeconds));
        List<JsonNode> updates = new ArrayList<>();
        answer.path("result").forEach(updates::add);
        return updates;
    }

    private JsonNode call(String method, Map<String, ?> body, Duration readTimeout) {
        HttpRequest request;
        try {
            request = HttpRequest.newBuilder(URI.create(base.toString().replaceAll("/+$", "") + "/bot" + token + "/" + method))
                    .timeout(readTimeout)
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(json.writeValueAsString(body), StandardCharsets.UTF_8))
                    .build();
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(method + " body is not JSON-serialisable", e);
        }
        HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new BotApiException(method + " to " + base + " failed: " + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : " " + e.getMessage()), 0, null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BotApiException(method + " to " + base + " was interrupted", 0, null);
        }
        JsonNode answer;
        try {
            answer = json.readTree(response.body());
        } catch (JsonProcessingException e) {
            answer = null;
        }
        String description = answer == null ? "body is not JSON" : answer.path("description").asText("no description");
        if (response.statusCode() == 409) {
            throw new BotApiException(method + " refused with 409 Conflict (" + description + "). Only one getUpdates "
                    + "poller may use a bot token: stop the other process polling with this token, or delete the webhook "
                    + "(deleteWebhook), or run the hub with caravan.telegram.mode=webhook", 409, null);
        }
        if (response.statusCode() / 100 != 2 || answer == null || !answer.path("ok").asBoolean(false)) {
            throw new BotApiException(method + " failed with HTTP " + response.statusCode() + ": " + description,
                    response.statusCode(), null);
        }
        return answer;
    }
}
