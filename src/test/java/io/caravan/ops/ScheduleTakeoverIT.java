package io.caravan.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.caravan.support.HubProcess;
import io.caravan.support.Hubs;
import io.caravan.support.TestEnvironment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quartz.Scheduler;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The hub that is running a job is killed with SIGKILL in the middle of a run. A job is stateful (no two fires at
 * once in the cluster), so its trigger stays blocked by the dead hub's fire until Quartz on another hub sees the dead
 * one miss its check-ins (clusterCheckinInterval 5 s plus Quartz's grace of 7.5 s) and recovers it. Then the job goes
 * on there: no fire runs twice, no two runs overlap, and the README's take-over time is what this measures.
 */
class ScheduleTakeoverIT {

    /** A job that runs 2 s each second it may: a fire is always in progress on whichever hub holds it. */
    private static final String ROUTE = """
            - route:
                id: slow-tick
                from:
                  uri: quartz:caravan/slow-tick
                  parameters:
                    cron: "* * * * * ?"
                    trigger.timeZone: UTC
                  steps:
                    - delay:
                        constant: 2000
                    - setBody:
                        constant: 1
            """;

    private final String schema = TestEnvironment.newSchema();

    @AfterEach
    void dropSchema() {
        TestEnvironment.dropSchema(schema);
    }

    @Test
    void aHubKilledMidRunHandsTheScheduleToAnotherWithinItsCheckInGrace(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("slow-tick.yaml"), ROUTE);
        Map<String, Object> routes = Map.of("caravan.routes.dir", dir.toString());
        try (HubProcess doomed = HubProcess.start("hub-doomed", schema, routes, Duration.ofSeconds(90))) {
            try (ConfigurableApplicationContext survivor = Hubs.start(schema, Map.of("caravan.routes.dir", dir.toString(),
                    "caravan.instance-name", "hub-survivor"))) {
                JdbcTemplate jdbc = survivor.getBean(JdbcTemplate.class);
                // Until the kill the survivor's Quartz is in standby: a cluster member checking in, taking no fire.
                // Otherwise the two race for each fire, and the in-JVM survivor could win every one (it did in one
                // run of five with the suite's JVMs side by side), so the doomed hub never began the run to cut.
                Scheduler quartz = survivor.getBean(Scheduler.class);
                quartz.standby();
                // Wait for the state the kill needs, not for a time: the doomed hub has finished a run (so the
                // survivor is not the only hub that ever ran it) and has just begun another, which the kill then
                // cuts. A run seen at any moment could be the hub's first, or one about to finish before the kill.
                Long cut = await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(50))
                        .until(() -> freshRunAfterASucceededOne(jdbc, "hub-doomed"), id -> id != null);
                quartz.start();
                doomed.kill();
                Instant killed = Instant.now();

                // The survivor takes the job over and runs it again.
                await().atMost(Duration.ofSeconds(45)).pollInterval(Duration.ofMillis(200)).until(() -> jdbc.queryForObject(
                        "SELECT count(*) FROM job_runs WHERE job = 'slow-tick' AND instance = 'hub-survivor' AND status = 'succeeded'"
                                + " AND started_at > ?", Long.class, Timestamp.from(killed)) >= 2);
                Timestamp firstAfter = jdbc.queryForObject("SELECT min(started_at) FROM job_runs WHERE job = 'slow-tick'"
                        + " AND instance = 'hub-survivor' AND started_at > ?", Timestamp.class, Timestamp.from(killed));
                Duration takeover = Duration.between(killed, firstAfter.toInstant());
                System.out.printf("schedule take-over after SIGKILL: %d ms%n", takeover.toMillis());
                // Quartz: the dead hub's last check-in plus 5 s interval plus 7.5 s grace, then the next fire.
                assertThat(takeover).as("take-over time").isLessThan(Duration.ofSeconds(20));

                List<Map<String, Object>> runs = jdbc.queryForList("""
                        SELECT id, instance, scheduled_for, started_at, finished_at, status FROM job_runs
                        WHERE job = 'slow-tick' AND status <> 'running' ORDER BY started_at""");
                assertThat(jdbc.queryForObject("""
                        SELECT count(*) FROM (SELECT scheduled_for FROM job_runs WHERE job = 'slow-tick' AND scheduled_for IS NOT NULL
                                              GROUP BY scheduled_for HAVING count(*) > 1) d""", Long.class))
                        .as("fires that ran twice").isZero();
                assertThat(jdbc.queryForObject("""
                        SELECT count(*) FROM job_runs a JOIN job_runs b ON a.id < b.id AND a.job = b.job
                        WHERE a.job = 'slow-tick' AND a.status = 'succeeded' AND b.status = 'succeeded'
                          AND a.started_at < b.finished_at AND b.started_at < a.finished_at""", Long.class))
                        .as("finished runs that overlapped: " + runs).isZero();
                assertThat(jdbc.queryForObject("SELECT count(*) FROM job_runs WHERE job = 'slow-tick' AND instance = 'hub-doomed'"
                        + " AND status = 'succeeded'", Long.class)).as("the doomed hub had run the job before").isPositive();
                assertThat(jdbc.queryForObject("SELECT status FROM job_runs WHERE id = ?", String.class, cut))
                        .as("the run cut by the kill never finished; the sweep marks it abandoned (AbandonedRunsIT)")
                        .isIn("running", "abandoned");
            }
        }
    }

    /**
     * The hub's run under way that began less than half of its 2 s ago, once the hub has finished a run before it;
     * else null. {@code started_at} is the database's clock, so is {@code clock_timestamp()}.
     */
    private static Long freshRunAfterASucceededOne(JdbcTemplate jdbc, String instance) {
        return jdbc.queryForObject("""
                SELECT max(r.id) FROM job_runs r
                WHERE r.job = 'slow-tick' AND r.instance = ? AND r.status = 'running'
                  AND r.started_at > clock_timestamp() - interval '1 second'
                  AND EXISTS (SELECT 1 FROM job_runs s WHERE s.job = r.job AND s.instance = r.instance
                                AND s.status = 'succeeded' AND s.id < r.id)""", Long.class, instance);
    }
}
