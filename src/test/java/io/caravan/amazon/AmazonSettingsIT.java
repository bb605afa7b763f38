package io.caravan.amazon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.caravan.ops.JobRegistry;
import io.caravan.support.Hubs;
import io.caravan.support.TestEnvironment;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

/** Without Amazon credentials the hub starts with the flow off; a bad Amazon setting stops it naming the key. */
class AmazonSettingsIT {

    private final String schema = TestEnvironment.newSchema();

    @AfterEach
    void dropSchema() {
        TestEnvironment.dropSchema(schema);
    }

    @Test
    void withoutAClientIdTheHubStartsWithTheFlowOff() {
        try (ConfigurableApplicationContext hub = Hubs.start(schema, Map.of())) {
            assertThat(hub.getBeanNamesForType(AmazonQuota.class)).isEmpty();
            assertThat(hub.getBeanNamesForType(CreatorsApiClient.class)).isEmpty();
            JobRegistry jobs = hub.getBean(JobRegistry.class);
            assertThat(jobs.all()).noneMatch(job -> job.name().startsWith("amazon-"));
            AmazonProperties settings = hub.getBean(AmazonProperties.class);
            assertThat(settings.marketplace()).isEqualTo("www.amazon.com.tr");
            assertThat(settings.priceHistory().retention()).hasDays(90);
            assertThat(settings.checks().batchSize()).isEqualTo(10);
            assertThat(settings.checks().claimSize()).isEqualTo(500);
            assertThat(settings.checks().concurrency()).isEqualTo(8);
        }
    }

    @Test
    void aBadRateStopsTheHubNamingTheKey() {
        Throwable error = catchThrowable(() -> Hubs.start(schema, Map.of("caravan.amazon.requests-per-second", "0")).close());
        StringBuilder messages = new StringBuilder();
        for (Throwable t = error; t != null; t = t.getCause()) {
            messages.append(t.getMessage()).append('\n');
        }
        assertThat(messages.toString()).contains("caravan.amazon").contains("requests-per-second")
                .contains("at least 0.01 requests per second");
    }

    @Test
    void aClaimTooBigForOneTransactionStopsTheHubNamingTheKey() {
        Throwable error = catchThrowable(() -> Hubs.start(schema, Map.of("caravan.amazon.checks.claim-size", "6000")).close());
        StringBuilder messages = new StringBuilder();
        for (Throwable t = error; t != null; t = t.getCause()) {
            messages.append(t.getMessage()).append('\n');
        }
        assertThat(messages.toString()).contains("caravan.amazon").contains("checks.claimSize").contains("must be at most 5000 products");
    }
}
