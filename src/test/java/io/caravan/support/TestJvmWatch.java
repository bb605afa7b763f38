package io.caravan.support;

import java.io.IOException;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Added to every {@link HubProcess} ({@code --context.initializer.classes}): a watch on standard input, which the
 * test JVM holds open for as long as it lives. When it ends — however it ends, a surefire timeout's kill included —
 * the pipe closes and the hub goes with it, so no orphaned hub keeps sending on a shared machine. An initializer
 * rather than a main class of its own: the test classes keep {@code dev.caravan.DevCaravan} as their only main class,
 * which {@code ./mvnw spring-boot:test-run} needs.
 */
public final class TestJvmWatch implements ApplicationContextInitializer<ConfigurableApplicationContext> {

    @Override
    public void initialize(ConfigurableApplicationContext context) {
        Thread watch = new Thread(() -> {
            try {
                while (System.in.read() >= 0) {
                    // nothing is ever sent; read until the test JVM is gone
                }
            } catch (IOException gone) {
                // the same: the pipe broke
            }
            Runtime.getRuntime().halt(3);
        }, "test-jvm-watch");
        watch.setDaemon(true);
        watch.start();
    }
}
