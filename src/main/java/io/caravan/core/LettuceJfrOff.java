package io.caravan.core;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.env.EnvironmentPostProcessor;
import org.springframework.core.env.ConfigurableEnvironment;

/**
 * Turns off Lettuce's Java Flight Recorder events (it records one per Redis command and connection event whenever
 * the JDK has JFR): at start-up they load about 120 JFR classes and register their event types for a recording
 * nobody runs (docs/startup.md). Runs before any Redis bean exists, as Lettuce reads the system property once; an
 * explicit {@code -Dio.lettuce.core.jfr=true} keeps them on.
 */
public class LettuceJfrOff implements EnvironmentPostProcessor {

    static final String PROPERTY = "io.lettuce.core.jfr";

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        if (System.getProperty(PROPERTY) == null) {
            System.setProperty(PROPERTY, "false");
        }
    }
}
