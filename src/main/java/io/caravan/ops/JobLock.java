package io.caravan.ops;

import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A cluster-wide "this job is running" flag: a PostgreSQL session advisory lock held on a connection for the
 * whole run. Quartz's non-concurrent jobs already keep scheduled fires apart; this also covers runs an operator
 * starts by hand, and it vanishes by itself if the instance holding it dies.
 */
final class JobLock implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(JobLock.class);
    /** Namespace of Caravan's job locks among all advisory locks of the database. */
    static final int LOCK_CLASS = 0x0CA7A7;

    private final DataSource dataSource;
    private final Connection connection;
    private final String key;

    private JobLock(DataSource dataSource, Connection connection, String key) {
        this.dataSource = dataSource;
        this.connection = connection;
        this.key = key;
    }

    /** The lock, or null when another run holds it. The key includes the schema so test schemas never collide. */
    static JobLock tryAcquire(DataSource dataSource, String schema, String job) {
        String key = key(schema, job);
        Connection connection = null;
        try {
            connection = dataSource.getConnection();
            connection.setAutoCommit(true);
            try (PreparedStatement statement = connection.prepareStatement("SELECT pg_try_advisory_lock(?, hashtext(?))")) {
                statement.setInt(1, LOCK_CLASS);
                statement.setString(2, key);
                try (ResultSet rs = statement.executeQuery()) {
                    rs.next();
                    if (rs.getBoolean(1)) {
                        return new JobLock(dataSource, connection, key);
                    }
                }
            }
            connection.close();
            return null;
        } catch (SQLException e) {
            closeQuietly(connection);
            throw new IllegalStateException("Could not take the run lock of job '" + job + "': " + e.getMessage(), e);
        }
    }

    /** The lock's second key, before {@code hashtext}: {@link AbandonedRuns} looks for it in {@code pg_locks}. */
    static String key(String schema, String job) {
        return schema + "/" + job;
    }

    @Override
    public void close() {
        try (PreparedStatement statement = connection.prepareStatement("SELECT pg_advisory_unlock(?, hashtext(?))")) {
            statement.setInt(1, LOCK_CLASS);
            statement.setString(2, key);
            statement.execute();
            connection.close();
        } catch (SQLException e) {
            // A pooled connection must never go back still holding the lock.
            LOG.warn("Could not release run lock {}, discarding its connection: {}", key, e.getMessage());
            if (dataSource instanceof HikariDataSource hikari) {
                hikari.evictConnection(connection);
            }
            closeQuietly(connection);
        }
    }

    private static void closeQuietly(Connection connection) {
        if (connection == null) {
            return;
        }
        try {
            connection.close();
        } catch (SQLException ignored) {
            // nothing left to do with a broken connection
        }
    }
}
