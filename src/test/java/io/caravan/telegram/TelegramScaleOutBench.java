package io.caravan.telegram;

import static io.caravan.telegram.TelegramFixtures.TOKEN;

import com.sun.management.OperatingSystemMXBean;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.caravan.support.HubProcess;
import io.caravan.support.TestEnvironment;
import io.caravan.telegram.gate.SendGate;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * bench/scale-out, Telegram part: the same burst through 1, 2 and 3 hubs on one schema and one Redis, at limits far
 * above what the machine can send, against the counting Bot API stub. Hubs are processes of their own; the burst is
 * written straight into the outbox (one transaction), as a price run would. Prints messages/s per hub count, the
 * ratio to one hub, over-limit/lost/duplicated, and CPU per message (the hubs' processes and this JVM with the stub;
 * PostgreSQL and Redis not included): on a 2-core machine the CPU, not the limits, caps the gain.
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
                + "1000/s per channel, 30/s per chat, hubs are processes ==%n", deals, subscribers, cap, globalRate);
        System.out.printf("%-5s %10s %8s %8s %10s %6s %6s %12s  %s%n", "hubs", "msg/s", "ratio", "seconds", "over-limit", "lost",
                "dup", "CPU ms/msg", "sent per hub");
        double first = Double.NaN;
        ObjectMapper json = new ObjectMapper();
        for (int n = 1; n <= maxHubs; n++) {
            String schema = TestEnvironment.newSchema();
            List<HubProcess> hubs = new ArrayList<>();
            try (CountingBotApi telegram = new CountingBotApi(TOKEN, global, group, privateChat)) {
                for (int i = 0; i < n; i++) {
                    String name = "bench-" + (char) ('a' + i);
                    Map<String, Object> settings = new HashMap<>(Map.of(
                            "caravan.telegram.token", TOKEN,
                            "caravan.telegram.base-uri", "http://127.0.0.1:" + telegram.port() + "/hub/" + name,
                            "caravan.jobs.telegram-updates.enabled", "false",
                            "caravan.telegram.limits.global-per-second", String.valueOf(globalRate),
                            "caravan.telegram.limits.per-group-per-minute", "60000",
                            "caravan.telegram.limits.per-private-chat-per-second", "30",
                            "caravan.telegram.bot.max-messages-per-user-per-day", String.valueOf(cap),
                            "caravan.outbox.workers", "4",
                            "logging.level.io.caravan", "WARN"));
                    hubs.add(HubProcess.start(name, schema, settings, Duration.ofSeconds(180)));
                }
                JdbcTemplate jdbc = new JdbcTemplate(new DriverManagerDataSource(TestEnvironment.jdbcUrl(schema),
                        TestEnvironment.PG_USER, TestEnvironment.PG_PASSWORD));
                List<Long> categories = new ArrayList<>();
                for (String channel : List.of("@scale_a", "@scale_b", "-100900100")) {
                    String slug = "scale" + categories.size();
                    categories.add(jdbc.queryForObject("""
                            INSERT INTO categories (slug, name, keywords, channel_chat_id) VALUES (?, ?, ?, ?) RETURNING id""",
                            Long.class, slug, slug, slug, channel));
                }
                for (int s = 0; s < subscribers; s++) {
                    jdbc.update("INSERT INTO subscribers (chat_id, first_name, language) VALUES (?, 'Bench', 'en')", 60_000 + s);
                    jdbc.update("INSERT INTO subscriptions (chat_id, category_id) VALUES (?, ?)", 60_000 + s, categories.get(s % 3));
                }
                String[] types = new String[deals];
                String[] bodies = new String[deals];
                for (int d = 0; d < deals; d++) {
                    types[d] = "deal.created";
                    bodies[d] = json.writeValueAsString(TelegramFixtures.deal(d, categories.get(d % 3), "Scale #" + d, null, "30.00"));
                }
                Thread.sleep(2_000); // the hubs' start-up compilation settles a little
                long expected = deals + (long) subscribers * Math.min(cap, deals / 3);
                long cpuBefore = hubsCpu(hubs) + os.getProcessCpuTime();
                long start = System.nanoTime();
                jdbc.update("""
                        INSERT INTO outbox (type, payload)
                        SELECT e.type, e.payload::jsonb FROM unnest(?::text[], ?::text[]) WITH ORDINALITY AS e(type, payload, n)
                        ORDER BY e.n""", types, bodies);
                long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
                while (telegram.accepted().size() < expected && System.nanoTime() < deadline) {
                    Thread.sleep(50);
                }
                double seconds = (System.nanoTime() - start) / 1e9;
                double cpuMillis = (hubsCpu(hubs) + os.getProcessCpuTime() - cpuBefore) / 1e6;
                List<CountingBotApi.Received> accepted = telegram.accepted();
                Map<String, Long> perMessage = accepted.stream()
                        .collect(Collectors.groupingBy(r -> r.chatId() + "|" + r.marker(), Collectors.counting()));
                long duplicated = perMessage.values().stream().mapToLong(c -> c - 1).sum();
                long lost = expected - perMessage.size();
                double rate = accepted.size() / seconds;
                first = n == 1 ? rate : first;
                Map<String, Long> perHub = accepted.stream().collect(Collectors.groupingBy(r -> r.hub().replace("bench-", ""),
                        java.util.TreeMap::new, Collectors.counting()));
                System.out.printf("%-5d %10.1f %8.2f %8.1f %10d %6d %6d %12.2f  %s%n", n, rate, rate / first, seconds,
                        telegram.overLimit(), lost, duplicated, cpuMillis / Math.max(1, accepted.size()), perHub);
            } finally {
                for (HubProcess hub : hubs) {
                    hub.stop();
                }
                TestEnvironment.dropSchema(schema);
            }
        }
        System.out.printf("machine           %d cores, load average %.1f at the end%n", os.getAvailableProcessors(),
                os.getSystemLoadAverage());
    }

    private static long hubsCpu(List<HubProcess> hubs) {
        long nanos = 0;
        for (HubProcess hub : hubs) {
            nanos += ProcessHandle.of(hub.pid()).flatMap(h -> h.info().totalCpuDuration()).map(Duration::toNanos).orElse(0L);
        }
        return nanos;
    }
}
