package io.caravan.support;

import java.util.HashMap;
import java.util.Map;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.MapPropertySource;

/** Gives each test application context its own schema; drops it when the JVM ends. */
public class OwnSchemaInitializer implements ApplicationContextInitializer<ConfigurableApplicationContext> {

    @Override
    public void initialize(ConfigurableApplicationContext context) {
        String schema = TestEnvironment.newSchema();
        Map<String, Object> properties = new HashMap<>(TestEnvironment.hubProperties(schema));
        properties.remove("server.port"); // @SpringBootTest's RANDOM_PORT decides
        // Lowest precedence after the test's own properties, so a test can still override any of these.
        context.getEnvironment().getPropertySources().addAfter("systemEnvironment",
                new MapPropertySource("caravanTestSchema", properties));
        Runtime.getRuntime().addShutdownHook(new Thread(() -> TestEnvironment.dropSchemaQuietly(schema)));
    }
}
