package io.caravan.metabase;

import io.caravan.core.BoundedCheck;
import io.caravan.metabase.MetabaseProperties.Card;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.actuate.health.Status;

/**
 * How old each card's data is: {@code caravan_dataset_age_seconds{dataset}} (NaN until the first good sync, so a new
 * hub does not alert) beside {@code caravan_dataset_max_age_seconds}, and a readiness warning — not an outage: the old
 * data is still served — when a card is older than its {@code max-age}.
 */
public class DatasetFreshness implements HealthIndicator, AutoCloseable {

    /** Reported as HTTP 200 (see management.endpoint.health.status.http-mapping): stale data is still data. */
    public static final Status STALE = new Status("STALE", "a dataset is older than its max-age");

    private final List<Card> cards;
    private final SyncRuns runs;
    private final Clock clock;
    private final Instant started;
    private final Map<String, Instant> lastSuccess = new ConcurrentHashMap<>();
    /**
     * A probe waits this long for the last good syncs; with PostgreSQL gone the query would wait the pool's 30 s
     * connection timeout, so the check answers from what it last read (the {@code db} check says DOWN meanwhile).
     */
    static final Duration REFRESH_WAIT = Duration.ofSeconds(1);
    private final BoundedCheck<Boolean> refresher = new BoundedCheck<>("caravan-datasets-health", () -> {
        refresh();
        return true;
    });

    public DatasetFreshness(List<Card> cards, SyncRuns runs, MeterRegistry meters, Clock clock) {
        this.cards = cards;
        this.runs = runs;
        this.clock = clock;
        this.started = clock.instant();
        for (Card card : cards) {
            Gauge.builder("caravan.dataset.age.seconds", () -> age(card.name()))
                    .description("Seconds since the dataset's last successful sync (NaN before the first)")
                    .tag("dataset", card.dataset()).register(meters);
            Gauge.builder("caravan.dataset.max.age.seconds", card, c -> c.maxAge().toSeconds())
                    .description("The dataset's configured max-age").tag("dataset", card.dataset()).register(meters);
        }
    }

    /** Reads the last good sync of every card (another instance may have done it). */
    public void refresh() {
        runs.lastSuccesses(cards.stream().map(Card::name).toList())
                .forEach((card, at) -> lastSuccess.merge(card, at, (a, b) -> a.isAfter(b) ? a : b));
    }

    public void synced(String card) {
        lastSuccess.put(card, clock.instant());
    }

    private double age(String card) {
        Instant at = lastSuccess.get(card);
        return at == null ? Double.NaN : Duration.between(at, clock.instant()).toMillis() / 1000.0;
    }

    /** Refreshes on the check's own thread, waiting at most {@code wait}; false when it could not refresh in time. */
    boolean refreshWithin(Duration wait) {
        try {
            return refresher.await(wait);
        } catch (TimeoutException | ExecutionException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    @Override
    public void close() {
        refresher.close();
    }

    @Override
    public Health health() {
        boolean refreshed = refreshWithin(REFRESH_WAIT);
        Map<String, Object> stale = new LinkedHashMap<>();
        for (Card card : cards) {
            if (!card.enabled()) {
                continue;
            }
            Instant at = lastSuccess.get(card.name());
            Instant since = at == null ? started : at;
            Duration age = Duration.between(since, clock.instant());
            if (age.compareTo(card.maxAge()) > 0) {
                stale.put(card.dataset(), at == null ? "never synced (max-age " + card.maxAge() + ")"
                        : "last synced " + at + ", older than max-age " + card.maxAge());
            }
        }
        Health.Builder health = stale.isEmpty() ? Health.up().withDetail("datasets", cards.size())
                : Health.status(STALE).withDetail("stale", stale);
        if (!refreshed) {
            health.withDetail("lastSyncs", "could not be read from PostgreSQL within " + REFRESH_WAIT.toSeconds() + " s; as last read");
        }
        return health.build();
    }
}
