package io.caravan.cache;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.data.redis.core.Cursor;
import org.springframework.data.redis.core.ScanOptions;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.stereotype.Component;

/**
 * Handles {@code dataset.changed}: drops the exact keys, every key matching the patterns (SCAN + UNLINK in batches,
 * never KEYS, which blocks Redis), the members of the tag sets {@code caravan:tag:<tag>} and the sets themselves,
 * then PUBLISHes a notice on {@code caravan:invalidations} so app instances can drop their local caches.
 * Running it twice does no harm, which is what the outbox's retries need. Redis being down is an exception, so
 * the outbox retries until it is back.
 */
@Component
public class CacheInvalidator {

    public static final String CHANNEL = "caravan:invalidations";
    public static final String TAG_PREFIX = "caravan:tag:";
    private static final int BATCH = 500;

    private final StringRedisTemplate redis;
    private final ObjectMapper json;
    private final MeterRegistry meters;

    public CacheInvalidator(StringRedisTemplate redis, ObjectMapper json, MeterRegistry meters) {
        this.redis = redis;
        this.json = json;
        this.meters = meters;
    }

    /** @return how many keys were removed */
    public long invalidate(String payload) throws Exception {
        JsonNode event = json.readTree(payload);
        String dataset = event.path("dataset").asText("unknown");
        long removed = unlink(texts(event.path("keys")));
        for (String pattern : texts(event.path("patterns"))) {
            removed += unlinkMatching(pattern);
        }
        for (String tag : texts(event.path("tags"))) {
            String setKey = TAG_PREFIX + tag;
            Set<String> members = redis.opsForSet().members(setKey);
            List<String> keys = new ArrayList<>(members == null ? Set.of() : members);
            keys.add(setKey);
            removed += unlink(keys);
        }
        String notice = json.createObjectNode().put("dataset", dataset).put("keys", removed)
                .put("at", Instant.now().toString()).toString();
        redis.convertAndSend(CHANNEL, notice);
        Counter.builder("caravan.cache.invalidated.keys").description("Redis keys removed by dataset.changed")
                .tag("dataset", dataset).register(meters).increment(removed);
        return removed;
    }

    private long unlinkMatching(String pattern) {
        long removed = 0;
        List<String> batch = new ArrayList<>(BATCH);
        try (Cursor<String> cursor = redis.scan(ScanOptions.scanOptions().match(pattern).count(BATCH).build())) {
            while (cursor.hasNext()) {
                batch.add(cursor.next());
                if (batch.size() == BATCH) {
                    removed += unlink(batch);
                    batch.clear();
                }
            }
        }
        return removed + unlink(batch);
    }

    private long unlink(List<String> keys) {
        if (keys.isEmpty()) {
            return 0;
        }
        Long removed = redis.unlink(keys);
        return removed == null ? 0 : removed;
    }

    private static List<String> texts(JsonNode array) {
        Set<String> values = new LinkedHashSet<>();
        array.forEach(value -> {
            if (!value.asText().isBlank()) {
                values.add(value.asText());
            }
        });
        return List.copyOf(values);
    }
}
