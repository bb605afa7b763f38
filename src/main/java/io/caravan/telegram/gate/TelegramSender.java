package io.caravan.telegram.gate;

import io.caravan.core.PgListener;
import io.caravan.core.Secrets;
import io.caravan.core.Shutdown;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Drains {@code telegram_outgoing} through the {@link SendGate}. A planner thread looks at the first due message of
 * every chat (chats paused by a 429 left out), asks the gate for each, hands the granted ones to a small pool of
 * senders and goes on with the next chat, so a chat that has to wait holds up nobody else. It wakes on NOTIFY
 * {@code <schema>_telegram} (a trigger fires it when a message is queued), when a send finishes, when the gate's
 * next slot opens, and at least every second (a lost notification only delays). Each send is claimed again with
 * FOR UPDATE SKIP LOCKED by {@link Delivery}, so several instances never send the same row.
 */
public class TelegramSender implements SmartLifecycle {

    /** Payload field of an edit: the telegram_outgoing id of the post it edits (fields starting with _ are never sent). */
    public static final String POST_REF = "_post";

    private static final Logger LOG = LoggerFactory.getLogger(TelegramSender.class);
    private static final Duration POLL = Duration.ofSeconds(1);
    /** Sends in flight at once; the global budget (25/s) at a ~100-300 ms round trip needs about this many. */
    private static final int SENDERS = 8;
    private static final int HEADS = 2000;

    private final DataSource dataSource;
    private final JdbcTemplate jdbc;
    private final Delivery delivery;
    private final SendGate gate;
    private final String channel;
    private final MultiGauge pendingPerChat;
    private final Semaphore wake = new Semaphore(0);
    private final Set<Long> inFlight = ConcurrentHashMap.newKeySet();

    private volatile boolean running;
    private Thread planner;
    private Thread listener;
    private ExecutorService senders;
    private Instant lastHousekeeping = Instant.EPOCH;
    private Instant lastGauge = Instant.EPOCH;

    public TelegramSender(DataSource dataSource, JdbcTemplate jdbc, Delivery delivery, SendGate gate, String schema,
                          MeterRegistry meters) {
        this.dataSource = dataSource;
        this.jdbc = jdbc;
        this.delivery = delivery;
        this.gate = gate;
        this.channel = schema + "_telegram";
        Gauge.builder("caravan.telegram.pending", this,
                        s -> s.count("SELECT count(*) FROM telegram_outgoing WHERE status = 'pending'"))
                .description("Messages waiting to be sent to Telegram").register(meters);
        this.pendingPerChat = MultiGauge.builder("caravan.telegram.pending.chat")
                .description("Messages waiting per chat, for the 10 chats with the most (refreshed every 10 s)")
                .register(meters);
    }

    @Override
    public void start() {
        running = true;
        senders = Executors.newFixedThreadPool(SENDERS, runnable -> {
            Thread thread = new Thread(runnable, "caravan-telegram-sender");
            thread.setDaemon(true);
            return thread;
        });
        listener = new Thread(this::listen, "caravan-telegram-listener");
        listener.setDaemon(true);
        listener.start();
        planner = new Thread(this::plan, "caravan-telegram-planner");
        planner.setDaemon(true);
        planner.start();
        LOG.info("Telegram sender started");
    }

