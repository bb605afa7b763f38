package io.caravan.outbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OutboxPropertiesTest {

    private static OutboxProperties properties(Duration initial, Duration max) {
        return new OutboxProperties(true, 8, initial, max, Duration.ofSeconds(5), 2, Duration.ofDays(7), Map.of());
    }

    @Test
    void backoffDoublesUpToTheMaximum() {
        OutboxProperties outbox = properties(Duration.ofSeconds(2), Duration.ofSeconds(30));
        assertThat(outbox.backoffAfter(1)).isEqualTo(Duration.ofSeconds(2));
        assertThat(outbox.backoffAfter(2)).isEqualTo(Duration.ofSeconds(4));
        assertThat(outbox.backoffAfter(4)).isEqualTo(Duration.ofSeconds(16));
        assertThat(outbox.backoffAfter(5)).isEqualTo(Duration.ofSeconds(30));
        assertThat(outbox.backoffAfter(80)).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void handlerEndpointDefaultsToADirectRoutePerType() {
        OutboxProperties outbox = new OutboxProperties(true, 8, Duration.ofSeconds(1), Duration.ofSeconds(2),
                Duration.ofSeconds(5), 2, Duration.ofDays(7), Map.of("deal.created", "seda:deals"));
        assertThat(outbox.endpointFor("dataset.changed")).isEmpty();
        assertThat(outbox.endpointFor("deal.created")).hasValue("seda:deals");
    }

    @Test
    void maxBackoffBelowInitialIsRejectedNamingTheKey() {
        assertThatThrownBy(() -> properties(Duration.ofSeconds(10), Duration.ofSeconds(1)))
                .hasMessageContaining("caravan.outbox.max-backoff");
    }
}
