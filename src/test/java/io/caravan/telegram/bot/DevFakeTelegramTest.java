package io.caravan.telegram.bot;

import io.caravan.telegram.Language;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.caravan.FakeTelegram;
import io.caravan.telegram.gate.BotApi;
import io.caravan.telegram.gate.BotApiReply;
import io.caravan.telegram.TelegramProperties;
import java.net.URI;
import java.time.Duration;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
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

    /** The dev fake takes a chart upload as Telegram documents it: multipart/form-data with a photo file part. */
    @Test
    void theFakeTakesAMultipartPhotoUploadAndRefusesWhatTelegramRefuses() {
        FakeTelegram fake = new FakeTelegram("123456:DEV-fake-token-for-test");
        try {
            TelegramProperties settings = new TelegramProperties(fake.token(), URI.create(fake.baseUrl()), null, null,
                    TelegramProperties.Mode.polling, null, false, ZoneId.of("UTC"), Duration.ofSeconds(5), Duration.ofDays(30), null, null,
                    TelegramProperties.DealImage.chart, null, null);
            BotApi api = new BotApi(settings, new ObjectMapper());
            byte[] png = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13};
            Map<String, Object> fields = Map.of("chat_id", "@dev_deals", "caption", "<b>Çaydanlık</b>", "parse_mode", "HTML",
                    "reply_markup", Map.of("inline_keyboard", List.of(List.of(Map.of("text", "🛒 View on Amazon", "url", "https://a")))));

            BotApiReply uploaded = api.upload("sendPhoto", fields, "photo", "chart-1.png", "image/png", png);

            assertThat(uploaded.outcome()).isEqualTo(BotApiReply.Outcome.OK);
            assertThat(uploaded.result().at("/photo/0/file_id").asText()).startsWith("AgACAgDev");
            FakeTelegram.Sent sent = fake.sentNewestFirst().get(0);
            assertThat(sent.photo()).isEqualTo("upload:chart-1.png");
            assertThat(sent.text()).isEqualTo("<b>Çaydanlık</b>");
            assertThat(sent.buttons()).contains("🛒 View on Amazon");

            BotApiReply notAnImage = api.upload("sendPhoto", Map.of("chat_id", "@dev_deals"), "photo", "x.txt", "text/plain", png);
            assertThat(notAnImage.status()).isEqualTo(400);
            assertThat(notAnImage.outcome()).isEqualTo(BotApiReply.Outcome.FAILED);
            BotApiReply noPhoto = api.call("sendPhoto", Map.of("chat_id", "@dev_deals", "caption", "x"));
            assertThat(noPhoto.summary()).isEqualTo("400: Bad Request: there is no photo in the request");
        } finally {
            fake.close();
        }
    }
}
