package io.caravan.telegram.bot;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import io.caravan.core.Secrets;
import io.caravan.ops.JobRegistry;
import io.caravan.ops.JobRun;
import io.caravan.ops.JobRunRepository;
import io.caravan.ops.JobRunner;
import io.caravan.support.Hubs;
import io.caravan.support.TestEnvironment;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The telegram-updates job against WireMock as the Bot API: pages of updates from the reference samples, the
 * offset kept in bot_state across a restart, a re-delivered update handled once, and a 409 Conflict.
 */
@ExtendWith(OutputCaptureExtension.class)
class PollingIT {

    private static final String TOKEN = "7000000002:AApollingTestTokenValue12345";
    private static final String GET_UPDATES = "/bot" + TOKEN + "/getUpdates";
    private static final ObjectMapper JSON = new ObjectMapper();
    /** update_id of the /start in getUpdates-start-command.json and of the callback in update-callback-query.json. */
    private static final long START = 17598069L;
    private static final long CALLBACK = 163399206L;
    private static final long ADA = 100000001L;
    private static final long CHIPS = 436432850L;

    private final String schema = TestEnvironment.newSchema();
    private WireMockServer telegram;

    @BeforeEach
    void startTelegram() {
        telegram = new WireMockServer(options().dynamicPort());
        telegram.start();
    }

    @AfterEach
    void stop() {
        telegram.stop();
        TestEnvironment.dropSchema(schema);
    }

