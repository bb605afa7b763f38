package io.caravan.core;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;

/**
 * The {@code db} health check: PostgreSQL answers within {@link #PROBE_WAIT} on a connection of its own, or the check
 * says DOWN. Spring Boot's own check borrows from the jobs' pool and, with the database gone, waits the pool's
 * 30 s connection timeout, so a probe got no answer for the whole outage; the pool itself keeps its settings (a job
 * may well wait for a database that comes back). The check is a {@link BoundedCheck}: a probe waits for it at most
 * {@link #PROBE_WAIT}, whatever the network does; with the datasets check (at most 1 s) readiness answers within 2.5 s.
 */
public class DatabaseHealth implements HealthIndicator, AutoCloseable {

    /** Connect, log in, read: each at most this long on the check's connection. */
    static final Duration TIMEOUT = Duration.ofSeconds(2);
    /** A validation query on an open connection answers within this or the connection is dropped. */
    static final int VALIDATION_SECONDS = 1;
    static final Duration PROBE_WAIT = Duration.ofMillis(1500);

    private final String url;
    private final Properties properties = new Properties();
    private final BoundedCheck<Health> checks = new BoundedCheck<>("caravan-db-health", this::check);
    /** Used by the check thread only. */
    private Connection connection;

    public DatabaseHealth(String url, String username, String password) {
        this.url = url;
        if (username != null) {
            properties.setProperty("user", username);
        }
        if (password != null) {
            properties.setProperty("password", password);
        }
        String seconds = String.valueOf(TIMEOUT.toSeconds());
        properties.setProperty("connectTimeout", seconds);
        properties.setProperty("loginTimeout", seconds);
        properties.setProperty("socketTimeout", seconds);
        properties.setProperty("ApplicationName", "caravan-health");
    }

    @Override
    public Health health() {
        try {
            return checks.await(PROBE_WAIT);
        } catch (TimeoutException e) {
            return Health.down().withDetail("error", "PostgreSQL did not answer within " + PROBE_WAIT.toMillis() + " ms").build();
        } catch (ExecutionException e) {
            return Health.down().withDetail("error", Secrets.describe(e.getCause())).build();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Health.unknown().build();
        }
    }

    private Health check() {
        try {
            if (connection == null) {
                connection = DriverManager.getConnection(url, properties);
            }
            if (connection.isValid(VALIDATION_SECONDS)) {
                return Health.up().withDetail("database", "PostgreSQL").build();
            }
            closeConnection();
            return Health.down().withDetail("error", "PostgreSQL did not answer within " + VALIDATION_SECONDS + " s").build();
        } catch (SQLException | RuntimeException e) {
            closeConnection();
            return Health.down().withDetail("error", Secrets.describe(e)).build();
        }
    }

    private void closeConnection() {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException ignored) {
                // a broken connection has nothing left to close
            }
            connection = null;
        }
    }

    @Override
    public void close() {
        checks.close(this::closeConnection);
    }
}
