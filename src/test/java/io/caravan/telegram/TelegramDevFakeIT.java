package io.caravan.telegram;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.caravan.FakeTelegram;
import io.caravan.support.Hubs;
import io.caravan.support.TestEnvironment;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

/** The sender works against dev mode's fake Bot API (the /dev/telegram page shows what it sends). */
class TelegramDevFakeIT {

    @Test
    void aDealIsPostedAndExpiredOnTheDevModeFake() {
        String schema = TestEnvironment.newSchema();
        FakeTelegram fake = new FakeTelegram(TelegramFixtures.TOKEN);
        try (ConfigurableApplicationContext hub = Hubs.start(schema, Map.of(
                "caravan.telegram.token", TelegramFixtures.TOKEN,
                "caravan.telegram.base-uri", fake.baseUrl(),
                "caravan.jobs.telegram-updates.enabled", "false", // this flow sends; the bot's poller is tested apart
                "caravan.outbox.poll-interval", "200ms"))) {
            TelegramFixtures fixtures = new TelegramFixtures(hub);
            long category = fixtures.category("dev", "@caravan_dev", null);
            fixtures.dealCreated(9001, category, "Dev & fake", "https://m.media-amazon.com/images/I/dev.jpg");
            await().atMost(Duration.ofSeconds(15)).until(() -> fake.sentNewestFirst().stream()
                    .anyMatch(s -> s.method().equals("sendPhoto")));
            fixtures.dealExpired(9001);
            await().atMost(Duration.ofSeconds(15)).until(() -> fake.sentNewestFirst().stream()
                    .anyMatch(s -> s.method().equals("editMessageCaption")));

            List<FakeTelegram.Sent> sent = fake.sentNewestFirst();
            FakeTelegram.Sent photo = sent.stream().filter(s -> s.method().equals("sendPhoto")).findFirst().orElseThrow();
            assertThat(photo.chatId()).isEqualTo("@caravan_dev");
            assertThat(photo.photo()).isEqualTo("https://m.media-amazon.com/images/I/dev.jpg");
            assertThat(photo.text()).startsWith("<b>Dev &amp; fake</b>");
            assertThat(photo.buttons()).contains("https://www.amazon.com.tr/dp/B09001?tag=caravan-21");
            FakeTelegram.Sent edit = sent.stream().filter(s -> s.method().equals("editMessageCaption")).findFirst().orElseThrow();
            assertThat(edit.messageId()).isEqualTo(photo.messageId());
            assertThat(edit.text()).startsWith("⌛ <b>Expired</b>");
            assertThat(fake.throttledCount()).isZero();
        } finally {
            fake.close();
            TestEnvironment.dropSchema(schema);
        }
    }
}
