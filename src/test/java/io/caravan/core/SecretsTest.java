package io.caravan.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;

class SecretsTest {

    @Test
    void masksRegisteredValuesLongestFirst() {
        Secrets.register("short-secret");
        Secrets.register("short-secret-and-longer");
        assertThat(Secrets.redact("a=short-secret-and-longer b=short-secret"))
                .isEqualTo("a=" + Secrets.MASK + " b=" + Secrets.MASK);
    }

    @Test
    void aSlackWebhookUrlIsASecretByItsKeyAsPropertyOrEnvironmentVariable() {
        StandardEnvironment environment = new StandardEnvironment();
        environment.getPropertySources().addFirst(new MapPropertySource("test", Map.of(
                "caravan.alerts.slack.webhook-url", "https://hooks.slack.com/services/T01/B02/property-secret",
                "CARAVAN_ALERTS_TEAMS_WEBHOOK_URL", "https://example.invalid/workflows/env-secret")));
        SecretsRegistrar.registerFrom(environment);
        assertThat(Secrets.redact("POST https://hooks.slack.com/services/T01/B02/property-secret: 500"))
                .isEqualTo("POST " + Secrets.MASK + ": 500");
        assertThat(Secrets.redact("to https://example.invalid/workflows/env-secret")).isEqualTo("to " + Secrets.MASK);
    }

    @Test
    void masksTelegramTokensInUrlsAndBearerTokensEvenIfNeverRegistered() {
        assertThat(Secrets.redact("POST https://api.telegram.org/bot123456789:AAH-abcdefghijklmnopqrstuv/sendMessage"))
                .isEqualTo("POST https://api.telegram.org/bot" + Secrets.MASK + "/sendMessage");
        assertThat(Secrets.redact("Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.payload.sig"))
                .isEqualTo("Authorization: Bearer " + Secrets.MASK);
    }

    @Test
    void describesTheCauseChainWithoutSecrets() {
        Secrets.register("pa55word-in-url");
        RuntimeException error = new RuntimeException("sync failed",
                new IllegalStateException("GET http://mb/api?key=pa55word-in-url returned 500"));
        assertThat(Secrets.describe(error)).isEqualTo(
                "RuntimeException: sync failed; caused by IllegalStateException: GET http://mb/api?key=" + Secrets.MASK
                        + " returned 500");
    }

    @Test
    void ignoresValuesTooShortToBeSecrets() {
        Secrets.register("ab");
        assertThat(Secrets.redact("about")).isEqualTo("about");
    }
}
