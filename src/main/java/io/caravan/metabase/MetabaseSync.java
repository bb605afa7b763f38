package io.caravan.metabase;

import io.caravan.metabase.MetabaseProperties.Card;
import io.caravan.ops.JobHeaders;
import io.caravan.outbox.Outbox;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
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
import java.util.concurrent.Semaphore;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One card's sync as its job runs it: wait for one of {@code max-parallel} slots, then load through the retry and the
 * circuit breaker, and record the outcome in sync_runs (and, through the job, in job_runs). A failure of one card
 * never touches another's data or slot.
 */
public class MetabaseSync {

    /** Header naming the card a {@code metabase-<name>} job syncs. */
    public static final String CARD = "CaravanCard";

    private static final Logger log = LoggerFactory.getLogger(MetabaseSync.class);

    private final Map<String, Card> cards;
    private final CardLoader loader;
    private final SyncRuns runs;
    private final Outbox outbox;
    private final DatasetFreshness freshness;
    private final MeterRegistry meters;
    private final Semaphore slots;
    private final Retry retry;
    private final CircuitBreaker breaker;

    public MetabaseSync(MetabaseProperties settings, CardLoader loader, SyncRuns runs, Outbox outbox, DatasetFreshness freshness,
                        MeterRegistry meters) {
        this.cards = settings.cards().stream().collect(Collectors.toMap(Card::name, Function.identity(), (a, b) -> a, LinkedHashMap::new));
        this.loader = loader;
        this.runs = runs;
        this.outbox = outbox;
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

    /** The route's step: syncs the card named in the {@link #CARD} header and puts the row count in CaravanRows. */
    public void sync(Exchange exchange) throws Exception {
        String name = exchange.getMessage().getHeader(CARD, String.class);
        Long jobRunId = exchange.getMessage().getHeader(JobHeaders.RUN_ID, Long.class);
        exchange.getMessage().setHeader(JobHeaders.ROWS, sync(name, jobRunId));
    }

    public long sync(String name, Long jobRunId) throws Exception {
        Card card = cards.get(name);
        if (card == null) {
            throw new IllegalArgumentException("no Metabase card named '" + name + "' in caravan.metabase.cards");
        }
        slots.acquire();
        long syncRun = runs.start(card, jobRunId);
        Timer.Sample sample = Timer.start(meters);
        String outcome = "failed";
        try {
            CardLoader.Loaded loaded = resilient(card, syncRun);
            outcome = "succeeded";
            Counter.builder("caravan.metabase.sync.rows").description("Rows loaded from Metabase cards").tag("card", card.name())
                    .register(meters).increment(loaded.rows());
            Counter.builder("caravan.metabase.sync.bytes").description("CSV bytes received from Metabase").tag("card", card.name())
                    .register(meters).increment(loaded.bytes());
            freshness.synced(card.name());
            log.info("Metabase card {} ({}) → {}: {} rows, {} bytes, {}", card.name(), card.id(), card.qualifiedTable(),
                    loaded.rows(), loaded.bytes(), loaded.drift().isEmpty() ? "same columns" : "columns evolved: " + loaded.drift());
            return loaded.rows();
        } catch (CallNotPermittedException e) {
            String message = "card " + card.name() + ": Metabase failed " + breaker.getCircuitBreakerConfig().getMinimumNumberOfCalls()
                    + " syncs in a row; not calling it until the circuit breaker half-opens (caravan.metabase.circuit-open-for)";
            runs.failed(syncRun, message);
            throw new IOException(message, e);
        } catch (Exception e) {
            runs.failed(syncRun, e.getMessage());
            throw e;
        } finally {
            sample.stop(Timer.builder("caravan.metabase.sync.duration").description("Time to sync a Metabase card")
                    .tag("card", card.name()).tag("outcome", outcome).register(meters));
            slots.release();
        }
    }

    private CardLoader.Loaded resilient(Card card, long syncRun) throws Exception {
        try {
            return breaker.executeCheckedSupplier(() -> retry.executeCheckedSupplier(() -> loadOnce(card, syncRun)));
        } catch (Exception | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
    }

    private CardLoader.Loaded loadOnce(Card card, long syncRun) throws IOException {
        return loader.load(card, loaded -> {
            runs.succeeded(syncRun, loaded);
            Map<String, Object> event = new LinkedHashMap<>();
            event.put("dataset", card.dataset());
            event.put("table", card.qualifiedTable());
            event.put("mode", card.mode().name().toLowerCase());
            event.put("rows", loaded.rows());
            event.put("keys", card.invalidate().keys());
            event.put("patterns", card.invalidate().patterns());
            event.put("tags", card.invalidate().tags());
            event.put("warmUrls", card.warmUrls().stream().map(Object::toString).toList());
            outbox.publish("dataset.changed", event);
        });
    }

    private static boolean isTransient(Throwable e) {
        return e instanceof ExportException export && export.isTransient();
    }
}