    private static String resource(String name) throws IOException {
        try (InputStream in = PollingIT.class.getResourceAsStream("/telegram/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** A getUpdates answer: the /start page of the sample plus the callback update of the other sample. */
    private static String firstPage() throws IOException {
        ObjectNode page = (ObjectNode) JSON.readTree(resource("getUpdates-start-command.json"));
        ((ArrayNode) page.get("result")).add(JSON.readTree(resource("update-callback-query.json")));
        return page.toString();
    }

    /** The callback again (Telegram re-sends what it thinks unconfirmed) and a new /help from Ada. */
    private static String secondPage() throws IOException {
        ObjectNode page = (ObjectNode) JSON.readTree(resource("getUpdates-start-command.json"));
        ObjectNode help = (ObjectNode) page.get("result").get(0).deepCopy();
        help.put("update_id", CALLBACK + 1);
        ((ObjectNode) help.get("message")).put("message_id", 6327).put("text", "/help@CaravanDealsBot");
        ArrayNode result = JSON.createArrayNode();
        result.add(JSON.readTree(resource("update-callback-query.json")));
        result.add(help);
        page.set("result", result);
        return page.toString();
    }

    private void servePages() throws IOException {
        telegram.resetAll();
        telegram.stubFor(post(GET_UPDATES).willReturn(okJson("{\"ok\":true,\"result\":[]}")));
        telegram.stubFor(post(GET_UPDATES).withRequestBody(matchingJsonPath("$.offset", equalTo("0"))).willReturn(okJson(firstPage())));
        telegram.stubFor(post(GET_UPDATES).withRequestBody(matchingJsonPath("$.offset", equalTo(String.valueOf(CALLBACK + 1))))
                .willReturn(okJson(secondPage())));
    }

    private ConfigurableApplicationContext hub(Map<String, Object> extra) {
        Map<String, Object> properties = new HashMap<>(Map.of(
                "caravan.telegram.token", TOKEN,
                "caravan.telegram.base-uri", "http://localhost:" + telegram.port(),
                "caravan.telegram.mode", "polling",
                "caravan.telegram.bot.poll-timeout", "0s"));
        properties.putAll(extra);
        return Hubs.start(schema, properties);
    }

    private static JobRun runOnce(ConfigurableApplicationContext hub) {
        long id = hub.getBean(JobRunner.class).startNow("telegram-updates");
        JobRunRepository runs = hub.getBean(JobRunRepository.class);
        await().atMost(Duration.ofSeconds(20)).until(() -> !runs.find(id).orElseThrow().status().equals("running"));
        return runs.find(id).orElseThrow();
    }

    @Test
    void offsetAdvancesSurvivesARestartAndARedeliveredUpdateIsHandledOnce(CapturedOutput output) throws IOException {
        servePages();
        try (ConfigurableApplicationContext first = hub(Map.of("caravan.jobs.telegram-updates.enabled", "false"))) {
            JdbcTemplate jdbc = first.getBean(JdbcTemplate.class);
            assertThat(first.getBean(JobRegistry.class).get("telegram-updates").cron()).isEqualTo("*/5 * * * * ?");
            assertThat(Secrets.registered()).as("masked wherever it would appear").contains(TOKEN);

            JobRun run = runOnce(first);
            assertThat(run.status()).as(String.valueOf(run.error())).isEqualTo("succeeded");
            assertThat(run.rows()).isEqualTo(2);
            telegram.verify(postRequestedFor(urlEqualTo(GET_UPDATES)).withRequestBody(equalToJson(
                    "{\"offset\":0,\"timeout\":0,\"limit\":100,\"allowed_updates\":[\"message\",\"callback_query\"]}")));
            assertThat(offset(jdbc)).isEqualTo(CALLBACK + 1);
            assertThat(replies(jdbc, ADA, "sendMessage")).singleElement().asString().startsWith("Welcome! I send Amazon deals");
            assertThat(replies(jdbc, CHIPS, "answerCallbackQuery")).singleElement().asString()
                    .isEqualTo("This button is no longer valid. Send /categories for fresh ones.");
            assertThat(jdbc.queryForObject("SELECT username || ' ' || language || ' ' || status FROM subscribers WHERE chat_id = ?",
                    String.class, ADA)).isEqualTo("ada_example en active");
        }

        // A new instance on the same database, now on its schedule: it continues from the stored offset.
        try (ConfigurableApplicationContext second = hub(Map.of("caravan.jobs.telegram-updates.cron", "* * * * * ?"))) {
            JdbcTemplate jdbc = second.getBean(JdbcTemplate.class);
            await().atMost(Duration.ofSeconds(20)).until(() -> offset(jdbc) == CALLBACK + 2);
            telegram.verify(1, postRequestedFor(urlEqualTo(GET_UPDATES)).withRequestBody(matchingJsonPath("$.offset", equalTo("0"))));
            assertThat(replies(jdbc, ADA, "sendMessage")).hasSize(2).last().asString().startsWith("Commands:\n/categories");
            assertThat(replies(jdbc, CHIPS, "answerCallbackQuery")).as("re-delivered callback answered once").hasSize(1);
            MeterRegistry meters = second.getBean(MeterRegistry.class);
            assertThat(meters.get("caravan.telegram.updates").tag("type", "callback").tag("outcome", "duplicate").counter().count())
                    .isEqualTo(1);
            assertThat(meters.get("caravan.telegram.updates").tag("type", "help").tag("outcome", "handled").counter().count())
                    .isEqualTo(1);
        }
        assertThat(output.getAll()).doesNotContain(TOKEN);
    }

    @Test
    void conflictFailsTheRunWithAClearMessageAndKeepsTheOffset(CapturedOutput output) {
        telegram.stubFor(post(GET_UPDATES).willReturn(aResponse().withStatus(409).withHeader("Content-Type", "application/json")
                .withBody("{\"ok\":false,\"error_code\":409,\"description\":\"Conflict: terminated by other getUpdates request; "
                        + "make sure that only one bot instance is running\"}")));
        try (ConfigurableApplicationContext hub = hub(Map.of("caravan.jobs.telegram-updates.enabled", "false"))) {
            JdbcTemplate jdbc = hub.getBean(JdbcTemplate.class);
            jdbc.update("INSERT INTO bot_state (key, value) VALUES ('updates.offset', '42')");

            JobRun run = runOnce(hub);

            assertThat(run.status()).isEqualTo("failed");
            assertThat(run.error()).isEqualTo("BotApiException: getUpdates refused with 409 Conflict (Conflict: terminated by "
                    + "other getUpdates request; make sure that only one bot instance is running). Only one getUpdates poller "
                    + "may use a bot token: stop the other process polling with this token, or delete the webhook "
                    + "(deleteWebhook), or run the hub with caravan.telegram.mode=webhook");
            assertThat(offset(jdbc)).isEqualTo(42);
        }
        assertThat(output.getAll()).contains("409 Conflict").doesNotContain(TOKEN);
    }

    @Test
    void aHubStoppingMidLongPollAbandonsItAtOnceAndTheUpdatesComeToTheNextPoll() throws Exception {
        // Telegram holds a getUpdates with nothing new for its whole timeout; this one would answer after 20 s.
        telegram.stubFor(post(GET_UPDATES).willReturn(okJson(firstPage()).withFixedDelay(20_000)));
        long id;
        long closing;
        try (ConfigurableApplicationContext hub = hub(Map.of("caravan.jobs.telegram-updates.enabled", "false",
                "caravan.telegram.bot.poll-timeout", "20s"))) {
            hub.getBean(JdbcTemplate.class).update("INSERT INTO bot_state (key, value) VALUES ('updates.offset', '42')");
            id = hub.getBean(JobRunner.class).startNow("telegram-updates");
            await().atMost(Duration.ofSeconds(20)).until(() -> !telegram.findAll(postRequestedFor(urlEqualTo(GET_UPDATES))).isEmpty());
            closing = System.nanoTime();
        }
        Duration close = Duration.ofNanos(System.nanoTime() - closing);
        // Camel would wait for the run in flight, up to the 20 s poll; abandoned, the stop takes what the rest of the hub takes.
        assertThat(close).as("the hub's stop").isLessThan(Duration.ofSeconds(12));
        try (var connection = TestEnvironment.connect(schema); var statement = connection.createStatement();
             var rows = statement.executeQuery("SELECT status, rows FROM job_runs WHERE id = " + id)) {
            assertThat(rows.next()).isTrue();
            assertThat(rows.getString("status")).as("an abandoned poll is no failure").isEqualTo("succeeded");
            assertThat(rows.getLong("rows")).isZero();
        }
        try (var connection = TestEnvironment.connect(schema); var statement = connection.createStatement();
             var rows = statement.executeQuery("SELECT value FROM bot_state WHERE key = 'updates.offset'")) {
            assertThat(rows.next()).isTrue();
            assertThat(rows.getString(1)).as("nothing confirmed: the next poll asks from the same offset").isEqualTo("42");
        }
        telegram.verify(1, postRequestedFor(urlEqualTo(GET_UPDATES)));
    }

    @Test
    void withoutATokenTheBotIsOffAndTheHubStarts() {
        try (ConfigurableApplicationContext hub = Hubs.start(schema, Map.of("caravan.telegram.token", ""))) {
            assertThat(hub.getBean(JobRegistry.class).names()).noneMatch(name -> name.startsWith("telegram-"));
            assertThat(hub.getBeansOfType(UpdateHandler.class)).isEmpty();
        }
        telegram.verify(0, postRequestedFor(urlEqualTo(GET_UPDATES)));
    }

    private static long offset(JdbcTemplate jdbc) {
        return jdbc.query("SELECT value FROM bot_state WHERE key = 'updates.offset'", rs -> rs.next() ? Long.parseLong(rs.getString(1)) : -1L);
    }

    private static java.util.List<String> replies(JdbcTemplate jdbc, long chat, String method) {
        return jdbc.queryForList("SELECT payload->>'text' FROM telegram_outgoing WHERE chat_id = ? AND method = ? ORDER BY id",
                String.class, String.valueOf(chat), method);
    }
}
