package io.caravan.telegram.gate;

import io.caravan.telegram.TelegramProperties;
import java.time.Duration;

/**
 * What the {@code telegram-history-prune} route needs to know: the queue and the post log grow with every deal, but
 * only two things need them later — a pending message (still to send) and the posts of a deal that is still active
 * (its expiry edits them). Everything else older than {@code caravan.telegram.retention} goes; the route's
 * {@code sql:} steps delete it.
 */
public class TelegramHistory {

    private final Duration retention;

    public TelegramHistory(TelegramProperties telegram) {
        this.retention = telegram.retention();
    }

    /** caravan.telegram.retention as a PostgreSQL interval, e.g. "2592000 seconds". */
    public String retention() {
        return retention.toSeconds() + " seconds";
    }
}
