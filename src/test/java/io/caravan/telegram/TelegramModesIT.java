package io.caravan.telegram;

import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.caravan.support.Hubs;
import io.caravan.support.TestEnvironment;
import io.caravan.telegram.gate.TelegramSender;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

/** Dry run records without calling Telegram; without a token nothing is sent and messages wait. */
class TelegramModesIT {

    private final String schema = TestEnvironment.newSchema();
    private final WireMockServer telegram = new WireMockServer(options().dynamicPort());
    private ConfigurableApplicationContext hub;

    @BeforeEach
    void start() {
        telegram.start();
    }

    @AfterEach
    void stop() {
        if (hub != null) {
            hub.close();
        }
        telegram.stop();
        TestEnvironment.dropSchema(schema);
    }

    @Test
    void aBadLimitStopsStartupNamingTheKey() {
        Throwable error = org.assertj.core.api.Assertions.catchThrowable(() -> Hubs.start(schema, Map.of(
                "caravan.telegram.limits.global-per-second", "0")).close());
        StringBuilder messages = new StringBuilder();
        for (Throwable t = error; t != null; t = t.getCause()) {
            messages.append(t.getMessage()).append('\n');
        }
        assertThat(messages.toString()).contains("caravan.telegram.limits").contains("globalPerSecond");
    }

    @Test
    void dryRunRecordsPostsWithoutAnyHttpCall() {
        hub = Hubs.start(schema, Map.of(
                "caravan.telegram.dry-run", "true",
                "caravan.telegram.base-uri", "http://localhost:" + telegram.port(),
                "caravan.outbox.poll-interval", "200ms"));
        JdbcTemplate jdbc = hub.getBean(JdbcTemplate.class);
        TelegramFixtures fixtures = new TelegramFixtures(hub);
        long category = fixtures.category("dry", "@caravan_dry", null);
        fixtures.subscriber(51001, category, null);
        fixtures.dealCreated(8001, category, "Dry", "https://m.media-amazon.com/images/I/dry.jpg");

        await().atMost(Duration.ofSeconds(15)).until(() -> jdbc.queryForObject(
                "SELECT count(*) FROM telegram_posts WHERE deal_id = 8001", Long.class) == 2);
        assertThat(jdbc.queryForList("SELECT chat_id || ' ' || kind || ' ' || dry_run || ' ' || coalesce(message_id::text, 'null') "
                + "FROM telegram_posts ORDER BY chat_id", String.class))
                .containsExactly("51001 photo true null", "@caravan_dry photo true null");
        assertThat(jdbc.queryForObject("SELECT count(*) FROM telegram_outgoing WHERE status = 'sent'", Long.class)).isEqualTo(2);

        fixtures.dealExpired(8001);
        await().atMost(Duration.ofSeconds(15)).until(() -> jdbc.queryForObject(
                "SELECT count(*) FROM telegram_posts WHERE deal_id = 8001 AND expired_at IS NOT NULL", Long.class) == 2);
        assertThat(telegram.findAll(anyRequestedFor(anyUrl()))).isEmpty();
    }

    @Test
    void withoutATokenTheHubStartsAndMessagesStayPending() {
        hub = Hubs.start(schema, Map.of(
                "caravan.telegram.base-uri", "http://localhost:" + telegram.port(),
                "caravan.outbox.poll-interval", "200ms"));
        JdbcTemplate jdbc = hub.getBean(JdbcTemplate.class);
        assertThat(hub.getBeanNamesForType(TelegramSender.class)).isEmpty();
        TelegramFixtures fixtures = new TelegramFixtures(hub);
        long category = fixtures.category("off", "@caravan_off", null);
        long event = fixtures.dealCreated(8101, category, "Off", null);

        await().atMost(Duration.ofSeconds(10)).until(() -> jdbc.queryForObject(
                "SELECT done_at IS NOT NULL FROM outbox WHERE id = ?", Boolean.class, event));
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(4)).until(() -> "pending".equals(jdbc.queryForObject(
                "SELECT status FROM telegram_outgoing WHERE chat_id = '@caravan_off'", String.class)));
        assertThat(telegram.findAll(anyRequestedFor(anyUrl()))).isEmpty();
    }
}
