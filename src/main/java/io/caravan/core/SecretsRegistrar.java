package io.caravan.core;

import java.util.Locale;
import java.util.regex.Pattern;
import org.springframework.boot.context.event.ApplicationEnvironmentPreparedEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.EnumerablePropertySource;

/**
 * Registers every configured secret with {@link Secrets} as soon as the environment is known, before the first
 * log line that could carry one. Listed in META-INF/spring.factories.
 */
public class SecretsRegistrar implements ApplicationListener<ApplicationEnvironmentPreparedEvent> {

    private static final Pattern SECRET_KEY = Pattern.compile(
            ".*(token|password|secret|api-?key|apikey|credentials|webhook-url)$");

    @Override
    public void onApplicationEvent(ApplicationEnvironmentPreparedEvent event) {
        registerFrom(event.getEnvironment());
    }

    public static void registerFrom(ConfigurableEnvironment environment) {
        for (var source : environment.getPropertySources()) {
            if (!(source instanceof EnumerablePropertySource<?> enumerable)) {
                continue;
            }
            for (String name : enumerable.getPropertyNames()) {
                String normalised = name.toLowerCase(Locale.ROOT).replace('_', '-');
                if (!SECRET_KEY.matcher(normalised).matches()) {
                    continue;
                }
                try {
                    Secrets.register(environment.getProperty(name));
                } catch (RuntimeException unresolvable) {
                    // A placeholder that cannot resolve yet holds no secret we could mask.
                }
            }
        }
    }
}
