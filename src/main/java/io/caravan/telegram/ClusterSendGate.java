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
 */
public final class ClusterSendGate extends SendGate {

    private static final Logger LOG = LoggerFactory.getLogger(ClusterSendGate.class);
    /** As the local gate: a little wider than Telegram's window for the difference between clocks. */
    private static final Duration SAFETY = Duration.ofMillis(5);

    private record Held(String token, List<ClusterBudgets.Budget> budgets) {
    }

    private final ClusterBudgets redis;
    private final ClusterBudgets.Budget global;
    private final Budget group;
    private final Budget privateChat;
    private final long retryNanos;
    private final Map<String, Held> held = new ConcurrentHashMap<>();
    private final AtomicLong localUntil = new AtomicLong(Long.MIN_VALUE);
    private volatile boolean local;

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
        Gauge.builder("caravan.budget.fallback", this, gate -> gate.local ? 1 : 0)
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
            return super.tryAcquire(chatId);
        }
        // A 429's retry_after, to the nanosecond on this hub (telegram_chats.paused_until tells the other hubs).
        Duration paused = pausedFor(chatId);
        if (!paused.isZero()) {
            return new Decision(false, paused, false);
        }
        Budget budget = isGroup(chatId) ? group : privateChat;
        List<ClusterBudgets.Budget> budgets = List.of(
                new ClusterBudgets.Budget("telegram:chat:" + chatId, budget.count(), budget.window().plus(SAFETY), true), global);
        try {
            ClusterBudgets.Decision decision = redis.tryAcquire(budgets);
            if (decision.granted()) {
                held.put(chatId, new Held(decision.token(), budgets));
                return new Decision(true, Duration.ZERO, false);
            }
            return new Decision(false, decision.waitFor(), decision.refusedBy() == 1);
        } catch (RuntimeException e) {
            goLocal(e);
            return super.tryAcquire(chatId);
        }
    }

    @Override
    public void release(String chatId, boolean called) {
        Held permit = held.remove(chatId);
        if (permit == null) {
            super.release(chatId, called);
            return;
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
        localUntil.set(System.nanoTime() + retryNanos);
        if (!local) {
            local = true;
            LOG.warn("Redis is unreachable ({}): this hub sends to Telegram at its local share of each budget until it is back",
                    e.getMessage());
        }
    }

    boolean isLocal() {
        return local;
    }
}
