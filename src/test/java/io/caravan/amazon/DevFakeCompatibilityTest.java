package io.caravan.amazon;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.caravan.FakeAmazon;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The real client speaks to the dev-mode fake (form-encoded token request with Basic auth, itemsResult, searchResult). */
class DevFakeCompatibilityTest {

    @Test
    void theClientWorksAgainstTheDevModeFake() {
        FakeAmazon fake = new FakeAmazon("dev-client", "dev-secret-123", Clock.systemUTC());
        try {
            AmazonProperties base = CreatorsApiClientTest.settings(1, "dev-secret-123");
            AmazonProperties settings = new AmazonProperties(URI.create(fake.baseUrl()), URI.create(fake.baseUrl() + "/auth/o2/token"),
                    "dev-client", "dev-secret-123", base.scope(), "caravan-21", base.marketplace(), 1, 100, base.timeout(),
                    base.checks(), List.of(), base.priceHistory(), base.invalidate(), base.sendMargin());
            CreatorsApiClient client = new CreatorsApiClient(settings, new ObjectMapper(), Quota.UNLIMITED, new SimpleMeterRegistry());

            SearchResponse page = client.searchItems(FakeAmazon.CATEGORIES.get(0).browseNodeId(), null, 1);
            assertThat(page.items()).hasSize(10);
            List<String> asins = page.items().stream().map(AmazonItem::asin).toList();
            ItemsResponse items = client.getItems(asins);
            assertThat(items.items()).hasSize(10);
            assertThat(items.items()).allSatisfy(item -> assertThat(item.offer().price()).isPositive());
        } finally {
            fake.close();
        }
    }
}
