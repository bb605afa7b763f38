package io.caravan.alerts;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetup;
import io.caravan.ops.JobFinishedEvent;
import io.caravan.ops.JobRun;
import io.caravan.ops.JobRunRepository;
import io.caravan.ops.JobRunner;
import io.caravan.support.Hubs;
import io.caravan.support.TestEnvironment;
import jakarta.mail.Message;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * A whole hub with every alert channel on, each against a stand-in speaking its protocol: WireMock as Telegram's Bot
 * API and as Slack's incoming webhook, GreenMail as the SMTP server. Each test fails jobs of its own name, so the
 * tests share one hub and tell their messages apart.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AlertsIT {

    private static final String TOKEN = "7123456789:AAHk_alerts-Token-Value-0123456789";
    private static final String TELEGRAM_API = "/bot" + TOKEN + "/";
    private static final String SLACK_HOOK = "/services/T0CARAVAN/B0ALERTS/x0SecretWebhookPart";
    private static final String ADMIN_CHAT = "9100";
    private static final String TEAMS_HOOK = "/workflows/caravan-alerts/triggers/manual/paths/invoke";
    private static final AtomicLong RUN_IDS = new AtomicLong(4200);

    private final String schema = TestEnvironment.newSchema();
    private final WireMockServer telegram = new WireMockServer(options().dynamicPort());
    private final WireMockServer slack = new WireMockServer(options().dynamicPort());
    private final WireMockServer teams = new WireMockServer(options().dynamicPort());
    /** The outside service of a job declared in configuration, answering 500: its run fails like a card sync. */
    private final WireMockServer metabase = new WireMockServer(options().dynamicPort());
    private final ObjectMapper json = new ObjectMapper();
    private final int smtpPort = freePort();
    private GreenMail smtp = new GreenMail(new ServerSetup(smtpPort, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
    private ConfigurableApplicationContext hub;
    private JdbcTemplate jdbc;

    @BeforeAll
    void startHub() {
        telegram.start();
        telegram.stubFor(post(urlPathMatching(TELEGRAM_API + "send.*")).willReturn(okJson(
                "{\"ok\":true,\"result\":{\"message_id\":77,\"chat\":{\"id\":9100},\"date\":1}}")));
        slack.start();
        // Slack's webhook answers 200 with the text "ok"; tests add their failures at a higher priority.
        slack.stubFor(post(urlPathEqualTo(SLACK_HOOK)).atPriority(10).willReturn(aResponse().withStatus(200).withBody("ok")));
        smtp.start();
        teams.start();
        metabase.start();
        metabase.stubFor(post(urlPathEqualTo("/api/card/7/query")).willReturn(aResponse().withStatus(500)
                .withBody("{\"message\":\"Query failed\"}")));
        teams.stubFor(post(urlPathEqualTo(TEAMS_HOOK)).willReturn(aResponse().withStatus(202)));
        hub = Hubs.start(schema, Map.ofEntries(
                Map.entry("caravan.telegram.token", TOKEN),
                Map.entry("caravan.telegram.base-uri", "http://localhost:" + telegram.port()),
                Map.entry("caravan.jobs.telegram-updates.enabled", "false"),
                Map.entry("caravan.telegram.admin-chat-id", ADMIN_CHAT),
                Map.entry("caravan.alerts.console-url", "https://caravan.example.com"),
                Map.entry("caravan.alerts.slack.webhook-url", "http://localhost:" + slack.port() + SLACK_HOOK),
                Map.entry("caravan.alerts.email.host", "127.0.0.1"),
                Map.entry("caravan.alerts.email.port", String.valueOf(smtpPort)),
                Map.entry("caravan.alerts.email.from", "caravan@example.com"),
                Map.entry("caravan.alerts.email.to", "ops@example.com,oncall@example.com"),
                Map.entry("caravan.alerts.email.timeout", "2s"),
                Map.entry("caravan.outbox.poll-interval", "200ms"),
                Map.entry("caravan.outbox.initial-backoff", "200ms"),
                Map.entry("caravan.outbox.max-backoff", "500ms"),
                Map.entry("caravan.outbox.max-attempts", "6"),
                // docs/alerts.md's fourth channel, as the file an engineer drops into caravan.routes.dir.
                Map.entry("caravan.routes.dir", "src/test/resources/example-routes"),
                Map.entry("caravan.alerts.teams.enabled", "true"),
                Map.entry("caravan.jobs.card-sync.cron", "0 0 9 * * ?"),
                Map.entry("caravan.jobs.card-sync.endpoint", "http://localhost:" + metabase.port() + "/api/card/7/query?httpMethod=POST"),
                Map.entry("caravan.alerts.teams.webhook-url", "http://localhost:" + teams.port() + TEAMS_HOOK)));
        jdbc = hub.getBean(JdbcTemplate.class);
    }

    @AfterAll
    void stopHub() {
        if (hub != null) {
            hub.close();
        }
        telegram.stop();
        slack.stop();
        teams.stop();
        metabase.stop();
        smtp.stop();
        TestEnvironment.dropSchema(schema);
    }

    @Test
    void aFailedJobReachesTelegramSlackAndEmailOnceEach() throws Exception {
        // A real run of a configured job whose service answers 500, started as "run now" would.
        long run = hub.getBean(JobRunner.class).startNow("card-sync");
        JobRun failed = await().atMost(Duration.ofSeconds(30)).until(
                () -> hub.getBean(JobRunRepository.class).find(run).orElseThrow(), r -> !r.status().equals("running"));
        assertThat(failed.status()).isEqualTo("failed");
        assertThat(failed.error()).contains("statusCode: 500");

        await().atMost(Duration.ofSeconds(30)).until(() -> telegramMessages("card-sync").size() == 1
                && slackMessages("card-sync").size() == 1 && emails("card-sync").size() == 1
                && teamsMessages("card-sync").size() == 1);
        settled();
        assertThat(teamsMessages("card-sync")).hasSize(1);
        assertThat(telegramMessages("card-sync")).hasSize(1);
        assertThat(slackMessages("card-sync")).hasSize(1);
        assertThat(emails("card-sync")).hasSize(1);

        var telegramBody = json.readTree(telegramMessages("card-sync").get(0).getBodyAsString());
        assertThat(telegramBody.get("chat_id").asText()).isEqualTo(ADMIN_CHAT);
        assertThat(telegramBody.get("parse_mode").asText()).isEqualTo("HTML");
        assertThat(telegramBody.get("text").asText())
                .startsWith("⚠️ <b>job failed: card-sync</b>\nJob card-sync failed (run " + run + ", manual)")
                .contains("statusCode: 500")
                .contains("<a href=\"https://caravan.example.com/console/#run?id=" + run + "\">Run " + run + " in the console</a>");

        String slackText = json.readTree(slackMessages("card-sync").get(0).getBodyAsString()).get("text").asText();
        assertThat(slackText)
                .startsWith(":rotating_light: *job failed: card-sync*\n")
                .contains("statusCode: 500")
                .contains("<https://caravan.example.com/console/#run?id=" + run + "|Run " + run + " in the console>");

        var card = json.readTree(teamsMessages("card-sync").get(0).getBodyAsString());
        assertThat(teamsMessages("card-sync").get(0).getHeader("Content-Type")).startsWith("application/json");
        assertThat(card.at("/attachments/0/contentType").asText()).isEqualTo("application/vnd.microsoft.card.adaptive");
        assertThat(card.at("/attachments/0/content/body/0/text").asText()).isEqualTo("job failed: card-sync\n"
                + "Job card-sync failed (run " + run + ", manual): " + failed.error() + "\n"
                + "https://caravan.example.com/console/#run?id=" + run);

        MimeMessage mail = emails("card-sync").get(0);
        assertThat(mail.getSubject()).isEqualTo("[caravan] job failed: card-sync");
        assertThat(mail.getFrom()[0].toString()).isEqualTo("caravan@example.com");
        assertThat(Arrays.stream(mail.getRecipients(Message.RecipientType.TO)).map(Object::toString))
                .containsExactly("ops@example.com", "oncall@example.com");
        assertThat(mail.getContentType()).startsWith("text/plain");
        assertThat(GreenMailUtil.getBody(mail).replace("\r\n", "\n"))
                .contains("Job:      card-sync\n")
                .contains("Run:      " + run + "\n")
                .contains("Error:    " + failed.error() + "\n")
                .contains("Console:  https://caravan.example.com/console/#run?id=" + run + "\n");
    }

    @Test
    void aRepeatInsideTheWindowSendsNothingThenTheNextSaysHowManyWereHeldBack() throws Exception {
        fail("amazon-prices", "quota spent #1");
        await().atMost(Duration.ofSeconds(30)).until(() -> telegramMessages("amazon-prices").size() == 1
                && slackMessages("amazon-prices").size() == 1 && emails("amazon-prices").size() == 1);
        fail("amazon-prices", "quota spent #2");
        fail("amazon-prices", "quota spent #3");
        await().atMost(Duration.ofSeconds(30)).until(() -> jdbc.queryForObject(
                "SELECT count(*) FROM alert_windows WHERE alert_key = 'job:amazon-prices' AND held_back = 2", Long.class)
                == 4); // telegram, slack, email and the example's teams
        settled();
        assertThat(telegramMessages("amazon-prices")).hasSize(1);
        assertThat(slackMessages("amazon-prices")).hasSize(1);
        assertThat(emails("amazon-prices")).hasSize(1);

        // The window (caravan.alerts.repeat-after, 1h) is over: the next one goes out with the count.
        jdbc.update("UPDATE alert_windows SET sent_at = now() - interval '2 hours' WHERE alert_key = 'job:amazon-prices'");
        fail("amazon-prices", "quota spent #4");
        await().atMost(Duration.ofSeconds(30)).until(() -> telegramMessages("amazon-prices").size() == 2
                && slackMessages("amazon-prices").size() == 2 && emails("amazon-prices").size() == 2);
        settled();
        assertThat(json.readTree(telegramMessages("amazon-prices").get(1).getBodyAsString()).get("text").asText())
                .contains("quota spent #4").containsPattern("\\(\\+2 more like this since \\d\\d:\\d\\d UTC, not sent\\)");
        assertThat(json.readTree(slackMessages("amazon-prices").get(1).getBodyAsString()).get("text").asText())
                .contains("quota spent #4").containsPattern("_\\+2 more like this since \\d\\d:\\d\\d UTC, not sent_");
        MimeMessage second = emails("amazon-prices").get(1);
        assertThat(second.getSubject()).isEqualTo("[caravan] job failed: amazon-prices (+2 more)");
        assertThat(GreenMailUtil.getBody(second)).contains("quota spent #4").contains("2 more alerts like this since");
        assertThat(telegramMessages("amazon-prices")).hasSize(2);
    }

    @Test
    void slackThrottlingIsWaitedOutAndA500IsRetriedWhileTheOtherChannelsGoOn() throws Exception {
        slack.stubFor(post(urlPathEqualTo(SLACK_HOOK)).atPriority(1).withRequestBody(containing("slack-429"))
                .inScenario("429").whenScenarioStateIs(Scenario.STARTED).willSetStateTo("after")
                .willReturn(aResponse().withStatus(429).withHeader("Retry-After", "2").withBody("rate_limited")));
        slack.stubFor(post(urlPathEqualTo(SLACK_HOOK)).atPriority(1).withRequestBody(containing("slack-500"))
                .inScenario("500").whenScenarioStateIs(Scenario.STARTED).willSetStateTo("after")
                .willReturn(aResponse().withStatus(500).withBody("internal_error")));

        fail("slack-429", "boom");
        fail("slack-500", "boom");

        await().atMost(Duration.ofSeconds(30)).until(() -> slackMessages("slack-429").size() == 2
                && slackMessages("slack-500").size() == 2);
        settled();
        assertThat(slackMessages("slack-429")).as("the 429, then the message after its Retry-After").hasSize(2);
        assertThat(slackMessages("slack-500")).as("the 500, then the retry").hasSize(2);
        List<LoggedRequest> throttled = slackMessages("slack-429");
        assertThat(Duration.between(throttled.get(0).getLoggedDate().toInstant(), throttled.get(1).getLoggedDate().toInstant()))
                .as("Retry-After: 2").isGreaterThanOrEqualTo(Duration.ofMillis(1900));
        for (String job : List.of("slack-429", "slack-500")) {
            assertThat(telegramMessages(job)).as(job).hasSize(1);
            assertThat(emails(job)).as(job).hasSize(1);
        }
        // All hubs together keep to Slack's pace. The slots they take are min-interval (1 s) apart (SlackPaceTest
        // checks the slots themselves); what WireMock logs is the arrival, a slot plus however long the loaded machine
        // took to send (two arrivals 0.21 s apart were seen at load 12: one send woke 0.8 s late, the next on time).
        // With up to a second of that delay, any 2 s hold at most 4 arrivals and the 12 span at least 10 s; unpaced,
        // the 12 arrive within about a second, and at twice the pace 5 would fall in 2 s.
        List<Instant> times = slack.findAll(postRequestedFor(urlPathEqualTo(SLACK_HOOK))).stream()
                .map(r -> r.getLoggedDate().toInstant()).sorted().toList();
        for (int i = 0; i < times.size(); i++) {
            Instant from = times.get(i);
            long within = times.stream().filter(t -> !t.isBefore(from) && t.isBefore(from.plusSeconds(2))).count();
            assertThat(within).as("Slack sends in the 2 s from %s", from).isLessThanOrEqualTo(4);
        }
        assertThat(Duration.between(times.get(0), times.get(times.size() - 1))).as("%d Slack sends", times.size())
                .isGreaterThanOrEqualTo(Duration.ofMillis(1000L * (times.size() - 2)));
    }

    @Test
    void aSlackThatAlwaysFailsIsDeadLetteredWithoutHoldingBackTheOthers() {
        slack.stubFor(post(urlPathEqualTo(SLACK_HOOK)).atPriority(1).withRequestBody(containing("slack-down"))
                .willReturn(aResponse().withStatus(503).withBody("service_unavailable")));
        fail("slack-down", "boom");

        await().atMost(Duration.ofSeconds(30)).until(() -> telegramMessages("slack-down").size() == 1
                && emails("slack-down").size() == 1);
        await().atMost(Duration.ofSeconds(60)).until(() -> jdbc.queryForObject(
                "SELECT count(*) FROM dead_letters WHERE type = 'admin.alert' AND payload->>'job' = 'slack-down'", Long.class) == 1);
        assertThat(jdbc.queryForObject("SELECT last_error FROM dead_letters WHERE payload->>'job' = 'slack-down'", String.class))
                .contains("alerts-slack").contains("503").doesNotContain("x0SecretWebhookPart");
        assertThat(slackMessages("slack-down")).as("max-attempts").hasSize(6);
        assertThat(telegramMessages("slack-down")).hasSize(1);
        assertThat(emails("slack-down")).hasSize(1);
    }

    @Test
    void whileSmtpIsDownEmailIsRetriedAndDeliveredWhenItReturnsAndTheOthersAreNotHeldUp() throws Exception {
        smtp.stop();
        try {
            fail("smtp-down", "boom");
            await().atMost(Duration.ofSeconds(30)).until(() -> telegramMessages("smtp-down").size() == 1
                    && slackMessages("smtp-down").size() == 1);
            await().atMost(Duration.ofSeconds(30)).until(() -> jdbc.queryForObject("""
                    SELECT count(*) FROM outbox WHERE type = 'admin.alert' AND payload->>'job' = 'smtp-down'
                    AND done_at IS NULL AND attempts >= 2 AND last_error LIKE '%alerts-email%'""", Long.class) == 1);
        } finally {
            smtp = new GreenMail(new ServerSetup(smtpPort, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
            smtp.start();
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> emails("smtp-down").size() == 1);
        settled();
        assertThat(emails("smtp-down")).hasSize(1);
        assertThat(telegramMessages("smtp-down")).as("a retry skips the channels that already took it").hasSize(1);
        assertThat(slackMessages("smtp-down")).hasSize(1);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM dead_letters WHERE payload->>'job' = 'smtp-down'", Long.class)).isZero();
    }

    /** A failed run of the job, as the job runner announces it; returns the run's id. */
    private long fail(String job, String error) {
        long id = RUN_IDS.incrementAndGet();
        hub.publishEvent(new JobFinishedEvent(new JobRun(id, job, "schedule", null, "test", Instant.now(), Instant.now(),
                "failed", null, error)));
        return id;
    }

    /** No admin alert is waiting any more, and none appears for a moment. */
    private void settled() {
        await().during(Duration.ofMillis(700)).atMost(Duration.ofSeconds(30)).until(() -> jdbc.queryForObject(
                "SELECT count(*) FROM outbox WHERE type = 'admin.alert' AND done_at IS NULL", Long.class) == 0);
    }

    private List<LoggedRequest> telegramMessages(String job) {
        return telegram.findAll(postRequestedFor(urlPathEqualTo(TELEGRAM_API + "sendMessage"))
                .withRequestBody(matchingJsonPath("$.chat_id", equalTo(ADMIN_CHAT)))
                .withRequestBody(containing("failed: " + job)));
    }

    private List<LoggedRequest> teamsMessages(String job) {
        return teams.findAll(postRequestedFor(urlPathEqualTo(TEAMS_HOOK)).withRequestBody(containing("failed: " + job)));
    }

    private List<LoggedRequest> slackMessages(String job) {
        return slack.findAll(postRequestedFor(urlPathEqualTo(SLACK_HOOK)).withRequestBody(containing("failed: " + job)));
    }

    /** The messages GreenMail received about the job, once each (it keeps a copy per recipient). */
    private List<MimeMessage> emails(String job) {
        Map<String, MimeMessage> byId = new java.util.LinkedHashMap<>();
        for (MimeMessage message : smtp.getReceivedMessages()) {
            try {
                if (message.getSubject().contains("failed: " + job)) {
                    byId.putIfAbsent(message.getMessageID(), message);
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
        return List.copyOf(byId.values());
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
