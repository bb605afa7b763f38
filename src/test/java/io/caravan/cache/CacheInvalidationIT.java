package io.caravan.cache;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.caravan.outbox.Outbox;
import io.caravan.support.HubTest;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.listener.ChannelTopic;
import org.springframework.data.redis.listener.RedisMessageListenerContainer;
import org.springframework.transaction.support.TransactionTemplate;

/** A dataset.changed event, delivered by the outbox, clears keys, pattern matches and tag members in real Redis. */
@HubTest
class CacheInvalidationIT {

    @Autowired
    Outbox outbox;
    @Autowired
    TransactionTemplate transactions;
    @Autowired
    StringRedisTemplate redis;
    @Autowired
    RedisConnectionFactory connections;
    @Autowired
    ObjectMapper json;

    @Test
    void keysPatternsAndTagsAreInvalidatedAndANoticeIsPublished() throws Exception {
        String p = "t" + UUID.randomUUID().toString().substring(0, 8) + ":";
        redis.opsForValue().set(p + "vendors:list", "[...]");
        for (int i = 0; i < 1200; i++) {
            redis.opsForValue().set(p + "dash:vendors:" + i, "v" + i);
        }
        redis.opsForValue().set(p + "orders:today", "1");
        redis.opsForValue().set(p + "orders:week", "7");
        redis.opsForSet().add(CacheInvalidator.TAG_PREFIX + p + "orders", p + "orders:today", p + "orders:week");
        redis.opsForValue().set(p + "dash:other", "stays");

        BlockingQueue<String> notices = new LinkedBlockingQueue<>();
        RedisMessageListenerContainer listener = new RedisMessageListenerContainer();
        listener.setConnectionFactory(connections);
        listener.addMessageListener((message, pattern) -> notices.add(new String(message.getBody(), StandardCharsets.UTF_8)),
                new ChannelTopic(CacheInvalidator.CHANNEL));
        listener.afterPropertiesSet();
        listener.start();
        try {
            // The subscription is asynchronous: wait until a probe published on the channel comes back to us.
            String probe = p + "subscribed";
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
            boolean subscribed = false;
            while (!subscribed) {
                assertThat(deadline - System.nanoTime()).as("time left for the listener's subscription to " + CacheInvalidator.CHANNEL).isPositive();
                redis.convertAndSend(CacheInvalidator.CHANNEL, "{\"dataset\":\"" + probe + "\"}");
                String text = notices.poll(200, TimeUnit.MILLISECONDS);
                subscribed = text != null && json.readTree(text).path("dataset").asText().equals(probe);
            }
            transactions.executeWithoutResult(status -> outbox.publish("dataset.changed", Map.of(
                    "dataset", p + "metabase.vendors",
                    "keys", List.of(p + "vendors:list"),
                    "patterns", List.of(p + "dash:vendors:*"),
                    "tags", List.of(p + "orders"))));

            JsonNode notice = null;
            while (notice == null) {
                String text = notices.poll(15, TimeUnit.SECONDS);
                assertThat(text).as("invalidation notice").isNotNull();
                JsonNode candidate = json.readTree(text);
                if (candidate.path("dataset").asText().equals(p + "metabase.vendors")) {
                    notice = candidate;
                }
            }
            // 1 key + 1200 pattern matches + 2 tag members + the tag set itself
            assertThat(notice.get("keys").asLong()).isEqualTo(1204);
        } finally {
            listener.stop();
            listener.destroy();
        }
        assertThat(redis.keys(p + "dash:vendors:*")).isEmpty();
        assertThat(redis.hasKey(p + "vendors:list")).isFalse();
        assertThat(redis.hasKey(p + "orders:today")).isFalse();
        assertThat(redis.hasKey(CacheInvalidator.TAG_PREFIX + p + "orders")).isFalse();
        assertThat(redis.opsForValue().get(p + "dash:other")).isEqualTo("stays");
        redis.delete(p + "dash:other");
    }
}
