package io.caravan.alerts;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import java.time.Duration;
import java.time.ZoneId;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Where admin alerts go besides the log. Each channel is on when its settings are given (see {@code FlowSwitches}):
 * Telegram with {@code caravan.telegram.admin-chat-id}, Slack with {@code slack.webhook-url}, e-mail with
 * {@code email.host} and {@code email.to}.
 *
 * @param repeatAfter the same alert key goes to a channel at most once this often; the next one says how many were held back
 * @param consoleUrl  the hub's address as operators reach it (e.g. https://caravan.example.com), for links to a run
 *                    page; without it messages name the path only
 * @param timeZone    times in messages
 * @param slack       Slack's incoming webhook
 * @param email       SMTP
 */
@Validated
@ConfigurationProperties("caravan.alerts")
public record AlertsProperties(
        @NotNull @DefaultValue("1h") Duration repeatAfter,
        @Pattern(regexp = "(https?://\\S+[^/])?", message = "must be an http(s) address without a trailing slash")
        String consoleUrl,
        @NotNull @DefaultValue("UTC") ZoneId timeZone,
        @Valid @NotNull @DefaultValue Slack slack,
        @Valid @NotNull @DefaultValue Email email) {

    public AlertsProperties {
        if (repeatAfter.isNegative()) {
            throw new IllegalArgumentException("caravan.alerts.repeat-after must not be negative, was " + repeatAfter);
        }
        consoleUrl = consoleUrl == null || consoleUrl.isBlank() ? null : consoleUrl.trim();
    }

    /** The console's page of a run: absolute with {@code console-url}, else the path on the hub. */
    public String runPage(long runId) {
        return (consoleUrl == null ? "" : consoleUrl) + "/console/#run?id=" + runId;
    }

    /**
     * @param webhookUrl  the incoming webhook (https://hooks.slack.com/services/...); a secret: masked in logs
     * @param minInterval at least this long between two messages from all hubs together (Slack allows about one a second)
     * @param maxWait     a message waits this long at most for its turn or a 429's Retry-After; longer, the event is
     *                    retried through the outbox when the wait is over
     */
    public record Slack(
            String webhookUrl,
            @NotNull @DefaultValue("1s") Duration minInterval,
            @NotNull @DefaultValue("3s") Duration maxWait) {
    }

    /**
     * @param host     SMTP server
     * @param port     587 (submission with STARTTLS), 465 (smtps) or 25
     * @param protocol smtp, or smtps for TLS from the first byte
     * @param starttls upgrade a plain smtp connection with STARTTLS when the server offers it
     * @param username login, when the server wants one
     * @param password its password; a secret: masked in logs
     * @param from     the sender address
     * @param to       recipients
     * @param timeout  connect and read timeout: a server that does not answer fails the attempt, which is retried
     */
    public record Email(
            String host,
            @Min(1) @DefaultValue("587") int port,
            @NotNull @Pattern(regexp = "smtps?", message = "must be smtp or smtps") @DefaultValue("smtp") String protocol,
            @DefaultValue("true") boolean starttls,
            String username,
            String password,
            @DefaultValue("caravan@localhost") String from,
            List<String> to,
            @NotNull @DefaultValue("10s") Duration timeout) {

        public Email {
            to = to == null ? List.of() : to.stream().map(String::trim).filter(a -> !a.isEmpty()).toList();
            username = username == null || username.isBlank() ? null : username;
        }

        /** Recipients as one header value. */
        public String recipients() {
            return String.join(",", to);
        }
    }
}
