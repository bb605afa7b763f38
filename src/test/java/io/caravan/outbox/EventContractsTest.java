package io.caravan.outbox;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.caravan.support.EventContracts;
import java.io.InputStream;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The shipped contracts are sound: each example keeps its schema, and the schemas catch what they must. */
class EventContractsTest {

    static final List<String> TYPES = List.of("dataset.changed", "deal.created", "deal.expired", "watch.hit", "admin.alert");

    private final ObjectMapper json = new ObjectMapper();

    @Test
    void everyTypeShipsASchemaWhoseExamplesKeepIt() throws Exception {
        for (String type : TYPES) {
            JsonNode schema = read(type);
            assertThat(schema.get("title").asText()).isEqualTo(type);
            assertThat(schema.get("additionalProperties").asBoolean(true)).as(type + ": a field not in the contract is an error").isFalse();
            assertThat(schema.get("examples")).as(type + " examples").isNotEmpty();
            for (JsonNode example : schema.get("examples")) {
                assertThat(EventContracts.violations(type, example.toString())).as(type + " example").isEmpty();
            }
        }
    }

    @Test
    void aFieldOutsideTheContractAMoneyAsNumberAndAnUnknownTypeAreViolations() throws Exception {
        ObjectNode deal = (ObjectNode) read("deal.created").get("examples").get(0).deepCopy();
        deal.put("coupon", "XMAS");
        assertThat(EventContracts.violations("deal.created", deal.toString())).singleElement().asString().contains("coupon");

        deal.remove("coupon");
        deal.put("price", 365.39);
        assertThat(EventContracts.violations("deal.created", deal.toString())).singleElement().asString().contains("price");

        deal.put("price", "365.4");
        assertThat(EventContracts.violations("deal.created", deal.toString())).as("two decimal places").hasSize(1);

        deal.put("price", "365.39");
        deal.put("observedAt", "yesterday");
        assertThat(EventContracts.violations("deal.created", deal.toString())).isNotEmpty();

        assertThat(EventContracts.violations("order.shipped", "{}")).singleElement().asString()
                .contains("events/order.shipped.schema.json");
        assertThat(EventContracts.violations("test.anything", "{\"x\":1}")).as("tests' own types").isEmpty();
    }

    private JsonNode read(String type) throws Exception {
        try (InputStream in = getClass().getResourceAsStream("/events/" + type + ".schema.json")) {
            assertThat(in).as(type + " schema in the jar").isNotNull();
            return json.readTree(in);
        }
    }
}
