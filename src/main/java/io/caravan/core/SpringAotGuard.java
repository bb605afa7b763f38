package io.caravan.core;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.apache.commons.logging.Log;
import org.springframework.aot.AotDetector;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.env.EnvironmentPostProcessor;
import org.springframework.boot.logging.DeferredLogFactory;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;

/**
 * With {@code -Dspring.aot.enabled=true} (the container, docs/startup.md): checks that this jar's build-time bean
 * definitions were made for this hub's settings ({@link SpringAotSettings}) and, when they were not (another flow
 * set, a profile, a management port) or the jar has none, starts the hub without them, as a plain start, and says
 * why. Runs once the configuration files are read and before the application context exists, which is when Spring
 * Boot decides between the generated definitions and the configuration classes.
 */
public class SpringAotGuard implements EnvironmentPostProcessor, Ordered {

    static final String ENABLED = "spring.aot.enabled";

    private final Log log;

    public SpringAotGuard(DeferredLogFactory logs) {
        this.log = logs.getLog(SpringAotGuard.class);
    }

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        if (!AotDetector.useGeneratedArtifacts() || System.getProperty("spring.aot.processing") != null) {
            return;
        }
        String reason = mismatch(recorded(application.getClassLoader()), SpringAotSettings.of(environment));
        if (reason != null) {
            System.setProperty(ENABLED, "false");
            log.warn("Spring AOT off for this start (" + reason + "): starting from the configuration classes. Build the "
                    + "jar for these settings (docs/startup.md) or set CARAVAN_SPRING_AOT=off.");
        }
    }

    /** Why the build-time settings do not fit this hub's, or null when they do. */
    static String mismatch(String recorded, String current) {
        if (recorded == null) {
            return "this jar was built without it (./mvnw -Paot package)";
        }
        String built = recorded.lines().filter(line -> !line.startsWith("#")).reduce("", (a, b) -> a + b + "\n");
        if (built.equals(current)) {
            return null;
        }
        StringBuilder differences = new StringBuilder();
        var now = current.lines().toList();
        for (String line : built.lines().toList()) {
            String key = line.substring(0, line.indexOf('=') + 1);
            String mine = now.stream().filter(l -> l.startsWith(key)).findFirst().orElse(key + "?");
            if (!mine.equals(line)) {
                differences.append(differences.isEmpty() ? "" : ", ").append("built for ").append(line).append(", this hub ")
                        .append(mine.substring(key.length()));
            }
        }
        return differences.isEmpty() ? "its settings differ" : differences.toString();
    }

    private static String recorded(ClassLoader loader) {
        ClassLoader classes = loader != null ? loader : SpringAotGuard.class.getClassLoader();
        try (InputStream in = classes.getResourceAsStream(SpringAotSettings.RESOURCE)) {
            return in == null ? null : new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return null;
        }
    }

    @Override
    public int getOrder() {
        // After the configuration files (ConfigDataEnvironmentPostProcessor) and the profiles they activate.
        return Ordered.LOWEST_PRECEDENCE;
    }
}
