package io.caravan.outbox;

import io.caravan.core.CaravanProperties;
import io.caravan.core.PgListener;
import io.caravan.core.Secrets;
import io.caravan.core.Shutdown;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.sql.DataSource;
import org.apache.camel.Exchange;
import org.apache.camel.support.DefaultConsumer;
import org.springframework.transaction.TransactionStatus;
import java.util.Set;
import org.apache.camel.ProducerTemplate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.SmartLifecycle;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Delivers outbox events to their handler routes. Wakes on PostgreSQL NOTIFY (sent by a trigger on insert) and
 * also polls, so a lost notification only delays delivery. Each event is claimed with FOR UPDATE SKIP LOCKED inside
 * a transaction that lasts while its handler runs, so instances never deliver the same event at the same time, and a
 * handler that writes through Spring's JDBC support commits its writes together with "done".
 * A failing event waits with exponential backoff; after {@code max-attempts} it moves to dead_letters.
 */
@Component
public class OutboxDispatcher implements SmartLifecycle {

    private static final Logger LOG = LoggerFactory.getLogger(OutboxDispatcher.class);

    private final DataSource dataSource;
    private final JdbcTemplate jdbc;
    private final TransactionTemplate transactions;
    private final ProducerTemplate template;
    private final OutboxSubscribers subscribers;
    private final OutboxProperties properties;
    private final MeterRegistry meters;
    private final ApplicationEventPublisher events;
    private final String channel;

    private volatile boolean running;
    private Thread listener;
    private ExecutorService workers;
    private Instant lastCleanup = Instant.EPOCH;

    public OutboxDispatcher(DataSource dataSource, JdbcTemplate jdbc, PlatformTransactionManager transactionManager,
                            ProducerTemplate template, OutboxSubscribers subscribers, OutboxProperties properties, CaravanProperties caravan,
                            MeterRegistry meters, ApplicationEventPublisher events) {
        this.dataSource = dataSource;
        this.jdbc = jdbc;
        this.transactions = new TransactionTemplate(transactionManager);
        this.template = template;
        this.subscribers = subscribers;
        this.properties = properties;
        this.meters = meters;
        this.events = events;
        this.channel = caravan.db().schema() + "_outbox";
        Gauge.builder("caravan.outbox.pending", this, d -> d.count("SELECT count(*) FROM outbox WHERE done_at IS NULL"))
                .description("Events waiting for delivery").register(meters);
        Gauge.builder("caravan.outbox.dead.letters", this,
                        d -> d.count("SELECT count(*) FROM dead_letters WHERE replayed_at IS NULL"))
                .description("Events that failed every attempt and were not replayed").register(meters);
    }

    private double count(String sql) {
        try {
            Long value = jdbc.queryForObject(sql, Long.class);
            return value == null ? 0 : value;
        } catch (RuntimeException e) {
            return Double.NaN;
        }
    }

    @Override
    public void start() {
        if (!properties.enabled()) {
            LOG.info("Outbox dispatcher disabled (caravan.outbox.enabled=false)");
            return;
        }
        running = true;
        workers = Executors.newFixedThreadPool(properties.workers(), runnable -> {
            Thread thread = new Thread(runnable, "caravan-outbox-worker");
            thread.setDaemon(true);
            return thread;
        });
        listener = new Thread(this::listen, "caravan-outbox-listener");
        listener.setDaemon(true);
        listener.start();
    }

