package io.caravan.telegram;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.caravan.core.Secrets;
import io.caravan.ops.JobFinishedEvent;
import io.caravan.ops.JobRun;
import io.caravan.outbox.OutboxDispatcher;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.camel.Body;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.event.EventListener;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * One Telegram message to {@code caravan.telegram.admin-chat-id} per thing that went wrong: {@code admin.alert}
 * events, failed job runs, dead-lettered outbox events, disabled channels. Grouped by a key (the job, the event
 * type, the chat): at most one alert per key per {@code limits.admin-alert-interval}; the ones held back are counted
 * and the next alert of that key says how many. The count lives in {@code bot_state} (key {@code admin-alert:<key>}),
 * so grouping holds across instances and restarts.
 */
public class AdminAlerts {

    private static final Logger LOG = LoggerFactory.getLogger(AdminAlerts.class);
    private static final int MAX_DETAIL = 1500;

    private final JdbcTemplate jdbc;
    private final TelegramOutgoing outgoing;
    private final TelegramProperties properties;
    private final ObjectMapper json;
    private final TransactionTemplate nested;

    public AdminAlerts(JdbcTemplate jdbc, TelegramOutgoing outgoing, TelegramProperties properties, ObjectMapper json,
                       PlatformTransactionManager transactions) {
        this.jdbc = jdbc;
        this.outgoing = outgoing;
        this.properties = properties;
        this.json = json;
        // Listeners run inside their publisher's transaction (the outbox dispatcher's): a savepoint keeps a failing
        // alert from aborting it.
        this.nested = new TransactionTemplate(transactions);
        this.nested.setPropagationBehavior(TransactionDefinition.PROPAGATION_NESTED);
    }

    /**
     * Route step of {@code admin.alert}: the message for caravan.telegram.admin-chat-id, or null when no admin chat
     * is set or one with this key went out within caravan.telegram.limits.admin-alert-interval (then counted).
     */
    public TelegramGateEndpoint.Outgoing composeAlertEvent(@Body String payload) throws Exception {
        JsonNode event = json.readTree(payload);
        String kind = event.path("kind").asText("alert");
        return compose(event.path("key").asText(kind), kind, event.path("text").asText(payload));
    }

    @EventListener
    public void onJobFinished(JobFinishedEvent event) {
        JobRun run = event.run();
        if (!"failed".equals(run.status())) {
            return;
        }
        safely(() -> alert("job:" + run.job(), "job failed",
                "Job " + run.job() + " failed (run " + run.id() + ", " + run.trigger() + "): "
                        + (run.error() == null ? "no error message" : run.error()), null));
    }

    @EventListener
    public void onDeadLettered(OutboxDispatcher.DeadLetteredEvent event) {
        safely(() -> alert("dead-letter:" + event.type(), "event dead-lettered",
                "Outbox event " + event.eventId() + " (" + event.type() + ") failed " + event.attempts()
                        + " times and is in dead_letters (replay: POST /api/dead-letters/" + event.eventId()
                        + "/replay): " + event.error(), null));
    }

    /** Called by the sender when Telegram says the bot cannot post to a channel or group any more. */
    public void chatDisabled(String chatId, String reason) {
        alert("chat-disabled:" + chatId, "channel disabled",
                "Telegram chat " + chatId + " is disabled and gets nothing until it is re-enabled "
                        + "(UPDATE telegram_chats SET disabled_at = NULL WHERE chat_id = '" + chatId + "'): " + reason, null);
    }

    /**
     * Queues the alert in the caller's transaction unless one with this key went out within the interval.
     *
     * @return true if a message was queued
     */
    public boolean alert(String key, String kind, String text, Long eventId) {
        TelegramGateEndpoint.Outgoing message = compose(key, kind, text);
        if (message == null) {
            return false;
        }
        outgoing.enqueue(message.chatId(), "admin_alert", message.method(), message.body(), eventId, null);
        return true;
    }

    private TelegramGateEndpoint.Outgoing compose(String key, String kind, String text) {
        String detail = Secrets.redact(text);
        String admin = properties.adminChatId();
        if (admin == null || admin.isBlank()) {
            LOG.warn("Admin alert ({}; caravan.telegram.admin-chat-id is not set): {}", key, detail);
            return null;
        }
        String stateKey = "admin-alert:" + key;
        jdbc.update("INSERT INTO bot_state (key, value, updated_at) VALUES (?, '-1', 'epoch') ON CONFLICT (key) DO NOTHING",
                stateKey);
        Map<String, Object> state = jdbc.queryForMap("SELECT value, updated_at FROM bot_state WHERE key = ? FOR UPDATE", stateKey);
        long heldBack = Long.parseLong((String) state.get("value"));
        Instant last = ((Timestamp) state.get("updated_at")).toInstant();
        Duration interval = properties.limits().adminAlertInterval();
        Instant now = jdbc.queryForObject("SELECT now()", Timestamp.class).toInstant();
        if (heldBack >= 0 && last.plus(interval).isAfter(now)) {
            jdbc.update("UPDATE bot_state SET value = ? WHERE key = ?", String.valueOf(heldBack + 1), stateKey);
            LOG.info("Admin alert held back ({} within {}): {}", key, interval, detail);
            return null;
        }
        String message = "⚠️ <b>" + TelegramHtml.escape(kind) + "</b>\n"
                + TelegramHtml.escape(detail.length() > MAX_DETAIL ? detail.substring(0, MAX_DETAIL) + "…" : detail)
                + (heldBack > 0 ? "\n(+" + heldBack + " more like this since "
                + DateTimeFormatter.ofPattern("HH:mm").format(last.atZone(properties.timeZone())) + ", not sent)" : "");
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("text", TelegramHtml.truncate(message, TelegramHtml.TEXT_LIMIT));
        body.put("parse_mode", "HTML");
        jdbc.update("UPDATE bot_state SET value = '0', updated_at = now() WHERE key = ?", stateKey);
        LOG.warn("Admin alert ({}): {}", key, detail);
        return new TelegramGateEndpoint.Outgoing(admin, "admin_alert", "sendMessage", body, null);
    }

    private void safely(Runnable alert) {
        try {
            nested.executeWithoutResult(status -> alert.run());
        } catch (RuntimeException e) {
            LOG.warn("Could not queue an admin alert: {}", Secrets.describe(e));
        }
    }
}
