package io.caravan.amazon;

import java.time.LocalDate;
import java.time.ZoneOffset;

/**
 * The daily budget as the {@code creators:} endpoint spends it: requests are reserved from {@link Quota} in blocks
 * (one database statement per block, sized by how many calls the caller announced, e.g. what is left of a split) and
 * handed out one per call from memory. What a block has left is given back as soon as no call is in flight, so the
 * day's count is exactly the requests sent once the callers are done, and no route — nor two at once — can spend
 * more than the day's budget.
 */
final class CreatorsPermits {

    private final Quota quota;
    private Quota.Block block;
    private int held;
    private int inFlight;

    CreatorsPermits(Quota quota) {
        this.quota = quota;
    }

    /**
     * Takes one request of today's budget, reserving up to {@code ahead} at once when none is held.
     *
     * @throws QuotaExhaustedException when the day's budget is spent (nothing is sent)
     */
    synchronized void take(int ahead) {
        if (held > 0 && block.day() != null && !block.day().equals(LocalDate.now(ZoneOffset.UTC))) {
            // A new UTC day: yesterday's leftovers count for yesterday.
            quota.giveBack(block, held);
            held = 0;
        }
        if (held == 0) {
            Quota.Block reserved = quota.reserve(Math.max(1, ahead));
            if (reserved.granted() <= 0) {
                throw new QuotaExhaustedException("the Creators API budget for today (UTC) is spent "
                        + "(caravan.amazon.requests-per-day); calls resume tomorrow");
            }
            block = reserved;
            held = reserved.granted();
        }
        held--;
        inFlight++;
    }

    /** The call went out (or failed after going out): its request stays counted. */
    synchronized void sent() {
        inFlight--;
        returnIfIdle();
    }

    /** The call never went out (interrupted while paced): its request goes back to the pool. */
    synchronized void unsent() {
        inFlight--;
        held++;
        returnIfIdle();
    }

    /** For tests: requests reserved but not yet used. */
    synchronized int held() {
        return held;
    }

    private void returnIfIdle() {
        if (inFlight == 0 && held > 0) {
            quota.giveBack(block, held);
            held = 0;
        }
    }
}
