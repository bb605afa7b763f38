package io.caravan.telegram.bot;

import io.caravan.ops.JobHeaders;
import io.caravan.telegram.TelegramProperties;
import java.time.Duration;
import org.apache.camel.Exchange;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * What telegram-updates.yaml calls. Always present, so the route loads with the bot off (no token) or in webhook
 * mode; then no job is scheduled and a manual run says why nothing happens.
 */
@Component("telegramBot")
public class TelegramBotFlow {

    /**
     * Telegram drops an update it could not deliver after 24 hours, so no re-delivery can be older than that; a
     * week leaves room for a hub that was down over a weekend.
     */
    static final Duration KEEP_UPDATE_IDS = Duration.ofDays(7);

    private final ObjectProvider<UpdatePoller> poller;
    private final TelegramProperties telegram;
    private final JdbcTemplate jdbc;

    public TelegramBotFlow(ObjectProvider<UpdatePoller> poller, TelegramProperties telegram, JdbcTemplate jdbc) {
        this.poller = poller;
        this.telegram = telegram;
        this.jdbc = jdbc;
    }

    public void pollUpdates(Exchange exchange) {
        UpdatePoller available = poller.getIfAvailable();
        if (available == null) {
            throw new IllegalStateException(telegram.token() == null || telegram.token().isBlank()
                    ? "the Telegram bot is off: set caravan.telegram.token"
                    : "caravan.telegram.mode is " + telegram.mode() + ": updates arrive at POST /telegram/webhook, not by polling");
        }
        exchange.getMessage().setHeader(JobHeaders.ROWS, available.poll());
    }

    /** Keeps telegram_updates from growing forever; it only has to cover Telegram's re-delivery window. */
    public void pruneUpdates(Exchange exchange) {
        int deleted = jdbc.update("DELETE FROM telegram_updates WHERE received_at < now() - ?::interval",
                KEEP_UPDATE_IDS.toSeconds() + " seconds");
        exchange.getMessage().setHeader(JobHeaders.ROWS, deleted);
    }
}
