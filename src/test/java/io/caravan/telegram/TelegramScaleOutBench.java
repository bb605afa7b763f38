package io.caravan.telegram;

import static io.caravan.telegram.TelegramFixtures.TOKEN;

import com.sun.management.OperatingSystemMXBean;
import io.caravan.outbox.Outbox;
import io.caravan.support.Hubs;
import io.caravan.support.TestEnvironment;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * bench/scale-out, Telegram part: the same burst through 1, 2 and 3 hubs on one schema and one Redis, at limits far
 * above what the machine can send, against the counting Bot API stub. Prints messages/s per hub count, the ratio to
 * one hub, over-limit/lost/duplicated, and the JVM's CPU per message (hubs and stub; PostgreSQL and Redis not
 * included). Hubs share this JVM: on a 2-core machine the CPU, not the limits, caps the gain.
 */
@EnabledIfSystemProperty(named = "bench", matches = "true")
class TelegramScaleOutBench {

    @Test
    void telegramScaleOut() throws Exception {
        int deals = Integer.getInteger("bench.deals", 600);
        int subscribers = Integer.getInteger("bench.subscribers", 100);
        int cap = Integer.getInteger("bench.cap", 10);
        double globalRate = Double.parseDouble(System.getProperty("bench.global-per-second", "400"));
        int maxHubs = Integer.getInteger("bench.hubs", 3);
        SendGate.Budget global = SendGate.Budget.perSecond(globalRate);
        SendGate.Budget group = SendGate.Budget.perMinute(60_000);
        SendGate.Budget privateChat = SendGate.Budget.perSecond(30);
        OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        System.out.printf("%n== scale-out, Telegram: %d deals to 3 channels + %d subscribers (cap %d), limits %.0f/s global, "
                + "1000/s per channel, 30/s per chat ==%n", deals, subscribers, cap, globalRate);
        System.out.printf("%-5s %10s %8s %8s %10s %6s %6s %12s%n", "hubs", "msg/s", "ratio", "seconds", "over-limit", "lost",
                "dup", "CPU ms/msg");
        double first = Double.NaN;
        for (int n = 1; n <= maxHubs; n++) {
            String schema = TestEnvironment.newSchema();
            List<ConfigurableApplicationContext> hubs = new ArrayList<>();
            try (CountingBotApi telegram = new CountingBotApi(TOKEN, global, group, privateChat)) {
                Map<String, Object> settings = new HashMap<>(Map.of(
                        "caravan.telegram.token", TOKEN,
                        "caravan.telegram.base-uri", "http://127.0.0.1:" + telegram.port(),
                        "caravan.jobs.telegram-updates.enabled", "false",
                        "caravan.telegram.limits.global-per-second", String.valueOf(globalRate),
                        "caravan.telegram.limits.per-group-per-minute", "60000",
                        "caravan.telegram.limits.per-private-chat-per-second", "30",
                        "caravan.telegram.bot.max-messages-per-user-per-day", String.valueOf(cap),
                        "caravan.outbox.workers", "4",
                        "logging.level.io.caravan", "WARN"));
                for (int i = 0; i < n; i++) {
                    hubs.add(Hubs.start(schema, settings));
                }
                TelegramFixtures fixtures = new TelegramFixtures(hubs.get(0));
                List<Long> categories = new ArrayList<>();
                for (String channel : List.of("@scale_a", "@scale_b", "-100900100")) {
                    categories.add(fixtures.category("scale" + categories.size(), channel, null));
                }
                for (int s = 0; s < subscribers; s++) {
                    fixtures.subscriber(60_000 + s, categories.get(s % 3), null);
                }
                Outbox outbox = hubs.get(0).getBean(Outbox.class);
                long expected = deals + (long) subscribers * Math.min(cap, deals / 3);
                long cpuBefore = os.getProcessCpuTime();
                long start = System.nanoTime();
                hubs.get(0).getBean(TransactionTemplate.class).executeWithoutResult(status -> {
                    for (int d = 0; d < deals; d++) {
                        outbox.publish("deal.created", TelegramFixtures.deal(d, categories.get(d % 3), "Scale #" + d, null, "30.00"));
                    }
                });
                long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
                while (telegram.accepted().size() < expected && System.nanoTime() < deadline) {
                    Thread.sleep(50);
                }
                double seconds = (System.nanoTime() - start) / 1e9;
                double cpuMillis = (os.getProcessCpuTime() - cpuBefore) / 1e6;
                List<CountingBotApi.Received> accepted = telegram.accepted();
                Map<String, Long> perMessage = accepted.stream()
                        .collect(Collectors.groupingBy(r -> r.chatId() + "|" + r.marker(), Collectors.counting()));
                long duplicated = perMessage.values().stream().mapToLong(c -> c - 1).sum();
                long lost = expected - perMessage.size();
                double rate = accepted.size() / seconds;
                first = n == 1 ? rate : first;
                System.out.printf("%-5d %10.1f %8.2f %8.1f %10d %6d %6d %12.2f%n", n, rate, rate / first, seconds,
                        telegram.overLimit(), lost, duplicated, cpuMillis / Math.max(1, accepted.size()));
            } finally {
                hubs.forEach(ConfigurableApplicationContext::close);
                TestEnvironment.dropSchema(schema);
            }
        }
        System.out.printf("machine           %d cores, load average %.1f at the end%n", os.getAvailableProcessors(),
                os.getSystemLoadAverage());
    }
}
