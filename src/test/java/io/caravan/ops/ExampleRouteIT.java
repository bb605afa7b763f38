package io.caravan.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.caravan.support.HubTest;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.test.context.TestPropertySource;

/** The README's "add a route" example works as written: a quartz: route file in caravan.routes.dir is a job, re-scheduled by caravan.jobs. */
@HubTest
@TestPropertySource(properties = {
        "caravan.routes.dir=src/test/resources/example-routes",
        "caravan.jobs.job-runs-report.cron=0 45 3 * * ?",
        "caravan.jobs.job-runs-report.time-zone=Asia/Tehran"})
class ExampleRouteIT {

    @Autowired
    JobRunner runner;
    @Autowired
    JobRegistry jobs;
    @Autowired
    JobRunRepository runs;
    @Autowired
    StringRedisTemplate redis;
    @Value("${caravan.db.schema}")
    String schema;

    @Test
    void aRouteFileAndAJobMakeAScheduledIntegration() {
        String key = "report:" + schema + ":failed-runs-24h";
        Job job = jobs.get("job-runs-report");
        assertThat(job.routeId()).isEqualTo("job-runs-report");
        assertThat(job.cron()).as("caravan.jobs overrides the file's cron").isEqualTo("0 45 3 * * ?");
        assertThat(job.timeZone().getId()).isEqualTo("Asia/Tehran");
        try {
            long run = runner.startNow("job-runs-report");
            JobRun finished = await().atMost(Duration.ofSeconds(20)).until(() -> runs.find(run).orElseThrow(),
                    r -> !r.status().equals("running"));

            assertThat(finished.status()).as(String.valueOf(finished.error())).isEqualTo("succeeded");
            assertThat(finished.rows()).isEqualTo(1);
            assertThat(redis.opsForValue().get(key)).isEqualTo("0");
        } finally {
            redis.delete(key);
        }
    }
}
