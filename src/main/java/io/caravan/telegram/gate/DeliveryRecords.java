package io.caravan.telegram.gate;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.caravan.core.Secrets;
import io.caravan.telegram.TelegramProperties;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * What {@link Delivery} reads and writes about a message, inside the delivery's transaction: the queued row
 * ({@code telegram_outgoing}), the posts it made ({@code telegram_posts}), what Telegram said of a chat
 * ({@code telegram_chats}: paused, migrated, disabled) and of a subscriber. Errors are stored redacted.
 */
final class DeliveryRecords {

    private final JdbcTemplate jdbc;
    private final ObjectMapper json;
    private final boolean dryRun;

    DeliveryRecords(JdbcTemplate jdbc, ObjectMapper json, boolean dryRun) {
        this.jdbc = jdbc;
        this.json = json;
        this.dryRun = dryRun;
    }

    record Row(long id, String chatId, String purpose, String method, ObjectNode payload, Long eventId, Long dealId,
               int attempts, Instant eventAt) {
    }

    /** Where a message goes after the chat's migrations, and why it may not go there. */
    record Target(String chatId, String disabledReason) {
    }

    record Post(long id, String chatId, Long messageId, String kind) {
    }

    private record ChatRow(String migratedTo, boolean disabled, String reason) {
    }

    /** The pending row, locked for this delivery; null when it was sent meanwhile or another hub is sending it. */
    Row claim(long id) {
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
        return rows.isEmpty() ? null : rows.get(0);
    }

    /** A pending row's attempts so far, or null when it is no longer pending. */
    Integer pendingAttempts(long id) {
        return jdbc.query("SELECT attempts FROM telegram_outgoing WHERE id = ? AND status = 'pending'",
                rs -> rs.next() ? rs.getInt(1) : null, id);
    }

