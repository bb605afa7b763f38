package io.caravan.amazon;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.caravan.deals.DealsProperties;
import io.caravan.ops.JobStateRepository;
import io.caravan.outbox.Outbox;
import io.caravan.support.Hubs;
import io.caravan.support.TestEnvironment;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * bench/price-pipeline: claim → getItems → history → deal detection for 100,000 products against a local fake
 * Creators API that answers at once. Run through bench/price-pipeline/run.sh (not part of the test suite).
 */
@EnabledIfSystemProperty(named = "bench", matches = "true")
class PricePipelineBench {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Answers getItems at once; counts requests, items and requests beyond the rate in any wall-clock second. */
    static final class Fake implements AutoCloseable {
        final HttpServer server;
        final AtomicLong requests = new AtomicLong();
        final AtomicLong items = new AtomicLong();
        final Map<Long, AtomicLong> perSecond = new ConcurrentHashMap<>();
        final AtomicLong sequence = new AtomicLong();
        /** Requests by how many items they asked for: only 10s, unless fewer than 10 were due. */
        final Map<Integer, AtomicLong> sizes = new ConcurrentHashMap<>();

        Fake() throws Exception {
            // The JDK server writes headers and body in separate packets; with Nagle on, each answer waits ~40 ms for
            // a delayed ACK, which would measure the fake, not the pipeline.
            System.setProperty("sun.net.httpserver.nodelay", "true");
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 512);
            AtomicLong threadNumber = new AtomicLong();
            // Named, so the benchmark can tell the fake's CPU time from the pipeline's.
            server.setExecutor(Executors.newFixedThreadPool(8, task -> new Thread(task, "fake-amazon-" + threadNumber.incrementAndGet())));
            server.createContext("/", exchange -> {
                byte[] in = exchange.getRequestBody().readAllBytes();
                String out;
                if (exchange.getRequestURI().getPath().endsWith("/token")) {
                    out = "{\"access_token\":\"Atza|bench-token\",\"expires_in\":3600,\"token_type\":\"bearer\"}";
                } else {
                    requests.incrementAndGet();
                    perSecond.computeIfAbsent(System.currentTimeMillis() / 1000, s -> new AtomicLong()).incrementAndGet();
                    JsonNode body = JSON.readTree(in);
                    StringBuilder sb = new StringBuilder("{\"itemsResult\":{\"items\":[");
                    int i = 0;
                    for (JsonNode id : body.path("itemIds")) {
                        items.incrementAndGet();
                        // Prices move now and then so history and deal detection have work: every 7th call drops 40%.
                        long n = sequence.incrementAndGet();
                        String price = n % 7 == 0 ? "600.00" : "1000.00";
                        sb.append(i++ == 0 ? "" : ",").append("{\"asin\":\"").append(id.asText())
                                .append("\",\"offersV2\":{\"listings\":[{\"price\":{\"money\":{\"amount\":").append(price)
                                .append(",\"currency\":\"TRY\"},\"savingBasis\":{\"money\":{\"amount\":1000.00,\"currency\":\"TRY\"}}},\"availability\":{\"type\":\"IN_STOCK\"}}]}}");
                    }
                    sizes.computeIfAbsent(i, n -> new AtomicLong()).incrementAndGet();
                    out = sb.append("]}}").toString();
                }
                byte[] bytes = out.getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().add("Content-Type", "application/json");
                exchange.sendResponseHeaders(200, bytes.length);
                exchange.getResponseBody().write(bytes);
                exchange.close();
            });
            server.start();
        }

        int port() {
            return server.getAddress().getPort();
        }

        long overQuota(double perSecondLimit) {
            long limit = (long) Math.ceil(perSecondLimit);
            return perSecond.values().stream().mapToLong(c -> Math.max(0, c.get() - limit)).sum();
        }

