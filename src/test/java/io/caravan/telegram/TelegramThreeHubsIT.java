package io.caravan.telegram;

import static io.caravan.telegram.TelegramFixtures.TOKEN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.caravan.outbox.Outbox;
import io.caravan.support.Hubs;
import io.caravan.support.TestEnvironment;
import io.caravan.telegram.gate.SendGate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Three hubs on one schema and one Redis, each configured with the full limits (nobody divides by replicas), against
 * a Bot API stub that answers 429 to anything over those limits: together they stay within the global, per-channel
 * and per-chat budgets, every message goes out once, and all three send.
 */
class TelegramThreeHubsIT {

    @Test
    void threeHubsKeepTelegramsLimitsTogether() throws Exception {
        String schema = TestEnvironment.newSchema();
        SendGate.Budget global = SendGate.Budget.perSecond(20);
        SendGate.Budget channel = SendGate.Budget.perMinute(120);
        SendGate.Budget privateChat = SendGate.Budget.perSecond(2);
        try (CountingBotApi telegram = new CountingBotApi(TOKEN, global, channel, privateChat)) {
            Map<String, Object> settings = new HashMap<>(Map.of(
                    "caravan.telegram.token", TOKEN,
                    "caravan.telegram.base-uri", "http://127.0.0.1:" + telegram.port(),
                    "caravan.telegram.limits.global-per-second", "20",
                    "caravan.telegram.limits.per-group-per-minute", "120",
                    "caravan.telegram.limits.per-private-chat-per-second", "2",
                    "caravan.jobs.telegram-updates.enabled", "false", // this flow sends; the poller is tested apart
                    "caravan.outbox.poll-interval", "200ms"));
            List<ConfigurableApplicationContext> hubs = new ArrayList<>();
            try {
                for (int i = 0; i < 3; i++) {
                    hubs.add(Hubs.start(schema, settings));
                }
                JdbcTemplate jdbc = hubs.get(0).getBean(JdbcTemplate.class);
                TelegramFixtures fixtures = new TelegramFixtures(hubs.get(0));
                long[] categories = {
                        fixtures.category("three-a", "@three_a", null),
                        fixtures.category("three-b", "-100700800", null),
                        fixtures.category("three-c", "@three_c", null)};
                for (int s = 0; s < 15; s++) {
                    fixtures.subscriber(70_000 + s, categories[s % 3], null);
                }
                Outbox outbox = hubs.get(1).getBean(Outbox.class);
                hubs.get(1).getBean(TransactionTemplate.class).executeWithoutResult(status -> {
                    for (int d = 0; d < 60; d++) {
                        outbox.publish("deal.created", TelegramFixtures.deal(d, categories[d % 3], "Three #" + d, null, "30.00"));
                    }
                });
                int expected = 60 + 15 * 20; // each subscriber gets the 20 deals of its category
                await().atMost(Duration.ofSeconds(120)).until(() -> jdbc.queryForObject(
                        "SELECT count(*) FROM telegram_outgoing WHERE status = 'sent'", Long.class) == expected);

                assertThat(telegram.overLimit()).as("requests over a limit (429s)").isZero();
                List<CountingBotApi.Received> accepted = telegram.accepted();
                assertThat(accepted).hasSize(expected);
                assertThat(accepted.stream().collect(Collectors.groupingBy(r -> r.chatId() + "|" + r.marker(),
                        Collectors.counting()))).as("each message once").hasSize(expected);
                double total = 0;
                for (ConfigurableApplicationContext hub : hubs) {
                    double sent = sent(hub);
                    assertThat(sent).as("every hub took part").isPositive();
                    total += sent;
                }
                assertThat(total).isEqualTo(expected);
            } finally {
                hubs.forEach(ConfigurableApplicationContext::close);
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