    Target target(String chatId) {
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

    boolean subscriberBlocked(String chatId) {
        Long id = numeric(chatId);
        return id != null && Boolean.TRUE.equals(jdbc.query("SELECT status = 'blocked' FROM subscribers WHERE chat_id = ?",
                rs -> rs.next() && rs.getBoolean(1), id));
    }

    void blockSubscriber(String chatId) {
        Long id = numeric(chatId);
        if (id != null) {
            jdbc.update("UPDATE subscribers SET status = 'blocked', updated_at = now() WHERE chat_id = ?", id);
        }
    }

    /** The post made by message {@code outgoingId}, or null when it has not been sent. */
    Post postOf(long outgoingId) {
        return jdbc.query("SELECT id, chat_id, message_id, kind FROM telegram_posts WHERE outgoing_id = ?",
                rs -> rs.next() ? new Post(rs.getLong(1), rs.getString(2), (Long) rs.getObject(3), rs.getString(4)) : null,
                outgoingId);
    }

    String statusOf(long outgoingId) {
        return jdbc.query("SELECT status FROM telegram_outgoing WHERE id = ?", rs -> rs.next() ? rs.getString(1) : null, outgoingId);
    }

    void postpone(Row row, Duration by) {
        jdbc.update("UPDATE telegram_outgoing SET available_at = now() + ? * interval '1 millisecond' WHERE id = ?",
                by.toMillis(), row.id());
    }

    /** The file_id Telegram gave a deal's photo the first time it fetched it, or null. */
    String photoFileId(long dealId) {
        return jdbc.query("""
                SELECT photo_file_id FROM telegram_posts WHERE deal_id = ? AND photo_file_id IS NOT NULL
                ORDER BY id LIMIT 1""", rs -> rs.next() ? rs.getString(1) : null, dealId);
    }

    /** A deal's chart, its row locked until the delivery commits: the first sender uploads, the others wait for its file_id. */
    record Chart(byte[] png, String fileId, String failed) {
    }

    /** The chart, locked; null when there is none (pruned). */
    Chart lockChart(long chartId) {
        return jdbc.query("SELECT png, file_id, failed FROM telegram_charts WHERE id = ? FOR UPDATE",
                rs -> rs.next() ? new Chart(rs.getBytes(1), rs.getString(2), rs.getString(3)) : null, chartId);
    }

    void chartUploaded(long chartId, String fileId) {
        jdbc.update("UPDATE telegram_charts SET file_id = ? WHERE id = ?", fileId, chartId);
    }

    void chartRefused(long chartId, String why) {
        jdbc.update("UPDATE telegram_charts SET failed = ? WHERE id = ?", Secrets.redact(why), chartId);
    }

    /** The largest size's file_id of a sendPhoto answer, or null. */
    static String fileId(JsonNode result) {
        JsonNode photos = result == null ? null : result.get("photo");
        return photos != null && photos.isArray() && !photos.isEmpty()
                ? photos.get(photos.size() - 1).path("file_id").asText(null) : null;
    }

    /** @param chart the photo was the deal's chart: its file_id is kept in telegram_charts, not offered as the product photo's */
    void recordPost(Row row, String chatId, String method, JsonNode result, boolean chart) {
        JsonNode photos = result == null ? null : result.get("photo");
        String kind = method.equals("sendPhoto") && (result == null || photos != null) ? "photo" : "text";
        String fileId = chart ? null : fileId(result);
        Long messageId = result != null && result.hasNonNull("message_id") ? result.get("message_id").asLong() : null;
        jdbc.update("""
                INSERT INTO telegram_posts (outgoing_id, event_id, chat_id, message_id, kind, deal_id, photo_file_id, dry_run)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (outgoing_id) DO NOTHING""",
                row.id(), row.eventId(), chatId, messageId, kind, row.dealId(), fileId, dryRun);
    }

    void postEdited(Post post) {
        jdbc.update("UPDATE telegram_posts SET expired_at = coalesce(expired_at, now()) WHERE id = ?", post.id());
    }

    void finish(Row row, String status, String error) {
        jdbc.update("""
                UPDATE telegram_outgoing SET status = ?, attempts = attempts + 1, last_error = ?,
                    sent_at = CASE WHEN ? = 'sent' THEN clock_timestamp() END
                WHERE id = ?""", status, error == null ? null : Secrets.redact(error), status, row.id());
    }

    /** @return false when the row has had its last attempt and is now 'failed' */
    boolean retry(long id, int attempts, String error, TelegramProperties.Limits limits) {
        int tries = attempts + 1;
        if (tries >= limits.maxAttempts()) {
            jdbc.update("UPDATE telegram_outgoing SET status = 'failed', attempts = ?, last_error = ? WHERE id = ?",
                    tries, Secrets.redact(error), id);
            return false;
        }
        long backoff = Math.min(limits.maxBackoff().toMillis(), limits.initialBackoff().toMillis() << Math.min(tries - 1, 30));
        jdbc.update("""
                UPDATE telegram_outgoing SET attempts = ?, last_error = ?, available_at = now() + ? * interval '1 millisecond'
                WHERE id = ?""", tries, Secrets.redact(error), backoff, id);
        return true;
    }

    void rewrite(Row row, String method, ObjectNode payload, String error) {
        jdbc.update("""
                UPDATE telegram_outgoing SET method = ?, payload = ?::jsonb, attempts = attempts + 1, last_error = ?
                WHERE id = ?""", method, payload.toString(), Secrets.redact(error), row.id());
    }

    /** A 429: the chat waits (every hub reads paused_until) and the message goes again after it. */
    void pause(Row row, String chatId, Duration wait, String error) {
        jdbc.update("""
                INSERT INTO telegram_chats (chat_id, paused_until) VALUES (?, now() + ? * interval '1 second')
                ON CONFLICT (chat_id) DO UPDATE SET paused_until = excluded.paused_until, updated_at = now()""",
                chatId, wait.toSeconds());
        jdbc.update("""
                UPDATE telegram_outgoing SET available_at = now() + ? * interval '1 second', last_error = ?
                WHERE id = ?""", wait.toSeconds(), Secrets.redact(error), row.id());
    }

    /** A group became a supergroup: its old ids, the categories posting there and this message move to the new one. */
    void migrate(Row row, String chatId, String migratedTo) {
        for (String old : List.of(row.chatId(), chatId)) {
            jdbc.update("""
                    INSERT INTO telegram_chats (chat_id, migrated_to) VALUES (?, ?)
                    ON CONFLICT (chat_id) DO UPDATE SET migrated_to = excluded.migrated_to, updated_at = now()""",
                    old, migratedTo);
        }
        jdbc.update("UPDATE categories SET channel_chat_id = ? WHERE channel_chat_id IN (?, ?)", migratedTo, row.chatId(), chatId);
        jdbc.update("UPDATE telegram_outgoing SET last_error = ? WHERE id = ?", "migrated to " + migratedTo, row.id());
    }

    void disableChat(String chatId, String reason) {
        jdbc.update("""
                INSERT INTO telegram_chats (chat_id, disabled_at, disabled_reason) VALUES (?, now(), ?)
                ON CONFLICT (chat_id) DO UPDATE SET disabled_at = now(), disabled_reason = excluded.disabled_reason,
                    updated_at = now()""", chatId, reason);
    }

    private static Long numeric(String chatId) {
        try {
            return Long.parseLong(chatId);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private JsonNode readJson(String text) {
        try {
            return json.readTree(text);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("telegram_outgoing payload is not JSON", e);
        }
    }
}
