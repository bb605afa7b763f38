package io.caravan.telegram;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.caravan.core.Secrets;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Sends one queued message and records the result in one transaction: the row is claimed with FOR UPDATE SKIP
 * LOCKED, Telegram is called, and {@code telegram_posts} plus the row's new status are committed together. If that
 * commit fails after Telegram accepted the message, the row is still pending and goes again: the one message may
 * appear twice, none is lost.
 */
public class Delivery {

    private static final Logger LOG = LoggerFactory.getLogger(Delivery.class);
    /** How long an edit waits for the post it edits to be sent. */
    private static final Duration POST_NOT_YET_SENT = Duration.ofSeconds(5);

    private final JdbcTemplate jdbc;
    private final TransactionTemplate tx;
    private final BotApi api;
    private final SendGate gate;
    private final AdminAlerts alerts;
    private final TelegramProperties properties;
    private final ObjectMapper json;
    private final MeterRegistry meters;
    private final Timer eventToSend;

    public Delivery(JdbcTemplate jdbc, PlatformTransactionManager transactions, BotApi api, SendGate gate,
                    AdminAlerts alerts, TelegramProperties properties, ObjectMapper json, MeterRegistry meters) {
        this.jdbc = jdbc;
        this.tx = new TransactionTemplate(transactions);
        this.api = api;
        this.gate = gate;
        this.alerts = alerts;
        this.properties = properties;
        this.json = json;
        this.meters = meters;
        // At zero from the start, so increase() and the throttling alert see a series before the first 429.
        for (String chatType : new String[] {"group", "private"}) {
            throttled(chatType);
        }
        this.eventToSend = Timer.builder("caravan.telegram.event.to.send")
                .description("From the outbox event that caused a message (its created_at) to Telegram accepting it")
                .publishPercentiles(0.5, 0.99).publishPercentileHistogram().register(meters);
    }

    record Row(long id, String chatId, String purpose, String method, ObjectNode payload, Long eventId, Long dealId,
               int attempts, Instant eventAt) {
    }

    record Target(String chatId, String disabledReason) {
    }

    record Post(long id, String chatId, Long messageId, String kind) {
    }

    /**
     * @return whether a request reached (or may have reached) Telegram, for the gate's books
     */
    public boolean deliver(long id) {
        boolean[] called = {false};
        try {
            tx.executeWithoutResult(status -> deliverInTransaction(id, called));
        } catch (RuntimeException e) {
            // Nothing of this attempt was committed. If Telegram accepted the message, it goes again (a duplicate,
            // never a loss); the attempt is counted so a failure that repeats ends in 'failed'.
            String error = Secrets.describe(e);
            LOG.warn("Telegram message {} was not recorded and will be retried: {}", id, error);
            try {
                tx.executeWithoutResult(status -> {
                    Integer attempts = jdbc.query("SELECT attempts FROM telegram_outgoing WHERE id = ? AND status = 'pending'",
                            rs -> rs.next() ? rs.getInt(1) : null, id);
                    if (attempts != null) {
                        retry(id, attempts, error);
                    }
                });
            } catch (RuntimeException again) {
                LOG.warn("Could not record the failure of Telegram message {}: {}", id, Secrets.describe(again));
            }
        }
        return called[0];
    }

