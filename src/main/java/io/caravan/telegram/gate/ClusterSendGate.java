package io.caravan.telegram.gate;

import io.caravan.core.budget.ClusterBudgets;
import io.caravan.core.budget.ClusterProperties;
import io.caravan.core.budget.RedisFallback;
import io.caravan.telegram.TelegramProperties;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The send gate of a cluster: the global, per-channel/group and per-private-chat budgets (and one call in flight per
 * chat) are kept in Redis and shared by every hub, so three hubs together send no more than one would. When Redis
 * cannot be reached the hub keeps to its own share, each budget divided by {@code caravan.cluster.expected-instances}
 * (the local {@link SendGate} this class extends), as {@link RedisFallback} describes: nothing for one window after
 * losing Redis (a second; a minute for channels and groups), and for {@code redis-retry} plus one window after it
 * answers again a send needs room in the local share as well as in Redis.
 */
public final class ClusterSendGate extends SendGate {

    /** As the local gate: a little wider than Telegram's window for the difference between clocks. */
    private static final Duration SAFETY = Duration.ofMillis(5);

    /** @param local the call also holds a permit of the local share */
    private record Held(String token, List<ClusterBudgets.Budget> budgets, boolean local) {
    }

    private final ClusterBudgets redis;
    private final RedisFallback fallback;
    private final ClusterBudgets.Budget global;
    private final Budget group;
    private final Budget privateChat;
    private final long secondNanos;
    private final long groupNanos;
    private final Map<String, Held> held = new ConcurrentHashMap<>();

    public ClusterSendGate(TelegramProperties.Limits limits, ClusterBudgets redis, ClusterProperties cluster, MeterRegistry meters) {
        super(share(Budget.perSecond(limits.globalPerSecond()), cluster.expectedInstances()),
                share(Budget.perMinute(limits.perGroupPerMinute()), cluster.expectedInstances()),
                share(Budget.perSecond(limits.perPrivateChatPerSecond()), cluster.expectedInstances()), System::nanoTime);
        this.redis = redis;
        this.fallback = new RedisFallback("telegram", "Telegram budgets",
                "this hub sends to Telegram at its local share of each budget", cluster.redisRetry(), meters, System::nanoTime);
        Budget all = Budget.perSecond(limits.globalPerSecond());
        this.global = new ClusterBudgets.Budget("telegram:global", all.count(), all.window().plus(SAFETY), false);
        this.group = Budget.perMinute(limits.perGroupPerMinute());
        this.privateChat = Budget.perSecond(limits.perPrivateChatPerSecond());
        this.secondNanos = Math.max(global.window().toNanos(), privateChat.window().toNanos()) + SAFETY.toNanos();
        this.groupNanos = group.window().toNanos() + SAFETY.toNanos();
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
        if (fallback.onLocalShare()) {
            return tryLocal(chatId);
        }
        // A 429's retry_after, to the nanosecond on this hub (telegram_chats.paused_until tells the other hubs).
        Duration paused = pausedFor(chatId);
        if (!paused.isZero()) {
            return new Decision(false, paused, false);
        }
        boolean capped = fallback.returning(secondNanos) || isGroup(chatId) && fallback.returning(groupNanos);
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
            fallback.lost(e);
            return tryLocal(chatId);
        }
        fallback.answered();
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
        long quiet = fallback.quietFor(secondNanos);
        if (quiet > 0) {
            return new Decision(false, Duration.ofNanos(quiet), true);
        }
        long groupQuiet = isGroup(chatId) ? fallback.quietFor(groupNanos) : 0;
        if (groupQuiet > 0) {
            return new Decision(false, Duration.ofNanos(groupQuiet), false);
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
            fallback.lost(e);
        }
    }

    boolean isLocal() {
        return fallback.degraded();
    }
}
