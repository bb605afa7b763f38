package io.caravan.support;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import redis.embedded.core.ExecutableProvider;

/**
 * PostgreSQL and Redis for dev mode and the tests on a machine that has neither: zonky's embedded PostgreSQL (its
 * binaries come from Maven) and codemonstur's embedded Redis (redis-server binaries inside the jar). Test classpath
 * only. {@code caravan.embedded} (system property, or environment {@code CARAVAN_EMBEDDED}) decides: {@code auto}
 * (default) uses them only where nothing answers at the configured address and the user set no address
 * explicitly; {@code always} uses them whatever is running; {@code never} never does.
 *
 * <p>PostgreSQL refuses to run as root. As root, zonky runs {@code initdb}, {@code pg_ctl} and so the server under
 * {@code unshare -U} (a user namespace, where the process is not root but still owns root's files, so a data folder
 * under a root-only home works); where user namespaces are not allowed the start fails saying so.
 */
public final class EmbeddedServices {

    public static final String DATABASE = "test";
    public static final String USER = "postgres";
    private static final Pattern JDBC = Pattern.compile("jdbc:postgresql://\\[?([^/:?\\]]+)\\]?(?::(\\d+))?/([^?]*).*");

    public enum Mode {
        AUTO, ALWAYS, NEVER;

        /** {@code null} or blank is auto; anything but auto, always or never is an error naming the setting. */
        public static Mode parse(String value, String setting) {
            if (value == null || value.isBlank()) {
                return AUTO;
            }
            try {
                return valueOf(value.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(setting + "=" + value + ": expected auto, always or never");
            }
        }
    }

    /** Where a PostgreSQL is, as a JDBC URL names it. */
    public record PgAddress(String host, int port, String database) {

        public static PgAddress of(String jdbcUrl) {
            Matcher m = JDBC.matcher(jdbcUrl);
            if (!m.matches()) {
                throw new IllegalArgumentException("not a jdbc:postgresql://host[:port]/database URL: " + jdbcUrl);
            }
            return new PgAddress(m.group(1), m.group(2) == null ? 5432 : Integer.parseInt(m.group(2)), m.group(3));
        }

        public String url() {
            return "jdbc:postgresql://" + host + ":" + port + "/" + database;
        }

        @Override
        public String toString() {
            return host + ":" + port;
        }
    }

    private EmbeddedServices() {
    }

    /** The mode of this JVM: system property {@code caravan.embedded}, else environment {@code CARAVAN_EMBEDDED}. */
    public static Mode mode() {
        String property = System.getProperty("caravan.embedded");
        if (property != null && !property.isBlank()) {
            return Mode.parse(property, "caravan.embedded");
        }
        return Mode.parse(System.getenv("CARAVAN_EMBEDDED"), "CARAVAN_EMBEDDED");
    }

    /** Whether to start an embedded service: asks whether something answers only when it matters. */
    public static boolean useEmbedded(Mode mode, boolean explicit, BooleanSupplier answers) {
        return switch (mode) {
            case ALWAYS -> true;
            case NEVER -> false;
            case AUTO -> !explicit && !answers.getAsBoolean();
        };
    }

