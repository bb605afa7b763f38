package io.caravan.amazon;

import com.sun.management.OperatingSystemMXBean;
import io.caravan.support.HubProcess;
import io.caravan.support.TestEnvironment;
import java.lang.management.ManagementFactory;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * bench/scale-out, price part: the same products through 1, 2 and 3 hubs, each a process of its own, on one schema
 * and one Redis, against a Creators API fake that answers at once. Every hub starts {@code amazon-prices} through the
 * job API as soon as it may (409 while another hub's run holds the job's lock), as an impatient scheduler would;
 * each run checks {@code max-requests-per-run} calls' worth. Prints items/s, the ratio to one hub, the busiest second
 * at the fake against the credential's rate, seconds over that rate (must be 0), the hubs' CPU (process times, not
 * PostgreSQL's) per item and how the runs were spread over the hubs.
 */
@EnabledIfSystemProperty(named = "bench", matches = "true")
class PriceScaleOutBench {

    private static final String NEVER = "0 0 0 1 1 ? 2099";
    private static final Pattern RUN_ID = Pattern.compile("\"runId\"\\s*:\\s*(\\d+)");

    @Test
    void priceScaleOut() throws Exception {
        int products = Integer.getInteger("bench.products", 10_000);
        double rate = Double.parseDouble(System.getProperty("bench.rate", "100"));
        int maxHubs = Integer.getInteger("bench.hubs", 3);
        int perRun = Integer.getInteger("bench.requests-per-run", 60);
        OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        System.out.printf("%n== scale-out, price checks: %d products, credential rate %.0f requests/s (%.0f items/s at 10 per call), "
                + "%d calls per run, hubs are processes ==%n", products, rate, rate * 10, perRun);
        System.out.printf("%-5s %10s %8s %8s %8s %10s %10s %12s  %s%n", "hubs", "items/s", "ratio", "seconds", "calls", "max/1s",
                "over-rate", "CPU ms/item", "runs per hub");
        double first = Double.NaN;
        for (int n = 1; n <= maxHubs; n++) {
            String schema = TestEnvironment.newSchema();
            List<HubProcess> hubs = new ArrayList<>();
            try (CountingCreatorsApi amazon = new CountingCreatorsApi()) {
                for (int i = 0; i < n; i++) {
                    String name = "bench-" + (char) ('a' + i);
                    Map<String, Object> settings = new HashMap<>();
                    settings.put("caravan.amazon.base-url", "http://127.0.0.1:" + amazon.port() + "/hub/" + name);
                    settings.put("caravan.amazon.token-url", "http://127.0.0.1:" + amazon.port() + "/token");
                    settings.put("caravan.amazon.client-id", "amzn1.application-oa2-client.bench");
                    settings.put("caravan.amazon.client-secret", "bench-secret-value");
                    settings.put("caravan.amazon.requests-per-second", String.valueOf(rate));
                    settings.put("caravan.amazon.requests-per-day", "100000000");
                    settings.put("caravan.amazon.checks.max-requests-per-run", String.valueOf(perRun));
                    settings.put("caravan.jobs.amazon-prices.cron", NEVER);
                    settings.put("caravan.jobs.amazon-discovery.cron", NEVER);
                    settings.put("logging.level.io.caravan", "WARN");
                    hubs.add(HubProcess.start(name, schema, settings, Duration.ofSeconds(180)));
                }
                JdbcTemplate jdbc = new JdbcTemplate(new DriverManagerDataSource(TestEnvironment.jdbcUrl(schema),
                        TestEnvironment.PG_USER, TestEnvironment.PG_PASSWORD));
                jdbc.update("""
                        INSERT INTO products (asin, marketplace, priority, next_check_at)
                        SELECT 'B0BNCH' || lpad(g::text, 6, '0'), 'www.amazon.com.tr', g % 5, now() - interval '1 minute'
                        FROM generate_series(1, ?) g""", products);
                jdbc.execute("VACUUM ANALYZE products");
                Thread.sleep(2_000); // the hubs' start-up compilation settles a little

                long cpuBefore = hubsCpu(hubs) + os.getProcessCpuTime();
                long start = System.nanoTime();
                AtomicBoolean done = new AtomicBoolean();
                List<Thread> drivers = new ArrayList<>();
                for (HubProcess hub : hubs) {
                    Thread driver = new Thread(() -> drive(hub, jdbc, done), "drive-" + hub.name());
                    driver.start();
                    drivers.add(driver);
                }
                long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
                while (System.nanoTime() < deadline && jdbc.queryForObject(
                        "SELECT count(*) FROM products WHERE last_checked_at IS NULL", Long.class) > 0) {
                    Thread.sleep(50);
                }
                double seconds = (System.nanoTime() - start) / 1e9;
                long cpu = hubsCpu(hubs) + os.getProcessCpuTime() - cpuBefore;
                done.set(true);
                for (Thread driver : drivers) {
                    driver.join();
                }
                long checked = jdbc.queryForObject("SELECT count(*) FROM products WHERE last_checked_at IS NOT NULL", Long.class);
                List<CountingCreatorsApi.Request> calls = amazon.requests().stream().filter(r -> r.operation().equals("getItems")).toList();
                long limit = (long) Math.ceil(rate);
                long overRate = CountingCreatorsApi.perSecond(calls).values().stream().filter(c -> c > limit).count();
                Map<String, Long> runs = jdbc.queryForList("SELECT instance FROM job_runs WHERE job = 'amazon-prices' AND status = 'succeeded'",
                        String.class).stream().collect(Collectors.groupingBy(i -> i.replace("bench-", ""), java.util.TreeMap::new,
                        Collectors.counting()));
                double itemsPerSecond = checked / seconds;
                first = n == 1 ? itemsPerSecond : first;
                System.out.printf("%-5d %10.1f %8.2f %8.1f %8d %10d %10d %12.3f  %s%n", n, itemsPerSecond, itemsPerSecond / first, seconds,
                        calls.size(), CountingCreatorsApi.maxInWindow(calls, Duration.ofSeconds(1)), overRate,
                        cpu / 1e6 / Math.max(1, checked), runs);
            } finally {
                for (HubProcess hub : hubs) {
                    hub.stop();
                }
                TestEnvironment.dropSchema(schema);
            }
        }
        System.out.printf("machine           %d cores, load average %.1f at the end%n", os.getAvailableProcessors(),
                os.getSystemLoadAverage());
    }

    /** Starts the job on this hub whenever its lock is free, until the products are done. */
    private static void drive(HubProcess hub, JdbcTemplate jdbc, AtomicBoolean done) {
        while (!done.get()) {
            try {
                HttpResponse<String> started = hub.post("/api/jobs/amazon-prices/run");
                Matcher id = RUN_ID.matcher(started.body());
                if (started.statusCode() == 202 && id.find()) {
                    long run = Long.parseLong(id.group(1));
                    while (!done.get() && "running".equals(jdbc.queryForObject("SELECT status FROM job_runs WHERE id = ?", String.class, run))) {
                        Thread.sleep(20);
                    }
                } else {
                    Thread.sleep(100); // 409: another hub's run holds the lock
                }
            } catch (Exception e) {
                if (done.get()) {
                    return;
                }
                try {
                    Thread.sleep(100);
                } catch (InterruptedException interrupted) {
                    return;
                }
            }
        }
    }

    private static long hubsCpu(List<HubProcess> hubs) {
        long nanos = 0;
        for (HubProcess hub : hubs) {
            nanos += ProcessHandle.of(hub.pid()).flatMap(h -> h.info().totalCpuDuration()).map(Duration::toNanos).orElse(0L);
        }
        return nanos;
    }
}
