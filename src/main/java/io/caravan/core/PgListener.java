package io.caravan.core;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import javax.sql.DataSource;
import org.postgresql.PGConnection;
import org.slf4j.Logger;

/**
 * Holds a connection LISTENing on a PostgreSQL channel for a background worker (the outbox dispatcher, the Telegram
 * sender) and gets it back when it breaks: a database restart must not leave a worker deaf until the hub restarts.
 */
public final class PgListener {

    private static final Duration FIRST_RETRY = Duration.ofSeconds(1);
    private static final Duration LONGEST_RETRY = Duration.ofSeconds(30);

    /** What the worker does while it listens: typically work, then {@code pg.getNotifications(timeout)}, until stopped. */
    @FunctionalInterface
    public interface Session {
        void run(PGConnection pg) throws SQLException;
    }

    private PgListener() {
    }

    /**
     * Runs {@code session} on a connection that LISTENs on {@code channel}, again on a new connection after a failure
     * (waiting 1 s, doubling up to 30 s), until {@code running} turns false.
     *
     * @param who names the worker in the warning logged on a lost connection
     */
    public static void listen(DataSource dataSource, String channel, BooleanSupplier running, Logger log, String who,
                              Session session) {
        Duration retry = FIRST_RETRY;
        while (running.getAsBoolean()) {
            try (Connection connection = dataSource.getConnection()) {
                connection.setAutoCommit(true);
                try (Statement statement = connection.createStatement()) {
                    statement.execute("LISTEN \"" + channel.replace("\"", "\"\"") + "\"");
                }
                retry = FIRST_RETRY;
                session.run(connection.unwrap(PGConnection.class));
            } catch (SQLException | RuntimeException e) {
                if (!running.getAsBoolean()) {
                    return;
                }
                log.warn("{} lost its connection ({}); retrying in {}", who, Secrets.describe(e), retry);
                try {
                    Thread.sleep(retry.toMillis());
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    return;
                }
                retry = retry.multipliedBy(2).compareTo(LONGEST_RETRY) > 0 ? LONGEST_RETRY : retry.multipliedBy(2);
            }
        }
    }
}
