package io.caravan.core.budget;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.springframework.core.io.ClassPathResource;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;

/**
 * Rate budgets every hub of a cluster draws from, kept in the Redis they share: each budget is a sliding log of the
 * calls answered in its window plus the calls in flight, checked and taken for several budgets in one atomic script
 * on Redis's clock, so no window of the outside service's clock ever sees more than the budget's count, however many
 * hubs send. A call in flight holds a lease; a hub that dies mid-call frees it when the lease runs out.
 * <p>
 * Calls throw Spring's {@code DataAccessException} when Redis cannot be reached; the callers then fall back to a
 * conservative local budget (see {@code caravan.cluster.expected-instances}).
 */
public class ClusterBudgets {

    /** {@code count} calls per {@code window}; {@code exclusive} also allows only one call in flight at a time. */
    public record Budget(String key, int count, Duration window, boolean exclusive) {
    }

    /**
     * @param granted  the call may go now; {@link #release} it when answered
     * @param waitFor  when refused: until the budget has room, or null when only an answer in flight can free it
     * @param refusedBy when refused: the index of the budget that refused
     * @param atMicros  when granted: the moment the call was logged, on Redis's clock (epoch microseconds); else 0
     */
    public record Decision(boolean granted, String token, Duration waitFor, int refusedBy, long atMicros) {
    }

    private static final RedisScript<List> ACQUIRE = RedisScript.of(new ClassPathResource("io/caravan/core/budget/acquire.lua"), List.class);
    private static final RedisScript<Long> RELEASE = RedisScript.of(new ClassPathResource("io/caravan/core/budget/release.lua"), Long.class);

    private final StringRedisTemplate redis;
    private final String prefix;
    private final Duration lease;

    /**
     * @param prefix the cluster's key prefix, e.g. {@code caravan:<schema>:budget:}
     * @param lease  longer than any call can take: a call in flight is forgotten after it
     */
    public ClusterBudgets(StringRedisTemplate redis, String prefix, Duration lease) {
        this.redis = redis;
        this.prefix = prefix;
        this.lease = lease;
    }

    public Decision tryAcquire(List<Budget> budgets) {
        return acquire(budgets, lease);
    }

    /**
     * For a budget counted when calls are sent rather than answered: a granted call is logged at once, with nothing
     * to release.
     */
    public Decision tryTake(List<Budget> budgets) {
        return acquire(budgets, Duration.ZERO);
    }

    private Decision acquire(List<Budget> budgets, Duration lease) {
        String token = UUID.randomUUID().toString();
        List<String> keys = keys(budgets);
        List<String> args = new ArrayList<>();
        args.add(token);
        args.add(String.valueOf(micros(lease)));
        for (Budget budget : budgets) {
            args.add(String.valueOf(budget.count()));
            args.add(String.valueOf(micros(budget.window())));
            args.add(budget.exclusive() ? "1" : "0");
        }
        List<?> result = redis.execute(ACQUIRE, keys, args.toArray());
        if (result == null || result.size() != 3) {
            throw new IllegalStateException("the budget script answered " + result);
        }
        if (((Number) result.get(0)).longValue() == 1) {
            return new Decision(true, token, Duration.ZERO, -1, ((Number) result.get(1)).longValue());
        }
        long wait = ((Number) result.get(1)).longValue();
        return new Decision(false, null, wait < 0 ? null : Duration.ofNanos(wait * 1000), ((Number) result.get(2)).intValue() - 1, 0);
    }

    /** @param called false when nothing reached the outside service: the permit is simply given back */
    public void release(String token, List<Budget> budgets, boolean called) {
        List<String> args = new ArrayList<>();
        args.add(token);
        args.add(called ? "1" : "0");
        budgets.forEach(budget -> args.add(String.valueOf(micros(budget.window()))));
        redis.execute(RELEASE, keys(budgets), args.toArray());
    }

    private List<String> keys(List<Budget> budgets) {
        List<String> keys = new ArrayList<>(budgets.size() * 2);
        for (Budget budget : budgets) {
            keys.add(prefix + budget.key() + ":answered");
            keys.add(prefix + budget.key() + ":inflight");
        }
        return keys;
    }

    private static long micros(Duration duration) {
        return duration.toNanos() / 1000;
    }
}
