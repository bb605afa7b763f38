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
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * 500 deals to 3 channels and 100 subscribers at once. Telegram's real limits (20/min per channel) would make this
 * take 10 minutes, so the hub and the stub share scaled-up limits (150/s overall, 1,200/min per channel, 5/s per
 * private chat) and the stub holds the hub to exactly those: any request over a limit in any sliding window is
 * refused with a 429 and counted.
 */
class TelegramBurstIT {

    private static final double GLOBAL_PER_SECOND = 150;
    private static final int GROUP_PER_MINUTE = 1200;
    private static final double PRIVATE_PER_SECOND = 5;
    private static final int CAP = 10;
    private static final int DEALS = 500;
    private static final int SUBSCRIBERS = 100;

    @Test
    void everyMessageArrivesExactlyOnceAndNoLimitIsEverExceeded() throws Exception {
        SendGate.Budget global = SendGate.Budget.perSecond(GLOBAL_PER_SECOND);
        SendGate.Budget group = SendGate.Budget.perMinute(GROUP_PER_MINUTE);
        SendGate.Budget privateChat = SendGate.Budget.perSecond(PRIVATE_PER_SECOND);
        String schema = TestEnvironment.newSchema();
        try (CountingBotApi telegram = new CountingBotApi(TOKEN, global, group, privateChat)) {
            ConfigurableApplicationContext hub = Hubs.start(schema, Map.of(
                    "caravan.telegram.token", TOKEN,
                    "caravan.telegram.base-uri", "http://127.0.0.1:" + telegram.port(),
                    "caravan.jobs.telegram-updates.enabled", "false", // this flow sends; the bot's poller is tested apart
                    "caravan.telegram.limits.global-per-second", String.valueOf(GLOBAL_PER_SECOND),
                    "caravan.telegram.limits.per-group-per-minute", String.valueOf(GROUP_PER_MINUTE),
                    "caravan.telegram.limits.per-private-chat-per-second", String.valueOf(PRIVATE_PER_SECOND),
                    "caravan.telegram.bot.max-messages-per-user-per-day", String.valueOf(CAP),
                    "caravan.outbox.workers", "4"));
            try {
                JdbcTemplate jdbc = hub.getBean(JdbcTemplate.class);
                TelegramFixtures fixtures = new TelegramFixtures(hub);
                List<String> channels = List.of("@burst_a", "@burst_b", "-100200300");
                List<Long> categories = new ArrayList<>();
                for (String channel : channels) {
                    categories.add(fixtures.category("burst" + categories.size(), channel, null));
                }
                for (int s = 0; s < SUBSCRIBERS; s++) {
                    fixtures.subscriber(60_000 + s, categories.get(s % 3), null);
                }
                Outbox outbox = hub.getBean(Outbox.class);
                hub.getBean(TransactionTemplate.class).executeWithoutResult(status -> {
                    for (int d = 0; d < DEALS; d++) {
                        outbox.publish("deal.created", TelegramFixtures.deal(d, categories.get(d % 3), "Deal #" + d,
                                d % 2 == 0 ? "https://m.media-amazon.com/images/I/" + d + ".jpg" : null, "30.00"));
                    }
                });

                int expected = DEALS + SUBSCRIBERS * CAP;
                await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
                        .until(() -> telegram.accepted().size() >= expected
                                && jdbc.queryForObject("SELECT count(*) FROM telegram_outgoing WHERE status = 'pending'", Long.class) == 0);

                assertThat(telegram.overLimit()).as("requests over a limit").isZero();
                List<CountingBotApi.Received> accepted = telegram.accepted();
                assertThat(accepted).hasSize(expected);
                Map<String, Long> perMessage = accepted.stream()
                        .collect(Collectors.groupingBy(r -> r.chatId() + "|" + r.marker(), Collectors.counting()));
                assertThat(perMessage).hasSize(expected);
                assertThat(perMessage.values()).allMatch(n -> n == 1);
                assertThat(jdbc.queryForList("SELECT DISTINCT status FROM telegram_outgoing", String.class)).containsExactly("sent");
                Map<String, Long> perChat = accepted.stream().collect(Collectors.groupingBy(CountingBotApi.Received::chatId,
                        Collectors.counting()));
                for (int s = 0; s < SUBSCRIBERS; s++) {
                    assertThat(perChat.get(String.valueOf(60_000 + s))).as("subscriber %d, capped", s).isEqualTo(CAP);
                }
                for (int c = 0; c < 3; c++) {
                    assertThat(perChat.get(channels.get(c))).isEqualTo(DEALS / 3 + (c < DEALS % 3 ? 1 : 0));
                }
                // The stub refused nothing; check the windows once more from its journal, independently of its counters.
                assertWithin(accepted, r -> "all", global);
                for (String chat : perChat.keySet()) {
                    List<CountingBotApi.Received> ofChat = accepted.stream().filter(r -> r.chatId().equals(chat)).toList();
                    assertWithin(ofChat, CountingBotApi.Received::chatId, SendGate.isGroup(chat) ? group : privateChat);
                }
            } finally {
                hub.close();
                TestEnvironment.dropSchema(schema);
            }
        }
    }

    /** In arrival order, the (count)-th request after any request arrives at least a window later. */
    private static void assertWithin(List<CountingBotApi.Received> requests, Function<CountingBotApi.Received, String> label,
                                     SendGate.Budget budget) {
        List<Long> times = requests.stream().map(CountingBotApi.Received::atNanos).sorted().toList();
        for (int i = 0; i + budget.count() < times.size(); i++) {
            assertThat(times.get(i + budget.count()) - times.get(i))
                    .as("%s: request %d and the %d-th after it", label.apply(requests.get(0)), i, budget.count())
                    .isGreaterThanOrEqualTo(budget.window().toNanos());
        }
    }
}
