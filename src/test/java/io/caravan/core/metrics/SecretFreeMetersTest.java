package io.caravan.core.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.caravan.core.Secrets;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

/** Meter tags as Camel's exchange-event notifier makes them, before and after the filters. */
class SecretFreeMetersTest {

    private static final String CLIENT_SECRET = "meter-secret/with+chars";

    private SimpleMeterRegistry registry(int maxEndpoints) {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        registry.config().meterFilter(SecretFreeMeters.secretFree()).meterFilter(SecretFreeMeters.boundedEndpointTags(maxEndpoints));
        return registry;
    }

    @Test
    void aConfiguredSecretInAnEndpointsPathOrQueryNeverReachesATag() {
        Secrets.register(CLIENT_SECRET);
        SimpleMeterRegistry registry = registry(10);
        String uri = "http://api.example/bot7000000001:AAsecretPathToken_123456/sendMessage?client="
                + java.net.URLEncoder.encode(CLIENT_SECRET, java.nio.charset.StandardCharsets.UTF_8) + "&password=hunter2hunter2";
        Counter counter = Counter.builder("camel.exchange.event.notifier").tag("endpointName", uri).tag("routeId", "r")
                .register(registry);
        counter.increment();

        String tag = counter.getId().getTag("endpointName");
        assertThat(tag).doesNotContain("AAsecretPathToken").doesNotContain("meter-secret").doesNotContain("hunter2")
                .contains("bot" + Secrets.MASK + "/sendMessage");
        assertThat(counter.getId().getTag("routeId")).isEqualTo("r");
    }

    @Test
    void endpointsPastTheLimitAreNotMeasured() {
        SimpleMeterRegistry registry = registry(2);
        for (int i = 0; i < 5; i++) {
            Counter.builder("camel.exchange.event.notifier").tag("endpointName", "http://host/orders/" + i).register(registry).increment();
        }
        assertThat(registry.find("camel.exchange.event.notifier").counters()).hasSize(2);
        Counter.builder("caravan.job.runs").tag("job", "a").register(registry).increment();
        assertThat(registry.find("caravan.job.runs").counters()).as("meters without an endpoint tag are not counted").hasSize(1);
    }
}
