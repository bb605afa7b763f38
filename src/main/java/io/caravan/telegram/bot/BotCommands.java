package io.caravan.telegram.bot;

import io.caravan.telegram.Language;
import static io.caravan.telegram.Messages.text;

import io.caravan.amazon.AmazonProperties;
import io.caravan.telegram.TelegramOutgoing;
import io.caravan.telegram.TelegramProperties;
import io.caravan.telegram.Messages.Key;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * What the bot does for one update: the command's effect on subscribers, subscriptions, watches and products,
 * and its reply queued in telegram_outgoing. Runs inside the caller's transaction, so the effect and the reply
 * commit together or not at all; nothing here calls Telegram.
 */
public class BotCommands {

    static final String PURPOSE = "bot_reply";
    /** Telegram allows 64 bytes of callback data; {@code unsub:} and a BIGINT id stay far below that. */
    private static final Pattern CALLBACK = Pattern.compile("(sub|unsub):(\\d{1,18})");
    private static final Set<String> COMMANDS = Set.of("start", "help", "categories", "subscribe", "unsubscribe",
            "track", "untrack", "list", "stop");
    /** Commands a stopped subscriber may still use: the way back, and what the bot can do. */
    private static final Set<String> WHILE_STOPPED = Set.of("start", "help", "stop");
    private static final int ECHO_LIMIT = 100;
    /** NUMERIC(14, 2): twelve digits before the decimal point. */
    private static final int PRICE_DIGITS = 12;

    private final JdbcTemplate jdbc;
    private final TelegramOutgoing outgoing;
    private final BigDecimal defaultMinDiscount;
    private final int trackPriority;
    private final String defaultMarketplace;

    public BotCommands(JdbcTemplate jdbc, TelegramOutgoing outgoing, TelegramProperties telegram, AmazonProperties amazon) {
        this.jdbc = jdbc;
        this.outgoing = outgoing;
        this.defaultMinDiscount = telegram.bot().defaultMinDiscountPercent();
        this.trackPriority = telegram.bot().trackPriority();
        this.defaultMarketplace = amazon.marketplace();
    }

    /**
     * The metric label of an update: the command's name, {@code unknown} for other commands (so a user typing
     * random commands cannot create label values), {@code callback}, {@code text}, or {@code other}.
     */
    public static String type(BotUpdate update) {
        if (update.isCallback()) {
            return "callback";
        }
        if (update.text() == null) {
            return "other";
        }
        return BotCommand.parse(update.text()).map(c -> COMMANDS.contains(c.name()) ? c.name() : "unknown").orElse("text");
    }

    /**
     * Handles one update in the caller's transaction.
     *
     * @return false when the update is not for the bot (no chat, or a group or channel) and was left alone
     */
    public boolean handle(BotUpdate update) {
        if (update.chatId() == null || !update.privateChat()) {
            return false;
        }
        Language language = update.language();
        String status = register(update, language);
        if (update.isCallback()) {
            buttonPressed(update, language, status);
            return true;
        }
        Optional<BotCommand> parsed = BotCommand.parse(update.text());
        if (parsed.isEmpty()) {
            reply(update, text(language, Key.NOT_A_COMMAND));
            return true;
        }
        BotCommand command = parsed.get();
        if (!"active".equals(status) && !WHILE_STOPPED.contains(command.name())) {
            reply(update, text(language, Key.IS_STOPPED));
            return true;
        }
        switch (command.name()) {
            case "start" -> start(update, language);
            case "help" -> reply(update, text(language, Key.HELP));
            case "categories" -> categories(update, language);
            case "subscribe" -> subscribe(update, language, command);
            case "unsubscribe" -> unsubscribe(update, language, command);
            case "track" -> track(update, language, command);
            case "untrack" -> untrack(update, language, command);
            case "list" -> list(update, language);
            case "stop" -> stop(update, language);
            default -> reply(update, text(language, Key.UNKNOWN_COMMAND, echo(command.name())));
        }
        return true;
    }

    /** Queues the apology for an update whose handling failed (its transaction rolled back). */
    public void apologise(BotUpdate update) {
        if (update.chatId() != null && update.privateChat()) {
            if (update.isCallback()) {
                answerButton(update, text(update.language(), Key.FAILED));
            } else {
                reply(update, text(update.language(), Key.FAILED));
            }
        }
    }

    /**
     * Every user who writes becomes a subscriber (subscriptions and watches refer to one), keeping the newest
     * name and language; only /start and /stop change the status.
     *
     * @return the subscriber's status
     */
    private String register(BotUpdate update, Language language) {
        return jdbc.queryForObject("""
                        INSERT INTO subscribers (chat_id, username, first_name, language) VALUES (?, ?, ?, ?)
                        ON CONFLICT (chat_id) DO UPDATE SET username = EXCLUDED.username, first_name = EXCLUDED.first_name,
                            language = EXCLUDED.language, updated_at = now()
                        RETURNING status""",
                String.class, update.chatId(), update.username(), update.firstName(), language.code());
    }

