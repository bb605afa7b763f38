package io.caravan.telegram.bot;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.caravan.support.HubTest;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.AdviceWith;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.TestPropertySource;

/**
 * routes/telegram-bot.yaml as written, advised (AdviceWith) to record its steps on a MockEndpoint: a /subscribe
 * takes the subscribe branch, a re-delivered update stops once it is recorded, and a failing command takes the
 * apology path while the next update still runs.
 */
@HubTest
@CamelSpringBootTest
@TestPropertySource(properties = {
        "caravan.telegram.token=7000000005:AAbotRouteTestTokenValue12",
        "caravan.telegram.base-uri=http://127.0.0.1:9",
        "caravan.jobs.telegram-updates.enabled=false"})
class TelegramBotRouteTest {

    private static final AtomicLong CHATS = new AtomicLong(6_000_000_000L);
    private static final AtomicLong UPDATES = new AtomicLong(910_000_000L);
    /** Chats whose /help throws, standing for any bug in a command. */
    private static final Set<Long> BROKEN = ConcurrentHashMap.newKeySet();
    private static final List<String> RECORDED = List.of("update-record", "update-classify", "command-subscribe",
            "command-help");
    /** Static: the routes are advised once, in the context all tests of this class share. */
    private static boolean advised;

    @Autowired
    CamelContext camel;
    @Autowired
    ProducerTemplate producer;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    ObjectMapper json;
    @Autowired
    MeterRegistry meters;

    MockEndpoint steps;

    @BeforeEach
    void advise() throws Exception {
        steps = camel.getEndpoint("mock:bot-steps", MockEndpoint.class);
        if (!advised) {
            AdviceWith.adviceWith(camel, "telegram-bot-command", route -> {
                route.weaveById("command-help").before().process(exchange -> {
                    if (BROKEN.contains(exchange.getMessage().getBody(BotUpdate.class).chatId())) {
                        throw new IllegalStateException("help broke");
                    }
                });
                for (String step : RECORDED) {
                    route.weaveById(step).after().setHeader("step").constant(step).to("mock:bot-steps");
                }
            });
            AdviceWith.adviceWith(camel, "telegram-bot-apology", route -> route.weaveById("apology-queue").after()
                    .setHeader("step").constant("apology-queue").to("mock:bot-steps"));
            advised = true;
        }
        steps.reset();
        jdbc.update("""
                INSERT INTO categories (slug, name, browse_node_id, min_discount_pct, active)
                VALUES ('electronics', 'Elektronik', '12466496031', 25, TRUE) ON CONFLICT (slug) DO NOTHING""");
    }

    private ObjectNode message(long chatId, String text) {
        ObjectNode update = json.createObjectNode().put("update_id", UPDATES.incrementAndGet());
        ObjectNode message = update.putObject("message").put("message_id", 10).put("date", 1_700_000_000).put("text", text);
        message.putObject("from").put("id", chatId).put("is_bot", false).put("first_name", "Ada").put("language_code", "en");
        message.putObject("chat").put("id", chatId).put("type", "private").put("first_name", "Ada");
        return update;
    }

    /** What the webhook and the poller do: hand the update to direct:telegram-update and wait for it. */
    private Exchange deliver(ObjectNode update, String source) {
        Exchange done = producer.send("direct:telegram-update", exchange -> {
            exchange.getMessage().setBody(update);
            exchange.getMessage().setHeader(BotUpdates.SOURCE, source);
        });
        assertThat(done.getException()).isNull();
        return done;
    }

    private List<String> trail() {
        return steps.getReceivedExchanges().stream().map(e -> e.getMessage().getHeader("step", String.class)).toList();
    }

    private List<String> replies(long chat) {
        return jdbc.queryForList("SELECT method || ' ' || (payload->>'text') FROM telegram_outgoing WHERE chat_id = ? ORDER BY id",
                String.class, String.valueOf(chat));
    }

    private double counted(String type, String outcome) {
        var counter = meters.find("caravan.telegram.updates").tag("type", type).tag("outcome", outcome).counter();
        return counter == null ? 0 : counter.count();
    }

