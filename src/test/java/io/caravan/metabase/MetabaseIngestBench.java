package io.caravan.metabase;

import com.zaxxer.hikari.HikariDataSource;
import io.caravan.support.TestEnvironment;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;

/**
 * bench/metabase-ingest: the hub's real client and loader against a local Metabase stand-in (serve.py), paired with
 * psql \copy of the same bytes in the same run, the order alternating pair by pair; medians printed. Cases:
 * one 1M-row card; eight 1M-row cards at once (max-parallel 8, a pooled DataSource as the hub's) against eight
 * parallel \copy; one 10M-row card (row-limit raised, as with MB_DOWNLOAD_ROW_LIMIT) for the heap's peak.
 * Run through bench/metabase-ingest/run.sh (not part of the test suite).
 */
@EnabledIfSystemProperty(named = "bench", matches = "true")
class MetabaseIngestBench {

    private static final int PARALLEL = 8;
    private final String url = System.getProperty("bench.url");
    private final String csv = System.getProperty("bench.csv");
    private final long rows = Long.getLong("bench.rows", 1_000_000);
    private final int pairs = Integer.getInteger("bench.pairs", 3);
    private final String schema = "bench_mb_" + UUID.randomUUID().toString().substring(0, 8);

    @Test
    void syncCardsAgainstPsqlCopy() throws Exception {
        HikariDataSource dataSource = new HikariDataSource();
        dataSource.setJdbcUrl("jdbc:postgresql://" + TestEnvironment.PG_HOST + ":" + TestEnvironment.PG_PORT + "/" + TestEnvironment.PG_DATABASE);
        dataSource.setUsername(TestEnvironment.PG_USER);
        dataSource.setPassword(TestEnvironment.PG_PASSWORD);
        dataSource.setMaximumPoolSize(20); // the hub's spring.datasource.hikari.maximum-pool-size
        JdbcTemplate jdbc = new JdbcTemplate(dataSource);
        MetabaseProperties settings = new MetabaseProperties(URI.create(url), "mb_bench", null, null, PARALLEL, Duration.ofSeconds(5),
                Duration.ofMinutes(10), 1, Duration.ofSeconds(1), 5, Duration.ofMinutes(1), 20_000_000, List.of());
        String cases = System.getProperty("bench.cases", "one,eight,big");
        try (MetabaseClient client = new MetabaseClient(settings)) {
            CardLoader loader = new CardLoader(dataSource, new DataSourceTransactionManager(dataSource), client, settings.rowLimit());
            jdbc.execute("CREATE SCHEMA " + schema);
            System.out.println("== metabase-ingest: JVM -Xmx" + Runtime.getRuntime().maxMemory() / (1024 * 1024) + "m, " + pairs
                    + " pairs, order alternating; load average at start " + load());
            if (cases.contains("one")) {
                one(loader, jdbc);
            }
            if (cases.contains("eight")) {
                eight(loader, jdbc);
            }
            if (cases.contains("big")) {
                big(loader, jdbc);
            }
        } finally {
            jdbc.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
            dataSource.close();
        }
    }

    private void one(CardLoader loader, JdbcTemplate jdbc) throws Exception {
        MetabaseProperties.Card card = card("orders1", 1);
        check(sync(loader, card), rows); // first load: creates the table, warms the JIT
        List<Double> ratios = new ArrayList<>();
        for (int pair = 0; pair < pairs; pair++) {
            long hub;
            long copy;
            if (pair % 2 == 0) {
                hub = timed(() -> check(sync(loader, card), rows));
                copy = copy(jdbc, 1);
            } else {
                copy = copy(jdbc, 1);
                hub = timed(() -> check(sync(loader, card), rows));
            }
            ratios.add((double) hub / copy);
            System.out.printf("one card pair %d: sync ms %d, \\copy ms %d, ratio %.2f, load %s%n", pair + 1, hub, copy, (double) hub / copy, load());
        }
        System.out.printf("ratio sync / \\copy: %.2f (median of %d pairs; target <= 1.10)%n", median(ratios), pairs);
    }

    private void eight(CardLoader loader, JdbcTemplate jdbc) throws Exception {
        List<MetabaseProperties.Card> cards = new ArrayList<>();
        for (int i = 1; i <= PARALLEL; i++) {
            cards.add(card("orders" + i, i));
        }
        ExecutorService pool = Executors.newFixedThreadPool(PARALLEL);
        try {
            all(pool, cards, loader); // first loads
            List<Double> ratios = new ArrayList<>();
            resetPeaks();
            for (int pair = 0; pair < pairs; pair++) {
                long hub;
                long copy;
                double[] cpu = new double[1];
                Step syncs = () -> {
                    double before = cpu();
                    all(pool, cards, loader);
                    cpu[0] = cpu() - before;
                };
                if (pair % 2 == 1) {
                    hub = timed(syncs);
                    copy = copy(jdbc, PARALLEL);
                } else {
                    copy = copy(jdbc, PARALLEL);
                    hub = timed(syncs);
                }
                // Throughput ratio: the same bytes in both, so (8 cards / hub time) / (8 files / copy time).
                ratios.add((double) copy / hub);
                System.out.printf("eight cards pair %d: 8 syncs ms %d (hub JVM CPU s %.1f), 8 parallel \\copy ms %d, throughput ratio %.2f, load %s%n",
                        pair + 1, hub, cpu[0], copy, (double) copy / hub, load());
            }
            System.out.printf("ratio 8 cards / 8 parallel \\copy: %.2f (throughput, median of %d pairs; goal >= 0.90)%n", median(ratios), pairs);
            System.out.printf("8 cards peak heap MiB %.1f (limit 256)%n", peakHeap());
        } finally {
            pool.shutdownNow();
        }
    }

