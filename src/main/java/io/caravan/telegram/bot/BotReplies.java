package io.caravan.telegram.bot;

import io.caravan.telegram.gate.TelegramOutgoing;
import java.util.Map;

/**
 * How a command answers: each reply is queued in telegram_outgoing (purpose {@code bot_reply}) inside the update's
 * transaction, so it commits with the command's effect or not at all; the rate-limited sender delivers it later.
 * Nothing here calls Telegram.
 */
public class BotReplies {

    static final String PURPOSE = "bot_reply";
    private static final int ECHO_LIMIT = 100;

    private final TelegramOutgoing outgoing;

    public BotReplies(TelegramOutgoing outgoing) {
        this.outgoing = outgoing;
    }

    /** A text message to the update's chat. */
    public void reply(BotUpdate update, String message) {
        send(update, "sendMessage", Map.of("text", message));
    }

    /** The answer to a pressed button (answerCallbackQuery), shown to the user as a short notice. */
    public void answerButton(BotUpdate update, String message) {
        send(update, "answerCallbackQuery", Map.of("callback_query_id", update.callbackQueryId(), "text", message));
    }

    /** Any Bot API call to the update's chat, body without chat_id. */
    public void send(BotUpdate update, String method, Map<String, ?> body) {
        outgoing.enqueue(String.valueOf(update.chatId()), PURPOSE, method, body, null, null);
    }

    /** User input quoted back, cut short: a reply must stay within Telegram's 4096 characters. */
    static String echo(String input) {
        return input.length() <= ECHO_LIMIT ? input : input.substring(0, ECHO_LIMIT) + "…";
    }
}
