package io.caravan.outbox;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * @param maxAttempts    tries before an event goes to dead_letters
 * @param initialBackoff wait after the first failure; doubles with every further failure, up to {@code maxBackoff}
 * @param pollInterval   how often pending events are looked for when no NOTIFY arrives (missed or lost)
 * @param workers        events handled in parallel by this instance
 * @param retention      how long delivered events are kept for inspection
 * @param handlers       event type → Camel endpoint, for a type no {@code from: outbox:<type>} route consumes
 */
@Validated
@ConfigurationProperties("caravan.outbox")
public record OutboxProperties(
        @DefaultValue("true") boolean enabled,
        @DefaultValue("8") @Min(1) @Max(100) int maxAttempts,
        @DefaultValue("2s") @NotNull Duration initialBackoff,
        @DefaultValue("10m") @NotNull Duration maxBackoff,
        @DefaultValue("5s") @NotNull Duration pollInterval,
        @DefaultValue("2") @Min(1) @Max(64) int workers,
        @DefaultValue("7d") @NotNull Duration retention,
        Map<String, String> handlers) {

    public OutboxProperties {
        handlers = handlers == null ? Map.of() : Map.copyOf(handlers);
        if (initialBackoff.isNegative() || maxBackoff.compareTo(initialBackoff) < 0) {
            throw new IllegalArgumentException("caravan.outbox.max-backoff must be at least caravan.outbox.initial-backoff");
        }
        if (pollInterval.toMillis() < 10) {
            throw new IllegalArgumentException("caravan.outbox.poll-interval must be at least 10ms");
        }
    }

    /** The endpoint configured for a type that no {@code from: outbox:<type>} route consumes. */
    public Optional<String> endpointFor(String type) {
        return Optional.ofNullable(handlers.get(type));
    }

    /** Backoff after the given number of failed attempts (1 = first failure). */
    public Duration backoffAfter(int failedAttempts) {
        long factor = 1L << Math.min(30, Math.max(0, failedAttempts - 1));
        long millis = initialBackoff.toMillis() * factor;
        return millis < 0 || millis > maxBackoff.toMillis() ? maxBackoff : Duration.ofMillis(millis);
    }
}
