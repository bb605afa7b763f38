package io.caravan.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.caravan.support.Hubs;
import io.caravan.support.TestEnvironment;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.quartz.JobKey;
import org.quartz.Scheduler;
import org.quartz.TriggerKey;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * A hub that starts without a job's route (here: the job is not configured on it; in production a flow switched off on
 * that hub only) keeps the job's trigger while another live hub runs the job, and drops it once none does.
 */
class StaleTriggersIT {

    private static final TriggerKey TICK = TriggerKey.triggerKey("tick", "caravan");

    @Test
    void aTriggerAnotherLiveHubFiresIsKeptAndOneNoHubFiresIsDropped() throws Exception {
        String schema = TestEnvironment.newSchema();
        ConfigurableApplicationContext withJob = null;
        ConfigurableApplicationContext without = null;
        ConfigurableApplicationContext later = null;
        try {
            withJob = Hubs.start(schema, hub("hub-with-job", Map.of("caravan.jobs.tick.cron", "* * * * * ?",
                    "caravan.jobs.tick.endpoint", "direct:heartbeat")));
            JdbcTemplate jdbc = withJob.getBean(JdbcTemplate.class);
            assertThat(withJob.getBean(Scheduler.class).checkExists(TICK)).isTrue();

            without = Hubs.start(schema, hub("hub-without-job", Map.of()));
            Scheduler scheduler = without.getBean(Scheduler.class);
            assertThat(scheduler.checkExists(TICK)).as("the trigger of a job another live hub runs").isTrue();
            long runsBefore = runs(jdbc);
            await().atMost(Duration.ofSeconds(30)).until(() -> runs(jdbc) > runsBefore + 2);

            // A hub starting beside it dropped the job before this hub's jobs were recorded: its own clean-up, which
            // runs after (one hub at a time), stores the trigger again and the job goes on.
            scheduler.deleteJob(JobKey.jobKey("tick", "caravan"));
            withJob.getBean(StaleTriggers.class).cleanUpAndStart();
            assertThat(scheduler.checkExists(TICK)).as("the trigger stored again by the hub that runs the job").isTrue();
            long runsAfterDrop = runs(jdbc);
            await().atMost(Duration.ofSeconds(30)).until(() -> runs(jdbc) > runsAfterDrop + 2);

            withJob.close();
            withJob = null;
            later = Hubs.start(schema, hub("hub-later", Map.of()));
            assertThat(later.getBean(Scheduler.class).checkExists(TICK)).as("the trigger of a job no live hub runs").isFalse();
            assertThat(later.getBean(JdbcTemplate.class).queryForObject("SELECT count(*) FROM job_hubs WHERE job = 'tick'",
                    Long.class)).as("job_hubs rows of the job").isZero();
            // Its scheduler started only after the stale trigger was gone: no fire of it landed there to hand on.
            assertThat(later.getBean(MeterRegistry.class).find("caravan.job.fires.handed.over").counters().stream()
                    .mapToDouble(Counter::count).sum()).as("fires handed on by the hub that started last").isZero();
        } finally {
            for (ConfigurableApplicationContext hub : new ConfigurableApplicationContext[] {later, without, withJob}) {
                if (hub != null) {
                    hub.close();
                }
            }
            TestEnvironment.dropSchema(schema);
        }
    }

    private static Map<String, Object> hub(String name, Map<String, Object> extra) {
        Map<String, Object> properties = new HashMap<>(extra);
        properties.put("caravan.instance-name", name);
        return properties;
    }

    private static long runs(JdbcTemplate jdbc) {
        return jdbc.queryForObject("SELECT count(*) FROM job_runs WHERE job = 'tick' AND status = 'succeeded'", Long.class);
    }
}