    private void start(BotUpdate update, Language language) {
        jdbc.update("UPDATE subscribers SET status = 'active', updated_at = now() WHERE chat_id = ?", update.chatId());
        reply(update, text(language, Key.WELCOME) + "\n\n" + text(language, Key.HELP));
    }

    private void stop(BotUpdate update, Language language) {
        jdbc.update("UPDATE subscribers SET status = 'stopped', updated_at = now() WHERE chat_id = ?", update.chatId());
        reply(update, text(language, Key.STOPPED));
    }

    private void categories(BotUpdate update, Language language) {
        List<Category> categories = activeCategories();
        if (categories.isEmpty()) {
            reply(update, text(language, Key.NO_CATEGORIES));
            return;
        }
        StringBuilder message = new StringBuilder(text(language, Key.CATEGORIES));
        categories.forEach(c -> message.append('\n').append(text(language, Key.CATEGORY_LINE, c.name(), c.slug())));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("text", message.toString());
        body.put("reply_markup", keyboard(update.chatId(), categories));
        outgoing.enqueue(chat(update), PURPOSE, "sendMessage", body, null, null);
    }

    /** One button per category: ✅ and {@code unsub:<id>} when subscribed, ➕ and {@code sub:<id>} when not. */
    private Map<String, Object> keyboard(long chatId, List<Category> categories) {
        Set<Long> subscribed = Set.copyOf(jdbc.queryForList(
                "SELECT category_id FROM subscriptions WHERE chat_id = ?", Long.class, chatId));
        List<List<Map<String, String>>> rows = new ArrayList<>();
        for (Category category : categories) {
            boolean on = subscribed.contains(category.id());
            rows.add(List.of(Map.of("text", (on ? "✅ " : "➕ ") + category.name(),
                    "callback_data", (on ? "unsub:" : "sub:") + category.id())));
        }
        return Map.of("inline_keyboard", rows);
    }

    private void buttonPressed(BotUpdate update, Language language, String status) {
        Matcher data = CALLBACK.matcher(update.callbackData() == null ? "" : update.callbackData());
        if (!"active".equals(status)) {
            answerButton(update, text(language, Key.IS_STOPPED));
            return;
        }
        Optional<Category> category = data.matches() ? categoryById(Long.parseLong(data.group(2))) : Optional.empty();
        if (category.isEmpty() || ("sub".equals(data.group(1)) && !category.get().active())) {
            answerButton(update, text(language, Key.BUTTON_INVALID));
            return;
        }
        if ("sub".equals(data.group(1))) {
            // A button has no percent: keep one chosen earlier with /subscribe.
            jdbc.update("""
                    INSERT INTO subscriptions (chat_id, category_id, min_discount_pct) VALUES (?, ?, ?)
                    ON CONFLICT (chat_id, category_id) DO NOTHING""",
                    update.chatId(), category.get().id(), storedMinimum(category.get(), null));
            answerButton(update, text(language, Key.BUTTON_SUBSCRIBED, category.get().name()));
        } else {
            jdbc.update("DELETE FROM subscriptions WHERE chat_id = ? AND category_id = ?", update.chatId(), category.get().id());
            answerButton(update, text(language, Key.BUTTON_UNSUBSCRIBED, category.get().name()));
        }
        if (update.callbackMessageId() != null) {
            // Flip the pressed button so the keyboard shows the new state.
            outgoing.enqueue(chat(update), PURPOSE, "editMessageReplyMarkup", Map.of("message_id", update.callbackMessageId(),
                    "reply_markup", keyboard(update.chatId(), activeCategories())), null, null);
        }
    }

    private void answerButton(BotUpdate update, String message) {
        outgoing.enqueue(chat(update), PURPOSE, "answerCallbackQuery",
                Map.of("callback_query_id", update.callbackQueryId(), "text", message), null, null);
    }