    private void deliverInTransaction(long id, boolean[] called) {
        List<Row> rows = jdbc.query("""
                        SELECT o.id, o.chat_id, o.purpose, o.method, o.payload::text AS payload, o.event_id, o.deal_id,
                               o.attempts, e.created_at AS event_at
                        FROM telegram_outgoing o LEFT JOIN outbox e ON e.id = o.event_id
                        WHERE o.id = ? AND o.status = 'pending' FOR UPDATE OF o SKIP LOCKED""",
                (rs, n) -> new Row(rs.getLong("id"), rs.getString("chat_id"), rs.getString("purpose"),
                        rs.getString("method"), (ObjectNode) readJson(rs.getString("payload")),
                        (Long) rs.getObject("event_id"), (Long) rs.getObject("deal_id"), rs.getInt("attempts"),
                        rs.getTimestamp("event_at") == null ? null : rs.getTimestamp("event_at").toInstant()),
                id);
        if (rows.isEmpty()) {
            return; // sent meanwhile, or another instance is sending it
        }
        Row row = rows.get(0);
        Target target = target(row.chatId());
        if (target.disabledReason() != null) {
            finish(row, "dropped", "chat " + target.chatId() + " is disabled: " + target.disabledReason(), row.method());
            count(row.method(), "dropped");
            return;
        }
        if (!SendGate.isGroup(target.chatId()) && subscriberBlocked(target.chatId())) {
            finish(row, "dropped", "the subscriber blocked the bot", row.method());
            count(row.method(), "dropped");
            return;
        }
        ObjectNode body = row.payload().deepCopy();
        String method = row.method();
        String chatId = target.chatId();
        Post post = null;
        if (body.has(TelegramSender.POST_REF)) {
            long postOutgoingId = body.get(TelegramSender.POST_REF).asLong();
            post = jdbc.query("SELECT id, chat_id, message_id, kind FROM telegram_posts WHERE outgoing_id = ?",
                    rs -> rs.next() ? new Post(rs.getLong(1), rs.getString(2), (Long) rs.getObject(3), rs.getString(4)) : null,
                    postOutgoingId);
            if (post == null) {
                String status = jdbc.query("SELECT status FROM telegram_outgoing WHERE id = ?",
                        rs -> rs.next() ? rs.getString(1) : null, postOutgoingId);
                if ("pending".equals(status)) {
                    jdbc.update("UPDATE telegram_outgoing SET available_at = now() + ? * interval '1 millisecond' WHERE id = ?",
                            POST_NOT_YET_SENT.toMillis(), row.id());
                } else {
                    finish(row, "dropped", "the post it edits was never sent (" + status + ")", method);
                    count(method, "dropped");
                }
                return;
            }
            if (post.messageId() == null && !properties.dryRun()) {
                finish(row, "dropped", "the post it edits was a dry run", method);
                count(method, "dropped");
                return;
            }
            chatId = post.chatId();
            method = "photo".equals(post.kind()) ? "editMessageCaption" : "editMessageText";
            body.remove("photo".equals(post.kind()) ? "text" : "caption");
            body.remove(TelegramSender.POST_REF);
            if (post.messageId() != null) {
                body.put("message_id", post.messageId());
            }
        }
        if ("sendPhoto".equals(method) && row.dealId() != null) {
            // Telegram fetched this photo once already: its file_id is faster and saves it another download.
            String fileId = jdbc.query("""
                            SELECT photo_file_id FROM telegram_posts WHERE deal_id = ? AND photo_file_id IS NOT NULL
                            ORDER BY id LIMIT 1""", rs -> rs.next() ? rs.getString(1) : null, row.dealId());
            if (fileId != null) {
                body.put("photo", fileId);
            }
        }
        for (Iterator<String> names = body.fieldNames(); names.hasNext(); ) {
            if (names.next().startsWith("_")) {
                names.remove();
            }
        }
        body.put("chat_id", chatId);
        BotApiReply reply;
        if (properties.dryRun()) {
            LOG.info("Dry run, not sent: {} {}", method, body);
            reply = BotApiReply.ok(null);
        } else {
            called[0] = true;
            reply = api.call(method, toMap(body));
        }
        apply(row, chatId, method, post, reply);
    }

