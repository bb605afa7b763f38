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
import io.caravan.support.Hubs;
import io.caravan.support.TestEnvironment;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.listener.ChannelTopic;
import org.springframework.data.redis.listener.RedisMessageListenerContainer;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * docs/events.md's filters, run as written from src/test/resources/example-routes: deal-cheap-post.yaml (a price
 * filter, a Mustache message with the title escaped, telegram-gate:) and deal-big-discount.yaml (a percentage filter,
 * spring-redis: PUBLISH). The prices and percentages are chosen so that comparing them as text would get each wrong.
 */
class DealExamplesIT {

    static final String HOSTILE_TITLE = "Kettle <b>1.7 L</b> & \"Pro\" </a> <i>";

    @Test
    void priceAndPercentageFiltersAndAnHtmlSafeTitleFromYamlAlone() throws Exception {
        String schema = TestEnvironment.newSchema();
        WireMockServer telegram = new WireMockServer(options().dynamicPort());
        telegram.start();
        telegram.stubFor(post(urlPathMatching("/bot" + TOKEN + "/send.*")).willReturn(okJson(
                "{\"ok\":true,\"result\":{\"message_id\":88,\"chat\":{\"id\":-100365},\"date\":1}}")));
        RedisMessageListenerContainer listener = new RedisMessageListenerContainer();
        try (ConfigurableApplicationContext hub = Hubs.start(schema, Map.of(
                "caravan.routes.dir", "src/test/resources/example-routes",
                "caravan.examples.cheap-chat-id", "-100365",
                "caravan.telegram.token", TOKEN,
                "caravan.telegram.base-uri", "http://localhost:" + telegram.port(),
                "caravan.jobs.telegram-updates.enabled", "false"))) {
            List<String> announced = new CopyOnWriteArrayList<>();
            listener.setConnectionFactory(hub.getBean(RedisConnectionFactory.class));
            listener.addMessageListener((message, pattern) -> announced.add(new String(message.getBody())),
                    new ChannelTopic("deals:big:" + schema));
            listener.afterPropertiesSet();
            listener.start();
            await().atMost(Duration.ofSeconds(10)).until(listener::isListening);

            TelegramFixtures fixtures = new TelegramFixtures(hub);
            long category = fixtures.category("kitchen", null, null);
            // As text, "99.00" > "365" and "7.50" > "25", "1000.00" < "365" and "100.00" < "25": each would go wrong.
            fixtures.publish("deal.created", deal(9101, category, HOSTILE_TITLE, "299.90", "26.78"));
            fixtures.publish("deal.created", deal(9102, category, "Mug", "99.00", "7.50"));
            fixtures.publish("deal.created", deal(9103, category, "Oven", "1000.00", "100.00"));

            JdbcTemplate jdbc = hub.getBean(JdbcTemplate.class);
            await().atMost(Duration.ofSeconds(30)).until(() -> jdbc.queryForObject(
                    "SELECT count(*) FROM telegram_outgoing WHERE purpose = 'cheap_deal' AND status = 'sent'", Integer.class) == 2);
            var sent = telegram.findAll(postRequestedFor(urlPathEqualTo("/bot" + TOKEN + "/sendMessage"))
                    .withRequestBody(matchingJsonPath("$.chat_id", equalTo("-100365"))));
            ObjectMapper json = new ObjectMapper();
            List<String> texts = sent.stream().map(r -> {
                try {
                    return json.readTree(r.getBodyAsString()).get("text").asText();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }).toList();
            assertThat(texts).as("the two deals at 365 or less").hasSize(2);
            String kettle = texts.stream().filter(t -> t.contains("299.90")).findFirst().orElseThrow();
            assertThat(kettle).as("the title's tags are escaped: the only tags are the template's")
                    .doesNotContain("<b>1.7").doesNotContain("<i>").containsOnlyOnce("</a>");
            assertThat(TelegramText.visible(kettle)).as("what Telegram shows").contains(HOSTILE_TITLE)
                    .contains("299.90 TRY (was 1199.90, −26.78%)");
            assertThat(texts).anyMatch(t -> t.contains("Mug") && t.contains("99.00 TRY"));

            await().atMost(Duration.ofSeconds(30)).until(() -> announced.size() >= 2);
            assertThat(announced).as("deals of 25 % or more, on Redis").hasSize(2)
                    .anyMatch(m -> m.contains("\"asin\": \"B09101\"") && m.contains("\"discountPct\": \"26.78\""))
                    .anyMatch(m -> m.contains("\"asin\": \"B09103\"") && m.contains("\"discountPct\": \"100.00\""));
        } finally {
            listener.stop();
            listener.destroy();
            telegram.stop();
            TestEnvironment.dropSchema(schema);
        }
    }

    private static Map<String, Object> deal(long id, long category, String title, String price, String discountPct) {
        Map<String, Object> deal = TelegramFixtures.deal(id, category, title, null, discountPct);
        deal.put("price", price);
        return deal;
    }
}
