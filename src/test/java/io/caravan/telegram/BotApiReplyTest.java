package io.caravan.telegram;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.caravan.telegram.gate.BotApiReply;
import io.caravan.telegram.gate.BotApiReply.Outcome;
import org.junit.jupiter.api.Test;

/** The bodies are Telegram's own (see the reference samples and tdlib/telegram-bot-api Client.cpp). */
class BotApiReplyTest {

    private final ObjectMapper json = new ObjectMapper();

    private BotApiReply reply(int status, String body) throws Exception {
        return BotApiReply.parse(status, json.readTree(body));
    }

    @Test
    void classifiesTelegramsAnswers() throws Exception {
        BotApiReply ok = reply(200, "{\"ok\":true,\"result\":{\"message_id\":937}}");
        assertThat(ok.outcome()).isEqualTo(Outcome.OK);
        assertThat(ok.result().get("message_id").asLong()).isEqualTo(937);

        BotApiReply flood = reply(429, "{\"ok\":false,\"error_code\":429,\"description\":\"Too Many Requests: retry after 3\",\"parameters\":{\"retry_after\":3}}");
        assertThat(flood.outcome()).isEqualTo(Outcome.RETRY_AFTER);
        assertThat(flood.retryAfter()).isEqualTo(3);

        assertThat(reply(403, "{\"ok\":false,\"error_code\":403,\"description\":\"Forbidden: bot was blocked by the user\"}").outcome())
                .isEqualTo(Outcome.BLOCKED);
        assertThat(reply(403, "{\"ok\":false,\"error_code\":403,\"description\":\"Forbidden: user is deactivated\"}").outcome())
                .isEqualTo(Outcome.BLOCKED);
        assertThat(reply(403, "{\"ok\":false,\"error_code\":403,\"description\":\"Forbidden: bot is not a member of the channel chat\"}").outcome())
                .isEqualTo(Outcome.NOT_MEMBER);
        assertThat(reply(403, "{\"ok\":false,\"error_code\":403,\"description\":\"Forbidden: bot was kicked from the supergroup chat\"}").outcome())
                .isEqualTo(Outcome.NOT_MEMBER);

        BotApiReply migrated = reply(400, "{\"ok\":false,\"error_code\":400,\"description\":\"Bad Request: group chat was upgraded to a supergroup chat\",\"parameters\":{\"migrate_to_chat_id\":-1001234567890123}}");
        assertThat(migrated.outcome()).isEqualTo(Outcome.MIGRATED);
        assertThat(migrated.migrateTo()).isEqualTo("-1001234567890123");

        assertThat(reply(400, "{\"ok\":false,\"error_code\":400,\"description\":\"Bad Request: can't parse entities: Unsupported start tag \\\"name\\\" at byte offset 69\"}").outcome())
                .isEqualTo(Outcome.BAD_HTML);
        assertThat(reply(400, "{\"ok\":false,\"error_code\":400,\"description\":\"Bad Request: message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message\"}").outcome())
                .isEqualTo(Outcome.NOT_MODIFIED);
        assertThat(reply(400, "{\"ok\":false,\"error_code\":400,\"description\":\"Bad Request: failed to get HTTP URL content\"}").outcome())
                .isEqualTo(Outcome.BAD_PHOTO);
        assertThat(reply(400, "{\"ok\":false,\"error_code\":400,\"description\":\"Bad Request: message text is empty\"}").outcome())
                .isEqualTo(Outcome.FAILED);
        assertThat(reply(502, "{\"ok\":false,\"error_code\":502,\"description\":\"Bad Gateway\"}").outcome()).isEqualTo(Outcome.RETRY);
        assertThat(BotApiReply.parse(504, null).outcome()).isEqualTo(Outcome.RETRY);
        assertThat(BotApiReply.transportError("HttpTimeoutException: request timed out").outcome()).isEqualTo(Outcome.RETRY);
    }
}
