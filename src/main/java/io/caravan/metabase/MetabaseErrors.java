package io.caravan.metabase;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** Turns Metabase's error bodies ({@code {"status":"failed","error":...}}, {@code {"message":...}}, text) into one line. */
final class MetabaseErrors {

    private static final ObjectMapper JSON = new ObjectMapper();

    private MetabaseErrors() {
    }

    static String describe(String body) {
        String trimmed = body == null ? "" : body.trim();
        if (trimmed.startsWith("{")) {
            try {
                JsonNode error = JSON.readTree(trimmed);
                String text = first(error, "error", "message", "errors");
                String type = error.path("error_type").asText("");
                if (text != null) {
                    return type.isEmpty() ? text : text + " (" + type + ")";
                }
            } catch (java.io.IOException ignored) {
                // Not JSON after all: show the text.
            }
        }
        return trimmed.isEmpty() ? "(empty body)" : ExportStream.snippet(trimmed);
    }

    private static String first(JsonNode node, String... fields) {
        for (String field : fields) {
            JsonNode value = node.get(field);
            if (value != null && !value.isNull()) {
                return value.isTextual() ? value.asText() : value.toString();
            }
        }
        return null;
    }
}
