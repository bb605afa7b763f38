package io.caravan.telegram.bot;

import io.caravan.telegram.Language;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * The parts of a Telegram Update the bot reads: a message or a callback query (the only kinds asked for with
 * {@code allowed_updates}). Read from the JSON tree rather than a full model: any other kind of update must still
 * yield its update_id, so it is confirmed and not fetched again forever.
 *
 * @param updateId         Telegram's id, the de-duplication key
 * @param chatId           the chat to answer in
 * @param privateChat      true for a one-to-one chat with the bot; groups and channels are not served
 * @param languageCode     the user's app language, e.g. {@code tr}; may be null
 * @param username         may be null
 * @param firstName        may be null
 * @param text             the message text; null for a callback or a message without text (sticker, photo)
 * @param callbackQueryId  set for a button press, answered with answerCallbackQuery
 * @param callbackData     the pressed button's data, e.g. {@code sub:3}
 * @param callbackMessageId the message carrying the pressed keyboard, whose buttons are then refreshed
 */
public record BotUpdate(long updateId, Long chatId, boolean privateChat, String languageCode, String username,
                        String firstName, String text, String callbackQueryId, String callbackData,
                        Long callbackMessageId) {

    public static BotUpdate from(JsonNode update) {
        JsonNode updateId = update.path("update_id");
        if (!updateId.canConvertToLong()) {
            throw new IllegalArgumentException("Telegram update without a numeric update_id");
        }
        JsonNode callback = update.path("callback_query");
        JsonNode message = callback.isObject() ? callback.path("message") : update.path("message");
        JsonNode from = callback.isObject() ? callback.path("from") : message.path("from");
        JsonNode chat = message.path("chat");
        return new BotUpdate(updateId.asLong(),
                chat.path("id").canConvertToLong() ? chat.path("id").asLong() : null,
                "private".equals(chat.path("type").asText()),
                text(from, "language_code"), text(from, "username"), text(from, "first_name"),
                callback.isObject() ? null : text(message, "text"),
                callback.isObject() ? text(callback, "id") : null,
                callback.isObject() ? text(callback, "data") : null,
                callback.isObject() && message.path("message_id").canConvertToLong() ? message.path("message_id").asLong() : null);
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.path(field);
        return value.isValueNode() && !value.isNull() ? value.asText() : null;
    }

    public boolean isCallback() {
        return callbackQueryId != null;
    }

    public Language language() {
        return Language.of(languageCode);
    }
}