    @Override
    public void stop() {
        running = false;
        Shutdown.stop(workers, listener);
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /** After Camel's routes are up (they start in the default phase) and stopped before them. */
    @Override
    public int getPhase() {
        return Integer.MAX_VALUE - 100;
    }

    private void listen() {
        PgListener.listen(dataSource, channel, () -> running, LOG, "Outbox listener", pg -> {
            while (running) {
                drain();
                cleanupNow();
                pg.getNotifications((int) Math.max(1, nextWait().toMillis()));
            }
        });
    }

    /** Until the next event becomes due, but never longer than the poll interval. */
    private Duration nextWait() {
        Long millis = jdbc.queryForObject("""
                SELECT CEIL(EXTRACT(EPOCH FROM (min(available_at) - now())) * 1000)::bigint
                FROM outbox WHERE done_at IS NULL""", Long.class);
        Duration poll = properties.pollInterval();
        if (millis == null) {
            return poll;
        }
        return millis <= 0 ? Duration.ofMillis(1) : Duration.ofMillis(Math.min(millis, poll.toMillis()));
    }

    /** Hands due events to the workers until none is left. */
    public void drain() {
        List<Future<?>> running = new ArrayList<>();
        for (int i = 0; i < properties.workers(); i++) {
            running.add(workers.submit(() -> {
                while (this.running && deliverOne()) {
                    // keep going while events are due
                }
            }));
        }
        for (Future<?> future : running) {
            try {
                future.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (Exception e) {
                LOG.warn("Outbox worker failed: {}", Secrets.describe(e));
            }
        }
    }

    private record Pending(long id, String type, String payload, int attempts, Instant createdAt) {
    }

    /** @return true if an event was claimed (delivered or not) */
    boolean deliverOne() {
        Boolean claimed = transactions.execute(status -> {
            List<Pending> rows = jdbc.query("""
                    SELECT id, type, payload::text AS payload, attempts, created_at FROM outbox
                    WHERE done_at IS NULL AND available_at <= now()
                    ORDER BY available_at, id LIMIT 1 FOR UPDATE SKIP LOCKED""",
                    (rs, n) -> new Pending(rs.getLong("id"), rs.getString("type"), rs.getString("payload"),
                            rs.getInt("attempts"), rs.getTimestamp("created_at").toInstant()));
            if (rows.isEmpty()) {
                return false;
            }
            Pending event = rows.get(0);
            Exception failure = handle(event, status);
            if (failure == null) {
                jdbc.update("UPDATE outbox SET done_at = now(), attempts = attempts + 1, last_error = NULL WHERE id = ?",
                        event.id());
                outcome(event.type(), "delivered");
            } else {
                failed(event, failure);
            }
            return true;
        });
        return Boolean.TRUE.equals(claimed);
    }

    /**
     * Runs every route consuming the event's type, each behind a savepoint: what a failing route wrote is undone, what
     * a succeeding one wrote stays. With several consumers each success is marked, so a retry skips it.
     *
     * @return null when every consumer succeeded, else the first failure
     */
    private Exception handle(Pending event, TransactionStatus status) {
        List<DefaultConsumer> consumers = subscribers.of(event.type());
        if (consumers.isEmpty()) {
            return handleByEndpoint(event, status);
        }
        boolean marked = consumers.size() > 1;
        Set<String> done = marked && event.attempts() > 0 ? consumed(event.id()) : Set.of();
        Exception first = null;
        for (DefaultConsumer consumer : consumers) {
            String name = consumer.getRouteId();
            if (done.contains(name)) {
                continue;
            }
            Object savepoint = status.createSavepoint();
            Exchange exchange = consumer.createExchange(false);
            try {
                prepare(exchange, event);
                consumer.getProcessor().process(exchange);
                if (exchange.getException() != null) {
                    throw exchange.getException();
                }
                if (marked) {
                    jdbc.update("INSERT INTO outbox_consumed (event_id, consumer) VALUES (?, ?) ON CONFLICT DO NOTHING",
                            event.id(), name);
                }
                status.releaseSavepoint(savepoint);
            } catch (Exception e) {
                status.rollbackToSavepoint(savepoint);
                Exception named = marked ? new IllegalStateException("route " + name + ": " + Secrets.describe(e), e) : e;
                first = first == null ? named : first;
            } finally {
                consumer.releaseExchange(exchange, false);
            }
        }
        return first;
    }

    private Set<String> consumed(long eventId) {
        return Set.copyOf(jdbc.queryForList("SELECT consumer FROM outbox_consumed WHERE event_id = ?", String.class, eventId));
    }

    /** An event type no route consumes, handled by the endpoint configured in caravan.outbox.handlers.<type>. */
    private Exception handleByEndpoint(Pending event, TransactionStatus status) {
        String endpoint = properties.endpointFor(event.type()).orElse(null);
        if (endpoint == null) {
            return new IllegalStateException("no route consumes outbox:" + event.type()
                    + " (add a route 'from: outbox:" + event.type() + "', or set caravan.outbox.handlers." + event.type() + ")");
        }
        Object savepoint = status.createSavepoint();
        Exchange result = template.send(endpoint, exchange -> prepare(exchange, event));
        if (result.getException() != null) {
            status.rollbackToSavepoint(savepoint);
            return result.getException();
        }
        status.releaseSavepoint(savepoint);
        return null;
    }

    private static void prepare(Exchange exchange, Pending event) {
        exchange.getIn().setBody(event.payload());
        exchange.getIn().setHeader(OutboxHeaders.EVENT_ID, event.id());
        exchange.getIn().setHeader(OutboxHeaders.EVENT_TYPE, event.type());
        exchange.getIn().setHeader(OutboxHeaders.ATTEMPTS, event.attempts());
    }

    private void failed(Pending event, Exception error) {
        int attempts = event.attempts() + 1;
        String message = Secrets.describe(error);
        if (attempts >= properties.maxAttempts()) {
            jdbc.update("""
                    INSERT INTO dead_letters (event_id, type, payload, created_at, attempts, last_error)
                    SELECT id, type, payload, created_at, ?, ? FROM outbox WHERE id = ?""", attempts, message, event.id());
            jdbc.update("DELETE FROM outbox WHERE id = ?", event.id());
            outcome(event.type(), "dead-lettered");
            LOG.error("Outbox event {} ({}) failed {} times and was moved to dead_letters: {}", event.id(), event.type(),
                    attempts, message);
            events.publishEvent(new DeadLetteredEvent(event.id(), event.type(), attempts, message));
        } else {
            Duration backoff = properties.backoffAfter(attempts);
            Duration asked = RetryLater.in(error);
            backoff = asked.compareTo(backoff) > 0 ? asked : backoff;
            jdbc.update("""
                    UPDATE outbox SET attempts = ?, last_error = ?, available_at = now() + (? * interval '1 millisecond')
                    WHERE id = ?""", attempts, message, backoff.toMillis(), event.id());
            outcome(event.type(), "retried");
            LOG.warn("Outbox event {} ({}) failed (attempt {} of {}), next try in {}: {}", event.id(), event.type(),
                    attempts, properties.maxAttempts(), backoff, message);
        }
    }

    private void outcome(String type, String outcome) {
        Counter.builder("caravan.outbox.deliveries").description("Outbox delivery attempts by outcome")
                .tag("type", type).tag("outcome", outcome).register(meters).increment();
    }

    private void cleanupNow() {
        if (Duration.between(lastCleanup, Instant.now()).compareTo(Duration.ofHours(1)) < 0) {
            return;
        }
        lastCleanup = Instant.now();
        int removed = jdbc.update("DELETE FROM outbox WHERE done_at < now() - (? * interval '1 second')",
                properties.retention().toSeconds());
        jdbc.update("""
                DELETE FROM outbox_consumed c WHERE NOT EXISTS (SELECT 1 FROM outbox o WHERE o.id = c.event_id)
                AND NOT EXISTS (SELECT 1 FROM dead_letters d WHERE d.event_id = c.event_id AND d.replayed_at IS NULL)""");
        if (removed > 0) {
            LOG.info("Removed {} delivered outbox events older than {}", removed, properties.retention());
        }
    }

    /** Published when an event is moved to dead_letters; admin alerts listen to it. */
    public record DeadLetteredEvent(long eventId, String type, int attempts, String error) {
    }
}
