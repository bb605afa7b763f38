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

        Fake() throws Exception {
            // The JDK server writes headers and body in separate packets; with Nagle on, each answer waits ~40 ms for
            // a delayed ACK, which would measure the fake, not the pipeline.
            System.setProperty("sun.net.httpserver.nodelay", "true");
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 512);
            server.setExecutor(Executors.newFixedThreadPool(8));
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
        int threads = Integer.getInteger("bench.threads", 12);
        double rate = Double.parseDouble(System.getProperty("bench.rate", "20"));
        int limitedSeconds = Integer.getInteger("bench.limited-seconds", 10);
        String schema = TestEnvironment.newSchema();
        try (Fake fake = new Fake();
             ConfigurableApplicationContext hub = Hubs.start(schema, Map.of(
                     "caravan.outbox.poll-interval", "1h",
                     "logging.level.io.caravan", "WARN"))) {
            JdbcTemplate jdbc = hub.getBean(JdbcTemplate.class);
            jdbc.update("""
                    INSERT INTO products (asin, marketplace, priority, next_check_at)
                    SELECT 'B0BENCH' || lpad(g::text, 6, '0'), 'www.amazon.com.tr', g % 5, now() - interval '1 minute'
                    FROM generate_series(1, ?) g""", products);

            AmazonProperties settings = CreatorsApiClientTest.settings(fake.port(), "bench-secret");
            settings = new AmazonProperties(URI.create("http://127.0.0.1:" + fake.port()),
                    URI.create("http://127.0.0.1:" + fake.port() + "/token"), settings.clientId(), settings.clientSecret(),
                    settings.scope(), settings.partnerTag(), settings.marketplace(), rate, 10_000_000, settings.timeout(),
                    new AmazonProperties.Checks(Duration.ofMinutes(15), Duration.ofHours(6), 10, 1_000_000),
                    List.of(), settings.priceHistory(), settings.invalidate());
            DealsProperties deals = new DealsProperties(new java.math.BigDecimal("20"), Duration.ofDays(30), Duration.ofDays(7), Duration.ofHours(24));

            CreatorsApiClient probe = new CreatorsApiClient(settings, JSON, Quota.UNLIMITED, new SimpleMeterRegistry());
            List<String> ten = java.util.stream.IntStream.rangeClosed(1, 10).mapToObj(i -> "B0BENCH" + String.format("%06d", i)).toList();
            probe.getItems(ten);
            long probeStart = System.nanoTime();
            for (int i = 0; i < 200; i++) {
                probe.getItems(ten);
            }
            System.out.printf("%n== fake round trip: %.2f ms per getItems ==%n", (System.nanoTime() - probeStart) / 1e6 / 200);
            long claimStart = System.nanoTime();
            jdbc.execute("BEGIN; SELECT 1; COMMIT;");
            System.out.printf("== pg round trip: %.2f ms ==%n", (System.nanoTime() - claimStart) / 1e6);
            fake.requests.set(0);
            fake.items.set(0);

            // 1. Limiter off: how fast the pipeline itself is.
            PriceChecks unlimited = checks(hub, settings, deals, Quota.UNLIMITED);
            long start = System.nanoTime();
            long checked = runAll(unlimited, threads);
            double seconds = (System.nanoTime() - start) / 1e9;
            long history = jdbc.queryForObject("SELECT count(*) FROM price_history", Long.class);
            long dealsStarted = jdbc.queryForObject("SELECT count(*) FROM deals", Long.class);
            System.out.printf("%n== price-pipeline: limiter OFF, %d products, %d threads ==%n", products, threads);
            System.out.printf("checked           %d items in %.2f s%n", checked, seconds);
            System.out.printf("throughput        %.0f items/s (target >= 10000)%n", checked / seconds);
            System.out.printf("items per request %.1f (%d items / %d requests)%n", (double) fake.items.get() / fake.requests.get(),
                    fake.items.get(), fake.requests.get());
            System.out.printf("history rows      %d, deals started %d%n", history, dealsStarted);

            // 2. Limiter on at the configured rate: never over quota, still 10 per request.
            jdbc.update("UPDATE products SET next_check_at = now() - interval '1 second'");
            long requestsBefore = fake.requests.get();
            long itemsBefore = fake.items.get();
            fake.perSecond.clear();
            AmazonQuota quota = new AmazonQuota(jdbc, "bench-" + schema, rate, 10_000_000, new SimpleMeterRegistry(), Clock.systemUTC());
            PriceChecks limited = checks(hub, settings, deals, quota);
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            long limitedStart = System.nanoTime();
            long deadline = limitedStart + limitedSeconds * 1_000_000_000L;
            List<Future<Long>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                futures.add(pool.submit(() -> {
                    long n = 0;
                    while (System.nanoTime() < deadline) {
                        List<PriceChecks.Claimed> batch = limited.claim(10);
                        if (batch.isEmpty()) {
                            break;
                        }
                        n += limited.check(batch);
                    }
                    return n;
                }));
            }
            long limitedChecked = 0;
            for (Future<Long> f : futures) {
                limitedChecked += f.get();
            }
            pool.shutdown();
            double limitedSecondsTaken = (System.nanoTime() - limitedStart) / 1e9;
            long limitedRequests = fake.requests.get() - requestsBefore;
            System.out.printf("%n== price-pipeline: limiter ON at %.1f requests/s, %d threads, %d s ==%n", rate, threads, limitedSeconds);
            System.out.printf("checked           %d items in %.2f s (%.0f items/s, ceiling %.0f)%n", limitedChecked, limitedSecondsTaken,
                    limitedChecked / limitedSecondsTaken, rate * 10);
            System.out.printf("items per request %.1f (%d items / %d requests)%n",
                    (double) (fake.items.get() - itemsBefore) / limitedRequests, fake.items.get() - itemsBefore, limitedRequests);
            System.out.printf("over-quota        %d requests beyond %.1f in any wall-clock second (must be 0)%n", fake.overQuota(rate), rate);
        } finally {
            TestEnvironment.dropSchema(schema);
        }
    }

    private static PriceChecks checks(ConfigurableApplicationContext hub, AmazonProperties settings, DealsProperties deals, Quota quota) {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        CreatorsApiClient client = new CreatorsApiClient(settings, JSON, quota, meters);
        return new PriceChecks(settings, deals, client, hub.getBean(JdbcTemplate.class), hub.getBean(TransactionTemplate.class),
                hub.getBean(Outbox.class), hub.getBean(JobStateRepository.class), meters, Clock.systemUTC());
    }

    private static long runAll(PriceChecks checks, int threads) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
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
        } finally {
            pool.shutdown();
        }
    }
}
