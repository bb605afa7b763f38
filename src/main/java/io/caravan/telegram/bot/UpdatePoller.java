package io.caravan.telegram.bot;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * getUpdates for the telegram-updates job: long-polls from the stored offset for up to
 * {@code caravan.telegram.bot.poll-timeout}; the route hands each update to direct:telegram-update as it arrives. The run is bounded so the job
 * ends, records its run and lets Quartz fire it again (on whichever instance); the job is clustered and
 * non-concurrent, so there is never a second poller to cause a 409.
 *
 * <p>When the hub stops ({@link #stop()}, on Camel's context stopping), the getUpdates waiting in its long poll is
 * abandoned and no other is started: otherwise Camel's shutdown waits for the in-flight run for up to the whole
 * poll-timeout (25 s), on every restart. Nothing is lost: Telegram confirms updates only by the offset of the next
 * getUpdates, so what the abandoned call would have returned comes again to the next poller, on this hub or another.
 */
public class UpdatePoller {

    private static final Logger LOG = LoggerFactory.getLogger(UpdatePoller.class);

    private final BotApiClient client;
    private final UpdateHandler handler;
    private final Duration pollTimeout;
    private final Clock clock;
    private volatile boolean stopping;
    /** The thread waiting in getUpdates, interrupted by {@link #stop()}; guarded by this. */
    private Thread polling;

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

    /** Whether a poll ending at {@code deadline} has time left for another getUpdates (never once stopping). */
    public boolean before(Instant deadline) {
        return !stopping && clock.instant().isBefore(deadline);
    }

    /**
     * One getUpdates from the stored offset, long-polling for what is left until {@code deadline}; nothing once the
     * hub is stopping.
     */
    public List<JsonNode> fetch(Instant deadline) {
        // Rounded up: a wait of 0 with time left would spin on empty answers until the deadline.
        long wait = Math.max(0, (Duration.between(clock.instant(), deadline).toMillis() + 999) / 1000);
        synchronized (this) {
            if (stopping) {
                return List.of();
            }
            polling = Thread.currentThread();
        }
        try {
            return client.getUpdates(handler.offset(), wait);
        } catch (BotApiException e) {
            if (stopping) {
                return List.of();
            }
            throw e;
        } finally {
            synchronized (this) {
                polling = null;
                if (stopping) {
                    // Our own interrupt, not the caller's: the run still records its end in the database.
                    Thread.interrupted();
                }
            }
        }
    }

    /** The hub is stopping: abandon the getUpdates in its long poll (its thread is interrupted) and start no other. */
    public void stop() {
        synchronized (this) {
            stopping = true;
            if (polling != null) {
                LOG.info("Hub stopping: the getUpdates long poll in flight is abandoned (its updates come again to the next poll)");
                polling.interrupt();
            }
        }
    }
}
