package io.caravan.outbox;

import io.caravan.ops.ConflictException;
import io.caravan.ops.NotFoundException;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Transactional;

/** Events that failed every attempt, and putting one back into the outbox under its original event id. */
@Repository
public class DeadLetters {

    /**
     * A dead letter and, once replayed, what became of its event: {@code replayOutcome} is {@code pending} (back in
     * the outbox, not delivered yet), {@code delivered} (at {@code deliveredAt}; null once the outbox's retention has
     * removed the row) or {@code failed-again} (as dead letter {@code failedAgainAs}); null while not replayed.
     */
    public record DeadLetter(long id, long eventId, String type, String payload, Instant createdAt, Instant failedAt,
                             int attempts, String lastError, Instant replayedAt, String replayOutcome, Instant deliveredAt,
                             Long failedAgainAs) {
    }

    private final JdbcTemplate jdbc;

    public DeadLetters(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    public List<DeadLetter> list(String type, boolean includeReplayed, int limit) {
        // A replayed event is back in the outbox under its own id until it is delivered (done_at) and pruned, or
        // fails again, which deletes the outbox row and writes a newer dead letter with the same event id.
        return jdbc.query("""
                SELECT d.id, d.event_id, d.type, d.payload::text AS payload, d.created_at, d.failed_at, d.attempts,
                       d.last_error, d.replayed_at, o.id IS NOT NULL AS in_outbox, o.done_at AS delivered_at,
                       (SELECT min(a.id) FROM dead_letters a WHERE a.event_id = d.event_id AND a.id > d.id) AS failed_again_as
                FROM dead_letters d LEFT JOIN outbox o ON o.id = d.event_id AND d.replayed_at IS NOT NULL
                WHERE (?::text IS NULL OR d.type = ?) AND (? OR d.replayed_at IS NULL)
                ORDER BY d.id DESC LIMIT ?""", (rs, n) -> {
            Instant replayedAt = instant(rs, "replayed_at");
            Instant deliveredAt = instant(rs, "delivered_at");
            Long failedAgainAs = rs.getObject("failed_again_as", Long.class);
            return new DeadLetter(rs.getLong("id"), rs.getLong("event_id"), rs.getString("type"), rs.getString("payload"),
                    instant(rs, "created_at"), instant(rs, "failed_at"), rs.getInt("attempts"), rs.getString("last_error"),
                    replayedAt, replayOutcome(replayedAt, rs.getBoolean("in_outbox"), deliveredAt, failedAgainAs),
                    deliveredAt, failedAgainAs);
        }, type, type, includeReplayed, limit);
    }

    static String replayOutcome(Instant replayedAt, boolean inOutbox, Instant deliveredAt, Long failedAgainAs) {
        if (replayedAt == null) {
            return null;
        }
        if (failedAgainAs != null) {
            return "failed-again";
        }
        // Only delivery (then retention) or a new dead letter takes a replayed event out of the outbox.
        return inOutbox && deliveredAt == null ? "pending" : "delivered";
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        Timestamp at = rs.getTimestamp(column);
        return at == null ? null : at.toInstant();
    }

    /**
     * Puts the event back with its original id (consumers de-duplicate on it) and a fresh set of attempts.
     *
     * @return the event id
     */
    @Transactional
    public long replay(long id) {
        List<Long> eventIds = jdbc.queryForList("SELECT event_id FROM dead_letters WHERE id = ? FOR UPDATE", Long.class, id);
        if (eventIds.isEmpty()) {
            throw new NotFoundException("No dead letter with id " + id);
        }
        long eventId = eventIds.get(0);
        int inserted = jdbc.update("""
                INSERT INTO outbox (id, type, payload, created_at, available_at, attempts)
                SELECT event_id, type, payload, created_at, now(), 0 FROM dead_letters WHERE id = ?
                ON CONFLICT (id) DO NOTHING""", id);
        if (inserted == 0) {
            throw new ConflictException("Event " + eventId + " of dead letter " + id + " is already back in the outbox");
        }
        jdbc.update("UPDATE dead_letters SET replayed_at = now() WHERE id = ?", id);
        return eventId;
    }
}