    private void big(CardLoader loader, JdbcTemplate jdbc) throws Exception {
        MetabaseProperties.Card card = card("orders10m", 10);
        System.gc();
        resetPeaks();
        long[] loaded = new long[1];
        long millis = timed(() -> loaded[0] = sync(loader, card).rows());
        double peak = peakHeap();
        check(loaded[0], rows * 10);
        System.out.printf("10M card: %d rows in %d ms (%.0f rows/s), load %s%n", loaded[0], millis, loaded[0] * 1000.0 / millis, load());
        System.out.printf("10M rows peak heap MiB %.1f (limit 64)%n", peak);
        jdbc.execute("DROP TABLE IF EXISTS " + schema + ".orders10m"); // 1.5 GB: not kept until the end
    }

    /** The route's path for one card: metadata, drift check, the open checked export handed to the load. */
    private CardLoader.Loaded sync(CardLoader loader, MetabaseProperties.Card card) throws Exception {
        return loader.load(card, l -> { });
    }

    private void all(ExecutorService pool, List<MetabaseProperties.Card> cards, CardLoader loader) throws Exception {
        List<Future<CardLoader.Loaded>> running = new ArrayList<>();
        for (MetabaseProperties.Card card : cards) {
            running.add(pool.submit(() -> sync(loader, card)));
        }
        for (Future<CardLoader.Loaded> done : running) {
            check(done.get().rows(), rows);
        }
    }

    /**
     * Milliseconds of {@code n} parallel psql \copy of the same file, each into a fresh table like the hub's (made
     * before the clock starts); the tables are dropped afterwards so the bench's disk use stays bounded.
     */
    private long copy(JdbcTemplate jdbc, int n) throws Exception {
        for (int i = 1; i <= n; i++) {
            String table = schema + ".copy" + i;
            jdbc.execute("DROP TABLE IF EXISTS " + table);
            jdbc.execute("CREATE TABLE " + table + " (order_id bigint, vendor_id bigint, vendor_name text, city text, amount numeric,"
                    + " discount double precision, status text, delivered boolean, ordered_at timestamptz, order_day date, note text, items bigint)");
        }
        long millis = timed(() -> {
            List<Process> processes = new ArrayList<>();
            for (int i = 1; i <= n; i++) {
                processes.add(new ProcessBuilder("psql", "-q", "-v", "ON_ERROR_STOP=1", "-c",
                        "\\copy " + schema + ".copy" + i + " FROM '" + csv + "' WITH (FORMAT csv, HEADER true)").inheritIO().start());
            }
            for (Process process : processes) {
                if (process.waitFor() != 0) {
                    throw new IllegalStateException("psql \\copy failed");
                }
            }
        });
        for (int i = 1; i <= n; i++) {
            jdbc.execute("DROP TABLE IF EXISTS " + schema + ".copy" + i);
        }
        return millis;
    }

    private MetabaseProperties.Card card(String name, long id) {
        return new MetabaseProperties.Card(name, id, schema, null, MetabaseProperties.Mode.REPLACE, List.of(), "0 0 9 * * ?",
                "Asia/Tehran", null, null, null, new MetabaseProperties.Invalidate(null, null, null), null,
                MetabaseProperties.Drift.FAIL, false, Duration.ofHours(26), true, null, null, null);
    }

    private interface Step {
        void run() throws Exception;
    }

    private static long timed(Step step) throws Exception {
        long start = System.nanoTime();
        step.run();
        return (System.nanoTime() - start) / 1_000_000;
    }

    private static void check(CardLoader.Loaded loaded, long expected) {
        check(loaded.rows(), expected);
    }

    private static void check(long actual, long expected) {
        if (actual != expected) {
            throw new IllegalStateException("loaded " + actual + " rows, expected " + expected);
        }
    }

    private static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    private static void resetPeaks() {
        ManagementFactory.getMemoryPoolMXBeans().forEach(MemoryPoolMXBean::resetPeakUsage);
    }

    private static double peakHeap() {
        return ManagementFactory.getMemoryPoolMXBeans().stream().filter(p -> p.getType() == MemoryType.HEAP)
                .mapToLong(p -> p.getPeakUsage().getUsed()).sum() / 1048576.0;
    }

    /** CPU seconds this JVM used so far (all threads): what the hub takes from PostgreSQL on a small machine. */
    private static double cpu() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime() / 1e9;
    }

    private static String load() {
        return String.format("%.1f", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    }
}
