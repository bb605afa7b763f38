package io.caravan.telegram.bot;

import static io.caravan.telegram.Messages.text;

import io.caravan.telegram.Language;
import io.caravan.telegram.Messages.Key;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Optional;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Watches on single products: /track (an ASIN or an Amazon link, optionally a target price) and /untrack. Each
 * runs in the update's transaction (route telegram-bot-command) and queues its reply.
 */
public class WatchCommands {

    /** NUMERIC(14, 2): twelve digits before the decimal point. */
    private static final int PRICE_DIGITS = 12;

    private final JdbcTemplate jdbc;
    private final BotReplies replies;
    private final int trackPriority;
    private final String defaultMarketplace;
    private final HistoryCommands history;

    public WatchCommands(JdbcTemplate jdbc, BotReplies replies, int trackPriority, String defaultMarketplace,
                         HistoryCommands history) {
        this.history = history;
        this.jdbc = jdbc;
        this.replies = replies;
        this.trackPriority = trackPriority;
        this.defaultMarketplace = defaultMarketplace;
    }

    /** /track &lt;ASIN or link&gt; [target price]: the watch, and the product if the radar has not seen it yet. */
    public void track(BotUpdate update) {
        Language language = update.language();
        BotCommand command = BotUpdates.command(update);
        Optional<ProductRef> product = productArgument(replies, update, command, Key.TRACK_USAGE, defaultMarketplace);
        if (product.isEmpty()) {
            return;
        }
        BigDecimal target = null;
        if (command.arg(1) != null) {
            target = Amounts.parse(command.arg(1));
            target = target == null ? null : target.setScale(2, RoundingMode.HALF_UP);
            if (target == null || target.signum() <= 0 || target.precision() - target.scale() > PRICE_DIGITS) {
                replies.reply(update, text(language, Key.BAD_PRICE));
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
        String answer = target == null
                ? text(language, Key.TRACKING, ref.asin(), ref.marketplace(), ref.asin())
                : text(language, Key.TRACKING_TARGET, ref.asin(), ref.marketplace(), Amounts.priceText(target));
        // Once the product has history, the answer comes with its chart and context line.
        if (!history.replyWithChart(update, ref, answer)) {
            replies.reply(update, answer);
        }
    }

    /** /untrack &lt;ASIN or link&gt;: a bare ASIN ends the watch on any marketplace, a link on its own. */
    public void untrack(BotUpdate update) {
        Language language = update.language();
        BotCommand command = BotUpdates.command(update);
        Optional<ProductRef> product = productArgument(replies, update, command, Key.UNTRACK_USAGE, defaultMarketplace);
        if (product.isEmpty()) {
            return;
        }
        ProductRef ref = product.get();
        // A bare ASIN names the product wherever the user tracks it; a link names its marketplace.
        boolean anyMarketplace = ProductRef.isAsin(command.arg(0).strip());
        int stopped = jdbc.update("""
                UPDATE watches SET active = FALSE
                WHERE chat_id = ? AND asin = ? AND active AND (? OR marketplace = ?)""",
                update.chatId(), ref.asin(), anyMarketplace, ref.marketplace());
        replies.reply(update, text(language, stopped == 0 ? Key.NOT_TRACKED : Key.UNTRACKED, ref.asin()));
    }

    /** The command's product (an ASIN or a link); empty after replying with the usage or why it is not one. */
    static Optional<ProductRef> productArgument(BotReplies replies, BotUpdate update, BotCommand command, Key usage,
                                                String defaultMarketplace) {
        if (command.arg(0) == null) {
            replies.reply(update, text(update.language(), usage));
            return Optional.empty();
        }
        Optional<ProductRef> product = ProductRef.parse(command.arg(0), defaultMarketplace);
        if (product.isEmpty()) {
            replies.reply(update, text(update.language(), Key.BAD_PRODUCT, BotReplies.echo(command.arg(0))));
        }
        return product;
    }
}
