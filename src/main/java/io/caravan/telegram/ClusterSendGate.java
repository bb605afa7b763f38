package io.caravan.telegram;

import io.caravan.core.budget.ClusterBudgets;
import io.caravan.core.budget.ClusterProperties;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The send gate of a cluster: the global, per-channel/group and per-private-chat budgets (and one call in flight per
 * chat) are kept in Redis and shared by every hub, so three hubs together send no more than one would. When Redis
 * cannot be reached the hub keeps to its own share, each budget divided by {@code caravan.cluster.expected-instances}
 * (the local {@link SendGate} this class extends), says so in the log and in {@code caravan_budget_fallback}, and tries
 * Redis again after {@code caravan.cluster.redis-retry}.
 * <p>
 * Neither switch may let a window see more than its budget. Losing Redis also loses what the cluster sent in the
 * current windows, so a hub sends nothing for one window after it (a second; a minute for channels and groups) before
 * its local share starts. Coming back, Redis knows nothing of the hubs' local sends, and other hubs may still be on
 * their share, so for {@code redis-retry} plus one window a send needs room in the local share as well as in Redis.
 */
public final class ClusterSendGate extends SendGate {

    private static final Logger LOG = LoggerFactory.getLogger(ClusterSendGate.class);
    /** As the local gate: a little wider than Telegram's window for the difference between clocks. */
    private static final Duration SAFETY = Duration.ofMillis(5);

    /** @param local the call also holds a permit of the local share */
    private record Held(String token, List<ClusterBudgets.Budget> budgets, boolean local) {
    }

    private final ClusterBudgets redis;
    private final ClusterBudgets.Budget global;
    private final Budget group;
    private final Budget privateChat;
    private final long retryNanos;
    private final long secondNanos;
    private final long groupNanos;
    private final Map<String, Held> held = new ConcurrentHashMap<>();
    private final AtomicLong localUntil = new AtomicLong(Long.MIN_VALUE);
    private volatile boolean local;
    /** From Redis's first failure until it answers again: what {@code caravan_budget_fallback} says. */
    private volatile boolean degraded;
    private volatile long quietUntil;
    private volatile long groupQuietUntil;
    private volatile long cappedUntil;
    private volatile long groupCappedUntil;

    public ClusterSendGate(TelegramProperties.Limits limits, ClusterBudgets redis, ClusterProperties cluster, MeterRegistry meters) {
        super(share(Budget.perSecond(limits.globalPerSecond()), cluster.expectedInstances()),
                share(Budget.perMinute(limits.perGroupPerMinute()), cluster.expectedInstances()),
                share(Budget.perSecond(limits.perPrivateChatPerSecond()), cluster.expectedInstances()), System::nanoTime);
        this.redis = redis;
        Budget all = Budget.perSecond(limits.globalPerSecond());
        this.global = new ClusterBudgets.Budget("telegram:global", all.count(), all.window().plus(SAFETY), false);
        this.group = Budget.perMinute(limits.perGroupPerMinute());
        this.privateChat = Budget.perSecond(limits.perPrivateChatPerSecond());
        this.retryNanos = cluster.redisRetry().toNanos();
        this.secondNanos = Math.max(global.window().toNanos(), privateChat.window().toNanos()) + SAFETY.toNanos();
        this.groupNanos = group.window().toNanos() + SAFETY.toNanos();
        long now = System.nanoTime();
        this.quietUntil = now;
        this.groupQuietUntil = now;
        this.cappedUntil = now;
        this.groupCappedUntil = now;
        Gauge.builder("caravan.budget.fallback", this, gate -> gate.degraded ? 1 : 0)
                .description("1 while this hub keeps to its local share of a cluster budget because Redis is unreachable")
                .tag("budget", "telegram").register(meters);
    }

    /** A budget's share for one of {@code instances} hubs: fewer calls in the same window (at least one). */
    static Budget share(Budget budget, int instances) {
        if (budget.count() >= instances) {
            return new Budget(budget.count() / instances, budget.window());
        }
        return new Budget(1, Duration.ofNanos(budget.window().toNanos() * instances / budget.count() + 1));
    }

