package io.caravan.telegram;

import static io.caravan.telegram.TelegramFixtures.TOKEN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.caravan.outbox.Outbox;
import io.caravan.support.Hubs;
import io.caravan.support.TestEnvironment;
import io.caravan.telegram.gate.SendGate;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

/** Two hubs on one schema drain the same queue: every message is sent once, by one of them. */
class TelegramTwoHubsIT {

    @Test
    void twoInstancesNeverSendTheSameMessage() throws Exception {
        String schema = TestEnvironment.newSchema();
        // Limits high enough not to matter: this is about claiming, not pacing.
        SendGate.Budget wide = new SendGate.Budget(10_000, Duration.ofSeconds(1));
        Map<String, Object> settings = Map.of(
                "caravan.telegram.token", TOKEN,
                "caravan.telegram.limits.global-per-second", "1000",
                "caravan.telegram.limits.per-group-per-minute", "60000",
                "caravan.telegram.limits.per-private-chat-per-second", "30",
                "caravan.outbox.poll-interval", "200ms");
        try (CountingBotApi telegram = new CountingBotApi(TOKEN, wide, wide, wide)) {
            Map<String, Object> withStub = new java.util.HashMap<>(settings);
            withStub.put("caravan.telegram.base-uri", "http://127.0.0.1:" + telegram.port());
            withStub.put("caravan.jobs.telegram-updates.enabled", "false"); // this flow sends; the poller is tested apart
            try (ConfigurableApplicationContext first = Hubs.start(schema, withStub);
                 ConfigurableApplicationContext second = Hubs.start(schema, withStub)) {
                JdbcTemplate jdbc = first.getBean(JdbcTemplate.class);
                TelegramFixtures fixtures = new TelegramFixtures(first);
                long a = fixtures.category("two-a", "@two_a", null);
                long b = fixtures.category("two-b", "-100500600", null);
                for (int s = 0; s < 20; s++) {
                    fixtures.subscriber(90_000 + s, s % 2 == 0 ? a : b, null);
                }
                Outbox outbox = second.getBean(Outbox.class);
                second.getBean(TransactionTemplate.class).executeWithoutResult(status -> {
                    for (int d = 0; d < 100; d++) {
                        outbox.publish("deal.created", TelegramFixtures.deal(d, d % 2 == 0 ? a : b, "Two #" + d, null, "30.00"));
                    }
                });
                int expected = 100 + 20 * 50; // default cap (50 a day) = every deal of the subscribed category
                await().atMost(Duration.ofSeconds(40)).until(() -> jdbc.queryForObject(
                        "SELECT count(*) FROM telegram_outgoing WHERE status = 'sent'", Long.class) == expected);

                List<CountingBotApi.Received> accepted = telegram.accepted();
                Map<String, Long> perMessage = accepted.stream()
                        .collect(Collectors.groupingBy(r -> r.chatId() + "|" + r.marker(), Collectors.counting()));
                assertThat(accepted).hasSize(expected);
                assertThat(perMessage).hasSize(expected);
                assertThat(jdbc.queryForObject("SELECT count(*) FROM telegram_posts", Long.class)).isEqualTo(expected);
                double byFirst = sent(first);
                double bySecond = sent(second);
                assertThat(byFirst + bySecond).isEqualTo(expected);
                assertThat(byFirst).as("both hubs took part").isPositive();
                assertThat(bySecond).as("both hubs took part").isPositive();
            }
        } finally {
            TestEnvironment.dropSchema(schema);
        }
    }

    private static double sent(ConfigurableApplicationContext hub) {
        return hub.getBean(io.micrometer.core.instrument.MeterRegistry.class).find("caravan.telegram.sent")
                .tag("outcome", "sent").counters().stream().mapToDouble(c -> c.count()).sum();
    }
}
