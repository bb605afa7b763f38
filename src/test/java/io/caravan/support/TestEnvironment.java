package io.caravan.support;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * Connection settings of the local PostgreSQL and Redis (environment variables, with the developer machine's
 * defaults), and a fresh schema per test so runs never collide.
 */
public final class TestEnvironment {

    public static final String ADMIN_TOKEN = "test-admin-token-7f3c9a1e5b";

    public static final String PG_HOST = env("PGHOST", "127.0.0.1");
    public static final String PG_PORT = env("PGPORT", "5432");
    public static final String PG_DATABASE = env("PGDATABASE", "test");
    public static final String PG_USER = env("PGUSER", "postgres");
    public static final String PG_PASSWORD = env("PGPASSWORD", "");
    public static final String REDIS_HOST = env("REDIS_HOST", "127.0.0.1");
    public static final int REDIS_PORT = Integer.parseInt(env("REDIS_PORT", "6379"));

    private TestEnvironment() {
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

    /** Properties that point a hub at the local services and the given schema, on a random port. */
    public static Map<String, Object> hubProperties(String schema) {
        Map<String, Object> properties = new LinkedHashMap<>();
        properties.put("caravan.db.schema", schema);
        properties.put("caravan.admin.token", ADMIN_TOKEN);
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
        return properties;
    }
}
