package dev.caravan;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

/** What counts as the user's own PostgreSQL or Redis setting in dev mode: anything but application.yml and dev's own. */
class DevServicesTest {

    @Test
    void environmentVariablesCommandLineAndSystemPropertiesAreExplicitApplicationYmlIsNot() {
        StandardEnvironment environment = new StandardEnvironment();
        environment.getPropertySources().remove(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME);
        environment.getPropertySources().remove(StandardEnvironment.SYSTEM_PROPERTIES_PROPERTY_SOURCE_NAME);
        environment.getPropertySources().addLast(new MapPropertySource("Config resource 'application.yml'",
                Map.of("spring.datasource.url", "jdbc:postgresql://127.0.0.1:5432/test")));
        assertThat(DevServices.explicit(environment, "spring.datasource.url", "PGHOST", "PGPORT")).isFalse();

        environment.getPropertySources().addFirst(new SystemEnvironmentPropertySource(
                StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, Map.of("SPRING_DATASOURCE_URL", "jdbc:postgresql://db/x")));
        assertThat(DevServices.explicit(environment, "spring.datasource.url")).as("relaxed form").isTrue();
        assertThat(DevServices.explicit(environment, "spring.data.redis.host", "REDIS_HOST")).isFalse();

        environment.getPropertySources().addFirst(new MapPropertySource("commandLineArgs", Map.of("spring.data.redis.port", "6499")));
        assertThat(DevServices.explicit(environment, "spring.data.redis.host", "spring.data.redis.port")).isTrue();
    }

    @Test
    void aBlankValueIsNotASetting() {
        StandardEnvironment environment = new StandardEnvironment();
        environment.getPropertySources().remove(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME);
        environment.getPropertySources().addFirst(new SystemEnvironmentPropertySource(
                StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, Map.of("PGHOST", "")));
        assertThat(DevServices.explicit(environment, "PGHOST", "PGPORT")).isFalse();
    }
}
