package io.caravan.core;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.env.EnvironmentPostProcessor;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.io.Resource;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;

/**
 * Gives Camel the built-in YAML routes ({@code classpath:routes/*.yaml}) and checks the integration engineers' route
 * directory ({@code caravan.routes.dir}): a configured directory that does not exist stops startup, since a typo there
 * would otherwise silently drop routes. The directory's files are not given to Camel's routes-include-pattern or its
 * routes-reload: {@code io.caravan.routes.RouteFiles} loads them one file at a time, so a file's error or change
 * touches only that file's routes (docs/routes.md).
 *
 * <p>Camel is given the built-in files by name, not the pattern: for a pattern, Camel's resolver reads through the
 * whole jar it finds {@code routes/} in with a {@code JarInputStream}, inflating every entry to reach the next (about
 * 70 ms of a start's main thread on the 2-core machine, docs/startup.md), where Spring's resolver reads only the jar's
 * directory.
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
        camel.put("camel.main.routes-include-pattern", builtInFiles(application.getClassLoader()));
        environment.getPropertySources().addFirst(new MapPropertySource("caravanRoutes", camel));
    }

    /** The built-in route files as Camel locations ({@code classpath:routes/a.yaml,...}), sorted by name. */
    static String builtInFiles(ClassLoader loader) {
        try {
            Resource[] found = new PathMatchingResourcePatternResolver(loader).getResources("classpath*:routes/*.yaml");
            String files = Arrays.stream(found)
                    .map(Resource::getFilename)
                    .filter(Objects::nonNull)
                    .distinct()
                    .sorted()
                    .map(name -> "classpath:routes/" + name)
                    .collect(Collectors.joining(","));
            return files.isEmpty() ? BUILT_IN : files;
        } catch (IOException e) {
            throw new UncheckedIOException("Could not list the built-in routes (" + BUILT_IN + ")", e);
        }
    }
}
