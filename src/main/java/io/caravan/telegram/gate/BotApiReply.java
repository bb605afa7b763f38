package io.caravan.telegram.gate;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Locale;

/**
 * One answer of the Bot API (or the failure to get one), and what the sender does about it. Telegram answers
 * {@code {"ok":true,"result":...}} or {@code {"ok":false,"error_code":N,"description":"...","parameters":{...}}};
 * what to do is decided by the code, the parameters and the description's wording (see FINDINGS in the reference).
 *
 * @param status      HTTP status, 0 when no answer came (timeout, connection refused)
 * @param description Telegram's description, or the transport error (never carrying the token)
 * @param result      {@code result} of a successful call, else null
 * @param retryAfter  {@code parameters.retry_after} in seconds, else null
 * @param migrateTo   {@code parameters.migrate_to_chat_id}, else null
 */
public record BotApiReply(int status, String description, JsonNode result, Integer retryAfter, String migrateTo) {

    public enum Outcome {
        /** Sent (or edited). */
        OK,
        /** An edit that changes nothing: it already says what we wanted. */
        NOT_MODIFIED,
        /** 429: this chat waits retry_after, then the message goes again. */
        RETRY_AFTER,
        /** The group became a supergroup with a new id: send there, now and from now on. */
        MIGRATED,
        /** The user blocked the bot or was deleted: the subscriber ends, the message is dropped. */
        BLOCKED,
        /** The bot left, was removed from, or never joined the channel or group (or it does not exist): disable it. */
        NOT_MEMBER,
        /** Our HTML was refused: an escaping bug; resend as plain text. */
        BAD_HTML,
        /** Telegram could not fetch the photo URL: send the caption as a text message. */
        BAD_PHOTO,
        /** 5xx, timeouts, connection errors, flood of the server: try again later with backoff. */
        RETRY,
        /** Anything else (a 400 we cannot fix by retrying): the message fails. */
        FAILED
    }

    public static BotApiReply ok(JsonNode result) {
        return new BotApiReply(200, null, result, null, null);
    }

    public static BotApiReply transportError(String description) {
        return new BotApiReply(0, description, null, null, null);
    }

    /** Parses a Bot API answer body; a body that is not Telegram's JSON is judged by its status alone. */
    public static BotApiReply parse(int status, JsonNode body) {
        if (body == null || !body.isObject()) {
            return new BotApiReply(status, "HTTP " + status + " without a Bot API body", null, null, null);
        }
        if (body.path("ok").asBoolean(false) && status / 100 == 2) {
            return ok(body.get("result"));
        }
        JsonNode parameters = body.path("parameters");
        Integer retryAfter = parameters.hasNonNull("retry_after") ? parameters.get("retry_after").asInt() : null;
        String migrateTo = parameters.hasNonNull("migrate_to_chat_id") ? parameters.get("migrate_to_chat_id").asText() : null;
        int code = body.path("error_code").asInt(status);
        return new BotApiReply(code, body.path("description").asText("HTTP " + status), null, retryAfter, migrateTo);
    }

    public Outcome outcome() {
        String text = description == null ? "" : description.toLowerCase(Locale.ROOT);
        if (status / 100 == 2 && result != null) {
            return Outcome.OK;
        }
        if (migrateTo != null) {
            return Outcome.MIGRATED;
        }
        if (status == 429) {
            return retryAfter != null ? Outcome.RETRY_AFTER : Outcome.RETRY;
        }
        if (status == 403) {
            if (text.contains("blocked by the user") || text.contains("user is deactivated")) {
                return Outcome.BLOCKED;
            }
            if (text.contains("not a member") || text.contains("kicked") || text.contains("chat was deleted")
                    || text.contains("bot can't initiate") || text.contains("have no rights to send")) {
                return Outcome.NOT_MEMBER;
            }
            return Outcome.FAILED;
        }
        if (status == 400) {
            if (text.contains("message is not modified")) {
                return Outcome.NOT_MODIFIED;
            }
            if (text.contains("can't parse entities")) {
                return Outcome.BAD_HTML;
            }
            if (text.contains("chat not found")) {
                return Outcome.NOT_MEMBER;
            }
            if (text.contains("wrong http url") || text.contains("failed to get http url content")
                    || text.contains("wrong type of the web page content") || text.contains("wrong file identifier")) {
                return Outcome.BAD_PHOTO;
            }
            return Outcome.FAILED;
        }
        // 0 (no answer), 5xx, and 401/404 (a wrong or revoked token: retried so the messages survive until an
        // operator fixes it, and they fail only after max-attempts).
        if (status == 0 || status >= 500 || status == 401 || status == 404 || status == 409 || status == 420) {
            return Outcome.RETRY;
        }
        return Outcome.FAILED;
    }

    /** For last_error and logs. */
    public String summary() {
        return (status == 0 ? "no answer" : String.valueOf(status)) + (description == null ? "" : ": " + description);
    }
}
