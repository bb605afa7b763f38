package io.caravan;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * {@code ./mvnw spring-boot:run} and {@code ./mvnw spring-boot:test-run} find their main class by searching
 * {@code target/classes} and {@code target/test-classes} respectively, and fail on a second candidate ("Unable to find
 * a single main class"). A helper's {@code main} on the test class path once broke the README's first command; this
 * keeps each search to one class.
 */
class MainClassesTest {

    @Test
    void theHubIsTheOnlyMainAndDevModeTheOnlyTestMain() throws IOException {
        assertThat(mainClasses(Path.of("target", "classes"))).as("main classes in src/main/java")
                .containsExactly("io.caravan.CaravanApplication");
        assertThat(mainClasses(Path.of("target", "test-classes")))
                .as("main classes in src/test/java (spring-boot:test-run needs exactly one: start a helper JVM through "
                        + "context.initializer.classes instead, as HubProcess does)")
                .containsExactly("dev.caravan.DevCaravan");
    }

    private static List<String> mainClasses(Path root) throws IOException {
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(f -> f.toString().endsWith(".class") && !f.getFileName().toString().contains("$"))
                    .map(f -> root.relativize(f).toString().replace(".class", "").replace(f.getFileSystem().getSeparator(), "."))
                    .filter(MainClassesTest::hasMain).sorted().toList();
        }
    }

    private static boolean hasMain(String name) {
        try {
            Method main = Class.forName(name, false, MainClassesTest.class.getClassLoader()).getDeclaredMethod("main", String[].class);
            return Modifier.isStatic(main.getModifiers()) && Modifier.isPublic(main.getModifiers());
        } catch (NoSuchMethodException | ClassNotFoundException | LinkageError e) {
            return false;
        }
    }
}
