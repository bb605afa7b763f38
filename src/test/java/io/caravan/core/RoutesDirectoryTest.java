package io.caravan.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class RoutesDirectoryTest {

    @Test
    void camelIsGivenEveryBuiltInRouteFileByName() throws IOException {
        List<String> expected;
        try (Stream<Path> files = Files.list(Path.of("src/main/resources/routes"))) {
            expected = files.map(f -> f.getFileName().toString())
                    .filter(name -> name.endsWith(".yaml"))
                    .sorted()
                    .map(name -> "classpath:routes/" + name)
                    .toList();
        }

        String pattern = RoutesDirectory.builtInFiles(getClass().getClassLoader());

        assertThat(expected).hasSizeGreaterThan(10);
        assertThat(List.of(pattern.split(","))).containsExactlyElementsOf(expected);
    }
}
