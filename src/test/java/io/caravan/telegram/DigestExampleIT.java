package io.caravan.telegram;

import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static io.caravan.telegram.TelegramFixtures.TOKEN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import io.caravan.ops.JobRunRepository;
import io.caravan.ops.JobRunner;
import io.caravan.support.Hubs;
import io.caravan.support.TestEnvironment;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The README's digest example, run as written from src/test/resources/example-routes: the five best active deals in
 * one message to one chat, queued by telegram-gate: and sent by the gate to a WireMock Bot API.
 */
class DigestExampleIT {

    @Test
    void theFiveBestActiveDealsGoToOneChatInOneMessageThroughTheGate() throws Exception {
        String schema = TestEnvironment.newSchema();
        WireMockServer telegram = new WireMockServer(options().dynamicPort());
        telegram.start();
        telegram.stubFor(post(urlPathMatching("/bot" + TOKEN + "/send.*")).willReturn(okJson(
                "{\"ok\":true,\"result\":{\"message_id\":88,\"chat\":{\"id\":-1001},\"date\":1}}")));
        try (ConfigurableApplicationContext hub = Hubs.start(schema, Map.of(
                "caravan.routes.dir", "src/test/resources/example-routes",
                "caravan.digest.chat-id", "-100777",
                "caravan.telegram.token", TOKEN,
                "caravan.telegram.base-uri", "http://localhost:" + telegram.port(),
                "caravan.jobs.telegram-updates.enabled", "false"))) {
            JdbcTemplate jdbc = hub.getBean(JdbcTemplate.class);
            for (int i = 1; i <= 6; i++) {
                String asin = "B0DIGEST0" + i;
                jdbc.update("INSERT INTO products (asin, marketplace, title, url) VALUES (?, 'www.amazon.com.tr', ?, ?)",
                        asin, "Deal " + i + (i == 1 ? " <Pro> & more" : ""), "https://www.amazon.com.tr/dp/" + asin + "?tag=caravan-21");
                jdbc.update("""
                        INSERT INTO deals (asin, marketplace, price, reference_price, discount_pct, currency)
                        VALUES (?, 'www.amazon.com.tr', ?, 1000, ?, 'TRY')""", asin, 1000 - 10 * (20 + i), 20 + i);
            }
            jdbc.update("UPDATE deals SET status = 'expired', ended_at = now() WHERE asin = 'B0DIGEST06'");

            long run = hub.getBean(JobRunner.class).startNow("telegram-deal-digest");
            JobRunRepository runs = hub.getBean(JobRunRepository.class);
            var finished = await().atMost(Duration.ofSeconds(30)).until(() -> runs.find(run).orElseThrow(),
                    r -> !r.status().equals("running"));
            assertThat(finished.status()).as(String.valueOf(finished.error())).isEqualTo("succeeded");
            assertThat(finished.rows()).isEqualTo(5);

            await().atMost(Duration.ofSeconds(30)).until(() -> "sent".equals(jdbc.query(
                    "SELECT status FROM telegram_outgoing WHERE chat_id = '-100777' AND purpose = 'digest'",
                    rs -> rs.next() ? rs.getString(1) : null)));
            var sent = telegram.findAll(postRequestedFor(urlPathEqualTo("/bot" + TOKEN + "/sendMessage"))
                    .withRequestBody(matchingJsonPath("$.chat_id", equalTo("-100777"))));
            assertThat(sent).as("one message").hasSize(1);
            var body = new ObjectMapper().readTree(sent.get(0).getBodyAsString());
            String text = body.get("text").asText();
            assertThat(body.get("parse_mode").asText()).isEqualTo("HTML");
            assertThat(text).contains("Today's 5 best deals")
                    .contains("1. <a href=\"https://www.amazon.com.tr/dp/B0DIGEST05?tag=caravan-21\">Deal 5</a> — 750.00 TRY (−25%)")
                    .contains("Deal 1 &lt;Pro&gt; &amp; more")
                    .doesNotContain("Deal 6");
        } finally {
            telegram.stop();
            TestEnvironment.dropSchema(schema);
        }
    }
}
