package io.caravan.alerts;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.sql.Timestamp;
import java.util.Map;
import org.apache.camel.Body;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The repeat window of each channel route: an alert key goes to a channel at most once per
 * {@code caravan.alerts.repeat-after}; the ones held back meanwhile are counted and the next message says how many.
 * <p>
 * The window lives in {@code alert_windows}, so it holds across hubs and restarts. Its row stays locked until the
 * outbox event's transaction ends, and the route's update is undone with the route when the send fails: an alert is
 * counted as sent only once the channel took it, and a retry finds the window still open.
 */
public class AlertWindow {

    private static final Logger LOG = LoggerFactory.getLogger(AlertWindow.class);

    private final JdbcTemplate jdbc;
    private final AlertsProperties properties;
    private final ObjectMapper json;

    public AlertWindow(JdbcTemplate jdbc, AlertsProperties properties, ObjectMapper json) {
        this.jdbc = jdbc;
        this.properties = properties;
        this.json = json;
    }

    /**
     * Route step: the event's alert with the count held back since the last one, or null when one with the same key
     * went to this channel within the window (then it is counted).
     */
    public Alert admit(String channel, @Body String payload) {
        Alert alert = Alert.parse(json, payload);
        jdbc.update("""
                INSERT INTO alert_windows (channel, alert_key, sent_at, held_back) VALUES (?, ?, 'epoch', 0)
                ON CONFLICT DO NOTHING""", channel, alert.key());
        Map<String, Object> row = jdbc.queryForMap("""
                SELECT sent_at, held_back, sent_at + (? * interval '1 millisecond') > now() AS open
                FROM alert_windows WHERE channel = ? AND alert_key = ? FOR UPDATE""",
                properties.repeatAfter().toMillis(), channel, alert.key());
        long heldBack = ((Number) row.get("held_back")).longValue();
        if (Boolean.TRUE.equals(row.get("open"))) {
            jdbc.update("UPDATE alert_windows SET held_back = held_back + 1 WHERE channel = ? AND alert_key = ?",
                    channel, alert.key());
            LOG.info("Admin alert {} held back from {} (one went out within {})", alert.key(), channel, properties.repeatAfter());
            return null;
        }
        jdbc.update("UPDATE alert_windows SET sent_at = now(), held_back = 0 WHERE channel = ? AND alert_key = ?",
                channel, alert.key());
        return alert.heldBack(heldBack, ((Timestamp) row.get("sent_at")).toInstant());
    }
}
