package io.caravan.amazon;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.caravan.amazon.PriceClaims.Claimed;
import io.caravan.deals.DealRules;
import io.caravan.outbox.Outbox;
import io.caravan.support.EventContracts;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The price checks' events keep their contracts (src/main/resources/events) in the shapes the whole-hub tests rarely
 * reach: no title or image, no currency, an offer gone (null price), a back-in-stock watch without a target.
 */
class PriceEventsContractTest {

    private final ObjectMapper json = new ObjectMapper();
    private final PriceEvents events = new PriceEvents(CreatorsApiClientTest.settings(1, "s"));
    private final Instant now = Instant.parse("2026-12-06T06:15:02.318Z");

    @Test
    void everyShapeOfEveryPriceEventKeepsItsSchema() throws Exception {
        Claimed bare = claimed("B0CONTRACT", null, null);
        Claimed full = claimed("B0CONTRAC2", 3L, "@caravan_kitchen");
        AmazonItem item = new AmazonItem("B0CONTRAC2", "Kettle <1.7 L> & \"Pro\"", "https://www.amazon.com.tr/dp/B0CONTRAC2",
                "https://m.media-amazon.com/i.jpg", new AmazonItem.Offer(new BigDecimal("365.39"), "TRY", new BigDecimal("499"), "LIST_PRICE", "IN_STOCK"));
        List<PriceEvents.Checked> call = List.of(
                new PriceEvents.Checked(full, item, new BigDecimal("365.39"), "TRY",
                        new DealRules.Start(new BigDecimal("499.00"), new BigDecimal("26.78")),
                        List.of(Map.of("id", 17L, "chat_id", 123456789L, "target_price", new BigDecimal("400"), "kind", "target-reached")), true),
                new PriceEvents.Checked(bare, null, new BigDecimal("10"), null, new DealRules.Start(new BigDecimal("20"), new BigDecimal("50")),
                        List.of(Map.of("id", 18L, "chat_id", 42L, "kind", "back-in-stock")), true),
                new PriceEvents.Checked(bare, null, null, null, new DealRules.End(4711, "offer-gone"), List.of(), false));

        List<Outbox.Event> published = events.of(List.of(call), Map.of("B0CONTRAC2", 1L, "B0CONTRACT", 2L), now);

        assertThat(published).extracting(Outbox.Event::type).containsExactlyInAnyOrder(
                "deal.created", "watch.hit", "deal.created", "watch.hit", "deal.expired", "dataset.changed");
        for (Outbox.Event event : published) {
            String payload = json.writeValueAsString(event.payload());
            assertThat(EventContracts.violations(event.type(), payload)).as(payload).isEmpty();
        }
    }

    private static Claimed claimed(String asin, Long categoryId, String channel) {
        return new Claimed(asin, new BigDecimal("499.00"), "IN_STOCK", "active", Duration.ofHours(1), categoryId,
                categoryId == null ? null : "kitchen", null, channel, null, null, null, CheckBelief.NEW);
    }
}
