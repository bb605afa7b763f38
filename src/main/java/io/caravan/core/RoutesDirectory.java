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
 * Gives Camel the built-in YAML routes ({@code classpath:routes/*.yaml}) and checks the integration engineers' route
 * directory ({@code caravan.routes.dir}): a configured directory that does not exist stops startup, since a typo there
 * would otherwise silently drop routes. The directory's files are not given to Camel's routes-include-pattern or its
 * routes-reload: {@code io.caravan.routes.RouteFiles} loads them one file at a time, so a file's error or change
 * touches only that file's routes (docs/routes.md).
 */
public class RoutesDirectory implements EnvironmentPostProcessor {

    static final String BUILT_IN = "classpath:routes/*.yaml";

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        String dir = environment.getProperty("caravan.routes.dir", "");
        if (!dir.isBlank()) {
            Path path = Path.of(dir).toAbsolutePath().normalize();
            if (!Files.isDirectory(path)) {
                throw new IllegalStateException("caravan.routes.dir=" + dir + ": no such directory (" + path
                        + "). Create it or unset CARAVAN_ROUTES_DIR.");
            }
        }
        Map<String, Object> camel = new LinkedHashMap<>();
        camel.put("camel.main.routes-include-pattern", BUILT_IN);
        environment.getPropertySources().addFirst(new MapPropertySource("caravanRoutes", camel));
    }
}
