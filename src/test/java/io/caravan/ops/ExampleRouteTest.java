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

/** The README's "add a route" example works as written: a YAML file from caravan.routes.dir plus a job pointing at it. */
@HubTest
@TestPropertySource(properties = {
        "caravan.routes.dir=src/test/resources/example-routes",
        "caravan.jobs.job-runs-report.cron=0 30 2 * * ?",
        "caravan.jobs.job-runs-report.time-zone=Asia/Tehran",
        "caravan.jobs.job-runs-report.endpoint=direct:job-runs-report"})
class ExampleRouteTest {

    @Autowired
    JobRunner runner;
    @Autowired
    JobRunRepository runs;
    @Autowired
    StringRedisTemplate redis;
    @Value("${caravan.db.schema}")
    String schema;

    @Test
    void aRouteFileAndAJobMakeAScheduledIntegration() {
        String key = "report:" + schema + ":failed-runs-24h";
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
