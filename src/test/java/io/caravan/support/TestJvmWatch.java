package io.caravan.support;

import java.io.IOException;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Started in a {@link HubProcess} through {@code context.initializer.classes}: a watch on standard input, which the
 * test JVM holds open for as long as it lives. When it ends — however it ends, a surefire timeout's kill included —
 * the pipe closes and the hub goes with it, so no orphaned hub keeps sending on a shared machine. An initializer, not
 * a main class: the only main on the test class path is dev mode's ({@code ./mvnw spring-boot:test-run} finds it by
 * searching, see {@code MainClassesTest}).
 */
public final class TestJvmWatch implements ApplicationContextInitializer<ConfigurableApplicationContext> {

    @Override
    public void initialize(ConfigurableApplicationContext context) {
        if (context.getParent() != null) {
            return;
        }
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
