package io.caravan.alerts;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One {@code admin.alert} event (its contract: {@code events/admin.alert.schema.json}), and once it passed a channel's
 * repeat window, how many of its key were held back since {@code heldBackSince}.
 *
 * @param kind      what happened, a lower-case word: job-failed, dead-letter, chat-disabled, price-job-paused, ...
 * @param key       alerts with one key are one incident; defaults to the kind
 * @param severity  critical or warning
 * @param text      for people, plain text
 * @param job       the job, when a run failed
 * @param runId     that run
 * @param error     the run's or the event's last error
 * @param eventType a dead-lettered event's type
 * @param eventId   its id
 */
public record Alert(String kind, String key, String severity, String text, String job, Long runId, String error,
                    String eventType, Long eventId, long heldBack, Instant heldBackSince) {

    public static Alert of(String kind, String key, String severity, String text) {
        return new Alert(kind, key, severity, text, null, null, null, null, null, 0, null);
    }

    public Alert withRun(String job, long runId, String error) {
        return new Alert(kind, key, severity, text, job, runId, error, eventType, eventId, heldBack, heldBackSince);
    }

    public Alert withEvent(String eventType, long eventId, String error) {
        return new Alert(kind, key, severity, text, job, runId, error, eventType, eventId, heldBack, heldBackSince);
    }

    Alert heldBack(long count, Instant since) {
        return new Alert(kind, key, severity, text, job, runId, error, eventType, eventId, count, count > 0 ? since : null);
    }

    /** Reads an event's payload; a field missing where the contract requires it is named with the event. */
    static Alert parse(ObjectMapper json, String payload) {
        JsonNode event;
        try {
            event = json.readTree(payload);
        } catch (Exception e) {
            throw new IllegalArgumentException("admin.alert event is not JSON: " + e.getMessage(), e);
        }
        String kind = event.path("kind").asText("");
        String text = event.path("text").asText("");
        if (kind.isBlank() || text.isBlank()) {
            throw new IllegalArgumentException("admin.alert event needs 'kind' and 'text' (events/admin.alert.schema.json), got "
                    + payload);
        }
        return new Alert(kind, event.path("key").asText(kind), event.path("severity").asText("warning"), text,
                textOrNull(event, "job"), longOrNull(event, "runId"), textOrNull(event, "error"),
                textOrNull(event, "eventType"), longOrNull(event, "eventId"), 0, null);
    }

    /** The event's payload, fields that are not set left out. */
    Map<String, Object> payload() {
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("kind", kind);
        payload.put("key", key);
        payload.put("severity", severity);
        payload.put("text", text);
        putIfSet(payload, "job", job);
        putIfSet(payload, "runId", runId);
        putIfSet(payload, "error", error);
        putIfSet(payload, "eventType", eventType);
        putIfSet(payload, "eventId", eventId);
        return payload;
    }

    /** The subject of whatever went wrong: the job, the event type, else the key. */
    String subject() {
        return job != null ? job : eventType != null ? eventType : key;
    }

    private static void putIfSet(Map<String, Object> payload, String name, Object value) {
        if (value != null) {
            payload.put(name, value);
        }
    }

    private static String textOrNull(JsonNode event, String field) {
        JsonNode node = event.get(field);
        return node == null || node.isNull() ? null : node.asText();
    }

    private static Long longOrNull(JsonNode event, String field) {
        JsonNode node = event.get(field);
        return node == null || node.isNull() ? null : node.asLong();
    }
}
