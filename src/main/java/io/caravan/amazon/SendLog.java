package io.caravan.amazon;

import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * The sends of one hub as a sliding log: at most {@code count} in any {@code window}, and consecutive sends at least
 * {@code window / count} apart, counted by the moment each request actually goes on the wire. The check and the
 * record are one step taken right before the request is written, so a request that leaves late is logged late and
 * the ones after it wait for it: unlike reserved slots (a slot handed out for 0.95 s, used at 1.10 s, beside the
 * slots of 1.2, 1.45 and 1.7 s), no window can hold more than {@code count}.
 */
final class SendLog {

    private final int count;
    private final long windowNanos;
    private final long gapNanos;
    private final LongSupplier nanoClock;
    /** The last {@code count} sends (System.nanoTime), a ring; {@code oldest} is where the next one goes. */
    private final long[] sends;
    private int oldest;
    private long last;
    private long notBefore;

    SendLog(int count, Duration window, LongSupplier nanoClock) {
        if (count < 1 || window.isNegative() || window.isZero()) {
            throw new IllegalArgumentException("a send log needs at least one send per positive window, got " + count + " per " + window);
        }
        this.count = count;
        this.windowNanos = window.toNanos();
        this.gapNanos = windowNanos / count;
        this.nanoClock = nanoClock;
        long never = nanoClock.getAsLong() - 2 * windowNanos;
        this.sends = new long[count];
        java.util.Arrays.fill(sends, never);
        this.last = never;
        this.notBefore = never;
    }

    /**
     * The log of a per-second rate kept with a safety margin: {@code floor(rate)} sends (at least one) per window of
     * {@code floor(rate) / (rate * (1 - margin))} seconds, stretched {@code share} times for a hub that may use only
     * one share of the rate. With a 10 % margin a request may reach the receiver up to a tenth of a window later than
     * it was logged (send jitter, scheduling, the network) and no second there still holds more than the rate.
     */
    static SendLog forRate(double perSecond, double margin, int share, LongSupplier nanoClock) {
        int count = Math.max(1, (int) Math.floor(perSecond));
        return new SendLog(count, window(perSecond, margin).multipliedBy(Math.max(1, share)), nanoClock);
    }

    static Duration window(double perSecond, double margin) {
        int count = Math.max(1, (int) Math.floor(perSecond));
        return Duration.ofNanos(Math.round(count / (perSecond * (1 - margin)) * 1e9));
    }

    /** Blocks until a send fits the log and records it, at that moment; returns that moment (the log's nano clock). */
    long await() throws InterruptedException {
        while (true) {
            long wait;
            long at;
            synchronized (this) {
                wait = tryRecord();
                at = last;
            }
            if (wait <= 0) {
                return at;
            }
            Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
        }
    }

    /** Records a send now if it fits; else how many nanoseconds until it may. */
    synchronized long tryRecord() {
        long now = nanoClock.getAsLong();
        long earliest = Math.max(Math.max(sends[oldest] + windowNanos, last + gapNanos), notBefore);
        if (now - earliest < 0) {
            return earliest - now;
        }
        sends[oldest] = now;
        oldest = (oldest + 1) % count;
        last = now;
        return 0;
    }

    /** No send before {@code nanos} from now (sends elsewhere that this log cannot see may fill it until then). */
    synchronized void holdFor(long nanos) {
        long until = nanoClock.getAsLong() + nanos;
        if (until - notBefore > 0) {
            notBefore = until;
        }
    }

    Duration window() {
        return Duration.ofNanos(windowNanos);
    }
}