    private void apply(Row row, String chatId, String method, Post post, BotApiReply reply) {
        BotApiReply.Outcome outcome = properties.dryRun() ? BotApiReply.Outcome.OK : reply.outcome();
        switch (outcome) {
            case OK, NOT_MODIFIED -> {
                if (post != null) {
                    jdbc.update("UPDATE telegram_posts SET expired_at = coalesce(expired_at, now()) WHERE id = ?", post.id());
                } else if (method.equals("sendPhoto") || method.equals("sendMessage")) {
                    recordPost(row, chatId, method, reply.result());
                }
                finish(row, "sent", null, method);
                count(method, properties.dryRun() ? "dry_run" : outcome == BotApiReply.Outcome.OK ? "sent" : "not_modified");
                if (row.eventAt() != null) {
                    eventToSend.record(Duration.between(row.eventAt(), Instant.now()));
                }
            }
            case RETRY_AFTER -> {
                Duration wait = Duration.ofSeconds(Math.max(1, reply.retryAfter()));
                gate.pause(chatId, wait);
                jdbc.update("""
                        INSERT INTO telegram_chats (chat_id, paused_until) VALUES (?, now() + ? * interval '1 second')
                        ON CONFLICT (chat_id) DO UPDATE SET paused_until = excluded.paused_until, updated_at = now()""",
                        chatId, wait.toSeconds());
                jdbc.update("""
                        UPDATE telegram_outgoing SET available_at = now() + ? * interval '1 second', last_error = ?
                        WHERE id = ?""", wait.toSeconds(), "429 " + reply.summary(), row.id());
                throttled(SendGate.isGroup(chatId) ? "group" : "private").increment();
                count(method, "throttled");
                LOG.warn("Telegram asked chat {} to wait {} s (429); message {} requeued", chatId, wait.toSeconds(), row.id());
            }
            case MIGRATED -> {
                for (String old : List.of(row.chatId(), chatId)) {
                    jdbc.update("""
                            INSERT INTO telegram_chats (chat_id, migrated_to) VALUES (?, ?)
                            ON CONFLICT (chat_id) DO UPDATE SET migrated_to = excluded.migrated_to, updated_at = now()""",
                            old, reply.migrateTo());
                }
                jdbc.update("UPDATE categories SET channel_chat_id = ? WHERE channel_chat_id IN (?, ?)",
                        reply.migrateTo(), row.chatId(), chatId);
                jdbc.update("UPDATE telegram_outgoing SET last_error = ? WHERE id = ?",
                        "migrated to " + reply.migrateTo(), row.id());
                count(method, "migrated");
                LOG.info("Telegram chat {} became {}; message {} goes there", chatId, reply.migrateTo(), row.id());
            }
            case BLOCKED -> {
                blockSubscriber(chatId);
                finish(row, "dropped", reply.summary(), method);
                count(method, "blocked");
                LOG.info("Subscriber {} blocked the bot or was deleted; message {} dropped", chatId, row.id());
            }
            case NOT_MEMBER -> {
                if (SendGate.isGroup(chatId)) {
                    jdbc.update("""
                            INSERT INTO telegram_chats (chat_id, disabled_at, disabled_reason) VALUES (?, now(), ?)
                            ON CONFLICT (chat_id) DO UPDATE SET disabled_at = now(), disabled_reason = excluded.disabled_reason,
                                updated_at = now()""", chatId, reply.summary());
                    if (!chatId.equals(properties.adminChatId())) {
                        alerts.chatDisabled(chatId, reply.summary());
                    }
                    LOG.warn("Telegram chat {} disabled: {}", chatId, reply.summary());
                } else {
                    blockSubscriber(chatId);
                }
                finish(row, "dropped", reply.summary(), method);
                count(method, "chat_disabled");
            }
            case BAD_HTML -> {
                LOG.error("Telegram refused the HTML of message {} ({} to {}): {}. This is an escaping bug; the message "
                        + "is resent as plain text.", row.id(), method, chatId, reply.summary());
                ObjectNode plain = row.payload().deepCopy();
                for (String field : List.of("text", "caption")) {
                    if (plain.hasNonNull(field)) {
                        plain.put(field, TelegramHtml.toPlainText(plain.get(field).asText()));
                    }
                }
                plain.remove("parse_mode");
                rewrite(row, row.method(), plain, reply.summary());
                count(method, "bad_html");
            }
            case BAD_PHOTO -> {
                ObjectNode text = row.payload().deepCopy();
                text.put("text", text.path("caption").asText(""));
                text.remove("caption");
                text.remove("photo");
                rewrite(row, "sendMessage", text, reply.summary());
                count(method, "bad_photo");
                LOG.warn("Telegram could not use the photo of message {} ({}); sending it as text", row.id(), reply.summary());
            }
            case RETRY -> {
                retry(row.id(), row.attempts(), reply.summary());
                count(method, "retried");
            }
            case FAILED -> {
                finish(row, "failed", reply.summary(), method);
                count(method, "failed");
                LOG.warn("Telegram refused message {} ({} to {}): {}", row.id(), method, chatId, reply.summary());
            }
        }
    }

