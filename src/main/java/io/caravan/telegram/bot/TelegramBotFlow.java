package io.caravan.telegram.bot;

import com.fasterxml.jackson.databind.JsonNode;

import io.caravan.ops.JobHeaders;
import io.caravan.telegram.TelegramProperties;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.camel.Exchange;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * What telegram-updates.yaml calls around each poll; each update fetched goes to direct:telegram-update
 * (routes/telegram-bot.yaml). Always present, so the route loads with the bot off (no token) or in webhook
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

    private static final String DEADLINE = "CaravanPollDeadline";
    private static final String FETCHED = "CaravanPollFetched";

    /** The telegram-updates route's first step: the poll's deadline (caravan.telegram.poll-timeout from now). */
    public void startPoll(Exchange exchange) {
        exchange.setProperty(DEADLINE, poller().deadline());
        exchange.setProperty(FETCHED, new AtomicInteger());
        exchange.setProperty("CaravanPollMore", true);
    }

    /** Route step: getUpdates from the offset in bot_state, long-polling for what is left of the poll; body the updates. */
    public List<JsonNode> fetchUpdates(Exchange exchange) {
        Instant deadline = exchange.getProperty(DEADLINE, Instant.class);
        List<JsonNode> updates = poller().fetch(deadline);
        exchange.getProperty(FETCHED, AtomicInteger.class).addAndGet(updates.size());
        exchange.setProperty("CaravanPollMore", poller().before(deadline));
        return updates;
    }

    /** Route step at the end: updates fetched (duplicates included) as CaravanRows. */
    public void endPoll(Exchange exchange) {
        exchange.getMessage().setHeader(JobHeaders.ROWS, exchange.getProperty(FETCHED, AtomicInteger.class).get());
    }

    /** The whole poll in one call (what the route does step by step). */
    public void pollUpdates(Exchange exchange) {
        exchange.getMessage().setHeader(JobHeaders.ROWS, poller().poll());
    }

    private UpdatePoller poller() {
        UpdatePoller available = poller.getIfAvailable();
        if (available == null) {
            throw new IllegalStateException(telegram.token() == null || telegram.token().isBlank()
                    ? "the Telegram bot is off: set caravan.telegram.token"
                    : "caravan.telegram.mode is " + telegram.mode() + ": updates arrive at POST /telegram/webhook, not by polling");
        }
        return available;
    }

    /** Keeps telegram_updates from growing forever; it only has to cover Telegram's re-delivery window. */
    public void pruneUpdates(Exchange exchange) {
        int deleted = jdbc.update("DELETE FROM telegram_updates WHERE received_at < now() - ?::interval",
                KEEP_UPDATE_IDS.toSeconds() + " seconds");
        exchange.getMessage().setHeader(JobHeaders.ROWS, deleted);
    }
}
