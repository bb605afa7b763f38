package io.caravan.support;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Assumptions;

/**
 * Connection settings of the local PostgreSQL and Redis (environment variables, with the developer machine's
 * defaults), and a fresh schema per test so runs never collide. Where nothing answers at the default address and
 * PGHOST/PGPORT (REDIS_HOST/REDIS_PORT) are not set, or with {@code caravan.embedded=always}, this test JVM starts
 * one embedded PostgreSQL (one embedded Redis) and every test uses it, each in its own schema and key prefix.
 */
public final class TestEnvironment {

    public static final String ADMIN_TOKEN = "test-admin-token-7f3c9a1e5b";
    /** What tests scrape /actuator/prometheus with (caravan.metrics.scrape-token), as Prometheus does. */
    public static final String SCRAPE_TOKEN = "test-scrape-token-2b8e41d0c6";

    private static final EmbeddedServices.Mode MODE = EmbeddedServices.mode();
    private static final EmbeddedPostgres EMBEDDED_PG = embeddedPostgres();
    private static final EmbeddedServices.Redis EMBEDDED_REDIS = embeddedRedis();

    public static final String PG_HOST = EMBEDDED_PG != null ? "127.0.0.1" : env("PGHOST", "127.0.0.1");
    public static final String PG_PORT = EMBEDDED_PG != null ? String.valueOf(EMBEDDED_PG.getPort()) : env("PGPORT", "5432");
    public static final String PG_DATABASE = EMBEDDED_PG != null ? EmbeddedServices.DATABASE : env("PGDATABASE", "test");
    public static final String PG_USER = EMBEDDED_PG != null ? EmbeddedServices.USER : env("PGUSER", "postgres");
    public static final String PG_PASSWORD = EMBEDDED_PG != null ? "" : env("PGPASSWORD", "");
    public static final String REDIS_HOST = EMBEDDED_REDIS != null ? "127.0.0.1" : env("REDIS_HOST", "127.0.0.1");
    public static final int REDIS_PORT = EMBEDDED_REDIS != null ? EMBEDDED_REDIS.port()
            : Integer.parseInt(env("REDIS_PORT", "6379"));

    private TestEnvironment() {
    }

    private static EmbeddedPostgres embeddedPostgres() {
        String host = env("PGHOST", "127.0.0.1");
        int port = Integer.parseInt(env("PGPORT", "5432"));
        boolean explicit = isSet("PGHOST") || isSet("PGPORT");
        if (!EmbeddedServices.useEmbedded(MODE, explicit, () -> EmbeddedServices.answers(host, port))) {
            return null;
        }
        EmbeddedPostgres postgres = EmbeddedServices.startPostgres(null); // stopped by its own shutdown hook
        System.out.printf("Tests use an embedded PostgreSQL %s on 127.0.0.1:%d (%s)%n", EmbeddedServices.version(postgres),
                postgres.getPort(), EmbeddedServices.reason(MODE, host + ":" + port));
        return postgres;
    }

    private static EmbeddedServices.Redis embeddedRedis() {
        String host = env("REDIS_HOST", "127.0.0.1");
        int port = Integer.parseInt(env("REDIS_PORT", "6379"));
        boolean explicit = isSet("REDIS_HOST") || isSet("REDIS_PORT");
        if (!EmbeddedServices.useEmbedded(MODE, explicit, () -> EmbeddedServices.answers(host, port))) {
            return null;
        }
        EmbeddedServices.Redis redis = EmbeddedServices.startRedis(true);
        System.out.printf("Tests use an embedded Redis on 127.0.0.1:%d (%s)%n", redis.port(),
                EmbeddedServices.reason(MODE, host + ":" + port));
        return redis;
    }

    /** Whether this JVM's tests run on an embedded PostgreSQL. */
    public static boolean usesEmbeddedPostgres() {
        return EMBEDDED_PG != null;
    }

