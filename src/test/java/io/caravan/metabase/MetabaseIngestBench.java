package io.caravan.metabase;

import static org.assertj.core.api.Assertions.assertThat;

import io.caravan.support.TestEnvironment;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * bench/metabase-ingest: one replace sync of a large card served by a local process, through the real client and
 * loader. Run through bench/metabase-ingest/run.sh (not part of the test suite), which also times psql \copy.
 */
@EnabledIfSystemProperty(named = "bench", matches = "true")
class MetabaseIngestBench {

    @Test
    void syncOneLargeCard() throws Exception {
        String url = System.getProperty("bench.url");
        long expected = Long.getLong("bench.rows", 1_000_000);
        String schema = "bench_mb_" + UUID.randomUUID().toString().substring(0, 8);
        DriverManagerDataSource dataSource = new DriverManagerDataSource("jdbc:postgresql://" + TestEnvironment.PG_HOST + ":"
                + TestEnvironment.PG_PORT + "/" + TestEnvironment.PG_DATABASE, TestEnvironment.PG_USER, TestEnvironment.PG_PASSWORD);
        MetabaseProperties settings = new MetabaseProperties(URI.create(url), "mb_bench", null, null, 8, Duration.ofSeconds(5),
                Duration.ofMinutes(10), 1, Duration.ofSeconds(1), 5, Duration.ofMinutes(1), 1_048_575, List.of());
        MetabaseProperties.Card card = new MetabaseProperties.Card("orders", 1, schema, null, MetabaseProperties.Mode.REPLACE,
                List.of(), "0 0 9 * * ?", "Asia/Tehran", null, null, null, new MetabaseProperties.Invalidate(null, null, null), null,
                MetabaseProperties.Drift.FAIL, false, Duration.ofHours(26), true, null, null, null);
        try (MetabaseClient client = new MetabaseClient(settings)) {
            CardLoader loader = new CardLoader(dataSource, new DataSourceTransactionManager(dataSource), client, settings.rowLimit());
            System.gc();
            ManagementFactory.getMemoryPoolMXBeans().forEach(MemoryPoolMXBean::resetPeakUsage);
            long first = System.nanoTime();
            loader.load(card, l -> { });
            long firstMillis = (System.nanoTime() - first) / 1_000_000;
            // The measured sync replaces the table the first one created, as the daily refresh does.
            // The route's path: metadata → drift check → export (the open, checked stream handed on) → pgload → close.
            long start = System.nanoTime();
            List<CardColumns.Column> columns = loader.columns(card);
            SchemaDrift drift = loader.checkDrift(card, columns);
            CardLoader.Loaded loaded;
            try (MetabaseClient.Export export = client.open(card)) {
                loaded = loader.load(card, columns, drift, CardColumns.inHeaderOrder(card, columns, export.stream().header()),
                        export.stream(), l -> { });
            }
            long millis = (System.nanoTime() - start) / 1_000_000;
            long peak = ManagementFactory.getMemoryPoolMXBeans().stream().filter(p -> p.getType() == MemoryType.HEAP)
                    .mapToLong(p -> p.getPeakUsage().getUsed()).sum();
            assertThat(loaded.rows()).isEqualTo(expected);
            System.out.println("== metabase-ingest: a first load, then the measured replace, JVM -Xmx" + Runtime.getRuntime().maxMemory() / (1024 * 1024) + "m");
            System.out.println("rows " + loaded.rows());
            System.out.println("bytes " + loaded.bytes());
            System.out.println("sync ms (first load, table created) " + firstMillis);
            System.out.println("sync ms " + millis + " (replace of the loaded table: the figure compared)");
            System.out.printf("sync rows/s %.0f%n", loaded.rows() * 1000.0 / millis);
            System.out.printf("peak heap MiB %.1f (sum of heap pools' peaks)%n", peak / 1048576.0);
        } finally {
            new JdbcTemplate(dataSource).execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
        }
    }
}
