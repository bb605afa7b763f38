package io.caravan.amazon;

import java.time.Duration;
import java.time.LocalDate;

/**
 * What the client asks before each call and reports after a throttle; one per credential. Two ways to count the
 * daily budget: {@link #acquire} counts one request at a time (discovery, single calls), {@link #reserve} takes a
 * block of requests in one step for a caller that knows how many it is about to make (the price checks' claim
 * chunk), which then only {@link #pace}s each call and {@link #giveBack}s what it did not send.
 */
public interface Quota {

    /** Counts one request against today's budget and blocks until it may go out; throws {@link QuotaExhaustedException} when the budget is spent. */
    void acquire(String operation);

    /**
     * Counts one request against today's budget without waiting for its per-second slot, which the caller takes with
     * {@link #pace} when the request is about to go on the wire (after the token is in hand and the connection is
     * open), so a slow token fetch or connect never pushes a call into the next call's second. Throws
     * {@link QuotaExhaustedException} when the budget is spent. A quota that only implements {@link #acquire} counts
     * and paces there.
     */
    default void count(String operation) {
        acquire(operation);
    }

    /** Amazon said 429: wait at least {@code retryAfter} and slow down. */
    void throttled(Duration retryAfter);

    /**
     * Takes up to {@code requests} of today's budget in one step; fewer (or none) when less is left. Never grants
     * more than the day's budget, across every instance sharing it.
     */
    default Block reserve(int requests) {
        return new Block(null, requests);
    }

    /** Blocks until one request of an already reserved block may go out (per-second limit, throttle pause). */
    default void pace(String operation) {
    }

    /** Returns {@code unused} requests of {@code block} that were never sent, so they count for nothing. */
    default void giveBack(Block block, int unused) {
    }

    /** Requests reserved on one UTC {@code day} (null where no day is counted). */
    record Block(LocalDate day, int granted) {
    }

    Quota UNLIMITED = new Quota() {
        @Override
        public void acquire(String operation) {
        }

        @Override
        public void throttled(Duration retryAfter) {
        }
    };
}
