package io.caravan.console;

import io.caravan.support.Hubs;
import io.caravan.support.TestEnvironment;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Start-up of a hub without and with the hawtio profile (Camel's JMX on, Hawtio and Jolokia mounted), alternating.
 * {@code ./mvnw -o test -Dtest=HawtioStartupBench -Dbench=true} (not part of the test suite).
 */
@EnabledIfSystemProperty(named = "bench", matches = "true")
class HawtioStartupBench {

    @Test
    void startUp() {
        start(Map.of()); // warm-up: classes loaded once for both
        for (int round = 0; round < 2; round++) {
            long plain = start(Map.of());
            long hawtio = start(Map.of("spring.profiles.active", "hawtio"));
            System.out.printf("round %d: start-up without hawtio %d ms, with hawtio %d ms%n", round, plain, hawtio);
        }
    }

    private static long start(Map<String, Object> extra) {
        String schema = TestEnvironment.newSchema();
        long begin = System.nanoTime();
        ConfigurableApplicationContext hub = Hubs.start(schema, extra);
        long millis = (System.nanoTime() - begin) / 1_000_000;
        hub.close();
        TestEnvironment.dropSchema(schema);
        return millis;
    }
}
