package io.caravan;

import io.caravan.core.ClassPreloader;
import io.caravan.core.ExtractedLaunch;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

@SpringBootApplication
@ConfigurationPropertiesScan
public class CaravanApplication {

    public static void main(String[] args) throws Throwable {
        // from the fat jar: start from its extracted copy instead, much faster to load classes from (docs/startup.md)
        if (ExtractedLaunch.relaunch(CaravanApplication.class, args)) {
            return;
        }
        // the start's classes loaded on the second core while this thread starts the hub (docs/startup.md)
        ClassPreloader.start(CaravanApplication.class.getClassLoader());
        SpringApplication.run(CaravanApplication.class, args);
    }
}