    private void subscribe(BotUpdate update, Language language, BotCommand command) {
        if (command.arg(0) == null) {
            reply(update, text(language, Key.SUBSCRIBE_USAGE, exampleSlug()));
            return;
        }
        Optional<Category> category = categoryBySlug(command.arg(0)).filter(Category::active);
        if (category.isEmpty()) {
            reply(update, unknownCategory(language, command.arg(0)));
            return;
        }
        BigDecimal percent = null;
        if (command.arg(1) != null) {
            percent = Amounts.percent(command.arg(1));
            if (percent == null || percent.compareTo(BigDecimal.ONE) < 0 || percent.compareTo(BigDecimal.valueOf(99)) > 0) {
                reply(update, text(language, Key.BAD_PERCENT));
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
        reply(update, text(language, Key.SUBSCRIBED, category.get().name(), Amounts.percentText(effective)));
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

    private void unsubscribe(BotUpdate update, Language language, BotCommand command) {
        if (command.arg(0) == null) {
            reply(update, text(language, Key.UNSUBSCRIBE_USAGE, exampleSlug()));
            return;
        }
        // Also inactive categories: a user must be able to leave one that was switched off.
        Optional<Category> category = categoryBySlug(command.arg(0));
        if (category.isEmpty()) {
            reply(update, unknownCategory(language, command.arg(0)));
            return;
        }
        int removed = jdbc.update("DELETE FROM subscriptions WHERE chat_id = ? AND category_id = ?",
                update.chatId(), category.get().id());
        reply(update, text(language, removed == 0 ? Key.NOT_SUBSCRIBED : Key.UNSUBSCRIBED, category.get().name()));
    }

    private void track(BotUpdate update, Language language, BotCommand command) {
        if (command.arg(0) == null) {
            reply(update, text(language, Key.TRACK_USAGE));
            return;
        }
        Optional<ProductRef> product = ProductRef.parse(command.arg(0), defaultMarketplace);
        if (product.isEmpty()) {
            reply(update, text(language, Key.BAD_PRODUCT, echo(command.arg(0))));
            return;
        }
        BigDecimal target = null;
        if (command.arg(1) != null) {
            target = Amounts.parse(command.arg(1));
            target = target == null ? null : target.setScale(2, RoundingMode.HALF_UP);
            if (target == null || target.signum() <= 0 || target.precision() - target.scale() > PRICE_DIGITS) {
                reply(update, text(language, Key.BAD_PRICE));
                return;
            }
        }
        ProductRef ref = product.get();
        // A product the radar has not seen yet is checked first, so the user's watch has a price soon.
        jdbc.update("""
                INSERT INTO products (asin, marketplace, url, priority, next_check_at) VALUES (?, ?, ?, ?, now())
                ON CONFLICT (asin, marketplace) DO NOTHING""",
                ref.asin(), ref.marketplace(), ref.url(), trackPriority);
        jdbc.update("""
                INSERT INTO watches (chat_id, asin, marketplace, target_price) VALUES (?, ?, ?, ?)
                ON CONFLICT (chat_id, asin, marketplace) DO UPDATE SET target_price = EXCLUDED.target_price, active = TRUE""",
                update.chatId(), ref.asin(), ref.marketplace(), target);
        reply(update, target == null
                ? text(language, Key.TRACKING, ref.asin(), ref.marketplace(), ref.asin())
                : text(language, Key.TRACKING_TARGET, ref.asin(), ref.marketplace(), Amounts.priceText(target)));
    }

    private void untrack(BotUpdate update, Language language, BotCommand command) {
        if (command.arg(0) == null) {
            reply(update, text(language, Key.UNTRACK_USAGE));
            return;
        }
        Optional<ProductRef> product = ProductRef.parse(command.arg(0), defaultMarketplace);
        if (product.isEmpty()) {
            reply(update, text(language, Key.BAD_PRODUCT, echo(command.arg(0))));
            return;
        }
        ProductRef ref = product.get();
        // A bare ASIN names the product wherever the user tracks it; a link names its marketplace.
        boolean anyMarketplace = ProductRef.isAsin(command.arg(0).strip());
        int stopped = jdbc.update("""
                UPDATE watches SET active = FALSE
                WHERE chat_id = ? AND asin = ? AND active AND (? OR marketplace = ?)""",
                update.chatId(), ref.asin(), anyMarketplace, ref.marketplace());
        reply(update, text(language, stopped == 0 ? Key.NOT_TRACKED : Key.UNTRACKED, ref.asin()));
    }

    private void list(BotUpdate update, Language language) {
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
            reply(update, text(language, Key.LIST_EMPTY));
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
        reply(update, String.join("\n", lines));
    }

    private String unknownCategory(Language language, String given) {
        List<String> slugs = activeCategories().stream().map(Category::slug).toList();
        if (slugs.isEmpty()) {
            return text(language, Key.NO_CATEGORIES);
        }
        return text(language, Key.UNKNOWN_CATEGORY, echo(given), String.join(", ", slugs));
    }

    private String exampleSlug() {
        return activeCategories().stream().map(Category::slug).findFirst().orElse("electronics");
    }

    private void reply(BotUpdate update, String message) {
        outgoing.enqueue(chat(update), PURPOSE, "sendMessage", Map.of("text", message), null, null);
    }

    private static String chat(BotUpdate update) {
        return String.valueOf(update.chatId());
    }

    /** User input quoted back, cut short: a reply must stay within Telegram's 4096 characters. */
    private static String echo(String input) {
        return input.length() <= ECHO_LIMIT ? input : input.substring(0, ECHO_LIMIT) + "…";
    }

    private List<Category> activeCategories() {
        return jdbc.query("SELECT id, slug, name, min_discount_pct, active FROM categories WHERE active ORDER BY slug",
                (rs, i) -> new Category(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getBigDecimal(4), rs.getBoolean(5)));
    }

    private Optional<Category> categoryBySlug(String slug) {
        return jdbc.query("SELECT id, slug, name, min_discount_pct, active FROM categories WHERE lower(slug) = lower(?)",
                (rs, i) -> new Category(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getBigDecimal(4), rs.getBoolean(5)),
                slug).stream().findFirst();
    }

    private Optional<Category> categoryById(long id) {
        return jdbc.query("SELECT id, slug, name, min_discount_pct, active FROM categories WHERE id = ?",
                (rs, i) -> new Category(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getBigDecimal(4), rs.getBoolean(5)),
                id).stream().findFirst();
    }

    private record Category(long id, String slug, String name, BigDecimal minDiscount, boolean active) {
    }
}
