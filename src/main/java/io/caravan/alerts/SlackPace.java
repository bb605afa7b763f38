package io.caravan.alerts;

import io.caravan.outbox.RetryLater;
import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Slack's incoming webhooks take about one message a second, and answer 429 with {@code Retry-After} past that.
 * Every hub takes its turn from one row of {@code alert_pace}: a send reserves the next free slot
 * ({@code min-interval} after the last) in a transaction of its own, so the reservation holds even when the send
 * fails, and waits for it; a 429 pushes the row past its {@code Retry-After}. A wait longer than {@code max-wait} is
 * not spent holding an outbox worker: the event is retried when it is over ({@link RetryLater}).
 */
public class SlackPace {

    static final String CHANNEL = "slack";
    private static final Logger LOG = LoggerFactory.getLogger(SlackPace.class);
    /** camel-slack reports a failed webhook POST with the Slack SDK's response, headers included (lower-case). */
    private static final Pattern STATUS = Pattern.compile("code=(\\d{3})");
    private static final Pattern RETRY_AFTER = Pattern.compile("retry-after=\\[(\\d+)]");

    private final JdbcTemplate jdbc;
    private final TransactionTemplate own;
    private final AlertsProperties.Slack settings;

    public SlackPace(JdbcTemplate jdbc, PlatformTransactionManager transactions, AlertsProperties.Slack settings) {
        this.jdbc = jdbc;
        this.own = new TransactionTemplate(transactions);
        this.own.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
        this.settings = settings;
    }

    /** Route step before the send: waits for this hub's turn, or throws {@link RetryLater} when it is too far off. */
    public void take() throws InterruptedException {
        Duration wait = reserve();
        if (wait.compareTo(settings.maxWait()) > 0) {
            throw new RetryLater(wait, "Slack is paced (a 429's Retry-After or the queue of hubs): next message in " + wait);
        }
        if (!wait.isZero()) {
            Thread.sleep(wait.toMillis());
        }
    }

    /**
     * Takes the next free slot, {@code min-interval} after the one before (its own transaction, committed at once), and
     * returns how long until it; a slot further off than {@code max-wait} is not taken.
     */
    Duration reserve() {
        return own.execute(status -> {
            jdbc.update("INSERT INTO alert_pace (channel) VALUES (?) ON CONFLICT DO NOTHING", CHANNEL);
            Long millis = jdbc.queryForObject("""
                    SELECT greatest(0, CEIL(EXTRACT(EPOCH FROM (next_at - clock_timestamp())) * 1000))::bigint
                    FROM alert_pace WHERE channel = ? FOR UPDATE""", Long.class, CHANNEL);
            Duration until = Duration.ofMillis(millis == null ? 0 : millis);
            if (until.compareTo(settings.maxWait()) <= 0) {
                jdbc.update("""
                        UPDATE alert_pace SET next_at = greatest(next_at, clock_timestamp()) + (? * interval '1 millisecond')
                        WHERE channel = ?""", settings.minInterval().toMillis(), CHANNEL);
            }
            return until;
        });
    }

    /**
     * Route step when the send failed: a 429 pushes every hub's next Slack message past its Retry-After and retries
     * this one after it; any other failure is thrown again as it is (the outbox retries it with backoff).
     */
    public void failed(Exchange exchange) throws Exception {
        Exception error = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        String message = error == null || error.getMessage() == null ? "" : error.getMessage().toLowerCase(Locale.ROOT);
        Matcher status = STATUS.matcher(message);
        if (status.find() && status.group(1).equals("429")) {
            Matcher retryAfter = RETRY_AFTER.matcher(message);
            Duration after = Duration.ofSeconds(retryAfter.find() ? Long.parseLong(retryAfter.group(1)) : 1);
            own.executeWithoutResult(s -> jdbc.update("""
                    UPDATE alert_pace SET next_at = greatest(next_at, clock_timestamp() + (? * interval '1 millisecond'))
                    WHERE channel = ?""", after.toMillis(), CHANNEL));
            LOG.warn("Slack answered 429: no message for {}", after);
            throw new RetryLater(after, "Slack answered 429, Retry-After " + after.toSeconds() + "s");
        }
        throw error == null ? new IllegalStateException("Slack send failed without an exception") : error;
    }
}
