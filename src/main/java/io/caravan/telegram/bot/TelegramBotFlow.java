package io.caravan.telegram.bot;

import com.fasterxml.jackson.databind.JsonNode;

import io.caravan.ops.JobHeaders;
import io.caravan.telegram.TelegramProperties;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.camel.Exchange;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;

/**
 * What telegram-updates.yaml calls around each poll; each update fetched goes to direct:telegram-update
 * (routes/telegram-bot.yaml). Always present, so the route loads with the bot off (no token) or in webhook
 * mode; then no job is scheduled and a manual run says why nothing happens.
 */
@Component("telegramBot")
public class TelegramBotFlow {

    private final ObjectProvider<UpdatePoller> poller;
    private final TelegramProperties telegram;

    public TelegramBotFlow(ObjectProvider<UpdatePoller> poller, TelegramProperties telegram) {
        this.poller = poller;
        this.telegram = telegram;
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
        UpdatePoller poller = poller();
        List<JsonNode> updates = poller.fetch(deadline);
        exchange.getProperty(FETCHED, AtomicInteger.class).addAndGet(updates.size());
        exchange.setProperty("CaravanPollMore", poller.before(deadline));
        return updates;
    }

    /** Route step at the end: updates fetched (duplicates included) as CaravanRows. */
    public void endPoll(Exchange exchange) {
        exchange.getMessage().setHeader(JobHeaders.ROWS, exchange.getProperty(FETCHED, AtomicInteger.class).get());
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
}
