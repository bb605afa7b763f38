package io.caravan.metabase;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.caravan.metabase.MetabaseProperties.Card;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.springframework.jdbc.core.JdbcTemplate;

/** The {@code sync_runs} table: one row per sync, written running → succeeded | failed. */
public class SyncRuns {

    private final JdbcTemplate jdbc;
    private final ObjectMapper json;
    private final String instance;

    public SyncRuns(JdbcTemplate jdbc, ObjectMapper json, String instance) {
        this.jdbc = jdbc;
        this.json = json;
        this.instance = instance;
    }

    public long start(Card card, Long jobRunId) {
        return jdbc.queryForObject("""
                INSERT INTO sync_runs (card, card_id, job_run_id, table_name, mode, status, instance)
                VALUES (?, ?, ?, ?, ?, 'running', ?) RETURNING id""", Long.class,
                card.name(), card.id(), jobRunId, card.qualifiedTable(), card.mode().name().toLowerCase(), instance);
    }

    /** Called inside the load's transaction, so the row says succeeded only if the data is there. */
    public void succeeded(long id, CardLoader.Loaded loaded, String cursorFrom, String cursorTo) {
        List<Map<String, String>> columns = loaded.columns().stream()
                .map(c -> Map.of("name", c.name(), "title", c.title(), "type", c.type())).toList();
        try {
            jdbc.update("""
                    UPDATE sync_runs SET status = 'succeeded', rows = ?, bytes = ?, finished_at = now(),
                           duration_ms = (extract(epoch FROM clock_timestamp() - started_at) * 1000)::bigint, columns = ?::jsonb,
                           cursor_from = ?, cursor_to = ?, note = ?
                     WHERE id = ?""", loaded.rows(), loaded.bytes(), json.writeValueAsString(columns), cursorFrom, cursorTo,
                    loaded.note(), id);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    public void failed(long id, String error) {
        jdbc.update("""
                UPDATE sync_runs SET status = 'failed', error = ?, finished_at = now(),
                       duration_ms = (extract(epoch FROM clock_timestamp() - started_at) * 1000)::bigint
                 WHERE id = ?""", error, id);
    }

    /** Syncs this instance left running when it stopped can never finish. */
    public int failAbandoned() {
        return jdbc.update("""
                UPDATE sync_runs SET status = 'failed', finished_at = now(), error = 'the hub stopped during this sync'
                 WHERE status = 'running' AND instance = ?""", instance);
    }

    /** Each card's last successful sync, in one query (readiness asks on every probe); cards never synced are absent. */
    public Map<String, Instant> lastSuccesses(Collection<String> cards) {
        Map<String, Instant> last = new HashMap<>();
        jdbc.query("SELECT card, max(finished_at) FROM sync_runs WHERE status = 'succeeded' AND card = ANY(?) GROUP BY card",
                row -> {
                    last.put(row.getString(1), row.getTimestamp(2).toInstant());
                }, (Object) cards.toArray(String[]::new));
        return last;
    }
}