    /** Whether something accepts a TCP connection at host:port within half a second. */
    public static boolean answers(String host, int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Why the embedded service is used, for the one log line that says so. */
    public static String reason(Mode mode, Object configured) {
        return mode == Mode.ALWAYS ? "caravan.embedded=always" : "nothing answered at " + configured;
    }

    /**
     * Starts an embedded PostgreSQL with database {@value #DATABASE} (user {@value #USER}, no password). With a data
     * folder the data stays there for the next start (a server a killed run left behind is stopped first); without
     * one it lives in a temporary folder removed when it stops.
     */
    public static EmbeddedPostgres startPostgres(Path dataDirectory) {
        return startPostgres(dataDirectory, true);
    }

    /** As {@link #startPostgres(Path)}; without {@code stopAtExit} the caller stops it (dev mode: after the hub). */
    public static EmbeddedPostgres startPostgres(Path dataDirectory, boolean stopAtExit) {
        try {
            boolean keep = dataDirectory != null;
            Path data = keep ? dataDirectory.toAbsolutePath() : Files.createTempDirectory("caravan-pg-");
            Files.createDirectories(data);
            if (keep) {
                stopLeftOver(data);
            }
            File log = (keep ? data.resolveSibling(data.getFileName() + ".log") : Files.createTempFile("caravan-pg-", ".log")).toFile();
            EmbeddedPostgres postgres = EmbeddedPostgres.builder()
                    .setDataDirectory(data)
                    .setCleanDataDirectory(!keep)
                    .setPGStartupWait(Duration.ofSeconds(60))
                    .setRegisterShutdownHook(stopAtExit)
                    .setServerConfig("max_connections", "300")
                    .setServerConfig("shared_buffers", "64MB")
                    .setServerConfig("synchronous_commit", "off")
                    .setServerConfig("full_page_writes", keep ? "on" : "off")
                    .setServerConfig("listen_addresses", "127.0.0.1")
                    .setOutputRedirector(ProcessBuilder.Redirect.appendTo(log))
                    .setErrorRedirector(ProcessBuilder.Redirect.appendTo(log))
                    .start();
            try (Connection connection = postgres.getPostgresDatabase().getConnection();
                 Statement statement = connection.createStatement()) {
                ResultSet exists = statement.executeQuery("SELECT 1 FROM pg_database WHERE datname = '" + DATABASE + "'");
                if (!exists.next()) {
                    statement.execute("CREATE DATABASE " + DATABASE);
                }
            }
            return postgres;
        } catch (IOException e) {
            throw new IllegalStateException("Could not start an embedded PostgreSQL: " + e.getMessage() + rootHint(), e);
        } catch (SQLException e) {
            throw new IllegalStateException("Embedded PostgreSQL started but database " + DATABASE + " could not be made", e);
        } catch (RuntimeException e) {
            throw new IllegalStateException("Could not start an embedded PostgreSQL: " + e.getMessage() + rootHint(), e);
        }
    }

    public static PgAddress address(EmbeddedPostgres postgres) {
        return new PgAddress("127.0.0.1", postgres.getPort(), DATABASE);
    }

    public static String version(EmbeddedPostgres postgres) {
        try (Connection connection = postgres.getPostgresDatabase().getConnection();
             Statement statement = connection.createStatement();
             ResultSet version = statement.executeQuery("SHOW server_version")) {
            version.next();
            return version.getString(1);
        } catch (SQLException e) {
            return "?";
        }
    }

    /** A redis-server of embedded-redis's, without persistence, on a loopback port. */
    public static final class Redis implements AutoCloseable {

        private final Process process;
        private final int port;

        private Redis(Process process, int port) {
            this.process = process;
            this.port = port;
        }

        public int port() {
            return port;
        }

        @Override
        public void close() {
            process.destroy();
            try {
                if (!process.waitFor(10, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                process.destroyForcibly();
            }
        }
    }

    /**
     * Starts the redis-server that embedded-redis ships on a free loopback port, without persistence. With
     * {@code stopAtExit} a shutdown hook stops it; without, the caller does (dev mode: after the hub's own beans,
     * which a shutdown hook of its own would race).
     */
    public static Redis startRedis(boolean stopAtExit) {
        try {
            int port = freePort();
            File log = Files.createTempFile("caravan-redis-", ".log").toFile();
            Process process = new ProcessBuilder(redisServerBinary().getAbsolutePath(), "--bind", "127.0.0.1",
                    "--port", String.valueOf(port), "--save", "", "--appendonly", "no", "--daemonize", "no")
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log)).start();
            Redis redis = new Redis(process, port);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (true) {
                try {
                    if ("PONG".equals(RedisCli.call("127.0.0.1", port, "PING"))) {
                        break;
                    }
                } catch (IOException notYet) {
                    // not listening yet
                }
                if (!process.isAlive() || System.nanoTime() > deadline) {
                    redis.close();
                    throw new IOException("redis-server did not answer on port " + port + ": "
                            + String.join(" | ", Files.readAllLines(log.toPath())));
                }
                Thread.sleep(50);
            }
            if (stopAtExit) {
                Runtime.getRuntime().addShutdownHook(new Thread(redis::close, "caravan-embedded-redis-stop"));
            }
            return redis;
        } catch (IOException e) {
            throw new UncheckedIOException("Could not start an embedded Redis: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while starting an embedded Redis", e);
        }
    }

    /** The redis-server binary embedded-redis ships for this OS and architecture, unpacked once per JVM. */
    public static synchronized File redisServerBinary() throws IOException {
        if (redisBinary == null || !redisBinary.canExecute()) {
            redisBinary = ExecutableProvider.newJarResourceProvider().get();
        }
        return redisBinary;
    }

    private static File redisBinary;

    public static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /** A postmaster that a killed run left on a kept data folder holds its lock: stop it, as its folder is ours. */
    private static void stopLeftOver(Path data) throws IOException {
        Path pidFile = data.resolve("postmaster.pid");
        if (!Files.exists(pidFile)) {
            return;
        }
        Path lock = data.resolve("epg-lock");
        if (Files.exists(lock)) {
            try (var channel = java.nio.channels.FileChannel.open(lock, StandardOpenOption.WRITE);
                 var held = channel.tryLock()) {
                if (held == null) {
                    throw new IllegalStateException("another running hub uses the embedded PostgreSQL in " + data);
                }
            } catch (java.nio.channels.OverlappingFileLockException e) {
                throw new IllegalStateException("this JVM already runs the embedded PostgreSQL in " + data);
            }
        }
        Optional<ProcessHandle> postmaster = Files.readAllLines(pidFile).stream().findFirst()
                .map(String::trim).filter(s -> s.matches("\\d+")).flatMap(pid -> ProcessHandle.of(Long.parseLong(pid)))
                .filter(p -> p.info().command().map(c -> c.endsWith("postgres")).orElse(false));
        if (postmaster.isPresent()) {
            postmaster.get().destroy(); // SIGTERM: PostgreSQL's smart shutdown
            try {
                postmaster.get().onExit().get(30, TimeUnit.SECONDS);
            } catch (Exception e) {
                throw new IllegalStateException("a PostgreSQL left running on " + data + " did not stop", e);
            }
        }
        Files.deleteIfExists(pidFile);
    }

    private static String rootHint() {
        boolean root = "root".equals(System.getProperty("user.name"));
        return root ? " (as root the embedded PostgreSQL runs under 'unshare -U': user namespaces must be allowed;"
                + " else run as a normal user or point PGHOST/PGPORT at a running PostgreSQL)" : "";
    }
}
