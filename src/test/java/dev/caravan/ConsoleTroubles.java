package dev.caravan;

import io.caravan.ops.JobHeaders;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.camel.builder.RouteBuilder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * What an operator on call meets, added to the dev hub for {@link ConsoleBrowserIT}: a job that always fails, a job
 * that runs until the test lets it finish (so the console can be seen following a run that is still going), an outbox
 * handler that fails until mended and one that always refuses.
 */
@Configuration
class ConsoleTroubles {

    static final String FAILING_JOB = "console-failing";
    static final String SLOW_JOB = "console-slow";
    static final String FLAKY_TYPE = "test.console-flaky";
    static final String REFUSED_TYPE = "test.console-refused";
    /** The rows the slow job reports. */
    static final long SLOW_ROWS = 7;
    /** How long the slow job waits for {@link #SLOW_JOB_MAY_FINISH} at most, so a failed test never hangs the hub. */
    static final long SLOW_JOB_LONGEST_SECONDS = 120;

    /** A new latch for each console hub: a closed hub counts its latch down, and another test's hub in the same JVM
     *  (a routes test with a console hub of its own once ran first) must not find it open already. */
    static volatile CountDownLatch SLOW_JOB_MAY_FINISH = new CountDownLatch(1);
    static final AtomicBoolean FLAKY_IS_MENDED = new AtomicBoolean();
    static final AtomicInteger FLAKY_DELIVERED = new AtomicInteger();

    /** The jobs' settings: the failing one at 04:00 Istanbul time, the slow one never on schedule. */
    static Map<String, Object> settings() {
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("caravan.jobs." + FAILING_JOB + ".cron", "0 0 4 * * ?");
        settings.put("caravan.jobs." + FAILING_JOB + ".time-zone", "Europe/Istanbul");
        settings.put("caravan.jobs." + FAILING_JOB + ".endpoint", "direct:" + FAILING_JOB);
        settings.put("caravan.jobs." + FAILING_JOB + ".description", "Fails on purpose (browser test)");
        settings.put("caravan.jobs." + SLOW_JOB + ".cron", "0 0 0 1 1 ? 2099");
        settings.put("caravan.jobs." + SLOW_JOB + ".endpoint", "direct:" + SLOW_JOB);
        settings.put("caravan.jobs." + SLOW_JOB + ".description", "Runs until the browser test lets it finish");
        // One attempt, so a failing event is a dead letter at once.
        settings.put("caravan.outbox.max-attempts", "1");
        return settings;
    }

    @Bean
    RouteBuilder consoleTroubleRoutes() {
        return new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:" + FAILING_JOB).routeId(FAILING_JOB)
                        .log("console test job runs")
                        .process(exchange -> {
                            throw new IllegalStateException("Metabase card 42 export answered 502 Bad Gateway (test)");
                        });
                from("direct:" + SLOW_JOB).routeId(SLOW_JOB)
                        .process(exchange -> SLOW_JOB_MAY_FINISH.await(SLOW_JOB_LONGEST_SECONDS, TimeUnit.SECONDS))
                        .setHeader(JobHeaders.ROWS, constant(SLOW_ROWS));
                from("outbox:" + FLAKY_TYPE).routeId("console-flaky-handler")
                        .process(exchange -> {
                            if (!FLAKY_IS_MENDED.get()) {
                                throw new IllegalStateException("partner endpoint refused the order (test)");
                            }
                        })
                        .process(exchange -> FLAKY_DELIVERED.incrementAndGet());
                from("outbox:" + REFUSED_TYPE).routeId("console-refused-handler")
                        .process(exchange -> {
                            throw new IllegalStateException("warehouse rejects this order for good (test)");
                        });
            }
        };
    }
}
