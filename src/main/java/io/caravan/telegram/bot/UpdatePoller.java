package io.caravan.telegram.bot;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * getUpdates for the telegram-updates job: long-polls from the stored offset for up to
 * {@code caravan.telegram.bot.poll-timeout}; the route hands each update to direct:telegram-update as it arrives. The run is bounded so the job
 * ends, records its run and lets Quartz fire it again (on whichever instance); the job is clustered and
 * non-concurrent, so there is never a second poller to cause a 409.
 */
public class UpdatePoller {

    private final BotApiClient client;
    private final UpdateHandler handler;
    private final Duration pollTimeout;
    private final Clock clock;

    public UpdatePoller(BotApiClient client, UpdateHandler handler, Duration pollTimeout, Clock clock) {
        this.client = client;
        this.handler = handler;
        this.pollTimeout = pollTimeout;
        this.clock = clock;
    }

    /** When a poll that starts now ends: caravan.telegram.poll-timeout from now. */
    public Instant deadline() {
        return clock.instant().plus(pollTimeout);
    }

    /** Whether a poll ending at {@code deadline} has time left for another getUpdates. */
    public boolean before(Instant deadline) {
        return clock.instant().isBefore(deadline);
    }

    /** One getUpdates from the stored offset, long-polling for what is left until {@code deadline}. */
    public List<JsonNode> fetch(Instant deadline) {
        // Rounded up: a wait of 0 with time left would spin on empty answers until the deadline.
        long wait = Math.max(0, (Duration.between(clock.instant(), deadline).toMillis() + 999) / 1000);
        return client.getUpdates(handler.offset(), wait);
    }
}
