package io.caravan.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The event contracts shipped in the jar ({@code events/<type>.schema.json}) and a check of one event against its
 * type's schema. Types under {@code test.} are the tests' own and have no contract; any other type without a schema
 * is a violation (a publisher added an event type without writing its contract).
 */
public final class EventContracts {

    public static final String TEST_TYPES = "test.";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonSchemaFactory FACTORY = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012);
    private static final Map<String, JsonSchema> SCHEMAS = new ConcurrentHashMap<>();

    private EventContracts() {
    }

    /** The schema of an event type, or null if the jar has none. */
    public static JsonSchema schema(String type) {
        return SCHEMAS.computeIfAbsent(type, t -> {
            try (InputStream in = EventContracts.class.getResourceAsStream("/events/" + t + ".schema.json")) {
                if (in == null) {
                    return null;
                }
                SchemaValidatorsConfig config = SchemaValidatorsConfig.builder().formatAssertionsEnabled(true).build();
                return FACTORY.getSchema(in, config);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    /** What is wrong with the event (empty when it keeps its contract). */
    public static List<String> violations(String type, String payloadJson) {
        if (type.startsWith(TEST_TYPES)) {
            return List.of();
        }
        JsonSchema schema = schema(type);
        if (schema == null) {
            return List.of("event type " + type + " has no contract: add src/main/resources/events/" + type + ".schema.json");
        }
        JsonNode payload;
        try {
            payload = JSON.readTree(payloadJson);
        } catch (IOException e) {
            return List.of(type + " payload is not JSON: " + e.getMessage());
        }
        return schema.validate(payload).stream().map(ValidationMessage::getMessage).sorted()
                .map(m -> type + " " + m).toList();
    }
}
