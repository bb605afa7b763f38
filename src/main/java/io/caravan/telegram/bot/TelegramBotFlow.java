package io.caravan.telegram.bot;

import io.caravan.ops.JobHeaders;
import io.caravan.telegram.TelegramProperties;
import org.apache.camel.Exchange;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;

/**
 * What telegram-updates.yaml calls. Always present, so the route loads with the bot off (no token) or in webhook
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

    public void pollUpdates(Exchange exchange) {
        UpdatePoller available = poller.getIfAvailable();
        if (available == null) {
            throw new IllegalStateException(telegram.token() == null || telegram.token().isBlank()
                    ? "the Telegram bot is off: set caravan.telegram.token"
                    : "caravan.telegram.mode is " + telegram.mode() + ": updates arrive at POST /telegram/webhook, not by polling");
        }
        exchange.getMessage().setHeader(JobHeaders.ROWS, available.poll());
    }
}