    private void recordPost(Row row, String chatId, String method, JsonNode result) {
        JsonNode photos = result == null ? null : result.get("photo");
        String kind = method.equals("sendPhoto") && (result == null || photos != null) ? "photo" : "text";
        String fileId = photos != null && photos.isArray() && !photos.isEmpty()
                ? photos.get(photos.size() - 1).path("file_id").asText(null) : null;
        Long messageId = result != null && result.hasNonNull("message_id") ? result.get("message_id").asLong() : null;
        jdbc.update("""
                INSERT INTO telegram_posts (outgoing_id, event_id, chat_id, message_id, kind, deal_id, photo_file_id, dry_run)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (outgoing_id) DO NOTHING""",
                row.id(), row.eventId(), chatId, messageId, kind, row.dealId(), fileId, properties.dryRun());
    }

    private void finish(Row row, String status, String error, String method) {
        jdbc.update("""
                UPDATE telegram_outgoing SET status = ?, attempts = attempts + 1, last_error = ?,
                    sent_at = CASE WHEN ? = 'sent' THEN clock_timestamp() END
                WHERE id = ?""", status, error == null ? null : Secrets.redact(error), status, row.id());
    }

    private void retry(long id, int attempts, String error) {
        int tries = attempts + 1;
        TelegramProperties.Limits limits = properties.limits();
        if (tries >= limits.maxAttempts()) {
            jdbc.update("UPDATE telegram_outgoing SET status = 'failed', attempts = ?, last_error = ? WHERE id = ?",
                    tries, Secrets.redact(error), id);
            LOG.warn("Telegram message {} failed {} times and is given up: {}", id, tries, error);
            return;
        }
        long backoff = Math.min(limits.maxBackoff().toMillis(), limits.initialBackoff().toMillis() << Math.min(tries - 1, 30));
        jdbc.update("""
                UPDATE telegram_outgoing SET attempts = ?, last_error = ?, available_at = now() + ? * interval '1 millisecond'
                WHERE id = ?""", tries, Secrets.redact(error), backoff, id);
    }

    private void rewrite(Row row, String method, ObjectNode payload, String error) {
        jdbc.update("""
                UPDATE telegram_outgoing SET method = ?, payload = ?::jsonb, attempts = attempts + 1, last_error = ?
                WHERE id = ?""", method, payload.toString(), Secrets.redact(error), row.id());
    }

    private record ChatRow(String migratedTo, boolean disabled, String reason) {
    }

    private Target target(String chatId) {
        String current = chatId;
        // Follow migrations (a group is upgraded at most once; the bound guards against a cycle in bad data).
        for (int hop = 0; hop < 3; hop++) {
            ChatRow chat = jdbc.query("SELECT migrated_to, disabled_at IS NOT NULL, disabled_reason FROM telegram_chats WHERE chat_id = ?",
                    rs -> rs.next() ? new ChatRow(rs.getString(1), rs.getBoolean(2), rs.getString(3)) : null, current);
            if (chat == null) {
                return new Target(current, null);
            }
            if (chat.disabled()) {
                return new Target(current, chat.reason() == null ? "disabled" : chat.reason());
            }
            if (chat.migratedTo() == null) {
                return new Target(current, null);
            }
            current = chat.migratedTo();
        }
        return new Target(current, null);
    }

    private boolean subscriberBlocked(String chatId) {
        Long id = numeric(chatId);
        return id != null && Boolean.TRUE.equals(jdbc.query("SELECT status = 'blocked' FROM subscribers WHERE chat_id = ?",
                rs -> rs.next() && rs.getBoolean(1), id));
    }

    private void blockSubscriber(String chatId) {
        Long id = numeric(chatId);
        if (id != null) {
            jdbc.update("UPDATE subscribers SET status = 'blocked', updated_at = now() WHERE chat_id = ?", id);
        }
    }

    private static Long numeric(String chatId) {
        try {
            return Long.parseLong(chatId);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private void count(String method, String outcome) {
        Counter.builder("caravan.telegram.sent").description("Telegram messages handled, by Bot API method and outcome")
                .tag("method", method).tag("outcome", outcome).register(meters).increment();
    }

    private JsonNode readJson(String text) {
        try {
            return json.readTree(text);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("telegram_outgoing payload is not JSON", e);
        }
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> toMap(ObjectNode body) {
        return json.convertValue(body, Map.class);
    }

    private Counter throttled(String chatType) {
        return Counter.builder("caravan.telegram.throttled").description("429 answers (retry_after) from Telegram")
                .tag("chat_type", chatType).register(meters);
    }
}
