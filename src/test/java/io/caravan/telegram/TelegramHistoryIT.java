package io.caravan.telegram;

import static org.assertj.core.api.Assertions.assertThat;

import io.caravan.ops.JobRun;
import io.caravan.ops.JobRunRepository;
import io.caravan.ops.JobRunner;
import io.caravan.support.Hubs;
import io.caravan.support.TestEnvironment;
import java.time.Duration;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

/** telegram-history-prune keeps what is still needed: pending messages and the posts an active deal's expiry edits. */
class TelegramHistoryIT {

    private final String schema = TestEnvironment.newSchema();
    private ConfigurableApplicationContext hub;

    @AfterEach
    void stop() {
        if (hub != null) {
            hub.close();
        }
        TestEnvironment.dropSchema(schema);
    }

    @Test
    void oldSentMessagesAndEndedDealsPostsGoPendingOnesAndActiveDealsPostsStay() {
        // Dry run: the sender's beans (and this job) exist without a token. The pending message waits a day (a 429's
        // pause, say), so the dry-run sender leaves it pending.
        hub = Hubs.start(schema, Map.of("caravan.telegram.dry-run", "true", "caravan.telegram.retention", "30d"));
        JdbcTemplate jdbc = hub.getBean(JdbcTemplate.class);
        long category = jdbc.queryForObject("INSERT INTO categories (slug, name, keywords) VALUES ('toys', 'Toys', 'toys') RETURNING id",
                Long.class);
        jdbc.update("INSERT INTO products (asin, marketplace, category_id) VALUES ('B0ACTIVE01', 'www.amazon.com.tr', ?),"
                + " ('B0ENDED001', 'www.amazon.com.tr', ?)", category, category);
        long activeDeal = deal(jdbc, "B0ACTIVE01", "active");
        long endedDeal = deal(jdbc, "B0ENDED001", "expired");

        long oldSentNoPost = message(jdbc, "sent", "40 days", null, null);
        long oldPostOfEnded = message(jdbc, "sent", "40 days", endedDeal, "40 days");
        long oldPostOfActive = message(jdbc, "sent", "40 days", activeDeal, "40 days");
        long oldPending = message(jdbc, "pending", "40 days", null, null);
        long oldDropped = message(jdbc, "dropped", "35 days", null, null);
        long recentSent = message(jdbc, "sent", "2 days", endedDeal, "2 days");

        long id = hub.getBean(JobRunner.class).startNow("telegram-history-prune");
        JobRun run = Awaitility.await().atMost(Duration.ofSeconds(20))
                .until(() -> hub.getBean(JobRunRepository.class).find(id).orElseThrow(), r -> !r.status().equals("running"));

        assertThat(run.status()).isEqualTo("succeeded");
        assertThat(run.rows()).as("1 post + 3 messages").isEqualTo(4);
        assertThat(jdbc.queryForList("SELECT id FROM telegram_outgoing ORDER BY id", Long.class))
                .doesNotContain(oldSentNoPost, oldPostOfEnded, oldDropped)
                .containsExactly(oldPostOfActive, oldPending, recentSent);
        assertThat(jdbc.queryForList("SELECT outgoing_id FROM telegram_posts ORDER BY outgoing_id", Long.class))
                .containsExactly(oldPostOfActive, recentSent);
    }

    private static long deal(JdbcTemplate jdbc, String asin, String status) {
        return jdbc.queryForObject("""
                INSERT INTO deals (asin, marketplace, price, reference_price, discount_pct, status, ended_at)
                VALUES (?, 'www.amazon.com.tr', 80, 100, 20, ?, CASE WHEN ? = 'expired' THEN now() END) RETURNING id""",
                Long.class, asin, status, status);
    }

    /** A queued message created {@code age} ago, and its post sent {@code postAge} ago when a deal is given. */
    private static long message(JdbcTemplate jdbc, String status, String age, Long dealId, String postAge) {
        long id = jdbc.queryForObject("""
                INSERT INTO telegram_outgoing (chat_id, purpose, method, payload, deal_id, status, created_at, available_at)
                VALUES ('@toys', 'deal_post', 'sendPhoto', '{}'::jsonb, ?, ?, now() - ?::interval, now() + interval '1 day')
                RETURNING id""",
                Long.class, dealId, status, age);
        if (dealId != null) {
            jdbc.update("""
                    INSERT INTO telegram_posts (outgoing_id, chat_id, message_id, kind, deal_id, sent_at)
                    VALUES (?, '@toys', ?, 'photo', ?, now() - ?::interval)""", id, 1000 + id, dealId, postAge);
        }
        return id;
    }
}