    @Override
    public Decision tryAcquire(String chatId) {
        if (useLocal()) {
            return tryLocal(chatId);
        }
        // A 429's retry_after, to the nanosecond on this hub (telegram_chats.paused_until tells the other hubs).
        Duration paused = pausedFor(chatId);
        if (!paused.isZero()) {
            return new Decision(false, paused, false);
        }
        long now = System.nanoTime();
        // Degraded: this is a retry, and if Redis answers, this very call is the first of the capped ones.
        boolean capped = degraded || now - cappedUntil < 0 || isGroup(chatId) && now - groupCappedUntil < 0;
        if (capped) {
            // Still quiet after the outage began, where it was shorter than a window: Redis may have lost what was sent.
            Decision share = tryLocal(chatId);
            if (!share.granted()) {
                return share;
            }
        }
        Budget budget = isGroup(chatId) ? group : privateChat;
        List<ClusterBudgets.Budget> budgets = List.of(
                new ClusterBudgets.Budget("telegram:chat:" + chatId, budget.count(), budget.window().plus(SAFETY), true), global);
        ClusterBudgets.Decision decision;
        try {
            decision = redis.tryAcquire(budgets);
        } catch (RuntimeException e) {
            if (capped) {
                super.release(chatId, false);
            }
            goLocal(e);
            return tryLocal(chatId);
        }
        redisAnswered();
        if (decision.granted()) {
            held.put(chatId, new Held(decision.token(), budgets, capped));
            return new Decision(true, Duration.ZERO, false);
        }
        if (capped) {
            super.release(chatId, false);
        }
        return new Decision(false, decision.waitFor(), decision.refusedBy() == 1);
    }

    /** The local share, after the window that follows losing Redis. */
    private Decision tryLocal(String chatId) {
        long now = System.nanoTime();
        if (now - quietUntil < 0) {
            return new Decision(false, Duration.ofNanos(quietUntil - now), true);
        }
        if (isGroup(chatId) && now - groupQuietUntil < 0) {
            return new Decision(false, Duration.ofNanos(groupQuietUntil - now), false);
        }
        return super.tryAcquire(chatId);
    }

    @Override
    public void release(String chatId, boolean called) {
        Held permit = held.remove(chatId);
        if (permit == null) {
            super.release(chatId, called);
            return;
        }
        if (permit.local()) {
            super.release(chatId, called);
        }
        try {
            redis.release(permit.token(), permit.budgets(), called);
        } catch (RuntimeException e) {
            // The call stays counted as in flight until its lease runs out: the cluster errs on the slow side.
            goLocal(e);
        }
    }

    private boolean useLocal() {
        if (!local) {
            return false;
        }
        if (System.nanoTime() - localUntil.get() < 0) {
            return true;
        }
        local = false;
        LOG.info("Trying the cluster's Telegram budgets in Redis again");
        return false;
    }

    private void goLocal(RuntimeException e) {
        long now = System.nanoTime();
        localUntil.set(now + retryNanos);
        local = true;
        if (!degraded) {
            degraded = true;
            quietUntil = now + secondNanos;
            groupQuietUntil = now + groupNanos;
            LOG.warn("Redis is unreachable ({}): this hub sends to Telegram at its local share of each budget until it is back",
                    e.getMessage());
        }
    }

    private void redisAnswered() {
        if (degraded) {
            degraded = false;
            long now = System.nanoTime();
            cappedUntil = now + retryNanos + secondNanos;
            groupCappedUntil = now + retryNanos + groupNanos;
            LOG.info("Redis answers again: this hub is back on the cluster's Telegram budgets (within its local share "
                    + "for the next {} ms, a minute for channels and groups)", (retryNanos + secondNanos) / 1_000_000);
        }
    }

    boolean isLocal() {
        return degraded;
    }
}
