package io.caravan.telegram.bot;

import io.caravan.telegram.Language;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.caravan.FakeTelegram;
import io.caravan.telegram.TelegramProperties;
import java.net.URI;
import java.time.Duration;
import java.time.ZoneId;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The real getUpdates client against the dev-mode fake, so the /dev/telegram page can talk to the bot. */
class DevFakeTelegramTest {

    @Test
    void getUpdatesReadsWhatAPersonTypedInDevMode() {
        FakeTelegram fake = new FakeTelegram("123456:DEV-fake-token-for-test");
        try {
            TelegramProperties settings = new TelegramProperties(fake.token(), URI.create(fake.baseUrl()), null, null,
                    TelegramProperties.Mode.polling, null, false, ZoneId.of("UTC"), Duration.ofSeconds(5), Duration.ofDays(30), null, null,
                    TelegramProperties.DealImage.chart, null, null);
            BotApiClient client = new BotApiClient(settings, new ObjectMapper());
            fake.userSays(42, "/track B0CHWRXH8B 4999", "tr");

            List<JsonNode> updates = client.getUpdates(0, 0);

            assertThat(updates).hasSize(1);
            BotUpdate update = BotUpdate.from(updates.get(0));
            assertThat(update.chatId()).isEqualTo(42);
            assertThat(update.privateChat()).isTrue();
            assertThat(update.language()).isEqualTo(Language.TR);
            assertThat(BotCommand.parse(update.text())).contains(new BotCommand("track", List.of("B0CHWRXH8B", "4999")));
            assertThat(client.getUpdates(update.updateId() + 1, 0)).as("confirmed by the next offset").isEmpty();
        } finally {
            fake.close();
        }
    }
}
