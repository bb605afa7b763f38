package io.caravan.amazon;

import io.caravan.amazon.PriceCalls.Call;
import io.caravan.amazon.PriceClaims.Claimed;
import io.caravan.ops.JobHeaders;
import io.caravan.ops.JobStateRepository;
import io.caravan.outbox.Outbox;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * One run of the {@code amazon-prices} route: its request budget ({@code caravan.amazon.checks.max-requests-per-run},
 * and with {@code spread-day-budget} no more than the day's share so far, {@link CheckBudget#runBudget}), what becomes
 * of a chunk's failed and unsent calls, and the run's result. Chunks go on until nothing is due, the budget is spent or
 * Amazon says stop.
 */
public class PriceRun {

    private static final Logger log = LoggerFactory.getLogger(PriceRun.class);
    static final List<String> PRICE_JOBS = List.of("amazon-prices", "amazon-discovery");
    /** Exchange property holding the run's {@link State}. */
    static final String STATE = "CaravanPriceRun";
    /** Exchange property the route's chunk loop runs while. */
    static final String MORE = "CaravanMore";
    /** The run length assumed for the first run after a start: the route's default cron fires every minute. */
    static final long FIRST_RUN_SECONDS = 60;

    private final AmazonProperties amazon;
    private final PriceClaims claims;
    private final JdbcTemplate jdbc;
    private final TransactionTemplate tx;
    private final Outbox outbox;
    private final JobStateRepository jobState;
    private final AtomicLong activeDeals = new AtomicLong();
    private final PricePlan plan;
    private final Clock clock;
    /** When the last run started: the gap to this one is the stretch of the day a run stands for. */
    private volatile Instant lastStart;

    public PriceRun(AmazonProperties amazon, PriceClaims claims, JdbcTemplate jdbc, TransactionTemplate tx, Outbox outbox,
                    JobStateRepository jobState, MeterRegistry meters, PricePlan plan, Clock clock) {
        this.plan = plan;
        this.clock = clock;
        this.amazon = amazon;
        this.claims = claims;
        this.jdbc = jdbc;
        this.tx = tx;
        this.outbox = outbox;
        this.jobState = jobState;
        Gauge.builder("caravan_amazon_active_deals", activeDeals, AtomicLong::get)
                .description("Deals active after the last price run").register(meters);
    }

    /** A run's budget and count; the loop's {@code CaravanMore} property mirrors {@link #more}. */
    static final class State {
        private final Exchange exchange;
        private final int budget;
        private int requestsLeft;
        private int checked;

        State(Exchange exchange, int requests) {
            this.exchange = exchange;
            this.budget = requests;
            this.requestsLeft = requests;
            exchange.setProperty(MORE, requests > 0);
        }

        int requestsLeft() {
            return requestsLeft;
        }

        void checked(int products) {
            checked += products;
        }

        void stop() {
            exchange.setProperty(MORE, false);
        }
    }

    static State state(Exchange exchange) {
        State state = exchange.getProperty(STATE, State.class);
        if (state == null) {
            throw new IllegalStateException("price-check step outside a run: start it with priceRun.start");
        }
        return state;
    }

    /** Route step: the run begins with its request budget, and the planner's priors and μ fresh enough. */
    public void start(Exchange exchange) {
        plan.refreshIfDue();
        Instant now = clock.instant();
        Instant previous = lastStart;
        lastStart = now;
        int budget = amazon.checks().maxRequestsPerRun();
        if (amazon.checks().spreadDayBudget()) {
            budget = budget(now, previous, usedToday(now));
        }
        exchange.setProperty(STATE, new State(exchange, budget));
    }

    /**
     * A run's requests when the day's budget is spread: what the day's share up to the run's end leaves after today's
     * requests (price checks and discovery alike, from {@code amazon_quota}), within the per-second rate over the run
     * and {@code max-requests-per-run}. A run stands for the time since the previous one started (the cron's period,
     * or longer after a pause), so requests a late or skipped run did not make are caught up, at the per-second rate.
     */
    int budget(Instant now, Instant previous, long usedToday) {
        long runSeconds = previous == null || !previous.isBefore(now) ? FIRST_RUN_SECONDS
                : Math.min(86_400, Math.max(1, Duration.between(previous, now).toSeconds()));
        return CheckBudget.runBudget(usedToday, amazon.requestsPerDay(), now.getEpochSecond() % 86_400, runSeconds,
                amazon.requestsPerSecond(), amazon.checks().maxRequestsPerRun());
    }

    /** Requests the credential made today (UTC) by every hub sharing it. */
    private long usedToday(Instant now) {
        List<Integer> used = jdbc.queryForList("SELECT used FROM amazon_quota WHERE credential = ? AND day = ?",
                Integer.class, amazon.clientId(), LocalDate.ofInstant(now, ZoneOffset.UTC));
        return used.isEmpty() ? 0 : used.get(0);
    }

    /**
     * Route step after the chunk's write: body the chunk's {@code List<Call>}. Unsent products are due again at once;
     * a 429's after its retry-after; a 403 AssociateNotEligible's at once, with the price jobs paused and the admin
     * told; a budget spent mid-chunk's at once; any other error's after the shortest interval, and that error is
     * rethrown so the job run records it. Any of these ends the run.
     */
    @SuppressWarnings("unchecked")
    public void settle(Exchange exchange) {
        State run = state(exchange);
        List<Call> calls = exchange.getMessage().getBody(List.class);
        run.requestsLeft -= calls.size();
        List<Claimed> unsent = new ArrayList<>();
        List<Call> failed = new ArrayList<>();
        for (Call call : calls) {
            if (call.error() != null) {
                failed.add(call);
            } else if (call.answer() == null) {
                unsent.addAll(call.batch());
            }
        }
        claims.release(unsent, Duration.ZERO);
        if (!failed.isEmpty() || !unsent.isEmpty() || run.requestsLeft <= 0) {
            run.stop();
        }
        RuntimeException rethrow = handleFailures(failed);
        if (rethrow != null) {
            throw rethrow;
        }
    }

    /**
     * Requests' worth of products due and not claimed, what a spent run left for the next, counted up to
     * {@code budget} requests: {@link CheckBudget#correct} reads no further. Unbounded, the count read every due row (a
     * parallel scan of products, no index leads with next_check_at): 50–100 ms a run at 100,000 products due, the
     * largest share of PostgreSQL's time in bench/price-pipeline. Bounded, the scan stops at the first budget's worth.
     */
    private long backlog(int budget) {
        int batch = amazon.checks().batchSize();
        Long due = jdbc.queryForObject("""
                SELECT count(*) FROM (SELECT 1 FROM products
                    WHERE marketplace = ? AND status <> 'inaccessible' AND next_check_at <= now() LIMIT ?) due""",
                Long.class, amazon.marketplace(), (long) budget * batch);
        return due == null ? 0 : (due + batch - 1) / batch;
    }

    /** Route step at the end: the products checked as {@code CaravanRows}, and the active-deals gauge. */
    public void finish(Exchange exchange) {
        State run = state(exchange);
        int used = run.budget - Math.max(0, run.requestsLeft);
        plan.runEnded(run.budget, used, used < run.budget ? 0 : backlog(run.budget));
        exchange.getMessage().setHeader(JobHeaders.ROWS, state(exchange).checked);
        exchange.getMessage().setBody(state(exchange).checked);
        Long count = jdbc.queryForObject("SELECT count(*) FROM deals WHERE status = 'active' AND marketplace = ?",
                Long.class, amazon.marketplace());
        activeDeals.set(count == null ? 0 : count);
    }

    /** Releases failed calls' products as the single-call job did. @return an error the run must rethrow, if any */
    private RuntimeException handleFailures(List<Call> failed) {
        RuntimeException rethrow = null;
        CreatorsApiException notEligible = null;
        for (Call call : failed) {
            RuntimeException error = call.error();
            if (error instanceof CreatorsApiException e && e.notEligible()) {
                claims.release(call.batch(), Duration.ZERO);
                notEligible = notEligible == null ? e : notEligible;
            } else if (error instanceof CreatorsApiException e && e.throttled()) {
                claims.release(call.batch(), e.retryAfterSeconds() != null ? Duration.ofSeconds(e.retryAfterSeconds())
                        : amazon.checks().minInterval());
                log.warn("Creators API throttled the price checks; they resume after {} s", e.retryAfterSeconds());
            } else if (error instanceof QuotaExhaustedException e) {
                claims.release(call.batch(), Duration.ZERO);
                log.warn("Price checks stop: {}", e.getMessage());
            } else {
                claims.release(call.batch(), amazon.checks().minInterval());
                rethrow = rethrow == null ? error : rethrow;
            }
        }
        if (notEligible != null) {
            notEligible(notEligible);
            return null;
        }
        return rethrow;
    }

    /** 403 AssociateNotEligible: retrying burns quota for nothing, so pause the jobs and tell the admin once. */
    private void notEligible(CreatorsApiException e) {
        tx.executeWithoutResult(status -> {
            jobState.setPaused(PRICE_JOBS, true, "amazon-403");
            outbox.publish("admin.alert", Map.of("kind", "price-job-paused", "key", "amazon-403",
                    "text", "Amazon refused the Creators API credential for " + amazon.marketplace()
                            + " (403 AssociateNotEligible: the associate account needs 10 qualified sales in the trailing 30 days). "
                            + "The jobs " + String.join(" and ", PRICE_JOBS) + " are paused; resume them once Amazon restores access."));
        });
        log.warn("Price jobs paused: {}", e.getMessage());
    }
}
