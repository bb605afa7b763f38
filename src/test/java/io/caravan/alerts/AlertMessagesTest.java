package io.caravan.alerts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;

/** Each channel's message from one alert: escaping, the run link with and without console-url, the held-back count. */
class AlertMessagesTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static AlertsProperties properties(String consoleUrl) {
        return new AlertsProperties(Duration.ofHours(1), consoleUrl, ZoneId.of("UTC"),
                new AlertsProperties.Slack(null, Duration.ofSeconds(1), Duration.ofSeconds(3)),
                new AlertsProperties.Email("smtp.example.com", 587, "smtp", true, " ", null, "caravan@example.com",
                        List.of("ops@example.com", " ", "oncall@example.com"), Duration.ofSeconds(10)));
    }

    private static Alert failedRun() throws Exception {
        return Alert.parse(JSON, JSON.writeValueAsString(Map.of("kind", "job-failed", "key", "job:cards & co",
                "severity", "critical", "text", "Job cards & co failed (run 7, manual): <b>boom</b>",
                "job", "cards & co", "runId", 7, "error", "<b>boom</b>")));
    }

    @Test
    void telegramIsEscapedHtmlToTheAdminChatWithALinkToTheRun() throws Exception {
        var message = new AlertMessages(properties("https://hub.example.com"), "-100123", "hub-1").telegram(failedRun());
        assertThat(message.chatId()).isEqualTo("-100123");
        assertThat(message.method()).isEqualTo("sendMessage");
        assertThat(message.body().get("parse_mode")).isEqualTo("HTML");
        assertThat(message.body().get("text")).isEqualTo("⚠️ <b>job failed: cards &amp; co</b>\n"
                + "Job cards &amp; co failed (run 7, manual): &lt;b&gt;boom&lt;/b&gt;\n"
                + "<a href=\"https://hub.example.com/console/#run?id=7\">Run 7 in the console</a>");
    }

    @Test
    void slackEscapesItsThreeControlCharactersAndSaysHowManyWereHeldBack() throws Exception {
        Alert alert = failedRun().heldBack(3, Instant.parse("2026-12-06T09:05:00Z"));
        assertThat(new AlertMessages(properties(null), null, "hub-1").slack(alert)).isEqualTo(
                ":rotating_light: *job failed: cards &amp; co*\n"
                        + "Job cards &amp; co failed (run 7, manual): &lt;b&gt;boom&lt;/b&gt;\n"
                        + "Console: /console/#run?id=7\n"
                        + "_+3 more like this since 09:05 UTC, not sent_");
    }

    @Test
    void emailHasSubjectRecipientsAndAPlainTextBodyWithJobRunErrorAndLink() throws Exception {
        Exchange exchange = new DefaultExchange(new DefaultCamelContext());
        String body = new AlertMessages(properties("https://hub.example.com"), null, "hub-1").email(failedRun(), exchange);
        assertThat(exchange.getMessage().getHeader("Subject")).isEqualTo("[caravan] job failed: cards & co");
        assertThat(exchange.getMessage().getHeader("To")).isEqualTo("ops@example.com,oncall@example.com");
        assertThat(exchange.getMessage().getHeader("From")).isEqualTo("caravan@example.com");
        assertThat(body).isEqualTo("""
                Job:      cards & co
                Run:      7
                Error:    <b>boom</b>
                Console:  https://hub.example.com/console/#run?id=7

                Job cards & co failed (run 7, manual): <b>boom</b>

                --\s
                Caravan hub hub-1, alert job:cards & co (critical)
                """);
    }

    @Test
    void anAlertWithoutKindOrTextIsRefusedNamingTheContract() {
        assertThatThrownBy(() -> Alert.parse(JSON, "{\"kind\":\"job-failed\"}"))
                .hasMessageContaining("needs 'kind' and 'text'").hasMessageContaining("admin.alert.schema.json");
        assertThat(Alert.parse(JSON, "{\"kind\":\"price-job-paused\",\"text\":\"paused\"}"))
                .extracting(Alert::key, Alert::severity).containsExactly("price-job-paused", "warning");
    }

    @Test
    void aConsoleUrlWithATrailingSlashIsRefused() {
        var validator = jakarta.validation.Validation.buildDefaultValidatorFactory().getValidator();
        assertThat(validator.validate(properties("https://hub.example.com/"))).extracting(v -> v.getPropertyPath().toString())
                .containsExactly("consoleUrl");
        assertThat(validator.validate(properties("https://hub.example.com"))).isEmpty();
    }
}
