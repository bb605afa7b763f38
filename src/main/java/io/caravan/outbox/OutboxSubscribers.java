package io.caravan.outbox;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.camel.support.DefaultConsumer;
import org.springframework.stereotype.Component;

/** The started {@code from: outbox:<type>} consumers of this hub, by event type. */
@Component
public class OutboxSubscribers {

    private final Map<String, List<DefaultConsumer>> byType = new ConcurrentHashMap<>();

    void subscribe(String type, DefaultConsumer consumer) {
        byType.computeIfAbsent(type, t -> new CopyOnWriteArrayList<>()).add(consumer);
    }

    void unsubscribe(String type, DefaultConsumer consumer) {
        byType.getOrDefault(type, List.of()).remove(consumer);
    }

    List<DefaultConsumer> of(String type) {
        return List.copyOf(byType.getOrDefault(type, List.of()));
    }
}
