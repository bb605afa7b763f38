package io.caravan.outbox;

import io.caravan.ops.ConflictException;
import io.caravan.ops.NotFoundException;
import java.time.Instant;
import java.util.List;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Transactional;

/** Events that failed every attempt, and putting one back into the outbox under its original event id. */
@Repository
public class DeadLetters {

    public record DeadLetter(long id, long eventId, String type, String payload, Instant createdAt, Instant failedAt,
                             int attempts, String lastError, Instant replayedAt) {
    }

    private final JdbcTemplate jdbc;

    public DeadLetters(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    public List<DeadLetter> list(String type, boolean includeReplayed, int limit) {
        return jdbc.query("""
                SELECT id, event_id, type, payload::text AS payload, created_at, failed_at, attempts, last_error, replayed_at
                FROM dead_letters
                WHERE (?::text IS NULL OR type = ?) AND (? OR replayed_at IS NULL)
                ORDER BY id DESC LIMIT ?""", (rs, n) -> new DeadLetter(rs.getLong("id"), rs.getLong("event_id"),
                rs.getString("type"), rs.getString("payload"), rs.getTimestamp("created_at").toInstant(),
                rs.getTimestamp("failed_at").toInstant(), rs.getInt("attempts"), rs.getString("last_error"),
                rs.getTimestamp("replayed_at") == null ? null : rs.getTimestamp("replayed_at").toInstant()),
                type, type, includeReplayed, limit);
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
