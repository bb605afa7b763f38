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
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Two hubs share a route directory and a database; one sees a new file at once, the other only seconds later. Fires
 * of the new job that land on the hub that has not loaded it yet are handed on, never lost (camel-quartz alone logs
 * "Cannot find existing QuartzEndpoint" and drops them), and every fire runs once, on a hub that has the route.
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
    void aFireOnAHubWithoutTheRouteIsHandedOnAndRunsOnceElsewhere(@TempDir Path dir) throws Exception {
        String schema = TestEnvironment.newSchema();
        ConfigurableApplicationContext quick = null;
        ConfigurableApplicationContext slow = null;
        try {
            quick = Hubs.start(schema, hub("hub-quick", dir, "100ms"));
            slow = Hubs.start(schema, hub("hub-slow", dir, "6s"));
            JdbcTemplate jdbc = quick.getBean(JdbcTemplate.class);
            RouteFiles slowFiles = slow.getBean(RouteFiles.class);

            Files.writeString(dir.resolve("shared-tick.yaml"), JOB);
            await().atMost(Duration.ofSeconds(10)).until(() -> runs(jdbc, "true") > 0);
            Instant firstRun = Instant.now();
            await().atMost(Duration.ofSeconds(30)).until(() -> slowFiles.known().contains("shared-tick.yaml"));
            Instant slowLoaded = Instant.now();
            await().atMost(Duration.ofSeconds(30)).until(() -> runs(jdbc, "instance = 'hub-slow'") > 0);
            Thread.sleep(3000); // a few fires with both hubs ready
            Instant end = Instant.now();

            double handedOn = counter(slow, "caravan.job.fires.handed.over");
            System.out.printf("route handover: %s s between the quick and the slow hub's load; %.0f fires handed on%n",
                    Duration.between(firstRun, slowLoaded).toSeconds(), handedOn);
            assertThat(handedOn).as("fires that landed on the hub without the route were handed on").isPositive();
            assertThat(counter(quick, "caravan.job.fires.lost") + counter(slow, "caravan.job.fires.lost")).isZero();

            assertThat(jdbc.queryForObject("SELECT count(*) FROM job_runs WHERE job = 'shared-tick' AND status <> 'succeeded'"
                    + " AND started_at < ?", Long.class, Timestamp.from(end.minusSeconds(2)))).as("runs not succeeded").isZero();
            assertThat(jdbc.queryForObject("SELECT count(*) FROM job_runs WHERE job = 'shared-tick' AND instance = 'hub-slow'"
                    + " AND started_at < ?", Long.class, Timestamp.from(slowLoaded.minusSeconds(1))))
                    .as("runs on the slow hub before it had the route").isZero();
            List<Long> perSecond = jdbc.queryForList("""
                    SELECT count(*) FROM job_runs WHERE job = 'shared-tick' AND scheduled_for IS NOT NULL
                    GROUP BY scheduled_for HAVING count(*) > 1""", Long.class);
            assertThat(perSecond).as("fires that ran more than once").isEmpty();
            long seconds = Duration.between(firstRun, end).toSeconds();
            assertThat(runs(jdbc, "started_at BETWEEN '" + Timestamp.from(firstRun) + "' AND '" + Timestamp.from(end) + "'"))
                    .as("runs in %d s of a per-second job: none lost", seconds).isGreaterThanOrEqualTo(seconds - 3);
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
        return hub.getBean(MeterRegistry.class).find(name).counters().stream().mapToDouble(Counter::count).sum();
    }
}
