package io.caravan.telegram.bot;

import static io.caravan.telegram.Messages.text;

import io.caravan.telegram.Language;
import io.caravan.telegram.Messages.Key;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The subscriber's own commands — /start, /help, /list, /stop — and the answers that are not a command's effect:
 * plain text, an unknown command, a stopped subscriber, the apology for a failed update. Each runs in the update's
 * transaction (route telegram-bot-command) and queues its reply; nothing here calls Telegram.
 */
public class AccountCommands {

    private final JdbcTemplate jdbc;
    private final BotReplies replies;
    private final BigDecimal defaultMinDiscount;

    public AccountCommands(JdbcTemplate jdbc, BotReplies replies, BigDecimal defaultMinDiscount) {
        this.jdbc = jdbc;
        this.replies = replies;
        this.defaultMinDiscount = defaultMinDiscount;
    }

    /**
     * Every user who writes becomes a subscriber (subscriptions and watches refer to one), keeping the newest name
     * and language; only /start and /stop change the status.
     *
     * @return the subscriber's status, or null for an update that is not from a private chat (left alone)
     */
    public String register(BotUpdate update) {
        if (!BotUpdates.forTheBot(update)) {
            return null;
        }
        return jdbc.queryForObject("""
                        INSERT INTO subscribers (chat_id, username, first_name, language) VALUES (?, ?, ?, ?)
                        ON CONFLICT (chat_id) DO UPDATE SET username = EXCLUDED.username, first_name = EXCLUDED.first_name,
                            language = EXCLUDED.language, updated_at = now()
                        RETURNING status""",
                String.class, update.chatId(), update.username(), update.firstName(), update.language().code());
    }

    /** /start: (re)activates the subscriber; welcome and the command list. */
    public void start(BotUpdate update) {
        jdbc.update("UPDATE subscribers SET status = 'active', updated_at = now() WHERE chat_id = ?", update.chatId());
        Language language = update.language();
        replies.reply(update, text(language, Key.WELCOME) + "\n\n" + text(language, Key.HELP));
    }

    /** /help: the command list. */
    public void help(BotUpdate update) {
        replies.reply(update, text(update.language(), Key.HELP));
    }

    /** /stop: no deal or watch messages until /start; subscriptions and watches are kept. */
    public void stop(BotUpdate update) {
        jdbc.update("UPDATE subscribers SET status = 'stopped', updated_at = now() WHERE chat_id = ?", update.chatId());
        replies.reply(update, text(update.language(), Key.STOPPED));
    }

    /** /list: subscriptions with their thresholds, then active watches. */
    public void list(BotUpdate update) {
        Language language = update.language();
        List<String> subscriptions = jdbc.query("""
                        SELECT c.name, c.slug, coalesce(s.min_discount_pct, c.min_discount_pct, ?) FROM subscriptions s
                        JOIN categories c ON c.id = s.category_id WHERE s.chat_id = ? ORDER BY c.name""",
                (rs, i) -> text(language, Key.LIST_SUBSCRIPTION_LINE, rs.getString(1), rs.getString(2),
                        Amounts.percentText(rs.getBigDecimal(3))),
                defaultMinDiscount, update.chatId());
        List<String> watches = jdbc.query("""
                        SELECT asin, marketplace, target_price FROM watches
                        WHERE chat_id = ? AND active ORDER BY created_at, id""",
                (rs, i) -> rs.getBigDecimal(3) == null
                        ? text(language, Key.LIST_WATCH_LINE, rs.getString(1), rs.getString(2))
                        : text(language, Key.LIST_WATCH_TARGET_LINE, rs.getString(1), rs.getString(2),
                        Amounts.priceText(rs.getBigDecimal(3))),
                update.chatId());
        if (subscriptions.isEmpty() && watches.isEmpty()) {
            replies.reply(update, text(language, Key.LIST_EMPTY));
            return;
        }
        List<String> lines = new ArrayList<>();
        if (!subscriptions.isEmpty()) {
            lines.add(text(language, Key.LIST_SUBSCRIPTIONS));
            lines.addAll(subscriptions);
        }
        if (!watches.isEmpty()) {
            if (!lines.isEmpty()) {
                lines.add("");
            }
            lines.add(text(language, Key.LIST_WATCHES));
            lines.addAll(watches);
        }
        replies.reply(update, String.join("\n", lines));
    }

    /** Text that is no command (or a message without text: a sticker, a photo). */
    public void notACommand(BotUpdate update) {
        replies.reply(update, text(update.language(), Key.NOT_A_COMMAND));
    }

    /** A command the bot does not know. */
    public void unknownCommand(BotUpdate update) {
        String name = BotCommand.parse(update.text()).map(BotCommand::name).orElse("");
        replies.reply(update, text(update.language(), Key.UNKNOWN_COMMAND, BotReplies.echo(name)));
    }

    /** A stopped subscriber pressed a button or sent a command other than /start, /help, /stop: "send /start". */
    public void stopped(BotUpdate update) {
        answer(update, text(update.language(), Key.IS_STOPPED));
    }

    /** The apology for an update whose handling failed (its transaction rolled back). */
    public void apologise(BotUpdate update) {
        if (BotUpdates.forTheBot(update)) {
            answer(update, text(update.language(), Key.FAILED));
        }
    }

    /** A button press is answered on the button, anything else in the chat. */
    private void answer(BotUpdate update, String message) {
        if (update.isCallback()) {
            replies.answerButton(update, message);
        } else {
            replies.reply(update, message);
        }
    }
}
