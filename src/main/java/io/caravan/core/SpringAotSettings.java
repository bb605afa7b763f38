package io.caravan.core;

import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.springframework.boot.actuate.autoconfigure.web.server.ManagementPortType;
import org.springframework.core.env.Environment;

/**
 * The settings that decide which beans the hub has, as Spring AOT fixes them at build time ({@code ./mvnw -Paot
 * package}, docs/startup.md): the flows' bean conditions (the same rules as their {@code @Conditional}s), the active
 * profiles, whether actuator runs on a port of its own, and JMX. {@link SpringAotRecorder} writes them into the jar at
 * build time; {@link SpringAotGuard} compares them with the hub's own at start and starts the hub without the
 * build-time bean definitions when they differ, so a hub never runs with another configuration's beans.
 */
final class SpringAotSettings {

    /** Where the build-time settings are kept, inside the jar. */
    static final String RESOURCE = "META-INF/caravan/spring-aot-settings.properties";

    private SpringAotSettings() {
    }

    /** The settings of this environment, as sorted {@code key=value} lines. */
    static String of(Environment environment) {
        Map<String, String> settings = new TreeMap<>();
        boolean token = set(environment, "caravan.telegram.token");
        settings.put("flow.metabase", String.valueOf(set(environment, "caravan.metabase.url")));
        settings.put("flow.amazon", String.valueOf(set(environment, "caravan.amazon.client-id")));
        settings.put("flow.telegram", String.valueOf(token
                || "true".equals(environment.getProperty("caravan.telegram.dry-run", "false"))));
        settings.put("flow.telegram-bot", String.valueOf(token));
        // TelegramBotConfiguration: polling (also when unset) or webhook, compared as @ConditionalOnProperty does.
        settings.put("telegram.mode", token ? environment.getProperty("caravan.telegram.mode", "polling").toLowerCase(Locale.ROOT) : "-");
        settings.put("profiles", Arrays.stream(environment.getActiveProfiles()).sorted().collect(Collectors.joining(",")));
        settings.put("management.port", ManagementPortType.get(environment).name());
        settings.put("spring.jmx.enabled", environment.getProperty("spring.jmx.enabled", "false").trim().toLowerCase(Locale.ROOT));
        return settings.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining("\n", "", "\n"));
    }

    private static boolean set(Environment environment, String key) {
        return !environment.getProperty(key, "").trim().isEmpty();
    }
}
