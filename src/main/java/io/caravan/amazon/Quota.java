package io.caravan.amazon;

import java.time.Duration;

/** What the client asks before each call and reports after a throttle; one per credential. */
public interface Quota {

    /** Blocks until a call may go out; throws {@link QuotaExhaustedException} when today's budget is spent. */
    void acquire(String operation);

    /** Amazon said 429: wait at least {@code retryAfter} and slow down. */
    void throttled(Duration retryAfter);

    Quota UNLIMITED = new Quota() {
        @Override
        public void acquire(String operation) {
        }

        @Override
        public void throttled(Duration retryAfter) {
        }
    };
}