        @Override
        public void close() {
            server.stop(0);
        }
    }

    @Test
    void pricePipeline() throws Exception {
        int products = Integer.getInteger("bench.products", 100_000);
        int threads = Integer.getInteger("bench.threads", 4);
        int claimSize = Integer.getInteger("bench.claim-size", 1000);
        int concurrency = Integer.getInteger("bench.concurrency", 16);
        double rate = Double.parseDouble(System.getProperty("bench.rate", "20"));
        int limitedSeconds = Integer.getInteger("bench.limited-seconds", 10);
        String schema = TestEnvironment.newSchema();
        try (Fake fake = new Fake();
             ConfigurableApplicationContext hub = Hubs.start(schema, Map.of(
                     "caravan.outbox.poll-interval", "1h",
                     // Names the hub's connections so their PostgreSQL backends' CPU time can be read.
                     "spring.datasource.url", TestEnvironment.jdbcUrl(schema) + "&ApplicationName=bench-" + schema
                             + pgOptions(),
                     "logging.level.io.caravan", "WARN"))) {
            JdbcTemplate jdbc = hub.getBean(JdbcTemplate.class);
            // The pipeline writes its events; delivering them (Redis, Telegram) is the dispatcher's work, outside
            // claim → getItems → history → deals, and on this machine it would share the same two cores.
            hub.getBean(io.caravan.outbox.OutboxDispatcher.class).stop();
            insertProducts(jdbc, products);

            AmazonProperties base = CreatorsApiClientTest.settings(fake.port(), "bench-secret");
            AmazonProperties settings = settings(base, fake.port(), rate, claimSize, concurrency, 1_000_000);
            DealsProperties deals = new DealsProperties(new java.math.BigDecimal("20"), Duration.ofDays(30), Duration.ofDays(7), Duration.ofHours(24));

            CreatorsApiClient probe = new CreatorsApiClient(settings, JSON, Quota.UNLIMITED, new SimpleMeterRegistry());
            List<String> ten = java.util.stream.IntStream.rangeClosed(1, 10).mapToObj(i -> "B0BENCH" + String.format("%06d", i)).toList();
            probe.getItems(ten);
            long probeStart = System.nanoTime();
            for (int i = 0; i < 200; i++) {
                probe.getItems(ten);
            }
            System.out.printf("%n== fake round trip: %.2f ms per getItems (one at a time) ==%n", (System.nanoTime() - probeStart) / 1e6 / 200);
            long claimStart = System.nanoTime();
            jdbc.execute("BEGIN; SELECT 1; COMMIT;");
            System.out.printf("== pg round trip: %.2f ms ==%n", (System.nanoTime() - claimStart) / 1e6);
            // Warm-up on other products (another marketplace, left in place like any other market's rows): the
            // hub's start leaves the JIT compiling for a while, and the measured run should see the steady state.
            // Rounds over the same products until a round spends less than a fifth of its time compiling (at most
            // bench.warmup-rounds). ANALYZE afterwards, as autovacuum would have on a running hub: statistics taken
            // of an empty price_history make PostgreSQL scan all of it for every chunk's history lookup.
            int warmup = Integer.getInteger("bench.warmup", 20_000);
            int maxRounds = Integer.getInteger("bench.warmup-rounds", 3);
            if (warmup > 0) {
                String de = "www.amazon.de";
                jdbc.update("""
                        INSERT INTO products (asin, marketplace, priority, next_check_at)
                        SELECT 'B0WARM' || lpad(g::text, 6, '0'), ?, g % 5, now() - interval '1 minute'
                        FROM generate_series(1, ?) g""", de, warmup);
                AmazonProperties german = new AmazonProperties(settings.baseUrl(), settings.tokenUrl(), settings.clientId(),
                        settings.clientSecret(), settings.scope(), settings.partnerTag(), de, rate, 10_000_000,
                        settings.timeout(), settings.checks(), List.of(), settings.priceHistory(), settings.invalidate());
                java.lang.management.CompilationMXBean jit = java.lang.management.ManagementFactory.getCompilationMXBean();
                int round = 0;
                double compiling = 1;
                try (PriceChecks warm = checks(hub, german, deals, Quota.UNLIMITED)) {
                    while (round < maxRounds && compiling > 0.2) {
                        jdbc.update("UPDATE products SET next_check_at = now() - interval '1 second' WHERE marketplace = ?", de);
                        long jitBefore = jit.getTotalCompilationTime();
                        long roundStart = System.nanoTime();
                        runAll(warm, threads);
                        compiling = (jit.getTotalCompilationTime() - jitBefore) / ((System.nanoTime() - roundStart) / 1e6);
                        round++;
                    }
                }
                for (String table : List.of("products", "price_history", "deals", "outbox")) {
                    jdbc.execute("VACUUM ANALYZE " + table);
                }
                System.out.printf("== warm-up: %d products of %s checked %d times; JIT busy %.0f%% of the last round ==%n",
                        warmup, de, round, 100 * compiling);
            }
            long historyBefore = jdbc.queryForObject("SELECT count(*) FROM price_history", Long.class);
            long dealsBefore = jdbc.queryForObject("SELECT count(*) FROM deals", Long.class);
            fake.requests.set(0);
            fake.items.set(0);
            fake.sequence.set(0);
            fake.sizes.clear();

            // 1. Limiter off: how fast the pipeline itself is.
            String loadBefore = load();
            long checked;
            double seconds;
            CpuTimes cpu;
            try (PriceChecks unlimited = checks(hub, settings, deals, Quota.UNLIMITED)) {
                // Before the run's threads end: a thread's CPU time is only readable while it lives.
                CpuTimes cpuBefore = CpuTimes.now(jdbc, "bench-" + schema);
                long start = System.nanoTime();
                checked = runAll(unlimited, threads);
                seconds = (System.nanoTime() - start) / 1e9;
                cpu = CpuTimes.now(jdbc, "bench-" + schema).minus(cpuBefore);
            }
            String loadAfter = load();
            long history = jdbc.queryForObject("SELECT count(*) FROM price_history", Long.class) - historyBefore;
            long dealsStarted = jdbc.queryForObject("SELECT count(*) FROM deals", Long.class) - dealsBefore;
            double throughput = checked / seconds;
            System.out.printf("%n== price-pipeline: limiter OFF, %d products, %d workers, claim-size %d, concurrency %d ==%n",
                    products, threads, claimSize, concurrency);
            System.out.printf("checked           %d items in %.2f s%n", checked, seconds);
            System.out.printf("throughput        %.0f items/s (target >= 10000)%n", throughput);
            System.out.printf("items per request %.1f (%d items / %d requests)%n", (double) fake.items.get() / fake.requests.get(),
                    fake.items.get(), fake.requests.get());
            System.out.printf("request sizes     %s (items per request: number of requests)%n", new java.util.TreeMap<>(fake.sizes));
            System.out.printf("history rows      %d, deals started %d%n", history, dealsStarted);
            System.out.printf("load average      before %s, after %s (1, 5, 15 min; 2 cores shared with other builds)%n", loadBefore, loadAfter);
            System.out.printf("cpu per item      %.0f us pipeline JVM + %.0f us PostgreSQL + %.0f us fake Amazon (JSON, HTTP server)"
                            + " = %.0f us: %.0f items/s per core if nothing else ran%n",
                    cpu.pipeline() / 1e3 / checked, cpu.postgres() / 1e3 / checked, cpu.fake() / 1e3 / checked,
                    cpu.total() / 1e3 / checked, checked / (cpu.total() / 1e9));
            System.out.printf("cpu by thread     %s (us per item)%n", cpu.top(checked));

            // 1b. The physical limit of the write: a bare unnest UPDATE of the same 12 columns over the same rows, in
            // chunks of claim-size, same number of workers, one commit per chunk, no HTTP and no reads.
            double limit = bareUpdate(jdbc, products, claimSize, threads);
            System.out.printf("bare UPDATE       %.0f rows/s (same shape, %d rows per statement); pipeline at %.0f%% of it%n",
                    limit, claimSize, 100 * throughput / limit);

            // 2. Limiter on at the configured rate: never over quota, still 10 per request. One chunk per run, so the
            // workers stop soon after the deadline.
            jdbc.update("UPDATE products SET next_check_at = now() - interval '1 second' WHERE marketplace = 'www.amazon.com.tr'");
            long requestsBefore = fake.requests.get();
            long itemsBefore = fake.items.get();
            fake.perSecond.clear();
            AmazonQuota quota = new AmazonQuota(jdbc, "bench-" + schema, rate, 10_000_000, new SimpleMeterRegistry(), Clock.systemUTC());
            AmazonProperties limitedSettings = settings(base, fake.port(), rate, claimSize, concurrency, claimSize / 10);
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            long limitedStart = System.nanoTime();
            long deadline = limitedStart + limitedSeconds * 1_000_000_000L;
            List<Future<Long>> futures = new ArrayList<>();
            long limitedChecked = 0;
            try (PriceChecks limited = checks(hub, limitedSettings, deals, quota)) {
                for (int t = 0; t < threads; t++) {
                    futures.add(pool.submit(() -> {
                        long n = 0;
                        while (System.nanoTime() < deadline) {
                            int done = limited.run();
                            if (done == 0) {
                                break;
                            }
                            n += done;
                        }
                        return n;
                    }));
                }
                for (Future<Long> f : futures) {
                    limitedChecked += f.get();
                }
            } finally {
                pool.shutdown();
            }
            double limitedSecondsTaken = (System.nanoTime() - limitedStart) / 1e9;
            long limitedRequests = fake.requests.get() - requestsBefore;
            long reserved = jdbc.queryForObject("SELECT coalesce(sum(used), 0) FROM amazon_quota WHERE credential = ?", Long.class,
                    "bench-" + schema);
            System.out.printf("%n== price-pipeline: limiter ON at %.1f requests/s, %d workers, %d s ==%n", rate, threads, limitedSeconds);
            System.out.printf("checked           %d items in %.2f s (%.0f items/s, ceiling %.0f)%n", limitedChecked, limitedSecondsTaken,
                    limitedChecked / limitedSecondsTaken, rate * 10);
            System.out.printf("items per request %.1f (%d items / %d requests)%n",
                    (double) (fake.items.get() - itemsBefore) / limitedRequests, fake.items.get() - itemsBefore, limitedRequests);
            System.out.printf("over-quota        %d requests beyond %.1f in any wall-clock second (must be 0)%n", fake.overQuota(rate), rate);
            System.out.printf("daily count       %d in amazon_quota for %d requests sent (reserved in blocks, unsent given back)%n",
                    reserved, limitedRequests);
        } finally {
            TestEnvironment.dropSchema(schema);
        }
    }

    /**
     * CPU time used so far: the JVM's without the fake's threads, the fake's, and the PostgreSQL backends of the
     * hub's connections (Linux /proc; zero elsewhere). Divided by items it is a figure the shared machine's load
     * does not change much, unlike items/s.
     */
    record CpuTimes(long pipeline, long fake, long postgres, Map<String, Long> byThread) {
        static CpuTimes now(JdbcTemplate jdbc, String applicationName) {
            java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
            long fake = 0;
            Map<String, Long> byThread = new java.util.TreeMap<>();
            for (java.lang.management.ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
                if (info == null) {
                    continue;
                }
                long time = Math.max(0, threads.getThreadCpuTime(info.getThreadId()));
                byThread.merge(info.getThreadName().replaceAll("\\d+", "N"), time, Long::sum);
                if (info.getThreadName().startsWith("fake-amazon-") || info.getThreadName().equals("HTTP-Dispatcher")) {
                    fake += time;
                }
            }
            long process = ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                    .getOperatingSystemMXBean()).getProcessCpuTime();
            long postgres = 0;
            for (Integer pid : jdbc.queryForList("SELECT pid FROM pg_stat_activity WHERE application_name = ?", Integer.class,
                    applicationName)) {
                try {
                    String stat = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/" + pid + "/stat"));
                    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    // utime and stime (fields 14 and 15 of stat) in clock ticks, 100 per second on Linux.
                    postgres += (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) * 10_000_000L;
                } catch (java.io.IOException | RuntimeException e) {
                    // not Linux, or the backend just ended
                }
            }
            long javaThreads = byThread.values().stream().mapToLong(Long::longValue).sum();
            byThread.put("JVM (JIT, GC: process minus Java threads)", process - javaThreads);
            // Wall time the JIT compilers and the collectors report, for telling the two apart.
            byThread.put("of which JIT compiling (wall)",
                    java.lang.management.ManagementFactory.getCompilationMXBean().getTotalCompilationTime() * 1_000_000);
            byThread.put("of which GC (wall)", java.lang.management.ManagementFactory.getGarbageCollectorMXBeans().stream()
                    .mapToLong(gc -> Math.max(0, gc.getCollectionTime())).sum() * 1_000_000);
            return new CpuTimes(process - fake, fake, postgres, byThread);
        }

        CpuTimes minus(CpuTimes before) {
            Map<String, Long> delta = new java.util.TreeMap<>();
            byThread.forEach((name, time) -> delta.put(name, time - before.byThread.getOrDefault(name, 0L)));
            return new CpuTimes(pipeline - before.pipeline, fake - before.fake, postgres - before.postgres, delta);
        }

        /** The thread groups that used the most CPU, in microseconds per item. */
        String top(long items) {
            return byThread.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(8)
                    .map(e -> String.format("%s %.0f", e.getKey(), e.getValue() / 1e3 / items))
                    .collect(java.util.stream.Collectors.joining(", "));
        }

        long total() {
            return pipeline + fake + postgres;
        }
    }

    /** -Dbench.pg-options="-c auto_explain.log_min_duration=20 ..." to profile the SQL (a superuser may set them). */
    private static String pgOptions() {
        String options = System.getProperty("bench.pg-options", "");
        return options.isBlank() ? "" : "&options=" + java.net.URLEncoder.encode(options, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static void insertProducts(JdbcTemplate jdbc, int products) {
        jdbc.update("""
                INSERT INTO products (asin, marketplace, priority, next_check_at)
                SELECT 'B0BENCH' || lpad(g::text, 6, '0'), 'www.amazon.com.tr', g % 5, now() - interval '1 minute'
                FROM generate_series(1, ?) g""", products);
        jdbc.execute("ANALYZE products");
    }

    private static AmazonProperties settings(AmazonProperties base, int port, double rate, int claimSize, int concurrency,
                                             int maxRequestsPerRun) {
        return new AmazonProperties(URI.create("http://127.0.0.1:" + port),
                URI.create("http://127.0.0.1:" + port + "/token"), base.clientId(), base.clientSecret(),
                base.scope(), base.partnerTag(), base.marketplace(), rate, 10_000_000, base.timeout(),
                new AmazonProperties.Checks(Duration.ofMinutes(15), Duration.ofHours(6), 10, maxRequestsPerRun, claimSize, concurrency),
                List.of(), base.priceHistory(), base.invalidate());
    }

    /** Rows per second of the products UPDATE alone, with the values the pipeline writes, over every product. */
    private static double bareUpdate(JdbcTemplate jdbc, int products, int chunk, int threads) throws Exception {
        List<String> asins = jdbc.queryForList("SELECT asin FROM products WHERE marketplace = 'www.amazon.com.tr' ORDER BY asin",
                String.class);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        AtomicLong next = new AtomicLong();
        long start = System.nanoTime();
        try {
            List<Future<Long>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                futures.add(pool.submit(() -> {
                    long rows = 0;
                    for (long from = next.getAndAdd(chunk); from < asins.size(); from = next.getAndAdd(chunk)) {
                        PriceChecks.Columns columns = new PriceChecks.Columns(12);
                        List<String> keys = asins.subList((int) from, (int) Math.min(asins.size(), from + chunk));
                        for (String asin : keys) {
                            columns.add(asin, null, null, null, "active", new java.math.BigDecimal("1000.00"), "TRY",
                                    new java.math.BigDecimal("1000.00"), null, "IN_STOCK", null, 1800L);
                        }
                        Object[] arguments = columns.arguments(new Object[]{new java.sql.Timestamp(System.currentTimeMillis()),
                                new java.sql.Timestamp(System.currentTimeMillis())}, "www.amazon.com.tr", keys.toArray(String[]::new));
                        rows += jdbc.update(PriceChecks.PRODUCTS_UPDATE, arguments);
                    }
                    return rows;
                }));
            }
            long rows = 0;
            for (Future<Long> f : futures) {
                rows += f.get();
            }
            return rows / ((System.nanoTime() - start) / 1e9);
        } finally {
            pool.shutdown();
        }
    }

    /** The load average as uptime prints it, where the OS has /proc/loadavg; else the JVM's one-minute figure. */
    private static String load() {
        try {
            String[] parts = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg")).trim().split("\\s+");
            return parts[0] + ", " + parts[1] + ", " + parts[2];
        } catch (java.io.IOException | RuntimeException e) {
            return String.format("%.2f", java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        }
    }

    private static PriceChecks checks(ConfigurableApplicationContext hub, AmazonProperties settings, DealsProperties deals, Quota quota) {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        CreatorsApiClient client = new CreatorsApiClient(settings, JSON, quota, meters);
        return new PriceChecks(settings, deals, client, hub.getBean(JdbcTemplate.class), hub.getBean(TransactionTemplate.class),
                hub.getBean(Outbox.class), hub.getBean(JobStateRepository.class), meters, Clock.systemUTC());
    }

    /** Workers live as long as the benchmark, so their CPU time can be read after a run. */
    private static final ExecutorService WORKERS = Executors.newCachedThreadPool(task -> {
        Thread thread = new Thread(task, "bench-worker");
        thread.setDaemon(true);
        return thread;
    });

    private static long runAll(PriceChecks checks, int threads) throws Exception {
        ExecutorService pool = WORKERS;
        {
            List<Future<Long>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                futures.add(pool.submit(() -> {
                    long n = 0;
                    for (int done = checks.run(); done > 0; done = checks.run()) {
                        n += done;
                    }
                    return n;
                }));
            }
            long total = 0;
            for (Future<Long> f : futures) {
                total += f.get();
            }
            return total;
        }
    }
}
