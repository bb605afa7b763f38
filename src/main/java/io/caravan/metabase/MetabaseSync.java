package io.caravan.metabase;

import io.caravan.core.WhenDatabaseReturns;
import io.caravan.metabase.MetabaseProperties.Card;
import io.caravan.ops.JobHeaders;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.camel.Exchange;
import org.apache.camel.Ordered;
import org.apache.camel.support.SynchronizationAdapter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What surrounds one card's sync in its route: the {@code sync-run} step waits for one of {@code max-parallel} slots,
 * asks the circuit breaker, and opens the card's sync_runs row; when the exchange completes, whatever step failed, the
 * row is closed failed (pgload closes it succeeded inside the load's transaction), the breaker learns the outcome,
 * metrics and freshness are updated and the slot is released. A failure of one card never touches another's data or
 * slot. The Metabase calls of every step go through {@link #retrying}.
 */
public class MetabaseSync {

    /** Header naming the card a {@code metabase-<name>} job syncs. */

    private static final Logger log = LoggerFactory.getLogger(MetabaseSync.class);

    private final Map<String, Card> cards;
    private final SyncRuns runs;
    private final CardCursors cursors;
    private final WhenDatabaseReturns deferred;
    private final DatasetFreshness freshness;
    private final MeterRegistry meters;
    private final Semaphore slots;
    private final Retry retry;
    private final CircuitBreaker breaker;

    public MetabaseSync(MetabaseProperties settings, SyncRuns runs, CardCursors cursors, DatasetFreshness freshness, MeterRegistry meters,
                        WhenDatabaseReturns deferred) {
        this.deferred = deferred;
        this.cards = settings.cards().stream().collect(Collectors.toMap(Card::name, Function.identity(), (a, b) -> a, LinkedHashMap::new));
        this.runs = runs;
        this.cursors = cursors;
        this.freshness = freshness;
        this.meters = meters;
        this.slots = new Semaphore(settings.maxParallel(), true);
        this.retry = Retry.of("metabase", RetryConfig.custom()
                .maxAttempts(settings.retries())
                .intervalFunction(IntervalFunction.ofExponentialBackoff(settings.retryBackoff(), 2.0))
                .retryOnException(MetabaseSync::isTransient)
                .failAfterMaxAttempts(false)
                .build());
        this.breaker = CircuitBreaker.of("metabase", CircuitBreakerConfig.custom()
                .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                .slidingWindowSize(settings.circuitBreaker())
                .minimumNumberOfCalls(settings.circuitBreaker())
                .failureRateThreshold(100)
                .waitDurationInOpenState(settings.circuitOpenFor())
                .recordException(MetabaseSync::isTransient)
                .build());
        meters.gauge("caravan.metabase.syncs.active", slots, s -> settings.maxParallel() - s.availablePermits());
    }

    /** The {@code caravan.metabase.cards} entry of that name; an unknown name is an error naming the setting. */
    public Card card(String name) {
        Card card = name == null ? null : cards.get(name);
        if (card == null) {
            throw new IllegalArgumentException("no Metabase card named '" + name + "' in caravan.metabase.cards"
                    + " (name it with the endpoint's card= option or the CaravanCard header)");
        }
        return card;
    }

    /** The high-water marks of incremental cards. */
    public CardCursors cursors() {
        return cursors;
    }

    /** A Metabase call, attempted again with exponential backoff after a transport error or a 5xx/429. */
    public <T> T retrying(Callable<T> call) throws Exception {
        return retry.executeCallable(call);
    }

    /**
     * The route's {@code sync-run} step for the card in the {@link MetabaseHeaders#CARD} header. Blocks until a slot is free; fails
     * (recorded in sync_runs) while the circuit breaker is open.
     */
    public void begin(Exchange exchange) throws Exception {
        Card card = card(exchange.getMessage().getHeader(MetabaseHeaders.CARD, String.class));
        Long jobRunId = exchange.getMessage().getHeader(JobHeaders.RUN_ID, Long.class);
        slots.acquire();
        long syncRun;
        try {
            // A full refresh is recorded as the replace it is.
            syncRun = runs.start(MetabaseHeaders.fullRefresh(exchange)
                    ? card.loadingInto(card.schema(), card.table(), MetabaseProperties.Mode.REPLACE) : card, jobRunId);
        } catch (RuntimeException e) {
            slots.release();
            throw e;
        }
        boolean permitted = breaker.tryAcquirePermission();
        exchange.setProperty(MetabaseHeaders.SYNC_RUN, syncRun);
        exchange.getExchangeExtension().addOnCompletion(new Completion(card, syncRun, permitted, System.nanoTime(), Timer.start(meters)));
        if (!permitted) {
            throw new IOException("card " + card.name() + ": Metabase failed " + breaker.getCircuitBreakerConfig().getMinimumNumberOfCalls()
                    + " syncs in a row; not calling it until the circuit breaker half-opens (caravan.metabase.circuit-open-for)");
        }
    }

    /**
     * The route's failure path ({@code onException}): closes the sync_runs row 'failed' with the error, at once, so the
     * job's run is recorded after it. The exchange still fails.
     */
    public void failed(Exchange exchange) {
        Long syncRun = exchange.getProperty(MetabaseHeaders.SYNC_RUN, Long.class);
        Exception error = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        // A step after a committed load failed: the data is there and sync_runs already says so.
        boolean loaded = exchange.getProperty(MetabaseHeaders.LOADED) != null;
        if (syncRun != null && !loaded && exchange.getProperty(FAILED) == null) {
            exchange.setProperty(FAILED, true);
            recordFailed(syncRun, message(exchange, error));
        }
    }

    /**
     * Closes the row 'failed' with the original cause. If the database is what failed, this write fails too: it must
     * not throw (Camel would put its exception in place of the cause, and the run's error would name the failure
     * path's own UPDATE), so it is logged apart and written again once the database is back.
     */
    private void recordFailed(long syncRun, String error) {
        deferred.writeOrRetry("sync_runs " + syncRun + " failed", () -> runs.failed(syncRun, error));
    }

    private static final String FAILED = "CaravanSyncFailed";

    private static String message(Exchange exchange, Exception error) {
        return error == null ? "card " + exchange.getMessage().getHeader(MetabaseHeaders.CARD, String.class) + ": the sync failed" : error.getMessage();
    }

    /** Closes the sync when the exchange is done; first among the exchange's completions, before the job's run is recorded. */
    private final class Completion extends SynchronizationAdapter implements Ordered {
        private final Card card;
        private final long syncRun;
        private final boolean permitted;
        private final long started;
        private final Timer.Sample sample;

        Completion(Card card, long syncRun, boolean permitted, long started, Timer.Sample sample) {
            this.card = card;
            this.syncRun = syncRun;
            this.permitted = permitted;
            this.started = started;
            this.sample = sample;
        }

        @Override
        public int getOrder() {
            return Ordered.HIGHEST;
        }

        @Override
        public void onComplete(Exchange exchange) {
            try {
                if (permitted) {
                    breaker.onSuccess(System.nanoTime() - started, TimeUnit.NANOSECONDS);
                }
                CardLoader.Loaded loaded = exchange.getProperty(MetabaseHeaders.LOADED, CardLoader.Loaded.class);
                if (loaded == null) {
                    recordFailed(syncRun, "card " + card.name() + ": the route ended without a pgload: step");
                    finish("failed");
                    return;
                }
                Counter.builder("caravan.metabase.sync.rows").description("Rows loaded from Metabase cards").tag("card", card.name())
                        .register(meters).increment(loaded.rows());
                Counter.builder("caravan.metabase.sync.bytes").description("CSV bytes received from Metabase").tag("card", card.name())
                        .register(meters).increment(loaded.bytes());
                freshness.synced(card.name());
                log.info("Metabase card {} ({}) → {}: {} rows, {} bytes, {}{}", card.name(), card.id(), card.qualifiedTable(),
                        loaded.rows(), loaded.bytes(), loaded.drift().isEmpty() ? "same columns" : "columns evolved: " + loaded.drift(),
                        card.cursor() == null ? "" : ", cursor " + card.cursor().column() + " up to " + loaded.cursorMax());
                if (loaded.note() != null) {
                    log.warn("Metabase card {}: {}", card.name(), loaded.note());
                }
                finish("succeeded");
            } finally {
                slots.release();
            }
        }

        @Override
        public void onFailure(Exchange exchange) {
            try {
                Exception error = exchange.getException();
                if (permitted) {
                    breaker.onError(System.nanoTime() - started, TimeUnit.NANOSECONDS,
                            error == null ? new IllegalStateException("failed") : error);
                }
                if (exchange.getProperty(FAILED) == null && exchange.getProperty(MetabaseHeaders.LOADED) == null) {
                    exchange.setProperty(FAILED, true);
                    recordFailed(syncRun, message(exchange, error));
                }
                finish("failed");
            } finally {
                slots.release();
            }
        }

        private void finish(String outcome) {
            sample.stop(Timer.builder("caravan.metabase.sync.duration").description("Time to sync a Metabase card")
                    .tag("card", card.name()).tag("outcome", outcome).register(meters));
        }
    }

    static boolean isTransient(Throwable e) {
        return e instanceof ExportException export && export.isTransient();
    }
}
