package io.caravan.alerts;

import io.caravan.core.Secrets;
import io.caravan.ops.JobFinishedEvent;
import io.caravan.ops.JobRun;
import io.caravan.outbox.Outbox;
import io.caravan.outbox.OutboxDispatcher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.event.EventListener;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Turns what went wrong in the hub (a failed job run, a dead-lettered event, a lost Telegram channel) into one
 * {@code admin.alert} event in the outbox. The routes {@code alerts-*.yaml} fan it out, one per channel, each with its
 * own retries and repeat window ({@link AlertWindow}); other flows publish {@code admin.alert} themselves.
 */
public class AdminAlerts {

    public static final String EVENT = "admin.alert";
    private static final Logger LOG = LoggerFactory.getLogger(AdminAlerts.class);

    private final Outbox outbox;
    private final TransactionTemplate nested;

    public AdminAlerts(Outbox outbox, PlatformTransactionManager transactions) {
        this.outbox = outbox;
        // Listeners run inside their publisher's transaction when it has one (the outbox dispatcher's): a savepoint
        // keeps a failing alert from aborting it.
        this.nested = new TransactionTemplate(transactions);
        this.nested.setPropagationBehavior(TransactionDefinition.PROPAGATION_NESTED);
    }

    @EventListener
    public void onJobFinished(JobFinishedEvent event) {
        JobRun run = event.run();
        if (!"failed".equals(run.status())) {
            return;
        }
        String error = run.error() == null ? "no error message" : Secrets.redact(run.error());
        publish(Alert.of("job-failed", "job:" + run.job(), "critical",
                        "Job " + run.job() + " failed (run " + run.id() + ", " + run.trigger() + "): " + error)
                .withRun(run.job(), run.id(), error));
    }

    @EventListener
    public void onDeadLettered(OutboxDispatcher.DeadLetteredEvent event) {
        if (EVENT.equals(event.type())) {
            // An alert a channel could not deliver: alerting about it would go through the same broken channel again
            // and again. The dead letter is in the log, the console and caravan_outbox_dead_letters, which
            // Prometheus' CaravanDeadLetters rule sends through Alertmanager.
            LOG.error("Admin alert {} could not be delivered to every channel and is in dead_letters: {}", event.eventId(),
                    event.error());
            return;
        }
        publish(Alert.of("dead-letter", "dead-letter:" + event.type(), "critical",
                        "Outbox event " + event.eventId() + " (" + event.type() + ") failed " + event.attempts()
                                + " times and is in dead_letters (replay: POST /api/dead-letters/" + event.eventId()
                                + "/replay): " + event.error())
                .withEvent(event.type(), event.eventId(), event.error()));
    }

    /** Called by Telegram's sender when the bot cannot post to a channel or group any more. */
    public void chatDisabled(String chatId, String reason) {
        publish(Alert.of("chat-disabled", "chat-disabled:" + chatId, "warning",
                "Telegram chat " + chatId + " is disabled and gets nothing until it is re-enabled "
                        + "(UPDATE telegram_chats SET disabled_at = NULL WHERE chat_id = '" + chatId + "'): " + reason));
    }

    /** Queues the alert in the caller's transaction, if any: it is delivered once that commits. */
    public void publish(Alert alert) {
        try {
            nested.executeWithoutResult(status -> outbox.publish(EVENT, alert.payload()));
        } catch (RuntimeException e) {
            LOG.warn("Could not queue admin alert {} ({}): {}", alert.key(), Secrets.redact(alert.text()), Secrets.describe(e));
        }
    }
}
