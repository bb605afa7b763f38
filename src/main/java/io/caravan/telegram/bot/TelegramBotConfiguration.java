package io.caravan.telegram.bot;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.caravan.telegram.TelegramProperties;
import java.time.Clock;
import java.util.Map;
import org.apache.camel.ProducerTemplate;
import org.springframework.boot.autoconfigure.condition.ConditionalOnExpression;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.ApplicationEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.context.annotation.Bean;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.web.servlet.function.RouterFunction;
import org.springframework.web.servlet.function.RouterFunctions;
import org.springframework.web.servlet.function.ServerResponse;

/**
 * The subscriber bot exists only with {@code caravan.telegram.token}. Updates come either from the
 * telegram-updates job ({@code mode=polling}) or from {@code POST /telegram/webhook} ({@code mode=webhook}), never
 * both: Telegram refuses getUpdates while a webhook is set. Each nested class repeats the token condition because
 * component scanning also finds nested configuration classes on their own.
 */
@Configuration
@ConditionalOnExpression(TelegramBotConfiguration.TOKEN_SET)
public class TelegramBotConfiguration {

    static final String TOKEN_SET = "'${caravan.telegram.token:}'.trim() != ''";

    @Bean
    UpdateHandler telegramUpdateHandler(ProducerTemplate producer, JdbcTemplate jdbc, BotUpdates updates) {
        return new UpdateHandler(producer, jdbc, updates);
    }

    @Configuration
    @ConditionalOnExpression(TOKEN_SET)
    @ConditionalOnProperty(name = "caravan.telegram.mode", havingValue = "polling", matchIfMissing = true)
    static class Polling {

        @Bean
        BotApiClient botApiClient(TelegramProperties telegram, ObjectMapper json) {
            return new BotApiClient(telegram, json);
        }

        @Bean
        UpdatePoller updatePoller(BotApiClient client, UpdateHandler handler, TelegramProperties telegram) {
            return new UpdatePoller(client, handler, telegram.bot().pollTimeout(), Clock.systemUTC());
        }

        /**
         * Camel's shutdown waits for the telegram-updates run in flight: its long poll is ended first. Spring announces
         * the close before it stops the web server and Camel's context.
         */
        @Bean
        ApplicationListener<ApplicationEvent> updatePollerStop(UpdatePoller poller) {
            // Not a lambda typed by ContextClosedEvent: Spring cannot read a lambda's event type and would hand it every event.
            return event -> {
                if (event instanceof ContextClosedEvent) {
                    poller.stop();
                }
            };
        }
    }

    @Configuration
    @ConditionalOnExpression(TOKEN_SET)
    @ConditionalOnProperty(name = "caravan.telegram.mode", havingValue = "webhook")
    static class Webhook {

        private final String secret;

        Webhook(TelegramProperties telegram) {
            if (telegram.webhookSecret() == null || telegram.webhookSecret().isBlank()) {
                throw new IllegalStateException("caravan.telegram.webhook-secret must be set when caravan.telegram.mode=webhook:"
                        + " without it anyone could post fake updates to " + WebhookEndpoint.PATH
                        + " (give the same value to setWebhook as secret_token)");
            }
            this.secret = telegram.webhookSecret();
        }

        @Bean
        RouterFunction<ServerResponse> telegramWebhookRoute(UpdateHandler handler, ObjectMapper json) {
            WebhookEndpoint endpoint = new WebhookEndpoint(secret, handler, json);
            return RouterFunctions.route().POST(WebhookEndpoint.PATH, endpoint::receive).build();
        }

        /** Telegram has no bearer token for /api; the secret header is checked by the endpoint itself. */
        @Bean
        @Order(Ordered.HIGHEST_PRECEDENCE)
        SecurityFilterChain telegramWebhookFilterChain(HttpSecurity http) throws Exception {
            return http.securityMatcher(WebhookEndpoint.PATH)
                    .csrf(csrf -> csrf.disable())
                    .httpBasic(basic -> basic.disable())
                    .formLogin(form -> form.disable())
                    .logout(logout -> logout.disable())
                    .sessionManagement(session -> session.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                    .authorizeHttpRequests(auth -> auth.anyRequest().permitAll())
                    .build();
        }
    }
}
