package io.caravan.core.budget;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a gate drawing from {@link ClusterBudgets} does while the shared Redis cannot be reached, kept in one place for
 * every such gate (the Telegram send gate, the Creators API pace). On Redis's first failure the hub keeps to its local
 * share (the gate's own), says so once in the log and in {@code caravan_budget_fallback{budget}}, and tries Redis again
 * every {@code caravan.cluster.redis-retry}; the gauge goes back to 0 when Redis answers.
 * <p>
 * Neither switch may let a window of the outside service see more than its budget, so this also keeps the two instants
 * the gates need: when Redis was lost (what the cluster sent in the current window is unknown here, so a gate sends
 * nothing for one window: {@link #quietFor}) and when it answered again (Redis knows nothing of this hub's local sends
 * and other hubs may still be on their share, so for redis-retry plus one window a call also needs room in the local
 * share: {@link #returning}).
 * <p>
 * Instants are {@link System#nanoTime()} values, compared by difference so that no origin overflows.
 */
public final class RedisFallback {

    private static final Logger LOG = LoggerFactory.getLogger(RedisFallback.class);

    private final String budgets;
    private final String localShare;
    private final long retryNanos;
    private final LongSupplier clock;
    /** On the local share, not even trying Redis, until {@link #localUntil}. */
    private volatile boolean local;
    private volatile long localUntil;
    /** From Redis's first failure until it answers again: what {@code caravan_budget_fallback} says. */
    private volatile boolean degraded;
    private volatile boolean everLost;
    private volatile long lostAt;
    private volatile boolean everAnswered;
    private volatile long answeredAt;

    /**
     * @param tag        the gauge's {@code budget} tag: {@code telegram}, {@code amazon}
     * @param budgets    what the cluster shares, for the log: "Telegram budgets"
     * @param localShare what the hub does meanwhile, for the log: "this hub sends at its local share of each budget"
     */
    public RedisFallback(String tag, String budgets, String localShare, Duration retry, MeterRegistry meters, LongSupplier clock) {
        this.budgets = budgets;
        this.localShare = localShare;
        this.retryNanos = retry.toNanos();
        this.clock = clock;
        Gauge.builder("caravan.budget.fallback", this, fallback -> fallback.degraded ? 1 : 0)
                .description("1 while this hub keeps to its local share of a cluster budget because Redis is unreachable")
                .tag("budget", tag).register(meters);
    }

    /** True while the hub keeps to its local share without asking Redis; false when it is time to ask Redis (again). */
    public boolean onLocalShare() {
        if (!local) {
            return false;
        }
        if (clock.getAsLong() - localUntil < 0) {
            return true;
        }
        local = false;
        LOG.info("Trying the cluster's {} in Redis again", budgets);
        return false;
    }

    /**
     * Redis failed: the local share for the next {@code redis-retry}.
     *
     * @return true when this failure began the outage (the gate's quiet window starts now)
     */
    public synchronized boolean lost(RuntimeException e) {
        long now = clock.getAsLong();
        localUntil = now + retryNanos;
        local = true;
        if (degraded) {
            return false;
        }
        lostAt = now;
        everLost = true;
        degraded = true;
        LOG.warn("Redis is unreachable ({}): {} until it is back", e.getMessage(), localShare);
        return true;
    }

    /** Redis answered a call. */
    public void answered() {
        if (!degraded) { // the common case, without the lock
            return;
        }
        answeredOnce();
    }

    /** Redis answered while degraded: one switch back, however many calls answer at once. */
    private synchronized void answeredOnce() {
        if (!degraded) {
            return;
        }
        answeredAt = clock.getAsLong();
        everAnswered = true;
        degraded = false;
        LOG.info("Redis answers again: this hub is back on the cluster's {} (also within its local share for the next {} ms "
                + "and one window)", budgets, retryNanos / 1_000_000);
    }

    /** Since Redis's first failure, until it answers again. */
    public boolean degraded() {
        return degraded;
    }

    /** How long a gate with this window still sends nothing after losing Redis: zero or less when it may send. */
    public long quietFor(long windowNanos) {
        return everLost ? lostAt + windowNanos - clock.getAsLong() : 0;
    }

    /**
     * Whether a call through Redis must also find room in the local share: while degraded (this call is a retry, and
     * if Redis answers it is the first of those) and for {@code redis-retry} plus one window after Redis answered.
     */
    public boolean returning(long windowNanos) {
        return degraded || everAnswered && clock.getAsLong() - (answeredAt + retryNanos + windowNanos) < 0;
    }
}
