package io.caravan.amazon;

import io.caravan.core.budget.ClusterBudgets;
import io.caravan.core.budget.ClusterProperties;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Creators API's per-second rate of one credential as a budget of the whole cluster: every hub and every job
 * (discovery and price checks together) takes its send slot from one sliding log in the shared Redis, counted when
 * the request goes out, so N hubs together never send more than the rate. Without Redis a hub spaces its calls
 * {@code caravan.cluster.expected-instances} times wider, logs it and sets {@code caravan_budget_fallback}, and tries
 * Redis again after {@code caravan.cluster.redis-retry}. As the Telegram gate: after losing Redis a hub waits one
 * window (what the cluster sent in it is unknown) before its local pace starts, and for {@code redis-retry} plus one
 * window after Redis is back a call needs its local slot as well as Redis's (other hubs may still be on their share).
 */
public final class ClusterPace {

    private static final Logger LOG = LoggerFactory.getLogger(ClusterPace.class);
    /** Waiting when the log is full of calls in flight (none here, but the script may say so): poll this often. */
    private static final long POLL_NANOS = Duration.ofMillis(20).toNanos();

    private final ClusterBudgets redis;
    private final ClusterBudgets.Budget normal;
    private final ClusterBudgets.Budget slow;
    private final long localGapNanos;
    private final long retryNanos;
    private final AtomicLong nextLocalSlot = new AtomicLong(System.nanoTime());
    private volatile long localUntil = Long.MIN_VALUE;
    private volatile boolean local;
    /** From Redis's first failure until it answers again: what {@code caravan_budget_fallback} says. */
    private volatile boolean degraded;
    private volatile long cappedUntil = System.nanoTime();

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
        this.retryNanos = cluster.redisRetry().toNanos();
        Gauge.builder("caravan.budget.fallback", this, pace -> pace.degraded ? 1 : 0)
                .description("1 while this hub keeps to its local share of a cluster budget because Redis is unreachable")
                .tag("budget", "amazon").register(meters);
    }

    /** Blocks until this request may go out. */
    void await(boolean slowed) throws InterruptedException {
        ClusterBudgets.Budget budget = slowed ? slow : normal;
        boolean localSlot = false;
        while (true) {
            if (local && System.nanoTime() - localUntil < 0) {
                awaitLocalSlot(slowed);
                return;
            }
            if (local) {
                local = false;
                LOG.info("Trying the cluster's Creators API pace in Redis again");
            }
            ClusterBudgets.Decision decision;
            if (!localSlot && System.nanoTime() - cappedUntil < 0) {
                awaitLocalSlot(slowed);
                localSlot = true;
            }
            try {
                decision = redis.tryTake(List.of(budget));
            } catch (RuntimeException e) {
                long now = System.nanoTime();
                localUntil = now + retryNanos;
                local = true;
                if (!degraded) {
                    degraded = true;
                    // Nothing for one window: the cluster's calls in it are not known here.
                    nextLocalSlot.accumulateAndGet(now + normal.window().toNanos(), Math::max);
                    LOG.warn("Redis is unreachable ({}): this hub paces Creators API calls at 1/{} of the rate until it is back",
                            e.getMessage(), Math.max(1, localGapNanos / Math.max(1, (long) (normal.window().toNanos() / normal.count()))));
                }
                continue;
            }
            if (degraded) {
                degraded = false;
                cappedUntil = System.nanoTime() + retryNanos + normal.window().toNanos();
                LOG.info("Redis answers again: back on the cluster's Creators API pace (within the local pace for the next {} ms)",
                        (retryNanos + normal.window().toNanos()) / 1_000_000);
            }
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
        return degraded;
    }
}
