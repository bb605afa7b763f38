package io.caravan.metabase;

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
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.actuate.health.Status;

/**
 * How old each card's data is: {@code caravan_dataset_age_seconds{dataset}} (NaN until the first good sync, so a new
 * hub does not alert) beside {@code caravan_dataset_max_age_seconds}, and a readiness warning — not an outage: the old
 * data is still served — when a card is older than its {@code max-age}.
 */
public class DatasetFreshness implements HealthIndicator {

    /** Reported as HTTP 200 (see management.endpoint.health.status.http-mapping): stale data is still data. */
    public static final Status STALE = new Status("STALE", "a dataset is older than its max-age");

    private final List<Card> cards;
    private final SyncRuns runs;
    private final Clock clock;
    private final Instant started;
    private final Map<String, Instant> lastSuccess = new ConcurrentHashMap<>();

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

    @Override
    public Health health() {
        refresh();
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
        return stale.isEmpty() ? Health.up().withDetail("datasets", cards.size()).build()
                : Health.status(STALE).withDetail("stale", stale).build();
    }
}
