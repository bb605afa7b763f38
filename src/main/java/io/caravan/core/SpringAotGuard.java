package io.caravan.core;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Supplier;
import org.apache.commons.logging.Log;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.env.EnvironmentPostProcessor;
import org.springframework.boot.logging.DeferredLogFactory;
import org.springframework.core.NativeDetector;
import org.springframework.core.Ordered;
import org.springframework.core.SpringProperties;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.util.ClassUtils;

/**
 * Decides whether this start uses Spring AOT's build-time bean definitions ({@code ./mvnw -Paot package},
 * docs/startup.md). A jar built with them uses them when its settings ({@link SpringAotSettings}: flows, profiles,
 * management port, JMX) are the ones they were made for; otherwise, or when the jar has none, the hub starts from the
 * configuration classes, as without -Paot, and says why. {@code -Dspring.aot.enabled=false} opts out;
 * {@code =true} asks for them (the container's start.sh) and gets the same check. Runs once the configuration files
 * are read and before the application context exists, which is when Spring Boot reads the flag.
 */
public class SpringAotGuard implements EnvironmentPostProcessor, Ordered {

    static final String ENABLED = "spring.aot.enabled";

    private final Log log;

    public SpringAotGuard(DeferredLogFactory logs) {
        this.log = logs.getLog(SpringAotGuard.class);
    }

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        String flag = SpringProperties.getProperty(ENABLED);
        if ("false".equalsIgnoreCase(flag) || NativeDetector.inNativeImage()
                || System.getProperty("spring.aot.processing") != null) {
            return;
        }
        String recorded = recorded(application.getClassLoader());
        Class<?> main = application.getMainApplicationClass();
        boolean generated = main != null
                && ClassUtils.isPresent(main.getName() + "__ApplicationContextInitializer", application.getClassLoader());
        Decision decision = decide(Boolean.parseBoolean(flag), recorded, generated ? null : main == null ? "?" : main.getName(),
                () -> SpringAotSettings.of(environment));
        if (decision == null) {
            return;
        }
        SpringProperties.setProperty(ENABLED, String.valueOf(decision.on()));
        if (decision.warning() != null) {
            log.warn("Spring AOT off for this start (" + decision.warning() + "): starting from the configuration classes. "
                    + "Build the jar for these settings (docs/startup.md) or set -Dspring.aot.enabled=false.");
        }
    }

    /** Spring AOT on or off for this start, and why it is off when that needs saying. */
    record Decision(boolean on, String warning) {
    }

    /**
     * What a start not opted out does: {@code asked} with {@code -Dspring.aot.enabled=true}; {@code recorded} the
     * jar's build-time settings (null: built without -Paot); {@code noDefinitionsFor} the entry point without generated
     * definitions (dev mode's DevCaravan), else null. Null: nothing to change, the start goes on as it would.
     */
    static Decision decide(boolean asked, String recorded, String noDefinitionsFor, Supplier<String> settings) {
        if (recorded == null && !asked) {
            return null; // a jar built without -Paot, started as always
        }
        if (noDefinitionsFor != null) {
            // Silently off for another entry point, unless the definitions were asked for.
            return new Decision(false, asked ? "no definitions for " + noDefinitionsFor : null);
        }
        String reason = mismatch(recorded, settings.get());
        return new Decision(reason == null, reason);
    }

    /** Why the build-time settings do not fit this hub's, or null when they do. */
    static String mismatch(String recorded, String current) {
        if (recorded == null) {
            return "this jar was built without it (./mvnw -Paot package)";
        }
        List<String> built = recorded.lines().filter(line -> !line.startsWith("#") && !line.isBlank()).toList();
        List<String> now = current.lines().toList();
        if (built.equals(now)) {
            return null;
        }
        StringBuilder differences = new StringBuilder();
        for (String line : built) {
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
