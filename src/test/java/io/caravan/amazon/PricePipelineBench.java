package io.caravan.amazon;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
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
             ConfigurableApplicationContext hub = Hubs.start(schema, Map.ofEntries(
                     Map.entry("caravan.outbox.poll-interval", "1h"),
                     // Names the hub's connections so their PostgreSQL backends' CPU time can be read.
                     Map.entry("spring.datasource.url", TestEnvironment.jdbcUrl(schema) + "&ApplicationName=bench-" + schema
                             + pgOptions()),
                     Map.entry("logging.level.io.caravan", "WARN"),
                     Map.entry("caravan.amazon.base-url", "http://127.0.0.1:" + fake.port()),
                     Map.entry("caravan.amazon.token-url", "http://127.0.0.1:" + fake.port() + "/token"),
                     Map.entry("caravan.amazon.client-id", "bench-" + schema),
                     Map.entry("caravan.amazon.client-secret", "bench-secret"),
                     Map.entry("caravan.amazon.requests-per-second", String.valueOf(rate)),
                     Map.entry("caravan.amazon.requests-per-day", "10000000"),
                     Map.entry("caravan.amazon.checks.claim-size", String.valueOf(claimSize)),
                     Map.entry("caravan.amazon.checks.concurrency", String.valueOf(concurrency)),
                     // One chunk per run, so the limited phase's workers stop soon after its deadline.
                     Map.entry("caravan.amazon.checks.max-requests-per-run", String.valueOf(Math.max(1, claimSize / 10))),
                     Map.entry("caravan.jobs.amazon-prices.enabled", "false"),
                     Map.entry("caravan.jobs.amazon-discovery.enabled", "false")))) {
            JdbcTemplate jdbc = hub.getBean(JdbcTemplate.class);
            // The pipeline writes its events; delivering them (Redis, Telegram) is the dispatcher's work, outside
            // claim → getItems → history → deals, and on this machine it would share the same two cores.
            hub.getBean(io.caravan.outbox.OutboxDispatcher.class).stop();
            // The amazon-prices route as written, its quartz consumer replaced by direct: so workers can run it at once.
            PriceRoutes.direct(hub);
            AmazonProperties settings = hub.getBean(AmazonProperties.class);
            CreatorsComponent creators = hub.getBean(CreatorsComponent.class);

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
                jdbc.update("""
                        INSERT INTO products (asin, marketplace, priority, next_check_at)
                        SELECT 'B0WARM' || lpad(g::text, 6, '0'), ?, g % 5, now() - interval '1 minute'
                        FROM generate_series(1, ?) g""", settings.marketplace(), warmup);
                java.lang.management.CompilationMXBean jit = java.lang.management.ManagementFactory.getCompilationMXBean();
                int round = 0;
                double compiling = 1;
                creators.useClient(new CreatorsApiClient(settings, JSON, Quota.UNLIMITED, new SimpleMeterRegistry()));
                while (round < maxRounds && compiling > 0.2) {
                    jdbc.update("UPDATE products SET next_check_at = now() - interval '1 second' WHERE asin LIKE 'B0WARM%'");
                    long jitBefore = jit.getTotalCompilationTime();
                    long roundStart = System.nanoTime();
                    runAll(hub, threads);
                    compiling = (jit.getTotalCompilationTime() - jitBefore) / ((System.nanoTime() - roundStart) / 1e6);
                    round++;
                }
                // The warm-up's products go (their history and deals too); the measured ones start as they always did.
                jdbc.update("DELETE FROM price_history WHERE asin LIKE 'B0WARM%'");
                jdbc.update("DELETE FROM deals WHERE asin LIKE 'B0WARM%'");
                jdbc.update("DELETE FROM products WHERE asin LIKE 'B0WARM%'");
                System.out.printf("== warm-up: %d products checked %d times; JIT busy %.0f%% of the last round ==%n",
                        warmup, round, 100 * compiling);
            }
            insertProducts(jdbc, products);
            for (String table : List.of("products", "price_history", "deals", "outbox")) {
                jdbc.execute("VACUUM ANALYZE " + table);
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
            CamelShare camelShare;
            creators.useClient(new CreatorsApiClient(settings, JSON, Quota.UNLIMITED, new SimpleMeterRegistry()));
            try (CamelShare sampler = new CamelShare()) {
                // Before the run's threads end: a thread's CPU time is only readable while it lives.
                CpuTimes cpuBefore = CpuTimes.now(jdbc, "bench-" + schema);
                long start = System.nanoTime();
                checked = runAll(hub, threads);
                seconds = (System.nanoTime() - start) / 1e9;
                cpu = CpuTimes.now(jdbc, "bench-" + schema).minus(cpuBefore);
                camelShare = sampler;
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
            long routeThreads = cpu.byThread().entrySet().stream()
                    .filter(e -> e.getKey().startsWith("bench-worker") || e.getKey().startsWith("amazon-getitems-"))
                    .mapToLong(Map.Entry::getValue).sum();
            System.out.printf("cpu camel share   %.1f%% of the route's threads' CPU = %.1f us per item in Camel's own code"
                            + " (of %.0f us per item on the route's threads; %d on-CPU stack samples)%n",
                    100 * camelShare.share(), camelShare.share() * routeThreads / 1e3 / checked, routeThreads / 1e3 / checked,
                    camelShare.samples());

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
            creators.useClient(new CreatorsApiClient(settings, JSON, quota, new SimpleMeterRegistry()));
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            long limitedStart = System.nanoTime();
            long deadline = limitedStart + limitedSeconds * 1_000_000_000L;
            List<Future<Long>> futures = new ArrayList<>();
            long limitedChecked = 0;
            try {
                for (int t = 0; t < threads; t++) {
                    futures.add(pool.submit(() -> {
                        long n = 0;
                        while (System.nanoTime() < deadline) {
                            int done = PriceRoutes.run(hub);
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
     * Camel's own share of the route threads' CPU, by sampling: every 2 ms the stacks of the threads that run the
     * route (bench-worker, amazon-getitems-N) are read; a sample counts as on-CPU when the thread is RUNNABLE and not
     * parked in a native socket read or poll, and as Camel's when its innermost non-JDK frame is org.apache.camel.
     * Multiplied by those threads' measured CPU time it gives Camel's microseconds per item.
     */
    static final class CamelShare implements AutoCloseable {
        private final Thread sampler;
        private volatile boolean running = true;
        private long camel;
        private long onCpu;

        CamelShare() {
            java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
            sampler = new Thread(() -> {
                while (running) {
                    for (java.lang.management.ThreadInfo info : mx.getThreadInfo(mx.getAllThreadIds(), 64)) {
                        if (info == null || info.getThreadState() != Thread.State.RUNNABLE
                                || !(info.getThreadName().startsWith("bench-worker") || info.getThreadName().startsWith("amazon-getitems-"))) {
                            continue;
                        }
                        StackTraceElement[] stack = info.getStackTrace();
                        if (stack.length == 0 || stack[0].isNativeMethod()) {
                            continue; // waiting in a socket read, poll or the like: not on the CPU
                        }
                        onCpu++;
                        for (StackTraceElement frame : stack) {
                            String c = frame.getClassName();
                            if (c.startsWith("java.") || c.startsWith("jdk.") || c.startsWith("sun.") || c.startsWith("com.sun.")) {
                                continue;
                            }
                            if (c.startsWith("org.apache.camel.")) {
                                camel++;
                            }
                            break;
                        }
                    }
                    try {
                        Thread.sleep(2);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }, "bench-sampler");
            sampler.setDaemon(true);
            sampler.start();
        }

        double share() {
            return onCpu == 0 ? 0 : (double) camel / onCpu;
        }

        long samples() {
            return onCpu;
        }

        @Override
        public void close() throws InterruptedException {
            running = false;
            sampler.join();
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
                        // Every column the write sets, the planner's included (the update had 12 before the check
                        // planner's columns; with 12 values it failed, and the limiter-on phase after it never ran).
                        UnnestColumns columns = new UnnestColumns(22);
                        List<String> keys = asins.subList((int) from, (int) Math.min(asins.size(), from + chunk));
                        for (String asin : keys) {
                            columns.add(asin, null, null, null, "active", new java.math.BigDecimal("1000.00"), "TRY",
                                    new java.math.BigDecimal("1000.00"), null, "IN_STOCK", null, 1800L,
                                    0.0, 3_600.0, 0.0, 0.0, 0.0, null, new java.math.BigDecimal("1000.00"), 0, null, 0.0);
                        }
                        Object[] arguments = columns.arguments(new Object[]{new java.sql.Timestamp(System.currentTimeMillis()),
                                new java.sql.Timestamp(System.currentTimeMillis())}, "www.amazon.com.tr", keys.toArray(String[]::new));
                        rows += jdbc.update(PriceWrite.PRODUCTS_UPDATE, arguments);
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

    /** Workers live as long as the benchmark, so their CPU time can be read after a run. */
    private static final ExecutorService WORKERS = Executors.newCachedThreadPool(task -> {
        Thread thread = new Thread(task, "bench-worker");
        thread.setDaemon(true);
        return thread;
    });

    private static long runAll(ConfigurableApplicationContext hub, int threads) throws Exception {
        ExecutorService pool = WORKERS;
        {
            List<Future<Long>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                futures.add(pool.submit(() -> {
                    long n = 0;
                    for (int done = PriceRoutes.run(hub); done > 0; done = PriceRoutes.run(hub)) {
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
