package io.caravan.amazon;

import io.caravan.core.budget.ClusterBudgets;
import io.caravan.core.budget.ClusterProperties;
import io.caravan.core.budget.RedisFallback;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The Creators API's per-second rate of one credential as a budget of the whole cluster: every hub and every job
 * (discovery and price checks together) takes its send slot from one sliding log in the shared Redis, counted when
 * the request goes out, so N hubs together never send more than the rate. Without Redis a hub spaces its calls
 * {@code caravan.cluster.expected-instances} times wider, as {@link RedisFallback} describes: it waits one window after
 * losing Redis before its local pace starts, and for {@code redis-retry} plus one window after Redis answers again a
 * call needs its local slot as well as Redis's.
 */
public final class ClusterPace {

    /** Waiting when the log is full of calls in flight (none here, but the script may say so): poll this often. */
    private static final long POLL_NANOS = Duration.ofMillis(20).toNanos();

    private final ClusterBudgets redis;
    private final RedisFallback fallback;
    private final ClusterBudgets.Budget normal;
    private final ClusterBudgets.Budget slow;
    private final long localGapNanos;
    private final AtomicLong nextLocalSlot = new AtomicLong(System.nanoTime());

    /**
     * @param headroom how much wider than 1/rate the window is (the same send-lag allowance as the local pacing)
     */
    public ClusterPace(ClusterBudgets redis, ClusterProperties cluster, String credential, double perSecond, double headroom,
                       MeterRegistry meters) {
        this.redis = redis;
        int count = Math.max(1, (int) Math.floor(perSecond));
        Duration window = Duration.ofNanos(Math.round(count / perSecond * headroom * 1e9));
        String key = "amazon:" + Integer.toHexString(credential.hashCode()) + ":rate";
        this.normal = new ClusterBudgets.Budget(key, count, window, false);
        // After a 429 the whole cluster goes at half the rate: the same log with a window twice as long.
        this.slow = new ClusterBudgets.Budget(key, count, window.multipliedBy(2), false);
        this.localGapNanos = (long) (1e9 / perSecond * headroom * cluster.expectedInstances());
        this.fallback = new RedisFallback("amazon", "Creators API pace",
                "this hub paces Creators API calls at 1/" + cluster.expectedInstances() + " of the rate",
                cluster.redisRetry(), meters, System::nanoTime);
    }

    /** Blocks until this request may go out. */
    void await(boolean slowed) throws InterruptedException {
        ClusterBudgets.Budget budget = slowed ? slow : normal;
        long windowNanos = normal.window().toNanos();
        boolean localSlot = false;
        while (true) {
            if (fallback.onLocalShare()) {
                if (!localSlot) {
                    awaitLocalSlot(slowed);
                }
                return;
            }
            if (!localSlot && fallback.returning(windowNanos)) {
                awaitLocalSlot(slowed);
                localSlot = true;
            }
            ClusterBudgets.Decision decision;
            try {
                decision = redis.tryTake(List.of(budget));
            } catch (RuntimeException e) {
                if (fallback.lost(e)) {
                    // Nothing for one window: the cluster's calls in it are not known here, so a slot taken before counts not.
                    nextLocalSlot.accumulateAndGet(System.nanoTime() + windowNanos, Math::max);
                    localSlot = false;
                }
                continue;
            }
            fallback.answered();
            if (decision.granted()) {
                return;
            }
            long wait = decision.waitFor() == null ? POLL_NANOS : decision.waitFor().toNanos();
            Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
        }
    }

    private void awaitLocalSlot(boolean slowed) throws InterruptedException {
        long gap = slowed ? 2 * localGapNanos : localGapNanos;
        long slot = nextLocalSlot.getAndUpdate(previous -> Math.max(previous, System.nanoTime()) + gap);
        long wait = slot - System.nanoTime();
        if (wait > 0) {
            Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
        }
    }

    boolean isLocal() {
        return fallback.degraded();
    }
}
