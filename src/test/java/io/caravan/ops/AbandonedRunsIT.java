package io.caravan.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.caravan.support.Hubs;
import io.caravan.support.TestEnvironment;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.camel.builder.RouteBuilder;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * A run whose process died (kill -9 mid-run) is marked abandoned when a hub starts, not when the job next runs a day
 * later, and by every hub's timer ({@code caravan.runs.abandoned-sweep-interval}) while it runs; a run still going on
 * another hub — it holds its job's lock — is left alone.
 */
class AbandonedRunsIT {

    static final CountDownLatch FINISH = new CountDownLatch(1);

    /** A job that runs until the test lets it finish. */
    @Configuration(proxyBeanMethods = false)
    static class SlowJob {
        @Bean
        RouteBuilder slowJobRoute() {
            return new RouteBuilder() {
                @Override
                public void configure() {
                    from("direct:slow-job").routeId("slow-job").process(exchange -> FINISH.await(60, TimeUnit.SECONDS));
                }
            };
        }
    }

    private final String schema = TestEnvironment.newSchema();
    private ConfigurableApplicationContext first;
    private ConfigurableApplicationContext second;

    @AfterEach
    void stop() {
        FINISH.countDown();
        if (second != null) {
            second.close();
        }
        if (first != null) {
            first.close();
        }
        TestEnvironment.dropSchema(schema);
    }

    private ConfigurableApplicationContext hub(String name, String sweepInterval) {
        Map<String, Object> properties = new HashMap<>();
        properties.put("caravan.instance-name", name);
        properties.put("caravan.runs.abandoned-sweep-interval", sweepInterval);
        properties.put("caravan.jobs.slow.cron", "0 0 0 1 1 ? 2099");
        properties.put("caravan.jobs.slow.endpoint", "direct:slow-job");
        properties.put("caravan.jobs.heartbeat.cron", "0 0 9 * * ?");
        properties.put("caravan.jobs.heartbeat.endpoint", "direct:heartbeat");
        return Hubs.start(schema, properties, SlowJob.class);
    }

    @Test
    void aRunLeftRunningByADeadProcessIsAbandonedAtStartUpAndByTheTimerWhileALiveRunOnAnotherHubIsNot() {
        // hub-a's timer stays out of the way (its first tick 10 min after start), so each row shows who found it:
        // hub-b's start-up sweep, then hub-b's one-second timer.
        first = hub("hub-a", "10m");
        JdbcTemplate jdbc = first.getBean(JdbcTemplate.class);
        JobRunRepository runs = first.getBean(JobRunRepository.class);
        long live = first.getBean(JobRunner.class).startNow("slow");
        // What kill -9 leaves behind: a row that says running, its lock gone with the process that held it.
        long dead = jdbc.queryForObject("""
                INSERT INTO job_runs (job, trigger, scheduled_for, instance, status, started_at)
                VALUES ('heartbeat', 'schedule', now() - interval '1 minute', 'hub-killed', 'running', now() - interval '1 minute')
                RETURNING id""", Long.class);

        second = hub("hub-b", "1s");

        JobRun abandoned = runs.find(dead).orElseThrow();
        assertThat(abandoned.status()).isEqualTo("abandoned");
        assertThat(abandoned.finishedAt()).isNotNull();
        assertThat(abandoned.error()).contains("hub-killed", "found by hub-b");
        assertThat(runs.find(live).orElseThrow().status()).as("hub-a's run holds its lock: still going").isEqualTo("running");
        assertThat(first.getBean(JobRunRepository.class).lastRuns().get("heartbeat").status()).isEqualTo("abandoned");

        // And periodically, by hub-b's own timer (every second here; nothing calls sweep()): another crash while both run.
        long later = jdbc.queryForObject("""
                INSERT INTO job_runs (job, trigger, instance, status) VALUES ('heartbeat', 'manual', 'hub-c', 'running') RETURNING id""",
                Long.class);
        Awaitility.await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(200))
                .until(() -> runs.find(later).orElseThrow().status().equals("abandoned"));
        // started_at is the insert's now(): a sweep that saw the row began after it.
        assertThat(jdbc.queryForObject("SELECT finished_at >= started_at FROM job_runs WHERE id = ?", Boolean.class, later))
                .as("finished_at is when a sweep found it, after the row was written").isTrue();
        assertThat(runs.find(later).orElseThrow().error()).as("hub-b's timer; hub-a's first tick is minutes away")
                .contains("hub-c", "found by hub-b");
        assertThat(runs.find(live).orElseThrow().status()).as("the timer's sweep left hub-a's live run alone").isEqualTo("running");

        FINISH.countDown();
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> runs.find(live).orElseThrow().status().equals("succeeded"));
    }
}
