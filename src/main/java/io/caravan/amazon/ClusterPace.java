package io.caravan.amazon;

import io.caravan.core.budget.ClusterBudgets;
import io.caravan.core.budget.ClusterProperties;
import io.caravan.core.budget.RedisFallback;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * The Creators API's per-second rate of one credential as a budget of the whole cluster: every hub and every job
 * (discovery and price checks together) takes its send from one sliding log in the shared Redis, checked and recorded
 * by one script on Redis's clock right before the request is written, so N hubs together never send more than the
 * rate in any window (stretched by the safety margin), with consecutive sends spaced evenly. Without Redis a hub keeps
 * a {@link SendLog} of its own {@code caravan.cluster.expected-instances} times wider, as {@link RedisFallback}
 * describes: it waits one window after losing Redis before its local log starts, and for {@code redis-retry} plus one
 * window after Redis answers again a call needs its local place as well as Redis's.
 */
public final class ClusterPace {

    /** Waiting when the log is full of calls in flight (none here, but the script may say so): poll this often. */
    private static final long POLL_NANOS = Duration.ofMillis(20).toNanos();

    private final ClusterBudgets redis;
    private final RedisFallback fallback;
    private final List<ClusterBudgets.Budget> budgets;
    private final long windowNanos;
    private final SendLog local;

    /**
     * @param headroom how much wider than count/rate the window is: {@code 1 / (1 - caravan.amazon.send-margin)}
     */
    public ClusterPace(ClusterBudgets redis, ClusterProperties cluster, String credential, double perSecond, double headroom,
                       MeterRegistry meters) {
        this.redis = redis;
        double margin = 1 - 1 / headroom;
        int count = Math.max(1, (int) Math.floor(perSecond));
        Duration window = SendLog.window(perSecond, margin);
        String key = "amazon:" + Integer.toHexString(credential.hashCode()) + ":rate";
        // Both in one atomic step: at most `count` per window, and one per window/count (even spacing, no bursts).
        this.budgets = List.of(new ClusterBudgets.Budget(key, count, window, false),
                new ClusterBudgets.Budget(key + ":gap", 1, window.dividedBy(count), false));
        this.windowNanos = window.toNanos();
        this.local = SendLog.forRate(perSecond, margin, cluster.expectedInstances(), System::nanoTime);
        this.fallback = new RedisFallback("amazon", "Creators API pace",
                "this hub paces Creators API calls at 1/" + cluster.expectedInstances() + " of the rate",
                cluster.redisRetry(), meters, System::nanoTime);
    }

    /**
     * Blocks until this request may go out, and logs it as sent. Returns the moment it was logged, in epoch
     * microseconds: Redis's clock for the cluster's log, this JVM's for the local one (what a check of the pace must
     * look at: a stamp taken after this returns adds the machine's scheduling delay to it).
     */
    long await() throws InterruptedException {
        boolean localPlace = false;
        long localAt = 0;
        while (true) {
            if (!localPlace && fallback.onLocalShare()) {
                localAt = local.await();
                localPlace = true;
                // The wait for a local place can be long (threads taking places as Redis returns go first). Sent while
                // Redis has not answered, the send is older than the return, which the returning window covers; but
                // once Redis has answered it must be logged there too, or Redis, knowing nothing of it, fills the window.
                if (fallback.degraded()) {
                    return epochMicros(localAt);
                }
            }
            if (!localPlace && fallback.returning(windowNanos)) {
                localAt = local.await();
                localPlace = true;
            }
            ClusterBudgets.Decision decision;
            try {
                decision = redis.tryTake(budgets);
            } catch (RuntimeException e) {
                if (fallback.lost(e)) {
                    // Nothing for one window: the cluster's calls in it are not known here, so a place taken before counts not.
                    local.holdFor(windowNanos);
                }
                // A local place taken before this call is as old as the call's timeout: sent now under it, the request
                // would leave up to that long after the moment the log counted, beside places taken since. Take a new one.
                localPlace = false;
                continue;
            }
            fallback.answered();
            if (decision.granted()) {
                return decision.atMicros();
            }
            long wait = decision.waitFor() == null ? POLL_NANOS : decision.waitFor().toNanos();
            Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
        }
    }

    /**
     * A moment of System.nanoTime as epoch microseconds (the wall clock now, less the nanoseconds since). The wall clock
     * is read between two nano clock readings close together: a thread descheduled between one reading and the other
     * on a busy machine would otherwise stamp the send as late as its pause.
     */
    static long epochMicros(long nanoTime) {
        long before = 0;
        Instant wall = null;
        long after = 0;
        for (int attempt = 0; attempt < 5; attempt++) {
            before = System.nanoTime();
            wall = Instant.now();
            after = System.nanoTime();
            if (after - before < 200_000) {
                break;
            }
        }
        long nowNanos = before + (after - before) / 2;
        return wall.getEpochSecond() * 1_000_000 + wall.getNano() / 1000 - (nowNanos - nanoTime) / 1000;
    }

    boolean isLocal() {
        return fallback.degraded();
    }
}