    @Override
    public void stop() {
        running = false;
        Shutdown.stop(senders, planner, listener);
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /** Like the outbox dispatcher: after Camel's routes, stopped before them. */
    @Override
    public int getPhase() {
        return Integer.MAX_VALUE - 100;
    }

    /** Wakes the planner now (tests and callers that just queued something outside a transaction). */
    public void wakeUp() {
        wake.release();
    }

    private void plan() {
        while (running) {
            long waitMillis;
            try {
                waitMillis = pass();
            } catch (RuntimeException e) {
                if (!running) {
                    return;
                }
                LOG.warn("Telegram sender pass failed: {}", Secrets.describe(e));
                waitMillis = POLL.toMillis();
            }
            try {
                wake.tryAcquire(Math.max(1, waitMillis), TimeUnit.MILLISECONDS);
                wake.drainPermits();
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /**
     * @param target the gate's key: the chat the message goes to (after a migration), except for answers to button
     *               presses, which are not messages, must come quickly (the user sees a spinner), and so only count
     *               against the global budget
     */
    private record Head(long id, String target) {
    }

    /** @return milliseconds until the next pass is worth doing, unless woken earlier */
    long pass() {
        housekeeping();
        List<Head> heads = jdbc.query("""
                SELECT id, target FROM (
                    SELECT DISTINCT ON (o.chat_id) o.id, o.available_at,
                        CASE WHEN o.method = 'answerCallbackQuery' THEN '~' || o.id ELSE coalesce(c.migrated_to, o.chat_id) END AS target
                    FROM telegram_outgoing o LEFT JOIN telegram_chats c ON c.chat_id = o.chat_id
                    WHERE o.status = 'pending' AND o.available_at <= now()
                      AND (c.paused_until IS NULL OR c.paused_until <= now())
                    ORDER BY o.chat_id, o.available_at, o.id) h
                ORDER BY available_at, id LIMIT ?""",
                (rs, n) -> new Head(rs.getLong("id"), rs.getString("target")), HEADS);
        long wait = POLL.toMillis();
        for (Head head : heads) {
            if (inFlight.contains(head.id())) {
                continue;
            }
            SendGate.Decision decision = gate.tryAcquire(head.target());
            if (decision.granted()) {
                dispatch(head);
            } else {
                if (decision.waitFor() != null) {
                    wait = Math.min(wait, Math.max(1, decision.waitFor().toMillis()));
                }
                if (decision.globalLimit()) {
                    break; // nobody can send until the global budget frees up
                }
            }
        }
        Long notYetDue = jdbc.queryForObject("""
                SELECT CEIL(EXTRACT(EPOCH FROM (min(greatest(o.available_at, coalesce(c.paused_until, o.available_at))) - now())) * 1000)::bigint
                FROM telegram_outgoing o LEFT JOIN telegram_chats c ON c.chat_id = o.chat_id
                WHERE o.status = 'pending' AND greatest(o.available_at, coalesce(c.paused_until, o.available_at)) > now()""",
                Long.class);
        if (notYetDue != null) {
            wait = Math.min(wait, Math.max(1, notYetDue));
        }
        return wait;
    }

    private void dispatch(Head head) {
        inFlight.add(head.id());
        try {
            senders.execute(() -> {
                boolean called = false;
                try {
                    called = delivery.deliver(head.id());
                } catch (RuntimeException e) {
                    LOG.warn("Telegram message {} could not be sent: {}", head.id(), Secrets.describe(e));
                } finally {
                    inFlight.remove(head.id());
                    gate.release(head.target(), called);
                    wake.release();
                }
            });
        } catch (RuntimeException rejected) {
            inFlight.remove(head.id());
            gate.release(head.target(), false);
            throw rejected;
        }
    }

    /** Once a second: drop what can never be delivered, forget idle chats, refresh the per-chat gauge. */
    private void housekeeping() {
        Instant now = Instant.now();
        if (Duration.between(lastHousekeeping, now).compareTo(POLL) < 0) {
            return;
        }
        lastHousekeeping = now;
        jdbc.update("""
                UPDATE telegram_outgoing o SET status = 'dropped', last_error = 'chat ' || c.chat_id || ' is disabled: ' || coalesce(c.disabled_reason, '')
                FROM telegram_chats c WHERE o.status = 'pending' AND c.chat_id = o.chat_id AND c.disabled_at IS NOT NULL""");
        jdbc.update("""
                UPDATE telegram_outgoing o SET status = 'dropped', last_error = 'the subscriber blocked the bot'
                FROM subscribers s WHERE o.status = 'pending' AND o.chat_id = s.chat_id::text AND s.status = 'blocked'""");
        gate.forgetIdle();
        if (Duration.between(lastGauge, now).getSeconds() >= 10) {
            lastGauge = now;
            List<MultiGauge.Row<?>> rows = jdbc.query("""
                    SELECT chat_id, count(*) AS n FROM telegram_outgoing WHERE status = 'pending'
                    GROUP BY chat_id ORDER BY n DESC LIMIT 10""",
                    (rs, n) -> MultiGauge.Row.of(Tags.of("chat", rs.getString("chat_id")), rs.getLong("n")));
            pendingPerChat.register(rows, true);
        }
    }

    private void listen() {
        PgListener.listen(dataSource, channel, () -> running, LOG, "Telegram listener", pg -> {
            wake.release(); // anything queued while we were not listening
            while (running) {
                var notifications = pg.getNotifications((int) POLL.toMillis());
                if (notifications != null && notifications.length > 0) {
                    wake.release();
                }
            }
        });
    }

    private double count(String sql) {
        try {
            Long value = jdbc.queryForObject(sql, Long.class);
            return value == null ? 0 : value;
        } catch (RuntimeException e) {
            return Double.NaN;
        }
    }
}
