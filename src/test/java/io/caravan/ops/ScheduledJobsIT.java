package io.caravan.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.caravan.support.Hubs;
import io.caravan.support.TestEnvironment;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

/** Jobs fire on their cron through the clustered Quartz store, record job_runs, and obey the pause flag. */
class ScheduledJobsIT {

    private static final Map<String, Object> EVERY_SECOND = Map.of(
            "caravan.jobs.tick.cron", "* * * * * ?",
            "caravan.jobs.tick.endpoint", "direct:heartbeat");

    private final String schema = TestEnvironment.newSchema();

    @AfterEach
    void dropSchema() {
        TestEnvironment.dropSchema(schema);
    }

    @Test
    void firesOnCronSkipsWhilePausedAndThePauseSurvivesARestart() throws Exception {
        ConfigurableApplicationContext hub = Hubs.start(schema, EVERY_SECOND);
        try {
            await().atMost(Duration.ofSeconds(15)).until(() -> runs("status = 'succeeded' AND trigger = 'schedule'") >= 2);
            assertThat(runs("rows = 1 AND scheduled_for IS NOT NULL AND finished_at >= started_at")).isGreaterThanOrEqualTo(2);

            hub.getBean(JobStateRepository.class).setPaused("tick", true, "test");
            // A fire already past its pause check may still finish: wait until nothing runs and the count has held.
            AtomicLong seen = new AtomicLong(-1);
            await().atMost(Duration.ofSeconds(30)).during(Duration.ofMillis(1500)).pollInterval(Duration.ofMillis(100))
                    .until(() -> {
                        long now = runs("true");
                        return runs("status = 'running'") == 0 && seen.getAndSet(now) == now;
                    });
            long whilePaused = runs("true");
            Thread.sleep(3000);
            assertThat(runs("true")).as("runs while paused").isEqualTo(whilePaused);
        } finally {
            hub.close();
        }

        ConfigurableApplicationContext restarted = Hubs.start(schema, EVERY_SECOND);
        try {
            long afterRestart = runs("true");
            Thread.sleep(3000);
            assertThat(runs("true")).as("runs while paused after a restart").isEqualTo(afterRestart);
            assertThat(restarted.getBean(JobStateRepository.class).isPaused("tick")).isTrue();

            restarted.getBean(JobStateRepository.class).setPaused("tick", false, "test");
            // A fire that the closed hub left in flight stays blocked until Quartz's cluster recovery notices that
            // instance is gone (a few check-in intervals), which a loaded 2-core machine can stretch past 10 s.
            await().atMost(Duration.ofSeconds(30)).until(() -> runs("true") > afterRestart);
        } finally {
            restarted.close();
        }
    }

    private long runs(String condition) throws Exception {
        try (Connection connection = TestEnvironment.connect(schema); Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery("SELECT count(*) FROM job_runs WHERE job = 'tick' AND " + condition)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
