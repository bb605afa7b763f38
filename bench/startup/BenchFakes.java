import dev.caravan.DevCaravan;
import io.caravan.support.TestEnvironment;
import java.io.IOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * For bench/startup (run by run.sh with Java's source launcher on the test class path, so the test classes keep
 * DevCaravan as their only main class, which spring-boot:test-run needs): dev mode's three fakes (Metabase, Creators API, Telegram) in a JVM of their own, and the hub
 * settings that configure every flow against them written to a properties file (args[0]) for
 * {@code --spring.config.additional-location}, with the tests' PostgreSQL and Redis ({@link TestEnvironment}: the
 * local ones, or embedded ones where none answers). Every job runs once a day at 03:00 so the measured hub stays
 * idle; the bench gives the schema ({@code bench_startup_*}, dropped when this JVM stops), token and ports. Runs
 * until killed.
 */
public final class BenchFakes {

    private BenchFakes() {
    }

    public static void main(String[] args) throws IOException, InterruptedException {
        if (args.length != 1) {
            throw new IllegalArgumentException("usage: BenchFakes <properties file to write>");
        }
        Map<String, Object> settings = new TreeMap<>(DevCaravan.settings());
        settings.keySet().removeIf(key -> key.equals("caravan.db.schema") || key.equals("caravan.admin.token")
                || key.equals("caravan.instance-name"));
        settings.replaceAll((key, value) -> key.endsWith(".cron") ? "0 0 3 * * ?" : value);
        settings.put("caravan.jobs.amazon-discovery.cron", "0 0 3 * * ?");
        settings.put("caravan.jobs.amazon-prices.cron", "0 0 3 * * ?");
        settings.put("caravan.jobs.telegram-updates.cron", "0 0 3 * * ?");
        settings.put("spring.datasource.url", "jdbc:postgresql://" + TestEnvironment.PG_HOST + ":" + TestEnvironment.PG_PORT + "/"
                + TestEnvironment.PG_DATABASE + "?currentSchema=${caravan.db.schema}&ApplicationName=caravan");
        settings.put("spring.datasource.username", TestEnvironment.PG_USER);
        settings.put("spring.datasource.password", TestEnvironment.PG_PASSWORD);
        settings.put("spring.data.redis.host", TestEnvironment.REDIS_HOST);
        settings.put("spring.data.redis.port", String.valueOf(TestEnvironment.REDIS_PORT));
        dropBenchSchemas();
        Runtime.getRuntime().addShutdownHook(new Thread(BenchFakes::dropBenchSchemas));
        Properties properties = new Properties();
        settings.forEach((key, value) -> properties.setProperty(key, String.valueOf(value)));
        Path target = Path.of(args[0]);
        Path partial = target.resolveSibling(target.getFileName() + ".part");
        try (Writer out = Files.newBufferedWriter(partial)) {
            properties.store(out, "bench/startup: every flow against local fakes");
        }
        Files.move(partial, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        System.out.println("fakes up; settings in " + target);
        Thread.currentThread().join();
    }

    private static void dropBenchSchemas() {
        try (Connection connection = TestEnvironment.connect("public"); Statement statement = connection.createStatement()) {
            List<String> schemas = new ArrayList<>();
            try (ResultSet rs = statement.executeQuery("SELECT nspname FROM pg_namespace WHERE nspname LIKE 'bench\\_startup\\_%'")) {
                while (rs.next()) {
                    schemas.add(rs.getString(1));
                }
            }
            for (String schema : schemas) {
                statement.execute("DROP SCHEMA \"" + schema + "\" CASCADE");
            }
        } catch (SQLException e) {
            System.err.println("could not drop the bench schemas: " + e.getMessage());
        }
    }
}
