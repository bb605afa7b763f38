package io.caravan.core;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.env.EnvironmentPostProcessor;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Adds the integration engineers' route directory ({@code caravan.routes.dir}) to the YAML routes Camel loads, and
 * watches it for changes when {@code caravan.routes.reload=true}. A configured directory that does not exist stops
 * startup: a typo there would otherwise silently drop routes.
 */
public class RoutesDirectory implements EnvironmentPostProcessor {

    static final String BUILT_IN = "classpath:routes/*.yaml";

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        String dir = environment.getProperty("caravan.routes.dir", "");
        Map<String, Object> camel = new LinkedHashMap<>();
        if (dir.isBlank()) {
            camel.put("camel.main.routes-include-pattern", BUILT_IN);
        } else {
            Path path = Path.of(dir).toAbsolutePath().normalize();
            if (!Files.isDirectory(path)) {
                throw new IllegalStateException("caravan.routes.dir=" + dir + ": no such directory (" + path
                        + "). Create it or unset CARAVAN_ROUTES_DIR.");
            }
            camel.put("camel.main.routes-include-pattern", BUILT_IN + ",file:" + path + "/*.yaml");
            if (environment.getProperty("caravan.routes.reload", Boolean.class, false)) {
                camel.put("camel.main.routes-reload-enabled", true);
                camel.put("camel.main.routes-reload-directory", path.toString());
                camel.put("camel.main.routes-reload-pattern", "*.yaml");
            }
        }
        environment.getPropertySources().addFirst(new MapPropertySource("caravanRoutes", camel));
    }
}
