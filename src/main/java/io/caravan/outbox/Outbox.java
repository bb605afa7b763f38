package io.caravan.outbox;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Writes events. Call it inside the transaction that changes the data the event describes: the event is then
 * committed with the data or not at all, and the dispatcher delivers it after the commit.
 */
@Component("outboxEvents")
public class Outbox {

    private final JdbcTemplate jdbc;
    private final ObjectMapper json;

    public Outbox(JdbcTemplate jdbc, ObjectMapper json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    /** @return the event id, which consumers de-duplicate on */
    public long publish(String type, Object payload) {
        return jdbc.queryForObject("INSERT INTO outbox (type, payload) VALUES (?, ?::jsonb) RETURNING id",
                Long.class, type, json(type, payload));
    }

    /** An event for {@link #publishAll}. */
    public record Event(String type, Object payload) {
    }

    /**
     * Writes many events in one statement (one round trip instead of one per event); call it inside the data's
     * transaction, as {@link #publish}. Ids are assigned in list order.
     *
     * @return how many events were written
     */
    public int publishAll(List<Event> events) {
        if (events.isEmpty()) {
            return 0;
        }
        String[] types = new String[events.size()];
        String[] bodies = new String[events.size()];
        for (int i = 0; i < events.size(); i++) {
            Event event = events.get(i);
            types[i] = event.type();
            bodies[i] = json(event.type(), event.payload());
        }
        // ORDER BY the ordinal: ids come from the sequence in the order rows are inserted.
        return jdbc.update("""
                INSERT INTO outbox (type, payload)
                SELECT e.type, e.payload::jsonb FROM unnest(?::text[], ?::text[]) WITH ORDINALITY AS e(type, payload, n)
                ORDER BY e.n""", types, bodies);
    }

    /** A payload already in JSON text is stored as it is; anything else is serialised. */
    private String json(String type, Object payload) {
        try {
            return payload instanceof String text ? text : json.writeValueAsString(payload);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("Event " + type + " has a payload that is not JSON-serialisable", e);
        }
    }
}
