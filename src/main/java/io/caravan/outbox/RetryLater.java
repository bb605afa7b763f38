package io.caravan.outbox;

import java.time.Duration;

/**
 * Thrown by a handler route (or found among an exception's causes) when the outside service said when to try again,
 * e.g. a 429's {@code Retry-After}: the event's next attempt waits at least that long, instead of only the outbox's
 * backoff. It still counts as a failed attempt.
 */
public class RetryLater extends RuntimeException {

    private final Duration after;

    public RetryLater(Duration after, String message) {
        super(message);
        this.after = after.isNegative() ? Duration.ZERO : after;
    }

    public Duration after() {
        return after;
    }

    /** The longest wait asked for anywhere in the cause chain, or zero. */
    static Duration in(Throwable error) {
        Duration longest = Duration.ZERO;
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof RetryLater later && later.after.compareTo(longest) > 0) {
                longest = later.after;
            }
        }
        return longest;
    }
}