    /**
     * Skips the calling test, naming the package to install, unless PostGIS can be created in the test database
     * (it then exists in schema public).
     */
    public static void assumePostgis() {
        String why = postgisMissing();
        Assumptions.assumeTrue(why == null, () -> "PostGIS cannot be created in " + PG_HOST + ":" + PG_PORT + "/" + PG_DATABASE
                + " (" + why + "); install Debian's postgresql-<version>-postgis-3 package for that PostgreSQL"
                + (usesEmbeddedPostgres() ? " (the embedded PostgreSQL has no PostGIS: run the tests against one that has)" : ""));
    }

    /** Null when PostGIS is there or could be created, else the first line of PostgreSQL's answer. */
    public static synchronized String postgisMissing() {
        try (Connection connection = connect("public"); Statement statement = connection.createStatement()) {
            statement.execute("CREATE EXTENSION IF NOT EXISTS postgis SCHEMA public");
            return null;
        } catch (SQLException e) {
            return String.valueOf(e.getMessage()).lines().findFirst().orElse("");
        }
    }

    private static boolean isSet(String name) {
        String value = System.getenv(name);
        return value != null && !value.isBlank();
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }

    /** A new, unused schema name such as {@code t_3f2a9c0d1b}. */
    public static String newSchema() {
        return "t_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12).toLowerCase(Locale.ROOT);
    }

    public static String jdbcUrl(String schema) {
        return "jdbc:postgresql://" + PG_HOST + ":" + PG_PORT + "/" + PG_DATABASE + "?currentSchema=" + schema;
    }

    public static Connection connect(String schema) throws SQLException {
        return DriverManager.getConnection(jdbcUrl(schema), PG_USER, PG_PASSWORD);
    }

    public static void dropSchema(String schema) {
        try (Connection connection = connect("public"); Statement statement = connection.createStatement()) {
            statement.execute("DROP SCHEMA IF EXISTS \"" + schema + "\" CASCADE");
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** For shutdown hooks: an embedded PostgreSQL may already be gone with all its schemas. */
    public static void dropSchemaQuietly(String schema) {
        try {
            dropSchema(schema);
        } catch (IllegalStateException e) {
            if (!usesEmbeddedPostgres()) {
                throw e;
            }
        }
    }

    /** Properties that point a hub at the local services and the given schema, on a random port. */
    public static Map<String, Object> hubProperties(String schema) {
        Map<String, Object> properties = new LinkedHashMap<>();
        properties.put("caravan.db.schema", schema);
        properties.put("caravan.admin.token", ADMIN_TOKEN);
        properties.put("caravan.metrics.scrape-token", SCRAPE_TOKEN);
        properties.put("caravan.instance-name", "test-" + schema);
        properties.put("spring.datasource.url", jdbcUrl(schema));
        properties.put("spring.datasource.username", PG_USER);
        properties.put("spring.datasource.password", PG_PASSWORD);
        properties.put("spring.datasource.hikari.minimum-idle", "1");
        properties.put("spring.data.redis.host", REDIS_HOST);
        properties.put("spring.data.redis.port", String.valueOf(REDIS_PORT));
        properties.put("server.port", "0");
        // Events that reach the shared Redis only ever touch this test's own keys.
        properties.put("caravan.amazon.invalidate.keys[0]", schema + ":products:{asin}");
        properties.put("caravan.amazon.invalidate.patterns[0]", schema + ":deals:*");
        properties.put("caravan.amazon.invalidate.tags[0]", schema + ":deals");
        properties.put("management.server.port", "");
        // The scheduler's name is the cluster's key in the qrtz_ tables and names Quartz's threads: each schema's hubs
        // get one of their own (hubs of one schema share it, as a cluster does). Each hub's connections reach Quartz
        // under a name of the hub's own (io.caravan.ops.QuartzJobStore), so hubs of one JVM never share a pool.
        properties.put("spring.quartz.scheduler-name", "caravan-" + schema);
        // The tests start price runs back to back and count what they check: a day's budget spread over the day would
        // make a run's size depend on the time of day. PriceRunBudgetTest covers the spread.
        properties.put("caravan.amazon.checks.spread-day-budget", "false");
        return properties;
    }
}
