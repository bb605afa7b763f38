package io.caravan.support;

import io.caravan.CaravanApplication;
import java.util.HashMap;
import java.util.Map;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/** Starts whole hubs by hand, for tests that need several at once or a restart on the same schema. */
public final class Hubs {

    private Hubs() {
    }

    public static ConfigurableApplicationContext start(String schema, Map<String, Object> extra, Class<?>... sources) {
        Map<String, Object> properties = new HashMap<>(TestEnvironment.hubProperties(schema));
        properties.putAll(extra);
        Class<?>[] all = new Class<?>[sources.length + 1];
        all[0] = CaravanApplication.class;
        System.arraycopy(sources, 0, all, 1, sources.length);
        // As command-line arguments: above application.yml, unlike SpringApplicationBuilder's default properties.
        String[] arguments = properties.entrySet().stream().map(e -> "--" + e.getKey() + "=" + e.getValue())
                .toArray(String[]::new);
        SpringApplication application = new SpringApplicationBuilder(all).build();
        return application.run(arguments);
    }
}
