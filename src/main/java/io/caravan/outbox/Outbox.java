package io.caravan.outbox;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Writes events. Call it inside the transaction that changes the data the event describes: the event is then
 * committed with the data or not at all, and the dispatcher delivers it after the commit.
 */
@Component
public class Outbox {

    private final JdbcTemplate jdbc;
    private final ObjectMapper json;

    public Outbox(JdbcTemplate jdbc, ObjectMapper json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    /** @return the event id, which consumers de-duplicate on */
    public long publish(String type, Object payload) {
        try {
            String body = payload instanceof String text ? text : json.writeValueAsString(payload);
            return jdbc.queryForObject("INSERT INTO outbox (type, payload) VALUES (?, ?::jsonb) RETURNING id",
                    Long.class, type, body);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("Event " + type + " has a payload that is not JSON-serialisable", e);
        }
    }
}
