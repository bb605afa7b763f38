package io.caravan.outbox;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.caravan.core.EndpointDocsTest;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** docs/events.md lists, per event type, exactly the fields of its schema, and marks the required ones. */
class EventDocsTest {

    @Test
    void eachEventsTableIsItsSchema() throws Exception {
        String page = Files.readString(Path.of("docs/events.md"));
        List<String> problems = new ArrayList<>();
        for (String type : EventContractsTest.TYPES) {
            int at = page.indexOf("\n## `" + type + "`\n");
            if (at < 0) {
                problems.add("no section ## `" + type + "`");
                continue;
            }
            int end = page.indexOf("\n## ", at + 1);
            var rows = EndpointDocsTest.table(page.substring(at, end < 0 ? page.length() : end), "field");
            JsonNode schema;
            try (InputStream in = getClass().getResourceAsStream("/events/" + type + ".schema.json")) {
                schema = new ObjectMapper().readTree(in);
            }
            Set<String> fields = new TreeSet<>();
            schema.get("properties").fieldNames().forEachRemaining(fields::add);
            Set<String> required = new TreeSet<>();
            schema.get("required").forEach(r -> required.add(r.asText()));
            for (String field : fields) {
                String row = rows.get(field);
                if (row == null) {
                    problems.add(type + ": field " + field + " is in the schema but not in docs/events.md");
                } else if (row.contains("| yes |") != required.contains(field)) {
                    problems.add(type + ": field " + field + (required.contains(field) ? " is" : " is not") + " required by the schema");
                }
            }
            rows.keySet().stream().filter(f -> !fields.contains(f))
                    .forEach(f -> problems.add(type + ": field " + f + " is in docs/events.md but not in the schema"));
        }
        assertThat(problems).as("docs/events.md against src/main/resources/events").isEmpty();
    }
}
