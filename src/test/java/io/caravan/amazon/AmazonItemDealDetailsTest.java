package io.caravan.amazon;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code offersV2.listings[].dealDetails} and the listing's {@code type}, on Amazon's sample and variants of it. */
class AmazonItemDealDetailsTest {

    private final ObjectMapper json = new ObjectMapper();

    private JsonNode sample() throws Exception {
        return json.readTree(CreatorsApiClientTest.sample("getitems-offersv2-deal.json"));
    }

    private static ObjectNode listing(JsonNode answer) {
        return (ObjectNode) answer.path("itemsResult").path("items").get(0).path("offersV2").path("listings").get(0);
    }

    @Test
    void readsTheSamplesLightningDeal() throws Exception {
        AmazonItem item = ItemsResponse.from(sample(), List.of("B00MNV8E0C")).items().get(0);

        AmazonItem.Offer offer = item.offer();
        assertThat(offer.type()).isEqualTo("LIGHTNING_DEAL");
        assertThat(offer.problem()).isNull();
        AmazonItem.Deal deal = offer.deal();
        assertThat(deal.accessType()).isEqualTo("PRIME_EXCLUSIVE");
        assertThat(deal.badge()).isNull();
        // The sample's timestamps have no seconds ("2024-11-05T18:05Z").
        assertThat(deal.start()).isEqualTo(Instant.parse("2024-11-05T18:05:00Z"));
        assertThat(deal.end()).isEqualTo(Instant.parse("2024-11-06T05:35:00Z"));
        assertThat(deal.percentClaimed()).isEqualTo(38);
        assertThat(deal.timed()).isTrue();
    }

    @Test
    void absentOrNullDealDetailsIsNoDeal() throws Exception {
        JsonNode answer = sample();
        listing(answer).remove("dealDetails");
        listing(answer).remove("type");
        assertThat(ItemsResponse.from(answer, List.of("B00MNV8E0C")).items().get(0).offer())
                .satisfies(o -> assertThat(o.deal()).isNull())
                .satisfies(o -> assertThat(o.type()).isNull())
                .satisfies(o -> assertThat(o.price()).isEqualByComparingTo("59.49"));

        listing(answer).putNull("dealDetails");
        listing(answer).putNull("type");
        AmazonItem.Offer offer = ItemsResponse.from(answer, List.of("B00MNV8E0C")).items().get(0).offer();
        assertThat(offer.deal()).isNull();
        assertThat(offer.type()).isNull();
        assertThat(offer.problem()).isNull();
    }

    @Test
    void partialDealDetailsKeepWhatIsThere() throws Exception {
        JsonNode answer = sample();
        ObjectNode details = (ObjectNode) listing(answer).path("dealDetails");
        details.remove("endTime");
        details.putNull("percentClaimed");
        details.put("badge", "Limited time deal");
        details.put("startTime", "2024-11-05T18:05:30+01:00");

        AmazonItem.Deal deal = ItemsResponse.from(answer, List.of("B00MNV8E0C")).items().get(0).offer().deal();

        assertThat(deal.start()).isEqualTo(Instant.parse("2024-11-05T17:05:30Z"));
        assertThat(deal.end()).isNull();
        assertThat(deal.percentClaimed()).isNull();
        assertThat(deal.badge()).isEqualTo("Limited time deal");
        assertThat(deal.timed()).as("no end: the length is not known").isFalse();
    }

    @Test
    void aBadTimestampIsNamedButTheItemAndTheBatchAreKept() throws Exception {
        JsonNode answer = sample();
        ObjectNode second = listing(answer).deepCopy();
        ((ObjectNode) second.path("dealDetails")).put("endTime", "tomorrow-ish");
        ObjectNode item = ((ObjectNode) answer.path("itemsResult").path("items").get(0)).deepCopy();
        item.put("asin", "B0BADTIME1");
        item.putObject("offersV2").putArray("listings").add(second);
        ((com.fasterxml.jackson.databind.node.ArrayNode) answer.path("itemsResult").path("items")).add(item);

        ItemsResponse response = ItemsResponse.from(answer, List.of("B00MNV8E0C", "B0BADTIME1"));

        assertThat(response.items()).hasSize(2);
        assertThat(response.missing()).isEmpty();
        assertThat(response.items().get(0).offer().problem()).isNull();
        AmazonItem.Offer bad = response.items().get(1).offer();
        assertThat(bad.price()).as("the price is kept").isEqualByComparingTo("59.49");
        assertThat(bad.deal().start()).isEqualTo(Instant.parse("2024-11-05T18:05:00Z"));
        assertThat(bad.deal().end()).isNull();
        assertThat(bad.problem()).contains("B0BADTIME1").contains("dealDetails.endTime").contains("tomorrow-ish");
    }
}
