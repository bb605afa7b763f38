package io.caravan.routes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.caravan.support.Hubs;
import io.caravan.support.TestEnvironment;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quartz.Scheduler;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Two hubs share a route directory and a database. One loads a new job's file at once; the other has not loaded it
 * (it looks at the directory once an hour here). While the first hub's scheduler stands by, every fire of the job lands
 * on the hub without the route: it is handed on, not lost (camel-quartz alone logs "Cannot find existing
 * QuartzEndpoint" and drops it), and runs once, with its own fire time, when the hub that has the route takes fires
 * again.
 */
class RouteFilesClusterIT {

    private static final String JOB = """
            - route:
                id: shared-tick
                from:
                  uri: quartz:caravan/shared-tick
                  parameters:
                    cron: "* * * * * ?"
                  steps:
                    - setBody:
                        constant: 1
            """;

    @Test
    void aFireOnAHubWithoutTheRouteIsHandedOnAndRunsOnceOnAHubThatHasIt(@TempDir Path dir) throws Exception {
        String schema = TestEnvironment.newSchema();
        ConfigurableApplicationContext quick = null;
        ConfigurableApplicationContext slow = null;
        try {
            quick = Hubs.start(schema, hub("hub-quick", dir, "100ms"));
            slow = Hubs.start(schema, hub("hub-slow", dir, "1h"));
            JdbcTemplate jdbc = quick.getBean(JdbcTemplate.class);
            ConfigurableApplicationContext withoutRoute = slow;

            Files.writeString(dir.resolve("shared-tick.yaml"), JOB);
            await().atMost(Duration.ofSeconds(20)).until(() -> runs(jdbc, "status = 'succeeded'") > 0);
            assertThat(slow.getBean(RouteFiles.class).known()).as("the slow hub has not loaded the file").isEmpty();

            Scheduler quickScheduler = quick.getBean(Scheduler.class);
            quickScheduler.standby();
            Instant standbyFrom = Instant.now();
            await().atMost(Duration.ofSeconds(30)).until(() -> counter(withoutRoute, "caravan.job.fires.handed.over") >= 3);
            Instant standbyTo = Instant.now();
            quickScheduler.start();

            // The fires due while only the hub without the route took fires run later, on the hub with it.
            await().atMost(Duration.ofSeconds(30)).until(() -> runs(jdbc, "status = 'succeeded' AND scheduled_for BETWEEN '"
                    + Timestamp.from(standbyFrom.plusSeconds(1)) + "' AND '" + Timestamp.from(standbyTo.minusSeconds(1)) + "'") > 0);
            System.out.printf("route handover: %.0f hand-overs by the hub without the route in %d s of stand-by%n",
                    counter(slow, "caravan.job.fires.handed.over"), Duration.between(standbyFrom, standbyTo).toSeconds());

            assertThat(runs(jdbc, "instance = 'hub-slow'")).as("runs on the hub that never loaded the route").isZero();
            assertThat(counter(quick, "caravan.job.fires.lost") + counter(slow, "caravan.job.fires.lost")).as("fires lost").isZero();
            List<Long> duplicated = jdbc.queryForList("""
                    SELECT count(*) FROM job_runs WHERE job = 'shared-tick' AND status = 'succeeded'
                    GROUP BY scheduled_for HAVING count(*) > 1""", Long.class);
            assertThat(duplicated).as("fires that ran more than once").isEmpty();
        } finally {
            if (slow != null) {
                slow.close();
            }
            if (quick != null) {
                quick.close();
            }
            TestEnvironment.dropSchema(schema);
        }
    }

    private static Map<String, Object> hub(String name, Path dir, String interval) {
        Map<String, Object> properties = new HashMap<>();
        properties.put("caravan.instance-name", name);
        properties.put("caravan.routes.dir", dir.toString());
        properties.put("caravan.routes.reload", "true");
        properties.put("caravan.routes.reload-interval", interval);
        return properties;
    }

    private static long runs(JdbcTemplate jdbc, String where) {
        return jdbc.queryForObject("SELECT count(*) FROM job_runs WHERE job = 'shared-tick' AND " + where, Long.class);
    }

    private static double counter(ConfigurableApplicationContext hub, String name) {
        return hub.getBean(MeterRegistry.class).find(name).tag("job", "shared-tick").counters().stream()
                .mapToDouble(Counter::count).sum();
    }
}
