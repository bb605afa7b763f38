package io.caravan.telegram.bot;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * One run of the telegram-updates job: long-polls getUpdates from the stored offset for up to
 * {@code caravan.telegram.bot.poll-timeout}, handling each update as it arrives. The run is bounded so the job
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

    /** @return how many updates were fetched (duplicates included) */
    public int poll() {
        Instant deadline = clock.instant().plus(pollTimeout);
        int fetched = 0;
        do {
            // Rounded up: a wait of 0 with time left would spin on empty answers until the deadline.
            long wait = Math.max(0, (Duration.between(clock.instant(), deadline).toMillis() + 999) / 1000);
            List<JsonNode> updates = client.getUpdates(handler.offset(), wait);
            for (JsonNode update : updates) {
                handler.handle(update, true);
            }
            fetched += updates.size();
        } while (clock.instant().isBefore(deadline));
        return fetched;
    }
}
