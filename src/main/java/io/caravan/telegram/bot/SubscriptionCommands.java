package io.caravan.telegram.bot;

import static io.caravan.telegram.Messages.text;

import io.caravan.telegram.Language;
import io.caravan.telegram.Messages.Key;
import io.caravan.telegram.bot.BotCategories.Category;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Deals by category: /categories with its ➕/✅ buttons, a button pressed ({@code sub:<id>} / {@code unsub:<id>}),
 * /subscribe and /unsubscribe. Each runs in the update's transaction (route telegram-bot-command) and queues its
 * reply.
 */
public class SubscriptionCommands {

    /** Telegram allows 64 bytes of callback data; {@code unsub:} and a BIGINT id stay far below that. */
    private static final Pattern CALLBACK = Pattern.compile("(sub|unsub):(\\d{1,18})");

    private final JdbcTemplate jdbc;
    private final BotReplies replies;
    private final BotCategories categories;
    private final BigDecimal defaultMinDiscount;

    public SubscriptionCommands(JdbcTemplate jdbc, BotReplies replies, BotCategories categories, BigDecimal defaultMinDiscount) {
        this.jdbc = jdbc;
        this.replies = replies;
        this.categories = categories;
        this.defaultMinDiscount = defaultMinDiscount;
    }

    /** /categories: the active ones, each with a button showing whether the chat is subscribed. */
    public void categories(BotUpdate update) {
        Language language = update.language();
        List<Category> active = categories.active();
        if (active.isEmpty()) {
            replies.reply(update, text(language, Key.NO_CATEGORIES));
            return;
        }
        StringBuilder message = new StringBuilder(text(language, Key.CATEGORIES));
        active.forEach(c -> message.append('\n').append(text(language, Key.CATEGORY_LINE, c.name(), c.slug())));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("text", message.toString());
        body.put("reply_markup", categories.keyboard(update.chatId(), active));
        replies.send(update, "sendMessage", body);
    }

    /** A pressed button: subscribes or unsubscribes, answers the press and flips the button. */
    public void buttonPressed(BotUpdate update) {
        Language language = update.language();
        Matcher data = CALLBACK.matcher(update.callbackData() == null ? "" : update.callbackData());
        Optional<Category> category = data.matches() ? categories.byId(Long.parseLong(data.group(2))) : Optional.empty();
        if (category.isEmpty() || ("sub".equals(data.group(1)) && !category.get().active())) {
            replies.answerButton(update, text(language, Key.BUTTON_INVALID));
            return;
        }
        if ("sub".equals(data.group(1))) {
            // A button has no percent: keep one chosen earlier with /subscribe.
            jdbc.update("""
                    INSERT INTO subscriptions (chat_id, category_id, min_discount_pct) VALUES (?, ?, ?)
                    ON CONFLICT (chat_id, category_id) DO NOTHING""",
                    update.chatId(), category.get().id(), storedMinimum(category.get(), null));
            replies.answerButton(update, text(language, Key.BUTTON_SUBSCRIBED, category.get().name()));
        } else {
            jdbc.update("DELETE FROM subscriptions WHERE chat_id = ? AND category_id = ?", update.chatId(), category.get().id());
            replies.answerButton(update, text(language, Key.BUTTON_UNSUBSCRIBED, category.get().name()));
        }
        if (update.callbackMessageId() != null) {
            // Flip the pressed button so the keyboard shows the new state.
            replies.send(update, "editMessageReplyMarkup", Map.of("message_id", update.callbackMessageId(),
                    "reply_markup", categories.keyboard(update.chatId(), categories.active())));
        }
    }

    /** /subscribe &lt;slug&gt; [min%]: deals of an active category, from min% off (1–99) or its own threshold. */
    public void subscribe(BotUpdate update) {
        Language language = update.language();
        BotCommand command = BotUpdates.command(update);
        if (command.arg(0) == null) {
            replies.reply(update, text(language, Key.SUBSCRIBE_USAGE, categories.exampleSlug()));
            return;
        }
        Optional<Category> category = categories.bySlug(command.arg(0)).filter(Category::active);
        if (category.isEmpty()) {
            replies.reply(update, categories.unknown(language, command.arg(0)));
            return;
        }
        BigDecimal percent = null;
        if (command.arg(1) != null) {
            percent = Amounts.percent(command.arg(1));
            if (percent == null || percent.compareTo(BigDecimal.ONE) < 0 || percent.compareTo(BigDecimal.valueOf(99)) > 0) {
                replies.reply(update, text(language, Key.BAD_PERCENT));
                return;
            }
            percent = percent.setScale(2, RoundingMode.HALF_UP);
        }
        jdbc.update("""
                INSERT INTO subscriptions (chat_id, category_id, min_discount_pct) VALUES (?, ?, ?)
                ON CONFLICT (chat_id, category_id) DO UPDATE SET min_discount_pct = EXCLUDED.min_discount_pct""",
                update.chatId(), category.get().id(), storedMinimum(category.get(), percent));
        BigDecimal effective = percent != null ? percent
                : category.get().minDiscount() != null ? category.get().minDiscount() : defaultMinDiscount;
        replies.reply(update, text(language, Key.SUBSCRIBED, category.get().name(), Amounts.percentText(effective)));
    }

    /** /unsubscribe &lt;slug&gt;: also of an inactive category, so a user can leave one that was switched off. */
    public void unsubscribe(BotUpdate update) {
        Language language = update.language();
        BotCommand command = BotUpdates.command(update);
        if (command.arg(0) == null) {
            replies.reply(update, text(language, Key.UNSUBSCRIBE_USAGE, categories.exampleSlug()));
            return;
        }
        Optional<Category> category = categories.bySlug(command.arg(0));
        if (category.isEmpty()) {
            replies.reply(update, categories.unknown(language, command.arg(0)));
            return;
        }
        int removed = jdbc.update("DELETE FROM subscriptions WHERE chat_id = ? AND category_id = ?",
                update.chatId(), category.get().id());
        replies.reply(update, text(language, removed == 0 ? Key.NOT_SUBSCRIBED : Key.UNSUBSCRIBED, category.get().name()));
    }

    /**
     * Null means "the category's threshold" (it follows later changes of the category); a category without one
     * gets the bot's default written down, so the fan-out never has to guess.
     */
    private BigDecimal storedMinimum(Category category, BigDecimal chosen) {
        if (chosen != null) {
            return chosen;
        }
        return category.minDiscount() == null ? defaultMinDiscount : null;
    }
}