    @Test
    void aSubscribeUpdateTakesTheSubscribeBranch() {
        long chat = CHATS.incrementAndGet();
        double before = counted("subscribe", "handled");

        Exchange done = deliver(message(chat, "/subscribe electronics 30"), "webhook");

        assertThat(trail()).containsExactly("update-record", "update-classify", "command-subscribe");
        assertThat(done.getMessage().getHeader(BotUpdates.COMMAND)).isEqualTo("subscribe");
        assertThat(done.getMessage().getHeader(BotUpdates.OUTCOME)).isEqualTo("handled");
        assertThat(replies(chat)).containsExactly("sendMessage Subscribed to Elektronik: deals from 30% off.");
        assertThat(jdbc.queryForObject("SELECT min_discount_pct::text FROM subscriptions WHERE chat_id = ?", String.class, chat))
                .isEqualTo("30.00");
        assertThat(counted("subscribe", "handled")).as("counted once committed").isEqualTo(before + 1);
    }

    @Test
    void aDuplicateStopsAfterItIsRecordedAndStillMovesTheOffset() {
        long chat = CHATS.incrementAndGet();
        ObjectNode update = message(chat, "/help");
        long updateId = update.get("update_id").asLong();
        deliver(update, "polling");
        assertThat(trail()).containsExactly("update-record", "update-classify", "command-help");
        steps.reset();
        double before = counted("help", "duplicate");

        Exchange again = deliver(update, "polling");

        assertThat(trail()).as("nothing after the record step").containsExactly("update-record");
        assertThat(again.getMessage().getHeader(BotUpdates.OUTCOME)).isEqualTo("duplicate");
        assertThat(again.getMessage().getHeader(BotUpdates.COMMAND)).as("never classified").isNull();
        assertThat(replies(chat)).hasSize(1);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM telegram_updates WHERE update_id = ?", Long.class, updateId)).isEqualTo(1);
        assertThat(jdbc.queryForObject("SELECT value FROM bot_state WHERE key = 'updates.offset'", String.class))
                .isEqualTo(String.valueOf(updateId + 1));
        assertThat(counted("help", "duplicate")).isEqualTo(before + 1);
    }

    @Test
    void aFailingCommandTakesTheApologyPathAndTheNextUpdateStillRuns() {
        long chat = CHATS.incrementAndGet();
        BROKEN.add(chat);
        ObjectNode broken = message(chat, "/help");
        double failedBefore = counted("help", "failed");
        double handledBefore = counted("help", "handled");

        Exchange done = deliver(broken, "webhook");

        assertThat(trail()).as("the command threw: rolled back, then the apology").containsExactly(
                "update-record", "update-classify", "apology-queue");
        assertThat(done.getMessage().getHeader(BotUpdates.OUTCOME)).isEqualTo("failed");
        assertThat(replies(chat)).containsExactly("sendMessage Sorry, something went wrong. Please try again later.");
        assertThat(jdbc.queryForObject("SELECT count(*) FROM telegram_updates WHERE update_id = ?", Long.class,
                broken.get("update_id").asLong())).as("recorded by the apology's transaction").isEqualTo(1);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM subscribers WHERE chat_id = ?", Long.class, chat))
                .as("the command's transaction rolled back").isZero();
        assertThat(counted("help", "failed")).isEqualTo(failedBefore + 1);
        assertThat(counted("help", "handled")).as("the rolled-back attempt is not counted").isEqualTo(handledBefore);

        BROKEN.remove(chat);
        steps.reset();
        Exchange next = deliver(message(chat, "/help"), "webhook");

        assertThat(trail()).containsExactly("update-record", "update-classify", "command-help");
        assertThat(next.getMessage().getHeader(BotUpdates.OUTCOME)).isEqualTo("handled");
        assertThat(replies(chat)).hasSize(2).last().asString().startsWith("sendMessage Commands:\n/categories");
        assertThat(deliver(broken, "webhook").getMessage().getHeader(BotUpdates.OUTCOME)).as("the failed one is not retried")
                .isEqualTo("duplicate");
    }
}
