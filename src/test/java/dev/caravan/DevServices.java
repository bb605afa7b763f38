package dev.caravan;

import io.caravan.support.EmbeddedServices;
import io.caravan.support.EmbeddedServices.Mode;
import io.caravan.support.EmbeddedServices.PgAddress;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.support.DefaultListableBeanFactory;
import org.springframework.boot.logging.LogLevel;
import org.springframework.boot.logging.LoggingSystem;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.PropertySource;

/**
 * Dev mode's PostgreSQL and Redis. With {@code caravan.embedded=auto} (the default) a service the user configured
 * (PostgreSQL: {@code spring.datasource.url}/{@code SPRING_DATASOURCE_URL}, {@code PGHOST} or {@code PGPORT}; Redis:
 * {@code spring.data.redis.host|port|url}, {@code REDIS_HOST} or {@code REDIS_PORT}, on the command line, as a system
 * property, in the environment or in SPRING_APPLICATION_JSON) or one answering at the default address is used as
 * it is; otherwise an embedded one is started, said in one log line, and stopped when the hub stops, after every
 * other bean. {@code always} starts both embedded ones; {@code never} none. The embedded PostgreSQL keeps its data in
 * {@code caravan.embedded.data-dir} (default {@code target/caravan-dev/postgres}), so the next run continues.
 */
final class DevServices {

    static final String DEFAULT_DATA_DIR = "target/caravan-dev/postgres";
    private static final Set<String> USER_SOURCES = Set.of("commandLineArgs", "systemProperties", "systemEnvironment",
            "spring.application.json");
    private static final Logger log = LoggerFactory.getLogger(DevServices.class);

    private DevServices() {
    }

    /** Decides, starts what is needed, and adds the geometry column where PostGIS can be had. */
    static void prepare(ConfigurableApplicationContext context, Map<String, Object> dev) {
        ConfigurableEnvironment environment = context.getEnvironment();
        // One line of ours per embedded service is enough; zonky's own steps stay at DEBUG.
        LoggingSystem.get(DevServices.class.getClassLoader()).setLogLevel("io.zonky", LogLevel.WARN);
        Mode mode = Mode.parse(environment.getProperty("caravan.embedded"), "caravan.embedded");
        Map<String, Object> embedded = new LinkedHashMap<>();
        List<AutoCloseable> started = new ArrayList<>();
        // Stopped last: registered before any other bean, destroyed after all of them (and if the start fails).
        ((DefaultListableBeanFactory) context.getBeanFactory()).registerDisposableBean("caravanEmbeddedServices",
                () -> stop(started));

        PgAddress postgres = PgAddress.of(environment.getRequiredProperty("spring.datasource.url"));
        String user = environment.getProperty("spring.datasource.username");
        String password = environment.getProperty("spring.datasource.password");
        boolean pgExplicit = explicit(environment, "spring.datasource.url", "PGHOST", "PGPORT");
        if (EmbeddedServices.useEmbedded(mode, pgExplicit, () -> EmbeddedServices.answers(postgres.host(), postgres.port()))) {
            Path data = Path.of(environment.getProperty("caravan.embedded.data-dir", DEFAULT_DATA_DIR));
            EmbeddedPostgres pg = EmbeddedServices.startPostgres(data, false);
            started.add(pg);
            PgAddress address = EmbeddedServices.address(pg);
            log.info("dev mode: embedded PostgreSQL {} on {} ({}); its data stays in {} for the next run (stop the hub and"
                    + " delete that folder, or ./mvnw clean, to start over)", EmbeddedServices.version(pg), address,
                    EmbeddedServices.reason(mode, postgres), data);
            embedded.put("spring.datasource.url", address.url() + "?currentSchema=${caravan.db.schema}&ApplicationName=caravan");
            embedded.put("spring.datasource.username", user = EmbeddedServices.USER);
            embedded.put("spring.datasource.password", password = "");
            pgUrl(dev, address.url(), user, password);
        } else {
            pgUrl(dev, postgres.url(), user, password);
        }

        String redisHost = environment.getProperty("spring.data.redis.host", "127.0.0.1");
        int redisPort = environment.getProperty("spring.data.redis.port", Integer.class, 6379);
        boolean redisExplicit = explicit(environment, "spring.data.redis.host", "spring.data.redis.port",
                "spring.data.redis.url", "REDIS_HOST", "REDIS_PORT");
        if (EmbeddedServices.useEmbedded(mode, redisExplicit, () -> EmbeddedServices.answers(redisHost, redisPort))) {
            EmbeddedServices.Redis redis = EmbeddedServices.startRedis(false);
            started.add(redis);
            int port = redis.port();
            log.info("dev mode: embedded Redis on 127.0.0.1:{} ({}); it keeps nothing between runs", port,
                    EmbeddedServices.reason(mode, redisHost + ":" + redisPort));
            embedded.put("spring.data.redis.host", "127.0.0.1");
            embedded.put("spring.data.redis.port", String.valueOf(port));
        }
        if (!embedded.isEmpty()) {
            environment.getPropertySources().addFirst(new MapPropertySource("caravanEmbedded", embedded));
        }
    }

    private static void pgUrl(Map<String, Object> dev, String url, String user, String password) {
        if (DevCaravan.postgisReady(url, user, password)) {
            dev.put("caravan.metabase.cards[2].geometry[0]", "polygon");
        }
    }

    /** Whether the user gave one of these names (Spring's relaxed form in the environment counts) anywhere but application.yml. */
    static boolean explicit(ConfigurableEnvironment environment, String... names) {
        for (PropertySource<?> source : environment.getPropertySources()) {
            if (USER_SOURCES.contains(source.getName())) {
                for (String name : names) {
                    Object value = source.getProperty(name);
                    if (value != null && !value.toString().isBlank()) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    private static void stop(List<AutoCloseable> started) {
        for (int i = started.size() - 1; i >= 0; i--) {
            try {
                started.get(i).close();
            } catch (Exception e) {
                log.warn("dev mode: stopping an embedded service failed: {}", e.toString());
            }
        }
    }
}
